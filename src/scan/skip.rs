//! The fast path for bracketed code outside the task record: it validates bytes and keeps
//! the bracket stack like the token loop does, but emits no tokens.
//!
//! Most of a script sits inside brackets (`filter(fn: (r) => …)`), where `locate` needs only
//! to find the matching bracket and every error on the way. Plain bytes (identifiers,
//! operators, spaces) are passed by one table lookup each; strings, comments, regexes,
//! numbers, brackets and the few multi-byte operators take their own branch. Where a `/` needs
//! the previous token (regex or division, §5.2), it is read backwards from that `/`.
//! A test in `locate` runs both paths over the corpus, the fixtures and their mutations.

use super::{
    Kind, MAX_NESTING, ScanError, Token, illegal_character, is_keyword, is_word_byte, number_token,
    regex_end, scan_string, unterminated_regex,
};
use crate::span::Span;

/// What stopped the skip.
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Whitespace, identifier and operator bytes that need no attention.
    Plain,
    Quote,
    Slash,
    Open,
    Close,
    Digit,
    /// `=`, `!`, `<`, `>`, `|`, `~`: legal only in some two-byte forms.
    Pair,
    NonAscii,
    Illegal,
}

const ACTIONS: [Action; 256] = {
    let mut table = [Action::Illegal; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Action::Plain,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => Action::Plain,
            b'+' | b'-' | b'*' | b'%' | b'^' | b'?' | b',' | b':' | b'.' | b'@' => Action::Plain,
            b'0'..=b'9' => Action::Digit,
            b'"' => Action::Quote,
            b'/' => Action::Slash,
            b'(' | b'[' | b'{' => Action::Open,
            b')' | b']' | b'}' => Action::Close,
            b'=' | b'!' | b'<' | b'>' | b'|' | b'~' => Action::Pair,
            0x80..=0xff => Action::NonAscii,
            _ => Action::Illegal,
        };
        b += 1;
    }
    table
};

/// Whether a `/` here would start a regex, from what the last token was.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Before {
    /// An operand just ended: `/` divides.
    Operand,
    /// An operator, an opening bracket: `/` starts a regex.
    Other,
}

/// Skips from `pos` to just past the bracket that empties `open` (whose last entry was just
/// pushed at the top level). `first_multiline_string` records the first string that spans
/// lines, for error notes.
pub fn skip_nested(
    src: &str,
    mut pos: usize,
    open: &mut Vec<Token>,
    first_multiline_string: &mut Option<Span>,
) -> Result<usize, SkipError> {
    let bytes = src.as_bytes();
    let mut before = Before::Other;
    // Start of the bytes passed since the last token that set `before`.
    let mut run_start = pos;
    while pos < bytes.len() {
        let b = bytes[pos];
        match ACTIONS[b as usize] {
            Action::Plain => {
                pos += 1;
                while pos < bytes.len() && ACTIONS[bytes[pos] as usize] == Action::Plain {
                    pos += 1;
                }
            }
            Action::Quote => {
                let (end, _) = scan_string(src, pos).map_err(SkipError::Scan)?;
                if first_multiline_string.is_none() && bytes[pos..end].contains(&b'\n') {
                    *first_multiline_string = Some(Span::new(pos, end));
                }
                (pos, run_start, before) = (end, end, Before::Operand);
            }
            Action::Slash => {
                before = classify(bytes, run_start, pos, before);
                if bytes.get(pos + 1) == Some(&b'/') {
                    pos = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
                    run_start = pos;
                } else if before == Before::Other {
                    let end = regex_end(bytes, pos)
                        .ok_or_else(|| SkipError::Scan(unterminated_regex(pos)))?;
                    (pos, run_start, before) = (end, end, Before::Operand);
                } else {
                    (pos, run_start, before) = (pos + 1, pos + 1, Before::Other);
                }
            }
            Action::Open => {
                if open.len() >= MAX_NESTING {
                    return Err(SkipError::Nesting(pos));
                }
                open.push(bracket(b, pos));
                (pos, run_start, before) = (pos + 1, pos + 1, Before::Other);
            }
            Action::Close => {
                let closer = bracket(b, pos);
                let opener = open.pop();
                if opener.map(|o| o.kind) != Some(opening(closer.kind)) {
                    return Err(SkipError::Mismatch { closer, opener });
                }
                (pos, run_start, before) = (pos + 1, pos + 1, Before::Operand);
                if open.is_empty() {
                    return Ok(pos);
                }
            }
            Action::Digit => {
                // A digit inside an identifier (`a1`) or after `.` (`.5`) continues a token;
                // right after another token (`2018-05-2305`) it starts one.
                let prev = bytes[pos.saturating_sub(1)];
                let token_start =
                    pos == run_start || !(is_word_byte(prev) || prev == b'.' || prev >= 0x80);
                if token_start {
                    let (_, end) = number_token(src, pos).map_err(SkipError::Scan)?;
                    (pos, run_start, before) = (end, end, Before::Operand);
                } else {
                    pos += 1;
                }
            }
            Action::Pair => {
                let next = bytes.get(pos + 1).copied();
                let len = match (b, next) {
                    (b'<', Some(b'-')) => {
                        // `<-` ends an operand (the pipe-receive literal).
                        (pos, run_start, before) = (pos + 2, pos + 2, Before::Operand);
                        continue;
                    }
                    (b'=', Some(b'=' | b'~' | b'>'))
                    | (b'!', Some(b'=' | b'~'))
                    | (b'<' | b'>', Some(b'='))
                    | (b'|', Some(b'>')) => 2,
                    (b'=' | b'<' | b'>', _) => 1,
                    _ => return Err(SkipError::Scan(illegal_character(src, pos))),
                };
                pos += len;
            }
            Action::NonAscii => {
                let c = src[pos..].chars().next().unwrap_or('\u{fffd}');
                if !c.is_alphabetic() {
                    return Err(SkipError::Scan(illegal_character(src, pos)));
                }
                pos += c.len_utf8();
            }
            Action::Illegal => return Err(SkipError::Scan(illegal_character(src, pos))),
        }
    }
    Ok(pos)
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
    let is_word = |b: u8| is_word_byte(b) || b >= 0x80;
    if !is_word(run[last]) {
        return Before::Other;
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
