//! Snapshots of what `update` does to the repository's own fixtures: the diff for each
//! override, the PATCH bodies, and the located error for each broken script.

use std::path::{Path, PathBuf};

use fluxtask::diff;
use fluxtask::overrides::{Overrides, RawOverrides};
use fluxtask::payload::{self, Mode, Status, TaskFields};
use fluxtask::report::{self, Style};
use fluxtask::span::LineIndex;
use fluxtask::update::{UpdateError, update};

fn fixtures(folder: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(folder);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flux"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {}", dir.display());
    paths
        .iter()
        .map(|p| (stem(p), std::fs::read_to_string(p).unwrap()))
        .collect()
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn overrides(
    name: Option<&str>,
    every: Option<&str>,
    cron: Option<&str>,
    offset: Option<&str>,
) -> Overrides {
    let raw = RawOverrides {
        name: name.map(str::to_string),
        every: every.map(str::to_string),
        cron: cron.map(str::to_string),
        offset: offset.map(str::to_string),
    };
    Overrides::new(&raw).unwrap()
}

/// The cases every valid fixture is edited with, as `(label, overrides)`.
fn cases() -> Vec<(&'static str, Overrides)> {
    vec![
        ("--every 2h", overrides(None, Some("2h"), None, None)),
        (
            "--cron '0 */4 * * *'",
            overrides(None, None, Some("0 */4 * * *"), None),
        ),
        ("--offset 90s", overrides(None, None, None, Some("90s"))),
        ("--no-offset", overrides(None, None, None, Some(""))),
        (
            "--name 'say \"hi\" ${x}' --every 1h30m --offset -1m",
            overrides(Some("say \"hi\" ${x}"), Some("1h30m"), None, Some("-1m")),
        ),
    ]
}

#[test]
fn valid_fixture_diffs() {
    for (name, src) in fixtures("valid") {
        let mut doc = String::new();
        for (label, o) in cases() {
            let out = update(&src, &o)
                .unwrap_or_else(|e| panic!("{name}: {e:?}"))
                .output;
            let shown = diff::unified(&src, &out, &format!("{name}.flux"), false);
            // CR is made visible so CRLF endings show in the snapshot.
            let shown = shown
                .unwrap_or_else(|| "(no changes)\n".into())
                .replace('\r', "␍");
            doc.push_str(&format!("$ fluxtask update {name}.flux {label}\n{shown}\n"));
        }
        insta::assert_snapshot!(format!("diff-{name}"), doc);
    }
}

#[test]
fn payload_bodies() {
    let (name, src) = fixtures("valid")
        .into_iter()
        .find(|(n, _)| n.starts_with("13-"))
        .unwrap();
    let o = overrides(
        Some("nightly \"rollup\""),
        None,
        Some("0 3 * * *"),
        Some(""),
    );
    let out = update(&src, &o).unwrap().output;
    let fields = TaskFields {
        status: Some(Status::Active),
        description: Some("rolls up 'raw' at 03:00".into()),
    };
    let flux = payload::to_json(&payload::body(Mode::Flux, &out, &o, &fields));
    let options = payload::to_json(&payload::body(Mode::Options, &out, &o, &fields));
    let curl = payload::curl_command(
        payload::Server::Kapacitor,
        None,
        "0a1b2c3d4e5f6a7b",
        payload::DataSource::Inline(&options),
    );
    insta::assert_snapshot!(
        format!("payload-{name}"),
        format!("flux mode:\n{flux}\noptions mode:\n{options}\ncurl:\n{curl}")
    );
}

#[test]
fn invalid_fixture_errors() {
    for (name, src) in fixtures("invalid") {
        let expect = src.lines().next().unwrap_or_default().to_string();
        let rendered = match update(&src, &Overrides::default()) {
            Err(UpdateError::Locate(e)) => report::human(
                &format!("{name}.flux"),
                &LineIndex::new(&src),
                &e.diagnostic(),
                Style { color: false },
            ),
            other => panic!("{name} must be refused ({expect}), got {other:?}"),
        };
        insta::assert_snapshot!(format!("error-{name}"), format!("{expect}\n{rendered}"));
    }
}
