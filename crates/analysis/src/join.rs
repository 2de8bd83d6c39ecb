//! Joining the inventory to the engine: every policy parsed once, each principal's policy set
//! (identity policies with its groups', boundary, SCPs and RCPs on the path to the account)
//! built on demand, and cheap per-policy facts the rules share.
//!
//! Parsing is the expensive part, so it happens once per document: AWS managed policies and
//! organization policies once per audit (shared by every account), customer managed policies
//! once per account, inline and trust policies once per entity.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use iamwatch_model::{
    AccountAuthorization, AccountId, Arn, OrgNodeId, OrgPolicyId, OrgPolicyType, Organization,
    PolicyDocument,
};
use iamwatch_policy::document::Policy;
use iamwatch_policy::eval::{NamedPolicy, OrgLevel, OrgPolicyTree};

use crate::probes::{ProbeMask, Probes};

/// A parsed policy with the name it is reported under and its probe mask.
#[derive(Debug)]
pub(crate) struct ParsedPolicy {
    /// An ARN for managed and organization policies; `user/NAME inline POLICY` for inline ones.
    pub(crate) name: String,
    /// The text the spans point into.
    pub(crate) text: String,
    pub(crate) policy: Policy,
    /// Which probe actions an `Allow` statement of the policy could grant.
    pub(crate) mask: ProbeMask,
}

impl ParsedPolicy {
    pub(crate) fn named(&self, attached_via: Option<&str>) -> NamedPolicy {
        NamedPolicy {
            name: self.name.clone(),
            attached_via: attached_via.map(str::to_owned),
            policy: self.policy.clone(),
        }
    }
}

/// Something that could not be read, reported next to the findings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct AuditWarning {
    pub account_id: Option<AccountId>,
    /// The policy or entity (`arn:aws:iam::…:policy/x`, `role/name trust policy`).
    pub subject: String,
    pub message: String,
}

pub(crate) fn parse_text(
    name: String,
    text: &str,
    probes: &Probes,
) -> Result<ParsedPolicy, String> {
    let document = PolicyDocument::from_text(text).map_err(|error| error.to_string())?;
    parse_document(name, &document, Some(probes))
}

/// Parses a document; `probes` computes its mask (identity policies and boundaries), `None`
/// leaves it empty (trust policies, which grant no identity permissions).
pub(crate) fn parse_document(
    name: String,
    document: &PolicyDocument,
    probes: Option<&Probes>,
) -> Result<ParsedPolicy, String> {
    let policy = document.parse().map_err(|error| error.to_string())?;
    let mask = probes.map_or_else(|| ProbeMask::empty(0), |probes| probes.mask(&policy));
    Ok(ParsedPolicy {
        name,
        text: document.as_str().to_owned(),
        policy,
        mask,
    })
}

/// What every account's audit shares: the probe actions, AWS managed and organization
/// policies, and the organization's member accounts. Built before the parallel phase and only
/// read after.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) probes: Probes,
    aws_managed: HashMap<String, Arc<ParsedPolicy>>,
    org_policies: HashMap<OrgPolicyId, Arc<ParsedPolicy>>,
    /// Every account of the organization (selected or not).
    pub(crate) org_accounts: BTreeSet<AccountId>,
    pub(crate) warnings: Vec<AuditWarning>,
}

impl Shared {
    /// Parses the AWS managed policies the accounts refer to (the account's copy of the
    /// document when the export has one, else the catalog's default version) and the
    /// organization's SCPs and RCPs.
    pub(crate) fn build<'a>(
        organization: Option<&Organization>,
        accounts: impl Iterator<Item = &'a AccountAuthorization>,
        probes: Probes,
    ) -> Self {
        use rayon::prelude::*;

        let mut warnings = Vec::new();
        // Document text per AWS managed ARN: the first account's copy wins, else the catalog.
        let mut texts: HashMap<String, Option<String>> = HashMap::new();
        for iam in accounts {
            for reference in &iam.aws_managed_policies {
                let slot = texts.entry(reference.arn.to_string()).or_insert(None);
                if slot.is_none() {
                    *slot = reference.document.as_ref().map(|d| d.as_str().to_owned());
                }
            }
            for arn in iam.policy_uses() {
                if arn.is_aws_managed_policy() {
                    texts.entry(arn.to_string()).or_insert(None);
                }
            }
        }
        let mut texts: Vec<(String, Option<String>)> = texts.into_iter().collect();
        texts.sort();
        let catalog = iamwatch_catalog::ManagedPolicies::get();
        let parsed: Vec<(String, Result<ParsedPolicy, String>)> = texts
            .into_par_iter()
            .map(|(arn, text)| {
                let text = match text {
                    Some(text) => Some(text),
                    None => catalog
                        .by_arn(&arn)
                        .map(|policy| policy.default_document().to_owned()),
                };
                let result = match text {
                    Some(text) => parse_text(arn.clone(), &text, &probes),
                    None => Err(
                        "not in the catalog of AWS managed policies and not in the export"
                            .to_owned(),
                    ),
                };
                (arn, result)
            })
            .collect();
        let mut aws_managed = HashMap::new();
        for (arn, result) in parsed {
            match result {
                Ok(policy) => {
                    aws_managed.insert(arn, Arc::new(policy));
                }
                Err(message) => warnings.push(AuditWarning {
                    account_id: None,
                    subject: arn,
                    message: format!("AWS managed policy not evaluated: {message}"),
                }),
            }
        }
        let mut org_policies = HashMap::new();
        let mut org_accounts = BTreeSet::new();
        if let Some(org) = organization {
            org_accounts.extend(org.accounts.iter().map(|a| a.id.clone()));
            org_accounts.insert(org.management_account_id.clone());
            for policy in &org.policies {
                let name = policy
                    .arn
                    .as_ref()
                    .map_or_else(|| policy.name.clone(), Arn::to_string);
                match parse_document(name, &policy.document, Some(&probes)) {
                    Ok(parsed) => {
                        org_policies.insert(policy.id.clone(), Arc::new(parsed));
                    }
                    Err(message) => warnings.push(AuditWarning {
                        account_id: None,
                        subject: format!("{} `{}`", policy.kind.as_str(), policy.name),
                        message: format!("not evaluated: {message}"),
                    }),
                }
            }
        }
        Self {
            probes,
            aws_managed,
            org_policies,
            org_accounts,
            warnings,
        }
    }

    /// An AWS managed policy by ARN.
    pub(crate) fn aws_managed(&self, arn: &Arn) -> Option<&Arc<ParsedPolicy>> {
        self.aws_managed.get(arn.as_str())
    }

    /// The SCP or RCP tree on the path from the root to `account`: `None` when there is no
    /// organization, the account is not in it, or the policy type is not enabled on the root
    /// (then no such policy applies).
    pub(crate) fn org_tree(
        &self,
        organization: Option<&Organization>,
        account: &AccountId,
        kind: OrgPolicyType,
    ) -> Option<OrgPolicyTree> {
        let org = organization?;
        if !org.policy_type_enabled(kind) {
            return None;
        }
        let path = org.path_to(&OrgNodeId::Account(account.clone()))?;
        let levels = path
            .iter()
            .map(|node| OrgLevel {
                target: node.to_string(),
                policies: org
                    .policies_on(node, kind)
                    .filter_map(|policy| self.org_policies.get(&policy.id))
                    .map(|parsed| parsed.named(None))
                    .collect(),
            })
            .collect();
        Some(OrgPolicyTree { levels })
    }
}

/// One account's customer managed, inline and trust policies, parsed.
#[derive(Debug)]
pub(crate) struct AccountPolicies {
    /// Customer managed policies by ARN (their default version).
    pub(crate) customer: HashMap<Arn, Arc<ParsedPolicy>>,
    /// Inline policies per user, aligned with `AccountAuthorization::users` and each user's
    /// `inline_policies` (`None`: did not parse).
    pub(crate) user_inline: Vec<Vec<Option<Arc<ParsedPolicy>>>>,
    pub(crate) group_inline: Vec<Vec<Option<Arc<ParsedPolicy>>>>,
    pub(crate) role_inline: Vec<Vec<Option<Arc<ParsedPolicy>>>>,
    /// Trust policies, aligned with `AccountAuthorization::roles`.
    pub(crate) trust: Vec<Option<ParsedPolicy>>,
}

impl AccountPolicies {
    pub(crate) fn parse(
        iam: &AccountAuthorization,
        probes: &Probes,
        warnings: &mut Vec<AuditWarning>,
    ) -> Self {
        let account = Some(iam.account_id.clone());
        let mut warn = |subject: String, message: String| {
            warnings.push(AuditWarning {
                account_id: account.clone(),
                subject,
                message: format!("not evaluated: {message}"),
            });
        };
        let mut customer = HashMap::new();
        for policy in &iam.policies {
            let Some(document) = policy.default_document() else {
                warn(
                    policy.arn.to_string(),
                    "the export has no document for the default version".to_owned(),
                );
                continue;
            };
            match parse_document(policy.arn.to_string(), document, Some(probes)) {
                Ok(parsed) => {
                    customer.insert(policy.arn.clone(), Arc::new(parsed));
                }
                Err(message) => warn(policy.arn.to_string(), message),
            }
        }
        let mut inline = |kind: &str, entity: &str, policies: &[iamwatch_model::InlinePolicy]| {
            policies
                .iter()
                .map(|inline| {
                    let name = format!("{kind}/{entity} inline {}", inline.name);
                    match parse_document(name.clone(), &inline.document, Some(probes)) {
                        Ok(parsed) => Some(Arc::new(parsed)),
                        Err(message) => {
                            warn(name, message);
                            None
                        }
                    }
                })
                .collect::<Vec<_>>()
        };
        let user_inline = iam
            .users
            .iter()
            .map(|u| inline("user", &u.name, &u.inline_policies))
            .collect();
        let group_inline = iam
            .groups
            .iter()
            .map(|g| inline("group", &g.name, &g.inline_policies))
            .collect();
        let role_inline = iam
            .roles
            .iter()
            .map(|r| inline("role", &r.name, &r.inline_policies))
            .collect();
        let trust = iam
            .roles
            .iter()
            .map(|role| {
                let document = role.trust_policy.as_ref()?;
                let name = format!("role/{} trust policy", role.name);
                match parse_document(name.clone(), document, None) {
                    Ok(parsed) => Some(parsed),
                    Err(message) => {
                        warn(name, message);
                        None
                    }
                }
            })
            .collect();
        Self {
            customer,
            user_inline,
            group_inline,
            role_inline,
            trust,
        }
    }

    /// A managed policy (customer or AWS) by ARN.
    pub(crate) fn managed<'a>(
        &'a self,
        shared: &'a Shared,
        arn: &Arn,
    ) -> Option<&'a Arc<ParsedPolicy>> {
        if arn.is_aws_managed_policy() {
            shared.aws_managed(arn)
        } else {
            self.customer.get(arn)
        }
    }
}
