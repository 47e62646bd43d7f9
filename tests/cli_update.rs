//! `fluxtask update` and `fluxtask show` as a user runs them: exit codes, streams, files.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const TASK: &str = "import \"influxdata/influxdb/tasks\"\n\noption task = {\n    name: \"rollup\",\n    every: 1h,\n    offset: 5m, // late data\n}\n\nfrom(bucket: \"raw\")\n    |> range(start: -task.every)\n";

fn fluxtask() -> Command {
    let mut cmd = Command::cargo_bin("fluxtask").unwrap();
    cmd.env_remove("NO_COLOR").env("TERM", "dumb");
    cmd
}

fn temp_task(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

fn stdout_of(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn preview_prints_a_unified_diff_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_task(dir.path(), "t.flux", TASK);
    let (code, out, _) = stdout_of(
        fluxtask()
            .current_dir(dir.path())
            .args(["update", "t.flux", "--every", "2h"]),
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "--- a/t.flux\n+++ b/t.flux\n@@ -2,7 +2,7 @@\n \n option task = {\n     name: \"rollup\",\n-    every: 1h,\n+    every: 2h,\n     offset: 5m, // late data\n }\n \n"
    );
    assert_eq!(
        fs::read_to_string(path).unwrap(),
        TASK,
        "preview writes nothing"
    );
}

#[test]
fn no_change_says_so_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    temp_task(dir.path(), "t.flux", TASK);
    let (code, out, err) = stdout_of(
        fluxtask()
            .current_dir(dir.path())
            .args(["update", "t.flux", "--every", "1h"]),
    );
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(err, "fluxtask: no changes: t.flux\n");
}

#[test]
fn stdin_is_read_with_a_display_name() {
    let (code, out, _) = stdout_of(
        fluxtask()
            .args([
                "update",
                "-",
                "--stdin-filename",
                "tasks/x.flux",
                "--no-offset",
            ])
            .write_stdin(TASK),
    );
    assert_eq!(code, 0);
    assert!(
        out.starts_with("--- a/tasks/x.flux\n+++ b/tasks/x.flux\n"),
        "{out}"
    );
    assert!(out.contains("\n-    offset: 5m, // late data\n"), "{out}");
}

#[test]
fn check_exits_1_when_a_file_would_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_task(dir.path(), "t.flux", TASK);
    let (code, ..) = stdout_of(
        fluxtask()
            .arg("update")
            .arg(&path)
            .args(["--offset", "10m", "--check"]),
    );
    assert_eq!(code, 1);
    assert_eq!(fs::read_to_string(&path).unwrap(), TASK);
    let (code, ..) = stdout_of(
        fluxtask()
            .arg("update")
            .arg(&path)
            .args(["--offset", "5m", "--check"]),
    );
    assert_eq!(code, 0);
}

#[test]
fn write_replaces_the_file_and_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_task(dir.path(), "t.flux", TASK);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    let (code, out, err) =
        stdout_of(
            fluxtask()
                .arg("update")
                .arg(&path)
                .args(["--cron", "0 * * * *", "-w"]),
        );
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(err.contains("updated"), "{err}");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        TASK.replace("every: 1h", "cron: \"0 * * * *\"")
    );
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

#[test]
fn a_broken_file_is_reported_and_left_alone_while_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let broken_text = "option task = {name: \"a\", every: 1m;}\n";
    let broken = temp_task(dir.path(), "broken.flux", broken_text);
    let good = temp_task(dir.path(), "good.flux", TASK);
    let (code, _, err) = stdout_of(fluxtask().current_dir(dir.path()).args([
        "update",
        "broken.flux",
        "good.flux",
        "--every",
        "30m",
        "--write",
    ]));
    assert_eq!(code, 2);
    assert!(err.starts_with("error[FT001]: unexpected `;`"), "{err}");
    assert!(err.contains("--> broken.flux:1:36\n"), "{err}");
    assert_eq!(fs::read_to_string(broken).unwrap(), broken_text);
    assert!(fs::read_to_string(good).unwrap().contains("every: 30m,"));
}

#[test]
fn payload_dash_prints_only_the_body_on_stdout() {
    let (code, out, err) = stdout_of(
        fluxtask()
            .args([
                "update",
                "-",
                "--every",
                "2h",
                "--payload",
                "-",
                "--status",
                "active",
            ])
            .write_stdin(TASK),
    );
    assert_eq!(code, 0);
    let body: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        body["flux"].as_str().unwrap(),
        TASK.replace("every: 1h", "every: 2h")
    );
    assert_eq!(body["status"], "active");
    assert_eq!(out.lines().count(), 1);
    assert!(
        err.contains("+    every: 2h,"),
        "the diff goes to stderr: {err}"
    );
}

#[test]
fn options_mode_sends_only_the_fields_set() {
    let (code, out, _) = stdout_of(
        fluxtask()
            .args([
                "update",
                "-",
                "--every",
                "2h",
                "--offset",
                "0s",
                "--mode",
                "options",
                "--payload",
                "-",
            ])
            .write_stdin(TASK),
    );
    assert_eq!(code, 0);
    assert_eq!(out, "{\"every\":\"2h\",\"offset\":\"0s\"}\n");
}

#[test]
fn payload_file_and_curl_command() {
    let dir = tempfile::tempdir().unwrap();
    temp_task(dir.path(), "t.flux", TASK);
    let (code, out, _) = stdout_of(fluxtask().current_dir(dir.path()).args([
        "update",
        "t.flux",
        "--name",
        "it's $HOME",
        "--payload",
        "body.json",
        "--curl",
        "-i",
        "0a1b2c3d4e5f6a7b",
        "--server",
        "influxdb",
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "curl --fail-with-body --request PATCH 'http://localhost:8086/api/v2/tasks/0a1b2c3d4e5f6a7b' \\\n  --header 'Content-Type: application/json' \\\n  --header \"Authorization: Token $INFLUX_TOKEN\" \\\n  --data-binary '@body.json'\n"
    );
    let body: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("body.json")).unwrap()).unwrap();
    assert!(
        body["flux"]
            .as_str()
            .unwrap()
            .contains("name: \"it's $HOME\",")
    );
}

#[test]
fn bad_values_are_refused_before_reading() {
    let (code, _, err) = stdout_of(fluxtask().args(["update", "nope.flux", "--offset", "1d"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "fluxtask: error: offset 1d: the server rejects day units in offset; use 24h\n"
    );
}

#[test]
fn unreadable_inputs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.flux"),
        b"option task = {name: \"\xff\", every: 1h}",
    )
    .unwrap();
    let (code, _, err) = stdout_of(fluxtask().current_dir(dir.path()).args([
        "update",
        "missing.flux",
        ".",
        "bad.flux",
        "-e",
        "1h",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("missing.flux: No such file or directory"),
        "{err}"
    );
    assert!(
        err.contains(".: is a directory, not a regular file"),
        "{err}"
    );
    assert!(
        err.contains("bad.flux: 1:23: invalid UTF-8 (byte 0xff)"),
        "{err}"
    );
}

#[test]
fn payload_needs_exactly_one_input() {
    let (code, _, err) =
        stdout_of(fluxtask().args(["update", "a.flux", "b.flux", "--payload", "-"]));
    assert_eq!(code, 2);
    assert!(err.contains("2 inputs were given"), "{err}");
}

#[test]
fn show_prints_a_table_and_json() {
    let (code, out, _) = stdout_of(fluxtask().args(["show", "-"]).write_stdin(TASK));
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "PATH     NAME      EVERY  CRON  OFFSET  CONCURRENCY  RETRY  RECORD\n<stdin>  \"rollup\"  1h     -     5m      -            -      lines 3-7\n"
    );
    let (_, out, _) = stdout_of(fluxtask().args(["show", "--json", "-"]).write_stdin(TASK));
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["every"], "1h");
    assert_eq!(rows[0]["start"]["line"], 3);
}

#[test]
fn help_shows_examples() {
    let (code, out, _) = stdout_of(fluxtask().args(["update", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("Examples:"), "{out}");
}

#[test]
fn a_large_body_reaches_curl_whole_through_a_here_document() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!(
        "{TASK}{}",
        "// padding padding padding padding padding padding\n".repeat(3000)
    );
    temp_task(dir.path(), "big.flux", &big);
    let (code, command, _) = stdout_of(
        fluxtask()
            .current_dir(dir.path())
            .args(["update", "big.flux", "--every", "2h", "--curl", "-i", "abc"]),
    );
    assert_eq!(code, 0);
    assert!(
        command.contains("--data-binary @- <<'FLUXTASK_BODY'\n"),
        "{}",
        &command[..300]
    );
    // A real shell runs it with `curl` replaced by a function that prints its stdin.
    let script = dir.path().join("send.sh");
    fs::write(&script, format!("curl() {{ cat; }}\n{command}")).unwrap();
    let run = std::process::Command::new("sh")
        .arg(&script)
        .output()
        .unwrap();
    assert!(run.status.success());
    let body: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        body["flux"].as_str().unwrap(),
        big.replace("every: 1h", "every: 2h")
    );
}

#[test]
fn base_urls_are_checked() {
    let (code, _, err) = stdout_of(fluxtask().args([
        "update",
        "t.flux",
        "--curl",
        "-i",
        "a",
        "--url",
        "localhost:9092",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("must start with http:// or https://"), "{err}");
}

#[test]
fn absolute_paths_keep_one_slash_in_diff_headers() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_task(dir.path(), "t.flux", TASK);
    let (_, out, _) = stdout_of(fluxtask().arg("update").arg(&path).args(["--every", "2h"]));
    let shown = path.display().to_string();
    assert!(
        out.starts_with(&format!("--- a{shown}\n+++ b{shown}\n")),
        "{out}"
    );
}

#[test]
fn show_format_json() {
    let (code, out, _) = stdout_of(
        fluxtask()
            .args(["show", "--format", "json", "-"])
            .write_stdin(TASK),
    );
    assert_eq!(code, 0);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["offset"], "5m");
}
