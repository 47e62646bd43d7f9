//! Validates a task `cron:` string as `influxdata/cron` `ParseUTC` (commit 4bb0a200dcbe, used by
//! InfluxDB and Kapacitor) accepts it: spec §6. The library is a ragel state machine, and its
//! quirks are mirrored on purpose, since this check must agree with the server. Each one was
//! confirmed against the library's grammar compiled with ragel (its 2019-12 source plus the `w`
//! unit that influxdata/cron#12, the pinned commit, added).

use std::fmt;

/// Why a cron string is rejected: one line naming the field and the reason.
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
const NAMED: &str =
    "yearly annually monthly weekly daily midnight hourly every_minute every_second";
const UNITS: &str = "y, mo, w, d, h, m, s, ms, us or ns (`µs` is matched as bytes and fails)";
const DAYS: &str = "SUNMONTUEWEDTHUFRISAT";
const MONTHS: &str = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";

/// Ragel's `space`, which unlike `char::is_ascii_whitespace` includes `\v`.
fn is_space(b: u8) -> bool {
    b == b' ' || (9..=13).contains(&b)
}

fn is_sep(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_space)
}

/// Ragel's `allowedNonSpace`: the bytes a field may hold when fields are counted (§6.2).
fn is_field_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"/*,-".contains(&b)
}

fn scan(b: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    from + b[from..].iter().take_while(|&&c| keep(c)).count()
}

/// The library folds digits into a wrapping u64, so huge numbers wrap instead of failing.
fn number(digits: &[u8]) -> u64 {
    let add = |n: u64, d: &u8| n.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
    digits.iter().fold(0, add)
}

/// Ok(()) when influxdata/cron's ParseUTC would accept `s`.
pub fn validate(s: &str) -> Result<(), CronError> {
    let b = s.as_bytes();
    let first = scan(b, 0, is_space); // leading and trailing whitespace is allowed (§6.1)
    if b.get(first) == Some(&b'@') {
        return descriptor(&s[first + 1..]);
    }
    // §6.1: the library counts runs of field bytes up to the first other byte; the longest of
    // its 5-, 6- and 7-field patterns wins, and 8 or more runs are an error. Whatever follows
    // the last field and a space is never read, so `0 0 * * 1 # note` passes, as on the server.
    let stop = scan(b, first, |c| is_field_byte(c) || is_space(c));
    let (mut runs, mut i) = (Vec::new(), first);
    while i < stop {
        let end = scan(&b[..stop], i, is_field_byte);
        runs.push((i, end));
        i = scan(&b[..stop], end, is_space);
    }
    let Some(kinds) = layout(runs.len()) else {
        let total = s.split(is_sep).filter(|f| !f.is_empty()).count();
        if runs.len() > 7 || stop == b.len() {
            return fail(format!("expected 5, 6 or 7 fields, found {total}"));
        }
        // A stray byte cut the count short: name the field it sits in.
        let at = runs.len() - usize::from(runs.last().is_some_and(|r| r.1 == stop));
        let name = layout(total).map_or(format!("field {}", at + 1), |k| label(k.start + at));
        return fail(format!("{name}: {}", stray(&s[stop..])));
    };
    let mut fields = vec![Field::default(); runs.len()];
    let mut halt = None;
    for (n, (kind, &(from, to))) in kinds.clone().zip(&runs).enumerate() {
        if let Some(why) = read(kind, &s[from..to], &s[to..], &mut fields[n])? {
            halt = Some((n, why)); // the machine stops at the first bad byte, reading no further
            break;
        }
    }
    // §6.2: `valid()` needs every field but the seconds to select something. A halt fails the
    // string only when it left such a field empty, so `0 0 * * 1,5L` passes, as on the server.
    let empty = (0..runs.len()).find(|&n| !fields[n].any && kinds.start + n != SECOND);
    match (empty, halt) {
        (None, _) => Ok(()),
        (Some(n), Some((at, why))) if at <= n => fail(why),
        (Some(n), _) => fail(fields[n].why.take().unwrap_or_default()),
    }
}

/// Each field as the library sees it: [name, range shown, names allowed] and [`*` start,
/// `*` end, largest start, largest end, largest step]. Days of the month count from 0 there,
/// a range of them may end at 32, and weekday names count as 0-6 in that field (quirks, §6.2).
const SPECS: [([&str; 3], [u64; 5]); 7] = [
    (["second", "0-59", ""], [0, 59, 59, 59, 59]),
    (["minute", "0-59", ""], [0, 59, 59, 59, 59]),
    (["hour", "0-23", ""], [0, 23, 23, 23, 23]),
    (["day-of-month", "1-31", DAYS], [0, 30, 30, 31, 30]),
    (["month", "1-12", MONTHS], [1, 12, 12, 12, 12]),
    (["day-of-week", "0-6", DAYS], [0, 6, 7, 6, 7]),
    (["year", "1970-2099", ""], [1970, 2099, 2099, 2099, 128]),
];

/// A field is its index in `SPECS`; these are the ones the library treats specially.
const SECOND: usize = 0;
const DOM: usize = 3;
const MONTH: usize = 4;
const DOW: usize = 5;
const YEAR: usize = 6;

fn label(kind: usize) -> String {
    format!("{} field", SPECS[kind].0[0])
}

/// §6.1: the fields a count of `n` holds; 5 fix the seconds at 0 and only 7 give the year.
fn layout(n: usize) -> Option<std::ops::Range<usize>> {
    let skip = usize::from(n == 5);
    (5..=7).contains(&n).then_some(skip..skip + n)
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

type Value<'a> = Result<(usize, Option<Num<'a>>), usize>;
type Why = Result<Option<String>, CronError>;

/// Applies each element of one field; returns the message for the byte the machine stopped at.
fn read(kind: usize, text: &str, after: &str, f: &mut Field) -> Why {
    let mut i = 0;
    loop {
        let (j, parts) = match element(kind, text, i) {
            Ok(parsed) => parsed,
            Err(at) => return Ok(Some(stopped(kind, text, at, after))),
        };
        // An element counts once a comma, a space or the end follows it.
        let more = text.as_bytes().get(j) == Some(&b',');
        if !more && (j < text.len() || !after.bytes().next().is_none_or(is_space)) {
            return Ok(Some(stopped(kind, text, j, after)));
        }
        match apply(kind, &text[i..j], parts)? {
            Some(why) => _ = f.why.get_or_insert(why),
            None => f.any = true,
        }
        if !more {
            return Ok(None);
        }
        i = j + 1;
    }
}

/// §6.2 forms: `*`, `n` or `a-b`, then an optional `/step`; Err holds where the machine stopped.
fn element(kind: usize, t: &str, i: usize) -> Result<(usize, [Option<Num<'_>>; 3]), usize> {
    let (b, names) = (t.as_bytes(), SPECS[kind].0[2]);
    let first = u64::from(kind == MONTH);
    let (mut j, mut lo, mut hi, mut step) = (i + 1, None, None, None);
    if b.get(i) != Some(&b'*') {
        (j, lo) = value(t, i, names, first)?;
        if b.get(j) == Some(&b'-') {
            (j, hi) = value(t, j + 1, names, first)?;
        }
    }
    if b.get(j) == Some(&b'/') {
        (j, step) = value(t, j + 1, "", 0)?;
    }
    Ok((j, [lo, hi, step]))
}

/// A number, or a 3-letter name in any case counted from `first`, at byte `at`.
fn value<'a>(t: &'a str, at: usize, names: &str, first: u64) -> Value<'a> {
    let digits = scan(t.as_bytes(), at, |c| c.is_ascii_digit());
    let (text, v) = if digits > at {
        (&t[at..digits], number(&t.as_bytes()[at..digits]))
    } else {
        let word = t.get(at..at + 3).unwrap_or("");
        let mut names = names.as_bytes().chunks(3);
        let found = names.position(|n| n.eq_ignore_ascii_case(word.as_bytes()));
        (word, found.ok_or(at)? as u64 + first)
    };
    Ok((at + text.len(), Some(Num { v, text })))
}

/// Why the machine stopped at byte `at` of the field, or at what follows the field.
fn stopped(kind: usize, text: &str, at: usize, after: &str) -> String {
    let alpha = |c: char| c.is_ascii_alphabetic();
    let why = match text.as_bytes().get(at) {
        Some(c) if c.is_ascii_alphabetic() => {
            let from = text[..at].trim_end_matches(alpha).len();
            let word = &text[from..text.len() - text[at..].trim_start_matches(alpha).len()];
            match word.to_ascii_uppercase().as_str() {
                "L" | "W" | "LW" => format!("`{word}` {QUARTZ}"),
                _ => format!("unknown name `{word}`"),
            }
        }
        Some(&c) => format!("unexpected `{}` in `{text}`", c as char),
        None if after.bytes().next().is_none_or(is_space) => format!("`{text}` is incomplete"),
        None => stray(after),
    };
    format!("{}: {why}", label(kind))
}

fn stray(rest: &str) -> String {
    match rest.chars().next().unwrap_or(' ') {
        c @ ('?' | '#') => format!("`{c}` {QUARTZ}"),
        c => format!("unexpected character `{}`", c.escape_debug()),
    }
}

/// One element: the library's checks in its order, then None if it sets a bit of the field's
/// bitmap, or why it sets none.
fn apply(kind: usize, text: &str, [lo, hi, step]: [Option<Num>; 3]) -> Why {
    let ([name, span, _], [star_start, star_end, start_max, end_max, step_max]) = SPECS[kind];
    let shift = |n: &Num| n.v.wrapping_sub(u64::from(kind == DOM));
    // The library's start, end, step and last number read; a lone value has no end (0),
    // except in day-of-week (6) and year (itself).
    let (start, end, d, m) = match (&lo, &hi) {
        (None, _) => (star_start, star_end, 1, 0),
        (Some(a), None) if kind == DOW => (a.v, 6, 0, a.v),
        (Some(a), None) if kind == YEAR => (a.v, a.v, 0, a.v),
        (Some(a), None) => (shift(a), 0, 0, a.v),
        (Some(a), Some(b)) => (shift(a), shift(b), 1, b.v),
    };
    let (d, m) = step.as_ref().map_or((d, m), |s| (s.v, s.v));
    let end = if kind == DOW && end == 7 { 6 } else { end }; // 7 is Sunday only as a range end
    let min = if kind == YEAR { 1970 } else { 0 };
    let out = |n: &Option<Num>| {
        let text = n.as_ref().map_or("*", |n| n.text);
        fail(format!("{name} field: {text} is out of range {span}"))
    };
    if d > step_max {
        let (text, size) = (step.map_or("", |s| s.text), step_max + 1);
        let why = format!("{name} field: step {text} must be smaller than {size}");
        return fail(why);
    }
    if !(min..=start_max).contains(&start) {
        return out(&lo);
    }
    if !(min..=end_max).contains(&end) {
        return out(&hi);
    }
    if kind == DOW && start > end {
        return fail(match start {
            7 => format!("{name} field: 7 is accepted only as the end of a range such as `5-7`"),
            _ => format!("{name} field: range `{text}` must start before it ends"),
        });
    }
    let fits = end == 0 || start <= end; // an end of 0 means "no end", so `5-0` is 5 onwards
    let kept = |y: u64| y != 2034 && y != 2098; // Go shifts these by 64, which sets nothing
    let any = match kind {
        DOM if d == 0 => m != 0, // the bit is `1 << (m-1)`, so a step of 0 sets none
        MONTH => start != 0 && (d == 0 || fits),
        DOW => d == 0 || (start..=end).any(|v| v % d == 0), // steps count from Sunday
        YEAR => match d {
            0 => kept(start),
            1 if start == end => true,
            64.. => (start..=end).step_by(d as usize).any(kept),
            _ => end > start || kept(start),
        },
        _ => d == 0 || fits,
    };
    Ok((!any).then(|| match kind {
        MONTH if start == 0 => format!("{name} field: 0 is out of range {span}"),
        _ if !fits => format!("{name} field: range `{text}` must start before it ends"),
        DOM => format!("{name} field: step 0 in `{text}` selects no day"),
        DOW => format!("{name} field: `{text}` selects no day (steps count from Sunday)"),
        _ => format!("{name} field: `{text}` selects only 2034 or 2098, which are not stored"),
    }))
}

/// §6.3: a lowercase name and nothing after it but whitespace; `@every ` starts a duration.
fn descriptor(rest: &str) -> Result<(), CronError> {
    if rest.starts_with("every") && rest.as_bytes().get(5).is_some_and(|&c| is_space(c)) {
        return every(&rest[5..]);
    }
    let word = &rest[..scan(rest.as_bytes(), 0, |c| !is_space(c))];
    let tail = rest[word.len()..].trim_start_matches(is_sep);
    let tail = tail.escape_debug().to_string();
    let known = |w: &str| NAMED.split(' ').any(|d| d == w);
    match word {
        _ if known(word) && tail.is_empty() => Ok(()),
        _ if known(word) => fail(format!("nothing may follow `@{word}`, found `{tail}`")),
        "every" => fail(POSITIVE.into()),
        _ if known(&word.to_lowercase()) => fail(format!("`@{word}` must be lowercase")),
        _ => fail(format!("unknown descriptor `@{}`", word.escape_debug())),
    }
}

/// §6.4: <int><unit> pairs with optional whitespace between them.
fn every(spec: &str) -> Result<(), CronError> {
    let b = spec.as_bytes();
    let (mut years, mut months, mut days, mut nanos, mut i) = (0, 0, 0u32, 0u64, 0);
    while let Some(&c) = b.get(i) {
        if is_space(c) {
            i += 1;
            continue;
        }
        if b"dhmnuy".contains(&c) {
            break; // quirk: these letters end the scan unread, so `@every 1s yolo` passes
        }
        if !c.is_ascii_digit() {
            let spec = spec.trim_start_matches(is_sep).escape_debug();
            let bad = format!("@every duration `{spec}` is not <int><unit> pairs such as `1h30m`");
            return fail(if c == b'-' { POSITIVE.into() } else { bad });
        }
        let j = scan(b, i, |c| c.is_ascii_digit());
        let v = number(&b[i..j]);
        let at = |k| b.get(j + k).map(u8::to_ascii_lowercase);
        let (mut ns, mut len) = (0, 1);
        // The scanner takes the longest unit: `ms` and `mo` beat `m`, `hr` beats `h`.
        match (at(0), at(1)) {
            (Some(b'y'), _) => years = v,
            (Some(b'm'), Some(b'o')) => (months, len) = (v, 2),
            (Some(b'm'), Some(b's')) => (ns, len) = (1_000_000, 2),
            (Some(b'm'), _) => ns = 60_000_000_000,
            (Some(b'u'), s) => (ns, len) = (1_000, 1 + usize::from(s == Some(b's'))),
            (Some(b'n'), Some(b's')) => (ns, len) = (1, 2),
            (Some(b's'), _) => ns = 1_000_000_000,
            (Some(b'h'), r) => (ns, len) = (3_600_000_000_000, 1 + usize::from(r == Some(b'r'))),
            // Days and weeks share a slot each pair overwrites, so `1d0d` is zero; `w` came in
            // with influxdata/cron#12, the pinned commit.
            (Some(b'd'), _) => days = v as u32,
            (Some(b'w'), _) => days = v.wrapping_mul(7) as u32,
            _ => {
                let number = &spec[i..j];
                return fail(format!("@every duration: `{number}` needs a unit: {UNITS}"));
            }
        }
        nanos = nanos.wrapping_add(v.wrapping_mul(ns)); // Go's int64 nanoseconds wrap too
        i = j + len;
    }
    match years | months | u64::from(days) | nanos {
        0 => fail(POSITIVE.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::{CronError, QUARTZ, UNITS, validate};

    /// Accepted by the library: the §6 examples and the other forms, split at ` | `.
    const ACCEPTED: &str = "
        0 * * * * | */5 * * * * | 0 0 * * MON-FRI | 0 0 * * mon-fri | 0 0 1 jan * | 0 0 * * 5-7
        0 0 0 * * * 2025 | * * * * * * | 0-30/10 9-17 1,15 2-11/3 * | 5/15 * * * * | 0 0 * * 0-7
        0 0 * * */7 | 0 0 0 1 1 * 1970-2099/5 | 1-6/2 * * * Feb-Oct/3 * 2020/4 | 0 0 * * sun
        @yearly | @annually | @monthly | @weekly | @daily | @midnight | @hourly | @every_minute
        @every_second | @every 1w1d1s | @every 10s400ms700000us | @every 2hr1s | @every 7y1mo
        @every 1h30m | @every 1HR | @every 1u1us1ns | @every 3mo1ms";

    /// One rejected case a line: the input, ` => ` and the exact message, where QUARTZ and
    /// UNITS stand for the long shared endings.
    const REJECTED: &str = "
        1 2 3 4 5 6 7 8 => expected 5, 6 or 7 fields, found 8
        20 * * * => expected 5, 6 or 7 fields, found 4
        é 0 0 * * 1 => second field: unexpected character `é`
        60 * * * * => minute field: 60 is out of range 0-59
        * 24 * * * => hour field: 24 is out of range 0-23
        */60 * * * * => minute field: step 60 must be smaller than 60
        99999999999999999999 * * * * => minute field: 99999999999999999999 is out of range 0-59
        59-3 * * * * => minute field: range `59-3` must start before it ends
        0 0 0 * * => day-of-month field: 0 is out of range 1-31
        0 0 32 * * => day-of-month field: 32 is out of range 1-31
        0 0 SUN * * => day-of-month field: SUN is out of range 1-31
        0 0 5/0 * * => day-of-month field: step 0 in `5/0` selects no day
        0 0 * 0 * => month field: 0 is out of range 1-12
        0 0 * 13 * => month field: 13 is out of range 1-12
        0 0 * */13 * => month field: step 13 must be smaller than 13
        0 0 * * 7 => day-of-week field: 7 is accepted only as the end of a range such as `5-7`
        0 0 * * */8 => day-of-week field: step 8 must be smaller than 8
        0 0 * * sat-sun => day-of-week field: range `sat-sun` must start before it ends
        0 0 * * 5/7 => day-of-week field: `5/7` selects no day (steps count from Sunday)
        0 0 0 * * * 1969 => year field: 1969 is out of range 1970-2099
        0 0 0 * * * */129 => year field: step 129 must be smaller than 129
        0 0 0 * * * 2034 => year field: `2034` selects only 2034 or 2098, which are not stored
        0 0 ? * * => day-of-month field: `?` QUARTZ
        0 0 L * * => day-of-month field: `L` QUARTZ
        0 0 * * 1#2 => day-of-week field: `#` QUARTZ
        0 0 * * 5L => day-of-week field: `L` QUARTZ
        0 0 15W * * => day-of-month field: `W` QUARTZ
        0 0 LW * * => day-of-month field: `LW` QUARTZ
        0 0 * * MONDAY => day-of-week field: unknown name `MONDAY`
        0 0 * foo * => month field: unknown name `foo`
        0 0 * * 1- => day-of-week field: `1-` is incomplete
        0 0 * * 1-2-3 => day-of-week field: unexpected `-` in `1-2-3`
        0 0 * * 1% => day-of-week field: unexpected character `%`
        @reboot => unknown descriptor `@reboot`
        @DAILY => `@DAILY` must be lowercase
        @daily x => nothing may follow `@daily`, found `x`
        @every -1s => @every needs a positive duration such as `@every 1h30m`
        @every 0s => @every needs a positive duration such as `@every 1h30m`
        @every 1d0d => @every needs a positive duration such as `@every 1h30m`
        @every => @every needs a positive duration such as `@every 1h30m`
        @every food => @every duration `food` is not <int><unit> pairs such as `1h30m`
        @every 1s food => @every duration `1s food` is not <int><unit> pairs such as `1h30m`
        @every 5x => @every duration: `5` needs a unit: UNITS
        @every 1µs => @every duration: `1` needs a unit: UNITS";

    fn message(s: &str) -> String {
        validate(s).expect_err(s).message
    }

    #[test]
    fn accepts_the_spec_examples() {
        let spaced = [
            " 0 2 * * * ",
            "0\t0\t*\t*\t*",
            " @hourly \t",
            "@every  1h 30m",
        ];
        for s in ACCEPTED
            .split(['|', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .chain(spaced)
        {
            assert_eq!(validate(s), Ok(()), "{s:?}");
        }
    }

    /// The server accepts these too, so a preview must not reject them.
    #[test]
    fn accepts_the_library_quirks() {
        for s in [
            "0 0 MON * *",                  // weekday names count as 0-6 in day-of-month
            "0 0 31-32 * *",                // a day-of-month range may end at 32
            "0 0 * * 1 # note",             // nothing after the last field is read
            "0 0 * * 1,5L",                 // the halt at `L` leaves the field non-empty
            "0 0 * * *,",                   // a trailing comma in the last field
            "*/0 * * * *",                  // a step of 0 selects the value 0
            "59-3,5 * * * *",               // a reversed range just selects nothing
            "5-0 * * * *",                  // an end of 0 means "no end"
            "18446744073709551621 * * * *", // numbers wrap: this one is 5
            "@every 1s yolo",               // `y` ends the scan without an error
        ] {
            assert_eq!(validate(s), Ok(()), "{s:?}");
        }
    }

    #[test]
    fn rejects_with_exact_messages() {
        for line in REJECTED.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (input, want) = line.split_once(" => ").unwrap();
            let want = want.replace("QUARTZ", QUARTZ).replace("UNITS", UNITS);
            assert_eq!(message(input), want, "{input:?}");
        }
        for blank in ["", "   ", "\t"] {
            assert_eq!(message(blank), "expected 5, 6 or 7 fields, found 0");
        }
    }

    #[test]
    fn never_panics_and_reports_one_line() {
        let odd = [
            "\u{0}",
            "@",
            "@@every",
            "@every 99999999999999999999h",
            "* * * * 😀",
            "😀",
        ];
        for s in odd
            .into_iter()
            .chain(["0 0 * *\n1", "@daily\n\nx", "\u{b}0 0 * * *"])
        {
            if let Err(e) = validate(s) {
                assert!(
                    !e.message.contains('\n') && !e.message.is_empty(),
                    "{s:?}: {e}"
                );
            }
        }
    }

    #[test]
    fn error_displays_its_message() {
        let e = CronError {
            message: "hour field: 24 is out of range 0-23".into(),
        };
        assert_eq!(e.to_string(), e.message);
        assert!(std::error::Error::source(&e).is_none());
    }
}
