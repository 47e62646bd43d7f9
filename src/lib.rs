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
