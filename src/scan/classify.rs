//! Byte classes for a block of 64 bytes at once, as bit masks (bit `i` is byte `start + i`).
//!
//! The skim (`skip.rs`) visits only the bytes that need a decision; everything else
//! (identifiers, spaces, most operators) is passed a block at a time. Each class is a union of
//! "rectangles": a set of high nibbles times a set of low nibbles. That shape is what a
//! nibble-table lookup computes (`pshufb`: two 16-entry tables, one AND), so the AVX2 path
//! classifies 32 bytes in a handful of instructions (AVX-512 64 bytes, NEON's `tbl` 16). The
//! portable path reads the very same tables byte by byte, so all agree by construction (and a
//! test checks it on every byte).

use std::sync::OnceLock;

/// Bytes per block: one bit per byte in a `u64`.
pub const BLOCK: usize = 64;

/// The class masks of one block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Classes {
    /// Bytes that always need a look in code: quotes, `/`, brackets, `$`, `\\`, `!`, `~`,
    /// illegal bytes and every non-ASCII byte.
    pub special: u64,
    pub digit: u64,
    pub zero: u64,
    /// Identifier bytes: ASCII letters, `_`, digits, and non-ASCII bytes.
    pub word: u64,
    /// First letters of the top-level words `locate` watches: `option`, `import`, `package`,
    /// `task` (the skim checks the word).
    pub stop_first: u64,
    /// The bytes a string literal stops at: `"`, `\\` and `$`.
    pub string: u64,
    pub pipe: u64,
    pub gt: u64,
    pub dash: u64,
}

/// One class bit: high nibbles × low nibbles.
struct Rectangle {
    bit: u8,
    high: &'static [u8],
    low: &'static [u8],
}

const ALL: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const DIGITS: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/// Table A: bits 0–6 make `special`, bit 7 is `digit`.
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
    // ;
    Rectangle {
        bit: 3,
        high: &[3],
        low: &[11],
    },
    // [ \\ ]
    Rectangle {
        bit: 4,
        high: &[5],
        low: &[11, 12, 13],
    },
    // { } ~ DEL
    Rectangle {
        bit: 5,
        high: &[7],
        low: &[11, 13, 14, 15],
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
        low: DIGITS,
    },
];

/// Table B: bits 0–4 make `word`, bit 5 is `pipe`, bit 7 `zero`.
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
        low: DIGITS,
    },
    // non-ASCII
    Rectangle {
        bit: 4,
        high: &[8, 9, 10, 11, 12, 13, 14, 15],
        low: ALL,
    },
    // |
    Rectangle {
        bit: 5,
        high: &[7],
        low: &[12],
    },
    // 0
    Rectangle {
        bit: 7,
        high: &[3],
        low: &[0],
    },
];

/// Table C: bits 0–1 make `string`, 2–3 `stop_first`, bit 6 is `dash` and bit 7 `gt`.
const TABLE_C: [Rectangle; 6] = [
    // " $
    Rectangle {
        bit: 0,
        high: &[2],
        low: &[2, 4],
    },
    // \\
    Rectangle {
        bit: 1,
        high: &[5],
        low: &[12],
    },
    // i o
    Rectangle {
        bit: 2,
        high: &[6],
        low: &[9, 15],
    },
    // p t
    Rectangle {
        bit: 3,
        high: &[7],
        low: &[0, 4],
    },
    // -
    Rectangle {
        bit: 6,
        high: &[2],
        low: &[13],
    },
    // >
    Rectangle {
        bit: 7,
        high: &[3],
        low: &[14],
    },
];

const SPECIAL_BITS: u8 = 0x7f;
const DIGIT_BIT: u8 = 0x80;
const WORD_BITS: u8 = 0x1f;
const PIPE_BIT: u8 = 0x20;
const STOP_BITS: u8 = 0x0c;
const DASH_BIT: u8 = 0x40;
const ZERO_BIT: u8 = 0x80;
const STRING_BITS: u8 = 0x03;
const GT_BIT: u8 = 0x80;

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
const C: ([u8; 16], [u8; 16]) = nibble_tables(&TABLE_C);

const fn class_a(b: u8) -> u8 {
    A.0[(b & 15) as usize] & A.1[(b >> 4) as usize]
}

const fn class_b(b: u8) -> u8 {
    B.0[(b & 15) as usize] & B.1[(b >> 4) as usize]
}

const fn class_c(b: u8) -> u8 {
    C.0[(b & 15) as usize] & C.1[(b >> 4) as usize]
}

/// Which implementation classifies blocks on this machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Classifier {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// One 64-byte register a block, and the class tests land in mask registers.
    #[cfg(target_arch = "x86_64")]
    Avx512,
    /// `tbl` nibble lookups, 16 bytes a step, on every 64-bit ARM CPU.
    #[cfg(target_arch = "aarch64")]
    Neon,
}

impl Classifier {
    /// The fastest implementation this CPU runs, looked up once per process. The environment
    /// variable `FLUXTASK_CLASSIFIER` (`portable`, `avx2`, `avx512`) picks a slower one where
    /// the CPU runs it, so that tests and benchmarks can cover every implementation on one
    /// machine (as simdjson's `SIMDJSON_FORCE_IMPLEMENTATION` does).
    pub fn detect() -> Self {
        static CHOSEN: OnceLock<Classifier> = OnceLock::new();
        *CHOSEN.get_or_init(|| {
            let requested = std::env::var("FLUXTASK_CLASSIFIER").ok();
            let available = Self::available();
            let chosen = Self::choose(&available, requested.as_deref());
            // A typo must not pass for a test of the slower path.
            if let Some(requested) = requested.filter(|r| r != chosen.name()) {
                let names: Vec<&str> = available.iter().map(|c| c.name()).collect();
                eprintln!(
                    "fluxtask: FLUXTASK_CLASSIFIER={requested} is not available on this CPU ({}); using {}",
                    names.join(", "),
                    chosen.name()
                );
            }
            chosen
        })
    }

    /// `requested` if it is one of `available`, else the fastest of them.
    fn choose(available: &[Classifier], requested: Option<&str>) -> Classifier {
        available
            .iter()
            .copied()
            .find(|c| Some(c.name()) == requested)
            .or_else(|| available.last().copied())
            .unwrap_or(Classifier::Portable)
    }

    pub fn name(self) -> &'static str {
        match self {
            Classifier::Portable => "portable",
            #[cfg(target_arch = "x86_64")]
            Classifier::Avx2 => "avx2",
            #[cfg(target_arch = "x86_64")]
            Classifier::Avx512 => "avx512",
            #[cfg(target_arch = "aarch64")]
            Classifier::Neon => "neon",
        }
    }

    /// Every implementation this CPU runs, slowest first.
    pub fn available() -> Vec<Classifier> {
        let mut found = vec![Classifier::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                found.push(Classifier::Avx2);
            }
            if std::arch::is_x86_feature_detected!("avx512bw") {
                found.push(Classifier::Avx512);
            }
        }
        #[cfg(target_arch = "aarch64")]
        if std::arch::is_aarch64_feature_detected!("neon") {
            found.push(Classifier::Neon);
        }
        found
    }

    #[cfg(test)]
    fn classify(self, block: &[u8; BLOCK]) -> Classes {
        self.with_classes(block, |classes| classes)
    }

    /// Classifies `block` and hands the classes to `derive` in the same target-feature
    /// context, so that `derive` is inlined there and the classes never go through memory.
    #[inline]
    pub fn with_classes<R>(self, block: &[u8; BLOCK], derive: impl FnOnce(Classes) -> R) -> R {
        match self {
            Classifier::Portable => derive(classify_portable(block)),
            // SAFETY: `available` offers these only where the CPU supports them (NEON too: a
            // target may be built without it).
            #[cfg(target_arch = "x86_64")]
            Classifier::Avx2 => unsafe { avx2::with_classes(block, derive) },
            #[cfg(target_arch = "x86_64")]
            Classifier::Avx512 => unsafe { avx512::with_classes(block, derive) },
            #[cfg(target_arch = "aarch64")]
            Classifier::Neon => unsafe { neon::with_classes(block, derive) },
        }
    }
}

/// The classes of one byte, as bit 0 of each mask: the reference the implementations are
/// tested against.
#[cfg(test)]
fn byte_classes(byte: u8) -> Classes {
    let (a, b, c) = (class_a(byte), class_b(byte), class_c(byte));
    let bit = |set: u8, bits: u8| (set & bits != 0) as u64;
    Classes {
        special: bit(a, SPECIAL_BITS),
        digit: bit(a, DIGIT_BIT),
        zero: bit(b, ZERO_BIT),
        word: bit(b, WORD_BITS),
        stop_first: bit(c, STOP_BITS),
        string: bit(c, STRING_BITS),
        pipe: bit(b, PIPE_BIT),
        gt: bit(c, GT_BIT),
        dash: bit(c, DASH_BIT),
    }
}

/// The classes of every byte value, one bit a class, in the order of `PORTABLE_CLASSES`.
const PORTABLE_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut byte = 0;
    while byte < 256 {
        let (a, b, c) = (
            class_a(byte as u8),
            class_b(byte as u8),
            class_c(byte as u8),
        );
        let classes = [
            a & SPECIAL_BITS,
            a & DIGIT_BIT,
            b & ZERO_BIT,
            b & WORD_BITS,
            c & STOP_BITS,
            c & STRING_BITS,
            b & PIPE_BIT,
            c & GT_BIT,
            c & DASH_BIT,
        ];
        let mut k = 0;
        while k < classes.len() {
            if classes[k] != 0 {
                table[byte] |= 1 << k;
            }
            k += 1;
        }
        byte += 1;
    }
    table
};

/// Without SIMD: one table lookup a byte, then, eight bytes at a time, a multiply gathers
/// one class's bits into a byte of its mask.
fn classify_portable(block: &[u8; BLOCK]) -> Classes {
    // Byte `j` of `x` is 0 or 1; the product's top byte has bit `j` set for each 1.
    let gather = |x: u64| (x & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let mut masks = [0u64; 9];
    for (group, chunk) in block.chunks_exact(8).enumerate() {
        let (mut low, mut high) = (0u64, 0u64);
        for (j, &byte) in chunk.iter().enumerate() {
            let classes = PORTABLE_TABLE[byte as usize];
            low |= u64::from(classes as u8) << (8 * j);
            high |= u64::from((classes >> 8) as u8) << (8 * j);
        }
        for (k, mask) in masks.iter_mut().enumerate() {
            let lanes = if k < 8 { low >> k } else { high >> (k - 8) };
            *mask |= gather(lanes) << (8 * group);
        }
    }
    let [
        special,
        digit,
        zero,
        word,
        stop_first,
        string,
        pipe,
        gt,
        dash,
    ] = masks;
    Classes {
        special,
        digit,
        zero,
        word,
        stop_first,
        string,
        pipe,
        gt,
        dash,
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;
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

    /// Bit `i` set where byte `i` of `classes` has its top bit (one instruction).
    #[target_feature(enable = "avx2")]
    fn top(classes: __m256i) -> u64 {
        _mm256_movemask_epi8(classes) as u32 as u64
    }

    #[target_feature(enable = "avx2")]
    pub fn with_classes<R>(block: &[u8; BLOCK], derive: impl FnOnce(Classes) -> R) -> R {
        derive(classify(block))
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    fn classify(block: &[u8; BLOCK]) -> Classes {
        let (a_low, a_high) = (table(&A.0), table(&A.1));
        let (b_low, b_high) = (table(&B.0), table(&B.1));
        let (c_low, c_high) = (table(&C.0), table(&C.1));
        let nibble = _mm256_set1_epi8(0x0f);
        let mut classes = Classes::default();
        for half in 0..2 {
            // SAFETY: bytes 32 * half .. 32 * half + 32 lie inside the 64-byte block.
            let v = unsafe { _mm256_loadu_si256(block.as_ptr().add(32 * half).cast()) };
            let low = _mm256_and_si256(v, nibble);
            let high = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
            let lookup = |low_table, high_table| {
                _mm256_and_si256(
                    _mm256_shuffle_epi8(low_table, low),
                    _mm256_shuffle_epi8(high_table, high),
                )
            };
            let a = lookup(a_low, a_high);
            let b = lookup(b_low, b_high);
            let c = lookup(c_low, c_high);
            let shift = 32 * half;
            classes.special |= any(a, SPECIAL_BITS) << shift;
            classes.digit |= top(a) << shift;
            classes.word |= any(b, WORD_BITS) << shift;
            classes.pipe |= any(b, PIPE_BIT) << shift;
            classes.stop_first |= any(c, STOP_BITS) << shift;
            classes.zero |= top(b) << shift;
            classes.string |= any(c, STRING_BITS) << shift;
            classes.gt |= top(c) << shift;
            classes.dash |= any(c, DASH_BIT) << shift;
        }
        classes
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::*;
    use std::arch::x86_64::*;

    /// A 16-byte table repeated in all four 128-bit lanes (`vpshufb` looks up within a lane).
    #[target_feature(enable = "avx512f,avx512bw")]
    fn table(t: &[u8; 16]) -> __m512i {
        // SAFETY: `t` is 16 readable bytes; unaligned loads are allowed.
        let lane = unsafe { _mm_loadu_si128(t.as_ptr().cast()) };
        _mm512_broadcast_i32x4(lane)
    }

    #[target_feature(enable = "avx512f,avx512bw")]
    pub fn with_classes<R>(block: &[u8; BLOCK], derive: impl FnOnce(Classes) -> R) -> R {
        derive(classify(block))
    }

    #[target_feature(enable = "avx512f,avx512bw")]
    #[inline]
    fn classify(block: &[u8; BLOCK]) -> Classes {
        // SAFETY: the block is 64 readable bytes; unaligned loads are allowed.
        let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
        let nibble = _mm512_set1_epi8(0x0f);
        let low = _mm512_and_si512(v, nibble);
        let high = _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble);
        let lookup = |tables: &([u8; 16], [u8; 16])| {
            _mm512_and_si512(
                _mm512_shuffle_epi8(table(&tables.0), low),
                _mm512_shuffle_epi8(table(&tables.1), high),
            )
        };
        let (a, b, c) = (lookup(&A), lookup(&B), lookup(&C));
        let any = |classes, bits: u8| _mm512_test_epi8_mask(classes, _mm512_set1_epi8(bits as i8));
        Classes {
            special: any(a, SPECIAL_BITS),
            digit: _mm512_movepi8_mask(a),
            zero: _mm512_movepi8_mask(b),
            word: any(b, WORD_BITS),
            stop_first: any(c, STOP_BITS),
            string: any(c, STRING_BITS),
            pipe: any(b, PIPE_BIT),
            gt: _mm512_movepi8_mask(c),
            dash: any(c, DASH_BIT),
        }
    }
}

#[cfg(target_arch = "aarch64")]
mod neon {
    use super::*;
    use std::arch::aarch64::*;

    /// Bit `i` set where byte `i` of the four vectors has any of `bits`: the `movemask` NEON
    /// lacks. Each lane keeps its bit's weight (1, 2, … 128 within each 8 bytes); three rounds
    /// of adding neighbour lanes leave one mask byte per 8 bytes, in order.
    #[target_feature(enable = "neon")]
    fn any(v: &[uint8x16_t; 4], bits: u8) -> u64 {
        const WEIGHTS: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];
        // SAFETY: the loads read a 16-byte array.
        unsafe {
            let weights = vld1q_u8(WEIGHTS.as_ptr());
            let wanted = vdupq_n_u8(bits);
            let weigh = |x: uint8x16_t| vandq_u8(vtstq_u8(x, wanted), weights);
            let halves = (
                vpaddq_u8(weigh(v[0]), weigh(v[1])),
                vpaddq_u8(weigh(v[2]), weigh(v[3])),
            );
            let quarters = vpaddq_u8(halves.0, halves.1);
            let bytes = vpaddq_u8(quarters, quarters);
            vgetq_lane_u64::<0>(vreinterpretq_u64_u8(bytes))
        }
    }

    #[target_feature(enable = "neon")]
    pub fn with_classes<R>(block: &[u8; BLOCK], derive: impl FnOnce(Classes) -> R) -> R {
        derive(classify(block))
    }

    #[target_feature(enable = "neon")]
    fn classify(block: &[u8; BLOCK]) -> Classes {
        // SAFETY: each load reads 16 bytes inside the 16-byte tables or the 64-byte block.
        let (a, b, c) = unsafe {
            let table = |t: &[u8; 16]| vld1q_u8(t.as_ptr());
            let lookups = [
                (table(&A.0), table(&A.1)),
                (table(&B.0), table(&B.1)),
                (table(&C.0), table(&C.1)),
            ];
            let nibble = vdupq_n_u8(0x0f);
            let mut classes = [[vdupq_n_u8(0); 4]; 3];
            for i in 0..4 {
                let v = vld1q_u8(block.as_ptr().add(16 * i));
                let low = vandq_u8(v, nibble);
                let high = vshrq_n_u8::<4>(v);
                for (class, (low_table, high_table)) in classes.iter_mut().zip(lookups) {
                    class[i] = vandq_u8(vqtbl1q_u8(low_table, low), vqtbl1q_u8(high_table, high));
                }
            }
            (classes[0], classes[1], classes[2])
        };
        Classes {
            special: any(&a, SPECIAL_BITS),
            digit: any(&a, DIGIT_BIT),
            zero: any(&b, ZERO_BIT),
            word: any(&b, WORD_BITS),
            stop_first: any(&c, STOP_BITS),
            string: any(&c, STRING_BITS),
            pipe: any(&b, PIPE_BIT),
            gt: any(&c, GT_BIT),
            dash: any(&c, DASH_BIT),
        }
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
        let of = |class: fn(&Classes) -> u64| set(|b| class(&byte_classes(b)) == 1);
        let special = set(|b| {
            (b < 0x20 && !(0x09..=0x0d).contains(&b))
                || b >= 0x80
                || b"!\"#$&'()/;[\\]`{}~\x7f".contains(&b)
        });
        assert_eq!(of(|c| c.special), special);
        assert_eq!(of(|c| c.digit), set(|b| b.is_ascii_digit()));
        assert_eq!(of(|c| c.zero), b"0");
        assert_eq!(
            set(is_word),
            set(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
        );
        assert_eq!(of(|c| c.word), set(is_word));
        assert_eq!(of(|c| c.stop_first), b"iopt");
        assert_eq!(of(|c| c.dash), b"-");
        assert_eq!(of(|c| c.string), b"\"$\\");
        assert_eq!(of(|c| c.pipe), b"|");
        assert_eq!(of(|c| c.gt), b">");
    }

    #[test]
    fn a_requested_classifier_is_used_only_where_the_cpu_runs_it() {
        let all = Classifier::available();
        for &c in &all {
            assert_eq!(Classifier::choose(&all, Some(c.name())), c);
        }
        #[cfg(target_arch = "aarch64")]
        assert!(all.contains(&Classifier::Neon), "{all:?}");
        let fastest = *all.last().unwrap();
        assert_eq!(Classifier::choose(&all, None), fastest);
        assert_eq!(Classifier::choose(&all, Some("neon")), fastest);
        assert_eq!(
            Classifier::choose(&[Classifier::Portable], Some("avx512")),
            Classifier::Portable
        );
    }

    #[test]
    fn every_implementation_agrees_with_the_byte_table() {
        let mut next = crate::test_rng(0x9e37_79b9_7f4a_7c15);
        let mut block = [0u8; BLOCK];
        for round in 0..2000 {
            for (i, b) in block.iter_mut().enumerate() {
                // The first rounds walk every byte value through every position.
                *b = if round < 256 {
                    (round + i) as u8
                } else {
                    next(256) as u8
                };
            }
            let mut reference = Classes::default();
            for (i, &byte) in block.iter().enumerate() {
                let one = byte_classes(byte);
                reference.special |= one.special << i;
                reference.digit |= one.digit << i;
                reference.zero |= one.zero << i;
                reference.word |= one.word << i;
                reference.stop_first |= one.stop_first << i;
                reference.string |= one.string << i;
                reference.pipe |= one.pipe << i;
                reference.gt |= one.gt << i;
                reference.dash |= one.dash << i;
            }
            for classifier in Classifier::available() {
                assert_eq!(classifier.classify(&block), reference, "{classifier:?}");
            }
        }
    }
}
