//! The fast path of `locate`: it validates code and keeps the bracket stack like the token
//! loop does, but emits no tokens and looks only at the bytes that need a decision.
//!
//! Most of a script is code `locate` does not care about: everything inside brackets
//! (`filter(fn: (r) => …)`), and at the top level everything but a few words. The skim finds
//! the next byte worth a look with block masks (`classify.rs`): quotes, `/`, brackets, `=`,
//! `!`, `|`, `~`, illegal and non-ASCII bytes, digits that start a number, and at the top level
//! the first letters of `option`, `import`, `package` and `task`. Identifiers, spaces and the
//! other operators are passed 64 bytes at a time. Where a `/` needs the previous token (regex
//! or division, §5.2), it is read backwards from that `/`.
//!
//! A test in `locate` runs this path and the token loop over the corpus, the fixtures and
//! thousands of mutations, and requires the same answer for every one.

use super::classify::{BLOCK, Classifier, is_word};
use super::{
    Kind, MAX_NESTING, ScanError, Token, illegal_character, is_keyword, number_token, regex_end,
    scan_string, unterminated_regex,
};
use crate::span::Span;

/// What stopped the skim.
#[derive(Debug)]
pub enum SkipError {
    Scan(ScanError),
    /// A closing bracket that does not match, with the opener it met.
    Mismatch {
        closer: Token,
        opener: Option<Token>,
    },
    Nesting(usize),
}

/// Where the skim hands back to the token loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// Just after the bracket that empties the bracket stack.
    Closed,
    /// At a top-level `option`, `import`, `package` or `task`, or at the end of the text.
    StopWord,
}

/// Whether a `/` here would start a regex, from what the last token was.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Before {
    /// An operand just ended: `/` divides.
    Operand,
    /// An operator, an opening bracket: `/` starts a regex.
    Other,
}

/// Skims from `pos` (where a `/` would start a regex if `regex_allowed`) until `until`;
/// returns where it stopped. Its errors carry no notes: `locate` words them with the token
/// loop.
pub fn skim(
    src: &str,
    mut pos: usize,
    open: &mut Vec<Token>,
    regex_allowed: bool,
    until: Until,
) -> Result<usize, SkipError> {
    let bytes = src.as_bytes();
    let mut events = Events::new(bytes);
    let mut before = if regex_allowed {
        Before::Other
    } else {
        Before::Operand
    };
    // Start of the bytes passed since the last token that set `before`.
    let mut run_start = pos;
    // End of the last two-byte operator, so a `=` there is not read as `<=` or `>=`.
    let mut pair_end = usize::MAX;
    // A token that starts right after a number, inside what the masks see as one word (the
    // token loop may hand over right after a number too).
    let mut glued = bytes.get(pos).is_some_and(|b| is_word(*b)).then_some(pos);
    loop {
        let watch_words = until == Until::StopWord && open.is_empty();
        let at = match glued.take() {
            Some(at) => at,
            None => events.next(pos, watch_words),
        };
        let Some(&b) = bytes.get(at) else {
            return Ok(bytes.len());
        };
        match b {
            b'"' => {
                let (end, _) = scan_string(src, at).map_err(SkipError::Scan)?;
                (pos, run_start, before) = (end, end, Before::Operand);
            }
            b'/' => {
                before = classify(bytes, run_start, at, before);
                if bytes.get(at + 1) == Some(&b'/') {
                    pos = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
                    run_start = pos;
                } else if before == Before::Other {
                    let end = regex_end(bytes, at)
                        .ok_or_else(|| SkipError::Scan(unterminated_regex(at)))?;
                    (pos, run_start, before) = (end, end, Before::Operand);
                } else {
                    (pos, run_start, before) = (at + 1, at + 1, Before::Other);
                }
            }
            b'(' | b'[' | b'{' => {
                if open.len() >= MAX_NESTING {
                    return Err(SkipError::Nesting(at));
                }
                open.push(bracket(b, at));
                (pos, run_start, before) = (at + 1, at + 1, Before::Other);
            }
            b')' | b']' | b'}' => {
                let closer = bracket(b, at);
                let opener = open.pop();
                if opener.map(|o| o.kind) != Some(opening(closer.kind)) {
                    return Err(SkipError::Mismatch { closer, opener });
                }
                (pos, run_start, before) = (at + 1, at + 1, Before::Operand);
                if open.is_empty() && until == Until::Closed {
                    return Ok(pos);
                }
            }
            b'0'..=b'9' => {
                let (_, end) = number_token(src, at).map_err(SkipError::Scan)?;
                (pos, run_start, before) = (end, end, Before::Operand);
                // `5mtask`, `5m1`: the number ends inside a run of word bytes.
                if bytes.get(end).is_some_and(|b| is_word(*b)) {
                    glued = Some(end);
                }
            }
            b'=' => {
                let second_of_pair =
                    at > 0 && matches!(bytes[at - 1], b'<' | b'>') && pair_end != at;
                let len = match bytes.get(at + 1) {
                    _ if second_of_pair => 1,
                    Some(b'=' | b'~' | b'>') => 2,
                    _ => 1,
                };
                pos = at + len;
                pair_end = pos;
            }
            b'!' | b'|' => {
                let pairs = matches!(
                    (b, bytes.get(at + 1)),
                    (b'!', Some(b'=' | b'~')) | (b'|', Some(b'>'))
                );
                if !pairs {
                    return Err(SkipError::Scan(illegal_character(src, at)));
                }
                pos = at + 2;
                pair_end = pos;
            }
            0x80.. => {
                let c = src[at..].chars().next().unwrap_or('\u{fffd}');
                if !c.is_alphabetic() {
                    return Err(SkipError::Scan(illegal_character(src, at)));
                }
                pos = at + c.len_utf8();
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                if watch_words && is_stop_word(&bytes[at..]) {
                    return Ok(at);
                }
                pos = at + 1;
            }
            _ => return Err(SkipError::Scan(illegal_character(src, at))),
        }
    }
}

/// The words the token loop must see at the top level: they start a task record, or must
/// come before other statements, or name a near miss (`task = {…}` without `option`).
fn is_stop_word(rest: &[u8]) -> bool {
    let word: &[u8] = match rest[0] {
        b'o' => b"option",
        b'i' => b"import",
        b'p' => b"package",
        b't' => b"task",
        _ => return false,
    };
    rest.starts_with(word) && !rest.get(word.len()).is_some_and(|b| is_word(*b))
}

/// The next byte worth a look, from block masks cached for 64 bytes at a time.
struct Events<'a> {
    bytes: &'a [u8],
    classifier: Classifier,
    /// Offset of the block the masks describe.
    start: usize,
    /// Bytes that always need a look, and digits that start a number.
    always: u64,
    /// Letters that may start a watched top-level word.
    words: u64,
}

impl<'a> Events<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Events {
            bytes,
            classifier: Classifier::detect(),
            // No block yet: `pos - start` wraps past `BLOCK` for every position.
            start: usize::MAX - BLOCK,
            always: 0,
            words: 0,
        }
    }

    /// The offset of the first event at or after `pos`, or the length of the text.
    #[inline]
    fn next(&mut self, mut pos: usize, watch_words: bool) -> usize {
        loop {
            if pos >= self.bytes.len() {
                return self.bytes.len();
            }
            if pos.wrapping_sub(self.start) >= BLOCK {
                self.load(pos);
            }
            let mask = if watch_words {
                self.always | self.words
            } else {
                self.always
            };
            let ahead = mask >> (pos - self.start);
            if ahead != 0 {
                return pos + ahead.trailing_zeros() as usize;
            }
            pos = self.start + BLOCK;
        }
    }

    /// Classifies the 64 bytes from `start` (spaces past the end of the text).
    fn load(&mut self, start: usize) {
        let mut padded = [b' '; BLOCK];
        let block: &[u8; BLOCK] = match self.bytes.get(start..start + BLOCK) {
            Some(slice) => slice.try_into().unwrap_or(&padded),
            None => {
                let rest = &self.bytes[start..];
                padded[..rest.len()].copy_from_slice(rest);
                &padded
            }
        };
        let classes = self.classifier.classify(block);
        let previous = start.checked_sub(1).map(|i| self.bytes[i]);
        let previous_word = previous.is_some_and(is_word) as u64;
        let previous_word_or_dot = previous.is_some_and(|b| is_word(b) || b == b'.') as u64;
        // A digit after a word byte or a dot continues a token (`a1`, `.5`, `1.25`).
        let continued = ((classes.word | classes.dot) << 1) | previous_word_or_dot;
        self.start = start;
        self.always = classes.special | (classes.digit & !continued);
        self.words = classes.stop_first & !((classes.word << 1) | previous_word);
    }
}

/// The token class just before `end`, from the bytes passed since `run_start` (identifiers,
/// operators, spaces), or `before` when there were none.
fn classify(bytes: &[u8], run_start: usize, end: usize, before: Before) -> Before {
    let run = &bytes[run_start..end];
    let Some(last) = run
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
    else {
        return before;
    };
    if !is_word(run[last]) {
        // `<-` (the pipe-receive literal) is an operand; every other operator is not.
        let receive = run[last] == b'-' && last > 0 && run[last - 1] == b'<';
        return if receive {
            Before::Operand
        } else {
            Before::Other
        };
    }
    let start = run[..last]
        .iter()
        .rposition(|b| !is_word(*b))
        .map_or(0, |i| i + 1);
    if is_keyword(&run[start..=last]) {
        Before::Other
    } else {
        Before::Operand
    }
}

fn bracket(b: u8, pos: usize) -> Token {
    let kind = match b {
        b'(' => Kind::LParen,
        b'[' => Kind::LBrack,
        b'{' => Kind::LBrace,
        b')' => Kind::RParen,
        b']' => Kind::RBrack,
        _ => Kind::RBrace,
    };
    Token {
        kind,
        span: Span::new(pos, pos + 1),
    }
}

fn opening(closer: Kind) -> Kind {
    match closer {
        Kind::RParen => Kind::LParen,
        Kind::RBrack => Kind::LBrack,
        _ => Kind::LBrace,
    }
}
