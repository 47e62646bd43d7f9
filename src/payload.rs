//! Stage 6: the PATCH body that makes the server hold what the diff showed, and a curl
//! command that sends it.

use serde_json::{Map, Value};

use crate::overrides::{OffsetChange, Overrides};
use crate::record::TaskRecord;

/// How the body carries the change (semantics §1.4, §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// `{"flux": …}`: the server stores the script verbatim, exactly as previewed.
    Flux,
    /// Only the option fields: the server edits the record and reformats the whole script.
    Options,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Status {
    Active,
    Inactive,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Inactive => "inactive",
        }
    }
}

/// Task fields that are not in the script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFields {
    pub status: Option<Status>,
    pub description: Option<String>,
}

/// The JSON body, keys in the API's order.
pub fn body(
    mode: Mode,
    script: &str,
    overrides: &Overrides,
    fields: &TaskFields,
) -> Map<String, Value> {
    let mut body = Map::new();
    match mode {
        Mode::Flux => {
            body.insert("flux".into(), script.into());
        }
        Mode::Options => {
            let mut put = |key: &str, value: &Option<String>| {
                if let Some(value) = value {
                    body.insert(key.into(), value.as_str().into());
                }
            };
            put("name", &overrides.name);
            put("every", &overrides.every);
            put("cron", &overrides.cron);
            let offset = overrides.offset.as_ref().map(|o| match o {
                OffsetChange::Set(text) => text.clone(),
                // The API's spelling of "delete the offset" (§1.1).
                OffsetChange::Remove => "0s".to_string(),
            });
            put("offset", &offset);
        }
    }
    if let Some(status) = fields.status {
        body.insert("status".into(), status.as_str().into());
    }
    if let Some(description) = &fields.description {
        body.insert("description".into(), description.as_str().into());
    }
    body
}

/// A body the server accepts and applies as previewed, and why it has the shape it has.
#[derive(Debug, Clone, PartialEq)]
pub struct SafeBody {
    pub mode: Mode,
    pub body: Map<String, Value>,
    /// One line each: a changed mode, or what an options PATCH will reformat.
    pub notes: Vec<String>,
}

/// The body for `script` (the edited script) that avoids the server's pitfalls (semantics
/// §1.3, §1.4, §2.6, §2.7), or `None` when there is nothing to send.
/// `original` is the record as the server has it, `script` the edited script.
pub fn safe_body(
    requested: Mode,
    original: &TaskRecord,
    script: &str,
    overrides: &Overrides,
    fields: &TaskFields,
) -> Option<SafeBody> {
    if requested == Mode::Flux {
        return Some(SafeBody {
            mode: Mode::Flux,
            body: body(Mode::Flux, script, overrides, fields),
            notes: Vec::new(),
        });
    }
    let options_set =
        overrides.name.is_some() || overrides.every.is_some() || overrides.cron.is_some();
    let reason = if overrides
        .name
        .as_deref()
        .is_some_and(name_breaks_on_reprint)
    {
        Some("the server would reprint this name unescaped and break the script")
    } else if !options_set && overrides.offset == Some(OffsetChange::Remove) {
        Some(
            "an offset removal alone is rejected (`cannot update task without content`) or, next to status, ignored (influxdata/influxdb#12200)",
        )
    } else if overrides.offset == Some(OffsetChange::Remove)
        && options_set
        && offset_removal_skips_a_change(original, overrides)
    {
        Some(
            "removing an offset that stands right before the changed key makes the server skip that change (it skips the property after a deleted offset)",
        )
    } else if server_edit_differs(original, overrides) {
        Some(
            "the record has both `every` and `cron`, or a changed key twice, so the server's edit would not match this preview",
        )
    } else if overrides.is_empty() && fields.status.is_none() && fields.description.is_some() {
        Some("a description-only body is rejected (`cannot update task without content`)")
    } else {
        None
    };
    if let Some(reason) = reason {
        return Some(SafeBody {
            mode: Mode::Flux,
            body: body(Mode::Flux, script, overrides, fields),
            notes: vec![format!(
                "sending the script as `flux` instead of options: {reason}"
            )],
        });
    }
    let body = body(Mode::Options, script, overrides, fields);
    if body.is_empty() {
        return None;
    }
    let mut notes = Vec::new();
    if !overrides.is_empty() {
        let mut note =
            "with options the server edits the record and reformats the whole script".to_string();
        let losses = crate::reformat::losses(script);
        if !losses.is_empty() {
            let listed: Vec<String> = losses
                .iter()
                .map(|l| format!("{} (line {})", l.what, l.line))
                .collect();
            note.push_str(&format!("; it will not keep: {}", listed.join("; ")));
        }
        notes.push(note);
    }
    Some(SafeBody {
        mode: Mode::Options,
        body,
        notes,
    })
}

/// §2.5: the server deletes `offset` while iterating the properties, so the property after
/// it is never visited; a change to it is appended as a duplicate the server then ignores
/// (unless that property was the last one).
fn offset_removal_skips_a_change(record: &TaskRecord, overrides: &Overrides) -> bool {
    let props = &record.properties;
    let Some(at) = props.iter().position(|p| p.key.name == "offset") else {
        return false;
    };
    let Some(next) = props.get(at + 1) else {
        return false;
    };
    let targeted = match next.key.name.as_str() {
        "name" => overrides.name.is_some(),
        "every" | "cron" => overrides.every.is_some() || overrides.cron.is_some(),
        _ => false,
    };
    targeted && at + 2 < props.len()
}

/// The server replaces the first `every` (or `cron`) and leaves the other schedule key, and
/// edits only the first of duplicate keys, where fluxtask removes or reports them.
fn server_edit_differs(record: &TaskRecord, overrides: &Overrides) -> bool {
    let count = |key: &str| {
        record
            .properties
            .iter()
            .filter(|p| p.key.name == key)
            .count()
    };
    let schedule_change = overrides.every.is_some() || overrides.cron.is_some();
    let touched = [
        ("name", overrides.name.is_some()),
        ("every", schedule_change),
        ("cron", schedule_change),
        ("offset", overrides.offset.is_some()),
    ];
    (schedule_change && count("every") > 0 && count("cron") > 0)
        || touched
            .iter()
            .any(|(key, changed)| *changed && count(key) > 1)
}

/// `${` becomes a live interpolation, and `$` before `"` or `\` swallows the escape, when the
/// server prints a new name literal (it escapes only `"` and `\`).
pub fn name_breaks_on_reprint(name: &str) -> bool {
    name.contains("${") || name.contains("$\"") || name.contains("$\\")
}

/// One line of compact JSON plus a newline, ready for `--data-binary @-`.
pub fn to_json(body: &Map<String, Value>) -> String {
    let mut text = Value::Object(body.clone()).to_string();
    text.push('\n');
    text
}

/// Which server's task API a curl command talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Server {
    /// Kapacitor 1.6+: `/kapacitor/v1/api/v2/tasks/{id}`, port 9092.
    Kapacitor,
    /// InfluxDB 2.x: `/api/v2/tasks/{id}`, port 8086, token from `$INFLUX_TOKEN`.
    Influxdb,
}

impl Server {
    pub fn default_url(self) -> &'static str {
        match self {
            Server::Kapacitor => "http://localhost:9092",
            Server::Influxdb => "http://localhost:8086",
        }
    }

    fn tasks_path(self) -> &'static str {
        match self {
            Server::Kapacitor => "/kapacitor/v1/api/v2/tasks/",
            Server::Influxdb => "/api/v2/tasks/",
        }
    }
}

/// Where curl takes the body from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSource<'a> {
    Inline(&'a str),
    /// A file written by `--payload PATH`.
    File(&'a str),
}

/// A shell command that sends the body as the PATCH for task `id`. Every piece of data is
/// single-quoted; only the token reference stays in double quotes so the shell expands it.
pub fn curl_command(server: Server, base_url: Option<&str>, id: &str, data: DataSource) -> String {
    let base = base_url
        .unwrap_or(server.default_url())
        .trim_end_matches('/');
    let url = format!("{base}{}{}", server.tasks_path(), id);
    let mut lines = vec![
        format!(
            "curl --fail-with-body --request PATCH {}",
            shell_quote(&url)
        ),
        "  --header 'Content-Type: application/json'".to_string(),
    ];
    if server == Server::Influxdb {
        lines.push("  --header \"Authorization: Token $INFLUX_TOKEN\"".to_string());
    }
    let mut heredoc = None;
    let data = match data {
        // An argument past ~128 KiB fails with "Argument list too long"; a quoted here-document
        // has no limit, and compact JSON never holds a raw newline, so the body stays one line.
        DataSource::Inline(json) if json.len() > INLINE_LIMIT => {
            heredoc = Some(json.trim_end_matches('\n'));
            "@- <<'FLUXTASK_BODY'".to_string()
        }
        DataSource::Inline(json) => shell_quote(json.trim_end_matches('\n')),
        DataSource::File(path) => shell_quote(&format!("@{path}")),
    };
    lines.push(format!("  --data-binary {data}"));
    let mut command = lines.join(" \\\n");
    command.push('\n');
    if let Some(json) = heredoc {
        command.push_str(&format!("{json}\nFLUXTASK_BODY\n"));
    }
    command
}

/// Bodies larger than this go through a here-document instead of an argument.
const INLINE_LIMIT: usize = 64 * 1024;

/// POSIX single quoting: safe for any bytes, including quotes, `$`, backslashes and newlines.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overrides() -> Overrides {
        Overrides {
            every: Some("2h".into()),
            offset: Some(OffsetChange::Remove),
            ..Overrides::default()
        }
    }

    #[test]
    fn flux_body_carries_the_script_and_fields() {
        let fields = TaskFields {
            status: Some(Status::Inactive),
            description: Some("d".into()),
        };
        let json = to_json(&body(Mode::Flux, "a\n\"b\"", &overrides(), &fields));
        assert_eq!(
            json,
            "{\"flux\":\"a\\n\\\"b\\\"\",\"status\":\"inactive\",\"description\":\"d\"}\n"
        );
    }

    #[test]
    fn options_body_names_only_what_was_set() {
        let json = to_json(&body(
            Mode::Options,
            "",
            &overrides(),
            &TaskFields::default(),
        ));
        assert_eq!(json, "{\"every\":\"2h\",\"offset\":\"0s\"}\n");
    }

    #[test]
    fn curl_quotes_hostile_content() {
        let json = "{\"flux\":\"it's $HOME\"}\n";
        let cmd = curl_command(
            Server::Influxdb,
            Some("https://h:8086/"),
            "0a1b",
            DataSource::Inline(json),
        );
        assert_eq!(
            cmd,
            "curl --fail-with-body --request PATCH 'https://h:8086/api/v2/tasks/0a1b' \\\n  --header 'Content-Type: application/json' \\\n  --header \"Authorization: Token $INFLUX_TOKEN\" \\\n  --data-binary '{\"flux\":\"it'\\''s $HOME\"}'\n"
        );
        let cmd = curl_command(
            Server::Kapacitor,
            None,
            "x",
            DataSource::File("my body.json"),
        );
        assert!(cmd.starts_with("curl --fail-with-body --request PATCH 'http://localhost:9092/kapacitor/v1/api/v2/tasks/x'"));
        assert!(cmd.ends_with("  --data-binary '@my body.json'\n"));
    }

    #[test]
    fn large_bodies_go_through_a_here_document() {
        let json = format!("{{\"flux\":\"{}\"}}\n", "x".repeat(INLINE_LIMIT));
        let cmd = curl_command(Server::Kapacitor, None, "x", DataSource::Inline(&json));
        let expected_tail = format!(
            "  --data-binary @- <<'FLUXTASK_BODY'\n{}FLUXTASK_BODY\n",
            json
        );
        assert!(cmd.ends_with(&expected_tail), "{}", &cmd[..200]);
    }
}
