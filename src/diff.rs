//! Stage 5: a unified diff of the old and new script, optionally colored.

use similar::{ChangeTag, TextDiff};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The unified diff (3 lines of context, `a/PATH` and `b/PATH` headers), or `None` when the
/// texts are equal.
pub fn unified(old: &str, new: &str, path: &str, color: bool) -> Option<String> {
    if old == new {
        return None;
    }
    // Lines end at `\n` only: Flux (and patch) treat a lone `\r` as part of the line.
    let (old_lines, new_lines) = (lines(old), lines(new));
    let diff = TextDiff::from_slices(&old_lines, &new_lines);
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    // git's convention: `a/` and `b/` prefix the path, with no doubled slash for absolute ones.
    let path = path.trim_start_matches('/');
    let mut out = String::new();
    out.push_str(&paint(BOLD, &format!("--- a/{path}")));
    out.push('\n');
    out.push_str(&paint(BOLD, &format!("+++ b/{path}")));
    out.push('\n');
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&paint(CYAN, &hunk.header().to_string()));
        out.push('\n');
        for change in hunk.iter_changes() {
            let (sign, code) = match change.tag() {
                ChangeTag::Delete => ('-', Some(RED)),
                ChangeTag::Insert => ('+', Some(GREEN)),
                ChangeTag::Equal => (' ', None),
            };
            let line = change.value();
            let body = line.strip_suffix('\n').unwrap_or(line);
            let text = format!("{sign}{body}");
            match code {
                Some(code) => out.push_str(&paint(code, &text)),
                None => out.push_str(&text),
            }
            out.push('\n');
            if !line.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    Some(out)
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("a\n", "a\n", "x.flux", false), None);
    }

    #[test]
    fn plain_diff_with_headers_and_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n";
        assert_eq!(
            unified(old, new, "t.flux", false).unwrap(),
            "--- a/t.flux\n+++ b/t.flux\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let out = unified("a", "b", "t.flux", false).unwrap();
        assert_eq!(
            out,
            "--- a/t.flux\n+++ b/t.flux\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn a_lone_cr_does_not_end_a_line() {
        let out = unified("a\rb\n", "a\rc\n", "t.flux", false).unwrap();
        assert_eq!(
            out,
            "--- a/t.flux\n+++ b/t.flux\n@@ -1 +1 @@\n-a\rb\n+a\rc\n"
        );
    }

    #[test]
    fn color_wraps_changed_lines() {
        let out = unified("a\n", "b\n", "t.flux", true).unwrap();
        assert!(out.contains("\x1b[31m-a\x1b[0m\n"));
        assert!(out.contains("\x1b[32m+b\x1b[0m\n"));
    }
}
