//! `check`: the server's task-option rules, applied to one script (semantics §3, §5, §6, §2.7).
//!
//! A script that does not locate yields that one located error; otherwise every rule runs on
//! the record and each finding points at the bytes it is about.

use std::collections::HashMap;

use crate::cron;
use crate::duration::{check_every, check_offset};
use crate::literal;
use crate::locate::locate;
use crate::record::{Property, Shape, TaskRecord, Value};
use crate::report::{Diagnostic, Severity};
use crate::span::{LineIndex, Span};

/// Rule codes, one per kind of finding. The FT00x/FT01x codes come from `locate`.
pub mod code {
    pub const NAME_MISSING: &str = "FT020";
    pub const NAME_NOT_LITERAL: &str = "FT021";
    pub const NAME_EMPTY: &str = "FT022";
    pub const NAME_FRAGILE: &str = "FT023";
    pub const SCHEDULE_BOTH: &str = "FT030";
    pub const SCHEDULE_NONE: &str = "FT031";
    pub const EVERY_INVALID: &str = "FT032";
    pub const OFFSET_INVALID: &str = "FT040";
    pub const OFFSET_ORDER: &str = "FT041";
    pub const CRON_INVALID: &str = "FT050";
    pub const CONCURRENCY_INVALID: &str = "FT060";
    pub const RETRY_INVALID: &str = "FT061";
    pub const DUPLICATE_KEY: &str = "FT070";
    pub const UNKNOWN_KEY: &str = "FT071";
    pub const WITH_BASE: &str = "FT072";
}

const KNOWN_KEYS: &[&str] = &["name", "every", "cron", "offset", "concurrency", "retry"];

/// Every finding for `src`, in source order.
pub fn check(src: &str) -> Vec<Diagnostic> {
    match locate(src) {
        Err(e) => vec![e.diagnostic()],
        Ok(record) => {
            let mut found = Rules {
                src,
                record: &record,
                out: Vec::new(),
            };
            found.run();
            found.out.sort_by_key(|d| (d.span.start, d.code));
            found.out
        }
    }
}

struct Rules<'a> {
    src: &'a str,
    record: &'a TaskRecord,
    out: Vec<Diagnostic>,
}

impl<'a> Rules<'a> {
    fn push(
        &mut self,
        code: &'static str,
        severity: Severity,
        span: Span,
        message: String,
        help: Option<String>,
    ) {
        self.out.push(Diagnostic {
            code,
            severity,
            message,
            span,
            help,
        });
    }

    fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(code, Severity::Error, span, message.into(), help);
    }

    fn warning(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(code, Severity::Warning, span, message.into(), help);
    }

    /// The first property named `key`: the one the server reads (§3.1 step 5).
    fn first(&self, key: &str) -> Option<&'a Property> {
        self.record.properties.iter().find(|p| p.key.name == key)
    }

    fn text(&self, span: Span) -> &'a str {
        &self.src[span.range()]
    }

    fn run(&mut self) {
        self.keys();
        self.name();
        self.schedule();
        self.offset();
        self.bounded_int("concurrency", code::CONCURRENCY_INVALID, 1, 100);
        self.bounded_int("retry", code::RETRY_INVALID, 1, 10);
    }

    fn keys(&mut self) {
        if let Some(base) = self.record.base {
            self.warning(
                code::WITH_BASE,
                base,
                format!(
                    "the server ignores the properties of `{}` in `{{… with …}}`",
                    self.text(base)
                ),
                Some("write every option in the record literal itself".into()),
            );
        }
        // A hostile record may hold a million keys: find first uses by hash and lines by
        // index, never by rescanning.
        let mut first_use: HashMap<&str, usize> = HashMap::new();
        let mut lines: Option<LineIndex> = None;
        for p in &self.record.properties {
            let first = *first_use.entry(&p.key.name).or_insert(p.key.span.start);
            if first != p.key.span.start {
                let lines = lines.get_or_insert_with(|| LineIndex::new(self.src));
                let line = lines.line_col(first).line;
                self.warning(
                    code::DUPLICATE_KEY,
                    p.key.span,
                    format!(
                        "duplicate key `{}`: the server silently uses the first one (line {line})",
                        shown_key(&p.key.name)
                    ),
                    Some("delete one of them".into()),
                );
            } else if !KNOWN_KEYS.contains(&p.key.name.as_str()) {
                self.warning(
                    code::UNKNOWN_KEY,
                    p.key.span,
                    format!(
                        "unknown task option `{}`: the server ignores it",
                        shown_key(&p.key.name)
                    ),
                    suggestion(&p.key.name),
                );
            }
        }
    }

    fn name(&mut self) {
        let Some(p) = self.first("name") else {
            self.error(
                code::NAME_MISSING,
                self.record.braces,
                "missing required option `name`",
                Some("add `name: \"…\"` to the record".into()),
            );
            return;
        };
        let Some(value) = &p.value else {
            self.error(
                code::NAME_NOT_LITERAL,
                p.key.span,
                "`name` is shorthand for a variable; the server reads only a string literal",
                Some("write `name: \"…\"`".into()),
            );
            return;
        };
        if value.shape != Shape::String {
            let what = match value.shape {
                Shape::StringExpr => "an interpolated string",
                Shape::Ident => "an identifier",
                _ => "an expression",
            };
            self.error(
                code::NAME_NOT_LITERAL,
                value.span,
                format!("`name` is {what}; the server reads only a plain string literal"),
                None,
            );
            return;
        }
        let Ok(name) = literal::decode(self.text(value.span)) else {
            return; // the scanner already vouched for the literal; undecodable bytes are reported as syntax
        };
        if name.is_empty() {
            self.error(
                code::NAME_EMPTY,
                value.span,
                "`name` is empty; the server requires a name",
                None,
            );
        } else if crate::payload::name_breaks_on_reprint(&name) {
            self.warning(
                code::NAME_FRAGILE,
                value.span,
                "this name breaks when the server reformats the script: it re-prints the name with `${` unescaped or a `$` that swallows the next escape",
                Some("send changes to this task as a `flux` body (fluxtask's default), or avoid `${`, `$\"` and `$\\` in the name".into()),
            );
        }
    }

    fn schedule(&mut self) {
        match (self.first("every"), self.first("cron")) {
            (Some(every), Some(cron)) => {
                self.error(
                    code::SCHEDULE_BOTH,
                    cron.key.span,
                    "both `every` and `cron` are set; the server refuses the task (`cannot use both cron and every in task options`)",
                    Some(format!("keep one; `every` is at line {}", crate::span::line_col(self.src, every.key.span.start).line)),
                );
            }
            (None, None) => self.error(
                code::SCHEDULE_NONE,
                self.record.braces,
                "the task has no schedule: set `every` or `cron`",
                None,
            ),
            (Some(every), None) => self.every(every),
            (None, Some(cron)) => self.cron(cron),
        }
    }

    /// The property's value; a shorthand key (`{every}`) is reported as `code` instead.
    fn value_or_shorthand<'p>(
        &mut self,
        p: &'p Property,
        code: &'static str,
        want: &str,
    ) -> Option<&'p Value> {
        if p.value.is_none() {
            let message = format!("`{}` is shorthand for a variable; write {want}", p.key.name);
            self.error(code, p.key.span, message, None);
        }
        p.value.as_ref()
    }

    fn every(&mut self, p: &Property) {
        let Some(value) = self.value_or_shorthand(p, code::EVERY_INVALID, "a duration literal")
        else {
            return;
        };
        let text = self.text(value.span);
        let problem = match value.shape {
            Shape::Duration | Shape::NegatedDuration { spaced: false } => {
                check_every(text).err().map(|e| (e.reason, e.hint))
            }
            Shape::Int => Some((
                format!("every {text}: missing unit"),
                Some(format!("write {text}s or {text}m")),
            )),
            Shape::Ident => Some((
                format!(
                    "every {text}: the server reads only a duration literal, not an identifier"
                ),
                Some("write the duration, e.g. 1h".into()),
            )),
            _ => Some((
                format!("every {text}: the server reads only a duration literal such as 1h30m"),
                None,
            )),
        };
        if let Some((message, help)) = problem {
            self.error(code::EVERY_INVALID, value.span, message, help);
        }
    }

    fn cron(&mut self, p: &Property) {
        let Some(value) = self.value_or_shorthand(p, code::CRON_INVALID, "a string literal") else {
            return;
        };
        if value.shape != Shape::String {
            self.error(
                code::CRON_INVALID,
                value.span,
                "`cron` must be a plain string literal",
                None,
            );
            return;
        }
        if let Ok(expr) = literal::decode(self.text(value.span))
            && let Err(e) = cron::validate(&expr)
        {
            self.error(
                code::CRON_INVALID,
                value.span,
                format!("invalid cron {expr:?}: {e}"),
                None,
            );
        }
    }

    fn offset(&mut self) {
        let Some(p) = self.first("offset") else {
            return;
        };
        let Some(value) = self.value_or_shorthand(p, code::OFFSET_INVALID, "a duration literal")
        else {
            return;
        };
        let text = self.text(value.span);
        let problem = match value.shape {
            Shape::Duration | Shape::NegatedDuration { spaced: false } => {
                check_offset(text).err().map(|e| (e.reason, e.hint))
            }
            Shape::NegatedDuration { spaced: true } => Some((
                format!(
                    "offset {text}: the server re-reads the text and rejects a space after `-`"
                ),
                Some(format!(
                    "write -{}",
                    text.trim_start_matches(['-', ' ', '\t'])
                )),
            )),
            _ => Some((
                format!(
                    "offset {text}: the server reads only a duration literal, optionally with `-`"
                ),
                None,
            )),
        };
        if let Some((message, help)) = problem {
            self.error(code::OFFSET_INVALID, value.span, message, help);
        }
        self.offset_order(p);
    }

    /// §2.5: deleting `offset` skips the property after it; an `every`/`cron` change in the
    /// same PATCH is then appended as a duplicate and silently ignored.
    fn offset_order(&mut self, offset: &Property) {
        let props = &self.record.properties;
        let Some(at) = props.iter().position(|p| std::ptr::eq(p, offset)) else {
            return;
        };
        let Some(next) = props.get(at + 1) else {
            return;
        };
        if matches!(next.key.name.as_str(), "name" | "every" | "cron") && at + 2 < props.len() {
            self.warning(
                code::OFFSET_ORDER,
                offset.key.span,
                format!(
                    "a PATCH that removes this offset and changes `{}` hits a server bug (deleting the offset skips the next property): the change is appended as a duplicate and the old value stays",
                    next.key.name
                ),
                Some("put `offset` last in the record".into()),
            );
        }
    }

    fn bounded_int(&mut self, key: &str, code: &'static str, min: i64, max: i64) {
        let Some(p) = self.first(key) else { return };
        let Some(value) = self.value_or_shorthand(p, code, "an integer") else {
            return;
        };
        let text = self.text(value.span);
        let message = match (value.shape, text.parse::<i64>()) {
            (Shape::Int, Ok(n)) if (min..=max).contains(&n) => return,
            (Shape::Int, Ok(n)) if n < min => format!("{key} {n}: must be at least {min}"),
            (Shape::Int, _) => format!("{key} {text}: must be at most {max}"),
            (Shape::NegatedInt, _) => format!(
                "{key} {text}: must be at least {min} (and a negative number is not a literal)"
            ),
            _ => format!("{key} {text}: the server reads only an integer literal"),
        };
        self.error(
            code,
            value.span,
            message,
            Some(format!("use a whole number from {min} to {max}")),
        );
    }
}

/// "did you mean" for a misspelt or legacy key.
/// A key as messages quote it: a generated or hostile key can be megabytes long, and the
/// finding points at it anyway.
fn shown_key(key: &str) -> String {
    const LONGEST: usize = 64;
    match key.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{}…", &key[..cut]),
        None => key.to_string(),
    }
}

fn suggestion(key: &str) -> Option<String> {
    // Two edits from the longest known key (`concurrency`) is 13 characters, at most 52 bytes.
    if key.len() > 52 {
        return None;
    }
    let legacy = match key {
        "delay" => Some("`delay` was renamed `offset`"),
        "interval" | "repeat" | "period" | "schedule" => Some("the schedule is `every` or `cron`"),
        _ => None,
    };
    if let Some(note) = legacy {
        let target = if key == "delay" { "offset" } else { "every" };
        return Some(format!("did you mean `{target}`? ({note})"));
    }
    let lower = key.to_lowercase();
    KNOWN_KEYS
        .iter()
        .map(|k| (edit_distance(&lower, k), k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min()
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_keys_are_shortened_in_messages() {
        let key = "k".repeat(100_000);
        let src = format!("option task = {{name: \"a\", every: 1h, {key}: 1, {key}: 2}}\n");
        let found = check(&src);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        let shown = format!("{}…", "k".repeat(64));
        assert_eq!(
            messages,
            [
                format!("unknown task option `{shown}`: the server ignores it"),
                format!("duplicate key `{shown}`: the server silently uses the first one (line 1)"),
            ]
        );
        assert_eq!(found[0].help, None);
        assert_eq!(shown_key("intervals"), "intervals");
        assert_eq!(
            suggestion("concurrenccy").as_deref(),
            Some("did you mean `concurrency`?")
        );
    }
}
