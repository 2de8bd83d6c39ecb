//! Running the rules: accounts in parallel, each account's policies parsed once, findings
//! completed with rule metadata, configuration and suppressions, then ordered.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use iamwatch_model::inventory::{AccountInventory, Inventory};
use iamwatch_model::{AccountId, Organization, Timestamp};

use crate::config::AuditConfig;
use crate::evaluation::{ComplianceType, ConfigEvaluation, RoleEvaluation};
use crate::finding::FindingResource;
use crate::finding::{Finding, RawFinding, ResourceKind, Severity, SuppressionState};
use crate::input::AuditInput;
use crate::join::{AccountPolicies, AuditWarning, Shared};
use crate::probes::Probes;
use crate::rules::privilege::{Classifier, PolicySite, SensitiveActions};
use crate::rules::{RuleId, admin, credentials, hygiene, privilege, trust, unused_role};
use crate::suppression;

/// What an audit found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditReport {
    /// The audit's "now".
    pub generated_at: Timestamp,
    /// Every finding, suppressed ones included (see [`Finding::is_open`]), most severe first.
    pub findings: Vec<Finding>,
    /// AWS Config evaluations of `iam-role-unused`, one per role, by account then role ARN.
    pub evaluations: Vec<RoleEvaluation>,
    pub summary: AuditSummary,
    /// Policies and documents that could not be read, and were left out.
    pub warnings: Vec<AuditWarning>,
}

impl AuditReport {
    /// The findings not covered by a suppression in force.
    pub fn open_findings(&self) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(|f| f.is_open())
    }

    /// The evaluations per account, each list ready for
    /// [`crate::evaluation::put_evaluations_batches`].
    pub fn evaluations_by_account(&self) -> BTreeMap<&AccountId, Vec<ConfigEvaluation>> {
        let mut map: BTreeMap<&AccountId, Vec<ConfigEvaluation>> = BTreeMap::new();
        for evaluation in &self.evaluations {
            map.entry(&evaluation.account_id)
                .or_default()
                .push(evaluation.evaluation.clone());
        }
        map
    }
}

/// Counts over an audit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSummary {
    pub accounts_audited: usize,
    pub users: usize,
    pub groups: usize,
    pub roles: usize,
    pub customer_managed_policies: usize,
    pub rules_run: usize,
    pub findings: usize,
    pub open: usize,
    pub suppressed: usize,
    /// Findings whose only matching suppressions have expired (they are open).
    pub expired_suppressions: usize,
    /// Open findings per severity.
    pub open_by_severity: BTreeMap<Severity, usize>,
    /// Open findings per rule.
    pub open_by_rule: BTreeMap<RuleId, usize>,
    pub evaluations_compliant: usize,
    pub evaluations_non_compliant: usize,
}

/// What the rules of one account see.
pub(crate) struct AccountScope<'a> {
    pub(crate) account_id: &'a AccountId,
    pub(crate) inventory: &'a AccountInventory,
    /// The whole inventory (the join looks principals and policies up in it).
    pub(crate) all: &'a Inventory,
    pub(crate) organization: Option<&'a Organization>,
    pub(crate) shared: &'a Shared,
    pub(crate) policies: &'a AccountPolicies,
    pub(crate) config: &'a AuditConfig,
    pub(crate) now: Timestamp,
}

struct AccountResult {
    findings: Vec<RawFinding>,
    evaluations: Vec<RoleEvaluation>,
    warnings: Vec<AuditWarning>,
}

/// Audits the selected accounts of `input` with `config`, as of `now` (every age and "days
/// ago" is counted to it, so the same input gives the same report).
///
/// Accounts are audited in parallel (rayon); the report is ordered deterministically.
pub fn audit(input: &AuditInput, config: &AuditConfig, now: Timestamp) -> AuditReport {
    let selected: Vec<(&AccountId, &AccountInventory)> = input.selected_accounts().collect();
    let organization = input.inventory.organization.as_ref();
    let shared = Shared::build(
        organization,
        selected.iter().filter_map(|(_, a)| a.iam.as_ref()),
        Probes::new(),
    );
    let sensitive = SensitiveActions::new(&config.params.extra_sensitive_actions);
    let results: Vec<AccountResult> = selected
        .par_iter()
        .map(|(account_id, account)| {
            let scope = Context {
                all: &input.inventory,
                organization,
                shared: &shared,
                sensitive: &sensitive,
                config,
                now,
            };
            audit_account(account_id, account, &scope)
        })
        .collect();

    let mut raw = Vec::new();
    let mut evaluations = Vec::new();
    let mut warnings = shared.warnings.clone();
    for result in results {
        raw.extend(result.findings);
        evaluations.extend(result.evaluations);
        warnings.extend(result.warnings);
    }
    let mut findings: Vec<Finding> = raw.into_iter().map(|raw| complete(raw, config)).collect();
    suppression::apply(&config.suppressions, &mut findings, now);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    evaluations.sort_by(|a, b| (&a.account_id, &a.role_arn).cmp(&(&b.account_id, &b.role_arn)));
    warnings.sort();
    warnings.dedup();

    let accounts: Vec<&AccountInventory> = selected.iter().map(|(_, a)| *a).collect();
    let summary = summarize(&accounts, config, &findings, &evaluations);
    AuditReport {
        generated_at: now,
        findings,
        evaluations,
        summary,
        warnings,
    }
}

/// What every account's audit shares.
struct Context<'a> {
    all: &'a Inventory,
    organization: Option<&'a Organization>,
    shared: &'a Shared,
    sensitive: &'a SensitiveActions,
    config: &'a AuditConfig,
    now: Timestamp,
}

fn audit_account(
    account_id: &AccountId,
    account: &AccountInventory,
    context: &Context<'_>,
) -> AccountResult {
    let Context {
        all,
        organization,
        shared,
        sensitive,
        config,
        now,
    } = *context;
    let mut findings = Vec::new();
    let mut evaluations = Vec::new();
    let mut warnings = Vec::new();
    let enabled = |rule: RuleId| config.is_enabled(rule);

    if let Some(iam) = &account.iam {
        let policies = AccountPolicies::parse(iam, &shared.probes, &mut warnings);
        let scope = AccountScope {
            account_id,
            inventory: account,
            all,
            organization,
            shared,
            policies: &policies,
            config,
            now,
        };
        if enabled(RuleId::IamRoleUnused) {
            let (role_evaluations, role_findings) =
                unused_role::check(account_id, &iam.roles, &config.params.unused_role, now);
            evaluations = role_evaluations;
            findings.extend(role_findings);
        }
        if enabled(RuleId::PrincipalEffectiveAdmin) {
            admin::check(&scope, &mut findings, &mut warnings);
        }
        scan_policies(&scope, iam, sensitive, &mut findings);
        trust::check(&scope, &mut findings);
        hygiene::check(account_id, iam, &enabled, &mut findings);
    }

    match (&account.credential_report, &account.summary) {
        (Some(report), _) => {
            credentials::check_report(
                account_id,
                report,
                &config.params,
                now,
                &enabled,
                &mut findings,
            );
        }
        (None, Some(summary)) => {
            credentials::check_summary(account_id, summary, &enabled, &mut findings)
        }
        (None, None) => {}
    }
    if let Some(policy) = &account.password_policy
        && enabled(RuleId::PasswordPolicyWeak)
    {
        findings.extend(credentials::check_password_policy(
            account_id,
            policy,
            &config.params.password_baseline,
        ));
    }
    AccountResult {
        findings,
        evaluations,
        warnings,
    }
}

/// The statement rules over customer managed and inline policies.
fn scan_policies(
    scope: &AccountScope<'_>,
    iam: &iamwatch_model::AccountAuthorization,
    sensitive: &SensitiveActions,
    out: &mut Vec<RawFinding>,
) {
    const RULES: [RuleId; 8] = [
        RuleId::PolicyAllowsAllActions,
        RuleId::PolicySensitiveActionAnyResource,
        RuleId::PolicyServiceWildcard,
        RuleId::PassRoleAnyResource,
        RuleId::AllowNotAction,
        RuleId::AllowNotResource,
        RuleId::UnconstrainedPermissionsManagement,
        RuleId::UnconstrainedWrite,
    ];
    let enabled = |rule: RuleId| scope.config.is_enabled(rule);
    if !RULES.iter().any(|rule| enabled(*rule)) {
        return;
    }
    let account_id = scope.account_id;
    let mut classifier = Classifier::default();
    for policy in &iam.policies {
        let Some(parsed) = scope.policies.customer.get(&policy.arn) else {
            continue;
        };
        let site = PolicySite {
            account_id,
            resource: FindingResource {
                arn: policy.arn.to_string(),
                kind: ResourceKind::Policy,
                name: policy.name.clone(),
            },
            kind: "customer managed",
            policy_name: policy.arn.as_str(),
        };
        privilege::scan(&site, parsed, sensitive, &mut classifier, &enabled, out);
    }
    let entities = iam
        .users
        .iter()
        .map(|u| (ResourceKind::User, &u.arn, &u.name, &u.inline_policies))
        .zip(&scope.policies.user_inline)
        .chain(
            iam.groups
                .iter()
                .map(|g| (ResourceKind::Group, &g.arn, &g.name, &g.inline_policies))
                .zip(&scope.policies.group_inline),
        )
        .chain(
            iam.roles
                .iter()
                .map(|r| (ResourceKind::Role, &r.arn, &r.name, &r.inline_policies))
                .zip(&scope.policies.role_inline),
        );
    for ((kind, arn, name, inline), parsed) in entities {
        for (policy, parsed) in inline.iter().zip(parsed) {
            let Some(parsed) = parsed else {
                continue;
            };
            let site = PolicySite {
                account_id,
                resource: FindingResource {
                    arn: arn.to_string(),
                    kind,
                    name: name.clone(),
                },
                kind: "inline",
                policy_name: &policy.name,
            };
            privilege::scan(&site, parsed, sensitive, &mut classifier, &enabled, out);
        }
    }
}

/// Adds rule metadata and the configured severity.
fn complete(raw: RawFinding, config: &AuditConfig) -> Finding {
    let info = raw.rule.info();
    Finding {
        id: raw.fingerprint(),
        rule_id: raw.rule,
        title: info.title.to_owned(),
        category: info.category,
        severity: config.severity(raw.rule),
        account_id: raw.account_id,
        resource: raw.resource,
        message: raw.message,
        details: raw.details,
        remediation: info.remediation.to_owned(),
        reference: info.reference.to_owned(),
        suppression: None,
        notes: Vec::new(),
    }
}

fn summarize(
    accounts: &[&AccountInventory],
    config: &AuditConfig,
    findings: &[Finding],
    evaluations: &[RoleEvaluation],
) -> AuditSummary {
    let mut summary = AuditSummary {
        accounts_audited: accounts.len(),
        rules_run: config.enabled_rules().count(),
        findings: findings.len(),
        ..AuditSummary::default()
    };
    for iam in accounts.iter().filter_map(|a| a.iam.as_ref()) {
        summary.users += iam.users.len();
        summary.groups += iam.groups.len();
        summary.roles += iam.roles.len();
        summary.customer_managed_policies += iam.policies.len();
    }
    for finding in findings {
        match finding.suppression.as_ref().map(|s| s.state) {
            Some(SuppressionState::Suppressed) => summary.suppressed += 1,
            Some(SuppressionState::Expired) => summary.expired_suppressions += 1,
            None => {}
        }
        if finding.is_open() {
            summary.open += 1;
            *summary
                .open_by_severity
                .entry(finding.severity)
                .or_default() += 1;
            *summary.open_by_rule.entry(finding.rule_id).or_default() += 1;
        }
    }
    for evaluation in evaluations {
        match evaluation.evaluation.compliance_type {
            ComplianceType::Compliant => summary.evaluations_compliant += 1,
            ComplianceType::NonCompliant => summary.evaluations_non_compliant += 1,
            ComplianceType::NotApplicable | ComplianceType::InsufficientData => {}
        }
    }
    summary
}
