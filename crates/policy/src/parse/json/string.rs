//! JSON strings: the plain-run fast path, escapes, `\u` surrogate pairs, and the errors for
//! each way a string can be malformed.

use std::borrow::Cow;

use super::Reader;
use crate::parse::err::{ParseError, Path};

/// Whether a byte ends the plain run of a string: a quote, an escape or a control character.
fn ends_run(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

impl<'a> Reader<'a> {
    /// Reads a string whose opening quote is at the current position. Strings without escapes
    /// borrow from the text.
    pub(super) fn string(&mut self, path: &Path<'_>) -> Result<Cow<'a, str>, ParseError> {
        let quote = self.pos;
        self.pos += 1;
        let start = self.pos;
        self.skip_run();
        match self.peek() {
            Some(b'"') => {
                let text = self.slice(start, self.pos);
                self.pos += 1;
                return Ok(Cow::Borrowed(text));
            }
            Some(b'\\') => {}
            Some(byte) => return Err(self.control_character(byte, path)),
            None => return Err(self.unterminated(quote, path)),
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(self.slice(start, self.pos));
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => self.escape(&mut out, path)?,
                Some(byte) if byte < 0x20 => return Err(self.control_character(byte, path)),
                Some(_) => {
                    let run = self.pos;
                    self.skip_run();
                    out.push_str(self.slice(run, self.pos));
                }
                None => return Err(self.unterminated(quote, path)),
            }
        }
    }

    /// Moves to the next byte that [`ends_run`], or to the end of the text.
    fn skip_run(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest
            .iter()
            .position(|byte| ends_run(*byte))
            .unwrap_or(rest.len());
    }

    fn unterminated(&mut self, quote: usize, path: &Path<'_>) -> ParseError {
        self.error_at(quote, 1, path, "unterminated string")
            .with_expected("a closing `\"`")
    }

    fn control_character(&mut self, byte: u8, path: &Path<'_>) -> ParseError {
        let at = self.pos;
        let (message, help) = match byte {
            b'\n' | b'\r' => (
                "unescaped line break in string".to_owned(),
                "close the string with `\"`, or write the line break as `\\n`".to_owned(),
            ),
            b'\t' => (
                "unescaped tab in string".to_owned(),
                "write the tab as `\\t`".to_owned(),
            ),
            _ => (
                format!("unescaped control character U+{byte:04X} in string"),
                format!("write it as `\\u{byte:04x}`"),
            ),
        };
        self.error_at(at, 1, path, message).with_help(help)
    }

    /// Reads the escape sequence at the current position into `out`.
    fn escape(&mut self, out: &mut String, path: &Path<'_>) -> Result<(), ParseError> {
        let at = self.pos;
        let escaped = match self.bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4(at, path)?;
                self.pos = at + 6;
                let code = if (0xD800..0xDC00).contains(&high) {
                    let low = if self.bytes.get(at + 6) == Some(&b'\\')
                        && self.bytes.get(at + 7) == Some(&b'u')
                    {
                        Some(self.hex4(at + 6, path)?)
                    } else {
                        None
                    };
                    match low {
                        Some(low) if (0xDC00..0xE000).contains(&low) => {
                            self.pos = at + 12;
                            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        }
                        _ => return Err(self.unpaired_surrogate(at, path)),
                    }
                } else if (0xDC00..0xE000).contains(&high) {
                    return Err(self.unpaired_surrogate(at, path));
                } else {
                    high
                };
                let Some(decoded) = char::from_u32(code) else {
                    return Err(self.unpaired_surrogate(at, path));
                };
                out.push(decoded);
                return Ok(());
            }
            Some(_) => {
                let shown: String = self
                    .text
                    .get(at..)
                    .unwrap_or_default()
                    .chars()
                    .take(2)
                    .collect();
                let len = shown.len();
                return Err(self
                    .error_at(at, len, path, format!("invalid escape `{shown}` in string"))
                    .with_help(
                        "valid escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`",
                    ));
            }
            None => return Err(self.unterminated(at, path)),
        };
        out.push(escaped);
        self.pos = at + 2;
        Ok(())
    }

    /// The four hex digits of the `\u` escape at `at`.
    fn hex4(&mut self, at: usize, path: &Path<'_>) -> Result<u32, ParseError> {
        let mut code = 0;
        for offset in 2..6 {
            let digit = self
                .bytes
                .get(at + offset)
                .and_then(|byte| char::from(*byte).to_digit(16));
            let Some(digit) = digit else {
                let shown: String = self
                    .text
                    .get(at..)
                    .unwrap_or_default()
                    .chars()
                    .take(6)
                    .collect();
                let len = shown.len();
                return Err(self
                    .error_at(at, len, path, format!("invalid unicode escape `{shown}`"))
                    .with_expected("four hexadecimal digits after `\\u`"));
            };
            code = code * 16 + digit;
        }
        Ok(code)
    }

    fn unpaired_surrogate(&mut self, at: usize, path: &Path<'_>) -> ParseError {
        let shown = self.slice(at, (at + 6).min(self.bytes.len()));
        self.error_at(
            at,
            6,
            path,
            format!("unpaired surrogate `{shown}` in string"),
        )
        .with_help("a `\\uD800`-`\\uDBFF` escape must be followed by a `\\uDC00`-`\\uDFFF` escape")
    }
}
