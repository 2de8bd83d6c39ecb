//! `iam-role-unused`: AWS's published AWS Config rule for unused IAM roles ("Continuously
//! monitor unused IAM roles with AWS Config", AWS Security Blog, and its Lambda function),
//! reproduced decision for decision.
//!
//! Per role, in this order:
//! 1. path + name matches a pattern of `role_allowlist` → `COMPLIANT`, "Role is allowlisted";
//! 2. the role's age in days is at most `max_days_for_last_used` → `COMPLIANT`,
//!    "Role age is N days";
//! 3. `RoleLastUsed` has no `LastUsedDate` → `NON_COMPLIANT`, "No record of usage";
//! 4. days since last use > `max_days_for_last_used` → `NON_COMPLIANT`,
//!    "Was used N days ago in REGION";
//! 5. otherwise → `COMPLIANT`, "Was used N days ago in REGION".
//!
//! Decisions where the published code leaves room, and why:
//! - **Days** are whole days rounded down, as Python's `(now - date).days` counts them; "now"
//!   is the audit's injected time, so results are reproducible.
//! - **ComplianceResourceId** is the role ID (`AROA…`), the resource ID AWS Config records for
//!   `AWS::IAM::Role`; the blog's Lambda passes the role name, which does not attach the
//!   evaluation to the recorded configuration item (AWS's later RDK version of the rule uses
//!   `RoleId`).
//! - **Allowlist validation**: only `-a-zA-Z0-9+=,.@_/|*` are allowed, over the whole value.
//!   (The published `validate_whitelist` anchors its character-class regex at the start and
//!   raises when it *matches*, which refuses every valid value; the intent, stated in its
//!   comment, is to refuse other characters.) Empty patterns (`a||b`) are refused too.
//! - **Missing `RoleLastUsed`** (an export that does not carry it): the published code then
//!   takes the creation date as the last use, and so do we. A missing region is written
//!   `unknown` (the Lambda would print Python's `None`).
//! - **Missing creation date**: the age test (2) cannot run and is skipped.
//! - `max_days_for_last_used` is limited to 1–365: IAM tracks last use for the trailing 400
//!   days only, so longer windows cannot be answered.

use iamwatch_model::{AccountId, Role, Timestamp};

use crate::days::whole_days;
use crate::err::UnusedRoleParamsError;
use crate::evaluation::{ComplianceType, ConfigEvaluation, RoleEvaluation};
use crate::finding::{FindingResource, RawFinding, ResourceKind};
use crate::glob;
use crate::rules::RuleId;

/// The Config resource type the rule evaluates.
pub const ROLE_RESOURCE_TYPE: &str = "AWS::IAM::Role";

/// The parameters of `iam-role-unused`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnusedRoleParams {
    max_days_for_last_used: u32,
    role_allowlist: RoleAllowlist,
}

impl Default for UnusedRoleParams {
    fn default() -> Self {
        Self {
            max_days_for_last_used: Self::DEFAULT_MAX_DAYS,
            role_allowlist: RoleAllowlist::default(),
        }
    }
}

impl UnusedRoleParams {
    pub const DEFAULT_MAX_DAYS: u32 = 60;
    pub const MAX_DAYS_LIMIT: u32 = 365;

    /// Validated parameters: `max_days_for_last_used` from 1 to 365 and an allowlist of
    /// `|`-separated patterns.
    pub fn new(
        max_days_for_last_used: i64,
        role_allowlist: &str,
    ) -> Result<Self, UnusedRoleParamsError> {
        let max_days_for_last_used = u32::try_from(max_days_for_last_used)
            .ok()
            .filter(|days| (1..=Self::MAX_DAYS_LIMIT).contains(days))
            .ok_or(UnusedRoleParamsError::MaxDaysOutOfRange {
                value: max_days_for_last_used,
            })?;
        Ok(Self {
            max_days_for_last_used,
            role_allowlist: RoleAllowlist::parse(role_allowlist)?,
        })
    }

    pub fn max_days_for_last_used(&self) -> u32 {
        self.max_days_for_last_used
    }

    pub fn role_allowlist(&self) -> &RoleAllowlist {
        &self.role_allowlist
    }
}

/// The `role_allowlist` parameter: Unix filename patterns matched against path + name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleAllowlist {
    patterns: Vec<String>,
}

impl RoleAllowlist {
    /// Parses `/breakglass-role|/security-*`. Empty text is an empty allowlist.
    pub fn parse(text: &str) -> Result<Self, UnusedRoleParamsError> {
        if text.is_empty() {
            return Ok(Self::default());
        }
        if let Some(character) = text.chars().find(|c| !is_allowed(*c)) {
            return Err(UnusedRoleParamsError::InvalidCharacter {
                value: text.to_owned(),
                character,
            });
        }
        let patterns: Vec<String> = text.split('|').map(str::to_owned).collect();
        if patterns.iter().any(String::is_empty) {
            return Err(UnusedRoleParamsError::EmptyPattern {
                value: text.to_owned(),
            });
        }
        Ok(Self { patterns })
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The first pattern that path + name matches.
    pub fn matching(&self, path_and_name: &str) -> Option<&str> {
        self.patterns
            .iter()
            .find(|pattern| glob::matches(pattern, path_and_name))
            .map(String::as_str)
    }
}

/// The characters IAM allows in names and paths, plus `|` (separator) and `*` (wildcard).
fn is_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-+=,.@_/|*".contains(c)
}

/// Which of the five decisions applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnusedRoleBranch {
    Allowlisted,
    YoungerThanMaximum,
    NeverUsed,
    UnusedTooLong,
    UsedRecently,
}

/// The decision for one role, with the numbers behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnusedRoleDecision {
    pub branch: UnusedRoleBranch,
    pub compliance: ComplianceType,
    pub annotation: String,
    /// Days since creation, when the creation date is known.
    pub age_days: Option<i64>,
    /// Days since last use, when it was used.
    pub days_since_use: Option<i64>,
    pub region: Option<String>,
}

/// The role's path and name as the allowlist sees them (`/service-role/name`).
pub fn path_and_name(role: &Role) -> String {
    format!("{}{}", role.path, role.name)
}

/// Applies the five steps to one role.
pub fn decide(role: &Role, params: &UnusedRoleParams, now: Timestamp) -> UnusedRoleDecision {
    let max = i64::from(params.max_days_for_last_used);
    let age_days = role.create_date.map(|created| whole_days(created, now));
    let decision = |branch, compliance, annotation: String| UnusedRoleDecision {
        branch,
        compliance,
        annotation,
        age_days,
        days_since_use: None,
        region: None,
    };
    if params
        .role_allowlist
        .matching(&path_and_name(role))
        .is_some()
    {
        return decision(
            UnusedRoleBranch::Allowlisted,
            ComplianceType::Compliant,
            "Role is allowlisted".to_owned(),
        );
    }
    if let Some(age) = age_days
        && age <= max
    {
        return decision(
            UnusedRoleBranch::YoungerThanMaximum,
            ComplianceType::Compliant,
            format!("Role age is {age} days"),
        );
    }
    // A missing `RoleLastUsed` counts as used on the creation date (published behaviour).
    let (last_used, region) = match &role.last_used {
        Some(last_used) => (last_used.last_used_date, last_used.region.clone()),
        None => (role.create_date, None),
    };
    let Some(last_used) = last_used else {
        return decision(
            UnusedRoleBranch::NeverUsed,
            ComplianceType::NonCompliant,
            "No record of usage".to_owned(),
        );
    };
    let days = whole_days(last_used, now);
    let region_text = region.as_deref().unwrap_or("unknown");
    let annotation = format!("Was used {days} days ago in {region_text}");
    let (branch, compliance) = if days > max {
        (
            UnusedRoleBranch::UnusedTooLong,
            ComplianceType::NonCompliant,
        )
    } else {
        (UnusedRoleBranch::UsedRecently, ComplianceType::Compliant)
    };
    UnusedRoleDecision {
        branch,
        compliance,
        annotation,
        age_days,
        days_since_use: Some(days),
        region,
    }
}

/// Evaluates every role of an account: one Config evaluation per role, one finding per
/// non-compliant role.
pub(crate) fn check(
    account_id: &AccountId,
    roles: &[Role],
    params: &UnusedRoleParams,
    now: Timestamp,
) -> (Vec<RoleEvaluation>, Vec<RawFinding>) {
    let mut evaluations = Vec::with_capacity(roles.len());
    let mut findings = Vec::new();
    for role in roles {
        let decision = decide(role, params, now);
        evaluations.push(RoleEvaluation {
            rule_id: RuleId::IamRoleUnused,
            account_id: account_id.clone(),
            role_arn: role.arn.clone(),
            role_path_name: path_and_name(role),
            evaluation: ConfigEvaluation::new(
                ROLE_RESOURCE_TYPE,
                role.id.as_str(),
                decision.compliance,
                &decision.annotation,
                now,
            ),
        });
        if decision.compliance != ComplianceType::NonCompliant {
            continue;
        }
        let mut finding = RawFinding::new(
            RuleId::IamRoleUnused,
            account_id,
            FindingResource {
                arn: role.arn.to_string(),
                kind: ResourceKind::Role,
                name: role.name.clone(),
            },
            format!("role `{}`: {}", role.name, decision.annotation),
        )
        .detail("annotation", decision.annotation.clone())
        .detail("role_id", role.id.as_str())
        .detail("max_days_for_last_used", params.max_days_for_last_used);
        if let Some(age) = decision.age_days {
            finding = finding.detail("role_age_days", age);
        }
        if let Some(days) = decision.days_since_use {
            finding = finding.detail("days_since_last_use", days);
        }
        if let Some(region) = &decision.region {
            finding = finding.detail("last_used_region", region.clone());
        }
        findings.push(finding);
    }
    (evaluations, findings)
}
