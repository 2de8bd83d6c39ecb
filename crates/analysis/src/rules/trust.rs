//! Trust rules over role trust policies: whole accounts without conditions, external accounts
//! without a confused-deputy guard, `Principal: "*"`, OIDC trusts without a specific `sub` or
//! without `aud`, SAML trusts without `SAML:aud`, and accounts nobody declared.
//!
//! Principal forms follow `reference_policies_elements_principal.html`: an account ID and
//! `arn:aws:iam::ACCOUNT:root` both name the whole account; `"*"` and `{"AWS": "*"}` name
//! everyone. Only `Allow` statements whose principal can assume the role are read; `Allow` with
//! `NotPrincipal` trusts everyone not listed, so it counts as `*`.

use std::collections::BTreeSet;

use iamwatch_model::AccountId;
use iamwatch_policy::document::{Principal, PrincipalKind, Statement};
use iamwatch_policy::matcher::ActionMatcher;

use crate::audit::AccountScope;
use crate::finding::{FindingResource, RawFinding, ResourceKind};
use crate::rules::RuleId;
use crate::rules::statement::{
    RestrictingCondition, allow_statements, is_only_wildcards, restricting_conditions,
    restricts_on, statement_label, statement_text,
};

/// Keys that limit `Principal: "*"` to known callers.
const PUBLIC_RESTRICTING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:userid",
];

/// Keys that guard a trust to another account against the confused deputy.
const GUARD_KEYS: &[&str] = &[
    "sts:externalid",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
];

/// Who a principal value names.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Trusted {
    Everyone,
    /// The whole account (`ACCOUNT` or `arn:aws:iam::ACCOUNT:root`).
    Account(String),
    /// A principal of the account (a role or user ARN).
    PrincipalIn(String, String),
    Oidc(OidcProvider),
    Saml(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct OidcProvider {
    /// As written in the policy (ARN or well-known name).
    name: String,
    /// The issuer host and path, which prefixes its condition keys
    /// (`token.actions.githubusercontent.com`).
    host: String,
    kind: OidcKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OidcKind {
    GitHub,
    Eks,
    Cognito,
    Other,
}

fn classify_aws(value: &str) -> Option<Trusted> {
    if value == "*" {
        return Some(Trusted::Everyone);
    }
    if AccountId::parse(value).is_ok() {
        return Some(Trusted::Account(value.to_owned()));
    }
    let mut parts = value.splitn(6, ':');
    let (Some("arn"), Some(_), Some(service), Some(_), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    if AccountId::parse(account).is_err() {
        return None;
    }
    if service == "iam" && resource == "root" {
        Some(Trusted::Account(account.to_owned()))
    } else {
        Some(Trusted::PrincipalIn(account.to_owned(), value.to_owned()))
    }
}

fn classify_federated(value: &str) -> Option<Trusted> {
    if value.contains(":saml-provider/") {
        return Some(Trusted::Saml(value.to_owned()));
    }
    let host = match value.split_once(":oidc-provider/") {
        Some((_, host)) => host.to_owned(),
        None if value.starts_with("arn:") => return None,
        None => value.to_owned(),
    };
    let kind = if host == "token.actions.githubusercontent.com" {
        OidcKind::GitHub
    } else if host.starts_with("oidc.eks.") {
        OidcKind::Eks
    } else if host == "cognito-identity.amazonaws.com" {
        OidcKind::Cognito
    } else {
        OidcKind::Other
    };
    Some(Trusted::Oidc(OidcProvider {
        name: value.to_owned(),
        host,
        kind,
    }))
}

fn trusted_principals(statement: &Statement) -> Vec<Trusted> {
    let Some(element) = &statement.principal else {
        return Vec::new();
    };
    if element.negated {
        return vec![Trusted::Everyone];
    }
    match &element.value {
        Principal::Wildcard => vec![Trusted::Everyone],
        Principal::Map(entries) => entries
            .iter()
            .flat_map(|entry| {
                entry
                    .values
                    .iter()
                    .filter_map(move |value| match entry.kind.value {
                        PrincipalKind::Aws => classify_aws(&value.value),
                        PrincipalKind::Federated => classify_federated(&value.value),
                        PrincipalKind::Service | PrincipalKind::CanonicalUser => None,
                    })
            })
            .collect(),
    }
}

/// Whether the statement allows assuming the role (any `sts:AssumeRole*` action).
fn allows_assume(statement: &Statement) -> bool {
    const ACTIONS: [&str; 3] = [
        "sts:assumerole",
        "sts:assumerolewithwebidentity",
        "sts:assumerolewithsaml",
    ];
    let matchers: Vec<ActionMatcher> = statement
        .action
        .values
        .iter()
        .map(|v| ActionMatcher::new(&v.value))
        .collect();
    ACTIONS
        .iter()
        .any(|action| matchers.iter().any(|m| m.matches(action)) != statement.action.negated)
}

/// Why a `sub` value admits too many workloads, if it does.
fn broad_sub(kind: OidcKind, condition: &RestrictingCondition, value: &str) -> Option<String> {
    if !condition.wildcards {
        // `StringEquals` compares literally: `*` is just a character there.
        return None;
    }
    if is_only_wildcards(value) {
        return Some(format!("`{value}` matches every subject"));
    }
    let wild = |text: &str| text.contains(['*', '?']);
    match kind {
        OidcKind::GitHub => {
            if value.starts_with(['*', '?']) {
                return Some(format!("`{value}` matches any repository"));
            }
            let rest = value.strip_prefix("repo:")?;
            let repository = rest.split(':').next().unwrap_or(rest);
            match repository.split_once('/') {
                Some((owner, _)) if wild(owner) => {
                    Some(format!("`{value}` matches repositories of any owner"))
                }
                Some((owner, name)) if wild(name) => {
                    Some(format!("`{value}` matches any repository of `{owner}`"))
                }
                Some(_) => None,
                None => Some(format!("`{value}` does not name a repository")),
            }
        }
        OidcKind::Eks => {
            let Some(rest) = value.strip_prefix("system:serviceaccount:") else {
                return wild(value).then(|| format!("`{value}` matches any service account"));
            };
            let (namespace, account) = rest.split_once(':').unwrap_or((rest, "*"));
            if wild(namespace) {
                Some(format!(
                    "`{value}` matches service accounts in any namespace"
                ))
            } else if wild(account) {
                Some(format!(
                    "`{value}` matches any service account of namespace `{namespace}`"
                ))
            } else {
                None
            }
        }
        OidcKind::Cognito | OidcKind::Other => value
            .starts_with(['*', '?'])
            .then(|| format!("`{value}` matches subjects of any prefix")),
    }
}

pub(crate) fn check(scope: &AccountScope<'_>, out: &mut Vec<RawFinding>) {
    let Some(iam) = scope.inventory.iam.as_ref() else {
        return;
    };
    let own = scope.account_id.as_str();
    let in_org = |account: &str| {
        account == own
            || scope
                .shared
                .org_accounts
                .iter()
                .any(|a| a.as_str() == account)
    };
    let known = |account: &str| {
        in_org(account)
            || scope
                .config
                .known_accounts
                .iter()
                .any(|a| a.as_str() == account)
    };
    let enabled = |rule| scope.config.is_enabled(rule);
    for (role, trust) in iam.roles.iter().zip(&scope.policies.trust) {
        let Some(trust) = trust else {
            continue;
        };
        let resource = FindingResource {
            arn: role.arn.to_string(),
            kind: ResourceKind::Role,
            name: role.name.clone(),
        };
        for (index, statement) in allow_statements(&trust.policy) {
            if !allows_assume(statement) {
                continue;
            }
            let label = statement_label(statement, index);
            let text = statement_text(&trust.text, statement);
            let conditions = restricting_conditions(statement.condition.as_ref());
            let finding = |rule: RuleId, subject: &str, message: String| {
                RawFinding::new(rule, scope.account_id, resource.clone(), message)
                    .discriminator(format!("{index}:{subject}"))
                    .detail("statement_index", index)
                    .detail("statement", text)
            };
            let mut seen_accounts = BTreeSet::new();
            for trusted in trusted_principals(statement) {
                match &trusted {
                    Trusted::Everyone => {
                        if enabled(RuleId::TrustPublicPrincipal)
                            && !restricts_on(&conditions, PUBLIC_RESTRICTING_KEYS)
                        {
                            out.push(finding(
                                RuleId::TrustPublicPrincipal,
                                "*",
                                format!(
                                    "role `{}` can be assumed by any AWS principal: {label} trusts `*` without a condition that restricts the caller",
                                    role.name
                                ),
                            ));
                        }
                    }
                    Trusted::Account(account) | Trusted::PrincipalIn(account, _) => {
                        let whole = matches!(trusted, Trusted::Account(_));
                        if whole
                            && statement.condition.is_none()
                            && enabled(RuleId::TrustWholeAccountNoCondition)
                        {
                            out.push(
                                finding(
                                    RuleId::TrustWholeAccountNoCondition,
                                    account,
                                    format!(
                                        "role `{}` trusts the whole account {account} with no condition ({label})",
                                        role.name
                                    ),
                                )
                                .detail("trusted_account", account.clone()),
                            );
                        }
                        if !seen_accounts.insert(account.clone()) {
                            continue;
                        }
                        if !in_org(account)
                            && enabled(RuleId::TrustExternalAccountUnguarded)
                            && !restricts_on(&conditions, GUARD_KEYS)
                        {
                            out.push(
                                finding(
                                    RuleId::TrustExternalAccountUnguarded,
                                    account,
                                    format!(
                                        "role `{}` trusts account {account}, outside the organization, without `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:SourceAccount`/`aws:SourceArn` ({label})",
                                        role.name
                                    ),
                                )
                                .detail("trusted_account", account.clone()),
                            );
                        }
                        if !known(account) && enabled(RuleId::TrustUnknownAccount) {
                            out.push(
                                finding(
                                    RuleId::TrustUnknownAccount,
                                    account,
                                    format!(
                                        "role `{}` trusts account {account}, which is neither in the organization nor in `known_accounts` ({label})",
                                        role.name
                                    ),
                                )
                                .detail("trusted_account", account.clone()),
                            );
                        }
                    }
                    Trusted::Oidc(provider) => {
                        check_oidc(
                            provider,
                            &conditions,
                            &label,
                            role.name.as_str(),
                            &enabled,
                            &finding,
                            out,
                        );
                    }
                    Trusted::Saml(provider) => {
                        if enabled(RuleId::TrustSamlMissingAud)
                            && !restricts_on(&conditions, &["saml:aud"])
                        {
                            out.push(
                                finding(
                                    RuleId::TrustSamlMissingAud,
                                    provider,
                                    format!(
                                        "role `{}` trusts SAML provider `{provider}` without a `SAML:aud` condition ({label})",
                                        role.name
                                    ),
                                )
                                .detail("provider", provider.clone()),
                            );
                        }
                    }
                }
            }
        }
    }
}

fn check_oidc(
    provider: &OidcProvider,
    conditions: &[RestrictingCondition],
    label: &str,
    role: &str,
    enabled: &dyn Fn(RuleId) -> bool,
    finding: &dyn Fn(RuleId, &str, String) -> RawFinding,
    out: &mut Vec<RawFinding>,
) {
    let host = provider.host.to_ascii_lowercase();
    let sub_key = format!("{host}:sub");
    let aud_key = format!("{host}:aud");
    // Cognito identity pools are pinned by `aud` (the pool ID); `sub` is the identity.
    if provider.kind != OidcKind::Cognito && enabled(RuleId::TrustOidcSubUnrestricted) {
        let subs: Vec<&RestrictingCondition> =
            conditions.iter().filter(|c| c.key == sub_key).collect();
        let problem = if subs.is_empty() {
            Some("without a `sub` condition: any workload of the provider can assume it".to_owned())
        } else {
            subs.iter()
                .flat_map(|c| c.values.iter().map(move |v| (*c, v)))
                .find_map(|(c, v)| broad_sub(provider.kind, c, v))
                .map(|why| format!("with a `sub` condition that is too broad: {why}"))
        };
        if let Some(problem) = problem {
            let values: Vec<String> = subs.iter().flat_map(|c| c.values.iter().cloned()).collect();
            out.push(
                finding(
                    RuleId::TrustOidcSubUnrestricted,
                    &provider.name,
                    format!(
                        "role `{role}` trusts OIDC provider `{}` {problem} ({label})",
                        provider.host
                    ),
                )
                .detail("provider", provider.name.clone())
                .detail("sub_values", values),
            );
        }
    }
    if enabled(RuleId::TrustOidcMissingAud) && !restricts_on(conditions, &[aud_key.as_str()]) {
        out.push(
            finding(
                RuleId::TrustOidcMissingAud,
                &provider.name,
                format!(
                    "role `{role}` trusts OIDC provider `{}` without an `aud` condition ({label})",
                    provider.host
                ),
            )
            .detail("provider", provider.name.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn like(values: &[&str]) -> RestrictingCondition {
        RestrictingCondition {
            key: "token.actions.githubusercontent.com:sub".into(),
            wildcards: true,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn github_subjects() {
        let c = like(&[]);
        let broad = |v: &str| broad_sub(OidcKind::GitHub, &c, v).is_some();
        assert!(broad("*"));
        assert!(broad("repo:example-org/*"));
        assert!(broad("repo:*"));
        assert!(broad("repo:*/deploy:ref:refs/heads/main"));
        assert!(!broad("repo:example-org/deploy:ref:refs/heads/main"));
        assert!(!broad("repo:example-org/deploy:*"));
        let equals = RestrictingCondition {
            wildcards: false,
            ..c.clone()
        };
        assert!(broad_sub(OidcKind::GitHub, &equals, "repo:example-org/*").is_none());
    }

    #[test]
    fn eks_subjects() {
        let c = like(&[]);
        let broad = |v: &str| broad_sub(OidcKind::Eks, &c, v).is_some();
        assert!(broad("system:serviceaccount:*"));
        assert!(broad("system:serviceaccount:*:builder"));
        assert!(broad("system:serviceaccount:payments:*"));
        assert!(!broad("system:serviceaccount:payments:api"));
    }

    #[test]
    fn principals() {
        assert_eq!(
            classify_aws("arn:aws:iam::210987654321:root"),
            Some(Trusted::Account("210987654321".into()))
        );
        assert_eq!(
            classify_aws("210987654321"),
            Some(Trusted::Account("210987654321".into()))
        );
        assert!(matches!(
            classify_aws("arn:aws:iam::210987654321:role/x"),
            Some(Trusted::PrincipalIn(..))
        ));
        assert!(matches!(
            classify_federated(
                "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
            ),
            Some(Trusted::Oidc(OidcProvider {
                kind: OidcKind::GitHub,
                ..
            }))
        ));
        assert!(matches!(
            classify_federated("arn:aws:iam::111111111111:saml-provider/Okta"),
            Some(Trusted::Saml(_))
        ));
    }
}
