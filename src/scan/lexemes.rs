//! The numeric and identifier token forms, as nom recognizers of the libflux grammar
//! (semantics §5.3, §5.4). The lexer calls them only off its ASCII fast paths.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while_m_n, take_while1},
    character::complete::{char, satisfy},
    combinator::{opt, recognize},
    multi::many1_count,
    sequence::{pair, preceded},
};

use super::Kind;

pub(super) fn identifier(input: &str) -> IResult<&str, &str> {
    recognize(pair(
        satisfy(|c| c == '_' || c.is_alphabetic()),
        // Later characters: letters, `_`, and ASCII digits only (§5.4 Identifiers).
        take_while(|c: char| c == '_' || c.is_ascii_digit() || c.is_alphabetic()),
    ))
    .parse(input)
}

fn int_lit(input: &str) -> IResult<&str, &str> {
    alt((
        recognize(pair(
            satisfy(|c| ('1'..='9').contains(&c)),
            take_while(|c: char| c.is_ascii_digit()),
        )),
        tag("0"),
    ))
    .parse(input)
}

fn duration_unit(input: &str) -> IResult<&str, &str> {
    // Longest units first: `1mo` is a month and `1ms` milliseconds, not `1m` + identifier.
    alt((
        tag("mo"),
        tag("ms"),
        tag("us"),
        tag("µs"),
        tag("ns"),
        tag("y"),
        tag("w"),
        tag("d"),
        tag("h"),
        tag("m"),
        tag("s"),
    ))
    .parse(input)
}

fn duration_lit(input: &str) -> IResult<&str, &str> {
    recognize(many1_count(pair(int_lit, duration_unit))).parse(input)
}

fn float_lit(input: &str) -> IResult<&str, &str> {
    let digits = |i| take_while1(|c: char| c.is_ascii_digit()).parse(i);
    alt((
        recognize((digits, char('.'), take_while(|c: char| c.is_ascii_digit()))),
        recognize(preceded(char('.'), digits)),
    ))
    .parse(input)
}

fn date_time_lit(input: &str) -> IResult<&str, &str> {
    let d = |n| take_while_m_n(n, n, |c: char| c.is_ascii_digit());
    let date = (d(4), char('-'), d(2), char('-'), d(2));
    let offset = alt((
        recognize(char('Z')),
        recognize((alt((char('+'), char('-'))), d(2), char(':'), d(2))),
    ));
    let time = (
        char('T'),
        d(2),
        char(':'),
        d(2),
        char(':'),
        d(2),
        opt(pair(char('.'), take_while(|c: char| c.is_ascii_digit()))),
        opt(offset),
    );
    recognize(pair(date, opt(time))).parse(input)
}

type Recognizer = fn(&str) -> IResult<&str, &str>;

/// The longest of the numeric token forms, as the ragel scanner picks it.
pub(super) fn number_like(rest: &str) -> (Kind, usize) {
    let candidates: [(Kind, Recognizer); 4] = [
        (Kind::DateTime, date_time_lit),
        (Kind::Duration, duration_lit),
        (Kind::Float, float_lit),
        (Kind::Int, int_lit),
    ];
    // The caller saw a digit or `.digit`, so at least one form matches at least one byte.
    let mut best = (Kind::Int, 1);
    for (kind, parser) in candidates {
        if let Ok((_, text)) = parser(rest)
            && text.len() > best.1
        {
            best = (kind, text.len());
        }
    }
    best
}

/// End of the duration literal at `start` (`(int_lit unit)+`, longest unit first), or `None`
/// when not even one pair matches. The same grammar as `duration_lit`, in a byte loop.
pub(super) fn duration_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    let mut pairs = 0;
    loop {
        let digits = match bytes.get(pos) {
            Some(b'0') => 1,
            Some(b'1'..=b'9') => bytes[pos..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count(),
            _ => break,
        };
        let unit_start = pos + digits;
        let unit = match &bytes[unit_start..] {
            [b'm', b'o' | b's', ..] | [b'u' | b'n', b's', ..] => 2,
            [0xc2, 0xb5, b's', ..] => 3,
            [b'y' | b'w' | b'd' | b'h' | b'm' | b's', ..] => 1,
            _ => break,
        };
        pos = unit_start + unit;
        pairs += 1;
    }
    (pairs > 0).then_some(pos)
}

/// End of the date-time literal at `start`, or `None` when not even its date matches. The
/// same grammar as `date_time_lit`, in a byte loop.
pub(super) fn date_time_end(bytes: &[u8], start: usize) -> Option<usize> {
    let digits = |at: usize, n: usize| {
        bytes
            .get(at..at + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let is = |at: usize, b: u8| bytes.get(at) == Some(&b);
    // dddd-dd-dd
    let date = digits(start, 4)
        && is(start + 4, b'-')
        && digits(start + 5, 2)
        && is(start + 7, b'-')
        && digits(start + 8, 2);
    if !date {
        return None;
    }
    // Tdd:dd:dd, then an optional fraction and an optional offset.
    let t = start + 10;
    let time = is(t, b'T')
        && digits(t + 1, 2)
        && is(t + 3, b':')
        && digits(t + 4, 2)
        && is(t + 6, b':')
        && digits(t + 7, 2);
    if !time {
        return Some(t);
    }
    let mut end = t + 9;
    if is(end, b'.') {
        end += 1;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    if is(end, b'Z') {
        end += 1;
    } else if (is(end, b'+') || is(end, b'-'))
        && digits(end + 1, 2)
        && is(end + 3, b':')
        && digits(end + 4, 2)
    {
        end += 6;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte loop and the nom grammar agree on date-time-like inputs: `2018` followed by
    /// every sequence of up to five parts.
    #[test]
    fn date_time_end_matches_the_grammar() {
        const PARTS: [&str; 12] = [
            "-01", "-1", "T12:00", ":00", ":0", ".", ".25", "Z", "+07:00", "-07", ":30", "x",
        ];
        fn check(text: &mut String, depth: usize, checked: &mut usize) {
            let grammar = date_time_lit(text).ok().map(|(_, d)| d.len());
            assert_eq!(date_time_end(text.as_bytes(), 0), grammar, "{text}");
            *checked += 1;
            if depth == 5 {
                return;
            }
            for part in PARTS {
                text.push_str(part);
                check(text, depth + 1, checked);
                text.truncate(text.len() - part.len());
            }
        }
        let mut checked = 0;
        check(&mut "2018".to_string(), 0, &mut checked);
        assert!(checked > 200_000, "{checked}");
    }

    /// The byte loop and the nom grammar agree on every duration-like input.
    #[test]
    fn duration_end_matches_the_grammar() {
        let units = [
            "y", "mo", "w", "d", "h", "m", "s", "ms", "us", "µs", "ns", "x", "M", "",
        ];
        let numbers = ["0", "1", "10", "01", "007", "25"];
        for a in numbers {
            for u in units {
                for b in numbers {
                    for v in units {
                        let text = format!("{a}{u}{b}{v}+");
                        let grammar = duration_lit(&text).ok().map(|(_, d)| d.len());
                        assert_eq!(duration_end(text.as_bytes(), 0), grammar, "{text}");
                    }
                }
            }
        }
    }
}
