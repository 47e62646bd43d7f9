//! Every `check` rule has a fixture that trips it and a near miss that passes
//! (`fixtures/check/CODE-rule.trip.flux` / `.pass.flux`); the rendered finding is snapshotted.

use std::path::PathBuf;

use fluxtask::check::check;
use fluxtask::report::{self, Style};
use fluxtask::span::LineIndex;

fn fixture_pairs() -> Vec<(String, String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/check");
    let mut stems: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            e.unwrap()
                .file_name()
                .to_str()?
                .strip_suffix(".trip.flux")
                .map(str::to_string)
        })
        .collect();
    stems.sort();
    stems
        .into_iter()
        .map(|stem| {
            let read = |kind: &str| {
                std::fs::read_to_string(dir.join(format!("{stem}.{kind}.flux"))).unwrap()
            };
            (stem.clone(), read("trip"), read("pass"))
        })
        .collect()
}

#[test]
fn each_rule_trips_on_its_fixture_and_passes_its_near_miss() {
    let pairs = fixture_pairs();
    assert!(pairs.len() >= 22, "one pair per rule");
    for (stem, trip, pass) in pairs {
        let code = &stem[..5];
        let findings = check(&trip);
        assert!(
            findings.iter().any(|d| d.code == code),
            "{stem}.trip must report {code}, got {findings:?}"
        );
        let rendered: String = findings
            .iter()
            .map(|d| {
                report::human(
                    &format!("{stem}.trip.flux"),
                    &LineIndex::new(&trip),
                    d,
                    Style { color: false },
                )
            })
            .collect();
        insta::assert_snapshot!(stem.clone(), rendered);
        let near_miss = check(&pass);
        assert!(
            near_miss.is_empty(),
            "{stem}.pass must be clean, got {near_miss:?}"
        );
    }
}
