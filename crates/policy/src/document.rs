//! The lossless model of an IAM policy document.
//!
//! One model serves every policy type (identity, resource, trust, SCP, RCP, permissions
//! boundary, session and VPC-endpoint policies): the grammar is the same, and which elements a
//! type allows is a lint concern (`crate::lint`), not a parse concern.
//!
//! "Lossless" means that the shape the author chose is kept: a `Statement` written as an object
//! stays an object, `"Action": "s3:GetObject"` stays a string rather than becoming a one-element
//! list, condition values keep their JSON type and numbers keep their text. Serializing a parsed
//! document gives an equivalent document (`crate::serialize`).
//!
//! Every node carries the [`Span`] of its JSON value so that diagnostics can point at a line and
//! column.

use crate::operator::ConditionOperator;

/// Where a JSON value sits in its source document.
///
/// `line` and `column` are 1-based; `column` counts characters, not bytes. `start` and `end` are
/// byte offsets into the (URL-decoded) text that was parsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub column: u32,
}

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }

    /// A value with no source position, for documents built in code.
    pub fn synthetic(value: T) -> Self {
        Self {
            value,
            span: Span::default(),
        }
    }
}

/// A JSON string or a JSON list of strings, as IAM allows for most elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        match self {
            OneOrMany::One(value) => std::slice::from_ref(value).iter(),
            OneOrMany::Many(values) => values.iter(),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            OneOrMany::One(_) => 1,
            OneOrMany::Many(values) => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The policy language version (`Version` element).
///
/// A document without `Version` is evaluated as `2008-10-17`, in which policy variables are
/// literal text (IAM User Guide, `reference_policies_elements_version.html`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    V2008_10_17,
    V2012_10_17,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2008_10_17 => "2008-10-17",
            Version::V2012_10_17 => "2012-10-17",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "2008-10-17" => Some(Version::V2008_10_17),
            "2012-10-17" => Some(Version::V2012_10_17),
            _ => None,
        }
    }

    /// Whether `${...}` in this version is a policy variable (true) or literal text (false).
    pub fn supports_variables(self) -> bool {
        self == Version::V2012_10_17
    }
}

/// A whole policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// `Version`, if written. Use [`Policy::version`] for the effective version.
    pub version: Option<Spanned<Version>>,
    pub id: Option<Spanned<String>>,
    pub statement: Statements,
    /// The span of the whole document object.
    pub span: Span,
}

impl Policy {
    /// The effective version: `2008-10-17` when the document has no `Version`.
    pub fn version(&self) -> Version {
        self.version
            .as_ref()
            .map_or(Version::V2008_10_17, |version| version.value)
    }

    pub fn statements(&self) -> &[Statement] {
        &self.statement.items
    }
}

/// The `Statement` element: one statement object or a list of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Statements {
    pub items: Vec<Statement>,
    /// `true` when written as a JSON list (even a list of one), `false` for a bare object.
    pub is_list: bool,
    pub span: Span,
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One statement of a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub sid: Option<Spanned<String>>,
    pub effect: Spanned<Effect>,
    /// `Principal` or `NotPrincipal` (see [`PrincipalElement::negated`]).
    pub principal: Option<PrincipalElement>,
    /// `Action` or `NotAction`. IAM requires one of them; a statement without either is a
    /// parse error.
    pub action: ActionElement,
    /// `Resource` or `NotResource`. Trust policies omit it.
    pub resource: Option<ResourceElement>,
    pub condition: Option<ConditionBlock>,
    /// The span of the statement object.
    pub span: Span,
}

/// `Principal` or `NotPrincipal`.
#[derive(Clone, Debug, PartialEq)]
pub struct PrincipalElement {
    /// `true` for `NotPrincipal`.
    pub negated: bool,
    pub value: Principal,
    pub span: Span,
}

/// The value of a `Principal` element.
#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    /// `"Principal": "*"`: everyone, including anonymous callers. Equivalent to `{"AWS": "*"}`
    /// for evaluation, but kept apart so the document serializes back as written.
    Wildcard,
    /// `{"AWS": ..., "Service": ..., "Federated": ..., "CanonicalUser": ...}` in written order.
    Map(Vec<PrincipalEntry>),
}

/// One `"AWS": [...]`-style entry of a principal map.
#[derive(Clone, Debug, PartialEq)]
pub struct PrincipalEntry {
    pub kind: Spanned<PrincipalKind>,
    pub values: OneOrMany<Spanned<String>>,
}

/// The key of a principal map entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "AWS" => Some(PrincipalKind::Aws),
            "Service" => Some(PrincipalKind::Service),
            "Federated" => Some(PrincipalKind::Federated),
            "CanonicalUser" => Some(PrincipalKind::CanonicalUser),
            _ => None,
        }
    }
}

/// `Action` or `NotAction`. Values are kept as written; [`crate::action::ActionPattern`] gives
/// their typed form.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionElement {
    /// `true` for `NotAction`.
    pub negated: bool,
    pub values: OneOrMany<Spanned<String>>,
    pub span: Span,
}

/// `Resource` or `NotResource`. Values are `*` or ARN patterns, kept as written.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceElement {
    /// `true` for `NotResource`.
    pub negated: bool,
    pub values: OneOrMany<Spanned<String>>,
    pub span: Span,
}

/// The `Condition` element: operator → key → values, in written order.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionBlock {
    pub operators: Vec<ConditionOperatorBlock>,
    pub span: Span,
}

/// One operator of a condition block with its keys, e.g. `"StringLike": {...}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionOperatorBlock {
    /// The operator as written (the text keeps its original casing).
    pub operator_text: Spanned<String>,
    /// The operator, parsed.
    pub operator: ConditionOperator,
    pub keys: Vec<ConditionKeyValues>,
}

/// One condition key and the values it is compared with.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionKeyValues {
    /// The key as written, e.g. `aws:PrincipalTag/Team`. Keys compare case-insensitively.
    pub key: Spanned<String>,
    pub values: OneOrMany<Spanned<ConditionValue>>,
}

/// A condition value. JSON strings, numbers and booleans are all accepted by IAM; the operator
/// decides how each is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConditionValue {
    String(String),
    /// A JSON number, kept as its exact source text (e.g. `1.50`, `3600`).
    Number(String),
    Bool(bool),
}

impl ConditionValue {
    /// The value as the text IAM compares: numbers and booleans as written.
    pub fn as_text(&self) -> &str {
        match self {
            ConditionValue::String(text) | ConditionValue::Number(text) => text,
            ConditionValue::Bool(true) => "true",
            ConditionValue::Bool(false) => "false",
        }
    }
}
