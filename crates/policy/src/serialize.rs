//! Writes a [`Policy`] back to JSON.
//!
//! The output is equivalent to the parsed document and keeps the author's shapes: a `Statement`
//! object stays an object, a single action stays a string, condition values keep their JSON
//! type and numbers their exact text, and every list and map keeps its order. The model does not
//! record the order of elements inside the policy and statement objects, so they are written in
//! the order the IAM documentation uses: `Version`, `Id`, `Statement`, then `Sid`, `Effect`,
//! `Principal`, `Action`, `Resource`, `Condition`.
//!
//! `parse_policy(&to_json(&policy))` gives back `policy`, spans aside.

use crate::document::{
    ConditionBlock, ConditionValue, OneOrMany, Policy, Principal, PrincipalElement, Spanned,
    Statement,
};
use crate::parse::json;

/// The document as compact JSON, without insignificant whitespace.
pub fn to_json(policy: &Policy) -> String {
    Writer::new(false).policy(policy)
}

/// The document as JSON indented by four spaces, as the IAM console shows it.
pub fn to_json_pretty(policy: &Policy) -> String {
    Writer::new(true).policy(policy)
}

struct Writer {
    out: String,
    pretty: bool,
    /// One entry per open container: whether nothing has been written in it yet.
    empty: Vec<bool>,
}

impl Writer {
    fn new(pretty: bool) -> Self {
        Self {
            out: String::with_capacity(512),
            pretty,
            empty: Vec::new(),
        }
    }

    fn policy(mut self, policy: &Policy) -> String {
        self.open('{');
        if let Some(version) = &policy.version {
            self.key("Version");
            self.string(version.value.as_str());
        }
        if let Some(id) = &policy.id {
            self.key("Id");
            self.string(&id.value);
        }
        self.key("Statement");
        if policy.statement.is_list {
            self.open('[');
            for statement in &policy.statement.items {
                self.item();
                self.statement(statement);
            }
            self.close(']');
        } else {
            // A bare statement object has exactly one statement; should a model built in code
            // hold several, they are written as a list so none is lost.
            match policy.statement.items.as_slice() {
                [statement] => self.statement(statement),
                statements => {
                    self.open('[');
                    for statement in statements {
                        self.item();
                        self.statement(statement);
                    }
                    self.close(']');
                }
            }
        }
        self.close('}');
        self.out
    }

    fn statement(&mut self, statement: &Statement) {
        self.open('{');
        if let Some(sid) = &statement.sid {
            self.key("Sid");
            self.string(&sid.value);
        }
        self.key("Effect");
        self.string(statement.effect.value.as_str());
        if let Some(principal) = &statement.principal {
            self.principal(principal);
        }
        let action = &statement.action;
        self.key(if action.negated {
            "NotAction"
        } else {
            "Action"
        });
        self.strings(&action.values);
        if let Some(resource) = &statement.resource {
            self.key(if resource.negated {
                "NotResource"
            } else {
                "Resource"
            });
            self.strings(&resource.values);
        }
        if let Some(condition) = &statement.condition {
            self.condition(condition);
        }
        self.close('}');
    }

    fn principal(&mut self, principal: &PrincipalElement) {
        self.key(if principal.negated {
            "NotPrincipal"
        } else {
            "Principal"
        });
        match &principal.value {
            Principal::Wildcard => self.string("*"),
            Principal::Map(entries) => {
                self.open('{');
                for entry in entries {
                    self.key(entry.kind.value.as_str());
                    self.strings(&entry.values);
                }
                self.close('}');
            }
        }
    }

    fn condition(&mut self, condition: &ConditionBlock) {
        self.key("Condition");
        self.open('{');
        for operator in &condition.operators {
            self.key(&operator.operator_text.value);
            self.open('{');
            for key in &operator.keys {
                self.key(&key.key.value);
                match &key.values {
                    OneOrMany::One(value) => self.condition_value(&value.value),
                    OneOrMany::Many(values) => {
                        self.open('[');
                        for value in values {
                            self.item();
                            self.condition_value(&value.value);
                        }
                        self.close(']');
                    }
                }
            }
            self.close('}');
        }
        self.close('}');
    }

    fn condition_value(&mut self, value: &ConditionValue) {
        match value {
            ConditionValue::String(text) => self.string(text),
            // The parser only makes `Number` from valid JSON number text; a model built in code
            // with other text is written as a string so the output stays valid JSON.
            ConditionValue::Number(text) if json::is_number(text) => self.out.push_str(text),
            ConditionValue::Number(text) => self.string(text),
            ConditionValue::Bool(value) => self.out.push_str(if *value { "true" } else { "false" }),
        }
    }

    fn strings(&mut self, values: &OneOrMany<Spanned<String>>) {
        match values {
            OneOrMany::One(value) => self.string(&value.value),
            OneOrMany::Many(values) => {
                self.open('[');
                for value in values {
                    self.item();
                    self.string(&value.value);
                }
                self.close(']');
            }
        }
    }

    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.empty.push(true);
    }

    fn close(&mut self, bracket: char) {
        let was_empty = self.empty.pop().unwrap_or(true);
        if self.pretty && !was_empty {
            self.newline();
        }
        self.out.push(bracket);
    }

    /// Starts a new member or element of the innermost container.
    fn item(&mut self) {
        if let Some(empty) = self.empty.last_mut() {
            if !*empty {
                self.out.push(',');
            }
            *empty = false;
        }
        if self.pretty {
            self.newline();
        }
    }

    fn key(&mut self, key: &str) {
        self.item();
        self.string(key);
        self.out.push_str(if self.pretty { ": " } else { ":" });
    }

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.empty.len() {
            self.out.push_str("    ");
        }
    }

    fn string(&mut self, text: &str) {
        self.out.push('"');
        let mut run = 0;
        for (at, c) in text.char_indices() {
            let escape = match c {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u{8}' => "\\b",
                '\u{c}' => "\\f",
                c if c < '\u{20}' => "",
                _ => continue,
            };
            self.out.push_str(text.get(run..at).unwrap_or_default());
            if escape.is_empty() {
                self.out.push_str(&format!("\\u{:04x}", u32::from(c)));
            } else {
                self.out.push_str(escape);
            }
            run = at + c.len_utf8();
        }
        self.out.push_str(text.get(run..).unwrap_or_default());
        self.out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_policy;

    #[test]
    fn compact_output_keeps_shapes() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*"],"Condition":{"NumericLessThan":{"s3:max-keys":[10,1.50]},"Bool":{"aws:SecureTransport":false}}}}"#;
        assert_eq!(to_json(&parse_policy(text).unwrap()), text);
    }

    #[test]
    fn pretty_output() {
        let text = r#"{"Statement":[{"Effect":"Deny","NotAction":[],"Condition":{}}]}"#
            .replace("[]", "\"iam:*\"");
        let pretty = to_json_pretty(&parse_policy(&text).unwrap());
        let expected = "{\n    \"Statement\": [\n        {\n            \"Effect\": \"Deny\",\n            \"NotAction\": \"iam:*\",\n            \"Condition\": {}\n        }\n    ]\n}";
        assert_eq!(pretty, expected);
    }

    #[test]
    fn strings_are_escaped() {
        let text =
            r#"{"Statement":{"Sid":"q\"b\\n\n\u0001\u001f/é😀","Effect":"Allow","Action":"*"}}"#;
        assert_eq!(to_json(&parse_policy(text).unwrap()), text);
    }
}
