//! Every script of the shared real-world corpus goes through `update`: edited correctly for
//! each override, or refused with a located error. The corpus is read in place from
//! `../shared/corpus/real` (never copied here); where it is absent the test says so and passes.

use std::path::PathBuf;

use fluxtask::literal;
use fluxtask::locate::{ErrorCode, locate};
use fluxtask::overrides::{Overrides, RawOverrides};
use fluxtask::span::line_col;
use fluxtask::update::{UpdateError, update};

fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("NOTICE: {} is absent; corpus tests skipped", dir.display());
        None
    }
}

fn corpus() -> Vec<(String, String)> {
    let Some(dir) = corpus_dir() else {
        return Vec::new();
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flux"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The scripts refused, why, and where (line:column of the error). The reason is what the
/// official Flux parser or the server's option reader objects to (semantics §2.3, §3.1, §5).
const REFUSED: &[(&str, ErrorCode, &str, &str)] = &[
    // Broken outside the record: the server's parser rejects the whole script, so any PATCH
    // carrying it fails; refusing beats editing a script that cannot be stored.
    (
        "013",
        ErrorCode::Unbalanced,
        "9:14",
        "filter( is never closed",
    ),
    ("014", ErrorCode::Syntax, "3:47", "`;` inside the record"),
    (
        "015",
        ErrorCode::RecordSyntax,
        "4:3",
        "missing comma between name and every",
    ),
    (
        "022",
        ErrorCode::Unbalanced,
        "18:47",
        "stray `]` in to(...)",
    ),
    (
        "026",
        ErrorCode::Syntax,
        "16:23",
        "typographic quote in an import flips string parity",
    ),
    (
        "027",
        ErrorCode::NotARecord,
        "7:3",
        "the record is piped into filter()",
    ),
    (
        "029",
        ErrorCode::NoTaskOption,
        "1:1",
        "only option tasks.lastSuccessTime",
    ),
    (
        "037",
        ErrorCode::MultipleTaskOptions,
        "3:4",
        "two option task statements",
    ),
    (
        "048",
        ErrorCode::RecordSyntax,
        "2:5",
        "`...` placeholders in the record",
    ),
    (
        "053",
        ErrorCode::NoTaskOption,
        "1:1",
        "option tasks.lastSuccessTime / option now only",
    ),
    (
        "054",
        ErrorCode::NoTaskOption,
        "1:1",
        "option task only inside comments",
    ),
    // `2hr3m10s` scans as the duration `2h` then the identifier `r3m10s` (`hr` is no unit).
    (
        "055",
        ErrorCode::RecordSyntax,
        "4:9",
        "invalid duration 2hr3m10s",
    ),
    (
        "064",
        ErrorCode::StatementOrder,
        "3:1",
        "import after the option statement",
    ),
    (
        "071",
        ErrorCode::NoTaskOption,
        "1:1",
        "task = {...} without option",
    ),
    (
        "072",
        ErrorCode::NoTaskOption,
        "1:1",
        "task = {...} without option",
    ),
    (
        "079",
        ErrorCode::RecordSyntax,
        "3:47",
        "mustache {{UNIT}} placeholder",
    ),
    (
        "094",
        ErrorCode::NoTaskOption,
        "1:1",
        "option task = only inside a regex",
    ),
    (
        "095",
        ErrorCode::NoTaskOption,
        "1:1",
        "pkger injects the option; none here",
    ),
];

#[test]
fn every_corpus_file_gets_its_verdict() {
    let files = corpus();
    if files.is_empty() {
        return;
    }
    assert_eq!(files.len(), 95, "the corpus has 95 scripts");
    let mut edited = 0;
    for (name, src) in &files {
        let verdict = update(src, &Overrides::default());
        match REFUSED.iter().find(|(n, ..)| n == name) {
            Some((_, code, at, why)) => {
                let Err(UpdateError::Locate(e)) = verdict else {
                    panic!("{name} must be refused ({why}), got {verdict:?}");
                };
                let lc = line_col(src, e.offset);
                assert_eq!(
                    (e.code, format!("{}:{}", lc.line, lc.column)),
                    (*code, at.to_string()),
                    "{name}: {why}: {}",
                    e.message
                );
            }
            None => {
                let updated = verdict.unwrap_or_else(|e| panic!("{name} must be edited: {e:?}"));
                assert_eq!(
                    updated.output, *src,
                    "{name}: no override returns the input byte for byte"
                );
                edited += 1;
            }
        }
    }
    assert_eq!(edited, 95 - REFUSED.len());
}

fn raw(pairs: &[(&str, &str)]) -> RawOverrides {
    let mut r = RawOverrides::default();
    for (key, value) in pairs {
        let slot = match *key {
            "name" => &mut r.name,
            "every" => &mut r.every,
            "cron" => &mut r.cron,
            "offset" => &mut r.offset,
            _ => unreachable!(),
        };
        *slot = Some(value.to_string());
    }
    r
}

/// Override sets every editable file must take.
const OVERRIDE_SETS: &[&[(&str, &str)]] = &[
    &[("every", "2h")],
    &[("every", "1h30m")],
    &[("cron", "0 */2 * * *")],
    &[("offset", "5m")],
    &[("offset", "-30s")],
    &[("offset", "0s")],
    &[("offset", "")],
    &[("name", r#"say "hi" to ${user} $"x" $\y"#)],
    &[("name", "line one\nline two\ttab ✓")],
    &[("name", "nightly"), ("every", "24h"), ("offset", "15m")],
    &[("name", "cron job"), ("cron", "@daily"), ("offset", "0m0s")],
];

#[test]
fn every_editable_file_takes_every_override() {
    for (name, src) in corpus() {
        if REFUSED.iter().any(|(n, ..)| *n == name) {
            continue;
        }
        let before = locate(&src).unwrap();
        for set in OVERRIDE_SETS {
            let overrides = Overrides::new(&raw(set)).unwrap();
            let context = format!("{name} with {set:?}");
            let once = update(&src, &overrides).unwrap_or_else(|e| panic!("{context}: {e:?}"));
            let out = &once.output;

            // Bytes before and after the record are unchanged.
            assert_eq!(
                &out[..before.braces.start],
                &src[..before.braces.start],
                "{context}: prefix"
            );
            let suffix = &src[before.braces.end..];
            assert!(out.ends_with(suffix), "{context}: suffix");

            // Applying twice equals applying once.
            let twice =
                update(out, &overrides).unwrap_or_else(|e| panic!("{context} (again): {e:?}"));
            assert_eq!(&twice.output, out, "{context}: idempotent");

            // Re-scanning finds the requested values, never both schedules, and every other
            // property as it was.
            let after = locate(out).unwrap();
            let value = |key: &str| {
                after
                    .properties
                    .iter()
                    .find(|p| p.key.name == key)
                    .and_then(|p| p.value.as_ref())
                    .map(|v| out[v.span.range()].to_string())
            };
            for (key, want) in *set {
                match *key {
                    "name" | "cron" => {
                        assert_eq!(
                            value(key).map(|v| literal::decode(&v).unwrap()).as_deref(),
                            Some(*want),
                            "{context}"
                        )
                    }
                    "offset" if want.is_empty() || want.starts_with('0') => {
                        assert_eq!(value("offset"), None, "{context}")
                    }
                    _ => assert_eq!(value(key).as_deref(), Some(*want), "{context}"),
                }
            }
            if set.iter().any(|(k, _)| *k == "every" || *k == "cron") {
                assert!(
                    value("every").is_none() || value("cron").is_none(),
                    "{context}: both every and cron"
                );
            }
            let untouched = |r: &fluxtask::record::TaskRecord,
                             text: &str|
             -> Vec<(String, String)> {
                r.properties
                    .iter()
                    .filter(|p| !["name", "every", "cron", "offset"].contains(&p.key.name.as_str()))
                    .map(|p| {
                        (
                            p.key.name.clone(),
                            p.value
                                .as_ref()
                                .map_or(String::new(), |v| text[v.span.range()].to_string()),
                        )
                    })
                    .collect()
            };
            assert_eq!(
                untouched(&after, out),
                untouched(&before, &src),
                "{context}: other keys"
            );
            assert_eq!(
                line_col(out, after.statement.start),
                line_col(&src, before.statement.start),
                "{context}: the record stays where it was"
            );
        }
    }
}
