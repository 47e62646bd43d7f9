//! The fast path of `locate`: it validates code and keeps the bracket stack like the token
//! loop does, but emits no tokens and looks only at the bytes that need a decision.
//!
//! Most of a script is code `locate` does not care about: everything inside brackets
//! (`filter(fn: (r) => …)`), and at the top level everything but a few words. The skim finds
//! the next byte worth a look with block masks (`classify.rs`, `Events` below): in code,
//! quotes, `/`, brackets, illegal and non-ASCII bytes, `!`, `~`, a `|` not in `|>`, and digit
//! runs that might not be plain numbers; inside a string, `"`, `\` and `$`; at the
//! top level also the first letters of `option`, `import`, `package` and `task` and every
//! number. Identifiers, spaces, most numbers and the other operators are passed 64 bytes at a
//! time.
//!
//! The tokens passed that way are rebuilt only where a decision needs them: whether a `/`
//! starts a regex depends on the token before it (§5.2), read backwards from the `/` (or,
//! after a number, forwards from the last token boundary); a suspect digit run is tokenized
//! forwards from the last boundary too. Every such rescan starts where the last one stopped,
//! so the skim stays linear.
//!
//! A test in `locate` runs this path and the token loop over the corpus, the fixtures and
//! thousands of mutations, and requires the same answer for every one.

use super::classify::is_word;
use super::events::{Events, Mask};
use super::strings::{self, escape_end, interpolation_mismatch, next_char_len};
use super::{
    Kind, MAX_NESTING, ScanError, Token, illegal_character, is_alphabetic, is_keyword,
    number_token, regex_end, scan_plain, skip_whitespace, unterminated_regex,
};
use crate::span::Span;

/// What stopped the skim.
#[derive(Debug)]
pub enum SkipError {
    Scan(ScanError),
    /// A closing bracket that does not match, with the opener it met.
    Mismatch {
        closer: Token,
        opener: Option<Token>,
    },
    Nesting(usize),
}

/// Where the skim hands back to the token loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// Just after the bracket that empties the bracket stack.
    Closed,
    /// At a top-level `option`, `import`, `package` or `task`, or at the end of the text.
    StopWord,
}

/// Whether a `/` here would start a regex, from what the last token was.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Before {
    /// An operand just ended: `/` divides.
    Operand,
    /// An operator, an opening bracket: `/` starts a regex.
    Other,
}

impl Before {
    fn after(kind: Kind) -> Before {
        if kind.ends_operand() {
            Before::Operand
        } else {
            Before::Other
        }
    }
}

/// Skims from `pos` (where a `/` would start a regex if `regex_allowed`) until `until`;
/// returns where it stopped. Its errors carry no notes: `locate` words them with the token
/// loop.
pub fn skim(
    src: &str,
    pos: usize,
    open: &mut Vec<Token>,
    regex_allowed: bool,
    until: Until,
) -> Result<usize, SkipError> {
    let bytes = src.as_bytes();
    let mut stack = Vec::with_capacity(open.len() + 32);
    stack.extend(open.drain(..).map(Open::from_token));
    let mut skim = Skim {
        src,
        bytes,
        events: Events::new(bytes),
        stack,
        until,
        pos,
        run_start: pos,
        before: if regex_allowed {
            Before::Other
        } else {
            Before::Operand
        },
        // The token loop may hand over right after a number, inside what the masks see as
        // one word (`5mtask`).
        glued: bytes.get(pos).is_some_and(|b| is_word(*b)).then_some(pos),
        interpolations: 0,
        inner_brackets: 0,
    };
    let end = skim.run()?;
    // Only at the end of the text can brackets still be open: `locate` reports them.
    open.extend(skim.stack.iter().map(|o| o.token()));
    Ok(end)
}

/// An open bracket, or an open `${` (`$`, with `start` at its string's opening quote).
#[derive(Clone, Copy)]
struct Open {
    byte: u8,
    start: usize,
}

impl Open {
    fn from_token(token: Token) -> Open {
        let byte = match token.kind {
            Kind::LParen => b'(',
            Kind::LBrack => b'[',
            _ => b'{',
        };
        Open {
            byte,
            start: token.span.start,
        }
    }

    fn token(self) -> Token {
        bracket(self.byte, self.start)
    }

    /// Whether `closer` closes this: `)` is `(` + 1, `]` and `}` are `[` and `{` + 2.
    fn closed_by(self, closer: u8) -> bool {
        matches!(closer.wrapping_sub(self.byte), 1 | 2)
    }
}

struct Skim<'s> {
    src: &'s str,
    bytes: &'s [u8],
    events: Events<'s>,
    stack: Vec<Open>,
    until: Until,
    /// Where the next event is looked for.
    pos: usize,
    /// Where the code passed since the last decided token starts: always a token boundary.
    run_start: usize,
    /// What that last decided token was.
    before: Before,
    /// A byte to visit next whatever the masks say: a token glued to the end of a number.
    glued: Option<usize>,
    /// Open `${…}`, and brackets open inside them: the token loop's string scanner counts
    /// both toward its nesting limit, so the skim does too.
    interpolations: usize,
    inner_brackets: usize,
}

impl Skim<'_> {
    fn run(&mut self) -> Result<usize, SkipError> {
        loop {
            let watch_words = self.stack.is_empty() && self.until == Until::StopWord;
            let at = match self.glued.take() {
                Some(at) => at,
                None if watch_words => self.events.next(self.pos, Mask::TopLevel),
                None => self.events.next(self.pos, Mask::Code),
            };
            let Some(&b) = self.bytes.get(at) else {
                return self.end_of_text();
            };
            match b {
                b'(' | b'[' | b'{' => self.open_bracket(b, at)?,
                b')' | b']' | b'}' => {
                    if self.close_bracket(b, at)? {
                        return Ok(self.pos);
                    }
                }
                b'"' => self.string_literal(at)?,
                b'/' => self.slash(at)?,
                b'0'..=b'9' => self.number(at)?,
                b'|' | b'!' | b'~' => self.operator(at)?,
                0x80.. => self.non_ascii(at)?,
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    if watch_words && is_stop_word(&self.bytes[at..]) {
                        return Ok(at);
                    }
                    self.pos = at + 1;
                }
                _ => return Err(self.illegal(at)),
            }
        }
    }

    /// A token ends at `end`; the next one starts the new run.
    #[inline(always)]
    fn decided(&mut self, end: usize, before: Before) {
        (self.pos, self.run_start, self.before) = (end, end, before);
    }

    fn illegal(&self, at: usize) -> SkipError {
        SkipError::Scan(illegal_character(self.src, at))
    }

    fn end_of_text(&self) -> Result<usize, SkipError> {
        // Inside `${…}` the string scanner reports the string, not the brackets (§5.1).
        match self.stack.iter().rev().find(|open| open.byte == b'$') {
            Some(interpolation) => Err(SkipError::Scan(ScanError::new(
                interpolation.start,
                "unterminated string: `${` is never closed",
            ))),
            None => Ok(self.bytes.len()),
        }
    }

    /// Nesting as the token loop's string scanner counts it: a string and an interpolation
    /// for each open `${`, and the brackets inside them.
    fn string_depth(&self) -> usize {
        2 * self.interpolations + self.inner_brackets
    }

    /// Most strings hold no `\\` or `$`: their closing quote is the next string event.
    #[inline(always)]
    fn string_literal(&mut self, quote: usize) -> Result<(), SkipError> {
        if self.interpolations > 0 && self.string_depth() >= MAX_NESTING {
            return Err(SkipError::Scan(strings::too_deep(quote)));
        }
        let at = self.events.next(quote + 1, Mask::String);
        if self.bytes.get(at) == Some(&b'"') {
            self.decided(at + 1, Before::Operand);
            return Ok(());
        }
        self.string_body(at, quote)
    }

    /// The text of the string whose `"` is at `quote`, from `from`: until the string closes,
    /// or until a `${` opens (the code inside is skimmed, and `}` comes back here).
    fn string_body(&mut self, mut from: usize, quote: usize) -> Result<(), SkipError> {
        let unterminated = || SkipError::Scan(ScanError::new(quote, "unterminated string"));
        loop {
            let at = self.events.next(from, Mask::String);
            match self.bytes.get(at) {
                Some(b'"') => {
                    self.decided(at + 1, Before::Operand);
                    return Ok(());
                }
                Some(b'\\') => from = escape_end(self.src, at).map_err(SkipError::Scan)?,
                // `$`: the §5.1 rules, as the string scanner applies them.
                Some(_) => match self.bytes.get(at + 1) {
                    Some(b'{') => {
                        if self.string_depth() + 1 >= MAX_NESTING {
                            return Err(SkipError::Scan(strings::too_deep(at)));
                        }
                        self.interpolations += 1;
                        self.stack.push(Open {
                            byte: b'$',
                            start: quote,
                        });
                        self.decided(at + 2, Before::Other);
                        return Ok(());
                    }
                    Some(b'"') => from = at + 1,
                    Some(_) => from = at + 1 + next_char_len(self.src, at + 1),
                    None => return Err(unterminated()),
                },
                None => return Err(unterminated()),
            }
        }
    }

    fn slash(&mut self, at: usize) -> Result<(), SkipError> {
        self.before = self.last_token(at)?;
        if self.bytes.get(at + 1) == Some(&b'/') {
            // A comment keeps what came before it: the token after it is read against that.
            let end =
                memchr::memchr(b'\n', &self.bytes[at..]).map_or(self.bytes.len(), |i| at + i + 1);
            (self.pos, self.run_start) = (end, end);
        } else if self.before == Before::Other {
            let end =
                regex_end(self.bytes, at).ok_or_else(|| SkipError::Scan(unterminated_regex(at)))?;
            self.decided(end, Before::Operand);
        } else {
            self.decided(at + 1, Before::Other);
        }
        Ok(())
    }

    #[inline(always)]
    fn open_bracket(&mut self, byte: u8, at: usize) -> Result<(), SkipError> {
        if self.interpolations > 0 {
            if self.string_depth() >= MAX_NESTING {
                return Err(SkipError::Scan(strings::too_deep(at)));
            }
            self.inner_brackets += 1;
        } else if self.stack.len() >= MAX_NESTING {
            return Err(SkipError::Nesting(at));
        }
        self.stack.push(Open { byte, start: at });
        self.decided(at + 1, Before::Other);
        Ok(())
    }

    /// Whether the skim is done (`Until::Closed` and nothing is open any more).
    #[inline(always)]
    fn close_bracket(&mut self, byte: u8, at: usize) -> Result<bool, SkipError> {
        match self.stack.last() {
            Some(open) if open.closed_by(byte) => {
                self.stack.pop();
                if self.interpolations > 0 {
                    self.inner_brackets -= 1;
                }
                self.decided(at + 1, Before::Operand);
                Ok(self.stack.is_empty() && self.until == Until::Closed)
            }
            _ => self.close_other(byte, at),
        }
    }

    /// A closing byte that closes no bracket: the end of an interpolation, or an error.
    fn close_other(&mut self, byte: u8, at: usize) -> Result<bool, SkipError> {
        let closer = bracket(byte, at);
        match self.stack.pop() {
            Some(Open { byte: b'$', start }) if byte == b'}' => {
                self.interpolations -= 1;
                self.string_body(at + 1, start)?;
                Ok(false)
            }
            opener if self.interpolations > 0 => {
                let opener = opener.filter(|o| o.byte != b'$').map(Open::token);
                Err(SkipError::Scan(interpolation_mismatch(
                    self.src, closer, opener,
                )))
            }
            opener => Err(SkipError::Mismatch {
                closer,
                opener: opener.map(Open::token),
            }),
        }
    }

    /// A digit the masks flag: at the top level every number (a word may be glued to it,
    /// `2hoption`), elsewhere a digit run that may be refused or may start a date-time.
    fn number(&mut self, at: usize) -> Result<(), SkipError> {
        let starts_token = at == self.run_start || {
            let previous = self.bytes[at - 1];
            !(is_word(previous) || previous == b'.')
        };
        let end = if starts_token {
            number_token(self.src, at).map_err(SkipError::Scan)?.1
        } else {
            // Inside a word (`5m01`, `host01`) or after a dot (`1.05`): only the tokens from
            // the last boundary say what this digit is part of.
            self.tokenize_run(|end| end > at)?
        };
        if starts_token {
            self.decided(end, Before::Operand);
        }
        if self.bytes.get(end).is_some_and(|b| is_word(*b)) {
            self.glued = Some(end);
        }
        Ok(())
    }

    /// `!`, `~`, or a `|` not followed by `>`: alone, each is illegal (§5.4 operators).
    fn operator(&mut self, at: usize) -> Result<(), SkipError> {
        let next = self.bytes.get(at + 1).copied();
        self.pos = match self.bytes[at] {
            b'|' if next == Some(b'>') => at + 2,
            b'!' if matches!(next, Some(b'=' | b'~')) => at + 2,
            b'~' => {
                // `=~` is one token unless the `=` closes `<=`, `>=`, `==` or `!=`: tokenize
                // the operator run from its first byte.
                let mut pos = at;
                while pos > self.run_start && b"<>=!|".contains(&self.bytes[pos - 1]) {
                    pos -= 1;
                }
                while pos <= at {
                    pos = scan_plain(self.src, pos, true).map_err(SkipError::Scan)?.1;
                }
                pos
            }
            _ => return Err(self.illegal(at)),
        };
        Ok(())
    }

    /// Non-ASCII in code is part of an identifier, or illegal (§5.4 identifiers).
    fn non_ascii(&mut self, at: usize) -> Result<(), SkipError> {
        match self.src.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) if is_alphabetic(c) => {
                self.pos = at + c.len_utf8();
                Ok(())
            }
            _ => Err(self.illegal(at)),
        }
    }

    /// The kind of the token just before the `/` at `slash`. An operator or a word that
    /// starts with a letter is its own token; after a number or a dot, tokenize the run.
    fn last_token(&mut self, slash: usize) -> Result<Before, SkipError> {
        let run = &self.bytes[self.run_start..slash];
        let Some(last) = run
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        else {
            return Ok(self.before);
        };
        let word_start = run[..=last]
            .iter()
            .rposition(|b| !is_word(*b))
            .map_or(0, |i| i + 1);
        let last_byte = self.run_start + last;
        if word_start > last {
            if run[last] == b'.' {
                self.tokenize_run(|end| end > last_byte)?;
                return Ok(self.before);
            }
            // `<-` (the pipe-receive literal) is an operand; every other operator is not.
            let receive = run[last] == b'-' && last > 0 && run[last - 1] == b'<';
            return Ok(if receive {
                Before::Operand
            } else {
                Before::Other
            });
        }
        if run[word_start].is_ascii_digit() {
            self.tokenize_run(|end| end > last_byte)?;
            return Ok(self.before);
        }
        Ok(if is_keyword(&run[word_start..=last]) {
            Before::Other
        } else {
            Before::Operand
        })
    }

    /// Tokenizes from the start of the run until a token ends where `done` says; that token
    /// is decided. Returns its end.
    fn tokenize_run(&mut self, done: impl Fn(usize) -> bool) -> Result<usize, SkipError> {
        let mut pos = self.run_start;
        loop {
            pos = skip_whitespace(self.bytes, pos);
            let regex_allowed = self.before == Before::Other;
            let (kind, end) = scan_plain(self.src, pos, regex_allowed).map_err(SkipError::Scan)?;
            self.decided(end, Before::after(kind));
            if done(end) {
                return Ok(end);
            }
            pos = end;
        }
    }
}

/// The words the token loop must see at the top level: they start a task record, or must
/// come before other statements, or name a near miss (`task = {…}` without `option`).
fn is_stop_word(rest: &[u8]) -> bool {
    let len = match rest {
        [b'o', b'p', b't', b'i', b'o', b'n', ..] | [b'i', b'm', b'p', b'o', b'r', b't', ..] => 6,
        [b'p', b'a', b'c', b'k', b'a', b'g', b'e', ..] => 7,
        [b't', b'a', b's', b'k', ..] => 4,
        _ => return false,
    };
    !rest.get(len).is_some_and(|b| is_word(*b))
}

fn bracket(b: u8, pos: usize) -> Token {
    let kind = match b {
        b'(' => Kind::LParen,
        b'[' => Kind::LBrack,
        b'{' => Kind::LBrace,
        b')' => Kind::RParen,
        b']' => Kind::RBrack,
        _ => Kind::RBrace,
    };
    Token {
        kind,
        span: Span::new(pos, pos + 1),
    }
}
