//! Credential rules: positive, negative and edge fixtures over credential report rows, the
//! account summary and the password policy.

use std::collections::BTreeMap;

use iamwatch_analysis::{AuditConfig, RuleId};
use iamwatch_model::inventory::AccountInventory;
use iamwatch_model::{AccountPasswordPolicy, AccountSummary, CredentialReportRow, PasswordPolicy};

use crate::support::*;

fn rows(rows: Vec<CredentialReportRow>, rule: RuleId) -> usize {
    count(&run(report_inventory(rows)), rule)
}

fn mfa_root() -> CredentialReportRow {
    root_row(None, true, [no_key(), no_key()])
}

#[test]
fn access_key_not_rotated() {
    let rule = RuleId::AccessKeyNotRotated;
    // Positive: an active key rotated 91 days ago.
    assert_eq!(
        rows(
            vec![user_row(
                "app",
                None,
                0,
                false,
                [key(91, Some(1)), no_key()]
            )],
            rule
        ),
        1
    );
    // Negative: 89 days.
    assert_eq!(
        rows(
            vec![user_row(
                "app",
                None,
                0,
                false,
                [key(89, Some(1)), no_key()]
            )],
            rule
        ),
        0
    );
    // Edge: exactly 90 days is not older than 90; an inactive old key does not count; both
    // keys old are two findings.
    assert_eq!(
        rows(
            vec![user_row(
                "app",
                None,
                0,
                false,
                [key(90, Some(1)), no_key()]
            )],
            rule
        ),
        0
    );
    assert_eq!(
        rows(
            vec![user_row(
                "app",
                None,
                0,
                false,
                [inactive_key(900), no_key()]
            )],
            rule
        ),
        0
    );
    assert_eq!(
        rows(
            vec![user_row(
                "app",
                None,
                0,
                false,
                [key(200, None), key(100, None)]
            )],
            rule
        ),
        2
    );
    // The root user's keys are root-access-keys' business.
    assert_eq!(
        rows(vec![root_row(None, true, [key(900, None), no_key()])], rule),
        0
    );
}

#[test]
fn access_key_age_is_configurable() {
    let config = AuditConfig::from_toml(
        "[rules.access-key-not-rotated]\nmax_key_age_days = 30\n",
        "t",
    )
    .unwrap();
    let inventory = report_inventory(vec![user_row(
        "app",
        None,
        0,
        false,
        [key(45, Some(1)), no_key()],
    )]);
    assert_eq!(
        count(&run_with(inventory, &config), RuleId::AccessKeyNotRotated),
        1
    );
}

#[test]
fn user_credentials_unused() {
    let rule = RuleId::UserCredentialsUnused;
    // Positive: password last used 100 days ago.
    assert_eq!(
        rows(
            vec![user_row(
                "u",
                Some(Some(100)),
                300,
                true,
                [no_key(), no_key()]
            )],
            rule
        ),
        1
    );
    // Negative: password used 10 days ago, key used yesterday.
    assert_eq!(
        rows(
            vec![user_row(
                "u",
                Some(Some(10)),
                300,
                true,
                [key(30, Some(1)), no_key()]
            )],
            rule
        ),
        0
    );
    // Edge: never used, set 91 days ago → reported; never used, set 10 days ago → not yet.
    assert_eq!(
        rows(
            vec![user_row("u", Some(None), 91, true, [no_key(), no_key()])],
            rule
        ),
        1
    );
    assert_eq!(
        rows(
            vec![user_row("u", Some(None), 10, true, [no_key(), no_key()])],
            rule
        ),
        0
    );
    // Edge: a key never used, rotated 200 days ago; and an inactive key is ignored.
    assert_eq!(
        rows(
            vec![user_row(
                "u",
                None,
                0,
                false,
                [key(200, None), inactive_key(900)]
            )],
            rule
        ),
        1
    );
    let report = run(report_inventory(vec![user_row(
        "u",
        Some(None),
        91,
        true,
        [no_key(), no_key()],
    )]));
    assert_eq!(of(&report, rule)[0].details["never_used"], true);
}

#[test]
fn console_user_without_mfa() {
    let rule = RuleId::ConsoleUserWithoutMfa;
    assert_eq!(
        rows(
            vec![user_row(
                "u",
                Some(Some(1)),
                10,
                false,
                [no_key(), no_key()]
            )],
            rule
        ),
        1
    );
    assert_eq!(
        rows(
            vec![user_row("u", Some(Some(1)), 10, true, [no_key(), no_key()])],
            rule
        ),
        0
    );
    // Edge: no console password, no MFA: nothing to protect at sign-in.
    assert_eq!(
        rows(
            vec![user_row("u", None, 0, false, [key(1, Some(1)), no_key()])],
            rule
        ),
        0
    );
    // Edge: a password never used still signs in.
    assert_eq!(
        rows(
            vec![user_row("u", Some(None), 1, false, [no_key(), no_key()])],
            rule
        ),
        1
    );
}

#[test]
fn user_multiple_active_keys() {
    let rule = RuleId::UserMultipleActiveKeys;
    assert_eq!(
        rows(
            vec![user_row(
                "u",
                None,
                0,
                false,
                [key(1, Some(1)), key(2, Some(1))]
            )],
            rule
        ),
        1
    );
    assert_eq!(
        rows(
            vec![user_row("u", None, 0, false, [key(1, Some(1)), no_key()])],
            rule
        ),
        0
    );
    // Edge: a second key that is inactive (mid-rotation, done right).
    assert_eq!(
        rows(
            vec![user_row(
                "u",
                None,
                0,
                false,
                [key(1, Some(1)), inactive_key(100)]
            )],
            rule
        ),
        0
    );
}

#[test]
fn root_access_keys() {
    let rule = RuleId::RootAccessKeys;
    assert_eq!(
        rows(
            vec![root_row(None, true, [key(10, Some(1)), no_key()])],
            rule
        ),
        1
    );
    assert_eq!(rows(vec![mfa_root()], rule), 0);
    // Edge: only the account summary is known.
    let mut inventory = AccountInventory::default();
    inventory.summary = Some(summary(&[
        ("AccountAccessKeysPresent", 1),
        ("AccountMFAEnabled", 1),
    ]));
    assert_eq!(count(&run(inventory), rule), 1);
}

fn summary(values: &[(&str, u64)]) -> AccountSummary {
    AccountSummary {
        account_id: account_id(),
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect::<BTreeMap<_, _>>(),
    }
}

#[test]
fn root_without_mfa() {
    let rule = RuleId::RootWithoutMfa;
    assert_eq!(
        rows(vec![root_row(None, false, [no_key(), no_key()])], rule),
        1
    );
    assert_eq!(rows(vec![mfa_root()], rule), 0);
    // Edge: the summary says so when there is no report; the report wins when both exist.
    let mut inventory = AccountInventory::default();
    inventory.summary = Some(summary(&[("AccountMFAEnabled", 0)]));
    assert_eq!(count(&run(inventory), rule), 1);
    let mut both = report_inventory(vec![mfa_root()]);
    both.summary = Some(summary(&[("AccountMFAEnabled", 0)]));
    assert_eq!(count(&run(both), rule), 0);
}

#[test]
fn root_recently_used() {
    let rule = RuleId::RootRecentlyUsed;
    assert_eq!(
        rows(vec![root_row(Some(3), true, [no_key(), no_key()])], rule),
        1
    );
    assert_eq!(
        rows(vec![root_row(Some(31), true, [no_key(), no_key()])], rule),
        0
    );
    // Edge: exactly 30 days is within the window; a key used yesterday counts; never used
    // (no_information) does not.
    assert_eq!(
        rows(vec![root_row(Some(30), true, [no_key(), no_key()])], rule),
        1
    );
    assert_eq!(
        rows(
            vec![root_row(None, true, [key(400, Some(1)), no_key()])],
            rule
        ),
        1
    );
    assert_eq!(
        rows(vec![root_row(None, true, [no_key(), no_key()])], rule),
        0
    );
}

#[test]
fn user_looks_like_application() {
    let rule = RuleId::UserLooksLikeApplication;
    assert_eq!(
        rows(
            vec![user_row(
                "svc",
                None,
                0,
                false,
                [key(10, Some(1)), no_key()]
            )],
            rule
        ),
        1
    );
    assert_eq!(
        rows(
            vec![user_row(
                "person",
                Some(Some(1)),
                10,
                true,
                [key(10, Some(1)), no_key()]
            )],
            rule
        ),
        0
    );
    // Edge: only an inactive key left: nothing to move to a role.
    assert_eq!(
        rows(
            vec![user_row(
                "old",
                None,
                0,
                false,
                [inactive_key(10), no_key()]
            )],
            rule
        ),
        0
    );
}

fn policy_inventory(policy: Option<PasswordPolicy>) -> AccountInventory {
    let mut inventory = AccountInventory::default();
    inventory.password_policy = Some(AccountPasswordPolicy {
        account_id: account_id(),
        policy,
    });
    inventory
}

fn strong() -> PasswordPolicy {
    PasswordPolicy {
        minimum_password_length: Some(14),
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        expire_passwords: false,
        max_password_age: None,
        password_reuse_prevention: Some(24),
        hard_expiry: None,
    }
}

#[test]
fn password_policy_weak() {
    let rule = RuleId::PasswordPolicyWeak;
    let weak = PasswordPolicy {
        minimum_password_length: Some(8),
        require_symbols: false,
        ..strong()
    };
    let report = run(policy_inventory(Some(weak)));
    assert_eq!(count(&report, rule), 1);
    assert_eq!(
        of(&report, rule)[0].details["gaps"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Negative: exactly the baseline.
    assert_eq!(count(&run(policy_inventory(Some(strong()))), rule), 0);
    // Edge: no password policy at all.
    assert_eq!(count(&run(policy_inventory(None)), rule), 1);
    // Edge: a baseline that requires expiry.
    let config = AuditConfig::from_toml(
        "[rules.password-policy-weak]\nmax_password_age_days = 90\n",
        "t",
    )
    .unwrap();
    assert_eq!(
        count(&run_with(policy_inventory(Some(strong())), &config), rule),
        1
    );
    let expiring = PasswordPolicy {
        expire_passwords: true,
        max_password_age: Some(60),
        ..strong()
    };
    assert_eq!(
        count(&run_with(policy_inventory(Some(expiring)), &config), rule),
        0
    );
}
