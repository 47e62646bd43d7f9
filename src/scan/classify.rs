//! Byte classes for a block of 64 bytes at once, as bit masks (bit `i` is byte `start + i`).
//!
//! The skim (`skip.rs`) visits only the bytes that need a decision; everything else
//! (identifiers, spaces, most operators) is passed a block at a time. Each class is a union of
//! "rectangles": a set of high nibbles times a set of low nibbles. That shape is what a
//! nibble-table lookup computes (`pshufb`: two 16-entry tables, one AND), so the AVX2 path
//! classifies 32 bytes in a handful of instructions. The portable path reads the very same
//! tables byte by byte, so both agree by construction (and a test checks it on every byte).

/// Bytes per block: one bit per byte in a `u64`.
pub const BLOCK: usize = 64;

/// The class masks of one block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Classes {
    /// Bytes that always need a look in code: quotes, `/`, brackets, `=`, `!`, `|`, `~`,
    /// illegal bytes and every non-ASCII byte.
    pub special: u64,
    pub digit: u64,
    /// Identifier bytes: ASCII letters, `_`, digits, and non-ASCII bytes.
    pub word: u64,
    pub dot: u64,
    /// First letters of the top-level words `locate` watches (`option`, `import`, `package`,
    /// `task`), plus a few other bytes in the same rectangle; the skim checks the word.
    pub stop_first: u64,
}

/// One class bit: high nibbles × low nibbles.
struct Rectangle {
    bit: u8,
    high: &'static [u8],
    low: &'static [u8],
}

const ALL: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// Table A: bits 0–6 make `special`, bit 7 is `digit` (so it is the sign bit).
const TABLE_A: [Rectangle; 8] = [
    // C0 controls 0x10–0x1f and every non-ASCII byte.
    Rectangle {
        bit: 0,
        high: &[1, 8, 9, 10, 11, 12, 13, 14, 15],
        low: ALL,
    },
    // C0 controls 0x00–0x08 and 0x0e–0x0f (tab, LF, VT, FF and CR are spaces).
    Rectangle {
        bit: 1,
        high: &[0],
        low: &[0, 1, 2, 3, 4, 5, 6, 7, 8, 14, 15],
    },
    // ! " # $ & ' ( ) /
    Rectangle {
        bit: 2,
        high: &[2],
        low: &[1, 2, 3, 4, 6, 7, 8, 9, 15],
    },
    // ; =
    Rectangle {
        bit: 3,
        high: &[3],
        low: &[11, 13],
    },
    // [ \ ] and { | }
    Rectangle {
        bit: 4,
        high: &[5, 7],
        low: &[11, 12, 13],
    },
    // ~ and DEL
    Rectangle {
        bit: 5,
        high: &[7],
        low: &[14, 15],
    },
    // `
    Rectangle {
        bit: 6,
        high: &[6],
        low: &[0],
    },
    // 0–9
    Rectangle {
        bit: 7,
        high: &[3],
        low: &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    },
];

/// Table B: bits 0–4 make `word`, bit 5 is `dot`, bit 6 `stop_first`.
const TABLE_B: [Rectangle; 7] = [
    // A–O, a–o
    Rectangle {
        bit: 0,
        high: &[4, 6],
        low: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    },
    // P–Z, p–z
    Rectangle {
        bit: 1,
        high: &[5, 7],
        low: &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    },
    // _
    Rectangle {
        bit: 2,
        high: &[5],
        low: &[15],
    },
    // 0–9
    Rectangle {
        bit: 3,
        high: &[3],
        low: &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    },
    // non-ASCII
    Rectangle {
        bit: 4,
        high: &[8, 9, 10, 11, 12, 13, 14, 15],
        low: ALL,
    },
    // .
    Rectangle {
        bit: 5,
        high: &[2],
        low: &[14],
    },
    // i o p t (and ` d y DEL, which share the rectangle)
    Rectangle {
        bit: 6,
        high: &[6, 7],
        low: &[0, 4, 9, 15],
    },
];

const SPECIAL_BITS: u8 = 0x7f;
const DIGIT_BIT: u8 = 0x80;
const WORD_BITS: u8 = 0x1f;
const DOT_BIT: u8 = 0x20;
const STOP_BIT: u8 = 0x40;

/// The low-nibble and high-nibble tables of a set of rectangles.
const fn nibble_tables(rectangles: &[Rectangle]) -> ([u8; 16], [u8; 16]) {
    let mut low = [0u8; 16];
    let mut high = [0u8; 16];
    let mut r = 0;
    while r < rectangles.len() {
        let rect = &rectangles[r];
        let mut i = 0;
        while i < rect.low.len() {
            low[rect.low[i] as usize] |= 1 << rect.bit;
            i += 1;
        }
        let mut i = 0;
        while i < rect.high.len() {
            high[rect.high[i] as usize] |= 1 << rect.bit;
            i += 1;
        }
        r += 1;
    }
    (low, high)
}

const A: ([u8; 16], [u8; 16]) = nibble_tables(&TABLE_A);
const B: ([u8; 16], [u8; 16]) = nibble_tables(&TABLE_B);

fn class_a(b: u8) -> u8 {
    A.0[(b & 15) as usize] & A.1[(b >> 4) as usize]
}

fn class_b(b: u8) -> u8 {
    B.0[(b & 15) as usize] & B.1[(b >> 4) as usize]
}

/// Which implementation classifies blocks on this machine.
#[derive(Clone, Copy, Debug)]
pub struct Classifier {
    #[cfg(target_arch = "x86_64")]
    avx2: bool,
}

impl Classifier {
    pub fn detect() -> Self {
        Classifier {
            #[cfg(target_arch = "x86_64")]
            avx2: std::arch::is_x86_feature_detected!("avx2"),
        }
    }

    pub fn classify(self, block: &[u8; BLOCK]) -> Classes {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: the CPU supports AVX2 (checked in `detect`).
            return unsafe { avx2::classify(block) };
        }
        classify_portable(block)
    }
}

fn classify_portable(block: &[u8; BLOCK]) -> Classes {
    let mut classes = Classes::default();
    for (i, &b) in block.iter().enumerate() {
        let (a, b) = (class_a(b), class_b(b));
        let bit = |set: bool| (set as u64) << i;
        classes.special |= bit(a & SPECIAL_BITS != 0);
        classes.digit |= bit(a & DIGIT_BIT != 0);
        classes.word |= bit(b & WORD_BITS != 0);
        classes.dot |= bit(b & DOT_BIT != 0);
        classes.stop_first |= bit(b & STOP_BIT != 0);
    }
    classes
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{A, B, BLOCK, Classes, DIGIT_BIT, DOT_BIT, SPECIAL_BITS, STOP_BIT, WORD_BITS};
    use std::arch::x86_64::*;

    /// A 16-byte table repeated in both 128-bit lanes (`vpshufb` looks up within a lane).
    #[target_feature(enable = "avx2")]
    fn table(t: &[u8; 16]) -> __m256i {
        // SAFETY: `t` is 16 readable bytes; unaligned loads are allowed.
        let lane = unsafe { _mm_loadu_si128(t.as_ptr().cast()) };
        _mm256_broadcastsi128_si256(lane)
    }

    /// Bit `i` set where byte `i` of `classes` has any of `bits`.
    #[target_feature(enable = "avx2")]
    fn any(classes: __m256i, bits: u8) -> u64 {
        let none = _mm256_cmpeq_epi8(
            _mm256_and_si256(classes, _mm256_set1_epi8(bits as i8)),
            _mm256_setzero_si256(),
        );
        !(_mm256_movemask_epi8(none) as u32) as u64
    }

    #[target_feature(enable = "avx2")]
    pub fn classify(block: &[u8; BLOCK]) -> Classes {
        let (a_low, a_high) = (table(&A.0), table(&A.1));
        let (b_low, b_high) = (table(&B.0), table(&B.1));
        let nibble = _mm256_set1_epi8(0x0f);
        let mut classes = Classes::default();
        for half in 0..2 {
            // SAFETY: bytes 32 * half .. 32 * half + 32 lie inside the 64-byte block.
            let v = unsafe { _mm256_loadu_si256(block.as_ptr().add(32 * half).cast()) };
            let low = _mm256_and_si256(v, nibble);
            let high = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
            let a = _mm256_and_si256(
                _mm256_shuffle_epi8(a_low, low),
                _mm256_shuffle_epi8(a_high, high),
            );
            let b = _mm256_and_si256(
                _mm256_shuffle_epi8(b_low, low),
                _mm256_shuffle_epi8(b_high, high),
            );
            let shift = 32 * half;
            classes.special |= any(a, SPECIAL_BITS) << shift;
            classes.digit |= any(a, DIGIT_BIT) << shift;
            classes.word |= any(b, WORD_BITS) << shift;
            classes.dot |= any(b, DOT_BIT) << shift;
            classes.stop_first |= any(b, STOP_BIT) << shift;
        }
        classes
    }
}

/// Whether `b` continues an identifier (ASCII word byte or any non-ASCII byte).
pub fn is_word(b: u8) -> bool {
    class_b(b) & WORD_BITS != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pred: impl Fn(u8) -> bool) -> Vec<u8> {
        (0..=255u8).filter(|b| pred(*b)).collect()
    }

    /// The rectangles describe exactly the intended byte sets.
    #[test]
    fn classes_are_the_intended_sets() {
        let special = set(|b| class_a(b) & SPECIAL_BITS != 0);
        let expected = set(|b| {
            (b < 0x20 && !(0x09..=0x0d).contains(&b))
                || b >= 0x7b
                || b"!\"#$&'()/;=[\\]`".contains(&b)
        });
        assert_eq!(special, expected);
        assert_eq!(
            set(|b| class_a(b) & DIGIT_BIT != 0),
            set(|b| b.is_ascii_digit())
        );
        assert_eq!(
            set(is_word),
            set(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
        );
        assert_eq!(set(|b| class_b(b) & DOT_BIT != 0), vec![b'.']);
        assert_eq!(set(|b| class_b(b) & STOP_BIT != 0), b"`diopty\x7f".to_vec());
    }

    #[test]
    fn every_implementation_agrees_with_the_portable_one() {
        let classifier = Classifier::detect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut block = [0u8; BLOCK];
        for round in 0..2000 {
            for (i, b) in block.iter_mut().enumerate() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // The first rounds walk every byte value through every position.
                *b = if round < 256 {
                    (round + i) as u8
                } else {
                    seed as u8
                };
            }
            assert_eq!(classifier.classify(&block), classify_portable(&block));
        }
    }
}
