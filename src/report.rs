//! Stage 7: how problems read: rustc-style for people, one line for tools.

use crate::span::{Span, line_bounds, line_col};

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
pub fn human(path: &str, src: &str, d: &Diagnostic, style: Style) -> String {
    let at = line_col(src, d.span.start);
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
    let line = line_bounds(src, d.span.start);
    let text = &src[line.clone()];
    let end = d.span.end.clamp(d.span.start, line.end);
    let start = d.span.start.clamp(line.start, line.end);
    // Width in characters; tabs keep their place so the caret lines up under them.
    let lead: String = text[..start - line.start]
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let width = src[start..end].chars().count().max(1);
    let bar = style.paint("1;34", "|");
    out.push_str(&format!("{pad} {bar}\n"));
    out.push_str(&format!(
        "{} {bar} {text}\n",
        style.paint("1;34", &at.line.to_string())
    ));
    out.push_str(&format!(
        "{pad} {bar} {lead}{}\n",
        style.paint(color, &"^".repeat(width))
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

/// `path:line:col: CODE message`
pub fn concise(path: &str, src: &str, d: &Diagnostic) -> String {
    let at = line_col(src, d.span.start);
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
            human("x.flux", src, &diag(12, 13), Style { color: false }),
            "error[FT001]: unexpected `;`\n --> x.flux:2:7\n  |\n2 | \tb: 1m;\n  | \t     ^\n  = help: remove it\n"
        );
    }

    #[test]
    fn concise_is_one_line() {
        assert_eq!(
            concise("x.flux", "ab;", &diag(2, 3)),
            "x.flux:1:3: FT001 unexpected `;` (help: remove it)"
        );
    }
}
