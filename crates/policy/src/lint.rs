//! Policy lint: checks a parsed document against the catalog and IAM's grammar rules, the way a
//! reviewer would before the policy ships.
//!
//! Every finding has a stable [`LintCode`], a severity, the JSON path and position of the value it
//! is about, and a `help` that says how to fix it. Severities follow one rule: `error` is what
//! AWS itself rejects or what can never work; `warning` is legal but almost certainly wrong or
//! risky; `info` is a suggestion.

mod actions;
mod conditions;
mod elements;
mod path;
mod redundancy;
mod resources;
mod scope;
mod size;

use std::fmt;

use iamwatch_catalog::Catalog;

use crate::document::{Policy, Span};
use crate::parse::{ParseError, parse_policy};

pub use path::JsonPath;

/// The kind of policy a document is, which decides the elements and limits that apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// A managed or inline policy attached to a user, group or role.
    Identity,
    /// A resource-based policy (S3 bucket, KMS key, SQS queue...).
    Resource,
    /// A role trust policy.
    Trust,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// A permissions boundary.
    Boundary,
    /// A session policy passed to AssumeRole, AssumeRoleWithSAML/WebIdentity or
    /// GetFederationToken.
    Session,
    /// A VPC endpoint policy.
    VpcEndpoint,
}

impl PolicyType {
    pub const ALL: [PolicyType; 8] = [
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::Trust,
        PolicyType::Scp,
        PolicyType::Rcp,
        PolicyType::Boundary,
        PolicyType::Session,
        PolicyType::VpcEndpoint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Trust => "trust",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::Boundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::VpcEndpoint => "vpc-endpoint",
        }
    }

    pub fn parse(text: &str) -> Option<PolicyType> {
        PolicyType::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
    }

    /// Whether statements of this type must name a `Principal` (or `NotPrincipal`).
    ///
    /// Resource-based and trust policies must (IAM User Guide,
    /// `reference_policies_elements_principal.html`); identity policies, boundaries, session
    /// policies and SCPs cannot. RCPs and VPC endpoint policies use `Principal` (usually `"*"`),
    /// and AWS requires it in RCP statements (`orgs_manage_policies_rcps_syntax.html`).
    pub fn requires_principal(self) -> bool {
        matches!(
            self,
            PolicyType::Resource | PolicyType::Trust | PolicyType::Rcp | PolicyType::VpcEndpoint
        )
    }

    /// Whether statements of this type may name a `Principal` at all.
    pub fn allows_principal(self) -> bool {
        self.requires_principal()
    }
}

impl fmt::Display for PolicyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warning, Severity::Error]
            .into_iter()
            .find(|severity| severity.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! lint_codes {
    ($($variant:ident => $code:literal, $severity:ident, $summary:literal;)*) => {
        /// A stable lint code. The string form (`unknown-action`) never changes once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum LintCode {
            $($variant,)*
        }

        impl LintCode {
            pub const ALL: &'static [LintCode] = &[$(LintCode::$variant,)*];

            /// The stable code, e.g. `unknown-action`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(LintCode::$variant => $code,)*
                }
            }

            /// The severity a finding of this code has.
            pub fn severity(self) -> Severity {
                match self {
                    $(LintCode::$variant => Severity::$severity,)*
                }
            }

            /// One line saying what the check looks for.
            pub fn summary(self) -> &'static str {
                match self {
                    $(LintCode::$variant => $summary,)*
                }
            }

            pub fn parse(text: &str) -> Option<LintCode> {
                LintCode::ALL.iter().copied().find(|code| code.as_str() == text)
            }
        }
    };
}

lint_codes! {
    UnknownService => "unknown-service", Warning,
        "the action's service prefix is not in the catalog";
    UnknownAction => "unknown-action", Warning,
        "the action is not in the catalog for its service";
    PatternMatchesNothing => "pattern-matches-nothing", Warning,
        "a wildcard action pattern matches no action of its service";
    InvalidAction => "invalid-action", Error,
        "the action is not of the form `service:Action`";
    WhitespaceInAction => "whitespace-in-action", Warning,
        "an action with spaces in it, which AWS accepts but tools read differently";
    UnknownConditionKey => "unknown-condition-key", Warning,
        "the condition key is neither a global key nor a key of the service";
    ConditionKeyNotForAction => "condition-key-not-for-action", Info,
        "no action of the statement supports the service condition key";
    OperatorTypeMismatch => "operator-type-mismatch", Warning,
        "the condition operator does not fit the type of the key";
    InvalidConditionValue => "invalid-condition-value", Error,
        "a condition value cannot be read by its operator (a date, number, CIDR, bool or ARN)";
    SetOperatorOnSingleValuedKey => "set-operator-on-single-valued-key", Warning,
        "`ForAllValues`/`ForAnyValue` used with a single-valued key";
    MissingSetOperator => "missing-set-operator", Warning,
        "a multivalued key compared without `ForAllValues`/`ForAnyValue`";
    ForAllValuesWithAllow => "for-all-values-with-allow", Info,
        "`ForAllValues` in an Allow matches requests that lack the key";
    MalformedArn => "malformed-arn", Error,
        "a resource is neither `*` nor a well-formed ARN";
    ResourceTypeMismatch => "resource-type-mismatch", Warning,
        "no action of the statement applies to the resource";
    PrincipalNotAllowed => "principal-not-allowed", Error,
        "`Principal` or `NotPrincipal` in a policy type that forbids it";
    PrincipalMissing => "principal-missing", Error,
        "no `Principal` in a policy type that requires it";
    MalformedPrincipal => "malformed-principal", Warning,
        "a principal value is not an account ID, an ARN, a service or `*`";
    NotPrincipalWithAllow => "not-principal-with-allow", Error,
        "`NotPrincipal` with `Allow` grants to everyone not listed";
    AllowWithNotAction => "allow-with-not-action", Warning,
        "`Allow` with `NotAction` grants every action not listed, now and in future";
    AllowWithNotResource => "allow-with-not-resource", Warning,
        "`Allow` with `NotResource` grants every resource not listed";
    ResourceMissing => "resource-missing", Error,
        "a statement without `Resource` or `NotResource` where one is required";
    ResourceNotAllowed => "resource-not-allowed", Error,
        "`Resource` in a trust policy";
    RedundantStatement => "redundant-statement", Warning,
        "a statement grants nothing that another statement of the policy does not grant already";
    ShadowedStatement => "shadowed-statement", Warning,
        "an Allow statement that an unconditional Deny of the same policy always overrides";
    SizeLimitExceeded => "size-limit-exceeded", Error,
        "the policy is larger than AWS accepts for its type";
    InvalidCharacter => "invalid-character", Error,
        "a character outside those AWS allows in policy documents";
    MissingVersion => "missing-version", Warning,
        "no `Version`: the document is read as 2008-10-17, where policy variables are literal text";
    VariableInOldVersion => "variable-in-old-version", Warning,
        "a `${...}` policy variable in a document whose version treats it as literal text";
    VariableNotAllowed => "variable-not-allowed", Warning,
        "a policy variable where IAM does not substitute variables";
    InvalidSid => "invalid-sid", Warning,
        "a `Sid` with characters other than ASCII letters and digits";
    DuplicateSid => "duplicate-sid", Error,
        "two statements with the same `Sid`";
    IdNotAllowed => "id-not-allowed", Info,
        "`Id` in an identity policy, which IAM ignores";
}

/// One finding of the lint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: LintCode,
    pub severity: Severity,
    pub message: String,
    /// The JSON path of the value, e.g. `Statement[2].Condition.StringLike`.
    pub path: String,
    pub span: Span,
    pub help: Option<String>,
}

/// What to lint a document as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LintOptions {
    pub policy_type: PolicyType,
    /// The document is an AWS managed policy, which AWS does not hold to the customer size
    /// quotas.
    pub aws_managed: bool,
}

impl LintOptions {
    /// Options for a customer document of the given type.
    pub fn new(policy_type: PolicyType) -> Self {
        Self {
            policy_type,
            aws_managed: false,
        }
    }
}

impl Default for LintOptions {
    fn default() -> Self {
        Self::new(PolicyType::Identity)
    }
}

/// Parses and lints a document. A document that does not parse gives the parse error.
pub fn lint_text(text: &str, options: &LintOptions) -> Result<Vec<Finding>, ParseError> {
    let policy = parse_policy(text)?;
    Ok(lint(&policy, text, options))
}

/// Lints a parsed document. `source` is the text it was parsed from (for size and character
/// checks, which count what AWS counts).
pub fn lint(policy: &Policy, source: &str, options: &LintOptions) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut sink = Sink {
        findings: &mut findings,
    };
    size::check(policy, source, options, &mut sink);
    elements::check(policy, options, &mut sink);
    let scopes = scope::Scopes::new(Catalog::get(), policy);
    actions::check(policy, &scopes, &mut sink);
    resources::check(policy, options, &scopes, &mut sink);
    conditions::check(policy, &scopes, &mut sink);
    redundancy::check(policy, &mut sink);
    findings.sort_by(|a, b| {
        (a.span.start, a.code, &a.message).cmp(&(b.span.start, b.code, &b.message))
    });
    findings
}

/// Collects findings for the checks.
struct Sink<'a> {
    findings: &'a mut Vec<Finding>,
}

impl Sink<'_> {
    fn report(
        &mut self,
        code: LintCode,
        path: impl Into<String>,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.findings.push(Finding {
            code,
            severity: code.severity(),
            message: message.into(),
            path: path.into(),
            span,
            help,
        });
    }
}
