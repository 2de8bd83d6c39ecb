//! Hygiene rules.

use iamwatch_analysis::RuleId;

use crate::support::*;

const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage"],"Resource":"arn:aws:sqs:us-east-1:123456789012:q"}]}"#;
const SAME_DOC_RESPELLED: &str = r#"{"Statement":{"Resource":["arn:aws:sqs:us-east-1:123456789012:q"],"Action":["SQS:DeleteMessage","sqs:receivemessage"],"Effect":"Allow"},"Version":"2012-10-17"}"#;
const OTHER_DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:q"}]}"#;

#[test]
fn inline_policy_duplicated() {
    let rule = RuleId::InlinePolicyDuplicated;
    let build = |a: &str, b: &str| {
        let mut account = iam();
        account.roles.push(with_inline(role("w1"), "consume", a));
        account.roles.push(with_inline(role("w2"), "consume", b));
        run(inventory(account))
    };
    assert_eq!(count(&build(DOC, DOC), rule), 2);
    assert_eq!(count(&build(DOC, OTHER_DOC), rule), 0);
    // Edge: the same document spelled differently (order, case of actions, Sid, lists).
    assert_eq!(count(&build(DOC, SAME_DOC_RESPELLED), rule), 2);
    // Edge: a single inline copy of a customer managed policy.
    let mut account = iam();
    account.policies.push(managed("consume", DOC, Some(0)));
    account
        .roles
        .push(with_inline(role("w1"), "consume-copy", SAME_DOC_RESPELLED));
    let report = run(inventory(account));
    let found = of(&report, rule);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("customer managed policy"),
        "{}",
        found[0].message
    );
}

#[test]
fn user_direct_policies() {
    let rule = RuleId::UserDirectPolicies;
    let mut account = iam();
    let mut u = user("u");
    u.attached_policies
        .push(attached("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    account.users.push(u);
    assert_eq!(count(&run(inventory(account)), rule), 1);
    let mut account = iam();
    let mut member = user("member");
    member.groups.push("g".into());
    account.users.push(member);
    account.groups.push(group("g"));
    assert_eq!(count(&run(inventory(account)), rule), 0);
    // Edge: an inline policy alone counts too.
    let mut account = iam();
    let mut u = user("u");
    u.inline_policies.push(inline("own", OTHER_DOC));
    account.users.push(u);
    assert_eq!(count(&run(inventory(account)), rule), 1);
}

#[test]
fn group_empty() {
    let rule = RuleId::GroupEmpty;
    let mut account = iam();
    account.groups.push(group("nobody"));
    assert_eq!(count(&run(inventory(account)), rule), 1);
    let mut account = iam();
    account.groups.push(group("team"));
    let mut u = user("u");
    u.groups.push("team".into());
    account.users.push(u);
    assert_eq!(count(&run(inventory(account)), rule), 0);
    // Edge: group names are case-sensitive in membership lists.
    let mut account = iam();
    account.groups.push(group("Team"));
    let mut u = user("u");
    u.groups.push("team".into());
    account.users.push(u);
    assert_eq!(count(&run(inventory(account)), rule), 1);
}

#[test]
fn policy_unattached() {
    let rule = RuleId::PolicyUnattached;
    let mut account = iam();
    account.policies.push(managed("orphan", DOC, Some(0)));
    assert_eq!(count(&run(inventory(account)), rule), 1);
    let mut account = iam();
    account.policies.push(managed("used", DOC, Some(1)));
    assert_eq!(count(&run(inventory(account)), rule), 0);
    // Edge: without export counts, attachments are counted from the entities, boundaries
    // included.
    let mut account = iam();
    account.policies.push(managed("boundary", DOC, None));
    account.roles.push(with_boundary(
        role("r"),
        &format!("arn:aws:iam::{ACCOUNT}:policy/boundary"),
    ));
    account.policies.push(managed("orphan", OTHER_DOC, None));
    let report = run(inventory(account));
    let found = of(&report, rule);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].resource.name, "orphan");
}

#[test]
fn policy_duplicate() {
    let rule = RuleId::PolicyDuplicate;
    let mut account = iam();
    account.policies.push(managed("a", DOC, Some(1)));
    account.policies.push(managed("b", DOC, Some(1)));
    assert_eq!(count(&run(inventory(account)), rule), 2);
    let mut account = iam();
    account.policies.push(managed("a", DOC, Some(1)));
    account.policies.push(managed("b", OTHER_DOC, Some(1)));
    assert_eq!(count(&run(inventory(account)), rule), 0);
    // Edge: normalization sees through spelling.
    let mut account = iam();
    account.policies.push(managed("a", DOC, Some(1)));
    account
        .policies
        .push(managed("b", SAME_DOC_RESPELLED, Some(1)));
    account.policies.push(managed("c", OTHER_DOC, Some(1)));
    assert_eq!(count(&run(inventory(account)), rule), 2);
}

#[test]
fn role_without_policies() {
    let rule = RuleId::RoleWithoutPolicies;
    let mut account = iam();
    account.roles.push(role("bare"));
    assert_eq!(count(&run(inventory(account)), rule), 1);
    let mut account = iam();
    account
        .roles
        .push(with_inline(role("busy"), "p", OTHER_DOC));
    assert_eq!(count(&run(inventory(account)), rule), 0);
    // Edge: service-linked roles carry AWS's policies; one without is not ours to fix.
    let mut account = iam();
    let mut slr = role("AWSServiceRoleForX");
    slr.path = "/aws-service-role/x.amazonaws.com/".into();
    account.roles.push(slr);
    assert_eq!(count(&run(inventory(account)), rule), 0);
}
