//! Flux duration literals and the server's rules for the `every` and `offset` task options.
//!
//! Grammar (§5.3): one or more int+unit pairs, no spaces, no sign, no fractions, case-sensitive
//! units with longest match. A magnitude is `0` or digits not starting with 0 (§5.4 "Numbers";
//! libflux scanner.rl: `int_lit = "0" | decimal_lit`, `duration_lit = (int_lit duration_unit)+`),
//! so `01h` is rejected; above i64::MAX is rejected too, since libflux parses magnitudes as i64.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Year,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Milli,
    Micro,
    Nano,
}

const SEC: i128 = 1_000_000_000;
const DAY: i128 = 86_400 * SEC;
/// Spelling and length of each unit, in declaration order (indexed by `unit as usize`), with
/// the server's approximation in `ast.DurationFrom` (§3.1 step 6): mo = 4w (28 days), y = 52w.
const UNITS: [(Unit, &str, i128); 10] = [
    (Unit::Year, "y", 52 * 7 * DAY),
    (Unit::Month, "mo", 4 * 7 * DAY),
    (Unit::Week, "w", 7 * DAY),
    (Unit::Day, "d", DAY),
    (Unit::Hour, "h", 3600 * SEC),
    (Unit::Minute, "m", 60 * SEC),
    (Unit::Second, "s", SEC),
    (Unit::Milli, "ms", 1_000_000),
    (Unit::Micro, "us", 1_000),
    (Unit::Nano, "ns", 1),
];

impl Unit {
    pub fn as_str(self) -> &'static str {
        UNITS[self as usize].1
    }

    /// Exact spellings only (§5.3): `µs` is U+00B5 MICRO SIGN; Greek mu U+03BC is not a unit.
    fn from_text(text: &str) -> Option<Unit> {
        let text = if text == "\u{b5}s" { "us" } else { text };
        UNITS.iter().find(|u| u.1 == text).map(|u| u.0)
    }

    fn nanos(self) -> i128 {
        UNITS[self as usize].2
    }
}

/// A Flux duration literal such as `1h30m`. Magnitudes are u64 (limited to i64::MAX on parse).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duration {
    pub parts: Vec<(u64, Unit)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    pub message: String,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DurationError {}

/// A rejected option value: why, and what to write instead when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub reason: String,
    pub hint: Option<String>,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.hint {
            Some(hint) => write!(f, "{}; {hint}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for ValueError {}

/// What is wrong, and what to write instead; the option name is added by the caller.
struct Problem(String, Option<String>);

fn fail<T>(what: impl Into<String>, hint: Option<String>) -> Result<T, Problem> {
    Err(Problem(what.into(), hint))
}

impl Duration {
    /// Parse exactly one Flux duration literal (no sign, no surrounding spaces).
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        scan(text, "", false).map_err(|Problem(what, hint)| DurationError {
            message: hint.map_or(what.clone(), |h| format!("{what}; {h}")),
        })
    }

    pub fn is_zero(&self) -> bool {
        self.parts.iter().all(|&(m, _)| m == 0)
    }

    /// Nanoseconds with d=24h, w=7d, mo=4w, y=52w (§3.1 step 6); saturating.
    pub fn approx_nanos(&self) -> i128 {
        let part = |&(m, u): &(u64, Unit)| i128::from(m).saturating_mul(u.nanos());
        self.parts.iter().map(part).fold(0, i128::saturating_add)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = self.parts.iter();
        parts.try_for_each(|(m, u)| write!(f, "{m}{}", u.as_str()))
    }
}

/// Splits `text` after its leading ASCII digits (the scanner's `digit` is ASCII only, §5.4),
/// or after its leading non-digits when `digits` is false.
fn split_digits(text: &str, digits: bool) -> (&str, &str) {
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit() == digits);
    text.split_at(text.len() - rest.len())
}

/// `sign` ("" or "-") only shapes hints; `lenient` accepts leading zeros (to build a hint).
fn scan(text: &str, sign: &str, lenient: bool) -> Result<Duration, Problem> {
    if text.is_empty() {
        return fail("empty duration", Some("write e.g. 5m or 1h".into()));
    }
    if text.chars().any(char::is_whitespace) {
        let joined: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let hint = scan(&joined, sign, false)
            .ok()
            .map(|d| format!("write {sign}{d}"));
        return fail("Flux durations cannot contain spaces", hint);
    }
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (digits, after) = split_digits(rest, true);
        if let Some(after_dot) = after.strip_prefix('.') {
            let hint = fraction(sign, digits, after_dot, parts.is_empty());
            return fail("Flux durations have no fractions", hint);
        }
        let (unit, next) = split_digits(after, false);
        if let Some(sign) = unit.chars().find(|c| matches!(c, '-' | '+')) {
            let what =
                format!("unexpected `{sign}` (a duration literal holds only digits and units)");
            return fail(what, None);
        }
        if digits.is_empty() {
            return fail(format!("expected a number before `{unit}`, as in 5m"), None);
        }
        if digits.len() > 1 && digits.starts_with('0') && !lenient {
            let hint = scan(text, sign, true)
                .ok()
                .map(|d| format!("write {sign}{d}"));
            let what = format!("number `{digits}` starts with 0 (Flux integers cannot)");
            return fail(what, hint);
        }
        // libflux parses magnitudes as i64 (parser/strconv.rs), so the limit is i64::MAX.
        let Ok(magnitude) = digits.parse::<i64>() else {
            let what = format!("number `{digits}` is too large (at most {})", i64::MAX);
            return fail(what, None);
        };
        if unit.is_empty() {
            let hint = format!("write {sign}{text}s or {sign}{text}m");
            return fail("missing unit", Some(hint));
        }
        let unit =
            Unit::from_text(unit).ok_or_else(|| Problem(unknown_unit(digits, unit), None))?;
        parts.push((magnitude.unsigned_abs(), unit));
        rest = next;
    }
    Ok(Duration { parts })
}

fn unknown_unit(digits: &str, unit: &str) -> String {
    let lower = unit.to_lowercase();
    if let Some(u) = Unit::from_text(&lower) {
        let u = u.as_str();
        return format!("unknown unit `{unit}` (units are case-sensitive: use {digits}{u})");
    }
    // Spellings people bring from elsewhere (cron's `@every` even accepts `hr`, §6.4).
    let alias = match lower.as_str() {
        "\u{3bc}s" => Some(("Greek mu is not µ; ", Unit::Micro)),
        "hr" | "hrs" | "hour" | "hours" => Some(("", Unit::Hour)),
        "min" | "mins" | "minute" | "minutes" => Some(("", Unit::Minute)),
        "sec" | "secs" | "second" | "seconds" => Some(("", Unit::Second)),
        "day" | "days" => Some(("", Unit::Day)),
        _ => None,
    };
    match alias {
        Some((why, u)) => {
            let u = u.as_str();
            format!("unknown unit `{unit}` ({why}Flux spells it {u}: use {digits}{u})")
        }
        None => format!("unknown unit `{unit}` (Flux units: y mo w d h m s ms us µs ns)"),
    }
}

/// `1.5h` scans as the float 1.5 and the identifier h (§5.3). Hint the exact spelling when the
/// fraction is the whole value and the unit has a fixed length (mo and y are calendar units).
fn fraction(sign: &str, int: &str, after_dot: &str, whole: bool) -> Option<String> {
    let (frac, unit) = split_digits(after_dot, true);
    let unit = Unit::from_text(unit).filter(|u| whole && u.nanos() < 28 * DAY)?;
    let int: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    // A scale that fits in i128 guarantees that `frac` fits too ("" reads as 0).
    let scale = 10i128.checked_pow(u32::try_from(frac.len()).ok()?)?;
    let frac: i128 = frac.parse().unwrap_or(0);
    let scaled = (int.checked_mul(scale)?.checked_add(frac)?).checked_mul(unit.nanos())?;
    (scaled % scale == 0).then(|| format!("use {}", spell(sign, scaled / scale)))
}

/// Spell nanoseconds in hours and smaller (the units the server takes in an offset, §1.3);
/// a negative value gets a single unit, since `-1h30m` breaks on the server (§2.7).
fn spell(sign: &str, nanos: i128) -> String {
    let units = &UNITS[4..];
    if !sign.is_empty() || nanos == 0 {
        let (_, name, size) = units.iter().find(|u| nanos % u.2 == 0).unwrap_or(&units[5]);
        return format!("{sign}{}{name}", nanos / size);
    }
    let (mut out, mut left) = (String::new(), nanos);
    for (_, name, size) in units {
        if left >= *size {
            out = format!("{out}{}{name}", left / size);
            left %= size;
        }
    }
    out
}

/// Size and whole-second checks shared by `every` and `offset` (§3.1 steps 6 and 7).
fn check_seconds(sign: &str, nanos: i128) -> Result<(), Problem> {
    if nanos > i128::from(i64::MAX) {
        // Go durations are i64 nanoseconds.
        return fail("too large for the server (at most 2562047h)", None);
    }
    if nanos % SEC != 0 {
        let down = (nanos >= SEC).then(|| spell(sign, nanos / SEC * SEC) + " or ");
        let up = spell(sign, nanos / SEC * SEC + SEC);
        let hint = format!("use {}{up}", down.unwrap_or_default());
        return fail("must be whole seconds", Some(hint));
    }
    Ok(())
}

fn reject(option: &str, text: &str) -> impl Fn(Problem) -> ValueError {
    // Quote the value when it would otherwise be invisible (empty or space-padded).
    let visible = text.trim() == text && !text.is_empty();
    let shown = if visible {
        text.to_string()
    } else {
        format!("{text:?}")
    };
    let option = option.to_string();
    move |Problem(what, hint)| ValueError {
        reason: format!("{option} {shown}: {what}"),
        hint,
    }
}

/// `every` as a user wants to set it: a Flux duration literal, positive, ≥ 1s, whole seconds
/// (with the server's mo=28d, y=52w approximation). Returns the parsed duration.
pub fn check_every(text: &str) -> Result<Duration, ValueError> {
    let reject = reject("every", text);
    // `-1h` is a unary expression, which the option reader refuses for every (§2.7, §3.1).
    if let Some(rest) = text.strip_prefix('-') {
        let hint = scan(rest, "", false).ok().filter(|d| !d.is_zero());
        let what = "must be positive (the server rejects a negative every)";
        let hint = hint.map(|d| format!("write {d}"));
        return Err(reject(Problem(what.into(), hint)));
    }
    let duration = scan(text, "", false).map_err(&reject)?;
    let nanos = duration.approx_nanos();
    // §3.1 step 6: an all-zero every counts as missing; below 1s is rejected.
    if nanos < SEC {
        return Err(reject(Problem("must be at least 1s".into(), None)));
    }
    check_seconds("", nanos).map_err(&reject)?;
    Ok(duration)
}

/// What an offset value means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offset {
    Remove,
    Set { negative: bool, duration: Duration },
}

/// `offset` as a user wants to set it: `""` or any all-zero duration (`0s`, `-0s`) removes it
/// (§1.1). Otherwise an optional single `-` and a duration literal in whole seconds, in units
/// of hours or smaller, and with a single unit when negative.
pub fn check_offset(text: &str) -> Result<Offset, ValueError> {
    let reject = reject("offset", text);
    let (negative, body) = match text.strip_prefix('-') {
        _ if text.is_empty() => return Ok(Offset::Remove),
        Some("") => fail("missing duration after `-`", Some("write e.g. -5m".into())),
        Some(rest) if rest.starts_with('-') => {
            let fixed = format!("write -{}", rest.trim_start_matches('-'));
            fail("only one leading `-` is allowed", Some(fixed))
        }
        Some(rest) => Ok((true, rest)),
        None => Ok((false, text)),
    }
    .map_err(&reject)?;
    let sign = if negative { "-" } else { "" };
    let duration = scan(body, sign, false).map_err(&reject)?;
    if duration.is_zero() {
        return Ok(Offset::Remove);
    }
    let nanos = duration.approx_nanos();
    check_seconds(sign, nanos).map_err(&reject)?;
    // time.ParseDuration knows no d/w/mo/y: `unexpected error parsing time` (§1.3, §3.1 step 7).
    if let Some(&(_, unit)) = duration.parts.iter().find(|p| p.1.nanos() >= DAY) {
        let name = ["year", "month", "week", "day"][unit as usize];
        let hint = match unit {
            Unit::Day | Unit::Week => format!("use {}", spell(sign, nanos)),
            _ => format!("a calendar {name} has no exact hour equivalent"),
        };
        let what = format!("the server rejects {name} units in offset");
        return Err(reject(Problem(what, Some(hint))));
    }
    // `-1h30m` is written back as `-1h-30m`, a subtraction the option reader rejects (§2.7).
    if negative && duration.parts.len() > 1 {
        let what = "a negative offset may have only one unit (the server breaks -1h30m)";
        let hint = format!("write {}", spell(sign, nanos));
        return Err(reject(Problem(what.into(), Some(hint))));
    }
    Ok(Offset::Set { negative, duration })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows `kind | input | expected`; a quoted input keeps its spaces, `|` never occurs inside.
    fn rows<'a>(table: &'a str) -> Vec<(&'a str, &'a str, &'a str)> {
        let lines = table.lines().map(str::trim).filter(|l| !l.is_empty());
        let row = |l: &'a str| l.splitn(3, " | ").map(unquote).collect::<Vec<_>>();
        lines.map(row).map(|r| (r[0], r[1], r[2])).collect()
    }

    fn unquote(s: &str) -> &str {
        s.strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(s)
    }

    /// Outcome as text: the canonical literal, `remove`, or the error's Display.
    fn outcome(kind: &str, input: &str) -> String {
        match kind {
            "parse" => Duration::parse(input).map_or_else(|e| e.message, |d| d.to_string()),
            "every" => check_every(input).map_or_else(|e| e.to_string(), |d| d.to_string()),
            _ => match check_offset(input) {
                Ok(Offset::Remove) => "remove".into(),
                Ok(Offset::Set { negative, duration }) => {
                    format!("{}{duration}", ["", "-"][negative as usize])
                }
                Err(e) => e.to_string(),
            },
        }
    }

    const ACCEPTED: &str = r#"
        parse | 1h30m | 1h30m
        parse | 5µs | 5us
        parse | 1m1h | 1m1h
        parse | 1h1h | 1h1h
        parse | 0s | 0s
        parse | 1y2mo3w4d5h6m7s8ms9us10ns | 1y2mo3w4d5h6m7s8ms9us10ns
        parse | 9223372036854775807ns | 9223372036854775807ns
        every | 1s | 1s
        every | 30000000000ns | 30000000000ns
        every | 1mo | 1mo
        every | 1y | 1y
        every | 1d12h | 1d12h
        offset | "" | remove
        offset | 0s | remove
        offset | 0m0s | remove
        offset | -0s | remove
        offset | 0d | remove
        offset | 5m | 5m
        offset | -5m | -5m
        offset | 1h30m | 1h30m
        offset | -90m | -90m
    "#;

    /// µ below is U+00B5 MICRO SIGN (a unit) and μ is U+03BC Greek mu (not a unit).
    const REJECTED: &str = r#"
        parse | "" | empty duration; write e.g. 5m or 1h
        parse | 15 | missing unit; write 15s or 15m
        parse | 1h15 | missing unit; write 1h15s or 1h15m
        parse | 1H | unknown unit `H` (units are case-sensitive: use 1h)
        parse | 1MO | unknown unit `MO` (units are case-sensitive: use 1mo)
        parse | 5x | unknown unit `x` (Flux units: y mo w d h m s ms us µs ns)
        parse | 1hm | unknown unit `hm` (Flux units: y mo w d h m s ms us µs ns)
        parse | 2hr | unknown unit `hr` (Flux spells it h: use 2h)
        parse | 5μs | unknown unit `μs` (Greek mu is not µ; Flux spells it us: use 5us)
        parse | 1.5h | Flux durations have no fractions; use 1h30m
        parse | .5s | Flux durations have no fractions; use 500ms
        parse | 1.5d | Flux durations have no fractions; use 36h
        parse | 1.5mo | Flux durations have no fractions
        parse | 1h1.5m | Flux durations have no fractions
        parse | "1h 30m" | Flux durations cannot contain spaces; write 1h30m
        parse | " 5m" | Flux durations cannot contain spaces; write 5m
        parse | -5m | unexpected `-` (a duration literal holds only digits and units)
        parse | 1h-30m | unexpected `-` (a duration literal holds only digits and units)
        parse | h | expected a number before `h`, as in 5m
        parse | ٣h | expected a number before `٣h`, as in 5m
        parse | 01h | number `01` starts with 0 (Flux integers cannot); write 1h
        parse | 1h00m | number `00` starts with 0 (Flux integers cannot); write 1h0m
        parse | 99999999999999999999999h | number `99999999999999999999999` is too large (at most 9223372036854775807)
        parse | 9223372036854775808ns | number `9223372036854775808` is too large (at most 9223372036854775807)
        every | 0s | every 0s: must be at least 1s
        every | 0m0s | every 0m0s: must be at least 1s
        every | 999ms | every 999ms: must be at least 1s
        every | 1500ms | every 1500ms: must be whole seconds; use 1s or 2s
        every | 90500ms | every 90500ms: must be whole seconds; use 1m30s or 1m31s
        every | -1h | every -1h: must be positive (the server rejects a negative every); write 1h
        every | - | every -: must be positive (the server rejects a negative every)
        every | 15 | every 15: missing unit; write 15s or 15m
        every | 1H | every 1H: unknown unit `H` (units are case-sensitive: use 1h)
        every | 1.5h | every 1.5h: Flux durations have no fractions; use 1h30m
        every | "" | every "": empty duration; write e.g. 5m or 1h
        every | "5m " | every "5m ": Flux durations cannot contain spaces; write 5m
        every | 300000y | every 300000y: too large for the server (at most 2562047h)
        offset | -1h30m | offset -1h30m: a negative offset may have only one unit (the server breaks -1h30m); write -90m
        offset | -1m30s | offset -1m30s: a negative offset may have only one unit (the server breaks -1h30m); write -90s
        offset | 1d | offset 1d: the server rejects day units in offset; use 24h
        offset | 2w | offset 2w: the server rejects week units in offset; use 336h
        offset | 1d12h | offset 1d12h: the server rejects day units in offset; use 36h
        offset | 1d30m | offset 1d30m: the server rejects day units in offset; use 24h30m
        offset | -1d30m | offset -1d30m: the server rejects day units in offset; use -1470m
        offset | 1mo | offset 1mo: the server rejects month units in offset; a calendar month has no exact hour equivalent
        offset | 1y | offset 1y: the server rejects year units in offset; a calendar year has no exact hour equivalent
        offset | 1500ms | offset 1500ms: must be whole seconds; use 1s or 2s
        offset | -500ms | offset -500ms: must be whole seconds; use -1s
        offset | - | offset -: missing duration after `-`; write e.g. -5m
        offset | --5m | offset --5m: only one leading `-` is allowed; write -5m
        offset | -01h | offset -01h: number `01` starts with 0 (Flux integers cannot); write -1h
        offset | -15 | offset -15: missing unit; write -15s or -15m
        offset | +5m | offset +5m: unexpected `+` (a duration literal holds only digits and units)
        offset | 1H | offset 1H: unknown unit `H` (units are case-sensitive: use 1h)
    "#;

    #[test]
    fn accepted_values() {
        for (kind, input, want) in rows(ACCEPTED) {
            assert_eq!(outcome(kind, input), want, "{kind} {input:?}");
        }
    }

    #[test]
    fn rejected_values_with_exact_messages() {
        for (kind, input, want) in rows(REJECTED) {
            assert_eq!(outcome(kind, input), want, "{kind} {input:?}");
        }
        assert!(ACCEPTED.contains("5\u{b5}s") && REJECTED.contains("5\u{3bc}s"));
    }

    #[test]
    fn longest_match_units() {
        let parts = |t: &str| Duration::parse(t).unwrap().parts;
        assert_eq!(parts("1mo"), [(1, Unit::Month)]);
        assert_eq!(parts("1ms"), [(1, Unit::Milli)]);
        assert_eq!(parts("1m"), [(1, Unit::Minute)]);
        assert_eq!(parts("5\u{b5}s"), [(5, Unit::Micro)]);
        assert_eq!(parts("1m1h"), [(1, Unit::Minute), (1, Unit::Hour)]);
        let names: Vec<_> = UNITS.iter().map(|u| u.0.as_str()).collect();
        assert_eq!(
            names,
            ["y", "mo", "w", "d", "h", "m", "s", "ms", "us", "ns"]
        );
    }

    #[test]
    fn reason_and_hint_are_separate() {
        let e = check_every("15").unwrap_err();
        assert_eq!(
            (e.reason.as_str(), e.hint.as_deref()),
            ("every 15: missing unit", Some("write 15s or 15m"))
        );
        let e = check_offset("1d").unwrap_err();
        assert_eq!(
            (e.reason.as_str(), e.hint.as_deref()),
            (
                "offset 1d: the server rejects day units in offset",
                Some("use 24h")
            )
        );
        let e = check_every("0s").unwrap_err();
        assert_eq!(
            (e.reason.as_str(), e.hint),
            ("every 0s: must be at least 1s", None)
        );
        let set = check_offset("-5m").unwrap();
        assert_eq!(
            set,
            Offset::Set {
                negative: true,
                duration: Duration::parse("5m").unwrap()
            }
        );
    }

    #[test]
    fn approximation_and_zero() {
        let nanos = |t: &str| Duration::parse(t).unwrap().approx_nanos();
        assert_eq!(nanos("1d"), 86_400 * SEC);
        assert_eq!(nanos("1w"), 7 * 86_400 * SEC);
        assert_eq!(nanos("1mo"), 28 * 86_400 * SEC);
        assert_eq!(nanos("1y"), 364 * 86_400 * SEC);
        assert_eq!(nanos("1h30m1ms"), 5_400 * SEC + 1_000_000);
        let huge = Duration {
            parts: vec![(u64::MAX, Unit::Year); 1000],
        };
        assert_eq!(huge.approx_nanos(), i128::MAX);
        assert!(Duration::parse("0m0s").unwrap().is_zero());
        assert!(!Duration::parse("0m1ns").unwrap().is_zero());
    }

    #[test]
    fn never_panics() {
        let pieces = [
            "", "0", "1", "01", ".", "-", "+", " ", "h", "m", "o", "s", "µ", "μ", "é", "🦀", "\0",
            "٣",
        ];
        let big = "99999999999999999999999999999999999999999";
        for a in pieces.iter().chain([&big]) {
            for b in pieces {
                for c in pieces {
                    for kind in ["parse", "every", "offset"] {
                        outcome(kind, &format!("{a}{b}{c}"));
                    }
                }
            }
        }
    }
}
