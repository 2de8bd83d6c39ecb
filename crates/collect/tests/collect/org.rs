//! The organization and its member accounts through AssumeRole, against moto.

use iamwatch_collect::{AccountResult, Targets};
use iamwatch_model::{OrgNodeId, Payload, SnapshotScope, SnapshotSource};

use crate::support::moto::Moto;
use crate::support::setup;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_and_members_through_assume_role() {
    let moto = Moto::start();
    let endpoint = moto.endpoint();
    let fixture = setup::organization(&endpoint, 3, 2).await;
    let org_client = aws_sdk_organizations::Client::new(&setup::management(&endpoint).await);
    org_client
        .register_delegated_administrator()
        .account_id(&fixture.members[0])
        .service_principal("guardduty.amazonaws.com")
        .send()
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut settings = setup::settings(&endpoint, dir.path());
    settings.targets = Targets::Organization;
    settings.resource_policies = false;
    settings.concurrency = 2;
    let (report, sink) = setup::collect_in_memory(&settings).await;
    assert!(report.is_complete(), "{report:#?}");
    assert_eq!(report.accounts.len(), 4);

    let commits = sink.commits();
    // The organization first, then one commit per account.
    assert_eq!(commits.len(), 5);
    let Payload::Organization(org) = &commits[0][0].payload else {
        panic!("the organization first")
    };
    assert_eq!(org.management_account_id.as_str(), setup::MANAGEMENT);
    assert_eq!(org.accounts.len(), 4);
    assert_eq!(org.organizational_units.len(), 2);
    let dev = org
        .organizational_units
        .iter()
        .find(|ou| ou.name == "dev")
        .unwrap();
    assert_eq!(dev.parent_id.as_str(), fixture.prod);
    let member1 = org
        .accounts
        .iter()
        .find(|a| a.id.as_str() == fixture.members[1])
        .unwrap();
    let path: Vec<&str> = member1.parent_path.iter().map(OrgNodeId::as_str).collect();
    assert_eq!(path, [fixture.root.as_str(), &fixture.prod, &fixture.dev]);
    let scp = org
        .policies
        .iter()
        .find(|p| p.id.as_str() == fixture.scp)
        .unwrap();
    assert_eq!(scp.targets, [OrgNodeId::parse(&fixture.prod).unwrap()]);
    assert!(scp.document.as_str().contains("LeaveOrganization"));
    assert!(
        org.policies
            .iter()
            .any(|p| p.aws_managed && p.name == "FullAWSAccess")
    );
    assert_eq!(org.delegated_administrators.len(), 1);
    assert_eq!(
        org.delegated_administrators[0].service_principals,
        ["guardduty.amazonaws.com"]
    );

    // Each member's IAM is its own, read through AssumeRole.
    for member in &fixture.members {
        let outcome = report
            .accounts
            .iter()
            .find(|a| a.account.as_str() == member)
            .unwrap();
        assert!(matches!(outcome.result, AccountResult::Collected { .. }));
        assert_eq!(outcome.calls.get("sts:AssumeRole").calls, 1);
        let commit = commits
            .iter()
            .find(|c| c[0].scope == SnapshotScope::Account(member.parse().unwrap()))
            .unwrap();
        assert_eq!(commit[0].source, SnapshotSource::Gaad);
        let Payload::Iam(iam) = &commit[0].payload else {
            panic!()
        };
        let roles: Vec<&str> = iam.roles.iter().map(|r| r.name.as_str()).collect();
        // Organizations creates the access role in the accounts it creates.
        assert_eq!(
            roles,
            [
                "OrganizationAccountAccessRole".to_owned(),
                format!("m{member}-role-0000"),
                format!("m{member}-role-0001")
            ]
        );
    }
    // The management account with the caller's own credentials.
    let management = report
        .accounts
        .iter()
        .find(|a| a.account.as_str() == setup::MANAGEMENT)
        .unwrap();
    assert_eq!(management.calls.get("sts:AssumeRole").calls, 0);
}
