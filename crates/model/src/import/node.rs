//! Typed reads from a JSON value that remember where they are, so that every error names the
//! file and the JSON path of the value (`organizations list-accounts.Accounts[3].Id`).

use std::path::Path;

use serde_json::Value;

use crate::document::PolicyDocument;
use crate::err::ValueError;
use crate::ids::{Timestamp, parse_timestamp, timestamp_from_epoch};
use crate::import::err::ImportError;

#[derive(Clone, Debug)]
pub(crate) struct Node<'a> {
    file: &'a Path,
    at: String,
    value: &'a Value,
}

impl<'a> Node<'a> {
    pub(crate) fn root(file: &'a Path, value: &'a Value) -> Self {
        Self {
            file,
            at: String::new(),
            value,
        }
    }

    pub(crate) fn value(&self) -> &'a Value {
        self.value
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> ImportError {
        ImportError::invalid(self.file, self.at.clone(), message)
    }

    fn child_path(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.at)
        }
    }

    /// The member `key`, absent or `null` → `None`.
    pub(crate) fn get(&self, key: &str) -> Option<Node<'a>> {
        match self.value.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(Node {
                file: self.file,
                at: self.child_path(key),
                value,
            }),
        }
    }

    /// The member `key`, which must be there.
    pub(crate) fn req(&self, key: &str) -> Result<Node<'a>, ImportError> {
        self.get(key).ok_or_else(|| {
            ImportError::invalid(self.file, self.child_path(key), format!("missing `{key}`"))
        })
    }

    pub(crate) fn str(&self) -> Result<&'a str, ImportError> {
        self.value
            .as_str()
            .ok_or_else(|| self.error(format!("expected a string, found `{}`", short(self.value))))
    }

    pub(crate) fn req_str(&self, key: &str) -> Result<&'a str, ImportError> {
        self.req(key)?.str()
    }

    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<String>, ImportError> {
        self.get(key)
            .map(|n| n.str().map(str::to_owned))
            .transpose()
    }

    pub(crate) fn parse<T>(
        &self,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Result<T, ImportError> {
        parse(self.str()?).map_err(|e| self.error(e.to_string()))
    }

    pub(crate) fn req_parse<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Result<T, ImportError> {
        self.req(key)?.parse(parse)
    }

    pub(crate) fn opt_parse<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Result<Option<T>, ImportError> {
        self.get(key).map(|n| n.parse(parse)).transpose()
    }

    /// A date: ISO 8601 text or epoch seconds.
    pub(crate) fn time(&self) -> Result<Timestamp, ImportError> {
        match self.value {
            Value::Number(n) => n.as_f64().and_then(timestamp_from_epoch).ok_or_else(|| {
                self.error(ValueError::new("timestamp", &n.to_string()).to_string())
            }),
            _ => self.parse(parse_timestamp),
        }
    }

    pub(crate) fn opt_time(&self, key: &str) -> Result<Option<Timestamp>, ImportError> {
        self.get(key).map(|n| n.time()).transpose()
    }

    pub(crate) fn bool(&self) -> Result<bool, ImportError> {
        match self.value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
            other => Err(self.error(format!(
                "expected `true` or `false`, found `{}`",
                short(other)
            ))),
        }
    }

    pub(crate) fn opt_bool(&self, key: &str) -> Result<Option<bool>, ImportError> {
        self.get(key).map(|n| n.bool()).transpose()
    }

    pub(crate) fn u64(&self) -> Result<u64, ImportError> {
        match self.value {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| {
            self.error(format!(
                "expected a whole number, found `{}`",
                short(self.value)
            ))
        })
    }

    pub(crate) fn opt_u32(&self, key: &str) -> Result<Option<u32>, ImportError> {
        self.get(key)
            .map(|n| {
                let value = n.u64()?;
                u32::try_from(value).map_err(|_| n.error(format!("`{value}` is too large")))
            })
            .transpose()
    }

    /// The elements of a list.
    pub(crate) fn items(&self) -> Result<Vec<Node<'a>>, ImportError> {
        let Value::Array(items) = self.value else {
            return Err(self.error(format!("expected a list, found `{}`", short(self.value))));
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| Node {
                file: self.file,
                at: format!("{}[{i}]", self.at),
                value,
            })
            .collect())
    }

    /// The elements of the list `key`; absent → empty.
    pub(crate) fn list(&self, key: &str) -> Result<Vec<Node<'a>>, ImportError> {
        self.get(key).map_or_else(|| Ok(Vec::new()), |n| n.items())
    }

    /// The members of an object, in order.
    pub(crate) fn entries(&self) -> Result<Vec<(&'a str, Node<'a>)>, ImportError> {
        let Value::Object(map) = self.value else {
            return Err(self.error(format!("expected an object, found `{}`", short(self.value))));
        };
        Ok(map
            .iter()
            .map(|(key, value)| {
                (
                    key.as_str(),
                    Node {
                        file: self.file,
                        at: self.child_path(key),
                        value,
                    },
                )
            })
            .collect())
    }

    /// A policy document: an object, JSON text or URL-encoded JSON text.
    pub(crate) fn document(&self) -> Result<PolicyDocument, ImportError> {
        PolicyDocument::from_json_value(self.value)
            .or_else(|first| {
                // API Gateway returns its policy with backslash-escaped quotes.
                match self.value {
                    Value::String(text) if text.contains("\\\"") => {
                        PolicyDocument::from_text(&text.replace("\\\"", "\"").replace("\\\\", "\\"))
                    }
                    _ => Err(first),
                }
            })
            .map_err(|_| {
                self.error(format!(
                    "{} is not a JSON policy document",
                    backticked(self.value)
                ))
            })
    }

    /// Tags as `[{Key, Value}]` (IAM, Organizations) or `{key: value}` (Config, Lambda).
    pub(crate) fn tags(&self, key: &str) -> Result<Vec<crate::ids::Tag>, ImportError> {
        let Some(node) = self.get(key) else {
            return Ok(Vec::new());
        };
        match node.value {
            Value::Object(_) => node
                .entries()?
                .into_iter()
                .map(|(k, v)| {
                    Ok(crate::ids::Tag::new(
                        k,
                        v.value.as_str().unwrap_or_default(),
                    ))
                })
                .collect(),
            _ => node
                .items()?
                .into_iter()
                .map(|t| {
                    let key = t
                        .get("Key")
                        .or_else(|| t.get("key"))
                        .ok_or_else(|| t.error("missing `Key`"))?;
                    let value = t.get("Value").or_else(|| t.get("value"));
                    Ok(crate::ids::Tag::new(
                        key.str()?,
                        value.map(|v| v.str()).transpose()?.unwrap_or_default(),
                    ))
                })
                .collect(),
        }
    }
}

/// A value as short text for a message.
pub(crate) fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

fn backticked(value: &Value) -> String {
    format!("`{}`", short(value))
}
