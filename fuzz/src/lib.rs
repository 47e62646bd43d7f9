//! Shared code of the fuzz targets.
//!
//! - `input` turns fuzz bytes into a script and override values.
//! - `invariants` holds every property the targets check; a violation panics with a message
//!   that says which property broke.
//! - `targets` is what each file in `fuzz_targets/` calls: one line per target, so the targets
//!   share every check instead of copying them.

pub mod input;
pub mod invariants;

pub mod targets {
    use fluxtask::overrides::Overrides;

    use crate::{input, invariants};

    /// Target 1: the scanner and the locator on any bytes.
    pub fn scan_locate(data: &[u8]) {
        let Some(src) = input::script(data) else {
            return;
        };
        invariants::lexer(src);
        let located = invariants::located(src);
        invariants::newline_at_end_changes_nothing(src, &located);
        invariants::edit(src, &Overrides::default());
    }

    /// Target 2: `update` with a fixed set of interesting edits and, after a NUL byte,
    /// override values chosen by the fuzzer.
    pub fn update(data: &[u8]) {
        let (script, trailer) = input::split(data);
        let Ok(src) = std::str::from_utf8(script) else {
            return;
        };
        let located = invariants::located(src);
        invariants::edit(src, &Overrides::default());
        if let Ok(record) = &located {
            invariants::current_values_are_no_ops(src, record);
        }
        for overrides in input::fixed_overrides() {
            invariants::edit(src, overrides);
        }
        if let Some(trailer) = trailer {
            invariants::edit(src, &input::overrides(trailer));
        }
    }

    /// Target 3: `check` and the rendering of its diagnostics.
    pub fn check(data: &[u8]) {
        let Some(src) = input::script(data) else {
            return;
        };
        invariants::diagnostics(src);
    }

    /// Target 4: the fast path of `locate` against the token loop, on any text. Block edges
    /// fall everywhere, since inputs have every length.
    pub fn skim_agrees(data: &[u8]) {
        if let Ok(src) = std::str::from_utf8(data) {
            invariants::skim_agrees(src);
        }
    }
}
