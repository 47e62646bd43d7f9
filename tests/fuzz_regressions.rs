//! Minimized inputs from the fuzz targets in `fuzz/` (see `fuzz/README.md`), each asserting
//! the correct behaviour. Every bug found so far is fixed; each test names the commit.

use fluxtask::check::check;
use fluxtask::locate::{ErrorCode, locate};
use fluxtask::overrides::{Overrides, RawOverrides};
use fluxtask::report::Severity;
use fluxtask::update::{UpdateError, update};

fn overrides(f: impl FnOnce(&mut RawOverrides)) -> Overrides {
    let mut raw = RawOverrides::default();
    f(&mut raw);
    Overrides::new(&raw).expect("valid overrides")
}

/// The edit succeeds, touches only the record, re-locates, and is idempotent.
fn edited(src: &str, o: &Overrides) -> String {
    let updated = update(src, o).unwrap_or_else(|e| panic!("{e:?}\n{src}"));
    let out = updated.output;
    let braces = updated.record.braces;
    assert!(out.starts_with(&src[..braces.start]) && out.ends_with(&src[braces.end..]));
    locate(&out).unwrap_or_else(|e| panic!("the output does not locate: {e:?}\n{out}"));
    assert_eq!(
        update(&out, o).map(|u| u.output).as_deref(),
        Ok(out.as_str())
    );
    out
}

/// Fuzz target `update`, minimized from `option task = {\n  nam\n}` with name, every and
/// offset: keys appended to a multi-line record without a trailing comma had no commas
/// between them, so update refused its own output. Fixed in 6f2f1d6.
#[test]
fn several_keys_appended_to_a_multiline_record_without_trailing_comma() {
    let o = overrides(|r| {
        r.every = Some("1h".into());
        r.offset = Some("5m".into());
    });
    assert_eq!(
        edited("option task = {\n    name: \"a\"\n}\n", &o),
        "option task = {\n    name: \"a\",\n    every: 1h,\n    offset: 5m\n}\n"
    );
    assert_eq!(
        edited("option task = {\n    name: \"a\"}\n", &o),
        "option task = {\n    name: \"a\",\n    every: 1h,\n    offset: 5m}\n"
    );
    let o = overrides(|r| {
        r.name = Some("n".into());
        r.every = Some("1h30m".into());
        r.offset = Some("10m".into());
    });
    assert_eq!(
        edited("option task = {\n  nam\n}\n", &o),
        "option task = {\n  nam,\n  name: \"n\",\n  every: 1h30m,\n  offset: 10m\n}\n"
    );
}

/// Fuzz targets `scan_locate` and `check`, minimized from `"0 0 * * \xff5-7"` and
/// `"quoted key co\xffunts"`: `\xHH` escapes that do not make UTF-8 scan as a string, so
/// `check` calls such a script clean, though the Flux parser refuses it (semantics §5.1:
/// "the resulting bytes must be valid UTF-8"). `check` even skips the name rules then,
/// trusting that "undecodable bytes are reported as syntax".
#[test]
fn string_escapes_that_are_not_utf8_are_a_syntax_error() {
    for src in [
        "option task = {name: \"a\\xff\", every: 1h}\n",
        "option task = {name: \"a\", cron: \"0 0 * * \\xff5-7\"}\n",
        "x = \"\\xc3\"\noption task = {name: \"a\", every: 1h}\n",
    ] {
        let e = locate(src).expect_err(src);
        assert_eq!(e.code, ErrorCode::Syntax, "{src}");
        assert_eq!(check(src)[0].code, "FT001", "{src}");
    }
    // Escapes that together make UTF-8 stay valid.
    assert!(locate("option task = {name: \"caf\\xc3\\xa9\", every: 1h}\n").is_ok());
}

/// Fuzz targets `scan_locate` and `check`: a comment between a property key and its colon
/// panics in `record.rs` (`slice index starts at 21 but ends at 16`). Comments may stand
/// between any two tokens of Flux. Minimized: `option task = {a//\n:1}`.
#[test]
fn a_comment_between_key_and_colon() {
    let src = "option task = {name // the name\n: \"a\", every: 1h}\n";
    let record = locate(src).expect("a comment may stand before the colon");
    let values: Vec<_> = record
        .properties
        .iter()
        .map(|p| {
            (
                p.key.name.as_str(),
                &src[p.value.as_ref().unwrap().span.range()],
            )
        })
        .collect();
    assert_eq!(values, [("name", "\"a\""), ("every", "1h")]);
    assert!(check(src).is_empty());
    let o = overrides(|r| r.every = Some("2h".into()));
    assert_eq!(edited(src, &o), src.replace("1h", "2h"));
    assert!(locate("option task = {a//\n:1}").is_ok());
}

/// Fuzz targets `scan_locate` and `check`: a comment on its own line before a property's
/// comma panics the same way (`slice index starts at 33 but ends at 17`), whatever the
/// property. Minimized: `option task={g\n//\n,}` and `option task={a:.\n//\n,}`.
#[test]
fn a_comment_line_before_a_comma() {
    let src = "option task = {\n  name: \"a\"\n  // c\n  , every: 1h\n}\n";
    let record = locate(src).expect("a comment may stand before the comma");
    let keys: Vec<_> = record
        .properties
        .iter()
        .map(|p| p.key.name.as_str())
        .collect();
    assert_eq!(keys, ["name", "every"]);
    assert!(check(src).is_empty());
    for src in [
        "option task = {\n  name\n  // c\n  , every: 1h\n}\n",
        "option task={g\n//\n,}",
        "option task={a: 1\n//\n,}",
    ] {
        assert!(locate(src).is_ok(), "{src:?}");
    }
}

/// Fuzz target `update`, minimized by hand from `option task = {\nwith// …\nwith// …\n}`
/// with `every: 2h`: in a `with` record without properties (`{r with}`; the Flux SPEC's
/// PropertyList may be empty) the appended key goes before the base, giving `{every: 2hr
/// with}`, and update fails with an internal error.
#[test]
fn appending_to_a_with_record_without_properties() {
    let o = overrides(|r| r.every = Some("2h".into()));
    for src in [
        "option task = {r with}\n",
        "option task = {\n    r with\n}\n",
    ] {
        let out = edited(src, &o);
        let record = locate(&out).unwrap();
        assert_eq!(record.base.map(|b| &out[b.range()]), Some("r"), "{out}");
        let every = &record.properties[0];
        assert_eq!(every.key.name, "every", "{out}");
        assert_eq!(&out[every.value.as_ref().unwrap().span.range()], "2h");
    }
}

/// Fuzz target `update`, minimized to `/option task={}` with `cron: "*/5 * * * *"` (found
/// from a real script with the typo `?/` for `//`): a `/` where an operand is expected, with
/// no closing `/` after it, is taken as division, so the script locates and `check` calls
/// it clean, though the Flux parser refuses it. An edit that writes a `/` then turns that
/// `/` into a regex opener, and update fails with an internal error.
#[test]
fn a_slash_without_an_operand() {
    let cases = [
        (
            "x = 2 * /\noption task = {name: \"a\", every: 1h}\n",
            overrides(|r| r.name = Some("a/b".into())),
        ),
        (
            "/option task={}",
            overrides(|r| r.cron = Some("*/5 * * * *".into())),
        ),
    ];
    for (src, o) in cases {
        if let Err(UpdateError::Internal(message)) = update(src, &o) {
            panic!("update breaks its own edit of {src:?}: {message}");
        }
        assert!(
            check(src).iter().any(|d| d.severity == Severity::Error),
            "the Flux parser refuses {src:?}; check must say so"
        );
    }
}
