use iamwatch_model::{Inventory, JoinError, JoinIssue, Snapshot};
use iamwatch_policy::context::{Request, RequestContext};
use iamwatch_policy::eval::{CompiledPolicySet, ResourcePolicyKind};
use iamwatch_policy::explain::{Decision, Gate};

use crate::import;

const ALICE: &str = "arn:aws:iam::123456789012:user/alice";

fn inventory() -> Inventory {
    let snapshots: Vec<Snapshot> = [
        "gaad-cli.json",
        "organizations.json",
        "resource-policies.json",
        "credential-report.csv",
    ]
    .into_iter()
    .flat_map(|name| import(name).snapshots)
    .collect();
    Inventory::from_snapshots(snapshots)
}

fn names(policies: &[iamwatch_policy::eval::NamedPolicy]) -> Vec<(&str, Option<&str>)> {
    policies
        .iter()
        .map(|p| (p.name.as_str(), p.attached_via.as_deref()))
        .collect()
}

#[test]
fn a_users_identity_policies_include_its_groups() {
    let inventory = inventory();
    let joined = inventory.policy_set(ALICE, None).unwrap();
    assert_eq!(joined.issues, []);
    assert_eq!(
        names(&joined.set.identity),
        [
            ("user/alice inline own-prefix", Some("user")),
            ("arn:aws:iam::aws:policy/ReadOnlyAccess", Some("user")),
            ("group/developers inline logs", Some("group/developers")),
            (
                "arn:aws:iam::123456789012:policy/deploy",
                Some("group/developers")
            ),
        ]
    );
    // The customer managed policy's default version (v2), not v1.
    let deploy = &joined.set.identity[3].policy;
    assert!(deploy.statements()[0].condition.is_some());
    assert_eq!(
        joined.set.permissions_boundary.as_ref().unwrap().name,
        "arn:aws:iam::123456789012:policy/boundaries/developer-boundary"
    );
    assert!(joined.set.resource.is_none());
    assert!(joined.set.rcps.is_none());
}

#[test]
fn the_scp_tree_runs_from_the_root_to_the_account() {
    let inventory = inventory();
    let joined = inventory.policy_set(ALICE, None).unwrap();
    let tree = joined.set.scps.unwrap();
    let levels: Vec<(&str, Vec<&str>)> = tree
        .levels
        .iter()
        .map(|l| {
            (
                l.target.as_str(),
                l.policies.iter().map(|p| p.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            (
                "r-ex12",
                vec![
                    "FullAWSAccess (p-FullAWSAccess)",
                    "no-leaving (p-exampleleav)"
                ]
            ),
            (
                "ou-ex12-prod0001",
                vec![
                    "FullAWSAccess (p-FullAWSAccess)",
                    "deny-outside-eu (p-examplereg1)"
                ]
            ),
            ("123456789012", vec!["FullAWSAccess (p-FullAWSAccess)"]),
        ]
    );
}

#[test]
fn the_request_principal_carries_the_organization() {
    let inventory = inventory();
    let principal = inventory.policy_set(ALICE, None).unwrap().principal;
    assert_eq!(principal.account.as_deref(), Some("123456789012"));
    assert_eq!(principal.org_id.as_deref(), Some("o-exampleorg1"));
    assert_eq!(
        principal.org_paths,
        ["o-exampleorg1/r-ex12/ou-ex12-prod0001/"]
    );
    assert!(!principal.in_management_account);
    assert_eq!(principal.unique_id.as_deref(), Some("AIDAEXAMPLEALICE0001"));
    assert!(
        principal
            .tags
            .contains(&("team".to_owned(), "platform".to_owned()))
    );
    let slr = inventory
        .policy_set(
            "arn:aws:iam::123456789012:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
            None,
        )
        .unwrap();
    assert_eq!(slr.principal.service_linked_role, Some(true));
}

#[test]
fn the_engine_decides_with_the_joined_set() {
    let inventory = inventory();
    let object = "arn:aws:s3:::example-data-bucket/reports/q1.csv";
    let joined = inventory.policy_set(ALICE, Some(object)).unwrap();
    assert_eq!(joined.issues, []);
    // The bucket is account 123456789012's (found in the inventory, S3 ARNs carry no account),
    // so its RCPs apply: RCPFullAWSAccess everywhere and require-tls at the root.
    let rcps = joined.set.rcps.as_ref().unwrap();
    assert_eq!(rcps.levels.len(), 3);
    assert_eq!(
        joined.set.resource.as_ref().unwrap().kind,
        ResourcePolicyKind::Generic
    );
    let compiled = CompiledPolicySet::compile(&joined.set);
    let join = iamwatch_model::Join::new(&inventory);
    let resource = join.request_resource(object, &"123456789012".parse().unwrap());
    assert_eq!(resource.account.as_deref(), Some("123456789012"));
    assert_eq!(
        resource.org_paths,
        ["o-exampleorg1/r-ex12/ou-ex12-prod0001/"]
    );

    let ask = |action: &str, region: &str, tls: &str| {
        let request = Request::new(joined.principal.clone(), action, resource.clone())
            .with_context("aws:RequestedRegion", region)
            .with_context("aws:SecureTransport", tls);
        compiled.evaluate_with_gate(&RequestContext::new(request).unwrap())
    };
    // ReadOnlyAccess (from the catalog) allows, the boundary allows s3:*, the SCPs allow in the EU.
    assert_eq!(
        ask("s3:GetObject", "eu-west-1", "true"),
        (Decision::Allowed, None)
    );
    // The production OU's SCP denies outside the EU.
    assert_eq!(
        ask("s3:GetObject", "us-east-1", "true"),
        (Decision::ExplicitlyDenied, Some(Gate::Scp))
    );
    // The root's RCP denies plain HTTP.
    assert_eq!(
        ask("s3:GetObject", "eu-west-1", "false"),
        (Decision::ExplicitlyDenied, Some(Gate::Rcp))
    );
    // The boundary does not allow IAM, and nothing grants it.
    assert_eq!(
        ask("s3:DeleteBucket", "eu-west-1", "true").0,
        Decision::ImplicitlyDenied
    );
}

#[test]
fn a_role_arn_as_resource_brings_its_trust_policy() {
    let inventory = inventory();
    let joined = inventory
        .policy_set(ALICE, Some("arn:aws:iam::123456789012:role/deploy"))
        .unwrap();
    let resource = joined.set.resource.unwrap();
    assert_eq!(resource.kind, ResourcePolicyKind::RoleTrust);
    assert_eq!(resource.policy.name, "role/deploy trust policy");
    let key = inventory
        .policy_set(
            ALICE,
            Some("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        )
        .unwrap();
    assert_eq!(key.set.resource.unwrap().kind, ResourcePolicyKind::KmsKey);
}

#[test]
fn aws_managed_documents_from_the_export_win_over_the_catalog() {
    let inventory = inventory();
    let jose = inventory
        .policy_set("arn:aws:iam::123456789012:user/ünïcode/josé-日本", None)
        .unwrap();
    let s3 = jose
        .set
        .identity
        .iter()
        .find(|p| p.name == "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        .unwrap();
    assert_eq!(s3.attached_via.as_deref(), Some("group/auditors"));
    // The fixture's abbreviated document (two actions), not the catalog's.
    let text = iamwatch_policy::serialize::to_json(&s3.policy);
    assert!(text.contains("s3:List*"), "{text}");
    assert!(!text.contains("s3-object-lambda"), "{text}");
}

#[test]
fn missing_pieces_are_issues_not_errors() {
    let mut snapshots = import("gaad-cli.json").snapshots;
    let iamwatch_model::Payload::Iam(iam) = &mut snapshots[0].payload else {
        panic!()
    };
    iam.groups.retain(|g| g.name != "developers");
    iam.policies.retain(|p| p.name != "developer-boundary");
    let alice = iam.users.iter_mut().find(|u| u.name == "alice").unwrap();
    alice
        .attached_policies
        .push(iamwatch_model::AttachedPolicy {
            name: "NoSuchPolicy".into(),
            arn: "arn:aws:iam::aws:policy/NoSuchPolicy".parse().unwrap(),
        });
    let inventory = Inventory::from_snapshots(snapshots);
    let joined = inventory.policy_set(ALICE, None).unwrap();
    let issues: Vec<String> = joined.issues.iter().map(ToString::to_string).collect();
    assert_eq!(
        issues,
        [
            "`arn:aws:iam::aws:policy/NoSuchPolicy` (attached to user) is not in the inventory or the AWS managed policies",
            "group `developers` of `arn:aws:iam::123456789012:user/alice` is not in the inventory",
            "`arn:aws:iam::123456789012:policy/boundaries/developer-boundary` (attached to permissions boundary) is not in the inventory or the AWS managed policies",
        ]
    );
    assert!(matches!(joined.issues[1], JoinIssue::MissingGroup { .. }));
    // No organization imported: no SCPs.
    assert!(joined.set.scps.is_none());
    assert_eq!(joined.principal.org_id, None);
}

#[test]
fn unknown_principals_are_errors() {
    let inventory = inventory();
    assert!(matches!(
        inventory.policy_set("arn:aws:iam::123456789012:user/nobody", None),
        Err(JoinError::UnknownPrincipal(_))
    ));
    assert!(matches!(
        inventory.policy_set("arn:aws:s3:::example-data-bucket", None),
        Err(JoinError::NotAPrincipal(_))
    ));
    assert!(matches!(
        inventory.policy_set("alice", None),
        Err(JoinError::NotAPrincipal(_))
    ));
}

#[test]
fn the_newest_snapshot_of_a_kind_wins() {
    let old = import("gaad-cli.json").snapshots.remove(0);
    let mut new = old.clone();
    new.taken_at = "2030-01-01T00:00:00Z".parse().unwrap();
    let iamwatch_model::Payload::Iam(iam) = &mut new.payload else {
        panic!()
    };
    iam.users.clear();
    let inventory = Inventory::from_snapshots([new.clone(), old.clone()]);
    let account = inventory.account(&"123456789012".parse().unwrap()).unwrap();
    assert!(account.iam.as_ref().unwrap().users.is_empty());
    let inventory = Inventory::from_snapshots([old, new]);
    let account = inventory.account(&"123456789012".parse().unwrap()).unwrap();
    assert!(account.iam.as_ref().unwrap().users.is_empty());
}
