//! Where the skim (`skip.rs`) must look next: masks of the bytes that need a decision, for a
//! 64-byte window of the text at a time.
//!
//! A window starts two bytes before the block it describes and ends four bytes after, so
//! every rule that reads a neighbour byte is a shift inside one window: bits
//! `LOOK_BEHIND..BLOCK - LOOK_AHEAD` of the masks describe the block, 58 bytes.

use super::classify::{BLOCK, Classes, Classifier};

const LOOK_BEHIND: usize = 2;
const LOOK_AHEAD: usize = 4;
const COVERED: usize = BLOCK - LOOK_BEHIND - LOOK_AHEAD;
const COVERED_BITS: u64 = (u64::MAX >> (LOOK_BEHIND + LOOK_AHEAD)) << LOOK_BEHIND;

/// Which events a caller looks for.
#[derive(Clone, Copy)]
pub enum Mask {
    /// Code: quotes, `/`, brackets, `!`, `~`, a `|` not in `|>`, illegal and non-ASCII
    /// bytes, and digit runs that `number_token` may refuse or read as a date-time.
    Code,
    /// Code at the top level: also the first letters of the watched words and every number
    /// (a word may be glued to it, `2hoption`).
    TopLevel,
    /// Inside a string: `"`, `\` and `$`.
    String,
}

#[derive(Clone, Copy, Default)]
struct Masks {
    code: u64,
    top_level: u64,
    string: u64,
}

pub struct Events<'a> {
    bytes: &'a [u8],
    classifier: Classifier,
    /// Offset of the window's first byte (it may lie before the text, by wrapping).
    window: usize,
    masks: Masks,
}

impl<'a> Events<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Events {
            bytes,
            classifier: Classifier::detect(),
            // No window yet: every position is outside this one.
            window: usize::MAX / 2,
            masks: Masks::default(),
        }
    }

    /// The offset of the first event at or after `pos`, or the length of the text.
    #[inline(always)]
    pub fn next(&mut self, mut pos: usize, mask: Mask) -> usize {
        loop {
            if pos >= self.bytes.len() {
                return self.bytes.len();
            }
            let mut offset = pos.wrapping_sub(self.window);
            if offset.wrapping_sub(LOOK_BEHIND) >= COVERED {
                self.load(pos);
                offset = LOOK_BEHIND;
            }
            let bits = match mask {
                Mask::Code => self.masks.code,
                Mask::TopLevel => self.masks.top_level,
                Mask::String => self.masks.string,
            };
            let ahead = bits >> offset;
            if ahead != 0 {
                return pos + ahead.trailing_zeros() as usize;
            }
            pos = self.window.wrapping_add(LOOK_BEHIND + COVERED);
        }
    }

    /// Classifies the window whose block starts at `start` (spaces outside the text).
    #[inline(never)]
    fn load(&mut self, start: usize) {
        let window = start.wrapping_sub(LOOK_BEHIND);
        let mut padded = [b' '; BLOCK];
        let bytes: &[u8; BLOCK] = match self
            .bytes
            .get(window..window.wrapping_add(BLOCK))
            .and_then(|slice| slice.try_into().ok())
        {
            Some(bytes) => bytes,
            None => {
                for (i, b) in padded.iter_mut().enumerate() {
                    if let Some(&byte) = self.bytes.get(window.wrapping_add(i)) {
                        *b = byte;
                    }
                }
                &padded
            }
        };
        self.window = window;
        self.masks = self.classifier.with_classes(bytes, event_masks);
    }
}

/// The event masks of a window from its byte classes. `before(m, k)` has bit `i` set when
/// byte `i - k` is in `m`; `after(m, k)` when byte `i + k` is.
#[inline(always)]
fn event_masks(c: Classes) -> Masks {
    let before = |m: u64, k: u32| m << k;
    let after = |m: u64, k: u32| m >> k;

    // Digit runs that `number_token` may refuse or read as a date-time: a leading zero
    // (`01`), and four digits and a dash (`2024-01-01`).
    let digit_run = c.digit & !before(c.digit, 1);
    let leading_zero = digit_run & c.zero & after(c.digit, 1);
    let date =
        digit_run & after(c.digit, 1) & after(c.digit, 2) & after(c.digit, 3) & after(c.dash, 4);

    // `|>` is one token; any other `|` is illegal. (`!` and `~` are rare: always events.)
    let lone_pipe = c.pipe & !after(c.gt, 1);

    let number_start = c.digit & !before(c.word, 1);
    let word_start = c.stop_first & !before(c.word, 1);

    let code = c.special | leading_zero | date | lone_pipe;
    Masks {
        code: code & COVERED_BITS,
        top_level: (code | number_start | word_start) & COVERED_BITS,
        string: c.string & COVERED_BITS,
    }
}
