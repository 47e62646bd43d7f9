//! What the server's formatter will not keep when an options PATCH makes it reprint a script
//! (semantics §2.6), found from the tokens so a warning can name each loss concretely.

use crate::locate::locate;
use crate::scan::{Kind, Lexer};
use crate::span::line_col;

/// One kind of loss, with the first line where it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub line: usize,
    pub what: &'static str,
}

/// The losses in `src`, one per kind, in a fixed order. A script that does not scan yields
/// none: it would not get that far on the server.
pub fn losses(src: &str) -> Vec<Loss> {
    let mut found: Vec<Loss> = Vec::new();
    let mut note = |offset: usize, what: &'static str| {
        if !found.iter().any(|l| l.what == what) {
            found.push(Loss {
                line: line_col(src, offset).line,
                what,
            });
        }
    };
    if let Ok(record) = locate(src) {
        for p in &record.properties {
            if let Some(comment) = p.trailing_comment {
                note(
                    comment.start,
                    "end-of-line comments in the task record move onto their own lines",
                );
            }
        }
    }
    let mut previous_comment_end: Option<usize> = None;
    for token in Lexer::new(src) {
        let Ok(token) = token else { break };
        let text = token.text(src);
        match token.kind {
            Kind::Comment => {
                if let Some(end) = previous_comment_end
                    && src[end..token.span.start].contains('\n')
                    && src[end..token.span.start].trim().is_empty()
                {
                    note(token.span.start, "blank lines between comments are removed");
                }
                previous_comment_end = Some(token.span.end);
            }
            Kind::StringExpr if text.contains("\\${") => note(
                token.span.start,
                "`\\${` in an interpolated string loses its backslash and becomes a live interpolation",
            ),
            Kind::At => note(
                token.span.start,
                "attributes such as `@edition(…)` are dropped",
            ),
            _ => {}
        }
        if token.kind != Kind::Comment {
            previous_comment_end = None;
        }
    }
    found.sort_by_key(|l| l.line);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_loss_once_with_its_first_line() {
        let src = "@edition(\"2022.1\")\npackage main\n\noption task = {\n    name: \"a\", // why\n    every: 1h, // hourly\n}\n\n// one\n\n// two\nx = \"${a} \\${b}\"\n";
        let got: Vec<(usize, &str)> = losses(src).iter().map(|l| (l.line, l.what)).collect();
        assert_eq!(
            got,
            [
                (1, "attributes such as `@edition(…)` are dropped"),
                (
                    5,
                    "end-of-line comments in the task record move onto their own lines"
                ),
                (11, "blank lines between comments are removed"),
                (
                    12,
                    "`\\${` in an interpolated string loses its backslash and becomes a live interpolation"
                ),
            ]
        );
    }

    #[test]
    fn a_plain_script_loses_nothing_named() {
        assert!(
            losses("option task = {name: \"a\", every: 1h}\n// c\nx = \"\\${lit}\"\n").is_empty()
        );
    }
}
