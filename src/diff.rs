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
    // git's convention: `a/` and `b/` prefix the path, with no doubled slash for absolute ones.
    let path = path.trim_start_matches('/');
    unified_between(old, new, &format!("a/{path}"), &format!("b/{path}"), color)
}

/// The same with free labels for the two sides (`plan` compares the server's copy).
pub fn unified_between(
    old: &str,
    new: &str,
    old_label: &str,
    new_label: &str,
    color: bool,
) -> Option<String> {
    if old == new {
        return None;
    }
    // Only the changed region (plus context) is diffed: edits touch one record, and a 50 MB
    // script should not cost a line table of the whole file.
    let window = Window::of(old, new);
    // Lines end at `\n` only: Flux (and patch) treat a lone `\r` as part of the line.
    let (old_lines, new_lines) = (
        lines(&old[window.old.clone()]),
        lines(&new[window.new.clone()]),
    );
    let diff = TextDiff::from_slices(&old_lines, &new_lines);
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    out.push_str(&paint(BOLD, &format!("--- {old_label}")));
    out.push('\n');
    out.push_str(&paint(BOLD, &format!("+++ {new_label}")));
    out.push('\n');
    for hunk in diff.unified_diff().context_radius(CONTEXT).iter_hunks() {
        out.push_str(&paint(CYAN, &window.header(hunk.ops())));
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

/// The byte ranges of old and new that hold every difference and 3 lines of context around
/// it, and the number of lines before them.
struct Window {
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
    lines_before: usize,
}

impl Window {
    fn of(old: &str, new: &str) -> Window {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let suffix = a[prefix..]
            .iter()
            .rev()
            .zip(b[prefix..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let mut start = a[..prefix]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        for _ in 0..CONTEXT {
            if start == 0 {
                break;
            }
            start = a[..start - 1]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |i| i + 1);
        }
        // The end is in the common suffix, so it sits the same distance from both ends.
        let mut tail = suffix;
        for _ in 0..=CONTEXT {
            match a[a.len() - tail..].iter().position(|&c| c == b'\n') {
                Some(i) => tail -= i + 1,
                None => {
                    tail = 0;
                    break;
                }
            }
        }
        Window {
            old: start..a.len() - tail,
            new: start..b.len() - tail,
            lines_before: memchr::memchr_iter(b'\n', &a[..start]).count(),
        }
    }

    /// `@@ -a,b +c,d @@` for a hunk of the window, in whole-file line numbers.
    fn header(&self, ops: &[similar::DiffOp]) -> String {
        let (Some(first), Some(last)) = (ops.first(), ops.last()) else {
            return String::new();
        };
        let range = |start: usize, end: usize| {
            let (start, len) = (start + self.lines_before, end - start);
            match len {
                1 => format!("{}", start + 1),
                0 => format!("{start},0"),
                _ => format!("{},{len}", start + 1),
            }
        };
        format!(
            "@@ -{} +{} @@",
            range(first.old_range().start, last.old_range().end),
            range(first.new_range().start, last.new_range().end)
        )
    }
}

const CONTEXT: usize = 3;

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

    /// The windowed diff equals a diff of the whole texts.
    #[test]
    fn windowed_hunks_match_the_whole_file_diff() {
        let body: String = (1..=40).map(|i| format!("line {i}\n")).collect();
        let cases = [
            (body.clone(), body.replace("line 20\n", "line twenty\n")),
            (body.clone(), body.replace("line 1\n", "")),
            (body.clone(), body.replace("line 40\n", "line 40")),
            (
                body.clone(),
                body.replace("line 2\n", "x\n").replace("line 39\n", "y\n"),
            ),
            (body.clone(), format!("{body}extra\n")),
            ("a".to_string(), "b".to_string()),
        ];
        for (old, new) in cases {
            let whole = TextDiff::from_lines(old.as_str(), new.as_str())
                .unified_diff()
                .context_radius(3)
                .header("a/t.flux", "b/t.flux")
                .to_string();
            assert_eq!(
                unified(&old, &new, "t.flux", false).unwrap(),
                whole,
                "{new}"
            );
        }
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
