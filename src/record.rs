//! The task record model: spans into the original text for every part a later stage edits or
//! checks, parsed from the tokens between the record's braces.

use crate::scan::{Kind, Token};
use crate::span::Span;

/// `option task = {…}` as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    /// From `option` to the closing brace.
    pub statement: Span,
    /// From `{` to `}` inclusive.
    pub braces: Span,
    /// The `base` of `{base with …}`; the server ignores its properties (§3.1 step 5).
    pub base: Option<Span>,
    /// The `with` of `{base with …}`; properties start after it.
    pub with_keyword: Option<Span>,
    pub properties: Vec<Property>,
    /// Comments after the last property, before `}`.
    pub closing_comments: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub key: Key,
    /// `None` for the shorthand `{name}`.
    pub value: Option<Value>,
    /// Offset of the comma that ends this property.
    pub comma: Option<usize>,
    /// Comments on the lines before the key.
    pub leading_comments: Vec<Span>,
    /// A comment after the value (or comma) on the same line.
    pub trailing_comment: Option<Span>,
}

impl Property {
    /// Key start to value (or key) end; the comma and comments are not included.
    pub fn span(&self) -> Span {
        let end = self
            .value
            .as_ref()
            .map_or(self.key.span.end, |v| v.span.end);
        Span::new(self.key.span.start, end)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub span: Span,
    /// The key as the server reads it: `"name"` counts as `name` (§2.3).
    pub name: String,
    /// Written as a string literal.
    pub quoted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub span: Span,
    pub shape: Shape,
}

/// What kind of expression a value is, as far as the server's option reader cares (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    String,
    /// A string with `${…}`.
    StringExpr,
    Duration,
    /// `-` then a duration; `spaced` when whitespace or a comment separates them.
    NegatedDuration {
        spaced: bool,
    },
    Int,
    NegatedInt,
    Float,
    Ident,
    /// Anything longer: calls, arithmetic, member access, records, …
    Expression,
}

/// A problem in the record's syntax, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub offset: usize,
    pub message: String,
}

fn error(offset: usize, message: impl Into<String>) -> RecordError {
    RecordError {
        offset,
        message: message.into(),
    }
}

/// Parses the tokens of a record literal: `{` first, the matching `}` last, comments included.
pub fn parse(
    src: &str,
    tokens: &[Token],
    statement_start: usize,
) -> Result<TaskRecord, RecordError> {
    let (open, close, inner) = match tokens {
        [open, inner @ .., close] if open.kind == Kind::LBrace && close.kind == Kind::RBrace => {
            (open, close, inner)
        }
        _ => return Err(error(statement_start, "expected a record literal `{…}`")),
    };
    let mut parser = Parser {
        src,
        tokens: inner,
        pos: 0,
        pending_comments: Vec::new(),
    };
    let base = parser.with_base();
    let mut properties = Vec::new();
    while let Some(property) = parser.property(close.span.start)? {
        let ends_with_comma = property.comma.is_some();
        properties.push(property);
        if !ends_with_comma {
            break;
        }
    }
    if let Some(extra) = parser.peek() {
        return Err(error(
            extra.span.start,
            format!(
                "expected `,` or `}}` after a property, found {}",
                describe(src, &extra)
            ),
        ));
    }
    Ok(TaskRecord {
        statement: Span::new(statement_start, close.span.end),
        braces: Span::new(open.span.start, close.span.end),
        base: base.map(|(base, _)| base),
        with_keyword: base.map(|(_, with)| with),
        properties,
        closing_comments: parser.pending_comments,
    })
}

/// How a token reads in a message: its text when short, else its kind.
pub fn describe(src: &str, token: &Token) -> String {
    let text = token.text(src);
    let kind = token.kind.describe();
    if kind.starts_with('`') {
        kind.to_string()
    } else if text.chars().count() <= 24 && !text.contains('\n') {
        format!("{kind} `{text}`")
    } else {
        kind.to_string()
    }
}

struct Parser<'s, 't> {
    src: &'s str,
    tokens: &'t [Token],
    pos: usize,
    pending_comments: Vec<Span>,
}

impl Parser<'_, '_> {
    fn collect_comments(&mut self) {
        while let Some(t) = self.tokens.get(self.pos)
            && t.kind == Kind::Comment
        {
            self.pending_comments.push(t.span);
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<Token> {
        self.collect_comments();
        self.tokens.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.peek()?;
        self.pos += 1;
        Some(t)
    }

    /// `base with`: the spans of the base and of `with`.
    fn with_base(&mut self) -> Option<(Span, Span)> {
        let save = (self.pos, self.pending_comments.len());
        if let (Some(base), Some(with)) = (self.bump(), self.bump())
            && base.kind == Kind::Ident
            && with.kind == Kind::Ident
            && with.text(self.src) == "with"
        {
            return Some((base.span, with.span));
        }
        self.pos = save.0;
        self.pending_comments.truncate(save.1);
        None
    }

    /// One property and the comma after it; `None` at the closing brace.
    fn property(&mut self, close: usize) -> Result<Option<Property>, RecordError> {
        let Some(key_token) = self.bump() else {
            return Ok(None);
        };
        let leading_comments = std::mem::take(&mut self.pending_comments);
        let key = match key_token.kind {
            Kind::Ident => Key {
                span: key_token.span,
                name: key_token.text(self.src).to_string(),
                quoted: false,
            },
            Kind::String => Key {
                span: key_token.span,
                name: crate::literal::decode(key_token.text(self.src))
                    .map_err(|e| error(key_token.span.start, e))?,
                quoted: true,
            },
            _ => {
                return Err(error(
                    key_token.span.start,
                    format!(
                        "expected a property key, found {}",
                        describe(self.src, &key_token)
                    ),
                ));
            }
        };
        let mut value = None;
        if self.peek().map(|t| t.kind) == Some(Kind::Colon) {
            self.bump();
            value = Some(self.value(&key, close)?);
        } else if key.quoted {
            return Err(error(
                key.span.end,
                format!("expected `:` after the key {}", key_token.text(self.src)),
            ));
        }
        let value_end = value.as_ref().map_or(key.span.end, |v: &Value| v.span.end);
        let mut comma = None;
        let mut trailing_comment = self.same_line_comment(value_end);
        match self.peek() {
            Some(t) if t.kind == Kind::Comma => {
                self.bump();
                comma = Some(t.span.start);
                if trailing_comment.is_none() {
                    trailing_comment = self.same_line_comment(t.span.end);
                }
            }
            Some(t) if value.is_none() => {
                return Err(error(
                    t.span.start,
                    format!(
                        "expected `:`, `,` or `}}` after the key `{}`, found {}",
                        key.name,
                        describe(self.src, &t)
                    ),
                ));
            }
            _ => {}
        }
        Ok(Some(Property {
            key,
            value,
            comma,
            leading_comments,
            trailing_comment,
        }))
    }

    /// A comment that starts on the same line as `after` ends, taken out of the pending ones.
    fn same_line_comment(&mut self, after: usize) -> Option<Span> {
        self.collect_comments();
        // Comments inside the property (`a // x\n: 1`) belong to neither neighbour.
        self.pending_comments.retain(|c| c.start >= after);
        let first = *self.pending_comments.first()?;
        if self.src.as_bytes()[after..first.start].contains(&b'\n') {
            return None;
        }
        self.pending_comments.remove(0);
        Some(first)
    }

    /// The value tokens up to the `,` or `}` that ends the property, checked for the
    /// mistakes a record value can hide: a missing comma, a record with a bad key.
    fn value(&mut self, key: &Key, close: usize) -> Result<Value, RecordError> {
        let start = self.pos;
        let mut depth: Vec<Kind> = Vec::new();
        let mut previous: Option<Token> = None;
        let mut significant: Vec<Token> = Vec::new();
        let mut count = 0usize;
        while let Some(t) = self.tokens.get(self.pos).copied() {
            if t.kind == Kind::Comment {
                self.pos += 1;
                continue;
            }
            if depth.is_empty() && matches!(t.kind, Kind::Comma) {
                break;
            }
            if let Some(prev) = previous {
                check_adjacent(self.src, &prev, &t, depth.is_empty())?;
            }
            match t.kind {
                Kind::LParen | Kind::LBrack | Kind::LBrace => depth.push(t.kind),
                Kind::RParen | Kind::RBrack | Kind::RBrace => {
                    depth.pop();
                }
                _ => {}
            }
            if significant.len() < 2 {
                significant.push(t);
            }
            count += 1;
            previous = Some(t);
            self.pos += 1;
        }
        let Some(last) = previous else {
            let at = self.tokens.get(start).map_or(close, |t| t.span.start);
            return Err(error(at, format!("missing value for `{}`", key.name)));
        };
        let first = significant[0];
        // Comments right after the value belong to the property (trailing) or the next key.
        while self.pos > start && self.tokens[self.pos - 1].kind == Kind::Comment {
            self.pos -= 1;
        }
        Ok(Value {
            span: Span::new(first.span.start, last.span.end),
            shape: if count <= 2 {
                shape(self.src, &significant)
            } else {
                Shape::Expression
            },
        })
    }
}

/// Rejects token pairs the Flux parser would reject inside a record value.
fn check_adjacent(
    src: &str,
    prev: &Token,
    next: &Token,
    top_level: bool,
) -> Result<(), RecordError> {
    let starts_operand = matches!(
        next.kind,
        Kind::Ident
            | Kind::Int
            | Kind::Float
            | Kind::Duration
            | Kind::DateTime
            | Kind::String
            | Kind::StringExpr
            | Kind::LBrace
    ) || (next.kind == Kind::Keyword
        && matches!(next.text(src), "not" | "exists" | "if"));
    let ends_operand = prev.kind.ends_operand();
    let glued = prev.span.end == next.span.start && next.kind == Kind::Ident;
    if glued && matches!(prev.kind, Kind::Int | Kind::Duration | Kind::Float) {
        return Err(error(
            prev.span.start,
            format!(
                "invalid duration `{0}{1}`: it reads as `{0}` then `{1}`; units are y mo w d h m s ms us µs ns (case-sensitive, no fractions)",
                prev.text(src),
                next.text(src),
            ),
        ));
    }
    let is_with = |t: &Token| t.kind == Kind::Ident && t.text(src) == "with";
    if ends_operand && starts_operand && !is_with(next) && !is_with(prev) {
        let message = if top_level {
            format!(
                "expected `,` between properties, found {}",
                describe(src, next)
            )
        } else {
            format!(
                "unexpected {} after {}",
                describe(src, next),
                describe(src, prev)
            )
        };
        return Err(error(next.span.start, message));
    }
    // A record literal's first token is a key or `}` (or `base with`); `{{` is a template
    // placeholder, `{...` a documentation elision.
    let opens_record = prev.kind == Kind::LBrace;
    if opens_record
        && !matches!(next.kind, Kind::Ident | Kind::String | Kind::RBrace)
        && !is_block_start(next)
    {
        return Err(error(
            next.span.start,
            format!(
                "expected a record key after `{{`, found {}",
                describe(src, next)
            ),
        ));
    }
    Ok(())
}

/// Tokens that may open a function body block rather than a record.
fn is_block_start(token: &Token) -> bool {
    token.kind == Kind::Keyword
}

fn shape(src: &str, significant: &[Token]) -> Shape {
    let minus = |t: &Token| t.kind == Kind::Operator && t.text(src) == "-";
    match significant {
        [only] => match only.kind {
            Kind::String => Shape::String,
            Kind::StringExpr => Shape::StringExpr,
            Kind::Duration => Shape::Duration,
            Kind::Int => Shape::Int,
            Kind::Float => Shape::Float,
            Kind::Ident => Shape::Ident,
            _ => Shape::Expression,
        },
        [sign, operand] if minus(sign) => match operand.kind {
            Kind::Duration => Shape::NegatedDuration {
                spaced: sign.span.end != operand.span.start,
            },
            Kind::Int => Shape::NegatedInt,
            _ => Shape::Expression,
        },
        _ => Shape::Expression,
    }
}
