//! JSON paths of policy values, written as diagnostics show them:
//! `Statement[2].Condition.StringLike`, `Statement.Action[1]`, `Statement[0].Resource`.

use crate::document::{OneOrMany, Policy};

/// The path of a statement and of the values inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonPath(String);

impl JsonPath {
    /// The path of statement `index`: `Statement[index]` in a list, `Statement` for a bare
    /// statement object.
    pub fn statement(policy: &Policy, index: usize) -> JsonPath {
        if policy.statement.is_list {
            JsonPath(format!("Statement[{index}]"))
        } else {
            JsonPath("Statement".to_owned())
        }
    }

    /// A child element: `Statement[0].Action`.
    pub fn field(&self, name: &str) -> JsonPath {
        JsonPath(format!("{}.{name}", self.0))
    }

    /// Value `index` of an element that may be a single value or a list: the element's own path
    /// for a single value, `Element[index]` for a list.
    pub fn item<T>(&self, values: &OneOrMany<T>, index: usize) -> JsonPath {
        match values {
            OneOrMany::One(_) => self.clone(),
            OneOrMany::Many(_) => JsonPath(format!("{}[{index}]", self.0)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<JsonPath> for String {
    fn from(path: JsonPath) -> String {
        path.0
    }
}
