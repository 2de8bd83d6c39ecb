//! One account against moto: GAAD paging to the model, credential report, password policy,
//! summary, identity providers.

use iamwatch_collect::{AccountResult, Targets};
use iamwatch_model::{Payload, SnapshotSource};

use crate::support::moto::Moto;
use crate::support::setup;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_account_end_to_end() {
    let moto = Moto::start();
    let endpoint = moto.endpoint();
    let config = setup::management(&endpoint).await;
    let created = setup::populate(&config, "t", 3).await;
    let iam = aws_sdk_iam::Client::new(&config);
    iam.update_account_password_policy()
        .minimum_password_length(14)
        .require_symbols(true)
        .send()
        .await
        .unwrap();
    iam.create_open_id_connect_provider()
        .url("https://token.actions.githubusercontent.com")
        .client_id_list("sts.amazonaws.com")
        .thumbprint_list("6938fd4d98bab03faadb97b34396831e3780aea1")
        .send()
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut settings = setup::settings(&endpoint, dir.path());
    settings.targets = Targets::Caller;
    settings.resource_policies = false;
    let (report, sink) = setup::collect_in_memory(&settings).await;
    assert!(report.is_complete(), "{report:#?}");
    assert_eq!(report.caller.as_str(), setup::MANAGEMENT);
    let [outcome] = report.accounts.as_slice() else {
        panic!("one account: {report:#?}")
    };
    assert_eq!(outcome.result, AccountResult::Collected { snapshots: 5 });
    // GAAD once (moto does not page), never a per-role call.
    assert_eq!(
        outcome
            .calls
            .get("iam:GetAccountAuthorizationDetails")
            .calls,
        1,
        "{:?}",
        outcome.calls
    );
    assert!(
        report.managed_policies > 1000,
        "{}",
        report.managed_policies
    );

    let commits = sink.commits();
    assert_eq!(commits.len(), 1);
    let snapshots = &commits[0];
    let sources: Vec<SnapshotSource> = snapshots.iter().map(|s| s.source).collect();
    assert_eq!(
        sources,
        [
            SnapshotSource::Gaad,
            SnapshotSource::CredentialReport,
            SnapshotSource::PasswordPolicy,
            SnapshotSource::AccountSummary,
            SnapshotSource::IdentityProviders
        ]
    );
    let Payload::Iam(iam_model) = &snapshots[0].payload else {
        panic!()
    };
    let mut users: Vec<&str> = iam_model.users.iter().map(|u| u.name.as_str()).collect();
    users.sort();
    assert_eq!(users, created.users);
    let roles: Vec<&str> = iam_model.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(roles, created.roles);
    let groups: Vec<&str> = iam_model.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups, created.groups);
    let policies: Vec<&str> = iam_model.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(policies, created.policies);
    let policy = &iam_model.policies[0];
    assert_eq!(policy.versions.len(), 2);
    assert_eq!(policy.default_version_id, "v2");
    assert!(
        policy
            .default_document()
            .unwrap()
            .as_str()
            .contains("s3:ListBucket")
    );

    let role = &iam_model.roles[0];
    assert_eq!(role.trust_policy.as_ref().unwrap().as_str(), setup::TRUST);
    assert_eq!(role.inline_policies[0].name, "inline");
    assert_eq!(role.attached_policies.len(), 2);
    let alice = &iam_model.users[0];
    assert_eq!(alice.groups, ["t-admins"]);
    let bob = &iam_model.users[1];
    // moto leaves users' `PermissionsBoundary` out of GAAD; AWS includes it.
    assert_eq!(bob.inline_policies.len(), 1);
    // AWS managed policies are referred to, with the document from the partition cache.
    let managed: Vec<&str> = iam_model
        .aws_managed_policies
        .iter()
        .map(|p| p.arn.as_str())
        .collect();
    assert_eq!(
        managed,
        [
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        ]
    );
    assert!(
        iam_model
            .aws_managed_policies
            .iter()
            .all(|p| p.document.is_some())
    );

    let Payload::CredentialReport(report_model) = &snapshots[1].payload else {
        panic!()
    };
    let mut report_users: Vec<String> = report_model
        .rows
        .iter()
        .filter_map(|r| match &r.user {
            iamwatch_model::ReportUser::User(name) => Some(name.clone()),
            iamwatch_model::ReportUser::Root => None,
        })
        .collect();
    report_users.sort();
    assert_eq!(report_users, created.users);

    let Payload::PasswordPolicy(password) = &snapshots[2].payload else {
        panic!()
    };
    let password = password.policy.as_ref().unwrap();
    assert_eq!(password.minimum_password_length, Some(14));
    assert!(password.require_symbols);

    let Payload::AccountSummary(summary) = &snapshots[3].payload else {
        panic!()
    };
    assert_eq!(summary.values.get("Users"), Some(&2));
    assert_eq!(summary.values.get("Roles"), Some(&3));

    let Payload::IdentityProviders(providers) = &snapshots[4].payload else {
        panic!()
    };
    assert_eq!(providers.oidc.len(), 1);
    assert_eq!(providers.oidc[0].client_ids, ["sts.amazonaws.com"]);

    // A second run reads the managed policies from the cache, not from AWS.
    let (again, sink) = setup::collect_in_memory(&settings).await;
    assert!(again.managed_policies_from_cache);
    assert_eq!(
        again
            .setup_calls
            .get("iam:GetAccountAuthorizationDetails")
            .calls,
        0
    );
    assert_eq!(sink.commits()[0][0].content_hash, snapshots[0].content_hash);
}
