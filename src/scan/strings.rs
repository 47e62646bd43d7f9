//! String literals, `${…}` interpolations included, scanned with an explicit stack
//! (semantics §5.1).

use memchr::memchr3;

use super::{Kind, MAX_NESTING, ScanError, Token, scan_plain, skip_whitespace};
use crate::span::{Span, line_col};

/// One level of string scanning: inside the quotes, or inside a `${…}` of a string.
enum Frame {
    Text,
    /// The brackets opened inside this interpolation are `brackets[base..]`.
    Interpolation {
        base: usize,
        regex_allowed: bool,
    },
}

/// Scans a string literal starting at the `"` at `start`, interpolations included.
/// Returns the end offset and whether it contains an interpolation.
pub fn scan_string(src: &str, start: usize) -> Result<(usize, bool), ScanError> {
    let bytes = src.as_bytes();
    // Fast path: most strings hold no `${`; pass escapes and `$` without allocating.
    let mut pos = start + 1;
    loop {
        let Some(off) = memchr3(b'"', b'\\', b'$', &bytes[pos..]) else {
            return Err(ScanError::new(start, "unterminated string"));
        };
        pos += off;
        match bytes[pos] {
            b'"' => return Ok((pos + 1, false)),
            b'\\' => pos = escape_end(src, pos)?,
            _ => match bytes.get(pos + 1) {
                Some(b'{') => break,
                Some(b'"') => pos += 1,
                Some(_) => pos += 1 + next_char_len(src, pos + 1),
                None => return Err(ScanError::new(start, "unterminated string")),
            },
        }
    }
    interpolated_string(src, start, pos)
}

/// The rest of a string from its first `${` at `pos`, with the frame stack. The embedded
/// expressions are code: their brackets must pair up inside each `${…}` (the parser reads
/// each one as a whole expression).
fn interpolated_string(
    src: &str,
    start: usize,
    mut pos: usize,
) -> Result<(usize, bool), ScanError> {
    let bytes = src.as_bytes();
    let mut stack = vec![Frame::Text];
    let mut brackets: Vec<Token> = Vec::new();
    let mut interpolated = false;
    let unterminated = |opening: usize| ScanError::new(opening, "unterminated string");
    let mut openings = vec![start];

    loop {
        // Strings, interpolations and the brackets inside them share one nesting limit.
        let depth = stack.len() + brackets.len();
        let Some(frame) = stack.last_mut() else {
            break;
        };
        match frame {
            Frame::Text => {
                let Some(off) = memchr3(b'"', b'\\', b'$', &bytes[pos..]) else {
                    return Err(unterminated(*openings.last().unwrap_or(&start)));
                };
                pos += off;
                match bytes[pos] {
                    b'"' => {
                        pos += 1;
                        stack.pop();
                        openings.pop();
                        if let Some(Frame::Interpolation { regex_allowed, .. }) = stack.last_mut() {
                            *regex_allowed = false;
                        }
                    }
                    b'\\' => pos = escape_end(src, pos)?,
                    _ => match bytes.get(pos + 1) {
                        Some(b'{') => {
                            if depth >= MAX_NESTING {
                                return Err(too_deep(pos));
                            }
                            interpolated = true;
                            pos += 2;
                            stack.push(Frame::Interpolation {
                                base: brackets.len(),
                                regex_allowed: true,
                            });
                        }
                        // `$"` is a `$` followed by the closing quote.
                        Some(b'"') => pos += 1,
                        // `$` swallows whatever follows, even `\` (the §5.1 quirk); advance by
                        // whole characters so positions stay on UTF-8 boundaries.
                        Some(_) => pos += 1 + next_char_len(src, pos + 1),
                        None => return Err(unterminated(*openings.last().unwrap_or(&start))),
                    },
                }
            }
            Frame::Interpolation {
                base,
                regex_allowed,
            } => {
                pos = skip_whitespace(bytes, pos);
                let Some(&b) = bytes.get(pos) else {
                    return Err(ScanError::new(
                        *openings.last().unwrap_or(&start),
                        "unterminated string: `${` is never closed",
                    ));
                };
                if b == b'"' {
                    if depth >= MAX_NESTING {
                        return Err(too_deep(pos));
                    }
                    openings.push(pos);
                    stack.push(Frame::Text);
                    pos += 1;
                    continue;
                }
                let (kind, end) = scan_plain(src, pos, *regex_allowed)?;
                let token = Token {
                    kind,
                    span: Span::new(pos, end),
                };
                if let Some(opener) = kind.opener() {
                    if brackets.len() == *base {
                        if kind == Kind::RBrace {
                            stack.pop();
                            pos = end;
                            continue;
                        }
                        return Err(interpolation_mismatch(src, token, None));
                    }
                    match brackets.pop() {
                        Some(open) if open.kind == opener => {}
                        open => return Err(interpolation_mismatch(src, token, open)),
                    }
                } else if matches!(kind, Kind::LParen | Kind::LBrack | Kind::LBrace) {
                    if depth >= MAX_NESTING {
                        return Err(too_deep(pos));
                    }
                    brackets.push(token);
                }
                if kind != Kind::Comment {
                    *regex_allowed = !kind.ends_operand();
                }
                pos = end;
            }
        }
    }
    Ok((pos, interpolated))
}

/// A closing bracket inside `${…}` that closes nothing opened there, or the wrong bracket.
pub(super) fn interpolation_mismatch(src: &str, closer: Token, opener: Option<Token>) -> ScanError {
    let innermost = match opener {
        Some(opener) => {
            let at = line_col(src, opener.span.start);
            format!(
                "the innermost open bracket is {} at line {}, column {}",
                opener.kind.describe(),
                at.line,
                at.column
            )
        }
        None => "nothing is open inside this `${…}`".to_string(),
    };
    ScanError::new(
        closer.span.start,
        format!(
            "unexpected {} in an interpolation: {innermost}",
            closer.kind.describe()
        ),
    )
}

pub(super) fn too_deep(offset: usize) -> ScanError {
    ScanError::new(
        offset,
        format!("nesting deeper than {MAX_NESTING} levels; refusing to scan further"),
    )
}

pub(super) fn next_char_len(src: &str, pos: usize) -> usize {
    src[pos..].chars().next().map_or(0, char::len_utf8)
}

/// End of the escape sequence whose backslash is at `pos` (semantics §5.1).
/// The byte of the `\xHH` escape at `pos`, if it is one.
fn hex_byte(bytes: &[u8], pos: usize) -> Option<u8> {
    match bytes.get(pos..pos + 4)? {
        [b'\\', b'x', hi, lo] => {
            let digit = |c: u8| (c as char).to_digit(16);
            Some((digit(*hi)? * 16 + digit(*lo)?) as u8)
        }
        _ => None,
    }
}

/// End of the run of `\xHH` escapes at `pos`; the bytes they make must be UTF-8 (§5.1).
fn byte_escapes_end(bytes: &[u8], start: usize) -> Result<usize, ScanError> {
    let mut pos = start;
    let mut decoded = Vec::new();
    while let Some(byte) = hex_byte(bytes, pos) {
        decoded.push(byte);
        pos += 4;
    }
    match std::str::from_utf8(&decoded) {
        Ok(_) => Ok(pos),
        Err(_) => {
            let text = String::from_utf8_lossy(&bytes[start..pos]).into_owned();
            Err(ScanError::new(
                start,
                format!("escaped bytes `{text}` are not valid UTF-8"),
            ))
        }
    }
}

pub(super) fn escape_end(src: &str, pos: usize) -> Result<usize, ScanError> {
    let bytes = src.as_bytes();
    match bytes.get(pos + 1) {
        Some(b'n' | b'r' | b't' | b'\\' | b'"') => Ok(pos + 2),
        Some(b'$') if bytes.get(pos + 2) == Some(&b'{') => Ok(pos + 3),
        Some(b'x') if hex_byte(bytes, pos).is_some() => byte_escapes_end(bytes, pos),
        Some(b'x') => Err(ScanError::new(
            pos,
            "invalid escape `\\x`: it needs exactly two hex digits, as in `\\x41`",
        )),
        Some(_) => {
            let len = 1 + next_char_len(src, pos + 1);
            Err(ScanError::new(
                pos,
                format!(
                    "invalid escape `{}` in string: valid escapes are \\n \\r \\t \\\\ \\\" \\${{ and \\xHH",
                    &src[pos..pos + len]
                ),
            ))
        }
        None => Err(ScanError::new(pos, "unterminated string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(src: &str) -> Result<usize, String> {
        scan_string(src, 0)
            .map(|(end, _)| end)
            .map_err(|e| format!("{}: {}", e.offset, e.message))
    }

    /// §5.1: each `${…}` holds a whole expression, so its brackets pair up inside it.
    #[test]
    fn brackets_inside_interpolations_pair_up() {
        let ok = r#""${ [1, 2] } ${ {a: (1 + 2)}.a } ${ "${ f(x: 1) }" }" tail"#;
        assert_eq!(end(ok), Ok(ok.len() - 5));
        assert_eq!(
            end(r#""${ string(v: x} bar""#),
            Err("15: unexpected `}` in an interpolation: the innermost open bracket is `(` at line 1, column 11".into())
        );
        assert_eq!(
            end(r#""${ a) }""#),
            Err("5: unexpected `)` in an interpolation: nothing is open inside this `${…}`".into())
        );
        assert_eq!(
            end(r#""${ [a) }""#),
            Err("6: unexpected `)` in an interpolation: the innermost open bracket is `[` at line 1, column 5".into())
        );
        // Braces of a record close it, not the interpolation.
        assert_eq!(end(r#""${ {a: 1} }""#), Ok(13));
    }

    /// Strings, interpolations and the brackets inside them share one nesting limit.
    #[test]
    fn brackets_inside_interpolations_count_toward_the_limit() {
        let deep = format!(
            "\"${{ {}1{} }}\"",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        assert!(end(&deep).unwrap_err().contains("nesting deeper than 1024"));
        let fits = format!("\"${{ {}1{} }}\"", "(".repeat(1000), ")".repeat(1000));
        assert_eq!(end(&fits), Ok(fits.len()));
    }
}
