//! Policy documents as the inventory keeps them: decoded JSON text in a canonical form.

use std::fmt;

use serde::{Deserialize, Serialize};

use iamwatch_policy::document::Policy;
use iamwatch_policy::parse::{ParseError, parse_policy};

use crate::err::ValueError;

/// A policy document (identity, trust, resource, SCP, RCP or boundary policy) as compact JSON
/// text.
///
/// Documents reach iamwatch in three spellings: a JSON object (the AWS CLI decodes them), a
/// URL-encoded string (the IAM API, `%7B%22Version%22…`) and a JSON string holding the text
/// (Organizations, S3, SQS, …). All three become the same value: the decoded JSON rewritten
/// compactly with its keys in document order, so an identical document gives an identical
/// snapshot hash whatever the source. It is checked to be JSON, not to be a valid policy: the
/// policy grammar is checked where the document is used ([`PolicyDocument::parse`]), so one odd
/// policy never stops an import.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PolicyDocument(String);

impl PolicyDocument {
    /// A document from a JSON value: an object is the document itself, a string is its text
    /// (JSON or URL-encoded JSON).
    pub fn from_json_value(value: &serde_json::Value) -> Result<Self, ValueError> {
        match value {
            serde_json::Value::String(text) => Self::from_text(text),
            serde_json::Value::Object(_) => Ok(Self(value.to_string())),
            other => Err(ValueError::new("policy document", &other.to_string())),
        }
    }

    /// A document from its text: JSON, or URL-encoded JSON as the IAM API returns it.
    pub fn from_text(text: &str) -> Result<Self, ValueError> {
        let decoded = iamwatch_policy::parse::decoded_text(text)
            .map_err(|_| ValueError::new("policy document", text))?;
        let value: serde_json::Value = serde_json::from_str(&decoded)
            .map_err(|_| ValueError::new("policy document", &decoded))?;
        match value {
            serde_json::Value::Object(_) => Ok(Self(value.to_string())),
            // Some exports double-encode: a JSON string whose content is the document.
            serde_json::Value::String(inner) if inner.trim_start().starts_with('{') => {
                Self::from_text(&inner)
            }
            _ => Err(ValueError::new("policy document", &decoded)),
        }
    }

    /// A document built in code as a JSON object (the synthetic generator).
    pub(crate) fn from_object(value: &serde_json::Value) -> Self {
        debug_assert!(value.is_object());
        Self(value.to_string())
    }

    /// The compact JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The document parsed by the policy crate, with positions into [`PolicyDocument::as_str`].
    pub fn parse(&self) -> Result<Policy, ParseError> {
        parse_policy(&self.0)
    }
}

impl fmt::Debug for PolicyDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PolicyDocument").field(&self.0).finish()
    }
}

impl fmt::Display for PolicyDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PolicyDocument {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        Self::from_text(&text)
    }
}

impl From<PolicyDocument> for String {
    fn from(document: PolicyDocument) -> String {
        document.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_spellings_one_value() {
        let object: serde_json::Value = serde_json::from_str(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
        )
        .unwrap();
        let a = PolicyDocument::from_json_value(&object).unwrap();
        let b = PolicyDocument::from_text(
            "%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Action%22%3A%20%22s3%3A%2A%22%2C%20%22Resource%22%3A%20%22%2A%22%7D%5D%7D",
        )
        .unwrap();
        let c = PolicyDocument::from_json_value(&serde_json::Value::String(
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]\n}".into(),
        ))
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            a.as_str(),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        );
        assert_eq!(a.parse().unwrap().statements().len(), 1);
    }

    #[test]
    fn refuses_what_is_not_json() {
        assert!(PolicyDocument::from_text("{\"Version\": ").is_err());
        assert!(PolicyDocument::from_text("[1]").is_err());
        assert!(PolicyDocument::from_json_value(&serde_json::json!(3)).is_err());
    }
}
