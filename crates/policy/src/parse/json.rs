//! A strict JSON reader (RFC 8259) that keeps the position of every value and refuses duplicate
//! keys.
//!
//! It is our own rather than serde_json because serde_json forgets positions and silently keeps
//! the last of two equal keys, while IAM rejects documents that repeat a key (archived
//! `reference_policies_grammar.md`, "No duplicate keys"). The reader is strict where JSON is:
//! no comments, no trailing commas, no single quotes, no unescaped control characters, no
//! unpaired surrogates, no leading zeros, nothing after the document.

use std::borrow::Cow;
use std::collections::HashMap;

use super::err::{ParseError, ParseErrorKind, Path};
use crate::document::Span;

mod string;

/// Deeper than any policy document (whose deepest value, a condition value in a list, sits six
/// containers down) and shallow enough that recursion cannot exhaust the stack.
pub(crate) const MAX_DEPTH: usize = 128;

/// Objects with more members than this find duplicates through a hash map instead of a scan.
const LINEAR_SCAN_LIMIT: usize = 16;

/// One JSON value with the span of its text.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub(crate) value: Value<'a>,
    pub(crate) span: Span,
}

#[derive(Debug)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    /// The number's exact source text, already checked against the JSON grammar.
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// Members in written order; keys are unique.
    Object(Vec<Member<'a>>),
}

impl Value<'_> {
    /// The JSON type in words, for "found ..." in messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "`null`",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Member<'a> {
    pub(crate) key: Cow<'a, str>,
    pub(crate) key_span: Span,
    pub(crate) value: Node<'a>,
}

/// Reads one JSON value that must fill `text` (whitespace aside).
///
/// The caller guarantees `text.len()` fits in `u32`.
pub(crate) fn read(text: &str) -> Result<Node<'_>, ParseError> {
    let mut reader = Reader::new(text);
    reader.skip_whitespace();
    let root = reader.value(&Path::Root, 0)?;
    reader.skip_whitespace();
    if reader.pos < reader.bytes.len() {
        return Err(reader.after_end());
    }
    Ok(root)
}

/// Whether `text` is exactly one JSON number.
pub(crate) fn is_number(text: &str) -> bool {
    scan_number(text.as_bytes(), 0) == Ok(text.len())
}

/// JSON insignificant whitespace (RFC 8259 §2).
pub(crate) fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Where a value starts: byte offset with its line and column.
#[derive(Clone, Copy)]
struct Mark {
    start: usize,
    line: u32,
    column: u32,
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The current line (1-based) and the byte offset where it starts. Only whitespace holds
    /// line breaks in valid JSON, so only `skip_whitespace` moves them.
    line: u32,
    line_start: usize,
    /// Column cache: byte `column_at` of the current line is at character column `column`.
    /// Positions are asked for in increasing order, so counting resumes from the last answer.
    column_at: usize,
    column: u32,
}

/// An error inside a number, before it is tied to a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumberError {
    /// At this byte offset a digit was required.
    DigitExpected(usize),
    /// A `0` at this offset is followed by more digits.
    LeadingZero(usize),
}

/// Scans the JSON number that starts at `start`; returns the offset just after it.
fn scan_number(bytes: &[u8], start: usize) -> Result<usize, NumberError> {
    let digit_at = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_digit);
    let skip_digits = |mut at: usize| {
        while digit_at(at) {
            at += 1;
        }
        at
    };
    let mut at = start;
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    match bytes.get(at) {
        Some(b'0') => {
            at += 1;
            if digit_at(at) {
                return Err(NumberError::LeadingZero(at - 1));
            }
        }
        Some(b'1'..=b'9') => at = skip_digits(at),
        _ => return Err(NumberError::DigitExpected(at)),
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        if !digit_at(at) {
            return Err(NumberError::DigitExpected(at));
        }
        at = skip_digits(at);
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if !digit_at(at) {
            return Err(NumberError::DigitExpected(at));
        }
        at = skip_digits(at);
    }
    Ok(at)
}

fn to_u32(value: usize) -> u32 {
    // INVARIANT: `read`'s caller refuses texts longer than `u32::MAX` bytes, so offsets fit.
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn count_chars(bytes: &[u8]) -> u32 {
    if bytes.is_ascii() {
        return to_u32(bytes.len());
    }
    // A UTF-8 character is one byte that is not a continuation byte (`10xxxxxx`) plus its
    // continuation bytes.
    to_u32(bytes.iter().filter(|byte| (**byte & 0xC0) != 0x80).count())
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            column_at: 0,
            column: 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        // INVARIANT: callers only cut at ASCII bytes (quotes, backslashes, control bytes) or at
        // the ends of the text, which are always character boundaries.
        self.text.get(start..end).unwrap_or_default()
    }

    fn skip_whitespace(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' | b'\t' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.new_line();
                }
                b'\r' => {
                    self.pos += 1;
                    // `\r\n` is one line break, counted at the `\n`; a lone `\r` is one too.
                    if self.peek() != Some(b'\n') {
                        self.new_line();
                    }
                }
                _ => break,
            }
        }
    }

    fn new_line(&mut self) {
        self.line = self.line.saturating_add(1);
        self.line_start = self.pos;
    }

    /// Line and column of byte `at`.
    fn locate(&mut self, at: usize) -> (u32, u32) {
        if at < self.line_start {
            return locate_from_start(self.bytes, at);
        }
        if self.column_at < self.line_start || self.column_at > at {
            self.column_at = self.line_start;
            self.column = 1;
        }
        let counted = count_chars(self.bytes.get(self.column_at..at).unwrap_or_default());
        self.column = self.column.saturating_add(counted);
        self.column_at = at;
        (self.line, self.column)
    }

    fn mark(&mut self) -> Mark {
        let start = self.pos;
        let (line, column) = self.locate(start);
        Mark {
            start,
            line,
            column,
        }
    }

    /// The span from `mark` to the current position.
    fn span_from(&self, mark: Mark) -> Span {
        Span {
            start: to_u32(mark.start),
            end: to_u32(self.pos),
            line: mark.line,
            column: mark.column,
        }
    }

    /// The span of `len` bytes at `at`.
    fn span_at(&mut self, at: usize, len: usize) -> Span {
        let (line, column) = self.locate(at);
        Span {
            start: to_u32(at),
            end: to_u32(at.saturating_add(len).min(self.bytes.len())),
            line,
            column,
        }
    }

    fn error_at(
        &mut self,
        at: usize,
        len: usize,
        path: &Path<'_>,
        message: impl Into<String>,
    ) -> ParseError {
        let span = self.span_at(at, len);
        ParseError::new(ParseErrorKind::InvalidJson, message, span, path)
    }

    /// The error for the character at the current position when it is not what `expected` says.
    fn unexpected(&mut self, path: &Path<'_>, expected: &str) -> ParseError {
        let at = self.pos;
        let found = self.text.get(at..).and_then(|rest| rest.chars().next());
        let Some(found) = found else {
            return self
                .error_at(at, 0, path, "unexpected end of document")
                .with_expected(expected);
        };
        let len = found.len_utf8();
        let error = match found {
            '/' => self
                .error_at(at, len, path, "comments are not allowed in JSON")
                .with_help("remove the comment"),
            '\'' => self
                .error_at(at, len, path, "strings must be in double quotes")
                .with_help("replace `'` with `\"`"),
            '\u{feff}' => self
                .error_at(at, len, path, "byte order mark in document")
                .with_help("save the file as UTF-8 without a byte order mark"),
            _ => {
                let message = format!("unexpected character `{found}`");
                self.error_at(at, len, path, message)
            }
        };
        error.with_expected(expected)
    }

    /// The error for text after the document's value.
    fn after_end(&mut self) -> ParseError {
        let at = self.pos;
        if self.peek() == Some(b'/') {
            return self.unexpected(&Path::Root, "the end of the document");
        }
        let len = self.bytes.len().saturating_sub(at);
        self.error_at(
            at,
            len,
            &Path::Root,
            "unexpected text after the end of the document",
        )
        .with_expected("the end of the document")
        .with_help("a policy document is a single JSON object")
    }

    fn value(&mut self, path: &Path<'_>, depth: usize) -> Result<Node<'a>, ParseError> {
        match self.peek() {
            Some(b'{') => self.object(path, depth),
            Some(b'[') => self.array(path, depth),
            Some(b'"') => {
                let mark = self.mark();
                let text = self.string(path)?;
                Ok(Node {
                    value: Value::String(text),
                    span: self.span_from(mark),
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(path),
            Some(byte) if byte.is_ascii_alphabetic() => self.word(path),
            _ => Err(self.unexpected(path, "a JSON value")),
        }
    }

    fn too_deep(&mut self, path: &Path<'_>) -> ParseError {
        let span = self.span_at(self.pos, 1);
        ParseError::new(
            ParseErrorKind::TooDeep,
            format!("JSON nesting is deeper than {MAX_DEPTH} levels"),
            span,
            path,
        )
    }

    fn object(&mut self, path: &Path<'_>, depth: usize) -> Result<Node<'a>, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.too_deep(path));
        }
        let mark = self.mark();
        self.pos += 1;
        let mut members: Vec<Member<'a>> = Vec::new();
        let mut index: HashMap<Cow<'a, str>, usize> = HashMap::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node {
                value: Value::Object(members),
                span: self.span_from(mark),
            });
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.unexpected(path, "a key in double quotes"));
            }
            let key_mark = self.mark();
            let key = self.string(path)?;
            let key_span = self.span_from(key_mark);
            let first = if members.len() < LINEAR_SCAN_LIMIT {
                members.iter().position(|member| member.key == key)
            } else {
                if index.is_empty() {
                    index = members
                        .iter()
                        .enumerate()
                        .map(|(at, member)| (member.key.clone(), at))
                        .collect();
                }
                index.get(&key).copied()
            };
            if let Some(first) = first.and_then(|at| members.get(at)) {
                let message = format!("duplicate key `{key}`");
                let help = format!(
                    "`{key}` is already set at line {}, column {}; IAM refuses repeated keys, keep one",
                    first.key_span.line, first.key_span.column
                );
                return Err(ParseError::new(
                    ParseErrorKind::DuplicateKey,
                    message,
                    key_span,
                    &path.key(&key),
                )
                .with_help(help));
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.unexpected(&path.key(&key), "`:`"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(&path.key(&key), depth + 1)?;
            if !index.is_empty() {
                index.insert(key.clone(), members.len());
            }
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        return Err(self.trailing_comma(comma, path, '}'));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected(path, "`,` or `}`")),
            }
        }
        Ok(Node {
            value: Value::Object(members),
            span: self.span_from(mark),
        })
    }

    fn array(&mut self, path: &Path<'_>, depth: usize) -> Result<Node<'a>, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.too_deep(path));
        }
        let mark = self.mark();
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node {
                value: Value::Array(items),
                span: self.span_from(mark),
            });
        }
        loop {
            let item = self.value(&path.index(items.len()), depth + 1)?;
            items.push(item);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        return Err(self.trailing_comma(comma, path, ']'));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected(path, "`,` or `]`")),
            }
        }
        Ok(Node {
            value: Value::Array(items),
            span: self.span_from(mark),
        })
    }

    fn trailing_comma(&mut self, comma: usize, path: &Path<'_>, close: char) -> ParseError {
        self.error_at(comma, 1, path, format!("trailing comma before `{close}`"))
            .with_help("remove the comma; JSON does not allow trailing commas")
    }

    fn number(&mut self, path: &Path<'_>) -> Result<Node<'a>, ParseError> {
        let mark = self.mark();
        match scan_number(self.bytes, mark.start) {
            Ok(end) => {
                self.pos = end;
                Ok(Node {
                    value: Value::Number(self.slice(mark.start, end)),
                    span: self.span_from(mark),
                })
            }
            Err(error) => {
                let mut end = mark.start;
                while self
                    .bytes
                    .get(end)
                    .is_some_and(|byte| byte.is_ascii_alphanumeric() || b".+-".contains(byte))
                {
                    end += 1;
                }
                let token = self.slice(mark.start, end);
                let message = format!("invalid number `{token}`");
                let error = match error {
                    NumberError::LeadingZero(_) => self
                        .error_at(mark.start, end - mark.start, path, message)
                        .with_help(
                            "JSON numbers cannot have leading zeros; quote the value if it is text, such as an account ID",
                        ),
                    NumberError::DigitExpected(_) => self
                        .error_at(mark.start, end - mark.start, path, message)
                        .with_expected("a digit"),
                };
                Err(error)
            }
        }
    }

    /// A bare word: `true`, `false`, `null`, or a mistake such as `True` or an unquoted string.
    fn word(&mut self, path: &Path<'_>) -> Result<Node<'a>, ParseError> {
        let mark = self.mark();
        let mut end = mark.start;
        while self
            .bytes
            .get(end)
            .is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'_')
        {
            end += 1;
        }
        let word = self.slice(mark.start, end);
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => {
                let lower = word.to_ascii_lowercase();
                let help = if matches!(lower.as_str(), "true" | "false" | "null") {
                    format!("JSON literals are lowercase: write `{lower}`")
                } else {
                    "strings must be in double quotes".to_owned()
                };
                return Err(self
                    .error_at(
                        mark.start,
                        end - mark.start,
                        path,
                        format!("invalid literal `{word}`"),
                    )
                    .with_expected("a JSON value")
                    .with_help(help));
            }
        };
        self.pos = end;
        Ok(Node {
            value,
            span: self.span_from(mark),
        })
    }
}

/// Line and column of byte `at`, counted from the start of the text (the slow path, for
/// positions on lines the reader has already left).
fn locate_from_start(bytes: &[u8], at: usize) -> (u32, u32) {
    let mut line = 1u32;
    let mut line_start = 0;
    for (offset, byte) in bytes.iter().enumerate().take(at) {
        let breaks = match byte {
            b'\n' => true,
            b'\r' => bytes.get(offset + 1) != Some(&b'\n'),
            _ => false,
        };
        if breaks {
            line = line.saturating_add(1);
            line_start = offset + 1;
        }
    }
    let column = count_chars(bytes.get(line_start..at).unwrap_or_default()).saturating_add(1);
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> ParseError {
        read(text).unwrap_err()
    }

    #[test]
    fn reads_every_json_type() {
        let node =
            read(r#"{"a": [1, -2.5e+3, true, false, null, "x\u00e9\ud83d\ude00\n"], "b": {}}"#)
                .unwrap();
        let Value::Object(members) = node.value else {
            panic!("object expected")
        };
        assert_eq!(members.len(), 2);
        let Value::Array(items) = &members[0].value.value else {
            panic!("array expected")
        };
        assert!(matches!(items[0].value, Value::Number("1")));
        assert!(matches!(items[1].value, Value::Number("-2.5e+3")));
        assert!(matches!(items[2].value, Value::Bool(true)));
        assert!(matches!(items[4].value, Value::Null));
        let Value::String(text) = &items[5].value else {
            panic!("string expected")
        };
        assert_eq!(text, "x\u{e9}\u{1F600}\n");
    }

    #[test]
    fn spans_count_characters_and_lines() {
        let text = "{\r\n\t\"é\": \"ü\",\n  \"k\": [ 1 ]}";
        let Value::Object(members) = read(text).unwrap().value else {
            panic!("object expected")
        };
        let first = &members[0];
        assert_eq!((first.key_span.line, first.key_span.column), (2, 2));
        assert_eq!((first.value.span.line, first.value.span.column), (2, 7));
        let second = &members[1];
        assert_eq!((second.key_span.line, second.key_span.column), (3, 3));
        let Value::Array(items) = &second.value.value else {
            panic!("array expected")
        };
        assert_eq!((items[0].span.line, items[0].span.column), (3, 10));
        assert_eq!(
            &text[items[0].span.start as usize..items[0].span.end as usize],
            "1"
        );
    }

    #[test]
    fn refuses_what_json_refuses() {
        for (text, message) in [
            ("{} x", "unexpected text after the end of the document"),
            ("{\"a\": 1,}", "trailing comma before `}`"),
            ("[1,]", "trailing comma before `]`"),
            ("{\"a\": 1 // c\n}", "comments are not allowed in JSON"),
            ("{'a': 1}", "strings must be in double quotes"),
            ("[01]", "invalid number `01`"),
            ("[1.]", "invalid number `1.`"),
            ("[-]", "invalid number `-`"),
            ("[1e]", "invalid number `1e`"),
            ("[True]", "invalid literal `True`"),
            ("[\"\\x\"]", "invalid escape `\\x` in string"),
            ("[\"\\u12G4\"]", "invalid unicode escape `\\u12G4`"),
            ("[\"\\ud800\"]", "unpaired surrogate `\\ud800` in string"),
            ("[\"\\udc00\"]", "unpaired surrogate `\\udc00` in string"),
            ("[\"a\nb\"]", "unescaped line break in string"),
            (
                "[\"a\u{1}\"]",
                "unescaped control character U+0001 in string",
            ),
            ("[\"abc", "unterminated string"),
            ("[1 2]", "unexpected character `2`"),
            ("{\"a\" 1}", "unexpected character `1`"),
            ("{1: 2}", "unexpected character `1`"),
            ("[", "unexpected end of document"),
            ("\u{feff}{}", "byte order mark in document"),
            ("{\"a\": 1, \"a\": 2}", "duplicate key `a`"),
        ] {
            assert_eq!(error(text).message(), message, "{text:?}");
        }
    }

    #[test]
    fn duplicate_keys_are_found_in_large_objects() {
        let mut text = String::from("{");
        for key in 0..100 {
            text.push_str(&format!("\"k{key}\": {key},"));
        }
        text.push_str("\"k57\": 0}");
        let error = error(&text);
        assert_eq!(error.kind(), ParseErrorKind::DuplicateKey);
        assert_eq!(error.path(), "k57");
    }

    #[test]
    fn trailing_comma_on_an_earlier_line_is_located() {
        let error = error("[1,\n\n]");
        assert_eq!((error.line(), error.column()), (1, 3));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(error(&deep).kind(), ParseErrorKind::TooDeep);
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(read(&fine).is_ok());
    }

    #[test]
    fn numbers() {
        for good in ["0", "-0", "1.5", "10e5", "1E-7", "-12.34e+56"] {
            assert!(is_number(good), "{good}");
        }
        for bad in ["", "-", "01", "1.", ".5", "+1", "1e", "1x", "NaN"] {
            assert!(!is_number(bad), "{bad}");
        }
    }
}
