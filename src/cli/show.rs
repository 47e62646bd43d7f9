//! `fluxtask show`: the task options of each script, as a table or JSON.

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::output::{err, out, outln};
use super::{ColorChoice, EXIT_ERROR, EXIT_OK, Input, ShowArgs, ShowFormat, print_error};
use crate::literal;
use crate::locate::locate;
use crate::record::{Shape, TaskRecord};
use crate::report::{self, Style};
use crate::span::{LineCol, LineIndex, line_col};

/// The options as the server would read them: the first occurrence of each key, the value's
/// source text (strings decoded).
#[derive(Debug, Serialize)]
struct Shown {
    path: String,
    name: Option<String>,
    every: Option<String>,
    cron: Option<String>,
    offset: Option<String>,
    concurrency: Option<String>,
    retry: Option<String>,
    /// Where the record starts and ends.
    start: LineCol,
    end: LineCol,
}

fn shown(path: &str, src: &str, record: &TaskRecord) -> Shown {
    let value = |key: &str| {
        let property = record.properties.iter().find(|p| p.key.name == key)?;
        let value = property.value.as_ref()?;
        let text = &src[value.span.range()];
        Some(match value.shape {
            Shape::String => literal::decode(text).unwrap_or_else(|_| text.to_string()),
            _ => text.to_string(),
        })
    };
    Shown {
        path: path.to_string(),
        name: value("name"),
        every: value("every"),
        cron: value("cron"),
        offset: value("offset"),
        concurrency: value("concurrency"),
        retry: value("retry"),
        start: line_col(src, record.statement.start),
        end: line_col(src, record.statement.end.saturating_sub(1)),
    }
}

pub fn run(args: &ShowArgs, color: ColorChoice) -> i32 {
    let err_color = color.stderr();
    let mut rows = Vec::new();
    let mut failed = false;
    for path in &args.files {
        let input = Input::from_arg(path, "<stdin>");
        let shown_as = input.display();
        let text = match input.read() {
            Ok(t) => t,
            Err(e) => {
                print_error(err_color, Some(&shown_as), &e.to_string());
                failed = true;
                continue;
            }
        };
        match locate(&text) {
            Ok(record) => rows.push(shown(&shown_as, &text, &record)),
            Err(e) => {
                let d = e.diagnostic();
                err!(
                    "{}",
                    report::human(
                        &shown_as,
                        &LineIndex::new(&text),
                        &d,
                        Style { color: err_color }
                    )
                );
                failed = true;
            }
        }
    }
    if args.json || args.format == ShowFormat::Json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
    } else if !rows.is_empty() {
        out!("{}", table(&rows));
    }
    if failed { EXIT_ERROR } else { EXIT_OK }
}

fn table(rows: &[Shown]) -> String {
    let header = [
        "PATH",
        "NAME",
        "EVERY",
        "CRON",
        "OFFSET",
        "CONCURRENCY",
        "RETRY",
        "RECORD",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            let record = if r.start.line == r.end.line {
                format!("line {}", r.start.line)
            } else {
                format!("lines {}-{}", r.start.line, r.end.line)
            };
            vec![
                r.path.clone(),
                dash(&r.name.as_ref().map(|n| format!("{n:?}"))),
                dash(&r.every),
                dash(&r.cron.as_ref().map(|c| format!("{c:?}"))),
                dash(&r.offset),
                dash(&r.concurrency),
                dash(&r.retry),
                record,
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            cells
                .iter()
                .map(|row| row[i].width())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cols: Vec<&str>| {
        let padded: Vec<String> = cols
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.width()))))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(header.to_vec());
    for row in &cells {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}
