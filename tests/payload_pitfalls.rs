//! One test per server pitfall (semantics §1.3, §1.4, §2.5, §2.6, §2.7, §8): the body
//! `update` produces and what it says about it.

use assert_cmd::Command;

fn update(script: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("fluxtask")
        .unwrap()
        .arg("update")
        .arg("-")
        .args(args)
        .args(["--payload", "-"])
        .env("TERM", "dumb")
        .write_stdin(script)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    // Keep only fluxtask's own lines; the diff also goes to stderr with `--payload -`.
    let notes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("fluxtask:"))
        .collect();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        notes.join("\n"),
    )
}

const TASK: &str =
    "option task = {\n    name: \"rollup\",\n    every: 1h,\n    offset: 5m, // late data\n}\n";

#[test]
fn offset_removal_alone_goes_as_flux() {
    // §1.4: {"offset":"0s"} alone is rejected; next to status it is silently ignored.
    let (code, out, notes) = update(
        TASK,
        &["--no-offset", "--mode", "options", "--status", "active"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\"flux\":\"option task = {\\n    name: \\\"rollup\\\",\\n    every: 1h,\\n}\\n\",\"status\":\"active\"}\n"
    );
    assert_eq!(
        notes,
        "fluxtask: note: sending the script as `flux` instead of options: an offset removal alone is rejected (`cannot update task without content`) or, next to status, ignored (influxdata/influxdb#12200)"
    );
}

#[test]
fn a_name_the_server_would_break_goes_only_inside_flux() {
    // §2.7: the server prints a new name with `${` unescaped.
    let (code, out, notes) = update(TASK, &["--name", "cost ${region}", "--mode", "options"]);
    assert_eq!(code, 0);
    let body: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(body.get("name").is_none());
    assert!(
        body["flux"]
            .as_str()
            .unwrap()
            .contains("name: \"cost \\${region}\",")
    );
    assert_eq!(
        notes,
        "fluxtask: note: sending the script as `flux` instead of options: the server would reprint this name unescaped and break the script"
    );
}

#[test]
fn options_mode_warns_once_about_the_reformat_and_its_losses() {
    // §2.6: the whole script is reprinted; end-of-line comments in the record move.
    let (code, out, notes) = update(TASK, &["--every", "2h", "--mode", "options"]);
    assert_eq!(code, 0);
    assert_eq!(out, "{\"every\":\"2h\"}\n");
    assert_eq!(
        notes,
        "fluxtask: note: with options the server edits the record and reformats the whole script; it will not keep: end-of-line comments in the task record move onto their own lines (line 4)"
    );
}

#[test]
fn a_description_only_body_carries_the_script() {
    // §1.3: a description-only PATCH is rejected with `cannot update task without content`.
    let (code, out, notes) = update(TASK, &["--description", "hourly", "--mode", "options"]);
    assert_eq!(code, 0);
    let body: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(body["description"], "hourly");
    assert_eq!(body["flux"], TASK);
    assert_eq!(
        notes,
        "fluxtask: no changes: <stdin>\nfluxtask: note: sending the script as `flux` instead of options: a description-only body is rejected (`cannot update task without content`)"
    );
}

#[test]
fn offset_removal_before_the_changed_key_goes_as_flux() {
    // §2.5: deleting `offset` skips the next property, so the every change would be appended
    // as a duplicate and ignored.
    let script = "option task = {name: \"a\", offset: 5m, every: 1h, retry: 2}\n";
    let (code, out, notes) = update(
        script,
        &["--no-offset", "--every", "2h", "--mode", "options"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\"flux\":\"option task = {name: \\\"a\\\", every: 2h, retry: 2}\\n\"}\n"
    );
    assert!(
        notes.contains(
            "makes the server skip that change (it skips the property after a deleted offset)"
        ),
        "{notes}"
    );
    // With offset last the options body is safe.
    let script = "option task = {name: \"a\", every: 1h, retry: 2, offset: 5m}\n";
    let (_, out, _) = update(
        script,
        &["--no-offset", "--every", "2h", "--mode", "options"],
    );
    assert_eq!(out, "{\"every\":\"2h\",\"offset\":\"0s\"}\n");
}

#[test]
fn an_offset_in_days_is_refused_before_any_body() {
    // §1.3/§3.1 step 7: validation passes, then the update fails with 500.
    let (code, out, notes) = update(TASK, &["--offset", "1d"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        notes,
        "fluxtask: error: offset 1d: the server rejects day units in offset; use 24h"
    );
}

#[test]
fn a_negative_every_and_a_multi_unit_negative_offset_are_refused() {
    // §2.7: both survive the rewrite but break the re-parse.
    let (code, _, notes) = update(TASK, &["--every", "-1h"]);
    assert_eq!(code, 2);
    assert!(notes.contains("every -1h: must be positive"), "{notes}");
    let (code, _, notes) = update(TASK, &["--offset", "-1h30m"]);
    assert_eq!(code, 2);
    assert!(notes.contains("write -90m"), "{notes}");
}

#[test]
fn nothing_to_send_writes_no_payload() {
    let (code, out, notes) = update(TASK, &["--mode", "options"]);
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(
        notes,
        "fluxtask: no changes: <stdin>\nfluxtask: nothing to send: no option, status or description was given; no payload written"
    );
}

#[test]
fn a_record_with_both_schedules_goes_as_flux() {
    // §2.3: the server would replace every and keep cron, then refuse both.
    let script = "option task = {name: \"a\", every: 1h, offset: 5m, cron: \"0 * * * *\"}\n";
    let (code, out, notes) = update(script, &["--every", "2h", "--mode", "options"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\"flux\":\"option task = {name: \\\"a\\\", every: 2h, offset: 5m}\\n\"}\n"
    );
    assert!(notes.contains("would not match this preview"), "{notes}");
}
