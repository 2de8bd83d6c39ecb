//! `principal-effective-admin`: decided by the engine over the full policy set.

use iamwatch_analysis::{AuditConfig, RuleId, audit};
use iamwatch_catalog::{AccessLevel, Catalog};
use iamwatch_model::{AccountAuthorization, AccountId};

use crate::support::*;

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

fn admins(iam: AccountAuthorization, scps: &[&str]) -> Vec<(String, String)> {
    let report = audit(
        &input_with(inventory(iam), Some(organization(scps))),
        &AuditConfig::default(),
        now(),
    );
    of(&report, RuleId::PrincipalEffectiveAdmin)
        .into_iter()
        .map(|f| {
            (
                f.resource.name.clone(),
                f.details["tier"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn one_role(role: iamwatch_model::Role) -> AccountAuthorization {
    let mut account = iam();
    account.roles.push(role);
    account
}

#[test]
fn administrator_access_is_admin() {
    let found = admins(one_role(with_attached(role("ops"), ADMIN)), &[]);
    assert_eq!(found, [("ops".to_owned(), "full".to_owned())]);
}

#[test]
fn read_only_is_not_admin() {
    assert!(admins(one_role(with_attached(role("viewer"), READ_ONLY)), &[]).is_empty());
}

#[test]
fn an_scp_can_take_admin_away() {
    let deny_iam = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateUser","iam:PutRolePolicy","iam:AttachRolePolicy"],"Resource":"*"}]}"#;
    assert!(admins(one_role(with_attached(role("ops"), ADMIN)), &[deny_iam]).is_empty());
    // An SCP whose deny the probes do not hit leaves it an administrator.
    let deny_leave = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;
    assert_eq!(
        admins(one_role(with_attached(role("ops"), ADMIN)), &[deny_leave]).len(),
        1
    );
}

#[test]
fn scps_do_not_apply_in_the_management_account() {
    let deny_iam = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#;
    let mut org = organization(&[deny_iam]);
    org.management_account_id = AccountId::parse(ACCOUNT).unwrap();
    let report = audit(
        &input_with(
            inventory(one_role(with_attached(role("ops"), ADMIN))),
            Some(org),
        ),
        &AuditConfig::default(),
        now(),
    );
    assert_eq!(count(&report, RuleId::PrincipalEffectiveAdmin), 1);
}

#[test]
fn every_iam_write_action_without_wildcards_is_admin() {
    let actions: Vec<&str> = Catalog::get()
        .service("iam")
        .unwrap()
        .actions()
        .iter()
        .filter(|a| {
            matches!(
                a.access_level(),
                AccessLevel::Write | AccessLevel::PermissionsManagement
            )
        })
        .map(|a| a.full_name())
        .collect();
    let document = allow(&serde_json::to_string(&actions).unwrap(), r#""*""#);
    assert!(!document.contains("iam:*"));
    let found = admins(
        one_role(with_inline(role("provisioner"), "iam", &document)),
        &[],
    );
    assert_eq!(found, [("provisioner".to_owned(), "iam".to_owned())]);
    // One action short is not enough.
    let fewer = allow(&serde_json::to_string(&actions[1..]).unwrap(), r#""*""#);
    assert!(
        admins(
            one_role(with_inline(role("provisioner"), "iam", &fewer)),
            &[]
        )
        .is_empty()
    );
}

#[test]
fn a_permissions_boundary_can_take_admin_away() {
    let mut account = one_role(with_boundary(
        with_attached(role("bounded"), ADMIN),
        &format!("arn:aws:iam::{ACCOUNT}:policy/boundary"),
    ));
    account.policies.push(managed(
        "boundary",
        &allow(r#"["s3:*","dynamodb:*"]"#, r#""*""#),
        None,
    ));
    assert!(admins(account, &[]).is_empty());
}

#[test]
fn users_are_admins_through_their_groups() {
    let mut account = iam();
    let mut admins_group = group("Admins");
    admins_group.attached_policies.push(attached(ADMIN));
    account.groups.push(admins_group);
    let mut alice = user("alice");
    alice.groups.push("Admins".into());
    account.users.push(alice);
    account.users.push(user("bob"));
    let report = run(inventory(account));
    let found = of(&report, RuleId::PrincipalEffectiveAdmin);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].resource.name, "alice");
    assert!(
        found[0].details["granted_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == ADMIN)
    );
}

#[test]
fn an_explicit_deny_in_the_same_set_wins() {
    let role = with_inline(
        with_attached(role("almost"), ADMIN),
        "no-iam",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
    );
    assert!(admins(one_role(role), &[]).is_empty());
}

#[test]
fn service_linked_roles_are_not_examined() {
    let mut slr = with_attached(role("AWSServiceRoleForX"), ADMIN);
    slr.path = "/aws-service-role/x.amazonaws.com/".into();
    assert!(admins(one_role(slr), &[]).is_empty());
}
