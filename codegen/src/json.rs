//! A small JSON parser that keeps the position of every value.
//!
//! Amplify configuration files are edited by hand, so the parser accepts what hand edits leave
//! behind (`//` and `/* */` comments, trailing commas) and reports everything else with a line
//! and column. Unlike `serde_json`, it keeps every key of an object in order, so duplicate keys
//! are reported instead of silently resolved.

use std::collections::HashMap;
use std::fmt;

/// A position in the source text: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column number, counted in characters.
    pub column: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A JSON value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// Where the value starts.
    pub pos: Pos,
    /// What the value is.
    pub kind: Kind,
}

/// The kinds of JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in source order (duplicates are rejected while parsing).
    Object(Vec<Member>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Value,
}

impl Value {
    /// A short name of the value's kind, for error messages ("a string", "a number", ...).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The member named `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.iter().find(|m| m.key == key).map(|m| &m.value)
    }
}

/// A syntax error: what was expected, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the problem is.
    pub pos: Pos,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Nesting deeper than this is refused, so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 128;

/// Parses `text` as JSON with comments and trailing commas.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser {
        chars: text.char_indices().peekable(),
        pos: Pos { line: 1, column: 1 },
        depth: 0,
    };
    p.skip_trivia()?;
    if p.peek().is_none() {
        return Err(p.error("the file is empty; expected a JSON object"));
    }
    let value = p.value()?;
    p.skip_trivia()?;
    if let Some(c) = p.peek() {
        return Err(p.error(format!(
            "expected the end of the file after the top-level value, found {}",
            describe(c)
        )));
    }
    Ok(value)
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    pos: Pos,
    depth: usize,
}

fn describe(c: char) -> String {
    match c {
        '\n' => "a line break".to_owned(),
        c if c.is_control() => format!("control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else {
            self.pos.column += 1;
        }
        Some(c)
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            pos: self.pos,
            message: message.into(),
        }
    }

    fn found(&mut self) -> String {
        match self.peek() {
            Some(c) => describe(c),
            None => "the end of the file".to_owned(),
        }
    }

    /// Skips white space and comments.
    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\n' | '\r' | '\u{feff}') => {
                    self.bump();
                }
                Some('/') => {
                    let start = self.pos;
                    self.bump();
                    match self.bump() {
                        Some('/') => {
                            while let Some(c) = self.peek() {
                                if c == '\n' {
                                    break;
                                }
                                self.bump();
                            }
                        }
                        Some('*') => {
                            let mut prev = '\0';
                            loop {
                                match self.bump() {
                                    Some('/') if prev == '*' => break,
                                    Some(c) => prev = c,
                                    None => {
                                        return Err(SyntaxError {
                                            pos: start,
                                            message: "unterminated `/*` comment".to_owned(),
                                        });
                                    }
                                }
                            }
                        }
                        _ => {
                            return Err(SyntaxError {
                                pos: start,
                                message: "expected `//` or `/*` to start a comment".to_owned(),
                            });
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        let pos = self.pos;
        let kind = match self.peek() {
            Some('{') => self.nested(Self::object)?,
            Some('[') => self.nested(Self::array)?,
            Some('"') => Kind::String(self.string()?),
            Some('-' | '0'..='9') => Kind::Number(self.number()?),
            Some('t') => self.keyword("true", Kind::Bool(true))?,
            Some('f') => self.keyword("false", Kind::Bool(false))?,
            Some('n') => self.keyword("null", Kind::Null)?,
            Some('\'') => {
                return Err(self.error("expected a value, found `'`: JSON strings use double quotes"));
            }
            _ => {
                let found = self.found();
                return Err(self.error(format!("expected a value, found {found}")));
            }
        };
        Ok(Value { pos, kind })
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Kind, SyntaxError>) -> Result<Kind, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("values are nested more than {MAX_DEPTH} deep")));
        }
        self.depth += 1;
        let kind = f(self);
        self.depth -= 1;
        kind
    }

    fn keyword(&mut self, word: &str, kind: Kind) -> Result<Kind, SyntaxError> {
        let start = self.pos;
        for expected in word.chars() {
            if self.peek() != Some(expected) {
                return Err(SyntaxError {
                    pos: start,
                    message: format!("expected a value (`{word}`?), found an unknown word"),
                });
            }
            self.bump();
        }
        if matches!(self.peek(), Some(c) if c.is_alphanumeric() || c == '_') {
            return Err(SyntaxError {
                pos: start,
                message: "expected a value, found an unknown word".to_owned(),
            });
        }
        Ok(kind)
    }

    fn object(&mut self) -> Result<Kind, SyntaxError> {
        self.bump(); // {
        let mut members: Vec<Member> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        loop {
            self.skip_trivia()?;
            match self.peek() {
                Some('}') => {
                    self.bump();
                    return Ok(Kind::Object(members));
                }
                Some('"') => {}
                _ => {
                    let found = self.found();
                    let what = if members.is_empty() {
                        "a key or `}`"
                    } else {
                        "a key or `}` after `,`"
                    };
                    return Err(self.error(format!("expected {what}, found {found}")));
                }
            }
            let key_pos = self.pos;
            let key = self.string()?;
            // Keys seen so far: a linear scan for small objects, an index once they grow (a
            // config with thousands of APIs has one object with thousands of keys).
            let first = if members.len() < 16 {
                members.iter().position(|m| m.key == key)
            } else {
                if index.is_empty() {
                    index.extend(members.iter().enumerate().map(|(i, m)| (m.key.clone(), i)));
                }
                index.get(&key).copied()
            };
            if let Some(first) = first.map(|i| &members[i]) {
                return Err(SyntaxError {
                    pos: key_pos,
                    message: format!(
                        "duplicate key \"{key}\" (first at {}); JSON readers disagree on which one wins, so remove one",
                        first.key_pos
                    ),
                });
            }
            self.skip_trivia()?;
            if self.peek() != Some(':') {
                let found = self.found();
                return Err(self.error(format!("expected `:` after the key \"{key}\", found {found}")));
            }
            self.bump();
            self.skip_trivia()?;
            let value = self.value()?;
            if !index.is_empty() {
                index.insert(key.clone(), members.len());
            }
            members.push(Member { key, key_pos, value });
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {}
                _ => {
                    let found = self.found();
                    return Err(self.error(format!(
                        "expected `,` or `}}` after an object member, found {found}"
                    )));
                }
            }
        }
    }

    fn array(&mut self) -> Result<Kind, SyntaxError> {
        self.bump(); // [
        let mut items = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(']') {
                self.bump();
                return Ok(Kind::Array(items));
            }
            items.push(self.value()?);
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {}
                _ => {
                    let found = self.found();
                    return Err(self.error(format!(
                        "expected `,` or `]` after an array element, found {found}"
                    )));
                }
            }
        }
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
                text.push(c);
                self.bump();
            } else {
                break;
            }
        }
        if !is_json_number(&text) {
            return Err(SyntaxError {
                pos: start,
                message: format!("`{text}` is not a valid JSON number"),
            });
        }
        Ok(text)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.bump(); // "
        let mut out = String::new();
        loop {
            let here = self.pos;
            match self.bump() {
                None => {
                    return Err(SyntaxError {
                        pos: start,
                        message: "unterminated string".to_owned(),
                    });
                }
                Some('"') => return Ok(out),
                Some('\\') => {
                    let c = match self.bump() {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => self.unicode_escape(here)?,
                        _ => {
                            return Err(SyntaxError {
                                pos: here,
                                message: "invalid escape in string".to_owned(),
                            });
                        }
                    };
                    out.push(c);
                }
                Some(c) if (c as u32) < 0x20 => {
                    return Err(SyntaxError {
                        pos: here,
                        message: format!("{} inside a string; expected `\"` to close it", describe(c)),
                    });
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn hex4(&mut self, at: Pos) -> Result<u32, SyntaxError> {
        let mut n = 0;
        for _ in 0..4 {
            let digit = self
                .bump()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| SyntaxError {
                    pos: at,
                    message: "expected four hex digits after `\\u`".to_owned(),
                })?;
            n = n * 16 + digit;
        }
        Ok(n)
    }

    fn unicode_escape(&mut self, at: Pos) -> Result<char, SyntaxError> {
        let first = self.hex4(at)?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.bump() != Some('\\') || self.bump() != Some('u') {
                return Err(SyntaxError {
                    pos: at,
                    message: "unpaired surrogate in `\\u` escape".to_owned(),
                });
            }
            let second = self.hex4(at)?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(SyntaxError {
                    pos: at,
                    message: "unpaired surrogate in `\\u` escape".to_owned(),
                });
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| SyntaxError {
            pos: at,
            message: "invalid `\\u` escape".to_owned(),
        })
    }
}

fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_objects_with_positions() {
        let v = parse("{\n  \"a\": [1, true, null],\n  \"b\": \"x\\u00e9\"\n}").expect("valid");
        let a = v.get("a").expect("a");
        assert_eq!(a.pos, Pos { line: 2, column: 8 });
        assert_eq!(v.get("b").and_then(Value::as_str), Some("xé"));
    }

    #[test]
    fn accepts_comments_and_trailing_commas() {
        let v = parse("// top\n{ /* c */ \"a\": 1, // end\n \"b\": [1,2,], }").expect("valid");
        assert!(v.get("b").is_some());
    }

    #[test]
    fn reports_missing_comma_with_position() {
        let e = parse("{\n  \"a\": 1\n  \"b\": 2\n}").expect_err("invalid");
        assert_eq!(e.pos, Pos { line: 3, column: 3 });
        assert!(e.message.contains("expected `,` or `}`"), "{e}");
    }

    #[test]
    fn reports_duplicate_keys() {
        let e = parse("{\"a\": 1, \"a\": 2}").expect_err("duplicate");
        assert!(
            e.message
                .contains("duplicate key \"a\" (first at line 1, column 2)"),
            "{e}"
        );
    }

    #[test]
    fn rejects_bad_numbers_and_garbage() {
        for bad in [
            "",
            "   ",
            "{",
            "[1,",
            "01",
            "1.",
            "-",
            "{\"a\" 1}",
            "nul",
            "'x'",
            "{} x",
            "\"\\x\"",
            "/x",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        let e = parse(&text).expect_err("too deep");
        assert!(e.message.contains("nested"), "{e}");
    }
}
