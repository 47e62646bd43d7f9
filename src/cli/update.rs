//! `fluxtask update`: checked settings from raw flags, then the pipeline per file.

use std::path::Path;

use super::output::{err, errln, out};
use super::{ColorChoice, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Input, UpdateArgs, print_error};
use crate::overrides::Overrides;
use crate::payload::{self, Mode, TaskFields};
use crate::record::TaskRecord;
use crate::report::{self, Style};
use crate::span::LineIndex;
use crate::update::{UpdateError, update};
use crate::{diff, files};

pub const EXAMPLES: &str = "Examples:
  fluxtask update task.flux --every 2h                  # preview: unified diff on stdout
  fluxtask update task.flux --cron '0 */2 * * *' -w     # rewrite task.flux in place
  fluxtask update tasks/*.flux --no-offset --check      # CI: exit 1 if any file would change
  fluxtask update task.flux --every 2h --payload - | curl --request PATCH \\
      http://localhost:9092/kapacitor/v1/api/v2/tasks/ID \\
      --header 'Content-Type: application/json' --data-binary @-
  fluxtask update task.flux --every 2h -i 0a1b2c3d4e5f6a7b --curl --server influxdb";

/// Where the body goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PayloadTarget {
    Stdout,
    File(String),
}

/// The flags, checked against each other before any file is read.
struct Settings {
    inputs: Vec<Input>,
    overrides: Overrides,
    fields: TaskFields,
    mode: Mode,
    payload: Option<PayloadTarget>,
    curl: Option<String>,
    write: bool,
    check: bool,
}

impl Settings {
    fn new(args: &UpdateArgs) -> Result<Settings, String> {
        let inputs: Vec<Input> = args
            .files
            .iter()
            .chain(&args.file)
            .map(|p| Input::from_arg(p, &args.stdin_filename))
            .collect();
        if inputs.is_empty() {
            return Err("no input: name a FILE, use -f FILE, or `-` for standard input".into());
        }
        let stdin_count = inputs
            .iter()
            .filter(|i| matches!(i, Input::Stdin { .. }))
            .count();
        if stdin_count > 1 {
            return Err("standard input (`-`) can be read only once".into());
        }
        if args.write && stdin_count > 0 {
            return Err("--write cannot rewrite standard input; drop --write to see the diff, or use --payload".into());
        }
        let raw = args.overrides.raw();
        let overrides = Overrides::new(&raw).map_err(|e| e.to_string())?;
        let payload = args.payload.as_deref().map(|p| match p {
            "-" => PayloadTarget::Stdout,
            path => PayloadTarget::File(path.to_string()),
        });
        if (payload.is_some() || args.curl) && inputs.len() != 1 {
            return Err(format!(
                "--payload and --curl describe one task, but {} inputs were given",
                inputs.len()
            ));
        }
        if let Some(PayloadTarget::File(path)) = &payload
            && let Some(script) = inputs.iter().find(|i| same_file(i, Path::new(path)))
        {
            return Err(format!(
                "--payload {path} would overwrite the script {}; choose another path",
                script.display()
            ));
        }
        if args.curl && payload == Some(PayloadTarget::Stdout) {
            return Err(
                "--curl prints the command on stdout; give --payload a file path instead of `-`"
                    .into(),
            );
        }
        if let Some(id) = &args.id
            && (id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(format!(
                "task ID {id:?}: use letters, digits, `-` and `_` only (IDs look like 0a1b2c3d4e5f6a7b)"
            ));
        }
        let curl = args.curl.then(|| args.id.clone()).flatten();
        Ok(Settings {
            inputs,
            overrides,
            fields: TaskFields {
                status: args.status,
                description: args.description.clone(),
            },
            mode: args.mode,
            payload,
            curl,
            write: args.write,
            check: args.check,
        })
    }

    /// stdout is reserved for the body or the curl command: the diff moves to stderr.
    fn stdout_is_machine_output(&self) -> bool {
        self.payload == Some(PayloadTarget::Stdout) || self.curl.is_some()
    }
}

pub fn run(args: &UpdateArgs, color: ColorChoice) -> i32 {
    let err_color = color.stderr();
    let settings = match Settings::new(args) {
        Ok(s) => s,
        Err(message) => {
            print_error(err_color, None, &message);
            return EXIT_ERROR;
        }
    };
    let diff_color = if settings.stdout_is_machine_output() {
        err_color
    } else {
        color.stdout()
    };
    let mut failed = false;
    let mut changed_any = false;
    for input in &settings.inputs {
        match run_one(args, &settings, input, diff_color, err_color) {
            Ok(changed) => changed_any |= changed,
            Err(()) => failed = true,
        }
    }
    if failed {
        EXIT_ERROR
    } else if settings.check && changed_any {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Whether `input` names the same file as `path` (through links and `..`).
fn same_file(input: &Input, path: &Path) -> bool {
    let Input::Path(script) = input else {
        return false;
    };
    match (std::fs::canonicalize(script), std::fs::canonicalize(path)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Runs the pipeline on one input; `Ok(changed)`, or `Err` once the error is reported.
fn run_one(
    args: &UpdateArgs,
    settings: &Settings,
    input: &Input,
    diff_color: bool,
    err_color: bool,
) -> Result<bool, ()> {
    let shown = input.display();
    let text = input
        .read()
        .map_err(|e| print_error(err_color, Some(&shown), &e.to_string()))?;
    let updated = update(&text, &settings.overrides).map_err(|e| match e {
        UpdateError::Locate(e) => {
            let diagnostic = e.diagnostic();
            err!(
                "{}",
                report::human(
                    &shown,
                    &LineIndex::new(&text),
                    &diagnostic,
                    Style { color: err_color },
                )
            );
        }
        UpdateError::Internal(message) => print_error(err_color, Some(&shown), &message),
    })?;
    let changed = updated.changed(&text);

    if settings.write {
        if changed && let Input::Path(path) = input {
            files::write_atomic(path, updated.output.as_bytes())
                .map_err(|e| print_error(err_color, Some(&shown), &format!("not written: {e}")))?;
            errln!("fluxtask: updated {shown}");
        }
    } else {
        match diff::unified(&text, &updated.output, &shown, diff_color) {
            Some(d) if settings.stdout_is_machine_output() => err!("{d}"),
            Some(d) => out!("{d}"),
            None => errln!("fluxtask: no changes: {shown}"),
        }
    }

    if settings.payload.is_some() || settings.curl.is_some() {
        emit_payload(args, settings, &updated.record, &updated.output, err_color)?;
    }
    Ok(changed)
}

fn emit_payload(
    args: &UpdateArgs,
    settings: &Settings,
    original: &TaskRecord,
    script: &str,
    err_color: bool,
) -> Result<(), ()> {
    let Some(safe) = payload::safe_body(
        settings.mode,
        original,
        script,
        &settings.overrides,
        &settings.fields,
    ) else {
        errln!(
            "fluxtask: nothing to send: no option, status or description was given; no payload written"
        );
        return Ok(());
    };
    for note in &safe.notes {
        errln!("fluxtask: note: {note}");
    }
    let json = payload::to_json(&safe.body);
    match &settings.payload {
        Some(PayloadTarget::Stdout) => out!("{json}"),
        Some(PayloadTarget::File(path)) => {
            files::write_new_atomic(Path::new(path), json.as_bytes()).map_err(|e| {
                print_error(err_color, Some(path), &format!("payload not written: {e}"))
            })?
        }
        None => {}
    }
    if let Some(id) = &settings.curl {
        let data = match &settings.payload {
            Some(PayloadTarget::File(path)) => payload::DataSource::File(path),
            _ => payload::DataSource::Inline(&json),
        };
        out!(
            "{}",
            payload::curl_command(args.server, args.url.as_deref(), id, data)
        );
    }
    Ok(())
}
