//! `fluxtask plan`: the update that makes a server task (or a whole task list) match the
//! local script(s), in words, as a diff, and as the minimal PATCH body.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::inputs::{WalkOptions, collect_inputs};
use super::output::{err, errln, out, outln};
use super::{ColorChoice, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Input, PlanArgs, print_error};
use crate::check::check;
use crate::current::{self, ServerTask};
use crate::overrides::{Overrides, RawOverrides};
use crate::payload::{self, DataSource, TaskFields};
use crate::reconcile::{TaskPlan, plan};
use crate::report::{self, Severity, Style};
use crate::span::LineIndex;
use crate::update::{UpdateError, update};
use crate::{diff, files, literal, locate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub const EXAMPLES: &str = "Examples:
  # the task as the server has it now
  curl -s -H \"Authorization: Token $INFLUX_TOKEN\" \\
    http://localhost:8086/api/v2/tasks/0a1b2c3d4e5f6a7b > task.json
  # what would change, as words, a diff and the body (exit 1 when there is a change)
  fluxtask plan task.flux --every 2h --current task.json
  # one body per task of a directory, and the curl commands to apply them after review
  fluxtask plan tasks/ --current tasks.json --out plan/ --curl";

/// A script that could not be planned has been reported; the caller only counts it.
struct Reported;

pub fn run(args: &PlanArgs, color: ColorChoice) -> i32 {
    let err_color = color.stderr();
    let outcome = load_tasks(&args.current).and_then(|tasks| {
        if args.target.is_dir() {
            plan_directory(args, &tasks, color)
        } else {
            plan_one(args, &tasks, color)
        }
    });
    match outcome {
        Ok(code) => code,
        Err(message) => {
            print_error(err_color, None, &message);
            EXIT_ERROR
        }
    }
}

fn load_tasks(path: &Path) -> Result<Vec<ServerTask>, String> {
    let text = files::read_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    current::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads, edits and checks one desired script; findings are printed, errors end it.
fn desired_script(
    input: &Input,
    overrides: &Overrides,
    err_color: bool,
) -> Result<(String, Vec<String>), Reported> {
    let shown = input.display();
    let text = input.read().map_err(|e| {
        print_error(err_color, Some(&shown), &e.to_string());
        Reported
    })?;
    let output = match update(&text, overrides) {
        Ok(u) => u.output,
        Err(UpdateError::Locate(_)) => text.clone(), // check reports it, located
        Err(UpdateError::Internal(m)) => {
            print_error(err_color, Some(&shown), &m);
            return Err(Reported);
        }
    };
    let findings = check(&output);
    let style = Style { color: err_color };
    if findings.iter().any(|d| d.severity == Severity::Error) {
        let lines = LineIndex::new(&output);
        for d in &findings {
            err!("{}", report::human(&shown, &lines, d, style));
        }
        errln!("fluxtask: {shown}: the server would refuse this script; no plan");
        return Err(Reported);
    }
    let warnings = findings
        .iter()
        .map(|d| format!("{}: {} {}", shown, d.code, d.message))
        .collect();
    Ok((output, warnings))
}

fn task_name(script: &str) -> Option<String> {
    let record = locate::locate(script).ok()?;
    let value = record
        .properties
        .iter()
        .find(|p| p.key.name == "name")?
        .value
        .as_ref()?;
    literal::decode(&script[value.span.range()]).ok()
}

fn plan_one(args: &PlanArgs, tasks: &[ServerTask], color: ColorChoice) -> Result<i32, String> {
    let raw = args.overrides.raw();
    let overrides = Overrides::new(&raw).map_err(|e| e.to_string())?;
    let input = Input::from_arg(&args.target, &args.stdin_filename);
    let Ok((desired, mut warnings)) = desired_script(&input, &overrides, color.stderr()) else {
        return Ok(EXIT_ERROR);
    };
    let task = current::pick(tasks, args.id.as_deref(), task_name(&desired).as_deref())?;
    let fields = TaskFields {
        status: args.status,
        description: args.description.clone(),
    };
    let mut task_plan = plan(task, &desired, &fields);
    task_plan.warnings.append(&mut warnings);
    let payload_to_stdout = args.payload.as_deref() == Some("-");
    let diff_text = server_diff(task, &desired, &input.display(), false);

    let json_body = task_plan.body.as_ref().map(payload::to_json);
    match (&json_body, args.payload.as_deref()) {
        (Some(json), Some("-")) => out!("{json}"),
        (Some(json), Some(path)) => files::write_new_atomic(Path::new(path), json.as_bytes())
            .map_err(|e| format!("{path}: payload not written: {e}"))?,
        (None, Some(_)) => errln!("fluxtask: nothing to change; no payload written"),
        _ => {}
    }
    if args.format == Format::Json {
        let doc = json!({
            "task": {"id": task.id, "name": task.name},
            "changes": task_plan.changes,
            "warnings": task_plan.warnings,
            "diff": diff_text,
            "body": task_plan.body,
        });
        let rendered = serde_json::to_string_pretty(&doc).unwrap_or_default();
        if payload_to_stdout {
            errln!("{rendered}")
        } else {
            outln!("{rendered}")
        }
    } else {
        let diff_color = if payload_to_stdout {
            color.stderr()
        } else {
            color.stdout()
        };
        let colored_diff = server_diff(task, &desired, &input.display(), diff_color);
        let text = render_plan(
            task,
            &task_plan,
            colored_diff.as_deref(),
            json_body.as_deref(),
        );
        if payload_to_stdout {
            err!("{text}")
        } else {
            out!("{text}")
        }
    }
    if args.curl
        && let Some(json) = &json_body
    {
        let data = match args.payload.as_deref() {
            Some(path) if path != "-" => DataSource::File(path),
            _ => DataSource::Inline(json),
        };
        out!(
            "{}",
            payload::curl_command(args.server, args.url.as_deref(), &task.id, data)
        );
    }
    Ok(if task_plan.body.is_some() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// The server's script (labelled by task ID) against the desired one.
fn server_diff(task: &ServerTask, desired: &str, shown: &str, color: bool) -> Option<String> {
    let server = format!("server/{} (as stored)", task.id);
    let local = format!("b/{}", shown.trim_start_matches('/'));
    diff::unified_between(&task.flux, desired, &server, &local, color)
}

fn render_plan(task: &ServerTask, p: &TaskPlan, diff: Option<&str>, body: Option<&str>) -> String {
    let mut out = format!("task {} {:?}:\n", task.id, task.name);
    if p.changes.is_empty() {
        out.push_str("  no changes\n");
    }
    for c in &p.changes {
        out.push_str(&format!("  {}\n", c.describe()));
    }
    for w in &p.warnings {
        out.push_str(&format!("  warning: {w}\n"));
    }
    if let Some(diff) = diff {
        out.push('\n');
        out.push_str(diff);
    }
    if let Some(body) = body {
        out.push_str(&format!("\nbody: {body}"));
    }
    out
}

/// One local script matched to the server.
struct Local {
    path: String,
    script: String,
    name: Option<String>,
    warnings: Vec<String>,
}

fn plan_directory(
    args: &PlanArgs,
    tasks: &[ServerTask],
    color: ColorChoice,
) -> Result<i32, String> {
    if args.overrides.raw() != RawOverrides::default() {
        return Err("overrides apply to one script; plan a directory without them".into());
    }
    if args.payload.is_some()
        || args.id.is_some()
        || args.status.is_some()
        || args.description.is_some()
    {
        return Err("--payload, --id, --status and --description apply to one script; use --out DIR for a directory".into());
    }
    let map = match &args.map {
        Some(path) => read_map(path)?,
        None => BTreeMap::new(),
    };
    let (inputs, walk_errors) = collect_inputs(
        std::slice::from_ref(&args.target),
        "<stdin>",
        WalkOptions::default(),
    );
    let mut failed = !walk_errors.is_empty();
    for (path, message) in &walk_errors {
        print_error(color.stderr(), Some(path), message);
    }
    let mut locals = Vec::new();
    for input in &inputs {
        match desired_script(input, &Overrides::default(), color.stderr()) {
            Ok((script, warnings)) => locals.push(Local {
                path: input.display(),
                name: task_name(&script),
                script,
                warnings,
            }),
            Err(Reported) => failed = true,
        }
    }
    let report = match_tasks(&args.target, &locals, tasks, &map)?;
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        for (task, _, p) in &report.update {
            if let Some(body) = &p.body {
                let path = out.join(format!("{}.json", task.id));
                files::write_new_atomic(&path, payload::to_json(body).as_bytes())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    out!("{}", render_directory(args, &report));
    let changes = !report.update.is_empty() || !report.only_local.is_empty();
    Ok(if failed {
        EXIT_ERROR
    } else if changes {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

struct DirectoryPlan<'a> {
    update: Vec<(&'a ServerTask, &'a Local, TaskPlan)>,
    unchanged: Vec<(&'a ServerTask, &'a Local)>,
    only_local: Vec<&'a Local>,
    only_server: Vec<&'a ServerTask>,
}

/// `--map`: a JSON object from script path (relative to the planned directory) to task ID.
fn read_map(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = files::read_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: expected {{\"path.flux\": \"task ID\", …}}: {e}",
            path.display()
        )
    })
}

fn match_tasks<'a>(
    root: &Path,
    locals: &'a [Local],
    tasks: &'a [ServerTask],
    map: &BTreeMap<String, String>,
) -> Result<DirectoryPlan<'a>, String> {
    let mut plan_doc = DirectoryPlan {
        update: Vec::new(),
        unchanged: Vec::new(),
        only_local: Vec::new(),
        only_server: Vec::new(),
    };
    let mut claimed: Vec<&str> = Vec::new();
    for local in locals {
        let relative = relative_to(root, &local.path);
        let task = match map.get(&relative) {
            Some(id) => Some(
                current::pick(tasks, Some(id), None).map_err(|e| format!("{}: {e}", local.path))?,
            ),
            None => {
                let named: Vec<&ServerTask> = tasks
                    .iter()
                    .filter(|t| Some(&t.name) == local.name.as_ref())
                    .collect();
                match named[..] {
                    [] => None,
                    [one] => Some(one),
                    _ => {
                        return Err(format!(
                            "{}: {} server tasks are named {:?}; give this file an ID with --map",
                            local.path,
                            named.len(),
                            local.name.as_deref().unwrap_or("")
                        ));
                    }
                }
            }
        };
        let Some(task) = task else {
            plan_doc.only_local.push(local);
            continue;
        };
        if claimed.contains(&task.id.as_str()) {
            let fix = if map.is_empty() {
                "give each an ID with --map"
            } else {
                "check the --map entries"
            };
            return Err(format!(
                "{}: task {} is matched by two local scripts; {fix}",
                local.path, task.id
            ));
        }
        claimed.push(&task.id);
        let mut p = plan(task, &local.script, &TaskFields::default());
        p.warnings.extend(local.warnings.iter().cloned());
        if p.body.is_some() {
            plan_doc.update.push((task, local, p));
        } else {
            plan_doc.unchanged.push((task, local));
        }
    }
    let unused: Vec<&str> = map
        .keys()
        .filter(|key| !locals.iter().any(|l| relative_to(root, &l.path) == **key))
        .map(String::as_str)
        .collect();
    if !unused.is_empty() {
        return Err(format!(
            "--map entries match no script under {}: {} (keys are paths relative to that directory)",
            root.display(),
            unused.join(", ")
        ));
    }
    plan_doc.only_server = tasks
        .iter()
        .filter(|t| !claimed.contains(&t.id.as_str()))
        .collect();
    Ok(plan_doc)
}

fn relative_to(root: &Path, path: &str) -> String {
    PathBuf::from(path)
        .strip_prefix(root)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string())
}

fn render_directory(args: &PlanArgs, report: &DirectoryPlan) -> String {
    if args.format == Format::Json {
        let doc = json!({
            "update": report.update.iter().map(|(t, l, p)| json!({"path": l.path, "id": t.id, "name": t.name, "changes": p.changes, "warnings": p.warnings, "body": p.body})).collect::<Vec<_>>(),
            "unchanged": report.unchanged.iter().map(|(t, l)| json!({"path": l.path, "id": t.id, "name": t.name})).collect::<Vec<_>>(),
            "only_local": report.only_local.iter().map(|l| json!({"path": l.path, "name": l.name})).collect::<Vec<_>>(),
            "only_server": report.only_server.iter().map(|t| json!({"id": t.id, "name": t.name})).collect::<Vec<_>>(),
        });
        return format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
    }
    let mut out = format!("to update ({}):\n", report.update.len());
    for (task, local, p) in &report.update {
        let what: Vec<String> = p.changes.iter().map(|c| c.describe()).collect();
        out.push_str(&format!(
            "  {} → {} {:?}: {}\n",
            local.path,
            task.id,
            task.name,
            what.join("; ")
        ));
        for w in &p.warnings {
            out.push_str(&format!("    warning: {w}\n"));
        }
    }
    out.push_str(&format!("unchanged ({}):\n", report.unchanged.len()));
    for (task, local) in &report.unchanged {
        out.push_str(&format!("  {} → {} {:?}\n", local.path, task.id, task.name));
    }
    out.push_str(&format!(
        "only local, would need creating ({}):\n",
        report.only_local.len()
    ));
    for local in &report.only_local {
        out.push_str(&format!(
            "  {} {:?}\n",
            local.path,
            local.name.as_deref().unwrap_or("")
        ));
    }
    out.push_str(&format!(
        "only on the server ({}):\n",
        report.only_server.len()
    ));
    for task in &report.only_server {
        out.push_str(&format!("  {} {:?}\n", task.id, task.name));
    }
    if args.curl {
        for (task, _, p) in &report.update {
            let Some(body) = &p.body else { continue };
            let json = payload::to_json(body);
            let file = args
                .out
                .as_ref()
                .map(|dir| dir.join(format!("{}.json", task.id)).display().to_string());
            let data = match &file {
                Some(path) => DataSource::File(path),
                None => DataSource::Inline(&json),
            };
            out.push('\n');
            out.push_str(&payload::curl_command(
                args.server,
                args.url.as_deref(),
                &task.id,
                data,
            ));
        }
    }
    out
}
