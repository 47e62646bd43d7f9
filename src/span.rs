//! Byte spans into the original text, and their line/column form for messages.

use std::ops::Range;

/// A half-open byte range `start..end` into the original script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// 1-based line and column; the column counts characters, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Line and column of a byte offset. `offset` is clamped to the text and to a char boundary,
/// so any offset gives an answer.
pub fn line_col(text: &str, offset: usize) -> LineCol {
    let offset = char_floor(text, offset);
    let before = &text.as_bytes()[..offset];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    LineCol {
        line: memchr::memchr_iter(b'\n', before).count() + 1,
        column: text[line_start..offset].chars().count() + 1,
    }
}

/// `offset` clamped to the text and moved back to a character boundary.
fn char_floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Line and column lookups for many offsets into one text, each reading parts of at most
/// two blocks of bytes: a file with a million findings on one long line must not cost a
/// million scans of that line (`line_col` is linear in the offset). The index keeps a few
/// numbers per 4 KiB block, never one per line, so a file of newlines costs no more than
/// any other.
pub struct LineIndex<'a> {
    text: &'a str,
    /// One entry per block, and one for the end of the text.
    blocks: Vec<BlockStart>,
}

/// What is known at the first byte of a block.
#[derive(Clone, Copy, Default)]
struct BlockStart {
    /// `\n` bytes before it.
    newlines: usize,
    /// UTF-8 continuation bytes before it: characters are bytes minus these.
    continuations: usize,
    /// Where the line holding it starts.
    line_start: usize,
    /// The first `\n` at or after it, or the length of the text.
    next_newline: usize,
}

impl<'a> LineIndex<'a> {
    const BLOCK: usize = 4096;

    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let count = bytes.len() / Self::BLOCK + 1;
        let mut blocks = vec![BlockStart::default(); count];
        for k in 1..count {
            let previous = &bytes[(k - 1) * Self::BLOCK..k * Self::BLOCK];
            let before = blocks[k - 1];
            blocks[k] = BlockStart {
                newlines: before.newlines + memchr::memchr_iter(b'\n', previous).count(),
                continuations: before.continuations + count_continuations(previous),
                line_start: memchr::memrchr(b'\n', previous)
                    .map_or(before.line_start, |i| (k - 1) * Self::BLOCK + i + 1),
                next_newline: 0,
            };
        }
        // Backwards: a block without a newline passes on the next block's.
        let mut next = bytes.len();
        for k in (0..count).rev() {
            let block = &bytes[k * Self::BLOCK..((k + 1) * Self::BLOCK).min(bytes.len())];
            if let Some(i) = memchr::memchr(b'\n', block) {
                next = k * Self::BLOCK + i;
            }
            blocks[k].next_newline = next;
        }
        LineIndex { text, blocks }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The same answer as `line_col(text, offset)`.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = char_floor(self.text, offset);
        let (block, piece) = self.block_to(offset);
        let start = self.line_start(offset);
        LineCol {
            line: block.newlines + memchr::memchr_iter(b'\n', piece).count() + 1,
            column: offset
                - start
                - (self.continuations_before(offset) - self.continuations_before(start))
                + 1,
        }
    }

    /// Byte range of the line holding `offset`, without its line terminator.
    pub fn line_bounds(&self, offset: usize) -> Range<usize> {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        let start = self.line_start(offset);
        let k = offset / Self::BLOCK;
        let block_end = ((k + 1) * Self::BLOCK).min(bytes.len());
        let mut end = match memchr::memchr(b'\n', &bytes[offset..block_end]) {
            Some(i) => offset + i,
            None => self
                .blocks
                .get(k + 1)
                .map_or(bytes.len(), |b| b.next_newline),
        };
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// The entry of the block holding `offset`, and the bytes from that block's start to it.
    fn block_to(&self, offset: usize) -> (BlockStart, &[u8]) {
        let k = offset / Self::BLOCK;
        (
            self.blocks[k],
            &self.text.as_bytes()[k * Self::BLOCK..offset],
        )
    }

    fn line_start(&self, offset: usize) -> usize {
        let (block, piece) = self.block_to(offset);
        memchr::memrchr(b'\n', piece).map_or(block.line_start, |i| offset - piece.len() + i + 1)
    }

    fn continuations_before(&self, offset: usize) -> usize {
        let (block, piece) = self.block_to(offset);
        block.continuations + count_continuations(piece)
    }
}

fn count_continuations(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) < -64).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference `LineIndex::line_bounds` is held to: scans from the offset both ways.
    fn line_bounds(text: &str, offset: usize) -> Range<usize> {
        let bytes = text.as_bytes();
        let offset = offset.min(bytes.len());
        let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
        let mut end = memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |i| offset + i);
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// The index answers exactly as the one-off functions, at every offset of texts with
    /// CRLF, empty lines, multi-byte characters and block edges.
    #[test]
    fn line_index_agrees_with_the_scans() {
        let long: String = "aµ€😀\r\n\n".repeat(700);
        let one_block = "é".repeat(LineIndex::BLOCK / 2);
        let long_line = format!(
            "{}\r\n{}",
            "x".repeat(3 * LineIndex::BLOCK),
            "µ".repeat(LineIndex::BLOCK)
        );
        let newlines = "\n".repeat(2 * LineIndex::BLOCK + 1);
        for text in [
            "",
            "\n",
            "a",
            "ab\r\ncd\n",
            "µ\n\nx€",
            &long,
            &one_block,
            &long_line,
            &newlines,
        ] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(index.line_col(offset), line_col(text, offset), "{offset}");
                assert_eq!(
                    index.line_bounds(offset),
                    line_bounds(text, offset),
                    "{offset}"
                );
            }
        }
    }

    /// Random texts of up to five blocks from pieces that straddle block edges.
    #[test]
    fn line_index_agrees_on_random_texts() {
        let pieces = ["a", "\n", "\r\n", "\r", "µ", "😀", "\t", &"x".repeat(5000)];
        let mut next = crate::test_rng(0x853c_49e6_748f_ea9b);
        for _ in 0..200 {
            let mut text = String::new();
            let length = next(5 * LineIndex::BLOCK);
            while text.len() < length {
                text.push_str(pieces[next(pieces.len())]);
            }
            let index = LineIndex::new(&text);
            for _ in 0..50 {
                let offset = next(text.len() + 1);
                assert_eq!(index.line_col(offset), line_col(&text, offset), "{offset}");
                assert_eq!(
                    index.line_bounds(offset),
                    line_bounds(&text, offset),
                    "{offset}"
                );
            }
        }
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nµx\n";
        assert_eq!(line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(line_col(text, 3), LineCol { line: 2, column: 1 });
        assert_eq!(line_col(text, 5), LineCol { line: 2, column: 2 });
        assert_eq!(
            line_col(text, 4),
            LineCol { line: 2, column: 1 },
            "inside µ"
        );
        assert_eq!(line_col(text, 99), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn line_bounds_strip_crlf() {
        let text = "a\r\nbc\r\n";
        assert_eq!(line_bounds(text, 4), 3..5);
        assert_eq!(line_bounds(text, 0), 0..1);
    }
}
