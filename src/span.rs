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
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text.as_bytes()[..offset];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    LineCol {
        line: memchr::memchr_iter(b'\n', before).count() + 1,
        column: text[line_start..offset].chars().count() + 1,
    }
}

/// Byte range of the line holding `offset`, without its line terminator.
pub fn line_bounds(text: &str, offset: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
    let mut end = memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |i| offset + i);
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    start..end
}

/// Line and column lookups for many offsets into one text, each in `O(log lines)` plus at
/// most one block of bytes: a file with a million findings on one long line must not cost a
/// million scans of that line (`line_col` is linear in the offset).
pub struct LineIndex<'a> {
    text: &'a str,
    /// Offset of the first byte of every line.
    line_starts: Vec<usize>,
    /// UTF-8 continuation bytes before each `BLOCK`-byte block: characters between two
    /// offsets are bytes minus continuation bytes.
    continuations: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    const BLOCK: usize = 4096;

    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        let mut continuations = Vec::with_capacity(bytes.len() / Self::BLOCK + 1);
        let mut seen = 0;
        for block in bytes.chunks(Self::BLOCK) {
            continuations.push(seen);
            seen += count_continuations(block);
        }
        LineIndex {
            text,
            line_starts,
            continuations,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The same answer as `line_col(text, offset)`.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.char_boundary(offset);
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        LineCol {
            line,
            column: offset
                - start
                - (self.continuations_before(offset) - self.continuations_before(start))
                + 1,
        }
    }

    /// The same answer as `line_bounds(text, offset)`.
    pub fn line_bounds(&self, offset: usize) -> Range<usize> {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let mut end = self
            .line_starts
            .get(line)
            .map_or(bytes.len(), |next| next - 1);
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    fn char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    fn continuations_before(&self, offset: usize) -> usize {
        let block = offset / Self::BLOCK;
        match self.continuations.get(block) {
            Some(&before) => {
                before + count_continuations(&self.text.as_bytes()[block * Self::BLOCK..offset])
            }
            // `offset` is the end of a text whose length is a multiple of BLOCK (or empty).
            None => self.continuations.last().map_or(0, |&before| {
                before
                    + count_continuations(&self.text.as_bytes()[(block - 1) * Self::BLOCK..offset])
            }),
        }
    }
}

fn count_continuations(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) < -64).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers exactly as the one-off functions, at every offset of texts with
    /// CRLF, empty lines, multi-byte characters and block edges.
    #[test]
    fn line_index_agrees_with_the_scans() {
        let long: String = "aµ€😀\r\n\n".repeat(700);
        let one_block = "é".repeat(LineIndex::BLOCK / 2);
        for text in ["", "\n", "a", "ab\r\ncd\n", "µ\n\nx€", &long, &one_block] {
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
