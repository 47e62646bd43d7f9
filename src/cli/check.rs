//! `fluxtask check`: find `.flux` files, check them in parallel, report in sorted path order.

use rayon::prelude::*;

use super::inputs::{WalkOptions, collect_inputs};
use super::output::{errln, out, outln};
use super::{CheckArgs, ColorChoice, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Input, print_error};
use crate::check::check;
use crate::files::ReadError;
use crate::locate::ErrorCode;
use crate::report::{self, Diagnostic, Severity, Style};
use crate::span::{LineIndex, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The source line with the span underlined (rustc style).
    Human,
    /// One `path:line:col: CODE message` line per finding.
    Concise,
    /// One JSON document for tools.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

pub const EXAMPLES: &str = "Examples:
  fluxtask check                        # every *.flux below the current directory
  fluxtask check tasks/ other.flux      # directories recurse, honouring .gitignore
  fluxtask check --format github .      # annotations in a GitHub Actions job
  cat t.flux | fluxtask check - --stdin-filename tasks/t.flux";

/// What one file came to, already rendered so the source text need not be kept.
struct FileReport {
    rendered: String,
    json: Vec<JsonFinding>,
    errors: usize,
    warnings: usize,
    unreadable: Option<(String, String)>,
}

pub fn run(args: &CheckArgs, color: ColorChoice) -> i32 {
    let err_color = color.stderr();
    let walk = WalkOptions {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
    };
    let (inputs, walk_errors) = collect_inputs(&args.paths, &args.stdin_filename, walk);
    let style = Style {
        color: color.stdout(),
    };
    let reports: Vec<FileReport> = inputs
        .par_iter()
        .map(|input| check_one(input, args.format, style))
        .collect();

    let mut out = String::new();
    let (mut errors, mut warnings, mut unreadable) = (0, 0, 0);
    let mut json_findings = Vec::new();
    let mut unreadable_files = walk_errors;
    for report in reports {
        errors += report.errors;
        warnings += report.warnings;
        out.push_str(&report.rendered);
        json_findings.extend(report.json);
        if let Some(failure) = report.unreadable {
            unreadable_files.push(failure);
            unreadable += 1;
        }
    }
    for (path, message) in &unreadable_files {
        print_error(err_color, Some(path), message);
        if args.format == Format::Github {
            out.push_str(&format!(
                "::error file={}::could not read the file: {}\n",
                escape_property(path),
                escape_data(message)
            ));
        }
    }
    let checked = inputs.len() - unreadable;
    match args.format {
        Format::Json => {
            let doc = JsonReport {
                version: 1,
                files_checked: checked,
                errors,
                warnings,
                diagnostics: &json_findings,
                unreadable: unreadable_files
                    .iter()
                    .map(|(path, message)| JsonUnreadable { path, message })
                    .collect(),
            };
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        _ => out!("{out}"),
    }
    if matches!(args.format, Format::Human | Format::Concise) {
        errln!(
            "{}",
            summary(checked, unreadable_files.len(), errors, warnings)
        );
    }
    if !unreadable_files.is_empty() {
        EXIT_ERROR
    } else if errors > 0 || (args.strict && warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn summary(files: usize, unreadable: usize, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = if files == 0 && unreadable == 0 {
        "fluxtask: no .flux files found".to_string()
    } else if errors + warnings == 0 && unreadable == 0 {
        format!("fluxtask: {} checked, all clean", plural(files, "file"))
    } else {
        format!(
            "fluxtask: {} and {} in {} checked",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files, "file")
        )
    };
    if unreadable > 0 {
        line.push_str(&format!(
            "; {} could not be read",
            plural(unreadable, "file")
        ));
    }
    line
}

fn check_one(input: &Input, format: Format, style: Style) -> FileReport {
    let path = input.display();
    let mut report = FileReport {
        rendered: String::new(),
        json: Vec::new(),
        errors: 0,
        warnings: 0,
        unreadable: None,
    };
    let (src, findings) = match input.read() {
        Ok(src) => {
            let findings = check(&src);
            (src, findings)
        }
        // Not UTF-8 is a finding about the script, shown where it is, not a read failure.
        Err(ReadError::Utf8 {
            byte,
            offset,
            lossy,
            ..
        }) => {
            let d = Diagnostic {
                code: ErrorCode::Syntax.as_str(),
                severity: Severity::Error,
                message: format!("invalid UTF-8 (byte 0x{byte:02x}); Flux scripts must be UTF-8"),
                span: Span::new(offset, offset),
                help: Some("save the file as UTF-8".into()),
            };
            (lossy, vec![d])
        }
        Err(e) => {
            report.unreadable = Some((path, e.to_string()));
            return report;
        }
    };
    if findings.is_empty() {
        return report;
    }
    // Built only for files with findings: a clean file is read once, by the scanner.
    let lines = LineIndex::new(&src);
    for d in findings {
        match d.severity {
            Severity::Error => report.errors += 1,
            Severity::Warning => report.warnings += 1,
        }
        match format {
            Format::Human => {
                report
                    .rendered
                    .push_str(&report::human(&path, &lines, &d, style));
                report.rendered.push('\n');
            }
            Format::Concise => {
                report
                    .rendered
                    .push_str(&report::concise(&path, &lines, &d));
                report.rendered.push('\n');
            }
            Format::Github => {
                report.rendered.push_str(&github(&path, &lines, &d));
                report.rendered.push('\n');
            }
            Format::Json => report.json.push(json_finding(&path, &lines, d)),
        }
    }
    report
}

/// `--format json`, field for field. Typed rather than `serde_json::Value`s: a file may
/// have thousands of findings, and a map per finding costs kilobytes.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    version: u32,
    files_checked: usize,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [JsonFinding],
    unreadable: Vec<JsonUnreadable<'a>>,
}

#[derive(serde::Serialize)]
struct JsonFinding {
    path: String,
    code: &'static str,
    severity: Severity,
    message: String,
    help: Option<String>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    span: Span,
}

#[derive(serde::Serialize)]
struct JsonUnreadable<'a> {
    path: &'a str,
    message: &'a str,
}

fn json_finding(path: &str, lines: &LineIndex, d: Diagnostic) -> JsonFinding {
    let start = lines.line_col(d.span.start);
    let end = lines.line_col(d.span.end);
    JsonFinding {
        path: path.to_string(),
        code: d.code,
        severity: d.severity,
        message: d.message,
        help: d.help,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        span: d.span,
    }
}

/// `::error file=…,line=…,col=…::message`, escaped as the runner expects.
fn github(path: &str, lines: &LineIndex, d: &Diagnostic) -> String {
    let start = lines.line_col(d.span.start);
    let end = lines.line_col(d.span.end);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!(" (help: {help})"));
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        d.severity.as_str(),
        escape_property(path),
        start.line,
        start.column,
        end.line,
        end.column,
        escape_property(&format!("fluxtask {}", d.code)),
        escape_data(&message)
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn summary_counts() {
        assert_eq!(summary(1, 0, 0, 0), "fluxtask: 1 file checked, all clean");
        assert_eq!(
            summary(3, 0, 1, 2),
            "fluxtask: 1 error and 2 warnings in 3 files checked"
        );
        assert_eq!(
            summary(0, 1, 0, 0),
            "fluxtask: 0 errors and 0 warnings in 0 files checked; 1 file could not be read"
        );
        assert_eq!(summary(0, 0, 0, 0), "fluxtask: no .flux files found");
    }
}
