//! `fluxtask check` as pre-commit and CI run it: formats, exit codes, walking, stdin.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const CLEAN: &str = "option task = {name: \"ok\", every: 1h}\n";
const BAD: &str = "option task = {name: \"ok\", every: 1h, offset: 1d}\n";
const WARN: &str = "option task = {name: \"ok\", every: 1h, delay: 5m}\n";

fn fluxtask(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("fluxtask").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("TERM", "dumb");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("tasks/nested")).unwrap();
    fs::create_dir_all(p.join(".hidden")).unwrap();
    fs::create_dir_all(p.join("build")).unwrap();
    fs::write(p.join("tasks/a.flux"), CLEAN).unwrap();
    fs::write(p.join("tasks/nested/b.flux"), BAD).unwrap();
    fs::write(p.join("tasks/c.flux"), WARN).unwrap();
    fs::write(p.join("tasks/notes.txt"), BAD).unwrap();
    fs::write(p.join(".hidden/h.flux"), BAD).unwrap();
    fs::write(p.join("build/gen.flux"), BAD).unwrap();
    fs::write(p.join(".gitignore"), "build/\n").unwrap();
    dir
}

#[test]
fn concise_lists_findings_sorted_by_path_and_exits_1() {
    let dir = tree();
    let (code, out, err) = run(fluxtask(dir.path()).args(["check", "--format", "concise"]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "./tasks/c.flux:1:39: FT071 unknown task option `delay`: the server ignores it (help: did you mean `offset`? (`delay` was renamed `offset`))\n\
         ./tasks/nested/b.flux:1:47: FT040 offset 1d: the server rejects day units in offset (help: use 24h)\n"
    );
    assert_eq!(err, "fluxtask: 1 error and 1 warning in 3 files checked\n");
}

#[test]
fn hidden_and_ignored_files_can_be_included() {
    let dir = tree();
    let (_, out, _) = run(fluxtask(dir.path()).args([
        "check",
        "--format",
        "concise",
        "--hidden",
        "--no-ignore",
        ".",
    ]));
    assert!(out.contains("./.hidden/h.flux:1:47"), "{out}");
    assert!(out.contains("./build/gen.flux:1:47"), "{out}");
}

#[test]
fn a_file_named_explicitly_is_checked_even_if_ignored() {
    let dir = tree();
    let (code, out, _) =
        run(fluxtask(dir.path()).args(["check", "--format", "concise", "build/gen.flux"]));
    assert_eq!(code, 1);
    assert!(out.starts_with("build/gen.flux:1:47: FT040"), "{out}");
}

#[test]
fn warnings_alone_pass_unless_strict() {
    let dir = tree();
    let (code, ..) = run(fluxtask(dir.path()).args(["check", "tasks/c.flux", "tasks/a.flux"]));
    assert_eq!(code, 0);
    let (code, ..) = run(fluxtask(dir.path()).args(["check", "--strict", "tasks/c.flux"]));
    assert_eq!(code, 1);
}

#[test]
fn human_format_underlines_the_value() {
    let dir = tree();
    let (_, out, _) = run(fluxtask(dir.path()).args(["check", "tasks/nested/b.flux"]));
    assert_eq!(
        out,
        "error[FT040]: offset 1d: the server rejects day units in offset\n --> tasks/nested/b.flux:1:47\n  |\n1 | option task = {name: \"ok\", every: 1h, offset: 1d}\n  |                                               ^^\n  = help: use 24h\n\n"
    );
}

#[test]
fn json_is_one_document() {
    let dir = tree();
    let (code, out, _) = run(fluxtask(dir.path()).args(["check", "--format", "json", "tasks"]));
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["files_checked"], 3);
    assert_eq!(doc["errors"], 1);
    assert_eq!(doc["warnings"], 1);
    let first = &doc["diagnostics"][1];
    assert_eq!(first["path"], "tasks/nested/b.flux");
    assert_eq!(first["code"], "FT040");
    assert_eq!(first["severity"], "error");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(1), Some(47))
    );
    assert_eq!(first["end_column"], 49);
}

#[test]
fn github_annotations_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a,b.flux"),
        "option task = {name: \"ok\", every: 1h, retry: 0}\n",
    )
    .unwrap();
    let (code, out, _) =
        run(fluxtask(dir.path()).args(["check", "--format", "github", "a,b.flux"]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "::error file=a%2Cb.flux,line=1,col=46,endLine=1,endColumn=47,title=fluxtask FT061::retry 0: must be at least 1 (help: use a whole number from 1 to 10)\n"
    );
}

#[test]
fn stdin_uses_the_given_name() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(fluxtask(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "-",
            "--stdin-filename",
            "tasks/x.flux",
        ])
        .write_stdin(BAD));
    assert_eq!(code, 1);
    assert!(out.starts_with("tasks/x.flux:1:47: FT040"), "{out}");
}

#[test]
fn unreadable_files_exit_2_but_the_rest_is_reported() {
    let dir = tree();
    fs::write(
        dir.path().join("bin.flux"),
        b"option task = {name: \"\xff\"}",
    )
    .unwrap();
    let (code, out, err) = run(fluxtask(dir.path()).args([
        "check",
        "--format",
        "concise",
        "missing.flux",
        "bin.flux",
        "tasks",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("missing.flux: No such file or directory"),
        "{err}"
    );
    // Invalid UTF-8 is a finding in the file (shown in place), not a read failure.
    assert!(
        out.starts_with("bin.flux:1:23: FT001 invalid UTF-8 (byte 0xff); Flux scripts must be UTF-8 (help: save the file as UTF-8)\n"),
        "{out}"
    );
    assert!(out.contains("tasks/nested/b.flux:1:47: FT040"), "{out}");
}

#[test]
fn unreadable_files_are_listed_in_json() {
    let dir = tree();
    let (code, out, _) = run(fluxtask(dir.path()).args([
        "check",
        "--format",
        "json",
        "missing.flux",
        "tasks/nested/b.flux",
    ]));
    assert_eq!(code, 2);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["files_checked"], 1);
    assert_eq!(
        doc["unreadable"],
        serde_json::json!([{
            "path": "missing.flux",
            "message": "No such file or directory (os error 2)"
        }])
    );
}

#[test]
fn clean_tree_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.flux"), CLEAN).unwrap();
    let (code, out, err) = run(fluxtask(dir.path()).arg("check"));
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(err, "fluxtask: 1 file checked, all clean\n");
}

#[test]
fn hooks_file_is_valid_yaml_and_names_the_binary() {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
    let hooks = docs[0].as_vec().expect("a list of hooks");
    let languages: Vec<&str> = hooks
        .iter()
        .map(|h| h["language"].as_str().unwrap())
        .collect();
    assert_eq!(languages, ["rust", "system"]);
    for hook in hooks {
        assert_eq!(hook["entry"].as_str(), Some("fluxtask check"));
        assert_eq!(hook["files"].as_str(), Some(r"\.flux$"));
        assert!(
            hook["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("fluxtask"))
        );
    }
}

#[test]
fn completions_and_man_page() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(fluxtask(dir.path()).args(["completions", "bash"]));
    assert_eq!(code, 0);
    assert!(out.contains("_fluxtask()"), "{out}");
    let (code, out, _) = run(fluxtask(dir.path()).arg("man"));
    assert_eq!(code, 0);
    assert!(out.starts_with(".ie \\n(.g .ds Aq \\(aq"), "{out}");
    assert!(out.contains(".TH fluxtask 1"), "{out}");
    let (code, out, _) = run(fluxtask(dir.path()).args(["man", "update"]));
    assert_eq!(code, 0);
    assert!(out.contains(".TH fluxtask-update 1"), "{out}");
    assert!(
        out.contains("\\-\\-every"),
        "the page lists the command's flags: {out}"
    );
}

#[test]
fn unreadable_files_are_annotated_for_github() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) =
        run(fluxtask(dir.path()).args(["check", "--format", "github", "gone.flux"]));
    assert_eq!(code, 2);
    assert_eq!(
        out,
        "::error file=gone.flux::could not read the file: No such file or directory (os error 2)\n"
    );
    assert_eq!(
        err,
        "fluxtask: error: gone.flux: No such file or directory (os error 2)\n"
    );
    let (code, _, err) = run(fluxtask(dir.path()).args(["check", "gone.flux"]));
    assert_eq!(code, 2);
    assert!(
        err.ends_with("in 0 files checked; 1 file could not be read\n"),
        "{err}"
    );
}
