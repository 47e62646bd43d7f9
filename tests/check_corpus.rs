//! `check` on the shared real-world corpus: the verdict for every file, agreeing with what the
//! server does with it (semantics §3.1 for the option reader, §5 for the parser). Read in
//! place from `../shared/corpus/real`; skipped with a notice where absent.

use std::path::PathBuf;

use fluxtask::check::check;
use fluxtask::report::Severity;

/// Files with findings: the codes (errors and warnings, in source order) and why.
/// Every file not listed must be clean.
const FINDINGS: &[(&str, &[&str], &str)] = &[
    (
        "003",
        &["FT071", "FT030"],
        "legacy `delay` is ignored; every and cron together are refused",
    ),
    ("008", &["FT031"], "docs fragment: name only, no schedule"),
    ("009", &["FT020"], "docs fragment: cron only, no name"),
    (
        "010",
        &["FT020", "FT031"],
        "docs fragment: concurrency only",
    ),
    ("011", &["FT020"], "docs fragment: every only"),
    (
        "013",
        &["FT002"],
        "filter( never closed: the parser rejects the script",
    ),
    ("014", &["FT001"], "`;` is not a Flux token"),
    (
        "015",
        &["FT013"],
        "missing comma: expected comma in property list",
    ),
    ("022", &["FT002"], "stray `]`"),
    ("026", &["FT001"], "typographic quote flips string parity"),
    (
        "027",
        &["FT012"],
        "record piped into filter: not an object expression",
    ),
    ("029", &["FT010"], "no task options defined"),
    ("031", &["FT060"], "concurrency must be at least 1"),
    (
        "032",
        &["FT032"],
        "every: 1 is an integer: failed to parse field 'every'",
    ),
    (
        "036",
        &["FT030"],
        "cannot use both cron and every in task options",
    ),
    ("037", &["FT011"], "multiple task options defined"),
    (
        "040",
        &["FT031"],
        "must specify exactly one of either cron or every",
    ),
    (
        "046",
        &["FT071"],
        "legacy `delay` is ignored (warning only)",
    ),
    ("047", &["FT020"], "missing required option: name"),
    ("048", &["FT013"], "`...` placeholders"),
    (
        "049",
        &["FT071", "FT030"],
        "delay ignored; every and cron together",
    ),
    (
        "050",
        &["FT071", "FT030"],
        "delay ignored; every and cron together",
    ),
    (
        "051",
        &["FT071", "FT030"],
        "delay ignored; every and cron together",
    ),
    (
        "052",
        &["FT071", "FT030"],
        "delay ignored; every and cron together",
    ),
    ("053", &["FT010"], "no task options defined"),
    ("054", &["FT010"], "option task only in comments"),
    ("055", &["FT013"], "2hr3m10s is not a duration"),
    ("057", &["FT030"], "every and cron together"),
    ("064", &["FT003"], "import after a statement"),
    ("071", &["FT010"], "task = {...} without option"),
    ("072", &["FT010"], "task = {...} without option"),
    (
        "078",
        &["FT032"],
        "every: UNIT is an identifier, not a literal",
    ),
    ("079", &["FT013"], "mustache placeholder"),
    ("082", &["FT032"], "every: 15 has no unit"),
    ("094", &["FT010"], "option task only inside a regex"),
    ("095", &["FT010"], "no option task (pkger injects it)"),
];

#[test]
fn check_verdict_for_every_corpus_file() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if !dir.is_dir() {
        eprintln!(
            "NOTICE: {} is absent; corpus check test skipped",
            dir.display()
        );
        return;
    }
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "flux") {
            continue;
        }
        seen += 1;
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let src = std::fs::read_to_string(&path).unwrap();
        let findings = check(&src);
        let codes: Vec<&str> = findings.iter().map(|d| d.code).collect();
        let (expected, why) = FINDINGS
            .iter()
            .find(|(n, ..)| *n == name)
            .map_or((&[][..], "clean"), |(_, codes, why)| (*codes, *why));
        assert_eq!(codes, expected, "{name}: {why}: {findings:?}");
        // A warning alone never makes the server refuse the script.
        let refused = findings.iter().any(|d| d.severity == Severity::Error);
        assert_eq!(
            refused,
            !expected
                .iter()
                .all(|c| ["FT071", "FT070", "FT072", "FT023", "FT041"].contains(c)),
            "{name}"
        );
    }
    assert_eq!(seen, 95);
}
