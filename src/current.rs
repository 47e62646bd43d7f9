//! The task as the server has it: the JSON of `GET …/api/v2/tasks/{id}` or of a task list.

use serde::Deserialize;

/// The fields of a server task that a plan compares. Unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServerTask {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub flux: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub every: Option<String>,
    #[serde(default)]
    pub cron: Option<String>,
    #[serde(default)]
    pub offset: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Document {
    /// `GET /api/v2/tasks`: `{"links": …, "tasks": [ … ]}`.
    List {
        tasks: Vec<ServerTask>,
    },
    Bare(Vec<ServerTask>),
    One(Box<ServerTask>),
}

/// Every task in `json`, whichever of the three shapes it has.
pub fn parse(json: &str) -> Result<Vec<ServerTask>, String> {
    // Parse once as a plain value first, so syntax errors keep serde's line and column.
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    match serde_json::from_value::<Document>(value) {
        Ok(Document::List { tasks }) | Ok(Document::Bare(tasks)) => Ok(tasks),
        Ok(Document::One(task)) => Ok(vec![*task]),
        Err(_) => Err("expected a task object (with \"id\" and \"flux\"), a list of them, or {\"tasks\": [...]}".into()),
    }
}

/// The task to plan against: by ID when given, else the one whose name is `name`.
pub fn pick<'a>(
    tasks: &'a [ServerTask],
    id: Option<&str>,
    name: Option<&str>,
) -> Result<&'a ServerTask, String> {
    if let Some(id) = id {
        return tasks.iter().find(|t| t.id == id).ok_or_else(|| {
            format!(
                "no task with ID {id} in the current tasks ({} listed)",
                tasks.len()
            )
        });
    }
    if let [only] = tasks {
        // A task JSON saved for another task must not become a plan to overwrite it.
        return match name {
            Some(name) if name != only.name => Err(format!(
                "the current task {} is named {:?}, the script's task {name:?}; pass --id {} to plan against it anyway",
                only.id, only.name, only.id
            )),
            _ => Ok(only),
        };
    }
    let name = name.ok_or("several tasks are listed; choose one with --id")?;
    let matching: Vec<&ServerTask> = tasks.iter().filter(|t| t.name == name).collect();
    match matching[..] {
        [one] => Ok(one),
        [] => Err(format!(
            "no task named {name:?} in the current tasks; choose one with --id"
        )),
        _ => Err(format!(
            "{} tasks are named {name:?} ({}); choose one with --id",
            matching.len(),
            matching
                .iter()
                .map(|t| t.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str =
        r#"{"id":"01","name":"a","flux":"x","status":"active","every":"1h","orgID":"o"}"#;

    #[test]
    fn reads_all_three_shapes() {
        assert_eq!(parse(ONE).unwrap()[0].every.as_deref(), Some("1h"));
        assert_eq!(parse(&format!("[{ONE}]")).unwrap().len(), 1);
        assert_eq!(
            parse(&format!(r#"{{"links":{{}},"tasks":[{ONE},{ONE}]}}"#))
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn malformed_json_says_where() {
        assert_eq!(
            parse("{\"id\": ").unwrap_err(),
            "EOF while parsing a value at line 1 column 7"
        );
        assert!(
            parse("{\"name\": 1}")
                .unwrap_err()
                .starts_with("expected a task object")
        );
    }

    #[test]
    fn a_single_task_must_match_the_name_unless_picked_by_id() {
        let tasks = parse(r#"{"id":"7","name":"other","flux":""}"#).unwrap();
        assert_eq!(
            pick(&tasks, None, Some("mine")).unwrap_err(),
            "the current task 7 is named \"other\", the script's task \"mine\"; pass --id 7 to plan against it anyway"
        );
        assert_eq!(pick(&tasks, Some("7"), Some("mine")).unwrap().id, "7");
        assert_eq!(pick(&tasks, None, None).unwrap().id, "7");
    }

    #[test]
    fn picks_by_id_or_unique_name() {
        let tasks = parse(r#"[{"id":"1","name":"a"},{"id":"2","name":"b"},{"id":"3","name":"b"}]"#)
            .unwrap();
        assert_eq!(pick(&tasks, Some("2"), None).unwrap().name, "b");
        assert_eq!(pick(&tasks, None, Some("a")).unwrap().id, "1");
        assert_eq!(
            pick(&tasks, None, Some("b")).unwrap_err(),
            "2 tasks are named \"b\" (2, 3); choose one with --id"
        );
        assert!(
            pick(&tasks, None, Some("z"))
                .unwrap_err()
                .starts_with("no task named")
        );
        assert!(
            pick(&tasks, Some("9"), None)
                .unwrap_err()
                .starts_with("no task with ID 9")
        );
    }
}
