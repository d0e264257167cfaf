//! A reader for `aws-exports.js` / `.ts`: the object literal the file exports, read statically
//! into the same [`Value`] tree (with positions) the JSON parser gives.
//!
//! Accepted: `const NAME = { ... };` (also `let`/`var`, `export const`, a `: Type` annotation and
//! `as const`), `export default NAME;`, `export default { ... };`, `module.exports = ...;`,
//! `import` lines, comments, unquoted keys, single- and double-quoted strings, template strings
//! without `${}`, trailing commas, and names of earlier constants. Anything that needs running
//! the file (`process.env.X`, calls, spreads) is an error naming its line and column.

use crate::json::{Kind, Member, Pos, SyntaxError, Value};

/// Nesting deeper than this is refused, so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 128;

/// Reads the value `text` exports.
pub(crate) fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser {
        chars: text.chars().collect(),
        i: 0,
        pos: Pos { line: 1, column: 1 },
        depth: 0,
        consts: Vec::new(),
    };
    p.program()
}

struct Parser {
    chars: Vec<char>,
    i: usize,
    pos: Pos,
    depth: usize,
    /// Constants declared so far, for `export default NAME` and values naming them.
    consts: Vec<(String, Value)>,
}

fn describe(c: char) -> String {
    match c {
        '\n' => "a line break".to_owned(),
        c if c.is_control() => format!("control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.i + n).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else {
            self.pos.column += 1;
        }
        Some(c)
    }

    fn error_at(pos: Pos, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            pos,
            message: message.into(),
        }
    }

    fn found(&self) -> String {
        match self.peek() {
            Some(c) => describe(c),
            None => "the end of the file".to_owned(),
        }
    }

    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() || c == '\u{feff}' => {
                    self.bump();
                }
                Some('/') if self.peek_at(1) == Some('/') => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                Some('/') if self.peek_at(1) == Some('*') => {
                    let start = self.pos;
                    self.bump();
                    self.bump();
                    loop {
                        match self.bump() {
                            Some('*') if self.peek() == Some('/') => {
                                self.bump();
                                break;
                            }
                            Some(_) => {}
                            None => return Err(Self::error_at(start, "unterminated `/*` comment")),
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// An identifier at the cursor, if there is one (not consumed past it).
    fn ident(&mut self) -> Option<(String, Pos)> {
        let pos = self.pos;
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        let mut name = String::new();
        while let Some(c) = self.peek().filter(|&c| is_ident_char(c)) {
            name.push(c);
            self.bump();
        }
        Some((name, pos))
    }

    fn eat(&mut self, c: char) -> Result<bool, SyntaxError> {
        self.skip_trivia()?;
        if self.peek() == Some(c) {
            self.bump();
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Skips the `;` or line end that closes a statement.
    fn end_statement(&mut self) -> Result<(), SyntaxError> {
        self.eat(';')?;
        Ok(())
    }

    fn program(&mut self) -> Result<Value, SyntaxError> {
        let mut exported: Option<Value> = None;
        loop {
            self.skip_trivia()?;
            let Some(c) = self.peek() else { break };
            let start = self.pos;
            let Some((word, _)) = self.ident() else {
                if c == '{' {
                    return Err(Self::error_at(
                        start,
                        "found an object with no name; expected `const awsmobile = { ... };` \
                         (this looks like JSON: give the file a .json name, or force the JSON formats)",
                    ));
                }
                return Err(Self::error_at(
                    start,
                    format!(
                        "expected `const awsmobile = {{ ... }};` or `export default awsmobile;`, found {}",
                        describe(c)
                    ),
                ));
            };
            match word.as_str() {
                "import" => {
                    // Type imports (`import type { ResourcesConfig } from ...`) change nothing read here.
                    while let Some(c) = self.bump() {
                        if c == ';' || c == '\n' {
                            break;
                        }
                    }
                }
                "const" | "let" | "var" => self.declaration()?,
                "export" => {
                    self.skip_trivia()?;
                    let at = self.pos;
                    match self.ident() {
                        Some((w, _)) if w == "default" => {
                            let value = self.expression()?;
                            self.end_statement()?;
                            self.set_export(&mut exported, value, start)?;
                        }
                        Some((w, _)) if matches!(w.as_str(), "const" | "let" | "var") => {
                            self.declaration()?;
                        }
                        _ => {
                            return Err(Self::error_at(
                                at,
                                "expected `export default ...` or `export const NAME = ...`",
                            ));
                        }
                    }
                }
                "module" => {
                    let at = self.pos;
                    let is_exports = self.eat('.')? && {
                        self.skip_trivia()?;
                        self.ident().is_some_and(|(w, _)| w == "exports")
                    };
                    if !is_exports || !self.eat('=')? {
                        return Err(Self::error_at(at, "expected `module.exports = ...`"));
                    }
                    let value = self.expression()?;
                    self.end_statement()?;
                    self.set_export(&mut exported, value, start)?;
                }
                "use" => {}
                _ => {
                    return Err(Self::error_at(
                        start,
                        format!(
                            "`{word}` cannot be read without running the file; expected \
                             `const awsmobile = {{ ... }};` or `export default awsmobile;`"
                        ),
                    ));
                }
            }
        }
        if let Some(value) = exported {
            return Ok(value);
        }
        match self.consts.len() {
            1 => Ok(self.consts.remove(0).1),
            0 => Err(Self::error_at(
                self.pos,
                "the file exports nothing; expected `const awsmobile = { ... }; export default awsmobile;`",
            )),
            _ => Err(Self::error_at(
                self.pos,
                "the file declares several constants but exports none; expected `export default awsmobile;`",
            )),
        }
    }

    fn set_export(&mut self, slot: &mut Option<Value>, value: Value, at: Pos) -> Result<(), SyntaxError> {
        if slot.is_some() {
            return Err(Self::error_at(
                at,
                "a second export; expected the file to export one object",
            ));
        }
        *slot = Some(value);
        Ok(())
    }

    /// `NAME (: Type)? = expression (as const)? ;` after `const`/`let`/`var`.
    fn declaration(&mut self) -> Result<(), SyntaxError> {
        self.skip_trivia()?;
        let at = self.pos;
        let Some((name, _)) = self.ident() else {
            let found = self.found();
            return Err(Self::error_at(
                at,
                format!("expected a constant's name, found {found}"),
            ));
        };
        self.skip_trivia()?;
        if self.peek() == Some(':') {
            // A TypeScript annotation: skip up to the `=`.
            while let Some(c) = self.peek() {
                if c == '=' || c == ';' || c == '\n' {
                    break;
                }
                self.bump();
            }
        }
        if !self.eat('=')? {
            let found = self.found();
            return Err(Self::error_at(
                self.pos,
                format!("expected `=` after `{name}`, found {found}"),
            ));
        }
        let value = self.expression()?;
        self.end_statement()?;
        if let Some(slot) = self.consts.iter_mut().find(|(n, _)| *n == name) {
            return Err(Self::error_at(
                at,
                format!(
                    "`{name}` is declared twice (first value at {}); expected one declaration",
                    slot.1.pos
                ),
            ));
        }
        self.consts.push((name, value));
        Ok(())
    }

    /// A value, optionally followed by `as const` / `satisfies Type` (TypeScript).
    fn expression(&mut self) -> Result<Value, SyntaxError> {
        self.skip_trivia()?;
        let value = self.value()?;
        self.skip_trivia()?;
        let save = (self.i, self.pos);
        match self.ident() {
            Some((w, _)) if w == "as" || w == "satisfies" => {
                while let Some(c) = self.peek() {
                    if c == ';' || c == '\n' || c == ',' || c == '}' {
                        break;
                    }
                    self.bump();
                }
            }
            _ => (self.i, self.pos) = save,
        }
        Ok(value)
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        let pos = self.pos;
        let kind = match self.peek() {
            Some('{') => self.nested(Self::object)?,
            Some('[') => self.nested(Self::array)?,
            Some(q @ ('"' | '\'')) => Kind::String(self.string(q)?),
            Some('`') => Kind::String(self.template()?),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '.' => Kind::Number(self.number()?),
            Some(c) if is_ident_start(c) => return self.named_value(),
            _ => {
                let found = self.found();
                return Err(Self::error_at(
                    pos,
                    format!(
                        "expected a value (a string, number, boolean, null, array or object), found {found}"
                    ),
                ));
            }
        };
        Ok(Value { pos, kind })
    }

    /// `true`, `false`, `null`, `undefined` or the name of an earlier constant.
    fn named_value(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        let start_i = self.i;
        let (word, _) = self
            .ident()
            .ok_or_else(|| Self::error_at(start, "expected a value"))?;
        // The whole expression, for the message: `process.env.API_URL`, `getUrl()`.
        let mut end = self.i;
        while let Some(&c) = self.chars.get(end) {
            if is_ident_char(c) || c == '.' || c == '(' || c == ')' || c == '[' || c == ']' {
                end += 1;
            } else {
                break;
            }
        }
        let followed = self.peek().is_some_and(|c| matches!(c, '.' | '(' | '['));
        let kind = match word.as_str() {
            "true" if !followed => Kind::Bool(true),
            "false" if !followed => Kind::Bool(false),
            "null" | "undefined" if !followed => Kind::Null,
            _ if !followed => match self.consts.iter().find(|(n, _)| *n == word) {
                Some((_, v)) => return Ok(v.clone()),
                None => {
                    return Err(Self::error_at(
                        start,
                        format!(
                            "`{word}` is not a constant declared above; expected a literal value \
                             (a string, number, boolean, null, array or object)"
                        ),
                    ));
                }
            },
            _ => {
                let expr: String = self.chars[start_i..end.min(start_i + 60)].iter().collect();
                return Err(Self::error_at(
                    start,
                    format!(
                        "`{expr}` cannot be read without running the file; expected a literal value \
                         (a string, number, boolean, null, array or object)"
                    ),
                ));
            }
        };
        Ok(Value { pos: start, kind })
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Kind, SyntaxError>) -> Result<Kind, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(Self::error_at(
                self.pos,
                format!("values are nested more than {MAX_DEPTH} deep"),
            ));
        }
        self.depth += 1;
        let kind = f(self);
        self.depth -= 1;
        kind
    }

    fn object(&mut self) -> Result<Kind, SyntaxError> {
        self.bump(); // {
        let mut members: Vec<Member> = Vec::new();
        loop {
            self.skip_trivia()?;
            let key_pos = self.pos;
            let key = match self.peek() {
                Some('}') => {
                    self.bump();
                    return Ok(Kind::Object(members));
                }
                Some(q @ ('"' | '\'')) => self.string(q)?,
                Some(c) if c.is_ascii_digit() => self.number()?,
                Some(c) if is_ident_start(c) => self.ident().map(|(k, _)| k).unwrap_or_default(),
                Some('.') if self.peek_at(1) == Some('.') => {
                    return Err(Self::error_at(
                        key_pos,
                        "a spread (`...`) cannot be read without running the file; expected `key: value`",
                    ));
                }
                Some('[') => {
                    return Err(Self::error_at(
                        key_pos,
                        "a computed key (`[...]`) cannot be read without running the file; expected `key: value`",
                    ));
                }
                _ => {
                    let found = self.found();
                    return Err(Self::error_at(
                        key_pos,
                        format!("expected a key or `}}`, found {found}"),
                    ));
                }
            };
            if let Some(first) = members.iter().find(|m| m.key == key) {
                return Err(Self::error_at(
                    key_pos,
                    format!(
                        "duplicate key \"{key}\" (first at {}); JavaScript keeps the last one silently, so remove one",
                        first.key_pos
                    ),
                ));
            }
            self.skip_trivia()?;
            if self.peek() != Some(':') {
                let found = self.found();
                let hint = if matches!(self.peek(), Some(',' | '}')) {
                    " (shorthand `{ name }` needs running the file)"
                } else {
                    ""
                };
                return Err(Self::error_at(
                    self.pos,
                    format!("expected `:` after the key \"{key}\", found {found}{hint}"),
                ));
            }
            self.bump();
            let value = self.expression()?;
            members.push(Member { key, key_pos, value });
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {}
                _ => {
                    let found = self.found();
                    return Err(Self::error_at(
                        self.pos,
                        format!("expected `,` or `}}` after an object member, found {found}"),
                    ));
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
            if self.peek() == Some('.') && self.peek_at(1) == Some('.') {
                return Err(Self::error_at(
                    self.pos,
                    "a spread (`...`) cannot be read without running the file; expected a value",
                ));
            }
            items.push(self.expression()?);
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {}
                _ => {
                    let found = self.found();
                    return Err(Self::error_at(
                        self.pos,
                        format!("expected `,` or `]` after an array element, found {found}"),
                    ));
                }
            }
        }
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.' | '_') {
                text.push(c);
                self.bump();
            } else {
                break;
            }
        }
        let plain = text.strip_prefix('-').unwrap_or(&text).replace('_', "");
        let radix = ["0x", "0X", "0o", "0O", "0b", "0B"]
            .iter()
            .find_map(|p| plain.strip_prefix(p))
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_hexdigit()));
        let decimal = plain
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
            && plain.parse::<f64>().is_ok();
        if !(radix || decimal) {
            return Err(Self::error_at(start, format!("`{text}` is not a number")));
        }
        Ok(text)
    }

    fn string(&mut self, quote: char) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            let here = self.pos;
            match self.bump() {
                None => return Err(Self::error_at(start, "unterminated string")),
                Some(c) if c == quote => return Ok(out),
                Some('\n') => {
                    return Err(Self::error_at(
                        here,
                        format!("a line break inside a string; expected `{quote}` to close it"),
                    ));
                }
                Some('\\') => {
                    if let Some(c) = self.escape(here)? {
                        out.push(c);
                    }
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// A template string without substitutions: `` `https://${x}` `` needs running the file.
    fn template(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            let here = self.pos;
            match self.bump() {
                None => return Err(Self::error_at(start, "unterminated template string")),
                Some('`') => return Ok(out),
                Some('$') if self.peek() == Some('{') => {
                    return Err(Self::error_at(
                        here,
                        "a `${...}` substitution cannot be read without running the file; expected a plain string",
                    ));
                }
                Some('\\') => {
                    if let Some(c) = self.escape(here)? {
                        out.push(c);
                    }
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// The character an escape stands for (`None` for a line continuation).
    fn escape(&mut self, at: Pos) -> Result<Option<char>, SyntaxError> {
        let invalid = || Self::error_at(at, "invalid escape in string");
        let c = match self.bump().ok_or_else(invalid)? {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'v' => '\u{b}',
            '0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => '\0',
            '\n' => return Ok(None),
            'x' => {
                let code = self.hex_digits(2, at)?;
                char::from_u32(code).ok_or_else(invalid)?
            }
            'u' if self.peek() == Some('{') => {
                self.bump();
                let mut code: u32 = 0;
                let mut digits = 0;
                loop {
                    match self.bump() {
                        Some('}') if digits > 0 => break,
                        Some(c) if c.is_ascii_hexdigit() && digits < 6 => {
                            code = code * 16 + c.to_digit(16).unwrap_or(0);
                            digits += 1;
                        }
                        _ => return Err(invalid()),
                    }
                }
                char::from_u32(code).ok_or_else(invalid)?
            }
            'u' => {
                let first = self.hex_digits(4, at)?;
                let code = if (0xD800..0xDC00).contains(&first) {
                    if self.bump() != Some('\\') || self.bump() != Some('u') {
                        return Err(Self::error_at(at, "unpaired surrogate in `\\u` escape"));
                    }
                    let second = self.hex_digits(4, at)?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(Self::error_at(at, "unpaired surrogate in `\\u` escape"));
                    }
                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                } else {
                    first
                };
                char::from_u32(code).ok_or_else(invalid)?
            }
            c if c.is_ascii_digit() => return Err(invalid()),
            c => c,
        };
        Ok(Some(c))
    }

    fn hex_digits(&mut self, n: usize, at: Pos) -> Result<u32, SyntaxError> {
        let mut code = 0;
        for _ in 0..n {
            let d = self
                .bump()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| Self::error_at(at, format!("expected {n} hex digits in an escape")))?;
            code = code * 16 + d;
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::json::{Kind, Pos, Value};

    fn get<'v>(v: &'v Value, key: &str) -> &'v Value {
        v.get(key).unwrap_or_else(|| panic!("{key}"))
    }

    #[test]
    fn reads_the_generated_shape() {
        let text = "/* eslint-disable */\n// WARNING: DO NOT EDIT.\n\nconst awsmobile = {\n    \"aws_project_region\": \"us-east-1\",\n    aws_cloud_logic_custom: [\n        { name: 'a-b', endpoint: `https://x.example.org/dev`, region: \"us-east-1\", },\n    ],\n    n: -1.5e3, t: true, u: undefined,\n};\n\nexport default awsmobile;\n";
        let v = parse(text).expect("valid");
        assert_eq!(get(&v, "aws_project_region").as_str(), Some("us-east-1"));
        let apis = get(&v, "aws_cloud_logic_custom");
        let Kind::Array(items) = &apis.kind else {
            panic!("array")
        };
        assert_eq!(get(&items[0], "name").as_str(), Some("a-b"));
        assert_eq!(items[0].pos, Pos { line: 7, column: 9 });
        assert_eq!(get(&v, "u").kind, Kind::Null);
    }

    #[test]
    fn other_export_forms() {
        for text in [
            "export default { a: 'x' };",
            "module.exports = { a: 'x' }",
            "import type { ResourcesConfig } from 'aws-amplify';\nconst c: ResourcesConfig = { a: 'x' } as const;\nexport default c;",
            "const region = 'x';\nconst awsmobile = { a: region };\nexport default awsmobile;",
            "const awsmobile = { 'a': \"\\x78\" }",
        ] {
            let v = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(get(&v, "a").as_str(), Some("x"), "{text}");
        }
    }

    #[test]
    fn what_needs_running_the_file_is_an_error_with_a_place() {
        let e = parse(
            "const awsmobile = {\n  aws_project_region: process.env.REGION,\n};\nexport default awsmobile;",
        )
        .expect_err("not static");
        assert_eq!(e.pos, Pos { line: 2, column: 23 });
        assert!(
            e.message
                .contains("`process.env.REGION` cannot be read without running the file"),
            "{e}"
        );
        for (text, words) in [
            ("const a = { ...b };", "spread"),
            ("const a = { [k]: 1 };", "computed key"),
            ("const a = { b };", "shorthand"),
            ("const a = { b: `x${y}` };", "substitution"),
            ("const a = { b: f() };", "`f()` cannot be read"),
            ("const a = { b: c };", "`c` is not a constant"),
            ("const a = { b: 1, b: 2 };", "duplicate key \"b\""),
            ("const a = { b: 1 }; export default z;", "`z` is not a constant"),
            ("{ \"a\": 1 }", "looks like JSON"),
            ("", "exports nothing"),
            ("const a = {}; const b = {};", "exports none"),
            ("console.log(1)", "`console` cannot be read"),
            ("const a = { b: 'x\n' };", "line break inside a string"),
            ("const a = [", "expected a value"),
        ] {
            let e = parse(text).expect_err(text);
            assert!(e.message.contains(words), "{text}: {e}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("const a = {};", "[".repeat(10_000));
        assert!(parse(&text).expect_err("deep").message.contains("nested"));
    }
}
