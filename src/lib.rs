//! fluxtask: edit the `option task = {…}` record of Flux task scripts in place.
//!
//! The pipeline runs one way: scan → locate → plan edits → apply → diff → payload → report.

pub mod apply;
pub mod check;
pub mod cli;
pub mod cron;
pub mod current;
pub mod diff;
pub mod duration;
pub mod files;
pub mod literal;
pub mod locate;
pub mod overrides;
pub mod payload;
pub mod plan;
pub mod reconcile;
pub mod record;
pub mod reformat;
pub mod report;
pub mod scan;
pub mod span;
pub mod update;

/// A seeded xorshift generator for the randomized unit tests: `next(n)` is below `n`, and
/// the same seed gives the same inputs on every run.
#[cfg(test)]
pub(crate) fn test_rng(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}
