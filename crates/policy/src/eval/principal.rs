//! `Principal` and `NotPrincipal` matching.
//!
//! Sources (IAM User Guide):
//! - `reference_policies_elements_principal.html`: `"*"` ≡ `{"AWS": "*"}` and includes anonymous
//!   callers; an account id ≡ `arn:aws:iam::ACCT:root` and delegates to the account; a role ARN
//!   names the role's sessions; a session ARN names one session; "You cannot use a wildcard to
//!   match part of a principal name or ARN" (so only a whole `*` is a wildcard, and other values
//!   compare exactly, case-sensitively).
//! - `reference_policies_elements_notprincipal.html`: with `Deny`, a principal is spared only if
//!   every way of naming it is listed: "AWS might validate the account first, then the role, and
//!   then the assumed-role user", so the account ARN, the role ARN and the session ARN must all
//!   be in `NotPrincipal`.
//! - `access_policies_boundaries.html` ("Important"): "The NotPrincipal element with a Deny effect
//!   will always deny any IAM principal that has a permissions boundary policy attached,
//!   regardless of the values specified in the NotPrincipal element."

use crate::context::{GrantKind, PrincipalIdentity, RequestContext};
use crate::document::{Principal, PrincipalElement, PrincipalKind};

#[derive(Clone, Debug, PartialEq, Eq)]
enum PrincipalValue {
    /// `"*"`, `{"AWS": "*"}`: everyone.
    Any,
    /// An account id or `arn:PARTITION:iam::ACCT:root`.
    Account(Box<str>),
    /// Any other `AWS` value, compared exactly.
    Arn(Box<str>),
    /// A service principal (compared case-insensitively); `*` matches every service.
    Service(Box<str>),
    /// An identity provider (`Federated`), compared exactly; `*` matches every provider.
    Federated(Box<str>),
    CanonicalUser(Box<str>),
}

/// A compiled `Principal`/`NotPrincipal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CompiledPrincipal {
    negated: bool,
    values: Vec<PrincipalValue>,
}

impl CompiledPrincipal {
    pub(crate) fn compile(element: &PrincipalElement) -> Self {
        let values = match &element.value {
            Principal::Wildcard => vec![PrincipalValue::Any],
            Principal::Map(entries) => entries
                .iter()
                .flat_map(|entry| {
                    entry
                        .values
                        .iter()
                        .map(move |value| compile_value(entry.kind.value, &value.value))
                })
                .collect(),
        };
        Self {
            negated: element.negated,
            values,
        }
    }

    pub(crate) fn is_negated(&self) -> bool {
        self.negated
    }

    /// For `Principal`: how the element names the caller, if it does (the best grant among its
    /// values). For `NotPrincipal`: `Direct` when the statement applies to the caller.
    pub(crate) fn matches(&self, ctx: &RequestContext) -> Option<GrantKind> {
        if self.negated {
            return (!self.excludes(ctx)).then_some(GrantKind::Direct);
        }
        self.values
            .iter()
            .filter_map(|value| match_value(value, ctx))
            .max()
    }

    /// Whether `NotPrincipal` spares the caller: every name of the caller is listed.
    fn excludes(&self, ctx: &RequestContext) -> bool {
        let listed = |test: &dyn Fn(&PrincipalValue) -> bool| {
            self.values
                .iter()
                .any(|value| *value == PrincipalValue::Any || test(value))
        };
        let mut names = 0;
        if ctx.is_iam_principal() {
            names += 1;
            let account = ctx.principal_account().unwrap_or_default();
            if !listed(&|value| matches!(value, PrincipalValue::Account(a) if **a == *account)) {
                return false;
            }
        }
        for facet in &ctx.facets {
            names += 1;
            if !listed(&|value| matches!(value, PrincipalValue::Arn(a) if **a == *facet.arn)) {
                return false;
            }
        }
        match ctx.identity() {
            PrincipalIdentity::Service { name } => {
                names += 1;
                if !listed(&|value| service_matches(value, name)) {
                    return false;
                }
            }
            PrincipalIdentity::WebIdentity { provider } => {
                names += 1;
                if !listed(&|value| federated_matches(value, provider)) {
                    return false;
                }
            }
            PrincipalIdentity::Anonymous => {
                names += 1;
                if !listed(&|_| false) {
                    return false;
                }
            }
            _ => {}
        }
        names > 0
    }
}

fn compile_value(kind: PrincipalKind, text: &str) -> PrincipalValue {
    match kind {
        PrincipalKind::Aws => {
            if text == "*" {
                PrincipalValue::Any
            } else if text.len() == 12 && text.bytes().all(|c| c.is_ascii_digit()) {
                PrincipalValue::Account(text.into())
            } else if let Some(account) = root_account(text) {
                PrincipalValue::Account(account.into())
            } else {
                PrincipalValue::Arn(text.into())
            }
        }
        PrincipalKind::Service => PrincipalValue::Service(text.to_ascii_lowercase().into()),
        PrincipalKind::Federated => PrincipalValue::Federated(text.into()),
        PrincipalKind::CanonicalUser => PrincipalValue::CanonicalUser(text.into()),
    }
}

/// The account of `arn:PARTITION:iam::ACCT:root`.
fn root_account(text: &str) -> Option<&str> {
    let mut parts = text.splitn(6, ':');
    let (arn, _partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (arn == "arn" && service == "iam" && region.is_empty() && resource == "root").then_some(account)
}

fn service_matches(value: &PrincipalValue, name: &str) -> bool {
    matches!(value, PrincipalValue::Service(service) if **service == *"*" || service.eq_ignore_ascii_case(name))
}

fn federated_matches(value: &PrincipalValue, provider: &str) -> bool {
    matches!(value, PrincipalValue::Federated(federated) if **federated == *"*" || **federated == *provider)
}

fn match_value(value: &PrincipalValue, ctx: &RequestContext) -> Option<GrantKind> {
    match value {
        PrincipalValue::Any => Some(GrantKind::Direct),
        PrincipalValue::Account(account) => (ctx.is_iam_principal()
            && ctx.principal_account() == Some(account))
        .then_some(GrantKind::Account),
        PrincipalValue::Arn(arn) => ctx
            .facets
            .iter()
            .filter(|facet| *facet.arn == **arn)
            .map(|facet| facet.grant)
            .max(),
        PrincipalValue::Service(_) => match ctx.identity() {
            PrincipalIdentity::Service { name } => {
                service_matches(value, name).then_some(GrantKind::Direct)
            }
            _ => None,
        },
        PrincipalValue::Federated(_) => match ctx.identity() {
            PrincipalIdentity::WebIdentity { provider } => {
                federated_matches(value, provider).then_some(GrantKind::Direct)
            }
            _ => None,
        },
        PrincipalValue::CanonicalUser(id) => (ctx.is_iam_principal()
            && ctx.request().principal.canonical_user_id.as_deref() == Some(id))
        .then_some(GrantKind::Account),
    }
}
