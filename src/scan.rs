//! Stage 1: a lossless Flux tokenizer.
//!
//! It mirrors libflux's ragel scanner (semantics §5): it never re-prints anything, it only
//! reports token kinds and byte spans into the original text. A whole string literal,
//! including every `${…}` interpolation inside it, is one token; interpolations are scanned
//! with an explicit stack, so hostile nesting costs heap, never call stack.

use memchr::memchr3;
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while_m_n, take_while1},
    character::complete::{char, satisfy},
    combinator::{opt, recognize},
    multi::many1_count,
    sequence::{pair, preceded},
};

use crate::span::Span;

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
    fn ends_operand(self) -> bool {
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

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "import", "package", "return", "option", "builtin", "testcase", "if",
    "then", "else", "exists",
];

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

impl Iterator for Lexer<'_> {
    type Item = Result<Token, ScanError>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.src.as_bytes();
        self.pos = skip_whitespace(bytes, self.pos);
        if self.pos >= bytes.len() {
            return None;
        }
        let start = self.pos;
        let result = if bytes[start] == b'"' {
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

fn is_flux_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && is_flux_space(bytes[pos]) {
        pos += 1;
    }
    pos
}

/// Scans one token that is not a string. Returns its kind and end offset.
fn scan_plain(src: &str, start: usize, regex_allowed: bool) -> Result<(Kind, usize), ScanError> {
    let bytes = src.as_bytes();
    let rest = &src[start..];
    let b = bytes[start];
    let at = |len: usize| start + len;
    let next = bytes.get(start + 1).copied();

    if b == b'/' {
        if next == Some(b'/') {
            return Ok((Kind::Comment, at(comment_len(rest))));
        }
        if regex_allowed && let Some(end) = regex_end(bytes, start) {
            return Ok((Kind::Regex, end));
        }
        return Ok((Kind::Operator, at(1)));
    }
    if b.is_ascii_digit() || (b == b'.' && next.is_some_and(|n| n.is_ascii_digit())) {
        let (kind, len) = number_like(rest);
        return Ok((kind, at(len)));
    }
    if let Ok((_, ident)) = identifier(rest) {
        let kind = if KEYWORDS.contains(&ident) {
            Kind::Keyword
        } else {
            Kind::Ident
        };
        return Ok((kind, at(ident.len())));
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
    Ok((kind, at(len)))
}

fn illegal_character(src: &str, start: usize) -> ScanError {
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

fn comment_len(rest: &str) -> usize {
    // The comment token includes its newline (semantics §5.4).
    match memchr::memchr(b'\n', rest.as_bytes()) {
        Some(i) => i + 1,
        None => rest.len(),
    }
}

/// End offset of a regex literal starting at `start`, or `None` when no closing `/` exists.
///
/// The real scanner takes the longest match: `\/` may be an escaped slash or a backslash
/// followed by the closing slash, so the regex ends at the first `/` not preceded by `\`,
/// or, when there is none, at the last `\/` seen (semantics §5.2).
fn regex_end(bytes: &[u8], start: usize) -> Option<usize> {
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

fn identifier(input: &str) -> IResult<&str, &str> {
    recognize(pair(
        satisfy(|c| c == '_' || c.is_alphabetic()),
        // Later characters: letters, `_`, and ASCII digits only (§5.4 Identifiers).
        take_while(|c: char| c == '_' || c.is_ascii_digit() || c.is_alphabetic()),
    ))
    .parse(input)
}

fn int_lit(input: &str) -> IResult<&str, &str> {
    alt((
        recognize(pair(
            satisfy(|c| ('1'..='9').contains(&c)),
            take_while(|c: char| c.is_ascii_digit()),
        )),
        tag("0"),
    ))
    .parse(input)
}

fn duration_unit(input: &str) -> IResult<&str, &str> {
    // Longest units first: `1mo` is a month and `1ms` milliseconds, not `1m` + identifier.
    alt((
        tag("mo"),
        tag("ms"),
        tag("us"),
        tag("µs"),
        tag("ns"),
        tag("y"),
        tag("w"),
        tag("d"),
        tag("h"),
        tag("m"),
        tag("s"),
    ))
    .parse(input)
}

fn duration_lit(input: &str) -> IResult<&str, &str> {
    recognize(many1_count(pair(int_lit, duration_unit))).parse(input)
}

fn float_lit(input: &str) -> IResult<&str, &str> {
    let digits = |i| take_while1(|c: char| c.is_ascii_digit()).parse(i);
    alt((
        recognize((digits, char('.'), take_while(|c: char| c.is_ascii_digit()))),
        recognize(preceded(char('.'), digits)),
    ))
    .parse(input)
}

fn date_time_lit(input: &str) -> IResult<&str, &str> {
    let d = |n| take_while_m_n(n, n, |c: char| c.is_ascii_digit());
    let date = (d(4), char('-'), d(2), char('-'), d(2));
    let offset = alt((
        recognize(char('Z')),
        recognize((alt((char('+'), char('-'))), d(2), char(':'), d(2))),
    ));
    let time = (
        char('T'),
        d(2),
        char(':'),
        d(2),
        char(':'),
        d(2),
        opt(pair(char('.'), take_while(|c: char| c.is_ascii_digit()))),
        opt(offset),
    );
    recognize(pair(date, opt(time))).parse(input)
}

type Recognizer = fn(&str) -> IResult<&str, &str>;

/// The longest of the numeric token forms, as the ragel scanner picks it.
fn number_like(rest: &str) -> (Kind, usize) {
    let candidates: [(Kind, Recognizer); 4] = [
        (Kind::DateTime, date_time_lit),
        (Kind::Duration, duration_lit),
        (Kind::Float, float_lit),
        (Kind::Int, int_lit),
    ];
    // The caller saw a digit or `.digit`, so at least one form matches at least one byte.
    let mut best = (Kind::Int, 1);
    for (kind, parser) in candidates {
        if let Ok((_, text)) = parser(rest)
            && text.len() > best.1
        {
            best = (kind, text.len());
        }
    }
    best
}

/// One level of string scanning: inside the quotes, or inside a `${…}` of a string.
enum Frame {
    Text,
    Interpolation {
        open_braces: usize,
        regex_allowed: bool,
    },
}

/// Scans a string literal starting at the `"` at `start`, interpolations included.
/// Returns the end offset and whether it contains an interpolation.
pub fn scan_string(src: &str, start: usize) -> Result<(usize, bool), ScanError> {
    let bytes = src.as_bytes();
    let mut stack = vec![Frame::Text];
    let mut interpolated = false;
    let mut pos = start + 1;
    let unterminated = |opening: usize| ScanError::new(opening, "unterminated string");
    let mut openings = vec![start];

    while let Some(frame) = stack.last_mut() {
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
                            if stack.len() >= MAX_NESTING {
                                return Err(too_deep(pos));
                            }
                            interpolated = true;
                            pos += 2;
                            stack.push(Frame::Interpolation {
                                open_braces: 0,
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
                open_braces,
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
                    if stack.len() >= MAX_NESTING {
                        return Err(too_deep(pos));
                    }
                    openings.push(pos);
                    stack.push(Frame::Text);
                    pos += 1;
                    continue;
                }
                let (kind, end) = scan_plain(src, pos, *regex_allowed)?;
                match kind {
                    Kind::LBrace => *open_braces += 1,
                    Kind::RBrace if *open_braces == 0 => {
                        stack.pop();
                        pos = end;
                        continue;
                    }
                    Kind::RBrace => *open_braces -= 1,
                    _ => {}
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

fn too_deep(offset: usize) -> ScanError {
    ScanError::new(
        offset,
        format!("nesting deeper than {MAX_NESTING} levels; refusing to scan further"),
    )
}

fn next_char_len(src: &str, pos: usize) -> usize {
    src[pos..].chars().next().map_or(0, char::len_utf8)
}

/// End of the escape sequence whose backslash is at `pos` (semantics §5.1).
fn escape_end(src: &str, pos: usize) -> Result<usize, ScanError> {
    let bytes = src.as_bytes();
    match bytes.get(pos + 1) {
        Some(b'n' | b'r' | b't' | b'\\' | b'"') => Ok(pos + 2),
        Some(b'$') if bytes.get(pos + 2) == Some(&b'{') => Ok(pos + 3),
        Some(b'x')
            if bytes.get(pos + 2).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(pos + 3).is_some_and(u8::is_ascii_hexdigit) =>
        {
            Ok(pos + 4)
        }
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
        assert_eq!(kinds("0123"), [(Kind::Int, "0"), (Kind::Int, "123")]);
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
