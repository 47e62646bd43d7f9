//! `fluxtask plan` against recorded server tasks (`fixtures/plan/`).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("fluxtask")
        .unwrap()
        .current_dir(dir)
        .env("TERM", "dumb")
        .env_remove("NO_COLOR")
        .arg("plan")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const SCRIPT: &str = "option task = {name: \"rollup\", every: 1h, offset: 5m}\n\nfrom(bucket: \"b\") |> range(start: -1h)\n";

/// A temp dir holding `task.flux` (the desired script) and `task.json` (the server's task).
fn setup(desired: &str, server: Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("task.flux"), desired).unwrap();
    fs::write(dir.path().join("task.json"), server.to_string()).unwrap();
    dir
}

fn server(flux: &str) -> Value {
    json!({"id": "0a1b2c3d4e5f6a7b", "name": "rollup", "status": "active", "flux": flux, "every": "1h", "offset": "5m"})
}

/// The JSON plan: (exit code, described changes, body).
fn json_plan(dir: &Path, extra: &[&str]) -> (i32, Vec<String>, Value) {
    let mut args = vec!["task.flux", "--current", "task.json", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(dir, &args);
    let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let changes = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let shown = |v: &Value| v.as_str().unwrap_or("(none)").to_string();
            let field = c["field"].as_str().unwrap();
            format!("{field}: {} → {}", shown(&c["from"]), shown(&c["to"]))
        })
        .collect();
    (code, changes, doc["body"].clone())
}

#[test]
fn no_change_exits_0_with_no_body() {
    let dir = setup(SCRIPT, server(SCRIPT));
    assert_eq!(json_plan(dir.path(), &[]), (0, vec![], Value::Null));
    let (code, out, _) = run(dir.path(), &["task.flux", "--current", "task.json"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "task 0a1b2c3d4e5f6a7b \"rollup\":\n  no changes\n")
    );
}

#[test]
fn status_only() {
    let dir = setup(SCRIPT, server(SCRIPT));
    let (code, changes, body) = json_plan(dir.path(), &["--status", "inactive"]);
    assert_eq!(
        (code, changes),
        (1, vec!["status: active → inactive".to_string()])
    );
    assert_eq!(body, json!({"status": "inactive"}));
}

#[test]
fn schedule_only_via_an_override() {
    let dir = setup(SCRIPT, server(SCRIPT));
    let (code, changes, body) = json_plan(dir.path(), &["--cron", "0 * * * *"]);
    assert_eq!(code, 1);
    assert_eq!(
        changes,
        [
            "schedule: every 1h → cron \"0 * * * *\"",
            "script: 3 lines → 3 lines (+1 −1)"
        ]
    );
    assert_eq!(
        body,
        json!({"flux": SCRIPT.replace("every: 1h", "cron: \"0 * * * *\"")})
    );
}

#[test]
fn script_body_only() {
    let dir = setup(SCRIPT, server(&SCRIPT.replace("-1h", "-2h")));
    let (code, changes, body) = json_plan(dir.path(), &[]);
    assert_eq!(
        (code, changes),
        (1, vec!["script: 3 lines → 3 lines (+1 −1)".to_string()])
    );
    assert_eq!(body, json!({"flux": SCRIPT}));
}

#[test]
fn name_change_is_picked_by_id() {
    let dir = setup(
        SCRIPT,
        json!({"tasks": [server(SCRIPT), {"id": "ffff", "name": "other", "flux": ""}]}),
    );
    let (code, changes, _) = json_plan(
        dir.path(),
        &["--name", "rollup v2", "--id", "0a1b2c3d4e5f6a7b"],
    );
    assert_eq!(code, 1);
    assert_eq!(changes[0], "name: rollup → rollup v2");
}

#[test]
fn offset_removal() {
    let dir = setup(SCRIPT, server(SCRIPT));
    let (code, changes, body) = json_plan(dir.path(), &["--no-offset"]);
    assert_eq!(code, 1);
    assert_eq!(changes[0], "offset: 5m → (none)");
    assert_eq!(body["flux"], SCRIPT.replace(", offset: 5m", ""));
}

#[test]
fn description_change_carries_the_status() {
    let dir = setup(SCRIPT, server(SCRIPT));
    let (code, changes, body) = json_plan(dir.path(), &["--description", "hourly"]);
    assert_eq!(
        (code, changes),
        (1, vec!["description: (none) → hourly".to_string()])
    );
    assert_eq!(body, json!({"description": "hourly", "status": "active"}));
}

#[test]
fn task_not_found() {
    let dir = setup(
        SCRIPT,
        json!({"tasks": [{"id": "1", "name": "a", "flux": ""}, {"id": "2", "name": "b", "flux": ""}]}),
    );
    let (code, out, err) = run(dir.path(), &["task.flux", "--current", "task.json"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "fluxtask: error: no task named \"rollup\" in the current tasks; choose one with --id\n"
    );
}

#[test]
fn a_single_task_of_another_name_is_refused_without_id() {
    let mut other = server(SCRIPT);
    other["name"] = json!("disk-alerts");
    let dir = setup(SCRIPT, other);
    let (code, out, err) = run(dir.path(), &["task.flux", "--current", "task.json"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "fluxtask: error: the current task 0a1b2c3d4e5f6a7b is named \"disk-alerts\", the script's task \"rollup\"; pass --id 0a1b2c3d4e5f6a7b to plan against it anyway\n"
    );
}

#[test]
fn the_diff_labels_the_server_copy() {
    let dir = setup(SCRIPT, server(&SCRIPT.replace("-1h", "-2h")));
    let (_, out, _) = run(dir.path(), &["task.flux", "--current", "task.json"]);
    assert!(
        out.contains("\n--- server/0a1b2c3d4e5f6a7b (as stored)\n+++ b/task.flux\n"),
        "{out}"
    );
}

#[test]
fn malformed_json_is_a_clear_error() {
    let dir = setup(SCRIPT, json!(null));
    fs::write(
        dir.path().join("task.json"),
        "{\"id\": \"1\",\n \"flux\": }",
    )
    .unwrap();
    let (code, _, err) = run(dir.path(), &["task.flux", "--current", "task.json"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "fluxtask: error: task.json: expected value at line 2 column 10\n"
    );
}

#[test]
fn a_script_the_server_would_refuse_gets_no_plan() {
    let dir = setup(&SCRIPT.replace("5m", "1d"), server(SCRIPT));
    let (code, out, err) = run(dir.path(), &["task.flux", "--current", "task.json"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("error[FT040]: offset 1d"), "{err}");
}

#[test]
fn payload_dash_prints_only_the_body() {
    let dir = setup(SCRIPT, server(SCRIPT));
    let (code, out, err) = run(
        dir.path(),
        &[
            "task.flux",
            "--current",
            "task.json",
            "--every",
            "2h",
            "--payload",
            "-",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!("{}\n", json!({"flux": SCRIPT.replace("1h,", "2h,")}))
    );
    assert!(
        err.starts_with("task 0a1b2c3d4e5f6a7b \"rollup\":\n  schedule: every 1h → every 2h\n"),
        "{err}"
    );
}

#[test]
fn directory_plan_covers_every_category() {
    let fixtures = root().join("fixtures/plan");
    let out_dir = tempfile::tempdir().unwrap();
    let out_arg = out_dir.path().to_str().unwrap();
    let (code, out, err) = run(
        &fixtures,
        &["tasks", "--current", "tasks.json", "--out", out_arg],
    );
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("directory-plan", out);
    let mut written: Vec<String> = fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(written, ["0000000000000002.json", "0000000000000003.json"]);
    let body = fs::read_to_string(out_dir.path().join("0000000000000003.json")).unwrap();
    insta::assert_snapshot!("directory-plan-body-3", body);
}

/// The printed curl commands run in a real shell with `curl` replaced by a function that
/// records its arguments: the body arrives byte for byte and nothing else runs.
#[test]
fn curl_commands_survive_hostile_names_and_scripts() {
    let fixtures = root().join("fixtures/plan");
    for server in ["kapacitor", "influxdb"] {
        let (_, out, _) = run(
            &fixtures,
            &[
                "tasks",
                "--current",
                "tasks.json",
                "--curl",
                "--server",
                server,
            ],
        );
        let commands: Vec<&str> = out.split("\n\n").skip(1).collect();
        assert_eq!(commands.len(), 2, "{out}");
        insta::assert_snapshot!(format!("directory-curl-{server}"), commands.join("\n\n"));
        for command in commands {
            let script = format!(
                "curl() {{ for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }}\nINFLUX_TOKEN=secret\n{command}"
            );
            let run = std::process::Command::new("sh")
                .arg("-c")
                .arg(&script)
                .output()
                .unwrap();
            assert!(run.status.success());
            let args: Vec<String> = run
                .stdout
                .split(|b| *b == 0)
                .map(|a| String::from_utf8(a.to_vec()).unwrap())
                .collect();
            let data = &args[args.iter().position(|a| a == "--data-binary").unwrap() + 1];
            let body: Value = serde_json::from_str(data).unwrap();
            let flux = body["flux"].as_str().unwrap();
            assert!(flux.starts_with("option task = "), "{flux}");
            if flux.contains("odd") {
                assert!(flux.contains("name: \"it's \\\"odd\\\" $HOME\""), "{flux}");
                assert!(flux.contains("$(echo pwned) `ticks`"), "{flux}");
            }
            if server == "influxdb" {
                assert!(
                    args.contains(&"Authorization: Token secret".to_string()),
                    "{args:?}"
                );
            }
        }
    }
}

#[test]
fn map_file_assigns_ids() {
    let fixtures = root().join("fixtures/plan");
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.json");
    fs::write(&map, r#"{"new-report.flux": "0000000000000004"}"#).unwrap();
    let (_, out, _) = run(
        &fixtures,
        &[
            "tasks",
            "--current",
            "tasks.json",
            "--map",
            map.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = doc["update"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["0000000000000002", "0000000000000004", "0000000000000003"]
    );
    assert_eq!(doc["only_local"], json!([]));
    assert_eq!(doc["only_server"], json!([]));
}
