//! Stage 4: apply non-overlapping byte-range patches to the original text.

use crate::plan::Edit;

/// Two patches claim the same bytes: a planning bug, reported instead of guessed around.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlapError {
    pub first: Edit,
    pub second: Edit,
}

impl std::fmt::Display for OverlapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal error: edits overlap at bytes {}..{} and {}..{}; nothing was written",
            self.first.span.start,
            self.first.span.end,
            self.second.span.start,
            self.second.span.end
        )
    }
}

impl std::error::Error for OverlapError {}

/// `src` with every edit applied. Insertions at the start of a replaced range go first, and
/// insertions at one point keep their order.
pub fn apply(src: &str, edits: &[Edit]) -> Result<String, OverlapError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out =
        String::with_capacity(src.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut cursor = 0;
    let mut previous: Option<&Edit> = None;
    for edit in sorted {
        if edit.span.start < cursor || edit.span.end > src.len() {
            return Err(OverlapError {
                first: previous.cloned().unwrap_or_else(|| edit.clone()),
                second: edit.clone(),
            });
        }
        out.push_str(&src[cursor..edit.span.start]);
        out.push_str(&edit.text);
        cursor = edit.span.end;
        previous = Some(edit);
    }
    out.push_str(&src[cursor..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit {
            span: Span::new(start, end),
            text: text.into(),
        }
    }

    #[test]
    fn no_edits_is_identity() {
        assert_eq!(apply("abc", &[]).unwrap(), "abc");
    }

    #[test]
    fn insertion_before_deletion_at_one_point() {
        let out = apply(
            "a, b, c",
            &[edit(4, 7, ""), edit(4, 4, "X"), edit(0, 1, "Z")],
        )
        .unwrap();
        assert_eq!(out, "Z, bX");
    }

    #[test]
    fn overlaps_are_refused() {
        assert!(apply("abcdef", &[edit(0, 3, ""), edit(2, 4, "")]).is_err());
    }
}
