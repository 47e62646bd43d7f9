//! What the user asked to change, checked before anything is planned or written.
//!
//! Raw strings from flags become `Overrides` only through `Overrides::new`, which applies the
//! server's value rules (semantics §1.3, §2.7, §3.1, §6), so later stages never see a value
//! the server would refuse.

use crate::cron;
use crate::duration::{self, Offset};

/// Override values exactly as typed on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawOverrides {
    pub name: Option<String>,
    pub every: Option<String>,
    pub cron: Option<String>,
    /// `Some("")` and `Some("0s")` remove the offset, as in the API.
    pub offset: Option<String>,
}

/// The offset change a user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffsetChange {
    /// Set to this Flux duration literal, sign included (`-5m`).
    Set(String),
    Remove,
}

/// Validated overrides: every value is one the server accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub name: Option<String>,
    /// A Flux duration literal as the user wrote it (`90m` stays `90m`).
    pub every: Option<String>,
    pub cron: Option<String>,
    pub offset: Option<OffsetChange>,
}

/// A rejected override value; `Display` gives reason and hint on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideError(pub String);

impl std::fmt::Display for OverrideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OverrideError {}

impl Overrides {
    pub fn new(raw: &RawOverrides) -> Result<Overrides, OverrideError> {
        if raw.every.is_some() && raw.cron.is_some() {
            return Err(OverrideError(
                "cannot set both every and cron: a task runs on one schedule (the server answers `cannot specify both every and cron`)".into(),
            ));
        }
        let name = match &raw.name {
            Some(name) if name.is_empty() => {
                return Err(OverrideError(
                    "name cannot be empty: the server ignores an empty name and keeps the old one"
                        .into(),
                ));
            }
            other => other.clone(),
        };
        let every = match &raw.every {
            Some(text) => {
                duration::check_every(text).map_err(|e| OverrideError(e.to_string()))?;
                Some(text.clone())
            }
            None => None,
        };
        let cron = match &raw.cron {
            Some(text) => {
                cron::validate(text).map_err(|e| OverrideError(format!("cron {text:?}: {e}")))?;
                Some(text.clone())
            }
            None => None,
        };
        let offset = match &raw.offset {
            Some(text) => Some(
                match duration::check_offset(text).map_err(|e| OverrideError(e.to_string()))? {
                    Offset::Remove => OffsetChange::Remove,
                    Offset::Set { .. } => OffsetChange::Set(text.clone()),
                },
            ),
            None => None,
        };
        Ok(Overrides {
            name,
            every,
            cron,
            offset,
        })
    }

    pub fn is_empty(&self) -> bool {
        self == &Overrides::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(f: impl FnOnce(&mut RawOverrides)) -> RawOverrides {
        let mut r = RawOverrides::default();
        f(&mut r);
        r
    }

    #[test]
    fn both_schedules_are_refused() {
        let e = Overrides::new(&raw(|r| {
            r.every = Some("1h".into());
            r.cron = Some("0 * * * *".into());
        }))
        .unwrap_err();
        assert!(e.0.starts_with("cannot set both every and cron"));
    }

    #[test]
    fn offsets_that_remove() {
        for text in ["", "0s", "0m0s", "-0s"] {
            let o = Overrides::new(&raw(|r| r.offset = Some(text.into()))).unwrap();
            assert_eq!(o.offset, Some(OffsetChange::Remove), "{text:?}");
        }
    }

    #[test]
    fn values_are_checked_with_hints() {
        let e = Overrides::new(&raw(|r| r.offset = Some("1d".into()))).unwrap_err();
        assert_eq!(
            e.0,
            "offset 1d: the server rejects day units in offset; use 24h"
        );
        let e = Overrides::new(&raw(|r| r.cron = Some("61 * * * *".into()))).unwrap_err();
        assert!(e.0.starts_with("cron \"61 * * * *\": minute field"), "{e}");
        let e = Overrides::new(&raw(|r| r.name = Some(String::new()))).unwrap_err();
        assert!(e.0.starts_with("name cannot be empty"));
    }
}
