//! The audit configuration: which rules run, at which severity, with which parameters, which
//! accounts are known, and which findings are suppressed. Read from TOML (`iamwatch.toml`).
//!
//! ```toml
//! known_accounts = ["444455556666"]        # vendors and partners trusted on purpose
//!
//! [rules.iam-role-unused]
//! max_days_for_last_used = 90
//! role_allowlist = "/breakglass-role|/security-*"
//!
//! [rules.user-direct-policies]
//! enabled = false
//!
//! [rules.policy-service-wildcard]
//! severity = "high"
//!
//! [[suppressions]]
//! rule = "policy-unattached"
//! resource = "arn:aws:iam::123456789012:policy/legacy-*"
//! reason = "kept for rollback until the migration ends (SEC-123)"
//! expires = 2026-12-31
//! ```
//!
//! Unknown keys, unknown rules and bad values are errors that name the key, its line and
//! column, and the fix.

mod toml_reader;

use std::collections::{BTreeMap, BTreeSet};

use iamwatch_model::AccountId;

use crate::err::ConfigError;
use crate::finding::Severity;
use crate::params::RuleParams;
use crate::rules::RuleId;
use crate::suppression::Suppression;

/// The configuration of an audit. `Default` runs every rule at its own severity with the
/// documented parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditConfig {
    disabled: BTreeSet<RuleId>,
    severities: BTreeMap<RuleId, Severity>,
    pub params: RuleParams,
    /// Accounts outside the organization that roles may trust without `trust-unknown-account`
    /// findings.
    pub known_accounts: BTreeSet<AccountId>,
    pub suppressions: Vec<Suppression>,
}

impl AuditConfig {
    /// The file the CLI looks for in the working directory.
    pub const FILE_NAME: &'static str = "iamwatch.toml";

    /// Reads a configuration from TOML text. `origin` names the text in errors (a file path).
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ConfigError> {
        toml_reader::read(text, origin)
    }

    /// Whether a rule runs.
    pub fn is_enabled(&self, rule: RuleId) -> bool {
        !self.disabled.contains(&rule)
    }

    pub fn set_enabled(&mut self, rule: RuleId, enabled: bool) {
        if enabled {
            self.disabled.remove(&rule);
        } else {
            self.disabled.insert(rule);
        }
    }

    /// The severity findings of the rule carry: the override, else the rule's own.
    pub fn severity(&self, rule: RuleId) -> Severity {
        self.severities
            .get(&rule)
            .copied()
            .unwrap_or(rule.info().severity)
    }

    /// Overrides a rule's severity (`None` restores the rule's own).
    pub fn set_severity(&mut self, rule: RuleId, severity: Option<Severity>) {
        match severity {
            Some(severity) => {
                self.severities.insert(rule, severity);
            }
            None => {
                self.severities.remove(&rule);
            }
        }
    }

    /// The rules that run, in documentation order.
    pub fn enabled_rules(&self) -> impl Iterator<Item = RuleId> + '_ {
        RuleId::ALL
            .iter()
            .copied()
            .filter(|rule| self.is_enabled(*rule))
    }
}
