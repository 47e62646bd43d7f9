//! Stage 3: turn validated overrides into byte-range patches of the original text.
//!
//! Every patch replaces a value, renames a key, deletes a property or appends properties, in
//! the record's own layout (one-line or one property per line, indentation, trailing commas,
//! line endings). Nothing outside the record is ever touched, and patches never overlap.

use crate::literal;
use crate::overrides::{OffsetChange, Overrides};
use crate::record::{Property, TaskRecord};
use crate::span::Span;

/// Replace the bytes of `span` with `text` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// The patches that apply `overrides` to `record`, in no particular order.
pub fn plan(src: &str, record: &TaskRecord, overrides: &Overrides) -> Vec<Edit> {
    let mut planner = Planner {
        src,
        record,
        edits: Vec::new(),
        deleted: vec![false; record.properties.len()],
        appends: Vec::new(),
    };
    if let Some(name) = &overrides.name {
        planner.set("name", literal::encode(name));
    }
    if let Some(every) = &overrides.every {
        planner.set_schedule("every", every.clone(), "cron");
    } else if let Some(cron) = &overrides.cron {
        planner.set_schedule("cron", literal::encode(cron), "every");
    }
    match &overrides.offset {
        Some(OffsetChange::Set(offset)) => planner.set("offset", offset.clone()),
        Some(OffsetChange::Remove) => planner.delete_all("offset"),
        None => {}
    }
    planner.finish()
}

struct Planner<'a> {
    src: &'a str,
    record: &'a TaskRecord,
    edits: Vec<Edit>,
    deleted: Vec<bool>,
    /// `key: value` texts to add at the end, in the fixed order name, every, cron, offset.
    appends: Vec<String>,
}

impl Planner<'_> {
    fn position(&self, key: &str) -> Option<usize> {
        self.record
            .properties
            .iter()
            .position(|p| p.key.name == key)
    }

    fn edit(&mut self, span: Span, text: String) {
        if self.src[span.range()] != text {
            self.edits.push(Edit { span, text });
        }
    }

    /// Sets the first `key` property, or appends one. Later duplicates are left for `check`.
    fn set(&mut self, key: &str, value: String) {
        match self.position(key) {
            Some(index) => self.write(index, key, value),
            None => self.appends.push(format!("{key}: {value}")),
        }
    }

    /// Writes `key: value` over property `index`: the key only when it must be renamed, the
    /// value only when it differs.
    fn write(&mut self, index: usize, key: &str, value: String) {
        let property = &self.record.properties[index];
        match &property.value {
            Some(old) => {
                let (key_span, old_span) = (property.key.span, old.span);
                if property.key.name != key {
                    self.edit(key_span, key.to_string());
                }
                self.edit(old_span, value);
            }
            // Shorthand `{name}`: the key stands for a variable; give it a value.
            None => self.edit(property.key.span, format!("{key}: {value}")),
        }
    }

    /// `every` and `cron` exclude each other: set one, rename the other into it when it is
    /// the only schedule (as the server does, §2.3), and never leave both.
    fn set_schedule(&mut self, key: &str, value: String, other: &str) {
        match (self.position(key), self.position(other)) {
            (Some(index), _) => {
                self.write(index, key, value);
                self.delete_all(other);
            }
            (None, Some(index)) => {
                self.write(index, key, value);
                self.delete_matching(other, Some(index));
            }
            (None, None) => self.appends.push(format!("{key}: {value}")),
        }
    }

    fn delete_all(&mut self, key: &str) {
        self.delete_matching(key, None);
    }

    fn delete_matching(&mut self, key: &str, keep: Option<usize>) {
        for (i, p) in self.record.properties.iter().enumerate() {
            if p.key.name == key && Some(i) != keep {
                self.deleted[i] = true;
            }
        }
    }

    fn finish(mut self) -> Vec<Edit> {
        let layout = Layout::of(self.src, self.record);
        let props = &self.record.properties;
        let mut runs = deleted_runs(&self.deleted);
        let trailing_run = runs
            .last()
            .filter(|run| *run.end() == props.len() - 1)
            .cloned();
        if !self.appends.is_empty() {
            if let Some(run) = &trailing_run {
                // Appended properties take the place of a deleted tail, so the two never
                // patch the same bytes.
                runs.pop();
                let span = Span::new(
                    props[*run.start()].key.span.start,
                    props[*run.end()].span().end,
                );
                let text = self.appends.join(&layout.separator());
                self.edits.push(Edit { span, text });
            } else {
                let edits = layout.append(self.src, props, &self.appends);
                self.edits.extend(edits);
            }
        }
        for run in runs {
            let span = layout.deletion(self.src, props, run);
            self.edits.push(Edit {
                span,
                text: String::new(),
            });
        }
        self.edits
    }
}

/// Index ranges of consecutive deleted properties.
fn deleted_runs(deleted: &[bool]) -> Vec<std::ops::RangeInclusive<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, &d) in deleted.iter().chain(std::iter::once(&false)).enumerate() {
        match (d, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(s..=i - 1);
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// The record's own style, read off the source.
struct Layout {
    multiline: bool,
    eol: &'static str,
    indent: String,
    trailing_comma: bool,
    open_brace: usize,
}

impl Layout {
    fn of(src: &str, record: &TaskRecord) -> Layout {
        let inside = &src[record.braces.range()];
        let eol = match inside.find('\n') {
            Some(i) if i > 0 && inside.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        let props = &record.properties;
        let indent = props
            .iter()
            .rev()
            .find_map(|p| {
                let start = line_start(src, p.key.span.start);
                let before = &src[start..p.key.span.start];
                (start > record.braces.start && before.bytes().all(|b| b == b' ' || b == b'\t'))
                    .then(|| before.to_string())
            })
            .unwrap_or_else(|| {
                let close = record.braces.end - 1;
                let base = &src[line_start(src, close)..close];
                let base: String = base
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect();
                let unit = if base.contains('\t') { "\t" } else { "    " };
                format!("{base}{unit}")
            });
        Layout {
            multiline: inside.contains('\n'),
            eol,
            indent,
            trailing_comma: props.last().is_some_and(|p| p.comma.is_some()),
            open_brace: record.braces.start,
        }
    }

    fn separator(&self) -> String {
        if self.multiline {
            format!(",{}{}", self.eol, self.indent)
        } else {
            ", ".to_string()
        }
    }

    /// Patches that add `entries` after the last property.
    fn append(&self, src: &str, props: &[Property], entries: &[String]) -> Vec<Edit> {
        let insert = |at: usize, text: String| Edit {
            span: Span::new(at, at),
            text,
        };
        let Some(last) = props.last() else {
            let at = self.open_brace + 1;
            return vec![if self.multiline {
                let line_end = src[at..].find('\n').map_or(at, |i| at + i + 1);
                let lines: String = entries
                    .iter()
                    .map(|e| format!("{}{e},{}", self.indent, self.eol))
                    .collect();
                insert(line_end, lines)
            } else {
                insert(at, entries.join(", "))
            }];
        };
        let after_last = last.comma.map_or(last.span().end, |c| c + 1);
        let own_comma = if last.comma.is_some() { "" } else { "," };
        let tail = if self.trailing_comma { "," } else { "" };
        if !self.multiline {
            let text: String = if self.trailing_comma {
                entries.iter().map(|e| format!(" {e},")).collect()
            } else {
                entries.iter().map(|e| format!(", {e}")).collect()
            };
            return vec![insert(after_last, text)];
        }
        match next_line_start(src, after_last) {
            // The last property ends its line: new lines go after it.
            Some(line) => {
                let lines: String = entries
                    .iter()
                    .map(|e| format!("{}{e}{tail}{}", self.indent, self.eol))
                    .collect();
                let mut edits = vec![insert(line, lines)];
                if last.comma.is_none() {
                    edits.push(insert(last.span().end, ",".into()));
                }
                edits
            }
            // Something (the `}`) follows on the same line: continue before it.
            None => {
                let text: String = entries
                    .iter()
                    .map(|e| format!("{}{}{e}{tail}", self.eol, self.indent))
                    .collect();
                vec![insert(after_last, format!("{own_comma}{text}"))]
            }
        }
    }

    /// The bytes to remove for a run of deleted properties that something still follows or
    /// precedes (a deleted tail with appends is replaced instead, see `Planner::finish`).
    fn deletion(
        &self,
        src: &str,
        props: &[Property],
        run: std::ops::RangeInclusive<usize>,
    ) -> Span {
        let (first, last) = (&props[*run.start()], &props[*run.end()]);
        let end_with_comma = last.comma.map_or(last.span().end, |c| c + 1);
        let start = line_start(src, first.key.span.start);
        let alone_on_lines = self.multiline
            && start > self.open_brace
            && src[start..first.key.span.start]
                .bytes()
                .all(|b| b == b' ' || b == b'\t');
        if alone_on_lines && let Some(after) = next_line_start(src, end_with_comma) {
            return Span::new(start, after);
        }
        let survivor_before = run.start().checked_sub(1).map(|i| &props[i]);
        match (props.get(run.end() + 1), survivor_before) {
            (Some(_), _) | (None, None) => {
                let spaces = src[end_with_comma..]
                    .bytes()
                    .take_while(|b| *b == b' ' || *b == b'\t')
                    .count();
                let end = if run.end() + 1 < props.len() {
                    end_with_comma + spaces
                } else {
                    end_with_comma
                };
                Span::new(first.key.span.start, end)
            }
            (None, Some(before)) => {
                let before_comma = before.comma.unwrap_or(before.span().end);
                if last.comma.is_some() {
                    Span::new(before_comma + 1, end_with_comma)
                } else {
                    Span::new(before_comma, last.span().end)
                }
            }
        }
    }
}

fn line_start(src: &str, pos: usize) -> usize {
    memchr::memrchr(b'\n', &src.as_bytes()[..pos]).map_or(0, |i| i + 1)
}

/// If only blanks and a `//` comment follow `pos` on its line, the start of the next line.
fn next_line_start(src: &str, pos: usize) -> Option<usize> {
    let rest = &src.as_bytes()[pos..];
    let blanks = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
        .count();
    let rest = &rest[blanks..];
    if rest.starts_with(b"\n") || rest.starts_with(b"//") {
        return memchr::memchr(b'\n', rest).map(|i| pos + blanks + i + 1);
    }
    None
}
