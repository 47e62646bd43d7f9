//! The `update` pipeline as a library call: locate → plan → apply → verify.
//!
//! Verification re-reads the result before anyone sees it: the bytes outside the record are
//! the original bytes, the record still locates, and it reads back the requested values. A
//! failure is an internal error and nothing is written.

use crate::apply::apply;
use crate::literal;
use crate::locate::{LocateError, locate};
use crate::overrides::{OffsetChange, Overrides};
use crate::plan::plan;
use crate::record::TaskRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateError {
    /// The script has no usable record; the located reason.
    Locate(LocateError),
    /// fluxtask got its own edit wrong; the message says how.
    Internal(String),
}

impl From<LocateError> for UpdateError {
    fn from(e: LocateError) -> Self {
        UpdateError::Locate(e)
    }
}

/// The record found in the input and the edited text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    pub record: TaskRecord,
    pub output: String,
}

impl Updated {
    pub fn changed(&self, input: &str) -> bool {
        self.output != input
    }
}

pub fn update(src: &str, overrides: &Overrides) -> Result<Updated, UpdateError> {
    let record = locate(src)?;
    let edits = plan(src, &record, overrides);
    let output = apply(src, &edits).map_err(|e| UpdateError::Internal(e.to_string()))?;
    verify(src, &record, &output, overrides).map_err(UpdateError::Internal)?;
    Ok(Updated { record, output })
}

fn verify(
    src: &str,
    before: &TaskRecord,
    output: &str,
    overrides: &Overrides,
) -> Result<(), String> {
    let internal =
        |what: &str| format!("internal error: the edited script {what}; nothing was written");
    let prefix = &src[..before.braces.start];
    let suffix = &src[before.braces.end..];
    if !output.starts_with(prefix)
        || !output.ends_with(suffix)
        || output.len() < prefix.len() + suffix.len()
    {
        return Err(internal("changed bytes outside the task record"));
    }
    let after =
        locate(output).map_err(|e| internal(&format!("no longer parses ({})", e.message)))?;
    let value_of = |key: &str| {
        after
            .properties
            .iter()
            .find(|p| p.key.name == key)
            .map(|p| p.value.as_ref().map_or("", |v| &output[v.span.range()]))
    };
    let expect = |key: &str, want: &str| match value_of(key) {
        Some(got) if got == want => Ok(()),
        other => Err(internal(&format!("reads {key} as {other:?}, not {want:?}"))),
    };
    if let Some(name) = &overrides.name {
        let got = value_of("name").map(literal::decode);
        if got != Some(Ok(name.clone())) {
            return Err(internal(&format!("reads name as {got:?}, not {name:?}")));
        }
    }
    if let Some(every) = &overrides.every {
        expect("every", every)?;
        if value_of("cron").is_some() {
            return Err(internal("still has cron next to every"));
        }
    }
    if let Some(cron) = &overrides.cron {
        let got = value_of("cron").map(literal::decode);
        if got != Some(Ok(cron.clone())) || value_of("every").is_some() {
            return Err(internal(&format!(
                "reads cron as {got:?} (or kept every), not {cron:?}"
            )));
        }
    }
    match &overrides.offset {
        Some(OffsetChange::Set(offset)) => expect("offset", offset)?,
        Some(OffsetChange::Remove) if value_of("offset").is_some() => {
            return Err(internal("still has an offset"));
        }
        _ => {}
    }
    Ok(())
}
