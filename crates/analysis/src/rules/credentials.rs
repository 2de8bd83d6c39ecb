//! Credential rules over the credential report, the account summary and the password policy:
//! old and unused access keys and passwords, MFA, the root user, application-like users and the
//! password policy.
//!
//! Column meanings follow the IAM User Guide, `id_credentials_getting-report.html`: a value, or
//! `N/A` (not applicable), `no_information` (never used), `not_supported` (root password
//! columns).

use iamwatch_model::{
    AccessKeyColumns, AccountId, AccountPasswordPolicy, AccountSummary, CredentialReport,
    CredentialReportRow, ReportUser, ReportValue, Timestamp,
};

use crate::days::whole_days;
use crate::finding::{FindingResource, RawFinding, ResourceKind};
use crate::params::{PasswordBaseline, RuleParams};
use crate::rules::RuleId;

/// The account as a finding resource (`arn:aws:iam::ACCOUNT:root`).
pub(crate) fn account_resource(account_id: &AccountId) -> FindingResource {
    FindingResource {
        arn: format!("arn:aws:iam::{account_id}:root"),
        kind: ResourceKind::Account,
        name: account_id.to_string(),
    }
}

fn user_resource(row: &CredentialReportRow) -> FindingResource {
    let name = match &row.user {
        ReportUser::User(name) => name.clone(),
        ReportUser::Root => "<root_account>".to_owned(),
    };
    FindingResource {
        arn: row.arn.to_string(),
        kind: ResourceKind::User,
        name,
    }
}

fn is_true(value: &ReportValue<bool>) -> bool {
    value.value().copied() == Some(true)
}

fn is_false(value: &ReportValue<bool>) -> bool {
    value.value().copied() == Some(false)
}

fn date(value: &ReportValue<Timestamp>) -> Option<Timestamp> {
    value.value().copied()
}

fn keys(row: &CredentialReportRow) -> [(u8, &AccessKeyColumns); 2] {
    [(1, &row.access_key_1), (2, &row.access_key_2)]
}

/// Runs the credential rules that read the credential report.
pub(crate) fn check_report(
    account_id: &AccountId,
    report: &CredentialReport,
    params: &RuleParams,
    now: Timestamp,
    enabled: &dyn Fn(RuleId) -> bool,
    out: &mut Vec<RawFinding>,
) {
    for row in &report.rows {
        match row.user {
            ReportUser::Root => check_root(account_id, row, params, now, enabled, out),
            ReportUser::User(_) => check_user(account_id, row, params, now, enabled, out),
        }
    }
}

fn check_user(
    account_id: &AccountId,
    row: &CredentialReportRow,
    params: &RuleParams,
    now: Timestamp,
    enabled: &dyn Fn(RuleId) -> bool,
    out: &mut Vec<RawFinding>,
) {
    let resource = user_resource(row);
    let name = resource.name.clone();
    let console = is_true(&row.password_enabled);
    let active_keys: Vec<(u8, &AccessKeyColumns)> = keys(row)
        .into_iter()
        .filter(|(_, key)| is_true(&key.active))
        .collect();

    if enabled(RuleId::AccessKeyNotRotated) {
        let max = i64::from(params.max_key_age_days);
        for (number, key) in &active_keys {
            let Some(rotated) = date(&key.last_rotated) else {
                continue;
            };
            let age = whole_days(rotated, now);
            if age > max {
                out.push(
                    RawFinding::new(
                        RuleId::AccessKeyNotRotated,
                        account_id,
                        resource.clone(),
                        format!(
                            "user `{name}`: access key {number} was last rotated {age} days ago (more than {max})"
                        ),
                    )
                    .discriminator(format!("key{number}"))
                    .detail("access_key", *number)
                    .detail("last_rotated", rotated.to_string())
                    .detail("age_days", age)
                    .detail("max_key_age_days", max),
                );
            }
        }
    }

    if enabled(RuleId::UserCredentialsUnused) {
        let max = i64::from(params.max_unused_credential_days);
        let mut unused = |credential: String, used: Option<Timestamp>, since: Option<Timestamp>| {
            let (reference, never) = match (used, since) {
                (Some(used), _) => (used, false),
                (None, Some(since)) => (since, true),
                (None, None) => return,
            };
            let days = whole_days(reference, now);
            if days <= max {
                return;
            }
            let message = if never {
                format!(
                    "user `{name}`: {credential} has never been used, and was set {days} days ago (more than {max})"
                )
            } else {
                format!(
                    "user `{name}`: {credential} was last used {days} days ago (more than {max})"
                )
            };
            out.push(
                RawFinding::new(
                    RuleId::UserCredentialsUnused,
                    account_id,
                    resource.clone(),
                    message,
                )
                .discriminator(credential.clone())
                .detail("credential", credential)
                .detail("never_used", never)
                .detail("days", days)
                .detail("max_unused_days", max),
            );
        };
        if console {
            let since = date(&row.password_last_changed).or_else(|| date(&row.user_creation_time));
            unused(
                "the console password".to_owned(),
                date(&row.password_last_used),
                since,
            );
        }
        for (number, key) in &active_keys {
            let since = date(&key.last_rotated).or_else(|| date(&row.user_creation_time));
            unused(
                format!("access key {number}"),
                date(&key.last_used_date),
                since,
            );
        }
    }

    if enabled(RuleId::ConsoleUserWithoutMfa) && console && is_false(&row.mfa_active) {
        out.push(
            RawFinding::new(
                RuleId::ConsoleUserWithoutMfa,
                account_id,
                resource.clone(),
                format!(
                    "user `{name}` can sign in to the console with a password and has no MFA device"
                ),
            )
            .detail(
                "password_last_used",
                date(&row.password_last_used).map_or_else(|| "never".to_owned(), |d| d.to_string()),
            ),
        );
    }

    if enabled(RuleId::UserMultipleActiveKeys) && active_keys.len() > 1 {
        let last_used: Vec<String> = active_keys
            .iter()
            .map(|(number, key)| {
                let used =
                    date(&key.last_used_date).map_or_else(|| "never".to_owned(), |d| d.to_string());
                format!("key {number}: last used {used}")
            })
            .collect();
        out.push(
            RawFinding::new(
                RuleId::UserMultipleActiveKeys,
                account_id,
                resource.clone(),
                format!("user `{name}` has {} active access keys", active_keys.len()),
            )
            .detail("keys", last_used),
        );
    }

    if enabled(RuleId::UserLooksLikeApplication) && !console && !active_keys.is_empty() {
        let services: Vec<String> = active_keys
            .iter()
            .filter_map(|(_, key)| key.last_used_service.value().cloned())
            .filter(|service| service != "N/A")
            .collect();
        out.push(
            RawFinding::new(
                RuleId::UserLooksLikeApplication,
                account_id,
                resource,
                format!(
                    "user `{name}` has active access keys and no console password: a workload with long-lived credentials"
                ),
            )
            .detail("active_keys", active_keys.len())
            .detail("last_used_services", services),
        );
    }
}

fn check_root(
    account_id: &AccountId,
    row: &CredentialReportRow,
    params: &RuleParams,
    now: Timestamp,
    enabled: &dyn Fn(RuleId) -> bool,
    out: &mut Vec<RawFinding>,
) {
    let resource = account_resource(account_id);
    if enabled(RuleId::RootAccessKeys) {
        let active: Vec<u8> = keys(row)
            .into_iter()
            .filter(|(_, key)| is_true(&key.active))
            .map(|(number, _)| number)
            .collect();
        if !active.is_empty() {
            out.push(
                RawFinding::new(
                    RuleId::RootAccessKeys,
                    account_id,
                    resource.clone(),
                    format!(
                        "the root user of account {account_id} has {} active access key(s)",
                        active.len()
                    ),
                )
                .detail("active_keys", active)
                .detail("source", "credential report"),
            );
        }
    }
    if enabled(RuleId::RootWithoutMfa) && is_false(&row.mfa_active) {
        out.push(
            RawFinding::new(
                RuleId::RootWithoutMfa,
                account_id,
                resource.clone(),
                format!("the root user of account {account_id} has no MFA device"),
            )
            .detail("source", "credential report"),
        );
    }
    if enabled(RuleId::RootRecentlyUsed) {
        let window = i64::from(params.root_use_window_days);
        let mut uses: Vec<(Timestamp, String)> = Vec::new();
        if let Some(used) = date(&row.password_last_used) {
            uses.push((used, "password".to_owned()));
        }
        for (number, key) in keys(row) {
            if let Some(used) = date(&key.last_used_date) {
                uses.push((used, format!("access key {number}")));
            }
        }
        if let Some((used, credential)) = uses.into_iter().max_by_key(|(used, _)| *used) {
            let days = whole_days(used, now);
            if (0..=window).contains(&days) {
                out.push(
                    RawFinding::new(
                        RuleId::RootRecentlyUsed,
                        account_id,
                        resource,
                        format!(
                            "the root user of account {account_id} signed in or called AWS with its {credential} {days} days ago (within {window})"
                        ),
                    )
                    .detail("credential", credential)
                    .detail("last_used", used.to_string())
                    .detail("days", days)
                    .detail("window_days", window),
                );
            }
        }
    }
}

/// Root checks from the account summary, for accounts without a credential report.
pub(crate) fn check_summary(
    account_id: &AccountId,
    summary: &AccountSummary,
    enabled: &dyn Fn(RuleId) -> bool,
    out: &mut Vec<RawFinding>,
) {
    if enabled(RuleId::RootAccessKeys) && summary.root_access_keys_present() == Some(true) {
        out.push(
            RawFinding::new(
                RuleId::RootAccessKeys,
                account_id,
                account_resource(account_id),
                format!("the root user of account {account_id} has access keys"),
            )
            .detail("source", "account summary (AccountAccessKeysPresent = 1)"),
        );
    }
    if enabled(RuleId::RootWithoutMfa) && summary.root_mfa_enabled() == Some(false) {
        out.push(
            RawFinding::new(
                RuleId::RootWithoutMfa,
                account_id,
                account_resource(account_id),
                format!("the root user of account {account_id} has no MFA device"),
            )
            .detail("source", "account summary (AccountMFAEnabled = 0)"),
        );
    }
}

/// `password-policy-weak`: compares the account password policy with the baseline.
pub(crate) fn check_password_policy(
    account_id: &AccountId,
    policy: &AccountPasswordPolicy,
    baseline: &PasswordBaseline,
) -> Option<RawFinding> {
    let resource = account_resource(account_id);
    let Some(policy) = &policy.policy else {
        return Some(
            RawFinding::new(
                RuleId::PasswordPolicyWeak,
                account_id,
                resource,
                format!(
                    "account {account_id} has no password policy: IAM's default (8 characters, no reuse prevention, no expiry) applies"
                ),
            )
            .detail("gaps", vec!["no password policy".to_owned()]),
        );
    };
    let mut gaps = Vec::new();
    let length = policy.minimum_password_length.unwrap_or(0);
    if length < baseline.minimum_length {
        gaps.push(format!(
            "minimum length {length} is below {}",
            baseline.minimum_length
        ));
    }
    for (required, actual, what) in [
        (baseline.require_symbols, policy.require_symbols, "symbols"),
        (baseline.require_numbers, policy.require_numbers, "numbers"),
        (
            baseline.require_uppercase,
            policy.require_uppercase_characters,
            "upper-case letters",
        ),
        (
            baseline.require_lowercase,
            policy.require_lowercase_characters,
            "lower-case letters",
        ),
    ] {
        if required && !actual {
            gaps.push(format!("does not require {what}"));
        }
    }
    let reuse = policy.password_reuse_prevention.unwrap_or(0);
    if reuse < baseline.password_reuse_prevention {
        gaps.push(format!(
            "prevents reuse of {reuse} previous passwords, fewer than {}",
            baseline.password_reuse_prevention
        ));
    }
    if baseline.max_password_age_days > 0 {
        match policy.max_password_age.filter(|_| policy.expire_passwords) {
            Some(age) if age <= baseline.max_password_age_days => {}
            Some(age) => gaps.push(format!(
                "passwords expire after {age} days, more than {}",
                baseline.max_password_age_days
            )),
            None => gaps.push(format!(
                "passwords never expire (baseline: {} days)",
                baseline.max_password_age_days
            )),
        }
    }
    if gaps.is_empty() {
        return None;
    }
    Some(
        RawFinding::new(
            RuleId::PasswordPolicyWeak,
            account_id,
            resource,
            format!(
                "the password policy of account {account_id} is weaker than the baseline: {}",
                gaps.join("; ")
            ),
        )
        .detail("gaps", gaps),
    )
}
