//! The recursive-descent parser behind [`Filter`] and [`PatchPath`]: one left-to-right pass over
//! the input, with nesting depth and the number of attribute expressions bounded by [`Limits`].
//!
//! Grammar (RFC 7644 §3.4.2.2 and §3.5.2, with the leniencies documented on [`Filter`]):
//!
//! ```text
//! filter     = conjunction *( "or" conjunction )
//! conjunction = unary *( "and" unary )
//! unary      = "not" "(" filter ")" / "(" filter ")" / attrExpr
//! attrExpr   = attrPath "pr" / attrPath compareOp compValue
//!            / attrPath "[" filter "]" [ "." subAttr ( "pr" / compareOp compValue ) ]
//! patchPath  = schemaUrn / attrPath / attrPath "[" filter "]" [ "." subAttr ]
//! ```
//!
//! Tokens: a *word* is a run of bytes other than ASCII whitespace, `(`, `)`, `[`, `]` and `"`;
//! attribute paths, operators, keywords and unquoted values are words. Whitespace between tokens
//! is optional where the tokens are otherwise delimited.
//!
//! [`Filter`]: crate::Filter
//! [`PatchPath`]: crate::PatchPath

use crate::attr_path::is_attr_name;
use crate::{AttrPath, CompareOp, CompareValue, Filter, Limits, PatchPath};

/// What went wrong while parsing a filter or a PATCH path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SyntaxErrorKind {
    /// The input is empty or only whitespace.
    #[error("the input is empty")]
    Empty,
    /// The input is longer than [`Limits::max_length`].
    #[error("the input is {length} bytes long, more than the {max} accepted")]
    TooLong {
        /// The input's length in bytes.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// Groups are nested deeper than [`Limits::max_depth`].
    #[error("groups are nested more than {max} levels deep")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// The input holds more attribute expressions than [`Limits::max_terms`].
    #[error("more than {max} attribute expressions")]
    TooManyTerms {
        /// The limit.
        max: usize,
    },
    /// A string has no closing `"`.
    #[error("the string is never closed with `\"`")]
    UnterminatedString,
    /// A string is not a valid JSON string.
    #[error("invalid string: {reason}")]
    InvalidString {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A number is outside the range of a 64-bit float.
    #[error("the number `{0}` is out of range")]
    InvalidNumber(String),
    /// A word in the place of an attribute path is not one.
    #[error("`{text}` is not a valid attribute path: {reason}")]
    InvalidAttributePath {
        /// The word, shortened if long.
        text: String,
        /// Why it is not an attribute path.
        reason: &'static str,
    },
    /// A word in the place of an operator is not one.
    #[error("unknown operator `{0}` (expected eq, ne, co, sw, ew, gt, ge, lt, le or pr)")]
    UnknownOperator(String),
    /// `and` or `or` with nothing after it.
    #[error("`{keyword}` is not followed by an expression")]
    DanglingLogicalOperator {
        /// `and` or `or`.
        keyword: &'static str,
    },
    /// `not` without a parenthesised filter after it.
    #[error("`not` must be followed by a filter in parentheses")]
    NotWithoutParenthesis,
    /// A `(` without its `)`.
    #[error("`(` is never closed")]
    UnclosedParenthesis,
    /// A `)` without its `(`.
    #[error("`)` has no matching `(`")]
    UnmatchedParenthesis,
    /// A `[` without its `]`.
    #[error("`[` is never closed")]
    UnclosedBracket,
    /// A `]` without its `[`.
    #[error("`]` has no matching `[`")]
    UnmatchedBracket,
    /// A value filter inside a value filter (`emails[x[y pr]]`).
    #[error("a value filter cannot contain another value filter")]
    NestedValueFilter,
    /// A value filter after a sub-attribute (`name.givenName[...]`).
    #[error("a value filter applies to an attribute, not to a sub-attribute")]
    ValueFilterOnSubAttribute,
    /// Any other unexpected token.
    #[error("expected {expected}, found {found}")]
    Unexpected {
        /// What the grammar allows here.
        expected: &'static str,
        /// What the input has instead.
        found: String,
    },
}

/// A [`SyntaxErrorKind`] at a byte offset of the input.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub(crate) kind: SyntaxErrorKind,
    pub(crate) position: usize,
}

/// Parses a whole filter.
pub(crate) fn parse_filter(text: &str, limits: &Limits) -> Result<Filter, SyntaxError> {
    let mut parser = Parser::new(text, limits)?;
    let filter = parser.filter(false)?;
    parser.finish("`and`, `or` or the end of the filter")?;
    Ok(filter)
}

/// Parses a whole PATCH path; a path equal to one of `schemas` names that schema.
pub(crate) fn parse_patch_path(
    text: &str,
    limits: &Limits,
    schemas: &[&str],
) -> Result<PatchPath, SyntaxError> {
    let mut parser = Parser::new(text, limits)?;
    let path = parser.patch_path(schemas)?;
    parser.finish("the end of the path")?;
    Ok(path)
}

/// Words longer than this are shortened in error messages.
const QUOTED_WORD_CHARS: usize = 40;

struct Parser<'a> {
    text: &'a str,
    position: usize,
    depth: usize,
    terms: usize,
    max_depth: usize,
    max_terms: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, limits: &Limits) -> Result<Self, SyntaxError> {
        if text.len() > limits.max_length {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::TooLong {
                    length: text.len(),
                    max: limits.max_length,
                },
                position: limits.max_length,
            });
        }
        if text.trim_ascii().is_empty() {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::Empty,
                position: 0,
            });
        }
        Ok(Self {
            text,
            position: 0,
            depth: 0,
            terms: 0,
            max_depth: limits.effective_depth(),
            max_terms: limits.effective_terms(),
        })
    }

    /// `conjunction *( "or" conjunction )`, left-associative.
    fn filter(&mut self, in_brackets: bool) -> Result<Filter, SyntaxError> {
        let mut left = self.conjunction(in_brackets)?;
        while let Some(keyword_at) = self.eat_keyword("or") {
            self.expect_operand(keyword_at, "or")?;
            let right = self.conjunction(in_brackets)?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `unary *( "and" unary )`, left-associative.
    fn conjunction(&mut self, in_brackets: bool) -> Result<Filter, SyntaxError> {
        let mut left = self.unary(in_brackets)?;
        while let Some(keyword_at) = self.eat_keyword("and") {
            self.expect_operand(keyword_at, "and")?;
            let right = self.unary(in_brackets)?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, in_brackets: bool) -> Result<Filter, SyntaxError> {
        const EXPECTED: &str = "an attribute path, `(` or `not`";
        self.skip_whitespace();
        let start = self.position;
        match self.peek() {
            Some(b'(') => self.group(in_brackets),
            None | Some(b'"' | b')' | b'[' | b']') => Err(self.unexpected(EXPECTED)),
            Some(_) => {
                let word = self.word();
                if word.eq_ignore_ascii_case("not") {
                    self.skip_whitespace();
                    if self.peek() != Some(b'(') {
                        return Err(error(SyntaxErrorKind::NotWithoutParenthesis, start));
                    }
                    return Ok(Filter::Not(Box::new(self.group(in_brackets)?)));
                }
                if word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or") {
                    return Err(error(
                        SyntaxErrorKind::Unexpected {
                            expected: EXPECTED,
                            found: quote_word(word),
                        },
                        start,
                    ));
                }
                let attr = attr_path(word, start)?;
                self.attribute_expression(attr, start, in_brackets)
            }
        }
    }

    /// `"(" filter ")"`, at the `(`.
    fn group(&mut self, in_brackets: bool) -> Result<Filter, SyntaxError> {
        let open = self.position;
        self.position += 1;
        self.enter(open)?;
        let inner = self.filter(in_brackets)?;
        self.skip_whitespace();
        match self.peek() {
            Some(b')') => {
                self.position += 1;
                self.depth -= 1;
                Ok(inner)
            }
            None => Err(error(SyntaxErrorKind::UnclosedParenthesis, open)),
            Some(_) => Err(self.unexpected("`and`, `or` or `)`")),
        }
    }

    /// What follows an attribute path: `pr`, an operator and a value, or a value filter.
    fn attribute_expression(
        &mut self,
        attr: AttrPath,
        start: usize,
        in_brackets: bool,
    ) -> Result<Filter, SyntaxError> {
        self.skip_whitespace();
        if self.peek() != Some(b'[') {
            return self.comparison(attr);
        }
        if in_brackets {
            return Err(error(SyntaxErrorKind::NestedValueFilter, self.position));
        }
        if attr.sub_attr().is_some() {
            return Err(error(SyntaxErrorKind::ValueFilterOnSubAttribute, start));
        }
        let inner = self.value_filter()?;
        // `emails[type eq "work"].value eq "x"` is not RFC syntax, but Microsoft Entra sends it
        // and upstream accepts it: it means `emails[type eq "work" and value eq "x"]`.
        let after_bracket = self.position;
        self.skip_whitespace();
        if self.peek() != Some(b'.') {
            self.position = after_bracket;
            return Ok(Filter::ValuePath {
                attr,
                filter: Box::new(inner),
            });
        }
        self.position += 1;
        self.skip_whitespace();
        let sub_attr_start = self.position;
        let sub_attr = self.sub_attr()?;
        // The sub-attribute becomes a path of its own inside the value filter, where a keyword
        // would not read back as a path.
        if ["and", "or", "not"]
            .iter()
            .any(|keyword| sub_attr.name_is(keyword))
        {
            return Err(error(
                SyntaxErrorKind::Unexpected {
                    expected: "a sub-attribute name",
                    found: quote_word(sub_attr.name()),
                },
                sub_attr_start,
            ));
        }
        let comparison = self.comparison(sub_attr)?;
        Ok(Filter::ValuePath {
            attr,
            filter: Box::new(Filter::And(Box::new(inner), Box::new(comparison))),
        })
    }

    /// `"[" filter "]"`, at the `[`.
    fn value_filter(&mut self) -> Result<Filter, SyntaxError> {
        let open = self.position;
        self.position += 1;
        self.enter(open)?;
        let inner = self.filter(true)?;
        self.skip_whitespace();
        match self.peek() {
            Some(b']') => {
                self.position += 1;
                self.depth -= 1;
                Ok(inner)
            }
            None => Err(error(SyntaxErrorKind::UnclosedBracket, open)),
            Some(_) => Err(self.unexpected("`and`, `or` or `]`")),
        }
    }

    /// The sub-attribute name after `].`, as a path of its own.
    fn sub_attr(&mut self) -> Result<AttrPath, SyntaxError> {
        self.skip_whitespace();
        let start = self.position;
        let word = self.word();
        if word.is_empty() {
            return Err(self.unexpected("a sub-attribute name"));
        }
        if !is_attr_name(word) {
            return Err(error(
                SyntaxErrorKind::InvalidAttributePath {
                    text: shorten(word),
                    reason: "a sub-attribute name after `].` starts with a letter or `$` and holds only letters, digits, `_`, `-` and `$`",
                },
                start,
            ));
        }
        attr_path(word, start)
    }

    /// `"pr"` or `compareOp compValue` after `path`.
    fn comparison(&mut self, path: AttrPath) -> Result<Filter, SyntaxError> {
        self.skip_whitespace();
        let start = self.position;
        let word = self.word();
        if word.is_empty() {
            return Err(self.unexpected("an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr)"));
        }
        if word.eq_ignore_ascii_case("pr") {
            self.count_term(start)?;
            return Ok(Filter::Present(path));
        }
        let Some(op) = CompareOp::parse(word) else {
            return Err(error(
                SyntaxErrorKind::UnknownOperator(shorten(word)),
                start,
            ));
        };
        let value = self.value()?;
        self.count_term(start)?;
        Ok(Filter::Compare { path, op, value })
    }

    /// A JSON string, number, `true`, `false`, `null`, or an unquoted word.
    fn value(&mut self) -> Result<CompareValue, SyntaxError> {
        const EXPECTED: &str = "a value";
        self.skip_whitespace();
        let start = self.position;
        match self.peek() {
            Some(b'"') => self.string().map(CompareValue::String),
            None | Some(b'(' | b')' | b'[' | b']') => Err(self.unexpected(EXPECTED)),
            Some(_) => {
                let word = self.word();
                if ["and", "or", "not"]
                    .iter()
                    .any(|keyword| word.eq_ignore_ascii_case(keyword))
                {
                    return Err(error(
                        SyntaxErrorKind::Unexpected {
                            expected: EXPECTED,
                            found: quote_word(word),
                        },
                        start,
                    ));
                }
                match classify_word(word) {
                    Ok(value) => Ok(value),
                    Err(kind) => Err(error(kind, start)),
                }
            }
        }
    }

    /// A JSON string literal, at its opening `"`.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let open = self.position;
        let bytes = self.text.as_bytes();
        let mut index = open + 1;
        let mut escaped = false;
        loop {
            match bytes.get(index) {
                None => return Err(error(SyntaxErrorKind::UnterminatedString, open)),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    index += 2;
                }
                Some(&byte) if byte < 0x20 => {
                    return Err(error(
                        SyntaxErrorKind::InvalidString {
                            reason: "control characters must be escaped",
                        },
                        index,
                    ));
                }
                Some(_) => index += 1,
            }
        }
        self.position = index + 1;
        let invalid_escape = || {
            error(
                SyntaxErrorKind::InvalidString {
                    reason: "invalid escape sequence",
                },
                open,
            )
        };
        // Both ends are ASCII quotes, so these are character boundaries.
        if !escaped {
            return self
                .text
                .get(open + 1..index)
                .map(str::to_owned)
                .ok_or_else(invalid_escape);
        }
        let literal = self.text.get(open..=index).ok_or_else(invalid_escape)?;
        serde_json::from_str(literal).map_err(|_| invalid_escape())
    }

    /// A PATCH path: a schema URN, or an attribute path with an optional value filter and
    /// sub-attribute. Whitespace is allowed around `[`, `]` and the `.` after `]`, as upstream
    /// allows it (`roles [ type eq "x" ] . primary`), but not inside an attribute path.
    fn patch_path(&mut self, schemas: &[&str]) -> Result<PatchPath, SyntaxError> {
        self.skip_whitespace();
        let start = self.position;
        let word = self.word();
        if word.is_empty() {
            return Err(self.unexpected("an attribute path"));
        }
        self.skip_whitespace();
        if self.peek() != Some(b'[') {
            if self.peek().is_none() && schemas.iter().any(|urn| urn.eq_ignore_ascii_case(word)) {
                return Ok(PatchPath::Schema(word.to_owned()));
            }
            let attr = attr_path(word, start)?;
            self.finish("`[` or the end of the path")?;
            return Ok(PatchPath::Attribute {
                attr,
                value_filter: None,
            });
        }
        let attr = attr_path(word, start)?;
        if attr.sub_attr().is_some() {
            return Err(error(SyntaxErrorKind::ValueFilterOnSubAttribute, start));
        }
        let filter = self.value_filter()?;
        self.skip_whitespace();
        let attr = if self.peek() == Some(b'.') {
            self.position += 1;
            let sub_attr = self.sub_attr()?;
            attr.with_sub_attr(sub_attr.name())
        } else {
            self.finish("`.` or the end of the path")?;
            attr
        };
        Ok(PatchPath::Attribute {
            attr,
            value_filter: Some(filter),
        })
    }

    /// Checks that only whitespace is left.
    fn finish(&mut self, expected: &'static str) -> Result<(), SyntaxError> {
        self.skip_whitespace();
        match self.peek() {
            None => Ok(()),
            Some(b')') => Err(error(SyntaxErrorKind::UnmatchedParenthesis, self.position)),
            Some(b']') => Err(error(SyntaxErrorKind::UnmatchedBracket, self.position)),
            Some(_) => Err(self.unexpected(expected)),
        }
    }

    /// Consumes the keyword `keyword` (any case) if it is the next word, returning its offset.
    fn eat_keyword(&mut self, keyword: &str) -> Option<usize> {
        let before = self.position;
        self.skip_whitespace();
        let start = self.position;
        let end = start + keyword.len();
        let bytes = self.text.as_bytes();
        let is_keyword = bytes
            .get(start..end)
            .is_some_and(|word| word.eq_ignore_ascii_case(keyword.as_bytes()))
            && bytes.get(end).is_none_or(|&byte| is_delimiter(byte));
        if is_keyword {
            self.position = end;
            return Some(start);
        }
        self.position = before;
        None
    }

    /// Fails with [`SyntaxErrorKind::DanglingLogicalOperator`] when nothing follows `keyword`.
    fn expect_operand(
        &mut self,
        keyword_at: usize,
        keyword: &'static str,
    ) -> Result<(), SyntaxError> {
        self.skip_whitespace();
        match self.peek() {
            None | Some(b')' | b']') => Err(error(
                SyntaxErrorKind::DanglingLogicalOperator { keyword },
                keyword_at,
            )),
            Some(_) => Ok(()),
        }
    }

    /// Opens a group at `open`, failing past the depth limit.
    fn enter(&mut self, open: usize) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(error(
                SyntaxErrorKind::TooDeep {
                    max: self.max_depth,
                },
                open,
            ));
        }
        Ok(())
    }

    /// Counts one attribute expression at `start`, failing past the term limit.
    fn count_term(&mut self, start: usize) -> Result<(), SyntaxError> {
        self.terms += 1;
        if self.terms > self.max_terms {
            return Err(error(
                SyntaxErrorKind::TooManyTerms {
                    max: self.max_terms,
                },
                start,
            ));
        }
        Ok(())
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_whitespace()) {
            self.position += 1;
        }
    }

    /// Consumes and returns the word at the current position (possibly empty).
    fn word(&mut self) -> &'a str {
        let start = self.position;
        while self.peek().is_some_and(|byte| !is_delimiter(byte)) {
            self.position += 1;
        }
        // Delimiters are ASCII, so both ends are character boundaries.
        self.text.get(start..self.position).unwrap_or_default()
    }

    /// An [`SyntaxErrorKind::Unexpected`] error describing the token at the current position.
    fn unexpected(&self, expected: &'static str) -> SyntaxError {
        let found = match self.peek() {
            None => "the end of the input".to_owned(),
            Some(b'"') => "a string".to_owned(),
            Some(byte) if is_delimiter(byte) => format!("`{}`", char::from(byte)),
            Some(_) => {
                let rest = self.text.get(self.position..).unwrap_or_default();
                let end = rest.find(|c: char| u8::try_from(c).is_ok_and(is_delimiter));
                quote_word(rest.get(..end.unwrap_or(rest.len())).unwrap_or_default())
            }
        };
        error(
            SyntaxErrorKind::Unexpected { expected, found },
            self.position,
        )
    }
}

fn error(kind: SyntaxErrorKind, position: usize) -> SyntaxError {
    SyntaxError { kind, position }
}

/// Parses `word` (found at `start`) as an attribute path.
fn attr_path(word: &str, start: usize) -> Result<AttrPath, SyntaxError> {
    AttrPath::parse(word).map_err(|invalid| {
        error(
            SyntaxErrorKind::InvalidAttributePath {
                text: shorten(word),
                reason: invalid.reason(),
            },
            start,
        )
    })
}

/// Whether `byte` ends a word.
fn is_delimiter(byte: u8) -> bool {
    byte.is_ascii_whitespace() || matches!(byte, b'(' | b')' | b'[' | b']' | b'"')
}

/// `word` shortened to [`QUOTED_WORD_CHARS`] characters, for error messages.
fn shorten(word: &str) -> String {
    match word.char_indices().nth(QUOTED_WORD_CHARS) {
        Some((end, _)) => format!("{}…", word.get(..end).unwrap_or_default()),
        None => word.to_owned(),
    }
}

fn quote_word(word: &str) -> String {
    format!("`{}`", shorten(word))
}

/// The value an unquoted word stands for: a JSON number, `true`, `false` or `null` (any case),
/// or else the word itself.
pub(crate) fn classify_word(word: &str) -> Result<CompareValue, SyntaxErrorKind> {
    if word.eq_ignore_ascii_case("true") {
        return Ok(CompareValue::Bool(true));
    }
    if word.eq_ignore_ascii_case("false") {
        return Ok(CompareValue::Bool(false));
    }
    if word.eq_ignore_ascii_case("null") {
        return Ok(CompareValue::Null);
    }
    if !is_json_number(word) {
        return Ok(CompareValue::Unquoted(word.to_owned()));
    }
    let out_of_range = || SyntaxErrorKind::InvalidNumber(shorten(word));
    let is_integer = !word.contains(['.', 'e', 'E']);
    let number = if is_integer && let Ok(unsigned) = word.parse::<u64>() {
        serde_json::Number::from(unsigned)
    } else if is_integer && let Ok(signed) = word.parse::<i64>() {
        serde_json::Number::from(signed)
    } else {
        // Rust's float parsing rounds correctly, so printed floats parse back to themselves.
        let float = word.parse::<f64>().map_err(|_| out_of_range())?;
        serde_json::Number::from_f64(float).ok_or_else(out_of_range)?
    };
    Ok(CompareValue::Number(number))
}

/// Whether `word` matches JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
pub(crate) fn is_json_number(word: &str) -> bool {
    fn digits(bytes: &[u8], mut index: usize) -> usize {
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
        index
    }
    let bytes = word.as_bytes();
    let mut index = usize::from(bytes.first() == Some(&b'-'));
    match bytes.get(index) {
        Some(b'0') => index += 1,
        Some(b'1'..=b'9') => index = digits(bytes, index + 1),
        _ => return false,
    }
    if bytes.get(index) == Some(&b'.') {
        let end = digits(bytes, index + 1);
        if end == index + 1 {
            return false;
        }
        index = end;
    }
    if matches!(bytes.get(index), Some(b'e' | b'E')) {
        index += 1;
        if matches!(bytes.get(index), Some(b'+' | b'-')) {
            index += 1;
        }
        let end = digits(bytes, index);
        if end == index {
            return false;
        }
        index = end;
    }
    index == bytes.len()
}

/// Whether `word` reads back as [`CompareValue::Unquoted`] of itself.
pub(crate) fn is_unquoted_word(word: &str) -> bool {
    !word.is_empty()
        && !word.bytes().any(is_delimiter)
        && !["and", "or", "not", "true", "false", "null"]
            .iter()
            .any(|keyword| word.eq_ignore_ascii_case(keyword))
        && !is_json_number(word)
}
