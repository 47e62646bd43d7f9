//! From fuzz bytes to a script and overrides.
//!
//! A fuzz input is the script as it would be on disk, so the seed files (`.flux` scripts)
//! are valid inputs as they are. The `update` target reads an optional trailer: everything
//! after the first NUL byte (never part of a usable Flux script) chooses override values
//! through `arbitrary`.

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use fluxtask::overrides::{Overrides, RawOverrides};

/// The script in `data`, as the CLI reads it: UTF-8 or refused (the refusal must not panic).
pub fn script(data: &[u8]) -> Option<&str> {
    match std::str::from_utf8(data) {
        Ok(src) => Some(src),
        Err(_) => {
            let refused = fluxtask::files::decode(data.to_vec());
            assert!(refused.is_err(), "files::decode accepted invalid UTF-8");
            None
        }
    }
}

/// The script, and the override trailer after the first NUL byte if there is one.
pub fn split(data: &[u8]) -> (&[u8], Option<&[u8]>) {
    match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], Some(&data[nul + 1..])),
        None => (data, None),
    }
}

/// Edits every script of the `update` target goes through, whatever its trailer.
pub fn fixed_overrides() -> &'static [Overrides] {
    static FIXED: OnceLock<Vec<Overrides>> = OnceLock::new();
    FIXED.get_or_init(|| {
        let sets: [[Option<&str>; 4]; 10] = [
            // name, every, cron, offset
            [None, Some("2h"), None, None],
            [None, None, Some("0 * * * *"), None],
            [None, None, None, Some("")],
            [None, None, None, Some("-5m")],
            [Some("renamed ${x} \"q\" $\\"), None, None, None],
            [Some("n"), Some("1h30m"), None, Some("10m")],
            [None, None, Some("*/5 * * * *"), Some("0s")],
            [Some("a\nb\u{85}"), Some("1s"), None, Some("")],
            [Some("x"), None, Some("@every 1h"), Some("1h")],
            [None, Some("1mo"), None, Some("30s")],
        ];
        sets.iter()
            .map(|[name, every, cron, offset]| {
                let raw = RawOverrides {
                    name: name.map(String::from),
                    every: every.map(String::from),
                    cron: cron.map(String::from),
                    offset: offset.map(String::from),
                };
                Overrides::new(&raw)
                    .unwrap_or_else(|e| panic!("fixed override set {raw:?} is refused: {e}"))
            })
            .collect()
    })
}

/// Override values chosen by the fuzzer. Invalid values must be refused without a panic;
/// the valid ones are kept, so most trailers end up as some edit.
pub fn overrides(trailer: &[u8]) -> Overrides {
    let Ok(choice) = Choice::arbitrary_take_rest(Unstructured::new(trailer)) else {
        return Overrides::default();
    };
    let raw = RawOverrides {
        name: choice.name.map(|v| v.text(NAMES)),
        every: choice.every.map(|v| v.text(EVERIES)),
        cron: choice.cron.map(|v| v.text(CRONS)),
        offset: choice.offset.map(|v| v.text(OFFSETS)),
    };
    if let Ok(valid) = Overrides::new(&raw) {
        return valid;
    }
    // Keep each value that is valid on its own; `every` wins over `cron`.
    let mut kept = Overrides::default();
    if let Some(name) = raw.name.clone() {
        kept.name = alone_value(name, |r, v| r.name = Some(v)).and_then(|o| o.name);
    }
    if let Some(every) = raw.every.clone() {
        kept.every = alone_value(every, |r, v| r.every = Some(v)).and_then(|o| o.every);
    }
    if kept.every.is_none()
        && let Some(cron) = raw.cron.clone()
    {
        kept.cron = alone_value(cron, |r, v| r.cron = Some(v)).and_then(|o| o.cron);
    }
    if let Some(offset) = raw.offset.clone() {
        kept.offset = alone_value(offset, |r, v| r.offset = Some(v)).and_then(|o| o.offset);
    }
    kept
}

fn alone_value(value: String, set: fn(&mut RawOverrides, String)) -> Option<Overrides> {
    let mut one = RawOverrides::default();
    set(&mut one, value);
    Overrides::new(&one).ok()
}

#[derive(Debug, Arbitrary)]
struct Choice {
    name: Option<Value>,
    every: Option<Value>,
    cron: Option<Value>,
    offset: Option<Value>,
}

/// One override value.
#[derive(Debug, Arbitrary)]
enum Value {
    /// One of the field's known values (`NAMES`, `EVERIES`, …).
    Known(u8),
    /// A duration built from parts, such as `-1h30m`.
    Duration {
        negative: bool,
        parts: Vec<(u16, Unit)>,
    },
    /// A five-field (or, with `seconds`, six-field) cron expression.
    Cron {
        seconds: Option<CronField>,
        fields: [CronField; 5],
    },
    /// Any text at all.
    Raw(String),
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Unit {
    Ns,
    Us,
    Ms,
    S,
    M,
    H,
    D,
    W,
    Mo,
    Y,
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum CronField {
    Star,
    Number(u8),
    Range(u8, u8),
    Step(u8),
    List(u8, u8),
}

const NAMES: &[&str] = &[
    "rollup",
    "a",
    "${x}",
    "a$\"b",
    "a$\\b",
    "a$",
    "$$${{}}$\\$\"$",
    "line\nnext\ttab",
    "nul\0bell\u{7}",
    "\u{85}",
    "🦄 ｈ",
    "\"",
    "\\",
    "//",
    "}",
    "{",
    "\r\n",
];
const EVERIES: &[&str] = &[
    "1h",
    "2h",
    "90m",
    "1h30m",
    "1s",
    "10s",
    "1mo",
    "1y",
    "1w",
    "1d",
    "15m0s",
    "1h0m0s",
    "0s",
    "-1h",
    "1.5h",
    "1000000000ns",
    "1m60s",
];
const CRONS: &[&str] = &[
    "0 * * * *",
    "*/5 * * * *",
    "@hourly",
    "@every 1h",
    "0 0 * * 1-5",
    "30 18 * * MON-FRI",
    "0 0 0 * * *",
    "\"",
    "${x} * * * *",
];
const OFFSETS: &[&str] = &[
    "", "0s", "5m", "-5m", "1h30m", "-1h", "30s", "1d", "-0s", "- 5m", "1m0s",
];

impl Value {
    fn text(self, known: &[&str]) -> String {
        match self {
            Value::Known(i) => known[usize::from(i) % known.len()].to_string(),
            Value::Duration { negative, parts } => {
                let mut text = if negative {
                    "-".to_string()
                } else {
                    String::new()
                };
                for (n, unit) in parts {
                    text.push_str(&n.to_string());
                    text.push_str(unit.as_str());
                }
                text
            }
            Value::Cron { seconds, fields } => {
                let mut words: Vec<String> = seconds.iter().map(|f| f.text()).collect();
                words.extend(fields.iter().map(|f| f.text()));
                words.join(" ")
            }
            Value::Raw(text) => text,
        }
    }
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Unit::Ns => "ns",
            Unit::Us => "us",
            Unit::Ms => "ms",
            Unit::S => "s",
            Unit::M => "m",
            Unit::H => "h",
            Unit::D => "d",
            Unit::W => "w",
            Unit::Mo => "mo",
            Unit::Y => "y",
        }
    }
}

impl CronField {
    fn text(self) -> String {
        match self {
            CronField::Star => "*".into(),
            CronField::Number(n) => (n % 64).to_string(),
            CronField::Range(a, b) => format!("{}-{}", a % 64, b % 64),
            CronField::Step(n) => format!("*/{}", n % 64),
            CronField::List(a, b) => format!("{},{}", a % 64, b % 64),
        }
    }
}
