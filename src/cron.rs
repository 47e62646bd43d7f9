//! Validates a task `cron:` string the way `influxdata/cron` `ParseUTC` (commit 4bb0a200dcbe)
//! accepts it (spec §6). The library is a ragel state machine, and its quirks are mirrored on
//! purpose because this check must match what the server accepts. Each quirk was confirmed by
//! running the library's own grammar (see the report in the commit).

use std::fmt;

/// Why a cron string is rejected: one line that names the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronError {
    pub message: String,
}

impl fmt::Display for CronError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CronError {}

fn fail<T>(message: String) -> Result<T, CronError> {
    Err(CronError { message })
}

const QUARTZ: &str = "is not supported (influxdata/cron has no L, W, ? or #)";
const POSITIVE: &str = "@every needs a positive duration such as `@every 1h30m`";
const DESCRIPTORS: [&str; 9] = [
    "yearly",
    "annually",
    "monthly",
    "weekly",
    "daily",
    "midnight",
    "hourly",
    "every_minute",
    "every_second",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// Ragel's `space` class, which also counts `\v` (§6.1).
fn is_space(b: u8) -> bool {
    b == b' ' || (9..=13).contains(&b)
}

/// Ragel's `allowedNonSpace`: the bytes a field may hold when fields are counted (§6.2).
fn is_field_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"/*,-".contains(&b)
}

fn scan(b: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    b[from..]
        .iter()
        .position(|&c| !keep(c))
        .map_or(b.len(), |n| from + n)
}

/// The library folds digits into a u64 that wraps, so huge numbers wrap rather than fail (§6.2).
fn number(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |n, d| {
        n.wrapping_mul(10).wrapping_add(u64::from(d - b'0'))
    })
}

/// User text inside a message: control characters are escaped so the message stays one line.
fn show(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Ok(()) when influxdata/cron's ParseUTC would accept `s`.
pub fn validate(s: &str) -> Result<(), CronError> {
    let b = s.as_bytes();
    let first = scan(b, 0, is_space); // leading whitespace is skipped (§6.1)
    if b.get(first) == Some(&b'@') {
        return descriptor(&s[first + 1..]);
    }
    // §6.1: the scanner counts runs of field bytes up to the first other byte; the longest of
    // its 5-, 6- and 7-field patterns wins and 8 or more runs are an error. What follows the
    // last field after a space is never read, so `0 0 * * 1 # note` passes like the server.
    let (mut runs, mut i) = (Vec::new(), first);
    while i < b.len() && (is_field_byte(b[i]) || is_space(b[i])) {
        let end = scan(
            b,
            i,
            if is_field_byte(b[i]) {
                is_field_byte
            } else {
                is_space
            },
        );
        if is_field_byte(b[i]) {
            runs.push((i, end));
        }
        i = end;
    }
    let total = s
        .split(|c: char| c.is_ascii() && is_space(c as u8))
        .filter(|f| !f.is_empty());
    let total = total.count();
    let Some(kinds) = layout(runs.len()) else {
        if runs.len() < 5 && i < b.len() {
            let at = runs.len() - usize::from(runs.last().is_some_and(|r| r.1 == i));
            let label = layout(total).map_or(format!("field {}", at + 1), |k| k[at].label());
            return fail(format!("{label}: {}", stray(&s[i..])));
        }
        return fail(format!("expected 5, 6 or 7 fields, found {total}"));
    };
    let mut fields = vec![Field::default(); kinds.len()];
    let mut stop = None;
    for (n, (kind, &(from, to))) in kinds.iter().zip(&runs).enumerate() {
        // The last element of a field counts only if a space or the end follows it (§6.2).
        let ends_well = to == b.len() || is_space(b[to]);
        if let Some(why) = parse_field(*kind, &s[from..to], &s[to..], ends_well, &mut fields[n])? {
            stop = Some((n, why));
            break; // the machine stops at the first bad byte; nothing after it is read
        }
    }
    // §6.2: `valid()` wants every field but the seconds to select something; a stop is only
    // fatal when it left a field empty, so `0 0 * * 1,5L` passes like the server.
    for (n, kind) in kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| **k != Kind::Second)
    {
        if !fields[n].any {
            return match stop {
                Some((at, why)) if at <= n => fail(why),
                _ => fail(
                    fields[n]
                        .why
                        .take()
                        .unwrap_or(format!("{} selects nothing", kind.label())),
                ),
            };
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Second,
    Minute,
    Hour,
    Dom,
    Month,
    Dow,
    Year,
}

impl Kind {
    fn label(self) -> String {
        let name = [
            "second",
            "minute",
            "hour",
            "day-of-month",
            "month",
            "day-of-week",
            "year",
        ];
        format!("{} field", name[self as usize])
    }

    /// Weekday names also work in day-of-month, as 0-6, so `SUN` fails there (quirk, §6.2).
    fn names(self) -> &'static [&'static str] {
        match self {
            Kind::Dom | Kind::Dow => &DAYS,
            Kind::Month => &MONTHS,
            _ => &[],
        }
    }
}

/// §6.1: 5 fields have no seconds (fixed at 0) and 5 or 6 fields allow any year.
fn layout(n: usize) -> Option<&'static [Kind]> {
    use Kind::*;
    const ALL: [Kind; 7] = [Second, Minute, Hour, Dom, Month, Dow, Year];
    match n {
        5 => Some(&ALL[1..6]),
        6 => Some(&ALL[..6]),
        7 => Some(&ALL),
        _ => None,
    }
}

/// Whether some element selected a value, and why the first empty one selected none.
#[derive(Clone, Default)]
struct Field {
    any: bool,
    why: Option<String>,
}

/// A number or a name, with the text it came from.
struct Num<'a> {
    v: u64,
    text: &'a str,
}

/// Returns the message for the byte where the machine stopped, if it stopped.
fn parse_field(
    kind: Kind,
    text: &str,
    after: &str,
    ends_well: bool,
    field: &mut Field,
) -> Result<Option<String>, CronError> {
    let t = text.as_bytes();
    let mut i = 0;
    loop {
        let elem = element(kind, text, i);
        let (j, lo, hi, step) = match elem {
            Ok(parts) => parts,
            Err(at) => return Ok(Some(stopped(kind, text, at, after))),
        };
        let more = t.get(j) == Some(&b',');
        if !more && !(j == t.len() && ends_well) {
            return Ok(Some(stopped(kind, text, j, after)));
        }
        apply(kind, &text[i..j], lo, hi, step, field)?;
        if !more {
            return Ok(None);
        }
        i = j + 1;
    }
}

type Parts<'a> = (usize, Option<Num<'a>>, Option<Num<'a>>, Option<Num<'a>>);

/// §6.2 forms: `*`, `n`, `a-b`, each with an optional `/step`; Err is where it stopped.
fn element(kind: Kind, text: &str, i: usize) -> Result<Parts<'_>, usize> {
    let t = text.as_bytes();
    let value = |at: usize, names: &[&str]| -> Result<(Num<'_>, usize), usize> {
        let end = scan(t, at, |c| c.is_ascii_digit());
        if end > at {
            return Ok((
                Num {
                    v: number(&t[at..end]),
                    text: &text[at..end],
                },
                end,
            ));
        }
        let word = text.get(at..at + 3).unwrap_or("");
        let v = names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(word))
            .ok_or(at)?;
        Ok((
            Num {
                v: v as u64 + u64::from(kind == Kind::Month),
                text: word,
            },
            at + 3,
        ))
    };
    let (mut j, mut lo, mut hi) = (i + 1, None, None);
    if t.get(i) != Some(&b'*') {
        let (a, end) = value(i, kind.names())?;
        (lo, j) = (Some(a), end);
        if t.get(j) == Some(&b'-') {
            let (b, end) = value(j + 1, kind.names())?;
            (hi, j) = (Some(b), end);
        }
    }
    if t.get(j) != Some(&b'/') {
        return Ok((j, lo, hi, None));
    }
    let (step, end) = value(j + 1, &[])?;
    Ok((end, lo, hi, Some(step)))
}

/// The message for the byte at `at` of the field, or for what follows the field.
fn stopped(kind: Kind, text: &str, at: usize, after: &str) -> String {
    let (t, label) = (text.as_bytes(), kind.label());
    match t.get(at) {
        Some(c) if c.is_ascii_alphabetic() => {
            let from = t[..at]
                .iter()
                .rposition(|c| !c.is_ascii_alphabetic())
                .map_or(0, |p| p + 1);
            let word = &text[from..scan(t, at, |c| c.is_ascii_alphabetic())];
            match word.to_ascii_uppercase().as_str() {
                "L" | "W" | "LW" => format!("{label}: `{word}` {QUARTZ}"),
                _ => format!("{label}: unknown name `{word}`"),
            }
        }
        Some(&c) => format!("{label}: unexpected `{}` in `{text}`", c as char),
        None if after.is_empty() || is_space(after.as_bytes()[0]) => {
            format!("{label}: `{text}` is incomplete")
        }
        None => format!("{label}: {}", stray(after)),
    }
}

fn stray(rest: &str) -> String {
    match rest.chars().next() {
        Some(c @ ('?' | '#')) => format!("`{c}` {QUARTZ}"),
        c => format!(
            "unexpected character `{}`",
            show(&c.map(String::from).unwrap_or_default())
        ),
    }
}

/// One element's checks, in the library's order, and whether it selects a value.
fn apply(
    kind: Kind,
    text: &str,
    lo: Option<Num>,
    hi: Option<Num>,
    step: Option<Num>,
    field: &mut Field,
) -> Result<(), CronError> {
    use Kind::*;
    let label = kind.label();
    let (star_end, star_m) = match kind {
        Second | Minute => (59, 1),
        Hour => (23, 1),
        Dom => (30, 0),
        Month => (12, 0),
        Dow => (6, 0),
        Year => (2099, 0),
    };
    // The library's start, end, step and last number; day-of-month counts from 0 (§6.2).
    let shift = |n: &Num| {
        if kind == Dom {
            n.v.wrapping_sub(1)
        } else {
            n.v
        }
    };
    let star_start = match kind {
        Month => 1,
        Year => 1970,
        _ => 0,
    };
    let (start, mut end, mut d, mut m) = match (&lo, &hi) {
        (None, _) => (star_start, star_end, 1, star_m),
        (Some(a), None) => {
            // A lone value ends at 0 ("no end"), except day-of-week (6) and year (itself).
            let end = match kind {
                Dow => 6,
                Year => a.v,
                _ => 0,
            };
            (shift(a), end, 0, a.v)
        }
        (Some(a), Some(b)) => (shift(a), shift(b), 1, b.v),
    };
    if let Some(s) = &step {
        (d, m) = (s.v, s.v);
    }
    let text_of = |n: &Option<Num>| n.as_ref().map_or("*", |n| n.text).to_string();
    let range = |n: &Option<Num>, span: &str| {
        fail(format!("{label}: {} is out of range {span}", text_of(n)))
    };
    let step_text = text_of(&step);
    let too_big = |rule: &str| fail(format!("{label}: step {step_text} must be {rule}"));
    let any = match kind {
        Second | Minute | Hour => {
            let (size, span) = if kind == Hour {
                (24, "0-23")
            } else {
                (60, "0-59")
            };
            if d >= size {
                return too_big(&format!("smaller than {size}"));
            }
            if start >= size {
                return range(&lo, span);
            }
            if end >= size {
                return range(&hi, span);
            }
            d == 0 || end == 0 || start <= end // an end of 0 means "no end": `5-0` is 5-59
        }
        Dom => {
            if d >= 31 {
                return too_big("smaller than 31");
            }
            if start > 30 {
                return range(&lo, "1-31");
            }
            if end > 31 {
                return range(&hi, "1-31"); // the library lets 32 end a range
            }
            if d == 0 {
                m != 0
            } else {
                end == 0 || start <= end
            } // `5/0` selects nothing
        }
        Month => {
            if d > 12 {
                return too_big("at most 12");
            }
            if start > 12 {
                return range(&lo, "1-12");
            }
            if end > 12 {
                return range(&hi, "1-12");
            }
            start != 0 && (d == 0 || end == 0 || start <= end)
        }
        Dow => {
            if d > 7 {
                return too_big("at most 7");
            }
            if start > 7 {
                return range(&lo, "0-6");
            }
            end = if end == 7 { 6 } else { end }; // 7 is clamped to 6 only as a range end
            if end > 6 {
                return range(&hi, "0-6");
            }
            if start > end {
                let why = if start == 7 {
                    "7 is accepted only as the end of a range"
                } else {
                    "range start must be before end"
                };
                return fail(format!("{label}: {why}, found `{text}`"));
            }
            d == 0 || (start..=end).any(|v| v % d == 0) // steps count from Sunday, not start
        }
        Year => {
            if d > 128 {
                return too_big("at most 128");
            }
            if !(1970..=2099).contains(&start) {
                return range(&lo, "1970-2099");
            }
            if !(1970..=2099).contains(&end) {
                return range(&hi, "1970-2099");
            }
            // The year bitmap loses 2034 and 2098 (a shift by 64 is 0 in Go).
            let kept = |y: u64| y != 2034 && y != 2098;
            match d {
                0 => kept(start),
                1 if start == end => true,
                64.. => (start..=end).step_by(d as usize).any(kept),
                _ => end > start || kept(start),
            }
        }
    };
    field.any |= any;
    if !any && field.why.is_none() {
        field.why = Some(match kind {
            Month if start == 0 => format!("{label}: 0 is out of range 1-12"),
            Dom if d == 0 => format!("{label}: step 0 in `{text}` selects no day"),
            Dow => format!("{label}: `{text}` selects no day (steps count from 0, Sunday)"),
            Year if d < 64 || start <= end => {
                format!(
                    "{label}: `{text}` selects only 2034 or 2098, which influxdata/cron cannot store"
                )
            }
            _ => format!("{label}: range `{text}` has its start after its end"),
        });
    }
    Ok(())
}

/// §6.3: lowercase names, nothing but whitespace after them.
fn descriptor(rest: &str) -> Result<(), CronError> {
    if let Some(spec) = rest.strip_prefix("every") {
        if spec.as_bytes().first().is_some_and(|&c| is_space(c)) {
            return every(spec);
        }
    }
    let word = &rest[..scan(rest.as_bytes(), 0, |c| !is_space(c))];
    let tail = rest[word.len()..].trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
    if DESCRIPTORS.contains(&word) {
        return match tail {
            "" => Ok(()),
            _ => fail(format!(
                "nothing may follow `@{word}`, found `{}`",
                show(tail)
            )),
        };
    }
    if word == "every" {
        return fail(POSITIVE.to_string());
    }
    let case = if DESCRIPTORS.contains(&word.to_lowercase().as_str()) {
        " (descriptors are lowercase)"
    } else {
        ""
    };
    fail(format!("unknown descriptor `@{}`{case}", show(word)))
}

enum Unit {
    Years,
    Months,
    Days(u64),
    Nanos(u64),
}

/// §6.4: <int><unit> pairs, spaces allowed between them.
fn every(spec: &str) -> Result<(), CronError> {
    let b = spec.as_bytes();
    let (mut years, mut months, mut days, mut nanos) = (0u64, 0u64, 0u32, 0u64);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if is_space(c) {
            i += 1;
            continue;
        }
        if !c.is_ascii_digit() {
            if b"dhmnuy".contains(&c) {
                break; // quirk: these letters silently end the scan, so `@every 1s yolo` passes
            }
            if c == b'-' {
                return fail(POSITIVE.to_string());
            }
            let what = spec.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
            return fail(format!(
                "@every duration `{}` is not <int><unit> pairs such as `1h30m`",
                show(what)
            ));
        }
        let j = scan(b, i, |c| c.is_ascii_digit());
        let v = number(&b[i..j]);
        let at = |k: usize| b.get(j + k).map(u8::to_ascii_lowercase);
        // Longest match wins, as in the ragel scanner: `ms` and `mo` beat `m`.
        let (unit, len) = match (at(0), at(1)) {
            (Some(b'y'), _) => (Unit::Years, 1),
            (Some(b'm'), Some(b'o')) => (Unit::Months, 2),
            (Some(b'm'), Some(b's')) => (Unit::Nanos(1_000_000), 2),
            (Some(b'm'), _) => (Unit::Nanos(60_000_000_000), 1),
            (Some(b'u'), s) => (Unit::Nanos(1_000), 1 + usize::from(s == Some(b's'))),
            (Some(b'n'), Some(b's')) => (Unit::Nanos(1), 2),
            (Some(b's'), _) => (Unit::Nanos(1_000_000_000), 1),
            (Some(b'h'), r) => (
                Unit::Nanos(3_600_000_000_000),
                1 + usize::from(r == Some(b'r')),
            ),
            (Some(b'd'), _) => (Unit::Days(1), 1),
            (Some(b'w'), _) => (Unit::Days(7), 1), // added by influxdata/cron#12 (4bb0a200)
            _ => {
                let why = match spec[j..].starts_with('µ') {
                    true => "`µ` is not understood (the grammar matches bytes), write `us`",
                    false => "needs a unit: y, mo, w, d, h, m, s, ms, us or ns",
                };
                return fail(format!("@every duration: `{}` {why}", &spec[i..j]));
            }
        };
        // Years, months and days are each one slot that a later pair overwrites, so `1d0d` is
        // zero; the rest add up as Go's wrapping nanoseconds.
        match unit {
            Unit::Years => years = v,
            Unit::Months => months = v,
            Unit::Days(k) => days = v.wrapping_mul(k) as u32,
            Unit::Nanos(ns) => nanos = nanos.wrapping_add(v.wrapping_mul(ns)),
        }
        i = j + len;
    }
    if years == 0 && months == 0 && days == 0 && nanos == 0 {
        return fail(POSITIVE.to_string());
    }
    Ok(())
}
