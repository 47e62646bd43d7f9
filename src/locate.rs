//! Stage 2: find the one top-level `option task = {…}` statement.
//!
//! One streaming pass over the tokens keeps a bracket stack (so "top level" means depth 0 and
//! unbalanced brackets are caught where they happen), notices statement order the parser
//! enforces, and hands the record's own tokens to `record::parse`. The whole file is scanned
//! even after the record is found: a second record or a broken tail makes the server refuse
//! the script, so it must make fluxtask refuse it too.

use crate::record::{self, TaskRecord};
use crate::report::{Diagnostic, Severity};
use crate::scan::{Kind, Lexer, MAX_NESTING, SkipError, Token, Until};
use crate::span::{Span, line_col};

/// Why a script has no usable task record. `offset` points at the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocateError {
    pub code: ErrorCode,
    pub offset: usize,
    pub message: String,
}

/// Stable names for the kinds of failure (also used by `check` as rule codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ErrorCode {
    /// The text does not scan: bad string, escape, character, UTF-8, nesting.
    Syntax,
    /// Brackets do not pair up.
    Unbalanced,
    /// `import` or `package` after other statements.
    StatementOrder,
    NoTaskOption,
    MultipleTaskOptions,
    /// `option task = <something that is not a record literal>`.
    NotARecord,
    /// The record literal itself is malformed.
    RecordSyntax,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Syntax => "FT001",
            ErrorCode::Unbalanced => "FT002",
            ErrorCode::StatementOrder => "FT003",
            ErrorCode::NoTaskOption => "FT010",
            ErrorCode::MultipleTaskOptions => "FT011",
            ErrorCode::NotARecord => "FT012",
            ErrorCode::RecordSyntax => "FT013",
        }
    }
}

impl LocateError {
    /// The error as a finding that points at its offset.
    pub fn diagnostic(self) -> Diagnostic {
        Diagnostic {
            code: self.code.as_str(),
            severity: Severity::Error,
            message: self.message,
            span: Span::new(self.offset, self.offset),
            help: None,
        }
    }
}

fn fail(code: ErrorCode, offset: usize, message: impl Into<String>) -> LocateError {
    LocateError {
        code,
        offset,
        message: message.into(),
    }
}

/// Where the walk is in an `option task = …` statement.
enum Pending {
    None,
    /// Saw `option` at the top level.
    Option {
        start: usize,
    },
    /// Saw `option task`.
    Task {
        start: usize,
    },
    /// Saw `option task =`; the next token starts the value.
    Value {
        start: usize,
    },
    /// Inside the record literal; its tokens are kept for `record::parse`.
    Record {
        start: usize,
        tokens: Vec<Token>,
    },
    /// Just after the record's `}`: the next token must start a new statement.
    AfterRecord,
}

/// Finds the task record of `src`, or says precisely why there is none.
pub fn locate(src: &str) -> Result<TaskRecord, LocateError> {
    // A refusal is worded by the token loop, whose notes need every token (strings that
    // span lines); scripts that locate cleanly never pay for it.
    locate_with(src, true).or_else(|_| locate_with(src, false))
}

/// The reference walk, token by token, with no skim: what the differential fuzz target
/// (`fuzz/`, `skim_agrees`) holds the fast path against.
#[doc(hidden)]
pub fn locate_by_tokens(src: &str) -> Result<TaskRecord, LocateError> {
    locate_with(src, false)
}

/// The fast walk alone: its refusals may be worded differently from `locate`'s, but they
/// must come at the same place for the same reason.
#[doc(hidden)]
pub fn locate_by_skim(src: &str) -> Result<TaskRecord, LocateError> {
    locate_with(src, true)
}

/// `fast`: skim code outside the record without tokens. Both ways find the same record or
/// refuse at the same place for the same reason (tested below); the slow way is the
/// reference.
fn locate_with(src: &str, fast: bool) -> Result<TaskRecord, LocateError> {
    let mut open: Vec<Token> = Vec::new();
    let mut pending = Pending::None;
    let mut found: Option<TaskRecord> = None;
    let mut header = Header::default();
    let mut hints = Hints::default();

    let mut multiline_string: Option<Span> = None;
    let mut lexer = Lexer::new(src);
    while let Some(token) = lexer.next() {
        let token = token.map_err(|e| syntax_error(src, e.offset, e.message, multiline_string))?;
        if multiline_string.is_none()
            && matches!(token.kind, Kind::String | Kind::StringExpr)
            && src[token.span.range()].contains('\n')
        {
            multiline_string = Some(token.span);
        }
        if token.kind == Kind::Comment {
            if let Pending::Record { tokens, .. } = &mut pending {
                push_record_token(tokens, token)?;
            }
            continue;
        }
        let top_level = open.is_empty();
        if top_level {
            header.observe(src, &token)?;
            hints.observe(src, &token);
        }
        if matches!(pending, Pending::AfterRecord) {
            if continues_expression(src, &token) {
                return Err(fail(
                    ErrorCode::NotARecord,
                    token.span.start,
                    format!(
                        "the value of `option task` continues with {} after the record, so it is an expression, not a record literal (the server says: value is not an object expression)",
                        token.kind.describe()
                    ),
                ));
            }
            pending = Pending::None;
        }
        pending = match (pending, token.kind) {
            (Pending::None, Kind::Keyword) if top_level && token.text(src) == "option" => {
                Pending::Option {
                    start: token.span.start,
                }
            }
            (Pending::Option { start }, Kind::Ident) if token.text(src) == "task" => {
                Pending::Task { start }
            }
            (Pending::Task { start }, Kind::Assign) => Pending::Value { start },
            (Pending::Task { start }, Kind::Dot) => {
                hints.member_option = Some(start);
                Pending::None
            }
            (Pending::Value { start }, Kind::LBrace) => {
                if let Some(first) = &found {
                    return Err(fail(
                        ErrorCode::MultipleTaskOptions,
                        start,
                        format!(
                            "a second top-level `option task` statement (the first is at line {}); the server refuses scripts with more than one",
                            line_col(src, first.statement.start).line
                        ),
                    ));
                }
                Pending::Record {
                    start,
                    tokens: vec![token],
                }
            }
            (Pending::Value { .. }, kind) => {
                return Err(fail(
                    ErrorCode::NotARecord,
                    token.span.start,
                    format!(
                        "the value of `option task` is {}, not a record literal `{{…}}`",
                        article(kind.describe())
                    ),
                ));
            }
            (Pending::Record { start, mut tokens }, _) => {
                push_record_token(&mut tokens, token)?;
                if open.len() == 1 && token.kind == Kind::RBrace {
                    let record = record::parse(src, &tokens, start)
                        .map_err(|e| fail(ErrorCode::RecordSyntax, e.offset, e.message))?;
                    found = Some(record);
                    Pending::AfterRecord
                } else {
                    Pending::Record { start, tokens }
                }
            }
            _ => Pending::None,
        };
        track_brackets(src, &mut open, token)?;
        if fast && let Some(until) = skim_from(src, &token, &pending, &header, &open) {
            lexer
                .skim(&mut open, until)
                .map_err(|e| skip_error(src, e, multiline_string))?;
        }
    }
    if let Some(unclosed) = open.last() {
        return Err(fail(
            ErrorCode::Unbalanced,
            unclosed.span.start,
            format!("{} is never closed", unclosed.kind.describe()),
        ));
    }
    if let Pending::Option { start } | Pending::Task { start } | Pending::Value { start } = pending
    {
        return Err(fail(
            ErrorCode::NotARecord,
            start,
            "`option task` has no value",
        ));
    }
    found.ok_or_else(|| hints.no_record(src))
}

/// Whether the code after `token` can be skimmed without tokens (see `scan::skip`), and how
/// far. Once the statements have begun and no `option task` is under way, only a few words
/// at the top level matter; before that, only bracketed code can be passed.
fn skim_from(
    src: &str,
    token: &Token,
    pending: &Pending,
    header: &Header,
    open: &[Token],
) -> Option<Until> {
    match pending {
        // `task` may be followed by `=` (a near miss worth naming).
        Pending::None
            if header.body_started && !(token.kind == Kind::Ident && token.text(src) == "task") =>
        {
            Some(Until::StopWord)
        }
        Pending::Record { .. } => None,
        _ if open.len() == 1
            && matches!(token.kind, Kind::LParen | Kind::LBrack | Kind::LBrace) =>
        {
            Some(Until::Closed)
        }
        _ => None,
    }
}

/// Strings may span lines, so one missing or typographic quote flips every string after it;
/// the error then surfaces far from its cause. Point back at the likely cause.
fn suspicious_string_note(src: &str, string: Span) -> String {
    let at = line_col(src, string.start);
    let lines = src[string.range()].matches('\n').count() + 1;
    let typographic = src[string.range()].contains(['“', '”']);
    format!(
        " (the string at line {}, column {} runs over {lines} lines{}: a missing or mismatched quote there can cause this)",
        at.line,
        at.column,
        if typographic {
            " and contains a typographic quote"
        } else {
            ""
        }
    )
}

fn article(what: &str) -> String {
    let vowel = what.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {what}", if vowel { "an" } else { "a" })
}

/// Tokens that, right after a `}`, make it part of a larger expression rather than ending the
/// statement: the parser would read `{…} |> f()` or `{…}.x` as one expression.
fn continues_expression(src: &str, token: &Token) -> bool {
    match token.kind {
        Kind::PipeForward | Kind::Operator | Kind::Dot | Kind::LBrack | Kind::LParen => true,
        Kind::Keyword => matches!(token.text(src), "and" | "or"),
        _ => false,
    }
}

fn syntax_error(
    src: &str,
    offset: usize,
    mut message: String,
    multiline_string: Option<Span>,
) -> LocateError {
    if let Some(string) = multiline_string {
        message.push_str(&suspicious_string_note(src, string));
    }
    fail(ErrorCode::Syntax, offset, message)
}

fn skip_error(src: &str, e: SkipError, multiline_string: Option<Span>) -> LocateError {
    match e {
        SkipError::Scan(e) => syntax_error(src, e.offset, e.message, multiline_string),
        SkipError::Mismatch { closer, opener } => mismatch(src, closer, opener),
        SkipError::Nesting(offset) => too_deep(offset),
    }
}

/// More tokens and comments in the task record than any real one holds (a record has a few
/// dozen): past this the script is refused, so that the record's tokens, properties and findings stay
/// small whatever the input.
pub const MAX_RECORD_TOKENS: usize = 65_536;

/// Keeps a token (or comment) of the record for `record::parse`, up to the limit.
fn push_record_token(tokens: &mut Vec<Token>, token: Token) -> Result<(), LocateError> {
    if tokens.len() >= MAX_RECORD_TOKENS {
        return Err(fail(
            ErrorCode::RecordSyntax,
            token.span.start,
            format!(
                "the task record holds more than {MAX_RECORD_TOKENS} tokens and comments; refusing to read further (task options need a few dozen)"
            ),
        ));
    }
    tokens.push(token);
    Ok(())
}

fn too_deep(offset: usize) -> LocateError {
    fail(
        ErrorCode::Syntax,
        offset,
        format!("nesting deeper than {MAX_NESTING} levels; refusing to scan further"),
    )
}

/// A closing bracket that does not close `opener` (or closes nothing).
fn mismatch(src: &str, closer: Token, opener: Option<Token>) -> LocateError {
    let message = match opener {
        Some(opener) => {
            let at = line_col(src, opener.span.start);
            format!(
                "unexpected {}: the innermost open bracket is {} at line {}, column {}",
                closer.kind.describe(),
                opener.kind.describe(),
                at.line,
                at.column
            )
        }
        None => format!(
            "unexpected {}: nothing is open here",
            closer.kind.describe()
        ),
    };
    fail(ErrorCode::Unbalanced, closer.span.start, message)
}

fn track_brackets(src: &str, open: &mut Vec<Token>, token: Token) -> Result<(), LocateError> {
    let Some(expected_opener) = token.kind.opener() else {
        if matches!(token.kind, Kind::LParen | Kind::LBrack | Kind::LBrace) {
            if open.len() >= MAX_NESTING {
                return Err(too_deep(token.span.start));
            }
            open.push(token);
        }
        return Ok(());
    };
    match open.pop() {
        Some(opener) if opener.kind == expected_opener => Ok(()),
        opener => Err(mismatch(src, token, opener)),
    }
}

/// Imports and the package clause must come before every other statement; the Flux parser
/// rejects them later on.
#[derive(Default)]
struct Header {
    body_started: bool,
    after_at: bool,
}

impl Header {
    fn observe(&mut self, src: &str, token: &Token) -> Result<(), LocateError> {
        let text = token.text(src);
        if token.kind == Kind::Keyword && matches!(text, "import" | "package") {
            if self.body_started {
                return Err(fail(
                    ErrorCode::StatementOrder,
                    token.span.start,
                    format!(
                        "`{text}` must come before all other statements; the Flux parser rejects it here"
                    ),
                ));
            }
            return Ok(());
        }
        let attribute_args = self.after_at && token.kind == Kind::LParen;
        self.after_at = token.kind == Kind::At || (self.after_at && token.kind == Kind::Ident);
        let header_token =
            matches!(token.kind, Kind::Ident | Kind::String | Kind::At) || attribute_args;
        if !header_token {
            self.body_started = true;
        }
        Ok(())
    }
}

/// Near misses worth naming when no record is found.
#[derive(Default)]
struct Hints {
    /// `option task.every = …`
    member_option: Option<usize>,
    /// `task = {…}` without `option`.
    bare_assignment: Option<usize>,
    previous: Option<(Kind, Span)>,
}

impl Hints {
    fn observe(&mut self, src: &str, token: &Token) {
        if let Some((Kind::Ident, span)) = self.previous
            && token.kind == Kind::Assign
            && &src[span.range()] == "task"
            && self.bare_assignment.is_none()
        {
            self.bare_assignment = Some(span.start);
        }
        self.previous = Some((token.kind, token.span));
    }

    fn no_record(&self, src: &str) -> LocateError {
        let mut message = "no top-level `option task = {…}` statement".to_string();
        let offset = self.bare_assignment.or(self.member_option).unwrap_or(0);
        if let Some(at) = self.bare_assignment {
            let lc = line_col(src, at);
            message.push_str(&format!(
                "; line {} assigns `task = …` without the `option` keyword",
                lc.line
            ));
        } else if let Some(at) = self.member_option {
            let lc = line_col(src, at);
            message.push_str(&format!(
                "; line {} sets a member (`option task.…`), which the server does not read",
                lc.line
            ));
        }
        fail(ErrorCode::NoTaskOption, offset, message)
    }
}

/// The benchmark generator, for the fast-path test: scripts with much top-level code.
#[cfg(test)]
#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)] // only the script generator is needed here
mod bench_corpus;

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> (ErrorCode, usize, String) {
        let e = locate(src).expect_err("must be refused");
        (e.code, e.offset, e.message)
    }

    #[test]
    fn finds_the_top_level_record() {
        let src = "import \"x\"\n\noption task = {name: \"a\", every: 1h}\nfrom(bucket: \"b\")\n";
        let record = locate(src).unwrap();
        assert_eq!(&src[record.braces.range()], "{name: \"a\", every: 1h}");
        assert_eq!(
            &src[record.statement.range()],
            "option task = {name: \"a\", every: 1h}"
        );
        let keys: Vec<_> = record
            .properties
            .iter()
            .map(|p| p.key.name.as_str())
            .collect();
        assert_eq!(keys, ["name", "every"]);
    }

    #[test]
    fn look_alikes_are_not_the_record() {
        for src in [
            "// option task = {name: \"a\", every: 1h}\n",
            "x = \"option task = {name: \\\"a\\\", every: 1h}\"\n",
            "x = regexp.findString(r: /option task = \\{([^\\}]+)/, v: s)\n",
            "f = () => {\noption task = {name: \"a\", every: 1h}\nreturn 1\n}\n",
            "option tasks.lastSuccessTime = 2020-01-01T00:00:00Z\n",
        ] {
            assert_eq!(err(src).0, ErrorCode::NoTaskOption, "{src}");
        }
    }

    #[test]
    fn near_misses_are_named() {
        assert!(
            err("task = {name: \"a\", every: 1h}\n")
                .2
                .contains("line 1 assigns `task = …`")
        );
        assert!(err("option task.every = 1h\n").2.contains("sets a member"));
    }

    #[test]
    fn a_pipe_after_the_record_is_not_a_record() {
        let src = "option task = {name: \"a\", every: 1h}\n// ...\n  |> filter(fn: (r) => true)\n";
        let (code, offset, _) = err(src);
        assert_eq!(code, ErrorCode::NotARecord);
        assert_eq!(&src[offset..offset + 2], "|>");
    }

    #[test]
    fn a_statement_may_follow_on_the_same_line() {
        let src = "option task={name:\"beetle\",every:1h} from(bucket:\"b\")|>range(start:-1h)";
        assert_eq!(locate(src).unwrap().properties.len(), 2);
    }

    #[test]
    fn two_records_are_refused_at_the_second() {
        let one = "option task = {name: \"a\", every: 1h}\n";
        let (code, offset, message) = err(&format!("{one}{one}"));
        assert_eq!((code, offset), (ErrorCode::MultipleTaskOptions, one.len()));
        assert!(message.contains("line 1"));
    }

    #[test]
    fn non_record_values() {
        assert_eq!(err("option task = base\n").0, ErrorCode::NotARecord);
        assert_eq!(err("option task =").0, ErrorCode::NotARecord);
    }

    #[test]
    fn broken_records_point_inside() {
        let src = "option task = {\n  name: \"a\"\n  every: 15m,\n}\n";
        let (code, offset, message) = err(src);
        assert_eq!(code, ErrorCode::RecordSyntax);
        assert_eq!(&src[offset..offset + 5], "every");
        assert_eq!(
            message,
            "expected `,` between properties, found identifier `every`"
        );
        assert_eq!(
            err("option task = {\n    ...\n    every: 15m,\n}").2,
            "expected a property key, found `.`"
        );
        assert_eq!(
            err("option task = {name: \"{{N}}\", every: {{UNIT}}}").2,
            "expected a record key after `{`, found `{`"
        );
    }

    #[test]
    fn unbalanced_brackets_anywhere() {
        let src = "option task = {name: \"a\", every: 1h}\nto(bucket: \"x\"])\n";
        let (code, offset, _) = err(src);
        assert_eq!(
            (code, &src[offset..offset + 1]),
            (ErrorCode::Unbalanced, "]")
        );
        let (code, offset, message) = err("option task = {name: \"a\", every: 1h}\nf(x\n");
        assert_eq!((code, offset), (ErrorCode::Unbalanced, 38));
        assert_eq!(message, "`(` is never closed");
    }

    #[test]
    fn leading_zeros_are_refused() {
        let (code, offset, message) = err("option task = {name: \"a\", every: 01h}");
        assert_eq!((code, offset), (ErrorCode::Syntax, 33));
        assert_eq!(
            message,
            "`01h` is not a number: a nonzero value cannot start with 0"
        );
        assert_eq!(err("x = 0123\n").0, ErrorCode::Syntax);
        assert!(locate("option task = {name: \"a\", every: 10s, retry: 0}\nx = 0.5").is_ok());
    }

    /// The fast path must agree with the token loop on every input: the shared corpus (when
    /// present), the fixtures, and thousands of deterministic mutations of both.
    #[test]
    fn fast_path_agrees_with_the_token_loop() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut scripts = Vec::new();
        for dir in [
            "../shared/corpus/real",
            "fixtures/valid",
            "fixtures/invalid",
            "fixtures/check",
            "fixtures/plan/tasks",
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    scripts.push(text);
                }
            }
        }
        assert!(scripts.len() > 50);
        // Generated scripts: mostly top-level code between the records (the benchmark corpus).
        scripts.extend(super::bench_corpus::corpus(7, 150));
        let pieces = [
            "/",
            "//",
            "\"",
            "(",
            ")",
            "]",
            "{",
            "}",
            "0",
            "01",
            "$",
            "${",
            "\\",
            "\n",
            "=~ /a/",
            "1.5",
            "2018-01-01T00:00:00",
            "<-",
            "return /x/",
            "é",
            "”",
            ";",
            "|",
            "~",
            "!",
            "a / b",
            ">=~",
            "<=~",
            "=>=",
            "==~",
            "<-/",
            "5mtask = {a: 1}",
            "r.task = {",
            "task = {name: \"a\", every: 1h}",
            "option ",
            "xoption task = {name: \"a\", every: 1h}",
            "\noption task = {name: \"b\", every: 2h}\n",
            "import \"x\"\n",
            "package p\n",
            ".05",
            "5m1",
            "2hoption",
            "|>",
            "`",
            "\u{b5}s",
            " and ",
            " exists ",
            "@edition(\"2022.1\")\n",
            "\"${ ( }\"",
            "\"${ a) }\"",
            "\"${ f(x: [1]) }\"",
            "${",
            "}\"",
        ];
        let mut next = crate::test_rng(0x2545_f491_4f6c_dd1d);
        let mut checked = 0;
        for script in &scripts {
            let mut variants = vec![script.clone()];
            for _ in 0..40 {
                let mut text = script.clone();
                for _ in 0..1 + next(3) {
                    let mut at = next(text.len() + 1);
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    match next(3) {
                        0 => text.insert_str(at, pieces[next(pieces.len())]),
                        1 => {
                            let mut end = (at + 1 + next(8)).min(text.len());
                            while !text.is_char_boundary(end) {
                                end -= 1;
                            }
                            text.replace_range(at..end, "");
                        }
                        _ => text
                            .replace_range(at..at, &text[at..].chars().take(5).collect::<String>()),
                    }
                }
                variants.push(text);
            }
            for text in variants {
                let cause = |e: LocateError| (e.code, e.offset);
                assert_eq!(
                    locate_with(&text, true).map_err(cause),
                    locate_with(&text, false).map_err(cause),
                    "{text}"
                );
                checked += 1;
            }
        }
        assert!(checked > 2000);
    }

    /// The shapes where the skim rebuilds tokens (§5.2 after a number or a dot, digit runs
    /// inside words, operator runs before `~`) or trusts a mask (`|>`), nested in a call and
    /// at the top level: the fast path must answer exactly as the token loop.
    #[test]
    fn skim_decisions_agree_with_the_token_loop() {
        // A regex here holds `)`: read as a division instead, it would close the call.
        let shapes = [
            "1.5hand /)/",
            "5mand /)/ + 1",
            "1.5h / 2",
            "1. / 2",
            ".5and /)/",
            "x.5 / 2",
            "a.b / 2",
            "return /)/",
            "1h05m",
            "1h5m / 2",
            "x05",
            "host01 / 2",
            "1.05",
            "0.5 / 1",
            "00",
            "1h2018-01-01T00:00:00",
            "1h2018-01-01T00:00:00Z / 2",
            "x2018-01-01",
            "2018-01",
            "2018-01-01T1:00",
            "2018-01-0105",
            "a =~ /)/",
            "a <=~ b",
            "a ==~ b",
            "a ===~ /)/",
            "a !=~ b",
            "a !~ /)/",
            "a |>=~ b",
            "a <-=~ /)/",
            "a ~ b",
            "a | b",
            "a || b",
            "a |> b",
            "a ! b",
            "5µs / 2",
            "5µx",
            "5€",
            "büro / 2",
            "x\u{2028}y",
            "<- / 2",
            "a - /)/",
            "f(x) / 2",
            "\"s\" / 2",
            "/)/ / 2",
        ];
        for shape in shapes {
            for text in [
                format!("option task = {{name: \"a\", every: 1h}}\nf(x: {shape})\n"),
                format!("option task = {{name: \"a\", every: 1h}}\ny = {shape}\n"),
                format!("option task = {{name: \"a\", every: 1h}}\ns = \"${{ {shape} }}\"\n"),
            ] {
                let cause = |e: LocateError| (e.code, e.offset);
                assert_eq!(
                    locate_with(&text, true).map_err(cause),
                    locate_with(&text, false).map_err(cause),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn huge_records_are_refused_at_the_limit() {
        let property = "k: 1, "; // four tokens: `k`, `:`, `1`, `,`
        let fits = (MAX_RECORD_TOKENS - 2) / 4;
        let src = format!("option task = {{{}}}\n", property.repeat(fits));
        assert_eq!(locate(&src).unwrap().properties.len(), fits);
        let src = format!("option task = {{{}}}\n", property.repeat(fits + 1));
        // The token past the limit is the comma of the last property.
        let at = "option task = {".len() + property.len() * fits + "k: 1".len();
        let (code, offset, message) = err(&src);
        assert_eq!((code, offset), (ErrorCode::RecordSyntax, at));
        assert!(message.contains("more than 65536 tokens"), "{message}");
        // Comments count too: they are kept for the record's layout.
        let comments = "//\n".repeat(MAX_RECORD_TOKENS);
        let src = format!("option task = {{name: \"a\", every: 1h,\n{comments}}}\n");
        let (code, offset, _) = err(&src);
        // Nine tokens come before the comments: `{`, then `name: "a",` and `every: 1h,`.
        let past = src.find("//").unwrap() + "//\n".len() * (MAX_RECORD_TOKENS - 9);
        assert_eq!((code, offset), (ErrorCode::RecordSyntax, past));
    }

    #[test]
    fn import_after_a_statement() {
        let src = "option task = {name: \"a\", every: 1h}\nimport \"math\"\n";
        assert_eq!(err(src).0, ErrorCode::StatementOrder);
        assert!(locate("package main\nimport \"a\"\nimport b \"c\"\noption task = {name: \"a\", every: 1h}\n").is_ok());
    }
}
