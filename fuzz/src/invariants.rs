//! The properties every fuzz target checks. Each function panics, naming the property, when
//! the library breaks it; libFuzzer reports the panic as a crash with the input.

use fluxtask::check::{check, code};
use fluxtask::literal;
use fluxtask::locate::{LocateError, locate};
use fluxtask::overrides::{OffsetChange, Overrides, RawOverrides};
use fluxtask::record::{Shape, TaskRecord};
use fluxtask::report::{self, Severity, Style};
use fluxtask::scan::{Kind, Lexer};
use fluxtask::span::{LineIndex, Span, line_col};
use fluxtask::update::{UpdateError, update};

/// Bytes the Flux scanner skips between tokens.
fn is_flux_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn assert_span(src: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= src.len(),
        "{what} {span:?} lies outside the {}-byte text",
        src.len()
    );
    assert!(
        src.is_char_boundary(span.start) && src.is_char_boundary(span.end),
        "{what} {span:?} splits a character"
    );
}

/// The lexer is lossless: tokens are non-empty, in order, separated only by whitespace, and
/// cover the text up to the first error, after which nothing more comes.
pub fn lexer(src: &str) {
    let mut cursor = 0;
    let mut failed = false;
    for (count, item) in Lexer::new(src).enumerate() {
        assert!(!failed, "the lexer went on after an error");
        assert!(
            count <= src.len(),
            "the lexer yields more tokens than bytes"
        );
        match item {
            Ok(token) => {
                let span = token.span;
                assert_span(src, span, "token");
                assert!(
                    span.start < span.end,
                    "empty {:?} token at {}",
                    token.kind,
                    span.start
                );
                assert!(
                    span.start >= cursor,
                    "token {span:?} overlaps the one before"
                );
                let gap = &src.as_bytes()[cursor..span.start];
                assert!(
                    gap.iter().all(|&b| is_flux_space(b)),
                    "bytes {cursor}..{} are skipped but are not whitespace: {:?}",
                    span.start,
                    String::from_utf8_lossy(gap)
                );
                let text = token.text(src);
                let shape_ok = match token.kind {
                    Kind::Comment => text.starts_with("//"),
                    Kind::String | Kind::StringExpr => {
                        text.len() >= 2 && text.starts_with('"') && text.ends_with('"')
                    }
                    Kind::Regex => text.len() >= 2 && text.starts_with('/') && text.ends_with('/'),
                    Kind::LBrace => text == "{",
                    Kind::RBrace => text == "}",
                    Kind::LParen => text == "(",
                    Kind::RParen => text == ")",
                    Kind::LBrack => text == "[",
                    Kind::RBrack => text == "]",
                    _ => true,
                };
                assert!(shape_ok, "{:?} token with text {text:?}", token.kind);
                if token.kind == Kind::String {
                    assert!(
                        literal::decode(text).is_ok(),
                        "the string token {text:?} scans but does not decode: {:?}",
                        literal::decode(text)
                    );
                }
                cursor = span.end;
            }
            Err(e) => {
                assert!(e.offset <= src.len(), "scan error offset past the end");
                let _ = line_col(src, e.offset);
                failed = true;
            }
        }
    }
    if !failed {
        assert!(
            src.as_bytes()[cursor..].iter().all(|&b| is_flux_space(b)),
            "the lexer stopped at {cursor} before the end without an error"
        );
    }
}

/// `locate`, with the shape of what it returns checked: spans in bounds and in order, keys
/// reading as their names, and scan errors never hiding behind a found record.
pub fn located(src: &str) -> Result<TaskRecord, LocateError> {
    let result = locate(src);
    match &result {
        Ok(record) => {
            record_shape(src, record);
            assert!(
                Lexer::new(src).all(|t| t.is_ok()),
                "locate found a record in a script that does not scan"
            );
        }
        Err(e) => {
            assert!(
                e.offset <= src.len(),
                "locate error offset past the end: {e:?}"
            );
            assert!(!e.message.is_empty(), "locate error without a message");
        }
    }
    result
}

/// The fast walk (skimming code with block masks) and the token loop agree: the same record,
/// or a refusal at the same offset for the same reason.
pub fn skim_agrees(src: &str) {
    let cause = |e: LocateError| (e.code, e.offset);
    let fast = fluxtask::locate::locate_by_skim(src).map_err(cause);
    let slow = fluxtask::locate::locate_by_tokens(src).map_err(cause);
    assert_eq!(fast, slow, "the skim and the token loop disagree");
}

/// The spans of a located record describe the text they point at.
pub fn record_shape(src: &str, record: &TaskRecord) {
    let (statement, braces) = (record.statement, record.braces);
    assert_span(src, statement, "statement");
    assert_span(src, braces, "braces");
    assert!(
        statement.start <= braces.start && statement.end == braces.end,
        "braces {braces:?} not at the end of statement {statement:?}"
    );
    assert!(src[statement.range()].starts_with("option"));
    let inside = &src[braces.range()];
    assert!(
        inside.len() >= 2 && inside.starts_with('{') && inside.ends_with('}'),
        "braces span holds {inside:?}"
    );
    let close = braces.end - 1;
    let mut cursor = braces.start + 1;
    let comment = |span: Span, what: &str| {
        assert_span(src, span, what);
        assert!(
            span.start > braces.start && span.end <= close,
            "{what} {span:?} outside the braces {braces:?}"
        );
        assert!(
            src[span.range()].starts_with("//"),
            "{what} is not a comment"
        );
    };
    if let Some(base) = record.base {
        assert_span(src, base, "with base");
        assert!(base.start >= cursor && base.end <= close);
        cursor = base.end;
    }
    for p in &record.properties {
        assert_span(src, p.key.span, "key");
        assert!(
            p.key.span.start >= cursor && p.key.span.start < p.key.span.end,
            "key {:?} out of order",
            p.key.span
        );
        let key_text = &src[p.key.span.range()];
        if p.key.quoted {
            assert_eq!(
                literal::decode(key_text).as_deref(),
                Ok(p.key.name.as_str()),
                "quoted key {key_text:?} does not read as its name"
            );
        } else {
            assert_eq!(key_text, p.key.name, "key text differs from its name");
        }
        cursor = p.key.span.end;
        if let Some(value) = &p.value {
            assert_span(src, value.span, "value");
            assert!(
                value.span.start >= cursor && value.span.start < value.span.end,
                "value {:?} of `{}` out of order",
                value.span,
                p.key.name
            );
            let text = &src[value.span.range()];
            if value.shape == Shape::String {
                assert!(
                    literal::decode(text).is_ok(),
                    "string value {text:?} does not decode"
                );
            }
            cursor = value.span.end;
        }
        if let Some(comma) = p.comma {
            assert!(
                comma >= cursor && src.as_bytes().get(comma) == Some(&b','),
                "comma of `{}` at {comma} is not a `,` after the value",
                p.key.name
            );
            cursor = comma + 1;
        }
        for &c in &p.leading_comments {
            comment(c, "leading comment");
        }
        if let Some(c) = p.trailing_comment {
            comment(c, "trailing comment");
        }
        assert!(
            cursor <= close,
            "property `{}` runs past the `}}`",
            p.key.name
        );
    }
    for &c in &record.closing_comments {
        comment(c, "closing comment");
    }
}

/// A final newline is only whitespace: it changes neither the record nor the error.
pub fn newline_at_end_changes_nothing(src: &str, before: &Result<TaskRecord, LocateError>) {
    let with_newline = format!("{src}\n");
    let after = locate(&with_newline);
    match (before, &after) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "a final newline changes the located record"),
        (Err(a), Err(b)) => assert_eq!(
            (a.code, a.offset),
            (b.code, b.offset),
            "a final newline changes the error"
        ),
        _ => panic!("a final newline changes whether the record is found: {before:?} vs {after:?}"),
    }
}

/// One `update`, with every property of an edit checked. Returns the edited text.
///
/// - a script that does not locate is refused with the same error;
/// - update never reports an internal error (its self-check failing is a bug);
/// - no overrides: the output is the input;
/// - only bytes inside the record's braces change;
/// - the output locates, the record starts where it did, and reads back the requested
///   values; keys that were not asked for keep their text and values;
/// - applying the same overrides to the output changes nothing;
/// - `check` finds no error in the values that were set.
pub fn edit(src: &str, overrides: &Overrides) -> Option<String> {
    let before = locate(src);
    let result = update(src, overrides);
    let (record, out) = match (before, result) {
        (Err(e), Err(UpdateError::Locate(f))) => {
            assert_eq!(e, f, "update and locate disagree on the error");
            return None;
        }
        (Err(e), other) => panic!("locate refuses ({e:?}) but update gives {other:?}"),
        (Ok(_), Err(e)) => panic!("update fails on a located record: {e:?}\n{overrides:?}"),
        (Ok(record), Ok(updated)) => {
            assert_eq!(updated.record, record, "update located another record");
            (record, updated.output)
        }
    };
    if overrides.is_empty() {
        assert_eq!(out, src, "an edit without overrides changed the script");
    }
    let prefix = &src[..record.braces.start];
    let suffix = &src[record.braces.end..];
    assert!(
        out.len() >= prefix.len() + suffix.len()
            && out.starts_with(prefix)
            && out.ends_with(suffix),
        "the edit changed bytes outside the record\n{overrides:?}\n--- before\n{src}\n--- after\n{out}"
    );
    let after = locate(&out).unwrap_or_else(|e| {
        panic!("the edited script no longer locates: {e:?}\n{overrides:?}\n--- after\n{out}")
    });
    record_shape(&out, &after);
    assert_eq!(
        after.braces,
        Span::new(record.braces.start, out.len() - suffix.len()),
        "the record moved\n{overrides:?}\n--- after\n{out}"
    );
    reads_back(&out, &after, overrides);
    untouched_keys_are_kept(src, &record, &out, &after, overrides);
    match update(&out, overrides) {
        Ok(again) => assert_eq!(
            again.output, out,
            "applying the same edit twice differs from once\n{overrides:?}\n--- once\n{out}"
        ),
        Err(e) => panic!("the edit cannot be applied a second time: {e:?}\n{overrides:?}"),
    }
    check_accepts_set_values(&out, overrides);
    let _ = fluxtask::diff::unified(src, &out, "fuzz.flux", true);
    Some(out)
}

/// The value of the first property named `key` (`Some("")` for the shorthand `{key}`).
fn first<'a>(src: &'a str, record: &TaskRecord, key: &str) -> Option<&'a str> {
    record
        .properties
        .iter()
        .find(|p| p.key.name == key)
        .map(|p| p.value.as_ref().map_or("", |v| &src[v.span.range()]))
}

fn has(record: &TaskRecord, key: &str) -> bool {
    record.properties.iter().any(|p| p.key.name == key)
}

fn reads_back(out: &str, after: &TaskRecord, o: &Overrides) {
    let fail = |what: String| -> ! { panic!("{what}\n{o:?}\n--- after\n{out}") };
    if let Some(name) = &o.name {
        let got = first(out, after, "name").map(literal::decode);
        if got != Some(Ok(name.clone())) {
            fail(format!("name reads back as {got:?}, not {name:?}"));
        }
    }
    if let Some(every) = &o.every
        && (first(out, after, "every") != Some(every.as_str()) || has(after, "cron"))
    {
        fail(format!("every does not read back as {every:?} alone"));
    }
    if let Some(cron) = &o.cron {
        let got = first(out, after, "cron").map(literal::decode);
        if got != Some(Ok(cron.clone())) || has(after, "every") {
            fail(format!(
                "cron reads back as {got:?} (or every stayed), not {cron:?}"
            ));
        }
    }
    match &o.offset {
        Some(OffsetChange::Set(offset)) if first(out, after, "offset") != Some(offset.as_str()) => {
            fail(format!("offset does not read back as {offset:?}"))
        }
        Some(OffsetChange::Remove) if has(after, "offset") => fail("offset was not removed".into()),
        _ => {}
    }
}

/// Keys the overrides do not touch keep their key text and value text, in order, and the
/// `with` base stays.
fn untouched_keys_are_kept(
    src: &str,
    before: &TaskRecord,
    out: &str,
    after: &TaskRecord,
    o: &Overrides,
) {
    let schedule = o.every.is_some() || o.cron.is_some();
    let touched = |key: &str| match key {
        "name" => o.name.is_some(),
        "every" | "cron" => schedule,
        "offset" => o.offset.is_some(),
        _ => false,
    };
    let kept = |text: &str, record: &TaskRecord| -> Vec<(String, Option<String>)> {
        record
            .properties
            .iter()
            .filter(|p| !touched(&p.key.name))
            .map(|p| {
                (
                    text[p.key.span.range()].to_string(),
                    p.value.as_ref().map(|v| text[v.span.range()].to_string()),
                )
            })
            .collect()
    };
    assert_eq!(
        kept(src, before),
        kept(out, after),
        "properties that were not asked for changed\n{o:?}\n--- before\n{src}\n--- after\n{out}"
    );
    assert_eq!(
        before.base.map(|b| &src[b.range()]),
        after.base.map(|b| &out[b.range()]),
        "the `with` base changed"
    );
}

/// A value update wrote is one the server accepts, so `check` must not flag it.
fn check_accepts_set_values(out: &str, o: &Overrides) {
    let mut forbidden = Vec::new();
    if o.name.is_some() {
        forbidden.extend([code::NAME_MISSING, code::NAME_NOT_LITERAL, code::NAME_EMPTY]);
    }
    if o.every.is_some() {
        forbidden.extend([
            code::SCHEDULE_BOTH,
            code::SCHEDULE_NONE,
            code::EVERY_INVALID,
        ]);
    }
    if o.cron.is_some() {
        forbidden.extend([code::SCHEDULE_BOTH, code::SCHEDULE_NONE, code::CRON_INVALID]);
    }
    if matches!(o.offset, Some(OffsetChange::Set(_))) {
        forbidden.push(code::OFFSET_INVALID);
    }
    for d in check(out) {
        assert!(
            !forbidden.contains(&d.code) || d.severity != Severity::Error,
            "check flags a value update wrote: {d:?}\n{o:?}\n--- after\n{out}"
        );
    }
}

/// Overrides that ask for what the record already says (in the spelling `update` would
/// write) leave the script byte for byte as it is, together and one at a time.
pub fn current_values_are_no_ops(src: &str, record: &TaskRecord) {
    let shape = |key: &str| {
        record
            .properties
            .iter()
            .find(|p| p.key.name == key)
            .and_then(|p| p.value.as_ref())
            .map(|v| (v.shape, &src[v.span.range()]))
    };
    let valid = |raw: RawOverrides| Overrides::new(&raw).ok();
    let string = |key: &str| match shape(key) {
        Some((Shape::String, text)) => literal::decode(text)
            .ok()
            .filter(|decoded| literal::encode(decoded) == text),
        _ => None,
    };
    let mut current = Overrides::default();
    if let Some(name) = string("name") {
        current.name = valid(RawOverrides {
            name: Some(name),
            ..Default::default()
        })
        .and_then(|o| o.name);
    }
    if !has(record, "cron")
        && let Some((Shape::Duration, text)) = shape("every")
    {
        current.every = valid(RawOverrides {
            every: Some(text.to_string()),
            ..Default::default()
        })
        .and_then(|o| o.every);
    }
    if !has(record, "every")
        && let Some(cron) = string("cron")
    {
        current.cron = valid(RawOverrides {
            cron: Some(cron),
            ..Default::default()
        })
        .and_then(|o| o.cron);
    }
    if let Some((_, text)) = shape("offset") {
        current.offset = valid(RawOverrides {
            offset: Some(text.to_string()),
            ..Default::default()
        })
        .and_then(|o| o.offset)
        .filter(|o| matches!(o, OffsetChange::Set(_)));
    }
    let singles = [
        Overrides {
            name: current.name.clone(),
            ..Default::default()
        },
        Overrides {
            every: current.every.clone(),
            ..Default::default()
        },
        Overrides {
            cron: current.cron.clone(),
            ..Default::default()
        },
        Overrides {
            offset: current.offset.clone(),
            ..Default::default()
        },
    ];
    for o in std::iter::once(&current).chain(singles.iter()) {
        if let Ok(updated) = update(src, o) {
            assert_eq!(
                updated.output, src,
                "setting the values the record already has changed the script\n{o:?}"
            );
        }
    }
}

/// `check` on any script: a script that does not locate gives exactly its located error;
/// otherwise only record rules fire. Spans are in bounds, findings in source order, and
/// every finding renders.
pub fn diagnostics(src: &str) {
    let found = check(src);
    match located(src) {
        Err(e) => {
            assert_eq!(found.len(), 1, "a locate error gives one diagnostic");
            let d = &found[0];
            assert_eq!(
                (d.code, d.severity, d.span),
                (
                    e.code.as_str(),
                    Severity::Error,
                    Span::new(e.offset, e.offset)
                )
            );
        }
        Ok(_) => {
            for d in &found {
                assert!(
                    d.code.starts_with("FT0")
                        && !d.code.starts_with("FT00")
                        && !d.code.starts_with("FT01"),
                    "a located script gives the locate code {}",
                    d.code
                );
            }
        }
    }
    for pair in found.windows(2) {
        assert!(
            (pair[0].span.start, pair[0].code) <= (pair[1].span.start, pair[1].code),
            "diagnostics out of order"
        );
    }
    let lines = LineIndex::new(src);
    for d in &found {
        assert_span(src, d.span, d.code);
        assert!(!d.message.is_empty(), "{} without a message", d.code);
        for color in [false, true] {
            let human = report::human("fuzz.flux", &lines, d, Style { color });
            assert!(human.contains(d.code), "the report omits the code");
        }
        let concise = report::concise("fuzz.flux", &lines, d);
        assert!(
            concise.contains(d.code),
            "the concise report omits the code"
        );
    }
}
