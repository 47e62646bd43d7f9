//! `plan`: what must change on the server to make a task match a local script, and the
//! smallest PATCH body that gets there (semantics §1.3, §1.4, §2.6).
//!
//! A changed script always travels as `flux`, which the server stores verbatim; options are
//! never sent, so the server never reformats. Status and description go only when they differ.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::current::ServerTask;
use crate::duration::{Offset, check_offset};
use crate::literal;
use crate::locate::locate;
use crate::payload::TaskFields;
use crate::record::Shape;

/// One difference between the server's task and the desired one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `name`, `schedule`, `offset`, `script`, `status` or `description`.
    pub field: &'static str,
    /// `None`: not set.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Change {
    pub fn describe(&self) -> String {
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
        format!(
            "{}: {} → {}",
            self.field,
            shown(&self.from),
            shown(&self.to)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskPlan {
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
    /// `None` when nothing would change.
    pub body: Option<Map<String, Value>>,
}

/// Task options as the server reads them from a script (first occurrence of each key).
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    name: Option<String>,
    schedule: Option<String>,
    offset: Option<String>,
}

fn options_of(script: &str) -> Option<Options> {
    let record = locate(script).ok()?;
    let value = |key: &str| {
        let v = record
            .properties
            .iter()
            .find(|p| p.key.name == key)?
            .value
            .as_ref()?;
        let text = &script[v.span.range()];
        Some(match v.shape {
            Shape::String => literal::decode(text).unwrap_or_else(|_| text.to_string()),
            _ => text.to_string(),
        })
    };
    let schedule = match (value("every"), value("cron")) {
        (Some(every), None) => Some(format!("every {every}")),
        (None, Some(cron)) => Some(format!("cron {cron:?}")),
        (Some(every), Some(cron)) => Some(format!("every {every} and cron {cron:?}")),
        (None, None) => None,
    };
    Some(Options {
        name: value("name"),
        schedule,
        offset: value("offset"),
    })
}

/// The server's options: read from its script, or from the task's fields when the stored
/// script does not parse.
fn current_options(task: &ServerTask) -> Options {
    options_of(&task.flux).unwrap_or_else(|| Options {
        name: Some(task.name.clone()),
        schedule: match (&task.every, &task.cron) {
            (Some(every), _) if !every.is_empty() => Some(format!("every {every}")),
            (_, Some(cron)) if !cron.is_empty() => Some(format!("cron {cron:?}")),
            _ => None,
        },
        offset: task.offset.clone().filter(|o| !o.is_empty()),
    })
}

/// Offsets compare by value: the API prints `1h30m` where the script says `90m`.
fn same_offset(a: &Option<String>, b: &Option<String>) -> bool {
    let nanos = |o: &Option<String>| match o.as_deref().map(check_offset) {
        None | Some(Ok(Offset::Remove)) => Some(0),
        Some(Ok(Offset::Set { negative, duration })) => {
            Some(if negative { -1 } else { 1 } * duration.approx_nanos())
        }
        Some(Err(_)) => None,
    };
    match (nanos(a), nanos(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

pub fn plan(task: &ServerTask, desired: &str, fields: &TaskFields) -> TaskPlan {
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let mut body = Map::new();

    if task.flux != desired {
        let now = current_options(task);
        let want = options_of(desired).unwrap_or_default();
        if now.name != want.name {
            changes.push(Change {
                field: "name",
                from: now.name.clone(),
                to: want.name.clone(),
            });
        }
        if now.schedule != want.schedule {
            changes.push(Change {
                field: "schedule",
                from: now.schedule.clone(),
                to: want.schedule.clone(),
            });
        }
        if !same_offset(&now.offset, &want.offset) {
            changes.push(Change {
                field: "offset",
                from: now.offset.clone(),
                to: want.offset.clone(),
            });
        }
        changes.push(Change {
            field: "script",
            from: Some(lines(task.flux.lines().count())),
            to: Some(format!(
                "{} ({})",
                lines(desired.lines().count()),
                line_counts(&task.flux, desired)
            )),
        });
        body.insert("flux".into(), desired.into());
    }
    if let Some(status) = fields.status
        && task.status.as_deref() != Some(status.as_str())
    {
        changes.push(Change {
            field: "status",
            from: task.status.clone(),
            to: Some(status.as_str().into()),
        });
        body.insert("status".into(), status.as_str().into());
    }
    if let Some(description) = &fields.description
        && task.description.as_deref().unwrap_or("") != description
    {
        changes.push(Change {
            field: "description",
            from: task.description.clone(),
            to: Some(description.clone()),
        });
        body.insert("description".into(), description.as_str().into());
        if body.len() == 1 {
            // §1.3: the server rejects a body whose only field is the description.
            match &task.status {
                Some(status) => {
                    body.insert("status".into(), status.as_str().into());
                    warnings.push(format!("a description-only body is rejected by the server; the unchanged status {status:?} carries it"));
                }
                None => {
                    body.insert("flux".into(), desired.into());
                    warnings.push("a description-only body is rejected by the server; the unchanged script carries it".into());
                }
            }
        }
    }
    TaskPlan {
        changes,
        warnings,
        body: (!body.is_empty()).then_some(body),
    }
}

fn lines(n: usize) -> String {
    format!("{n} line{}", if n == 1 { "" } else { "s" })
}

/// `+added −removed` lines.
fn line_counts(old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let count = |tag| diff.iter_all_changes().filter(|c| c.tag() == tag).count();
    format!(
        "+{} −{}",
        count(similar::ChangeTag::Insert),
        count(similar::ChangeTag::Delete)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::Status;

    fn task(flux: &str) -> ServerTask {
        ServerTask {
            id: "0a".into(),
            name: "rollup".into(),
            flux: flux.into(),
            status: Some("active".into()),
            description: None,
            every: None,
            cron: None,
            offset: None,
        }
    }

    const NOW: &str = "option task = {name: \"rollup\", every: 1h, offset: 5m}\n";

    #[test]
    fn nothing_to_do() {
        let p = plan(&task(NOW), NOW, &TaskFields::default());
        assert_eq!((p.changes.len(), p.body), (0, None));
    }

    #[test]
    fn status_only() {
        let fields = TaskFields {
            status: Some(Status::Inactive),
            description: None,
        };
        let p = plan(&task(NOW), NOW, &fields);
        assert_eq!(
            p.changes,
            [Change {
                field: "status",
                from: Some("active".into()),
                to: Some("inactive".into())
            }]
        );
        assert_eq!(
            Value::Object(p.body.unwrap()).to_string(),
            r#"{"status":"inactive"}"#
        );
    }

    #[test]
    fn schedule_and_offset_go_as_flux() {
        let want = "option task = {name: \"rollup\", every: 2h}\n";
        let p = plan(&task(NOW), want, &TaskFields::default());
        let described: Vec<String> = p.changes.iter().map(Change::describe).collect();
        assert_eq!(
            described,
            [
                "schedule: every 1h → every 2h",
                "offset: 5m → (none)",
                "script: 1 line → 1 line (+1 −1)"
            ]
        );
        assert_eq!(p.body.unwrap()["flux"], want);
    }

    #[test]
    fn equal_offsets_in_other_spellings_are_no_change() {
        let want = "option task = {name: \"rollup\", every: 1h, offset: 300s}\n";
        let p = plan(&task(NOW), want, &TaskFields::default());
        assert!(
            p.changes.iter().all(|c| c.field == "script"),
            "{:?}",
            p.changes
        );
    }

    #[test]
    fn description_only_is_carried_by_the_status() {
        let fields = TaskFields {
            status: None,
            description: Some("hourly rollup".into()),
        };
        let p = plan(&task(NOW), NOW, &fields);
        assert_eq!(
            Value::Object(p.body.unwrap()).to_string(),
            r#"{"description":"hourly rollup","status":"active"}"#
        );
        assert!(p.warnings[0].starts_with("a description-only body is rejected"));
    }
}
