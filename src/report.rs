//! Stage 7: how problems read: rustc-style for people, one line for tools.

use unicode_width::UnicodeWidthChar;

use crate::span::{LineIndex, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding about one script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// What it points at; empty spans point at a position.
    pub span: Span,
    pub help: Option<String>,
}

/// Terminal colors, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// rustc-style: the message, the location, the source line with the span underlined.
/// `lines` indexes the script the diagnostic is about.
pub fn human(path: &str, lines: &LineIndex, d: &Diagnostic, style: Style) -> String {
    let at = lines.line_col(d.span.start);
    let color = match d.severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
    };
    let mut out = format!(
        "{}{} {}\n",
        style.paint(color, &format!("{}[{}]", d.severity.as_str(), d.code)),
        style.paint("1", ":"),
        style.paint("1", &d.message)
    );
    let gutter = at.line.to_string().len();
    let pad = " ".repeat(gutter);
    out.push_str(&format!(
        "{pad}{} {path}:{}:{}\n",
        style.paint("1;34", "-->"),
        at.line,
        at.column
    ));
    let (text, lead, carets) = snippet(lines, d.span);
    let bar = style.paint("1;34", "|");
    out.push_str(&format!("{pad} {bar}\n"));
    out.push_str(&format!(
        "{} {bar} {text}\n",
        style.paint("1;34", &at.line.to_string())
    ));
    out.push_str(&format!(
        "{pad} {bar} {lead}{}\n",
        style.paint(color, &carets)
    ));
    if let Some(help) = &d.help {
        out.push_str(&format!(
            "{pad} {} {}: {help}\n",
            style.paint("1;34", "="),
            style.paint("1", "help")
        ));
    }
    out
}

/// Longest stretch of a source line shown before and after the span, in characters: a
/// minified or generated line can be megabytes long.
const CONTEXT: usize = 80;

/// Longest stretch of the span itself that is shown and underlined, in characters; a longer
/// span is cut there with `…`.
const MARKED: usize = 4 * CONTEXT;

/// The source line around `span` (shortened with `…` when long), the whitespace that puts the
/// caret under the span (tabs kept, wide characters counted double), and the carets.
/// Reads only the characters it shows (and one more on each side), whatever the line's length.
fn snippet(lines: &LineIndex, span: Span) -> (String, String, String) {
    let src = lines.text();
    let line = lines.line_bounds(span.start);
    let start = span.start.clamp(line.start, line.end);
    let end = span.end.clamp(start, line.end);
    // Control characters (NUL, a lone CR, a BOM) would garble the terminal: show them as `�`.
    let visible = |c: char| {
        if (c.is_control() && c != '\t') || c == '\u{feff}' {
            '\u{fffd}'
        } else {
            c
        }
    };
    let mut before: Vec<char> = src[line.start..start]
        .chars()
        .rev()
        .take(CONTEXT + 1)
        .map(visible)
        .collect();
    let cut_before = before.len() > CONTEXT;
    before.truncate(CONTEXT);
    before.reverse();
    let marked = src[start..end].chars().take(MARKED + 1).count();
    let keep = if marked > MARKED {
        MARKED
    } else {
        marked.max(1) + CONTEXT
    };
    let after: Vec<char> = src[start..line.end]
        .chars()
        .take(keep + 1)
        .map(visible)
        .collect();
    let cut_after = after.len() > keep;
    let keep = keep.min(after.len());
    let shown_before: String = before.iter().collect();
    let mut text = String::new();
    if cut_before {
        text.push('…');
    }
    text.push_str(&shown_before);
    text.extend(&after[..keep]);
    if cut_after {
        text.push('…');
    }
    let mut lead: String = shown_before
        .chars()
        .map(|c| {
            if c == '\t' {
                "\t".to_string()
            } else {
                " ".repeat(c.width().unwrap_or(0))
            }
        })
        .collect();
    if cut_before {
        lead.insert(0, ' ');
    }
    (text, lead, underline(&after[..marked.min(keep)]))
}

/// Carets under `marked`, as wide as it shows: two for a wide character, and a tab where it
/// has one, so that what follows stays under its column whatever the tab stops.
fn underline(marked: &[char]) -> String {
    let carets: String = marked
        .iter()
        .map(|&c| match c {
            '\t' => "\t".to_string(),
            c => "^".repeat(c.width().unwrap_or(0)),
        })
        .collect();
    if carets.contains('^') {
        carets
    } else {
        format!("{carets}^")
    }
}

/// `path:line:col: CODE message`
pub fn concise(path: &str, lines: &LineIndex, d: &Diagnostic) -> String {
    let at = lines.line_col(d.span.start);
    let mut line = format!("{path}:{}:{}: {} {}", at.line, at.column, d.code, d.message);
    if let Some(help) = &d.help {
        line.push_str(&format!(" (help: {help})"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(start: usize, end: usize) -> Diagnostic {
        Diagnostic {
            code: "FT001",
            severity: Severity::Error,
            message: "unexpected `;`".into(),
            span: Span::new(start, end),
            help: Some("remove it".into()),
        }
    }

    #[test]
    fn human_underlines_the_span() {
        let src = "a = 1\n\tb: 1m;\n";
        assert_eq!(
            human(
                "x.flux",
                &LineIndex::new(src),
                &diag(12, 13),
                Style { color: false }
            ),
            "error[FT001]: unexpected `;`\n --> x.flux:2:7\n  |\n2 | \tb: 1m;\n  | \t     ^\n  = help: remove it\n"
        );
    }

    #[test]
    fn tabs_inside_the_span_keep_the_carets_aligned() {
        let src = "x = \"a\t\tb\" + 1\n";
        let out = human(
            "x.flux",
            &LineIndex::new(src),
            &diag(4, 10),
            Style { color: false },
        );
        assert_eq!(
            out,
            "error[FT001]: unexpected `;`\n --> x.flux:1:5\n  |\n1 | x = \"a\t\tb\" + 1\n  |     ^^\t\t^^\n  = help: remove it\n"
        );
    }

    #[test]
    fn long_spans_are_cut_after_the_underlined_part() {
        let src = format!("x = \"{}\"\n", "a".repeat(1000));
        let out = human(
            "x.flux",
            &LineIndex::new(&src),
            &diag(4, src.len() - 1),
            Style { color: false },
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[3], format!("1 | x = \"{}…", "a".repeat(MARKED - 1)));
        assert_eq!(lines[4], format!("  |     {}", "^".repeat(MARKED)));
    }

    #[test]
    fn long_lines_are_shortened_around_the_span() {
        let src = format!("x = [{}1;{}]\n", "1, ".repeat(100), "2, ".repeat(100));
        let start = src.find(';').unwrap();
        let out = human(
            "x.flux",
            &LineIndex::new(&src),
            &diag(start, start + 1),
            Style { color: false },
        );
        let lines: Vec<&str> = out.lines().collect();
        let (shown, caret) = (lines[3], lines[4]);
        assert!(
            shown.starts_with("1 | …") && shown.ends_with('…'),
            "{shown}"
        );
        assert_eq!(shown.chars().count(), 4 + 1 + 80 + 81 + 1, "{shown}");
        let semicolon = shown.chars().position(|c| c == ';').unwrap();
        assert_eq!(
            caret.chars().position(|c| c == '^'),
            Some(semicolon),
            "{caret}"
        );
    }

    #[test]
    fn wide_characters_count_double_for_the_caret() {
        let out = human(
            "x.flux",
            &LineIndex::new("a = \"倉庫\";\n"),
            &diag(12, 13),
            Style { color: false },
        );
        assert!(
            out.contains(
                "1 | a = \"倉庫\";\n  | ^\n"
                    .replace("| ^", &format!("| {}^", " ".repeat(10)))
                    .as_str()
            ),
            "{out}"
        );
    }

    #[test]
    fn concise_is_one_line() {
        assert_eq!(
            concise("x.flux", &LineIndex::new("ab;"), &diag(2, 3)),
            "x.flux:1:3: FT001 unexpected `;` (help: remove it)"
        );
    }
}
