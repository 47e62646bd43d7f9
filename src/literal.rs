//! Flux string literals: reading a key's text, and writing any text as a literal that the
//! Flux scanner reads back unchanged (semantics §5.1).

/// The text of a string literal without interpolation, quotes included in `literal`.
pub fn decode(literal: &str) -> Result<String, String> {
    let inner = literal
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| format!("not a string literal: {literal}"))?;
    let bytes = inner.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let (decoded, len) = match bytes.get(i + 1) {
                    Some(b'n') => (b'\n', 2),
                    Some(b'r') => (b'\r', 2),
                    Some(b't') => (b'\t', 2),
                    Some(b'\\') => (b'\\', 2),
                    Some(b'"') => (b'"', 2),
                    Some(b'$') => (b'$', 2),
                    Some(b'x') => {
                        let hex = inner.get(i + 2..i + 4).ok_or("truncated \\x escape")?;
                        let byte = u8::from_str_radix(hex, 16)
                            .map_err(|_| format!("invalid escape \\x{hex}"))?;
                        (byte, 4)
                    }
                    _ => return Err(format!("invalid escape at byte {i} of {literal}")),
                };
                out.push(decoded);
                i += len;
            }
            // `$` takes the next byte with it, whatever it is (the scanner quirk).
            b'$' if i + 1 < bytes.len() => {
                out.extend_from_slice(&bytes[i..i + 2]);
                i += 2;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "escaped bytes are not valid UTF-8".to_string())
}

/// A Flux string literal, quotes included, that reads back as exactly `text`.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `${` would start an interpolation.
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            // A raw `$` swallows the next character, so it must not stand before an escape
            // (the §5.1 quirk); `\x24` is the same byte.
            '$' if chars
                .peek()
                .is_some_and(|&next| needs_escape(next) || next == '$') =>
            {
                out.push_str("\\x24")
            }
            c => push_char(&mut out, c),
        }
    }
    out.push('"');
    out
}

fn needs_escape(c: char) -> bool {
    matches!(c, '"' | '\\') || c.is_control()
}

fn push_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() => {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{Kind, Lexer};

    /// The literal scans as one plain string token and decodes back to the input.
    fn round_trip(text: &str) -> String {
        let literal = encode(text);
        let tokens: Vec<_> = Lexer::new(&literal)
            .collect::<Result<_, _>>()
            .expect("scans");
        assert_eq!(tokens.len(), 1, "{literal}");
        assert_eq!(tokens[0].kind, Kind::String, "{literal}");
        assert_eq!(decode(&literal).as_deref(), Ok(text), "{literal}");
        literal
    }

    #[test]
    fn hostile_names_round_trip() {
        assert_eq!(round_trip(r#"say "hi""#), r#""say \"hi\"""#);
        assert_eq!(round_trip("${x}"), r#""\${x}""#);
        assert_eq!(round_trip(r#"a$"b"#), r#""a\x24\"b""#);
        assert_eq!(round_trip(r"a$\b"), r#""a\x24\\b""#);
        assert_eq!(round_trip("a$"), r#""a$""#);
        assert_eq!(round_trip("line\nnext\ttab"), r#""line\nnext\ttab""#);
        assert_eq!(round_trip("nul\0bell\u{7}"), r#""nul\x00bell\x07""#);
        assert_eq!(round_trip("🦄 ｈ"), "\"🦄 ｈ\"");
        round_trip("$$${{}}$\\$\"$");
        round_trip("\u{85}");
    }

    #[test]
    fn decode_reads_escapes() {
        assert_eq!(decode(r#""a\tb\x41\${""#).as_deref(), Ok("a\tbA${"));
        assert!(decode(r#""\xff""#).is_err());
    }
}
