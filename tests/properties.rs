//! Properties over generated task scripts and generated override values.
//!
//! Scripts are built from the Flux lexical forms of semantics §5 (strings with nested `${…}`,
//! regexes next to division, comments, date-times, durations with `µs`) around one
//! `option task = {…}` record written in many layouts. Overrides come from the value
//! grammars of §1.2/§3.1 (durations) and §6 (cron), and names are any text at all.
//!
//! Runs are reproducible: the RNG seed is fixed (set `PROPTEST_RNG_SEED` to explore other
//! seeds, `PROPTEST_CASES` to run more cases), and a failing case is also saved next to this
//! file in `properties.proptest-regressions` and replayed first on later runs.

use std::process::Command;

use fluxtask::check::check;
use fluxtask::literal::{decode, encode};
use fluxtask::locate::locate;
use fluxtask::overrides::{OffsetChange, Overrides, RawOverrides};
use fluxtask::payload::{self, Mode, TaskFields};
use fluxtask::record::TaskRecord;
use fluxtask::report::Severity;
use fluxtask::scan::{Kind, Lexer};
use fluxtask::update::{UpdateError, update};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{FileFailurePersistence, RngSeed};

// ---------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------

fn config(cases: u32) -> ProptestConfig {
    let defaults = ProptestConfig::default();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    let rng_seed = match defaults.rng_seed {
        RngSeed::Random if std::env::var_os("PROPTEST_RNG_SEED").is_none() => {
            RngSeed::Fixed(0x5eed_f1a5)
        }
        seed => seed,
    };
    ProptestConfig {
        cases,
        rng_seed,
        // Where proptest's default persistence puts it for a file outside `src/`
        // (`tests/properties.proptest-regressions`), without its "no lib.rs" warning.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..defaults
    }
}

// ---------------------------------------------------------------------------------------
// Generated scripts
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Prop {
    key: &'static str,
    value: String,
    /// Written as `"key":` (semantics §2.3: the server reads it as `key`).
    quoted_key: bool,
    comment_above: Option<&'static str>,
    comment_after: Option<&'static str>,
}

#[derive(Debug, Clone)]
enum Layout {
    OneLine {
        padded: bool,
    },
    Multi {
        indent: &'static str,
        /// `}` right after the last value, on its line.
        close_inline: bool,
        blank_lines: bool,
        /// A comment line after the last property.
        closing_comment: Option<&'static str>,
    },
}

#[derive(Debug, Clone)]
struct Script {
    imports: bool,
    decoy_comment: bool,
    statement_before: bool,
    /// `{base with …}` (§3.1 step 5: a record literal all the same).
    with_base: bool,
    layout: Layout,
    trailing_comma: bool,
    newline: &'static str,
    /// Between key and value: `: `, `:` or ` : `.
    colon: &'static str,
    props: Vec<Prop>,
    statements: Vec<&'static str>,
}

/// Comments with text that would confuse a naive scanner: quotes, braces, a whole record.
const COMMENTS: &[&str] = &[
    "// the schedule",
    "// option task = {name: \"shadow\", every: 1m}",
    "// } , \" unbalanced quote and brace {",
    "// offset: 5m, every: 1h,",
    "//",
];

/// Statements that follow the record; `{nl}` is the script's line ending (§5.1–§5.4).
const STATEMENTS: &[&str] = &[
    "data = from(bucket: \"raw\"){nl}    |> range(start: -task.every, stop: now()){nl}    |> filter(fn: (r) => r._measurement =~ /a\\/b/ and r._value / 2.0 > 1.0){nl}",
    "msg = \"host ${r.host} said \\\"${strings.toUpper(v: \"in ${\"deep }\" + \"{\"} }\")}\\\" at ${ {a: \"}\"}.a }\"{nl}",
    "// option task = {name: \"decoy\", every: 1m}{nl}",
    "start = 2024-01-02T03:04:05.123+02:00{nl}day = 2024-01-02{nl}late = 2024-01-02T03:04:05Z{nl}",
    "window = 5µs + 1h30m + 1mo + 3ns{nl}",
    "half = (r) => r._value / 2.0 / 3{nl}",
    "re = /option task = \\{[^}]*\\}/{nl}",
    "multi = \"line one{nl}line two // not a comment, option task = {}\"{nl}",
    "pick = (r) => if exists r.a then \"${r.a}\" else \"none\"{nl}",
    "div = (a) / b // a /slashed/ comment{nl}",
    "make = () => {{nl}    return {name: \"inner\", every: 1h}{nl}}{nl}",
    "esc = \"tab\\t nl\\n quote\\\" backslash\\\\ hex\\x41 dollar\\${x} end$\"{nl}",
    "greek = {αβ: 1, \"key with space\": [1, 2, 3]}{nl}",
];

impl Script {
    fn render(&self) -> String {
        let nl = self.newline;
        let mut out = String::new();
        if self.imports {
            out.push_str(&format!(
                "import \"strings\"{nl}import \"influxdata/influxdb/tasks\"{nl}{nl}"
            ));
        }
        if self.decoy_comment {
            out.push_str(&format!(
                "// option task = {{name: \"decoy\", every: 1m}}{nl}"
            ));
        }
        if self.statement_before {
            out.push_str(&format!("base = {{a: \"}}\", b: 1.5}}{nl}"));
        }
        out.push_str("option task = {");
        let with_base = self.with_base && !self.props.is_empty();
        if with_base {
            out.push_str("base with");
        }
        let count = self.props.len();
        let property = |p: &Prop| match p.value.as_str() {
            "" => p.key.to_string(), // shorthand `{name}`: an identifier, never quoted
            value => format!("{}{}{value}", p.key_text(), self.colon),
        };
        match &self.layout {
            Layout::OneLine { padded } => {
                if *padded || with_base {
                    out.push(' ');
                }
                for (i, p) in self.props.iter().enumerate() {
                    out.push_str(&property(p));
                    if i + 1 < count {
                        out.push_str(", ");
                    } else if self.trailing_comma {
                        out.push(',');
                    }
                }
                if *padded && count > 0 {
                    out.push(' ');
                }
            }
            Layout::Multi {
                indent,
                close_inline,
                blank_lines,
                closing_comment,
            } => {
                let close_inline = *close_inline && count > 0;
                out.push_str(nl);
                for (i, p) in self.props.iter().enumerate() {
                    let last = i + 1 == count;
                    if *blank_lines && i > 0 {
                        out.push_str(nl);
                    }
                    if let Some(c) = p.comment_above {
                        out.push_str(&format!("{indent}{c}{nl}"));
                    }
                    out.push_str(indent);
                    out.push_str(&property(p));
                    if !last || self.trailing_comma {
                        out.push(',');
                    }
                    if last && close_inline {
                        break;
                    }
                    if let Some(c) = p.comment_after {
                        out.push(' ');
                        out.push_str(c);
                    }
                    out.push_str(nl);
                }
                if let Some(c) = closing_comment.filter(|_| !close_inline) {
                    out.push_str(&format!("{indent}{c}{nl}"));
                }
            }
        }
        out.push('}');
        out.push_str(nl);
        for s in &self.statements {
            out.push_str(nl);
            out.push_str(&s.replace("{nl}", nl));
        }
        out
    }
}

impl Prop {
    fn key_text(&self) -> String {
        if self.quoted_key {
            format!("\"{}\"", self.key)
        } else {
            self.key.to_string()
        }
    }
}

const EVERY_IN_SCRIPTS: &[&str] = &["1h", "15m", "1h30m", "1d", "1w", "90s", "1m0s", "2h"];
const OFFSET_IN_SCRIPTS: &[&str] = &["5m", "-30s", "0s", "1h0m", "10s"];

/// Names already in scripts, with escapes of every kind the scanner knows (§5.1).
fn script_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"rollup\"".to_string()),
        Just(r#""a \"quoted\" \\ name""#.to_string()),
        Just(r#""tab\there \x41 \${x} end$""#.to_string()),
        Just("\"raw\nnewline\"".to_string()),
        name_value().prop_map(|n| encode(&n)),
    ]
}

/// Unknown keys the server ignores (§3.1 step 5), with values that hold record syntax.
const UNKNOWN: &[(&str, &str)] = &[
    ("delay", "1m"),
    ("tags", "[\"a\", \"b,c\", \"}\"]"),
    ("meta", "{a: 1, b: \"}\", c: {d: [2]}}"),
    ("note", "\"option task = {x}\""),
    ("ratio", "0.5 / 2.0"),
    ("since", "2024-01-01T00:00:00Z"),
    ("match", "/every: \\d+h/"),
];

/// Oddities a record may hold that `check` reports but `update` must still edit: duplicate
/// keys (the first one counts, §3.1 step 5), both schedules, shorthand `{name}` properties.
const ODDITIES: &[(&str, &str)] = &[
    ("every", "3h"),
    ("cron", "\"@hourly\""),
    ("name", "\"duplicate\""),
    ("name", ""),
    ("offset", "1m"),
    ("offset", ""),
    ("retry", "2"),
];

/// The properties of a record in random order. `complete`: a valid task (a name and exactly
/// one schedule, §3.1); otherwise any of the known keys may be missing, and oddities may be
/// added.
fn props(complete: bool) -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let schedule = prop_oneof![
        select(EVERY_IN_SCRIPTS).prop_map(|e| ("every", e.to_string())),
        cron_value().prop_map(|c| ("cron", encode(&c))),
    ];
    let (name, schedule) = if complete {
        (
            script_name().prop_map(Some).boxed(),
            schedule.prop_map(Some).boxed(),
        )
    } else {
        (
            proptest::option::of(script_name()).boxed(),
            proptest::option::of(schedule).boxed(),
        )
    };
    (
        name,
        schedule,
        proptest::option::of(select(OFFSET_IN_SCRIPTS)),
        proptest::option::of(1..=100u32),
        proptest::option::of(1..=10u32),
        proptest::sample::subsequence(UNKNOWN, 0..=2),
        proptest::sample::subsequence(ODDITIES, 0..=if complete { 0 } else { 2 }),
    )
        .prop_map(
            |(name, schedule, offset, concurrency, retry, unknown, odd)| {
                let mut v = Vec::new();
                v.extend(name.map(|n| ("name", n)));
                v.extend(schedule);
                v.extend(offset.map(|o| ("offset", o.to_string())));
                v.extend(concurrency.map(|c| ("concurrency", c.to_string())));
                v.extend(retry.map(|r| ("retry", r.to_string())));
                v.extend(unknown.into_iter().map(|(k, val)| (k, val.to_string())));
                v.extend(odd.into_iter().map(|(k, val)| (k, val.to_string())));
                v
            },
        )
        .prop_shuffle()
}

/// A valid task script.
fn script() -> impl Strategy<Value = String> {
    script_with(true)
}

/// A script whose record may lack any key, down to `{}`.
fn partial_script() -> impl Strategy<Value = String> {
    script_with(false)
}

fn script_with(complete: bool) -> impl Strategy<Value = String> {
    let layout = prop_oneof![
        any::<bool>().prop_map(|padded| Layout::OneLine { padded }),
        (
            select(&["  ", "    ", "\t"][..]),
            proptest::bool::weighted(0.2),
            proptest::bool::weighted(0.2),
            proptest::option::weighted(0.2, select(COMMENTS)),
        )
            .prop_map(|(indent, close_inline, blank_lines, closing_comment)| {
                Layout::Multi {
                    indent,
                    close_inline,
                    blank_lines,
                    closing_comment,
                }
            }),
    ];
    let decorations = proptest::collection::vec(
        (
            any::<bool>(),
            proptest::option::weighted(0.3, select(COMMENTS)),
            proptest::option::weighted(0.3, select(COMMENTS)),
        ),
        8,
    );
    (
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            proptest::bool::weighted(0.15),
        ),
        layout,
        (
            any::<bool>(),
            select(&["\n", "\r\n"][..]),
            select(&[": ", ": ", ":", " : "][..]),
        ),
        props(complete),
        decorations,
        proptest::sample::subsequence(STATEMENTS, 0..=STATEMENTS.len()).prop_shuffle(),
    )
        .prop_map(
            |(
                (imports, decoy_comment, statement_before, with_base),
                layout,
                (trailing_comma, newline, colon),
                props,
                decorations,
                statements,
            )| {
                let multi = matches!(layout, Layout::Multi { .. });
                let props = props
                    .into_iter()
                    .zip(decorations)
                    .map(|((key, value), (quoted_key, above, after))| Prop {
                        key,
                        value,
                        quoted_key,
                        comment_above: above.filter(|_| multi),
                        comment_after: after.filter(|_| multi),
                    })
                    .collect();
                Script {
                    imports,
                    decoy_comment,
                    statement_before,
                    with_base,
                    layout,
                    trailing_comma,
                    newline,
                    colon,
                    props,
                    statements,
                }
                .render()
            },
        )
}

// ---------------------------------------------------------------------------------------
// Generated overrides
// ---------------------------------------------------------------------------------------

/// Any non-empty text, weighted towards what breaks string literals (§5.1, §2.7).
fn name_value() -> impl Strategy<Value = String> {
    let hostile_char = select(
        &[
            '"', '\\', '$', '{', '}', '\n', '\r', '\t', '\0', '\u{7}', '\u{1b}', '\u{7f}',
            '\u{85}', '\u{feff}', '\u{2028}', 'a', 'é', '🦄', ' ', 'x',
        ][..],
    );
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(hostile_char, 1..24).prop_map(|v| v.into_iter().collect()),
        select(
            &[
                "say \"hi\"",
                "back\\slash",
                "${x}",
                "a$\"b",
                "a$\\b",
                "trailing$",
                "$$${{}}$\\$\"$",
                "line\nbreak",
                "tab\there",
            ][..]
        )
        .prop_map(String::from),
    ]
    .prop_filter("the server ignores an empty name", |s| !s.is_empty())
}

/// Valid `every` spellings (§1.2, §3.1 step 6: at least 1s, whole seconds).
const EVERY_VALUES: &[&str] = &[
    "1s",
    "30s",
    "1m",
    "15m",
    "1h",
    "2h",
    "1d",
    "1w",
    "1mo",
    "1y",
    "1h30m",
    "1m0s",
    "90m",
    "1d12h",
    "30000000000ns",
    "2000000us",
    "2000ms",
];

/// One cron field of `influxdata/cron` (§6.2): `*`, `n`, `a-b`, `*/s`, `a-b/s`, `a/s`, lists.
/// `start_steps: false` leaves out `a/s` and `a-b/s`, which select nothing in the day-of-week
/// field when no value of the range is a multiple of the step (the library counts steps from
/// Sunday; fluxtask mirrors that quirk on purpose).
fn cron_field(
    lo: u32,
    hi: u32,
    names: &'static [&'static str],
    start_steps: bool,
) -> BoxedStrategy<String> {
    let max_step = hi - lo;
    let range = move || (lo..hi).prop_flat_map(move |a| (Just(a), (a + 1)..=hi));
    let mut forms = vec![
        (lo..=hi).prop_map(|n| n.to_string()).boxed(),
        range().prop_map(|(a, b)| format!("{a}-{b}")).boxed(),
        (1..=max_step).prop_map(|s| format!("*/{s}")).boxed(),
    ];
    if start_steps {
        forms.push(
            (range(), 1..=max_step)
                .prop_map(|((a, b), s)| format!("{a}-{b}/{s}"))
                .boxed(),
        );
        forms.push(
            (lo..=hi, 1..=max_step)
                .prop_map(|(a, s)| format!("{a}/{s}"))
                .boxed(),
        );
    }
    let value = proptest::strategy::Union::new(forms);
    let named = if names.is_empty() {
        value.boxed()
    } else {
        prop_oneof![
            3 => value,
            1 => (0..names.len(), any::<bool>()).prop_map(move |(i, lower)| {
                if lower { names[i].to_lowercase() } else { names[i].to_string() }
            }),
        ]
        .boxed()
    };
    prop_oneof![
        2 => Just("*".to_string()),
        4 => named.clone(),
        1 => proptest::collection::vec(named, 2..4).prop_map(|v| v.join(",")),
    ]
    .boxed()
}

const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Valid cron strings: 5, 6 or 7 fields, descriptors and `@every` (§6).
fn cron_value() -> impl Strategy<Value = String> {
    let five = (
        cron_field(0, 59, &[], true),
        cron_field(0, 23, &[], true),
        // Days of the month stop at 28 so every month has them.
        cron_field(1, 28, &[], true),
        cron_field(1, 12, MONTHS, true),
        cron_field(0, 6, DAYS, false),
    )
        .prop_map(|(mi, h, dom, mo, dow)| [mi, h, dom, mo, dow].join(" "));
    let six =
        (cron_field(0, 59, &[], true), five.clone()).prop_map(|(s, rest)| format!("{s} {rest}"));
    // Years from 2024 on; a lone 2034 or 2098 selects nothing in the library (a Go shift).
    let seven =
        (six.clone(), cron_field(2024, 2030, &[], true)).prop_map(|(r, y)| format!("{r} {y}"));
    prop_oneof![
        3 => five,
        2 => six,
        2 => seven,
        2 => select(
            &[
                "@yearly",
                "@annually",
                "@monthly",
                "@weekly",
                "@daily",
                "@midnight",
                "@hourly",
                "@every_minute",
                "@every_second",
                "@every 1h",
                "@every 1h30m",
                "@every 10s400ms",
                "@every 2hr1s",
                "@every 1w1d1s",
                "0 0 * * MON-FRI",
                "*/15 9-17 * * mon-fri",
                " 0 0 1 * * ",
            ][..]
        )
        .prop_map(String::from),
    ]
}

/// Offsets that set (`5m`, `-30s`) or remove (`""`, `0s`, `0m0s`) the key (§1.1, §1.3).
const OFFSET_VALUES: &[&str] = &["5m", "-30s", "1h0m", "15s", "-1h", "90m", "", "0s", "0m0s"];

#[derive(Debug, Clone, Copy)]
enum Schedule {
    Keep,
    Every,
    Cron,
}

fn raw_overrides() -> impl Strategy<Value = RawOverrides> {
    let schedule = prop_oneof![
        Just(Schedule::Keep),
        Just(Schedule::Every),
        Just(Schedule::Cron)
    ];
    (
        proptest::option::of(name_value()),
        schedule,
        select(EVERY_VALUES),
        cron_value(),
        proptest::option::of(select(OFFSET_VALUES)),
    )
        .prop_map(|(name, schedule, every, cron, offset)| RawOverrides {
            name,
            every: matches!(schedule, Schedule::Every).then(|| every.to_string()),
            cron: matches!(schedule, Schedule::Cron).then_some(cron),
            offset: offset.map(String::from),
        })
}

fn validated(raw: &RawOverrides) -> Overrides {
    Overrides::new(raw).unwrap_or_else(|e| panic!("valid by construction: {raw:?}: {e}"))
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn located(src: &str) -> TaskRecord {
    locate(src).unwrap_or_else(|e| panic!("locates: {e:?}\n--- script ---\n{src}"))
}

/// The source text of the first `key` property's value; `Some("")` for a shorthand key.
fn value_of<'a>(src: &'a str, record: &TaskRecord, key: &str) -> Option<&'a str> {
    record
        .properties
        .iter()
        .find(|p| p.key.name == key)
        .map(|p| p.value.as_ref().map_or("", |v| &src[v.span.range()]))
}

fn count_of(record: &TaskRecord, key: &str) -> usize {
    record
        .properties
        .iter()
        .filter(|p| p.key.name == key)
        .count()
}

fn errors(src: &str) -> Vec<String> {
    check(src)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

fn updated(src: &str, overrides: &Overrides) -> String {
    match update(src, overrides) {
        Ok(u) => u.output,
        Err(e) => {
            panic!("update failed: {e:?}\n--- overrides ---\n{overrides:?}\n--- script ---\n{src}")
        }
    }
}

/// What `out`, the edit of `src`, must read back (property (d)).
fn reads_back(
    src: &str,
    raw: &RawOverrides,
    overrides: &Overrides,
    out: &str,
) -> Result<(), TestCaseError> {
    let old = located(src);
    let new = located(out);
    let kept = |key: &str| -> Result<(), TestCaseError> {
        prop_assert_eq!(
            value_of(out, &new, key),
            value_of(src, &old, key),
            "{}",
            key
        );
        prop_assert_eq!(count_of(&new, key), count_of(&old, key), "{}", key);
        Ok(())
    };
    match &raw.name {
        Some(name) => {
            prop_assert_eq!(
                value_of(out, &new, "name").map(decode),
                Some(Ok(name.clone()))
            );
            prop_assert_eq!(count_of(&new, "name"), count_of(&old, "name").max(1));
        }
        None => kept("name")?,
    }
    // Later duplicates of the key that is set stay (they are `check`'s business); the other
    // schedule key goes entirely.
    if let Some(every) = &raw.every {
        prop_assert_eq!(value_of(out, &new, "every"), Some(every.as_str()));
        prop_assert_eq!(count_of(&new, "every"), count_of(&old, "every").max(1));
        prop_assert_eq!(count_of(&new, "cron"), 0);
    }
    if let Some(cron) = &raw.cron {
        prop_assert_eq!(
            value_of(out, &new, "cron").map(decode),
            Some(Ok(cron.clone()))
        );
        prop_assert_eq!(count_of(&new, "cron"), count_of(&old, "cron").max(1));
        prop_assert_eq!(count_of(&new, "every"), 0);
    }
    if raw.every.is_none() && raw.cron.is_none() {
        kept("every")?;
        kept("cron")?;
    }
    match (&raw.offset, &overrides.offset) {
        (Some(text), Some(OffsetChange::Set(_))) => {
            prop_assert_eq!(value_of(out, &new, "offset"), Some(text.as_str()));
            prop_assert_eq!(count_of(&new, "offset"), count_of(&old, "offset").max(1));
        }
        (Some(text), Some(OffsetChange::Remove)) => {
            prop_assert!(["", "0s", "0m0s"].contains(&text.as_str()));
            prop_assert_eq!(count_of(&new, "offset"), 0);
        }
        _ => kept("offset")?,
    }
    for p in &old.properties {
        let key = p.key.name.as_str();
        if !["name", "every", "cron", "offset"].contains(&key) {
            kept(key)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Properties of update and locate on valid scripts
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// The generator makes valid task scripts: they locate, and `check` finds no error.
    #[test]
    fn generated_scripts_are_valid_tasks(src in script()) {
        let record = located(&src);
        prop_assert_eq!(count_of(&record, "name"), 1);
        prop_assert_eq!(count_of(&record, "every") + count_of(&record, "cron"), 1);
        prop_assert_eq!(errors(&src), Vec::<String>::new());
    }

    /// (a) With nothing to change, the output is the input byte for byte (§2.2).
    #[test]
    fn no_override_changes_nothing(src in script()) {
        let out = updated(&src, &Overrides::default());
        prop_assert_eq!(out, src);
    }

    /// (b) Applying the same overrides to the output changes nothing more.
    #[test]
    fn applying_overrides_twice_equals_once(src in script(), raw in raw_overrides()) {
        let overrides = validated(&raw);
        let once = updated(&src, &overrides);
        let twice = updated(&once, &overrides);
        prop_assert_eq!(twice, once);
    }

    /// (c) Only the record's braces change: every byte before `{` and after `}` stays.
    #[test]
    fn bytes_outside_the_record_are_kept(src in script(), raw in raw_overrides()) {
        let overrides = validated(&raw);
        let before = located(&src).braces;
        let out = updated(&src, &overrides);
        let (prefix, suffix) = (&src[..before.start], &src[before.end..]);
        prop_assert!(out.starts_with(prefix), "prefix changed:\n{}", out);
        prop_assert!(out.ends_with(suffix), "suffix changed:\n{}", out);
        prop_assert!(out.len() >= prefix.len() + suffix.len());
        let after = located(&out).braces;
        prop_assert_eq!(after.start, before.start);
        prop_assert_eq!(out.len() - after.end, suffix.len());
    }

    /// (d) The output's record reads back exactly what was asked, keeps every other value,
    /// never holds both `every` and `cron` after a schedule change (§2.3), and still passes
    /// `check` without errors.
    #[test]
    fn output_reads_back_the_requested_values(src in script(), raw in raw_overrides()) {
        let overrides = validated(&raw);
        let out = updated(&src, &overrides);
        reads_back(&src, &raw, &overrides, &out)?;
        let new = located(&out);
        prop_assert_eq!(count_of(&new, "name"), 1);
        prop_assert_eq!(count_of(&new, "every") + count_of(&new, "cron"), 1);
        prop_assert_eq!(errors(&out), Vec::<String>::new(), "{}", out);
    }

    /// (d) for records that lack keys, down to `{}`: missing keys are appended in the
    /// record's own layout and read back, and a second application changes nothing.
    #[test]
    fn missing_keys_are_appended_and_read_back(src in partial_script(), raw in raw_overrides()) {
        let overrides = validated(&raw);
        let out = updated(&src, &overrides);
        reads_back(&src, &raw, &overrides, &out)?;
        prop_assert_eq!(updated(&out, &overrides), out);
    }

    /// (f) The `flux` PATCH body parses back to exactly the edited script.
    #[test]
    fn flux_body_round_trips_through_json(src in script(), raw in raw_overrides()) {
        let overrides = validated(&raw);
        let out = updated(&src, &overrides);
        let json = payload::to_json(&payload::body(Mode::Flux, &out, &overrides, &TaskFields::default()));
        prop_assert!(json.ends_with('\n'));
        prop_assert!(!json.trim_end_matches('\n').contains('\n'), "one line of JSON");
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        prop_assert_eq!(value.as_object().map(|o| o.len()), Some(1));
        prop_assert_eq!(value["flux"].as_str(), Some(out.as_str()));
    }
}

// ---------------------------------------------------------------------------------------
// String literals and shell quoting
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(1024))]

    /// (e) Any text encodes to one plain string token (no interpolation) that decodes back
    /// to the same text (§5.1, including the `$` quirk).
    #[test]
    fn encode_scans_as_one_string_and_decodes_back(
        text in prop_oneof![any::<String>(), name_value()]
    ) {
        let literal = encode(&text);
        let tokens: Vec<_> = Lexer::new(&literal)
            .collect::<Result<_, _>>()
            .map_err(|e| TestCaseError::fail(format!("{literal}: {e:?}")))?;
        prop_assert_eq!(tokens.len(), 1, "{}", literal);
        prop_assert_eq!(tokens[0].kind, Kind::String, "{}", literal);
        prop_assert_eq!(tokens[0].span.range(), 0..literal.len());
        prop_assert_eq!(decode(&literal), Ok(text));
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// (g) `shell_quote` survives a real POSIX shell: `printf '%s' <quoted>` prints the text.
    #[test]
    fn shell_quote_survives_sh(
        text in prop_oneof![any::<String>(), name_value(), Just("it's $HOME `id` \\ \"q\" \n".to_string())]
            .prop_map(|s| s.replace('\0', ""))
    ) {
        let script = format!("printf '%s' {}", payload::shell_quote(&text));
        let out = Command::new("sh").arg("-c").arg(&script).output().expect("runs sh");
        prop_assert!(out.status.success(), "{}: {}", script, String::from_utf8_lossy(&out.stderr));
        let printed = String::from_utf8(out.stdout);
        prop_assert_eq!(printed.as_deref(), Ok(text.as_str()));
    }
}

// ---------------------------------------------------------------------------------------
// Robustness: no panic on arbitrary or damaged input
// ---------------------------------------------------------------------------------------

/// Pieces of Flux syntax, so random text reaches deep into the scanner and the record parser.
const FRAGMENTS: &[&str] = &[
    "option",
    " task",
    " = ",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "${",
    "$",
    "\\",
    "\\\"",
    "/",
    "//",
    "\n",
    "\r",
    " ",
    "name",
    "every",
    "cron",
    "offset",
    "1h",
    "5µs",
    "1.5",
    "0",
    "01",
    "2024-01-01",
    "T00:00:00",
    "Z",
    "=~",
    "|>",
    "=>",
    "with",
    "import",
    "\"x\"",
    "é",
    "\u{feff}",
    "\0",
    ";",
    "-",
    ".",
    "@",
    "<-",
    "\\x4",
    "\\x41",
];

fn damaged(src: String, op: u8, at: Index, c: char) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    if chars.is_empty() {
        return c.to_string();
    }
    let i = at.index(chars.len());
    match op % 3 {
        0 => chars.insert(i, c),
        1 => {
            chars.remove(i);
        }
        _ => chars[i] = c,
    }
    chars.into_iter().collect()
}

fn mutated_script() -> impl Strategy<Value = String> {
    let interesting = prop_oneof![
        select(
            &[
                '"', '{', '}', '$', '\\', '/', '\n', '\r', ',', ':', '(', '`', '\0', 'µ'
            ][..]
        ),
        any::<char>(),
    ];
    (
        script(),
        proptest::collection::vec((any::<u8>(), any::<Index>(), interesting), 1..4),
    )
        .prop_map(|(mut src, edits)| {
            for (op, at, c) in edits {
                src = damaged(src, op, at, c);
            }
            src
        })
}

fn arbitrary_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(any::<u8>(), 0..512)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        proptest::collection::vec(select(FRAGMENTS), 0..64).prop_map(|v| v.concat()),
    ]
}

/// Runs every entry point on `src`; a panic fails the property. Where the script locates, an
/// update either succeeds or reports a located reason, never an internal error.
fn survives(src: &str, overrides: &Overrides) -> Result<(), TestCaseError> {
    let located = locate(src);
    let diagnostics = check(src);
    if let Err(e) = &located {
        prop_assert!(e.offset <= src.len(), "offset {} past the end", e.offset);
        prop_assert_eq!(diagnostics.len(), 1);
        prop_assert_eq!(diagnostics[0].code, e.code.as_str());
    }
    for d in &diagnostics {
        prop_assert!(d.span.start <= d.span.end && d.span.end <= src.len());
    }
    match update(src, overrides) {
        Ok(u) => prop_assert!(
            located.is_ok(),
            "updated a script that does not locate: {}",
            u.output
        ),
        Err(UpdateError::Locate(e)) => prop_assert_eq!(Err(e), located.map(|_| ())),
        Err(UpdateError::Internal(message)) => {
            return Err(TestCaseError::fail(format!(
                "internal error: {message}\n--- script ---\n{src}"
            )));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    /// `locate`, `check` and `update` never panic on arbitrary text.
    #[test]
    fn arbitrary_text_never_panics(src in arbitrary_text(), raw in raw_overrides()) {
        survives(&src, &validated(&raw))?;
    }

    /// …nor on valid scripts with a few characters inserted, deleted or replaced.
    #[test]
    fn damaged_scripts_never_panic(src in mutated_script(), raw in raw_overrides()) {
        survives(&src, &validated(&raw))?;
    }
}

// ---------------------------------------------------------------------------------------
// Regressions found by these properties
// ---------------------------------------------------------------------------------------

/// Found by `missing_keys_are_appended_and_read_back`: `option task = {\n    every: 1h\n}` with
/// `--name x --offset 5m` once joined the new lines without a comma.
#[test]
fn appending_several_keys_without_trailing_comma() {
    let overrides = validated(&RawOverrides {
        name: Some("x".into()),
        offset: Some("5m".into()),
        ..RawOverrides::default()
    });
    // The record's own style: one property per line, no trailing comma (as for one key).
    let cases = [
        (
            "option task = {\n    every: 1h\n}\n",
            "option task = {\n    every: 1h,\n    name: \"x\",\n    offset: 5m\n}\n",
        ),
        (
            "option task = {\n    every: 1h}\n",
            "option task = {\n    every: 1h,\n    name: \"x\",\n    offset: 5m}\n",
        ),
        (
            "option task = {\r\n\tcron: \"@daily\" // nightly\r\n}\r\n",
            "option task = {\r\n\tcron: \"@daily\", // nightly\r\n\tname: \"x\",\r\n\toffset: 5m\r\n}\r\n",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(
            update(src, &overrides).map(|u| u.output),
            Ok(want.to_string()),
            "{src:?}"
        );
    }
}
