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
    /// Keys and values to add at the end, in the fixed order name, every, cron, offset.
    appends: Vec<(&'static str, String)>,
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
    fn set(&mut self, key: &'static str, value: String) {
        match self.position(key) {
            Some(index) => self.write(index, key, value),
            None => self.appends.push((key, value)),
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
    fn set_schedule(&mut self, key: &'static str, value: String, other: &str) {
        match (self.position(key), self.position(other)) {
            (Some(index), _) => {
                self.write(index, key, value);
                self.delete_all(other);
            }
            (None, Some(index)) => {
                self.write(index, key, value);
                self.delete_matching(other, Some(index));
            }
            (None, None) => self.appends.push((key, value)),
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
        let entries: Vec<String> = self
            .appends
            .iter()
            .map(|(key, value)| format!("{key}{}{value}", layout.key_value))
            .collect();
        if !entries.is_empty() {
            if let Some(run) = &trailing_run {
                // Appended properties take the place of a deleted tail, so the two never
                // patch the same bytes.
                runs.pop();
                let span = Span::new(
                    props[*run.start()].key.span.start,
                    props[*run.end()].span().end,
                );
                let text = entries.join(&layout.separator());
                self.edits.push(Edit { span, text });
            } else {
                let edits = layout.append(self.src, props, &entries);
                self.edits.extend(edits);
            }
        }
        for run in runs {
            for span in layout.deletion(self.src, props, run) {
                self.edits.push(Edit {
                    span,
                    text: String::new(),
                });
            }
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
    /// What follows a comma on one line: `" "` in `{a: 1, b: 2}`, nothing in `{a: 1,b: 2}`.
    after_comma: String,
    with_keyword: Option<Span>,
    /// Between a key and its value: `": "`, or `":"` in `{a:1}`.
    key_value: String,
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
        let after_comma = props
            .windows(2)
            .find_map(|pair| {
                let gap = &src[pair[0].comma? + 1..pair[1].key.span.start];
                gap.bytes()
                    .all(|b| b == b' ' || b == b'\t')
                    .then(|| gap.to_string())
            })
            .unwrap_or_else(|| " ".to_string());
        let key_value = props
            .iter()
            .find_map(|p| {
                let gap = &src[p.key.span.end..p.value.as_ref()?.span.start];
                let plain = gap.trim_matches([' ', '\t']) == ":";
                plain.then(|| gap.to_string())
            })
            .unwrap_or_else(|| ": ".to_string());
        Layout {
            multiline: inside.contains('\n'),
            after_comma,
            key_value,
            eol,
            indent,
            trailing_comma: props.last().is_some_and(|p| p.comma.is_some()),
            open_brace: record.braces.start,
            with_keyword: record.with_keyword,
        }
    }

    fn separator(&self) -> String {
        if self.multiline {
            format!(",{}{}", self.eol, self.indent)
        } else {
            format!(",{}", self.after_comma)
        }
    }

    /// Patches that add `entries` after the last property.
    fn append(&self, src: &str, props: &[Property], entries: &[String]) -> Vec<Edit> {
        let insert = |at: usize, text: String| Edit {
            span: Span::new(at, at),
            text,
        };
        let Some(last) = props.last() else {
            // `{base with}`: properties go after `with`, one space apart.
            if let Some(with) = self.with_keyword {
                return vec![insert(
                    with.end,
                    format!(" {}", entries.join(&format!(",{}", self.after_comma))),
                )];
            }
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
        // Commas separate the new entries; the last one follows the record's trailing style.
        let comma_after = |i: usize| {
            if i + 1 < entries.len() || self.trailing_comma {
                ","
            } else {
                ""
            }
        };
        if !self.multiline {
            let gap = &self.after_comma;
            let text: String = if self.trailing_comma {
                entries.iter().map(|e| format!("{gap}{e},")).collect()
            } else {
                entries.iter().map(|e| format!(",{gap}{e}")).collect()
            };
            return vec![insert(after_last, text)];
        }
        match next_line_start(src, after_last) {
            // The last property ends its line: new lines go after it.
            Some(line) => {
                let lines: String = entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| format!("{}{e}{}{}", self.indent, comma_after(i), self.eol))
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
                    .enumerate()
                    .map(|(i, e)| format!("{}{}{e}{}", self.eol, self.indent, comma_after(i)))
                    .collect();
                vec![insert(after_last, format!("{own_comma}{text}"))]
            }
        }
    }

    /// Comment lines right above a deleted property describe it (the server attaches them to
    /// its key and drops them with it): extend the deletion up over them.
    fn comment_lines_above(&self, src: &str, property: &Property, mut start: usize) -> usize {
        for comment in property.leading_comments.iter().rev() {
            let line = line_start(src, comment.start);
            let own_line = line > self.open_brace
                && src[line..comment.start]
                    .bytes()
                    .all(|b| b == b' ' || b == b'\t');
            if !own_line || comment.end != start {
                break;
            }
            start = line;
        }
        start
    }

    /// The bytes to remove for a run of deleted properties that something still follows or
    /// precedes (a deleted tail with appends is replaced instead, see `Planner::finish`).
    fn deletion(
        &self,
        src: &str,
        props: &[Property],
        run: std::ops::RangeInclusive<usize>,
    ) -> Vec<Span> {
        let (first, last) = (&props[*run.start()], &props[*run.end()]);
        let end_with_comma = last.comma.map_or(last.span().end, |c| c + 1);
        let start = line_start(src, first.key.span.start);
        let alone_on_lines = self.multiline
            && start > self.open_brace
            && src[start..first.key.span.start]
                .bytes()
                .all(|b| b == b' ' || b == b'\t');
        let survivor_before = run.start().checked_sub(1).map(|i| &props[i]);
        if alone_on_lines && let Some(after) = next_line_start(src, end_with_comma) {
            let start = self.comment_lines_above(src, first, start);
            let mut spans = vec![Span::new(start, after)];
            // Without trailing commas, the comma before a deleted last property goes too.
            if run.end() + 1 == props.len()
                && last.comma.is_none()
                && let Some(comma) = survivor_before.and_then(|p| p.comma)
            {
                spans.push(Span::new(comma, comma + 1));
            }
            return spans;
        }
        vec![match (props.get(run.end() + 1), survivor_before) {
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
        }]
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

#[cfg(test)]
mod tests {
    use crate::overrides::{Overrides, RawOverrides};
    use crate::update::update;

    /// `src` edited with `key=value` overrides (`offset=` removes the offset).
    fn edit(src: &str, pairs: &[(&str, &str)]) -> String {
        let mut raw = RawOverrides::default();
        for (key, value) in pairs {
            let value = Some(value.to_string());
            match *key {
                "name" => raw.name = value,
                "every" => raw.every = value,
                "cron" => raw.cron = value,
                _ => raw.offset = value,
            }
        }
        update(src, &Overrides::new(&raw).unwrap()).unwrap().output
    }

    #[test]
    fn replaces_only_the_value() {
        let src = "option task = {name: \"a\", every: 1h} // keep\n";
        assert_eq!(
            edit(src, &[("every", "2h")]),
            "option task = {name: \"a\", every: 2h} // keep\n"
        );
    }

    #[test]
    fn renames_the_other_schedule_key_in_place() {
        // §2.3: cron becomes every (a string key becomes a bare identifier).
        let src = "option task = {\"name\": \"a\", \"cron\": \"0 * * * *\", offset: 1m}";
        assert_eq!(
            edit(src, &[("every", "1h")]),
            "option task = {\"name\": \"a\", every: 1h, offset: 1m}"
        );
        let src = "option task = {name: \"a\", every: 1h}";
        assert_eq!(
            edit(src, &[("cron", "@daily")]),
            "option task = {name: \"a\", cron: \"@daily\"}"
        );
    }

    #[test]
    fn setting_one_schedule_removes_the_other() {
        let src = "option task = {\n  name: \"a\",\n  every: 1h,\n  cron: \"0 2 * * *\", // nightly\n  retry: 5,\n}\n";
        assert_eq!(
            edit(src, &[("every", "2h")]),
            "option task = {\n  name: \"a\",\n  every: 2h,\n  retry: 5,\n}\n"
        );
    }

    #[test]
    fn appends_in_one_line_style() {
        let src = "option task = {name:\"a\",every:1h}";
        assert_eq!(
            edit(src, &[("offset", "5m")]),
            "option task = {name:\"a\",every:1h,offset:5m}"
        );
        let src = "option task = {name: \"a\", every: 1h,}";
        assert_eq!(
            edit(src, &[("offset", "5m")]),
            "option task = {name: \"a\", every: 1h, offset: 5m,}"
        );
        assert_eq!(
            edit("option task = {}", &[("name", "n"), ("every", "1h")]),
            "option task = {name: \"n\", every: 1h}"
        );
    }

    #[test]
    fn appends_in_multi_line_style() {
        let src = "option task = {\r\n\tname: \"a\",\r\n\tevery: 1h, // hourly\r\n}\r\n";
        assert_eq!(
            edit(src, &[("offset", "5m"), ("name", "b")]),
            "option task = {\r\n\tname: \"b\",\r\n\tevery: 1h, // hourly\r\n\toffset: 5m,\r\n}\r\n"
        );
        let src = "option task = {\n    name: \"a\",\n    every: 1h // hourly\n}\n";
        assert_eq!(
            edit(src, &[("offset", "5m")]),
            "option task = {\n    name: \"a\",\n    every: 1h, // hourly\n    offset: 5m\n}\n"
        );
        let src = "option task = {\n    every: 1h\n}\n";
        assert_eq!(
            edit(src, &[("name", "x"), ("offset", "5m")]),
            "option task = {\n    every: 1h,\n    name: \"x\",\n    offset: 5m\n}\n"
        );
        let src = "option task = {\n    every: 1h}\n";
        assert_eq!(
            edit(src, &[("name", "x"), ("offset", "5m")]),
            "option task = {\n    every: 1h,\n    name: \"x\",\n    offset: 5m}\n"
        );
        let src = "option task = {\n  name: \"a\",\n  every: 1h}\n";
        assert_eq!(
            edit(src, &[("offset", "5m")]),
            "option task = {\n  name: \"a\",\n  every: 1h,\n  offset: 5m}\n"
        );
    }

    #[test]
    fn appends_in_the_fixed_order() {
        assert_eq!(
            edit(
                "option task = {retry: 2}",
                &[("offset", "1m"), ("cron", "@hourly"), ("name", "n")]
            ),
            "option task = {retry: 2, name: \"n\", cron: \"@hourly\", offset: 1m}"
        );
    }

    #[test]
    fn removes_the_offset_with_its_comma_and_line() {
        let src = "option task = {\n  name: \"a\",\n  offset: 5m, // late data\n  every: 1h,\n}\n";
        assert_eq!(
            edit(src, &[("offset", "0s")]),
            "option task = {\n  name: \"a\",\n  every: 1h,\n}\n"
        );
        let one_line = |record: &str| edit(&format!("option task = {record}"), &[("offset", "")]);
        assert_eq!(
            one_line("{name: \"a\", offset: 5m, every: 1h}"),
            "option task = {name: \"a\", every: 1h}"
        );
        assert_eq!(
            one_line("{name: \"a\", every: 1h, offset: 5m}"),
            "option task = {name: \"a\", every: 1h}"
        );
        assert_eq!(
            one_line("{name: \"a\", every: 1h, offset: 5m,}"),
            "option task = {name: \"a\", every: 1h,}"
        );
        assert_eq!(one_line("{offset: 5m}"), "option task = {}");
        assert_eq!(one_line("{name: \"a\"}"), "option task = {name: \"a\"}");
    }

    #[test]
    fn comment_lines_above_a_removed_offset_go_with_it() {
        let src = "option task = { // options\n  name: \"a\",\n\n  // wait for late data\n  // (five minutes)\n  offset: 5m,\n  every: 1h,\n}\n";
        assert_eq!(
            edit(src, &[("offset", "")]),
            "option task = { // options\n  name: \"a\",\n\n  every: 1h,\n}\n"
        );
    }

    #[test]
    fn removing_a_last_property_keeps_the_no_trailing_comma_style() {
        let src = "option task = {\n  name: \"a\",\n  every: 1h, // hourly\n  offset: 5m\n}\n";
        assert_eq!(
            edit(src, &[("offset", "0s")]),
            "option task = {\n  name: \"a\",\n  every: 1h // hourly\n}\n"
        );
    }

    #[test]
    fn a_deleted_tail_makes_room_for_appends() {
        let src = "option task = {name: \"a\", every: 1h, cron: \"x\"}";
        assert_eq!(
            edit(src, &[("every", "2h"), ("offset", "5m")]),
            "option task = {name: \"a\", every: 2h, offset: 5m}"
        );
    }

    #[test]
    fn shorthand_keys_get_a_value() {
        assert_eq!(
            edit("option task = {name, every: 1h}", &[("name", "x")]),
            "option task = {name: \"x\", every: 1h}"
        );
    }

    #[test]
    fn names_stay_literal_text() {
        let out = edit(
            "option task = {name: \"a\", every: 1h}",
            &[("name", "${x} $\"")],
        );
        assert_eq!(out, "option task = {name: \"\\${x} \\x24\\\"\", every: 1h}");
    }
}
