//! Stage 1: a lossless Flux tokenizer.
//!
//! It mirrors libflux's ragel scanner (semantics §5): it never re-prints anything, it only
//! reports token kinds and byte spans into the original text. A whole string literal,
//! including every `${…}` interpolation inside it, is one token; interpolations are scanned
//! with an explicit stack, so hostile nesting costs heap, never call stack.

mod classify;
mod events;
mod lexemes;
mod skip;
mod strings;

use crate::span::Span;
pub use skip::{SkipError, Until};
pub use strings::scan_string;

/// The block classifier the skim uses in this process (`portable`, `avx2` or `avx512`; see
/// `classify.rs`), for benchmarks to report.
pub fn classifier_name() -> &'static str {
    classify::Classifier::detect().name()
}

/// Deeper nesting of brackets and interpolations than any real script needs: past this the
/// input is refused with a message instead of growing without bound.
pub const MAX_NESTING: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ident,
    Keyword,
    Int,
    Float,
    Duration,
    DateTime,
    /// A string literal without `${…}`.
    String,
    /// A string with at least one `${…}` interpolation (a Flux `StringExpression`).
    StringExpr,
    Regex,
    Comment,
    LParen,
    RParen,
    LBrack,
    RBrack,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Dot,
    Assign,
    Arrow,
    PipeForward,
    PipeReceive,
    /// `@` of an attribute such as `@edition("2022.1")`.
    At,
    /// Any other operator: `+ - * / % ^ == != < <= > >= =~ !~ ?`.
    Operator,
}

impl Kind {
    /// Whether a `/` right after this token is division rather than the start of a regex
    /// (semantics §5.2: the parser only asks for a regex where it expects an operand).
    pub(crate) fn ends_operand(self) -> bool {
        matches!(
            self,
            Kind::Ident
                | Kind::Int
                | Kind::Float
                | Kind::Duration
                | Kind::DateTime
                | Kind::String
                | Kind::StringExpr
                | Kind::Regex
                | Kind::PipeReceive
                | Kind::RParen
                | Kind::RBrack
                | Kind::RBrace
        )
    }

    /// The opening bracket a closing one pairs with; `None` for every other kind.
    pub fn opener(self) -> Option<Kind> {
        match self {
            Kind::RParen => Some(Kind::LParen),
            Kind::RBrack => Some(Kind::LBrack),
            Kind::RBrace => Some(Kind::LBrace),
            _ => None,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::Ident => "identifier",
            Kind::Keyword => "keyword",
            Kind::Int => "integer",
            Kind::Float => "float",
            Kind::Duration => "duration",
            Kind::DateTime => "date-time",
            Kind::String => "string",
            Kind::StringExpr => "interpolated string",
            Kind::Regex => "regex",
            Kind::Comment => "comment",
            Kind::LParen => "`(`",
            Kind::RParen => "`)`",
            Kind::LBrack => "`[`",
            Kind::RBrack => "`]`",
            Kind::LBrace => "`{`",
            Kind::RBrace => "`}`",
            Kind::Comma => "`,`",
            Kind::Colon => "`:`",
            Kind::Dot => "`.`",
            Kind::Assign => "`=`",
            Kind::Arrow => "`=>`",
            Kind::PipeForward => "`|>`",
            Kind::PipeReceive => "`<-`",
            Kind::At => "`@`",
            Kind::Operator => "operator",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub span: Span,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.span.range()]
    }
}

/// A scan failure at a byte offset; `locate` turns it into line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub offset: usize,
    pub message: String,
}

impl ScanError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        ScanError {
            offset,
            message: message.into(),
        }
    }
}

/// Reserved words (§5.4); `with`, `in` and `empty` are not among them.
pub(crate) fn is_keyword(word: &[u8]) -> bool {
    matches!(
        word,
        b"and"
            | b"or"
            | b"not"
            | b"import"
            | b"package"
            | b"return"
            | b"option"
            | b"builtin"
            | b"testcase"
            | b"if"
            | b"then"
            | b"else"
            | b"exists"
    )
}

/// What a byte can start, for the lexer's one-table dispatch.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    /// ASCII letter or `_`: an identifier or keyword.
    Word,
    Digit,
    Quote,
    Slash,
    /// Any other byte: punctuation, operators, non-ASCII, illegal.
    Other,
}

const CLASSES: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Class::Space,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => Class::Word,
            b'0'..=b'9' => Class::Digit,
            b'"' => Class::Quote,
            b'/' => Class::Slash,
            _ => Class::Other,
        };
        b += 1;
    }
    table
};

pub(crate) fn is_word_byte(b: u8) -> bool {
    matches!(CLASSES[b as usize], Class::Word | Class::Digit)
}

/// Streams the significant tokens of a script (comments included, whitespace skipped).
pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    regex_allowed: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            regex_allowed: true,
        }
    }
}

impl Lexer<'_> {
    /// Passes over code without tokens (see `skip`), from the current position until `until`.
    pub fn skim(&mut self, open: &mut Vec<Token>, until: Until) -> Result<(), SkipError> {
        let result = skip::skim(self.src, self.pos, open, self.regex_allowed, until);
        match result {
            Ok(end) => {
                self.pos = end;
                // After a closing bracket a `/` divides; at a stop word a word comes next.
                self.regex_allowed = until == Until::StopWord;
                Ok(())
            }
            Err(e) => {
                self.pos = self.src.len();
                Err(e)
            }
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Result<Token, ScanError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.src.as_bytes();
        self.pos = skip_whitespace(bytes, self.pos);
        let start = self.pos;
        let &first = bytes.get(start)?;
        let result = if first == b'"' {
            scan_string(self.src, start).map(|(end, interpolated)| {
                let kind = if interpolated {
                    Kind::StringExpr
                } else {
                    Kind::String
                };
                (kind, end)
            })
        } else {
            scan_plain(self.src, start, self.regex_allowed)
        };
        match result {
            Ok((kind, end)) => {
                self.pos = end;
                if kind != Kind::Comment {
                    self.regex_allowed = !kind.ends_operand();
                }
                Some(Ok(Token {
                    kind,
                    span: Span::new(start, end),
                }))
            }
            Err(e) => {
                // Stop for good: a scanner error leaves no trustworthy position to resume from.
                self.pos = bytes.len();
                Some(Err(e))
            }
        }
    }
}

#[inline]
pub(crate) fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && CLASSES[bytes[pos] as usize] == Class::Space {
        pos += 1;
    }
    pos
}

/// Scans one token that is not a string. Returns its kind and end offset.
///
/// ASCII identifiers, plain integers and punctuation take byte-level fast paths; the nom
/// recognizers in `lexemes` handle Unicode identifiers and every other numeric form.
#[inline]
pub(crate) fn scan_plain(
    src: &str,
    start: usize,
    regex_allowed: bool,
) -> Result<(Kind, usize), ScanError> {
    let bytes = src.as_bytes();
    let b = bytes[start];
    let next = bytes.get(start + 1).copied();
    match CLASSES[b as usize] {
        Class::Word => {
            let mut end = start + 1;
            while end < bytes.len() && is_word_byte(bytes[end]) {
                end += 1;
            }
            if bytes.get(end).is_some_and(|b| *b >= 0x80) {
                return unicode_identifier(src, start);
            }
            let kind = if is_keyword(&bytes[start..end]) {
                Kind::Keyword
            } else {
                Kind::Ident
            };
            return Ok((kind, end));
        }
        Class::Digit => return number_token(src, start),
        Class::Slash => {
            if next == Some(b'/') {
                return Ok((Kind::Comment, start + comment_len(&bytes[start..])));
            }
            if regex_allowed {
                return regex_end(bytes, start)
                    .map(|end| (Kind::Regex, end))
                    .ok_or_else(|| unterminated_regex(start));
            }
            return Ok((Kind::Operator, start + 1));
        }
        Class::Space | Class::Quote => unreachable_class(src, start)?,
        Class::Other => {}
    }
    if b == b'.' && next.is_some_and(|n| n.is_ascii_digit()) {
        let (kind, len) = lexemes::number_like(&src[start..]);
        return Ok((kind, start + len));
    }
    if b >= 0x80 {
        return unicode_identifier(src, start);
    }
    let two = |c: u8| next == Some(c);
    let (kind, len) = match b {
        b'(' => (Kind::LParen, 1),
        b')' => (Kind::RParen, 1),
        b'[' => (Kind::LBrack, 1),
        b']' => (Kind::RBrack, 1),
        b'{' => (Kind::LBrace, 1),
        b'}' => (Kind::RBrace, 1),
        b',' => (Kind::Comma, 1),
        b':' => (Kind::Colon, 1),
        b'.' => (Kind::Dot, 1),
        b'@' => (Kind::At, 1),
        b'|' if two(b'>') => (Kind::PipeForward, 2),
        b'<' if two(b'-') => (Kind::PipeReceive, 2),
        b'=' if two(b'>') => (Kind::Arrow, 2),
        b'=' if two(b'=') || two(b'~') => (Kind::Operator, 2),
        b'=' => (Kind::Assign, 1),
        b'!' if two(b'=') || two(b'~') => (Kind::Operator, 2),
        b'<' | b'>' if two(b'=') => (Kind::Operator, 2),
        b'+' | b'-' | b'*' | b'%' | b'^' | b'<' | b'>' | b'?' => (Kind::Operator, 1),
        _ => return Err(illegal_character(src, start)),
    };
    Ok((kind, start + len))
}

/// A number, duration or date-time starting with the digit at `start`. Plain integers take a
/// byte loop; anything that could extend them goes through the full grammar. Leading zeros
/// and date-times without an offset are refused here (§5.4).
pub(crate) fn number_token(src: &str, start: usize) -> Result<(Kind, usize), ScanError> {
    let bytes = src.as_bytes();
    let mut end = start + 1;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    let extends = bytes
        .get(end)
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'.' | b'-' | 0xc2));
    if !extends && (bytes[start] != b'0' || end == start + 1) {
        return Ok((Kind::Int, end));
    }
    // `90.0`, `0.5`: digits, a dot, digits; nothing else starts like that (§5.4 Floats).
    if bytes.get(end) == Some(&b'.') {
        let fraction = bytes[end + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        return Ok((Kind::Float, end + 1 + fraction));
    }
    // Durations are the common case (`5m`, `1h30m`): read them without the parser stack.
    if bytes
        .get(end)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == 0xc2)
        && let Some(duration_end) = lexemes::duration_end(bytes, start)
    {
        return Ok((Kind::Duration, duration_end));
    }
    // `2024-06-30T00:00:00Z`: four digits and a dash can only start a date-time.
    let date_time = (end == start + 4 && bytes.get(end) == Some(&b'-'))
        .then(|| lexemes::date_time_end(bytes, start))
        .flatten();
    let (kind, end) = match date_time {
        Some(end) => (Kind::DateTime, end),
        None => {
            let (kind, len) = lexemes::number_like(&src[start..]);
            (kind, start + len)
        }
    };
    let text = &src[start..end];
    if kind == Kind::Int && text == "0" && bytes.get(end).is_some_and(u8::is_ascii_digit) {
        let (_, rest) = lexemes::number_like(&src[end..]);
        let shown = &src[start..end + rest];
        return Err(ScanError::new(
            start,
            format!("`{shown}` is not a number: a nonzero value cannot start with 0"),
        ));
    }
    // A date-time is `YYYY-MM-DD`, then maybe `T` and a time.
    if kind == Kind::DateTime
        && bytes.get(start + 10) == Some(&b'T')
        && !text.ends_with('Z')
        && !text[text.len() - 6..].starts_with(['+', '-'])
    {
        return Err(ScanError::new(
            start,
            format!("invalid date time literal `{text}`, missing time offset (add Z or +HH:MM)"),
        ));
    }
    Ok((kind, end))
}

/// A `/` where an operand is expected starts a regex (§5.2); without a closing `/` the
/// Flux parser sees a division with no left side.
pub(crate) fn unterminated_regex(start: usize) -> ScanError {
    ScanError::new(
        start,
        "`/` here starts a regex (a value is expected), but no closing `/` follows",
    )
}

/// Callers skip whitespace and route quotes to `scan_string` first.
fn unreachable_class(src: &str, start: usize) -> Result<(), ScanError> {
    Err(ScanError::new(
        start,
        format!(
            "internal error: unexpected {:?} at a token start",
            &src[start..start + 1]
        ),
    ))
}

/// Whether `c` may be part of an identifier (§5.4), with Latin-1 (`µ`, `ü`) answered
/// without the Unicode tables.
pub(crate) fn is_alphabetic(c: char) -> bool {
    match c as u32 {
        0..0x80 => c.is_ascii_alphabetic(),
        0xaa | 0xb5 | 0xba | 0xc0..=0xd6 | 0xd8..=0xf6 | 0xf8..=0xff => true,
        0x80..0x100 => false,
        _ => c.is_alphabetic(),
    }
}

/// An identifier with non-ASCII letters (`αβ`, `büro`), or an illegal character.
fn unicode_identifier(src: &str, start: usize) -> Result<(Kind, usize), ScanError> {
    match lexemes::identifier(&src[start..]) {
        Ok((_, ident)) => Ok((Kind::Ident, start + ident.len())),
        Err(_) => Err(illegal_character(src, start)),
    }
}

pub(crate) fn illegal_character(src: &str, start: usize) -> ScanError {
    let c = src[start..].chars().next().unwrap_or('\u{fffd}');
    let message = match c {
        '\u{feff}' => "byte order mark (U+FEFF): the Flux scanner rejects it; save the file as UTF-8 without BOM".to_string(),
        '\0' => "NUL byte: not valid in a Flux script".to_string(),
        ';' => "unexpected `;`: Flux has no semicolons (separate properties with `,`)".to_string(),
        c if c.is_control() => format!("unexpected control character U+{:04X}", c as u32),
        c if c.is_whitespace() => format!(
            "unexpected whitespace character U+{:04X}: Flux allows only space, tab, CR, LF, VT and FF",
            c as u32
        ),
        c => format!("unexpected character `{c}`"),
    };
    ScanError::new(start, message)
}

fn comment_len(rest: &[u8]) -> usize {
    // The comment token includes its newline (semantics §5.4).
    match memchr::memchr(b'\n', rest) {
        Some(i) => i + 1,
        None => rest.len(),
    }
}

/// End offset of a regex literal starting at `start`, or `None` when no closing `/` exists.
///
/// The real scanner takes the longest match: `\/` may be an escaped slash or a backslash
/// followed by the closing slash, so the regex ends at the first `/` not preceded by `\`,
/// or, when there is none, at the last `\/` seen (semantics §5.2).
pub(crate) fn regex_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut fallback = None;
    let mut i = start + 1;
    while let Some(off) = memchr::memchr(b'/', &bytes[i..]) {
        let slash = i + off;
        if slash == start + 1 {
            return None; // `//` is a comment, never an empty regex
        }
        if bytes[slash - 1] != b'\\' {
            return Some(slash + 1);
        }
        fallback = Some(slash + 1);
        i = slash + 1;
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, &str)> {
        Lexer::new(src)
            .map(|t| {
                let t = t.expect("scans");
                (t.kind, t.text(src))
            })
            .collect()
    }

    fn error(src: &str) -> ScanError {
        Lexer::new(src)
            .find_map(Result::err)
            .expect("scan error expected")
    }

    /// The byte-loop shortcuts of `number_token` give the grammar's longest match.
    #[test]
    fn number_shortcuts_match_the_grammar() {
        let parts = [
            "0",
            "1",
            "00",
            "07",
            "10",
            "2018",
            "9",
            ".",
            ".5",
            "-",
            "-01",
            "T",
            "12:00:00",
            "Z",
            "h",
            "m",
            "mo",
            "ms",
            "µs",
            "x",
            "e",
            " ",
            "+07:00",
            "_",
            "2018-01-01",
            "-01-01",
            "T12:00:00",
            "T12:00:00.",
            "T12:00:00.25",
            "-07:00",
            "+7:00",
            "T1",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let text = format!("{a}{b}{c}");
                    if !text.starts_with(|c: char| c.is_ascii_digit()) {
                        continue;
                    }
                    let (kind, len) = lexemes::number_like(&text);
                    if let Ok(token) = number_token(&text, 0) {
                        assert_eq!(token, (kind, len), "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn latin1_letters_match_the_unicode_tables() {
        for c in (0..0x300u32).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
        }
    }

    #[test]
    fn regex_after_operator_division_after_operand() {
        // §5.2 example: a regex after `=~`, division after `r.a`.
        let src = r"r._measurement =~ /cpu\/x/ and r.a / 2 > 1";
        let toks = kinds(src);
        assert!(toks.contains(&(Kind::Regex, r"/cpu\/x/")));
        assert!(toks.contains(&(Kind::Operator, "/")));
    }

    #[test]
    fn regex_after_keyword_and_paren() {
        assert_eq!(kinds("return /a/")[1], (Kind::Regex, "/a/"));
        assert_eq!(kinds("f(/a b/)")[2], (Kind::Regex, "/a b/"));
        assert_eq!(kinds("(a) / b / c")[3], (Kind::Operator, "/"));
    }

    #[test]
    fn regex_may_span_lines_and_hold_option_task() {
        let src = "x = regexp.findString(r: /option task = \\{([^\\}]+)/, v: s)";
        assert!(kinds(src).contains(&(Kind::Regex, "/option task = \\{([^\\}]+)/")));
        assert_eq!(kinds("a = /x\ny/")[2], (Kind::Regex, "/x\ny/"));
    }

    #[test]
    fn regex_escaped_slash_falls_back_to_longest_match() {
        // No later plain `/`: the ragel longest match ends the regex at the `\/`.
        assert_eq!(kinds(r"a = /x\/ b")[2], (Kind::Regex, r"/x\/"));
    }

    #[test]
    fn empty_slashes_are_a_comment() {
        assert_eq!(
            kinds("a = // c\nb"),
            [
                (Kind::Ident, "a"),
                (Kind::Assign, "="),
                (Kind::Comment, "// c\n"),
                (Kind::Ident, "b"),
            ]
        );
    }

    #[test]
    fn comment_containing_option_task_is_one_token() {
        let toks = kinds("// option task = {name: \"x\", every: 1h}\nx = 1");
        assert_eq!(toks[0].0, Kind::Comment);
        assert_eq!(toks.len(), 4);
    }

    #[test]
    fn durations_with_micro_sign_and_longest_units() {
        assert_eq!(kinds("5µs"), [(Kind::Duration, "5µs")]);
        assert_eq!(kinds("1mo1ms1m"), [(Kind::Duration, "1mo1ms1m")]);
        // Greek mu is a letter, not a unit: integer then identifier.
        assert_eq!(kinds("5μs"), [(Kind::Int, "5"), (Kind::Ident, "μs")]);
        assert_eq!(
            kinds("2hr3m"),
            [(Kind::Duration, "2h"), (Kind::Ident, "r3m")]
        );
        assert_eq!(kinds("1.5h"), [(Kind::Float, "1.5"), (Kind::Ident, "h")]);
        // §5.4: the scanner splits `0123` and the parser refuses it; fluxtask refuses it here.
        assert_eq!(
            error("0123").message,
            "`0123` is not a number: a nonzero value cannot start with 0"
        );
    }

    #[test]
    fn date_times_need_an_offset_with_a_time() {
        assert_eq!(
            error("x = 2018-01-01T00:00:00\n").message,
            "invalid date time literal `2018-01-01T00:00:00`, missing time offset (add Z or +HH:MM)"
        );
        assert_eq!(kinds("2018-01-01T00:00:00-07:00")[0].0, Kind::DateTime);
    }

    #[test]
    fn date_times_are_not_subtractions() {
        assert_eq!(kinds("2018-01-01"), [(Kind::DateTime, "2018-01-01")]);
        assert_eq!(
            kinds("2018-01-01T00:00:00.5+02:00")[0],
            (Kind::DateTime, "2018-01-01T00:00:00.5+02:00")
        );
    }

    #[test]
    fn nested_interpolation_with_strings_records_and_comments() {
        let src = "\"a ${ {x: \"}\"}.x + \"${ \"in\" }\" // c }\n } b\" + 1";
        let toks = kinds(src);
        assert_eq!(toks[0].0, Kind::StringExpr);
        assert_eq!(toks[0].1, &src[..src.len() - 4]);
        assert_eq!(toks[1..], [(Kind::Operator, "+"), (Kind::Int, "1")]);
    }

    #[test]
    fn escaped_interpolation_is_plain_text() {
        assert_eq!(kinds(r#""\${x}""#), [(Kind::String, r#""\${x}""#)]);
    }

    #[test]
    fn dollar_quirk_eats_backslash() {
        // `$\` is one unit, so the following `"` closes the string (§5.1).
        assert_eq!(kinds(r#""a$\"b"#)[0], (Kind::String, r#""a$\""#));
        assert_eq!(kinds(r#""a$""#), [(Kind::String, r#""a$""#)]);
    }

    #[test]
    fn strings_span_lines() {
        assert_eq!(kinds("\"a\nb\""), [(Kind::String, "\"a\nb\"")]);
    }

    #[test]
    fn scan_errors_point_at_the_problem() {
        assert_eq!(error("x = \"abc").offset, 4);
        assert_eq!(error("x = \"abc").message, "unterminated string");
        assert_eq!(error(r#"x = "a\qb""#).offset, 6);
        assert_eq!(error("x = \"${ a \"").message, "unterminated string");
        assert_eq!(error("a;").offset, 1);
        assert!(error("\u{feff}x").message.contains("byte order mark"));
    }

    #[test]
    fn deep_interpolation_is_refused_not_overflowed() {
        let src = "\"${".repeat(100_000);
        assert!(error(&src).message.contains("nesting deeper"));
    }
}
