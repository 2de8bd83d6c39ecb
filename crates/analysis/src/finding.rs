//! What an audit reports: findings with their severity, resource, evidence, remediation and
//! suppression state.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use iamwatch_model::AccountId;

use crate::rules::{Category, RuleId};

/// How bad a finding is. Ordered from `Info` (least) to `Critical` (most).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lower-case name (`critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a lower-case name (`high`); case-insensitive.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of resource a finding is about, named as AWS Config and CloudFormation name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ResourceKind {
    /// The account itself (root user, password policy): `AWS::::Account`.
    #[serde(rename = "AWS::::Account")]
    Account,
    #[serde(rename = "AWS::IAM::User")]
    User,
    #[serde(rename = "AWS::IAM::Group")]
    Group,
    #[serde(rename = "AWS::IAM::Role")]
    Role,
    /// A customer managed policy.
    #[serde(rename = "AWS::IAM::Policy")]
    Policy,
}

impl ResourceKind {
    /// The AWS Config resource type (`AWS::IAM::Role`).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Account => "AWS::::Account",
            ResourceKind::User => "AWS::IAM::User",
            ResourceKind::Group => "AWS::IAM::Group",
            ResourceKind::Role => "AWS::IAM::Role",
            ResourceKind::Policy => "AWS::IAM::Policy",
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The resource a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FindingResource {
    /// The resource's ARN; `arn:aws:iam::ACCOUNT:root` for account-level findings. Inline
    /// policies are reported on the user, group or role that holds them (the policy name is in
    /// the details).
    pub arn: String,
    #[serde(rename = "type")]
    pub kind: ResourceKind,
    /// The name (user, group, role or policy name; the account ID for the account).
    pub name: String,
}

/// Whether a suppression covers a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionState {
    /// A suppression applies: the finding is accepted and not counted as open.
    Suppressed,
    /// The only matching suppressions have expired: the finding is open again.
    Expired,
}

/// The suppression that matched a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionStatus {
    pub state: SuppressionState,
    pub reason: String,
    /// The resource pattern of the suppression, as configured.
    pub resource_pattern: String,
    /// The first day on which the suppression no longer applies.
    pub expires: Option<Date>,
}

/// One problem found by one rule on one resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// A stable fingerprint of rule, account, resource and what exactly was found (policy,
    /// statement, credential): the same problem gets the same ID in every run, which lets
    /// SARIF consumers and diffs follow it.
    pub id: String,
    pub rule_id: RuleId,
    pub title: String,
    pub category: Category,
    /// The rule's severity, or the configured override.
    pub severity: Severity,
    pub account_id: AccountId,
    pub resource: FindingResource,
    /// One sentence: what is wrong with this resource.
    pub message: String,
    /// Evidence: the matching statement, the evaluated actions, dates, counts.
    pub details: BTreeMap<String, serde_json::Value>,
    pub remediation: String,
    /// The AWS documentation page the rule follows.
    pub reference: String,
    pub suppression: Option<SuppressionStatus>,
    /// Remarks added after the rule ran (an expired suppression, for instance).
    pub notes: Vec<String>,
}

impl Finding {
    /// Whether the finding is open: not covered by a suppression in force.
    pub fn is_open(&self) -> bool {
        !matches!(
            self.suppression,
            Some(SuppressionStatus {
                state: SuppressionState::Suppressed,
                ..
            })
        )
    }

    /// The order findings are reported in: most severe first, then rule, account, resource,
    /// message and ID.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            std::cmp::Reverse(self.severity),
            self.rule_id,
            &self.account_id,
            &self.resource.arn,
            &self.message,
            &self.id,
        )
    }
}

/// What a rule reports before the audit adds rule metadata, configuration and suppression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RawFinding {
    pub(crate) rule: RuleId,
    pub(crate) account_id: AccountId,
    pub(crate) resource: FindingResource,
    /// Distinguishes several findings of one rule on one resource (a policy name, a statement
    /// index, a credential); part of the fingerprint.
    pub(crate) discriminator: String,
    pub(crate) message: String,
    pub(crate) details: BTreeMap<String, serde_json::Value>,
}

impl RawFinding {
    pub(crate) fn new(
        rule: RuleId,
        account_id: &AccountId,
        resource: FindingResource,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            account_id: account_id.clone(),
            resource,
            discriminator: String::new(),
            message: message.into(),
            details: BTreeMap::new(),
        }
    }

    pub(crate) fn discriminator(mut self, discriminator: impl Into<String>) -> Self {
        self.discriminator = discriminator.into();
        self
    }

    pub(crate) fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// The fingerprint: the first 16 hex digits of SHA-256 over rule, account, resource and
    /// discriminator.
    pub(crate) fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [
            self.rule.as_str(),
            self.account_id.as_str(),
            &self.resource.arn,
            &self.discriminator,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hasher
            .finalize()
            .iter()
            .take(8)
            .fold(String::with_capacity(16), |mut text, byte| {
                use std::fmt::Write as _;
                let _ = write!(text, "{byte:02x}");
                text
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Info < Severity::Low);
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
        assert_eq!(Severity::parse("urgent"), None);
        assert_eq!(
            serde_json::to_string(&Severity::Medium).unwrap(),
            "\"medium\""
        );
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let account = AccountId::parse("123456789012").unwrap();
        let resource = FindingResource {
            arn: "arn:aws:iam::123456789012:role/a".into(),
            kind: ResourceKind::Role,
            name: "a".into(),
        };
        let a = RawFinding::new(RuleId::IamRoleUnused, &account, resource.clone(), "m");
        let b = a.clone().discriminator("x");
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
    }
}
