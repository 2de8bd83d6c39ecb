use std::collections::BTreeSet;

use iamwatch_model::export::GaadShape;
use iamwatch_model::import::{Format, import_bytes, import_path};
use iamwatch_model::synthetic::{GaadShapes, OrgSpec, SyntheticOrg};
use iamwatch_model::{Inventory, OrgPolicyType, Payload, Snapshot};
use iamwatch_policy::context::{Request, RequestContext, RequestResource};
use iamwatch_policy::eval::CompiledPolicySet;
use iamwatch_policy::explain::{Decision, Gate};

use crate::options;

fn small() -> SyntheticOrg {
    SyntheticOrg::new(OrgSpec {
        seed: 42,
        accounts: 12,
        roles_per_account: 40,
        ..OrgSpec::default()
    })
}

fn all_snapshots(org: &SyntheticOrg) -> Vec<Snapshot> {
    std::iter::once(org.organization_snapshot())
        .chain((0..org.account_count()).flat_map(|i| org.snapshots(i)))
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_organization() {
    let a = small();
    let b = small();
    let hashes = |org: &SyntheticOrg| -> Vec<String> {
        all_snapshots(org)
            .iter()
            .map(|s| s.content_hash.to_hex())
            .collect()
    };
    assert_eq!(hashes(&a), hashes(&b));
    let c = SyntheticOrg::new(OrgSpec {
        seed: 43,
        ..a.spec().clone()
    });
    assert_ne!(hashes(&a), hashes(&c));
}

#[test]
fn shape_and_sizes() {
    let org = small();
    let organization = org.organization();
    assert_eq!(organization.accounts.len(), 12);
    assert_eq!(organization.organizational_units.len(), 8);
    assert!(organization.policy_type_enabled(OrgPolicyType::ServiceControlPolicy));
    assert!(organization.policy_type_enabled(OrgPolicyType::ResourceControlPolicy));
    let ids: BTreeSet<_> = org.account_ids().collect();
    assert_eq!(ids.len(), 12);
    for index in 0..org.account_count() {
        let account = org.account(index);
        assert!(account.iam.roles.len() >= 42, "{}", account.iam.roles.len());
        assert_eq!(account.iam.users.len(), 5);
        assert_eq!(account.credential_report.rows.len(), 6);
        assert!(account.credential_report.root().is_some());
        // Every document parses.
        for role in &account.iam.roles {
            role.trust_policy.as_ref().unwrap().parse().unwrap();
            for p in &role.inline_policies {
                p.document.parse().unwrap();
            }
        }
        for p in &account.iam.policies {
            for v in &p.versions {
                v.document.as_ref().unwrap().parse().unwrap();
            }
        }
        for r in &account.resources.resources {
            if let Some(p) = &r.policy {
                p.parse().unwrap();
            }
        }
        // AWS managed policies come with their catalog documents.
        assert!(!account.iam.aws_managed_policies.is_empty());
        assert!(
            account
                .iam
                .aws_managed_policies
                .iter()
                .all(|p| p.document.is_some())
        );
    }
    for policy in &organization.policies {
        policy.document.parse().unwrap();
    }
}

#[test]
fn account_ids_never_repeat() {
    let org = SyntheticOrg::new(OrgSpec {
        accounts: 3000,
        roles_per_account: 0,
        ..OrgSpec::default()
    });
    let ids: BTreeSet<_> = org.account_ids().collect();
    assert_eq!(ids.len(), 3000);
}

#[test]
fn written_files_import_to_the_generated_snapshots() {
    let org = SyntheticOrg::new(OrgSpec {
        seed: 7,
        accounts: 6,
        roles_per_account: 25,
        ..OrgSpec::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let files = org.write_to(dir.path(), GaadShapes::Alternate).unwrap();
    assert_eq!(files.len(), 1 + 6 * 4);
    let imported = import_path(dir.path(), &options()).unwrap();
    let raw = imported
        .iter()
        .filter(|f| f.format == Format::Gaad)
        .filter(|f| {
            std::fs::read_to_string(&f.path)
                .unwrap()
                .contains("%7B%22Version")
        })
        .count();
    assert_eq!(raw, 3, "every other GAAD is in the raw shape");
    let mut expected: Vec<String> = all_snapshots(&org)
        .iter()
        .map(|s| format!("{} {} {}", s.scope, s.source, s.content_hash))
        .collect();
    let mut got: Vec<String> = imported
        .iter()
        .flat_map(|f| &f.snapshots)
        .map(|s| format!("{} {} {}", s.scope, s.source, s.content_hash))
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn a_huge_account_streams_role_by_role() {
    let org = SyntheticOrg::new(OrgSpec {
        accounts: 5,
        roles_per_account: 60,
        ..OrgSpec::default()
    });
    let bytes = org.write_gaad(4, Vec::new(), GaadShape::Raw).unwrap();
    let imported = import_bytes("big.json".as_ref(), &bytes, &options()).unwrap();
    let Payload::Iam(streamed) = &imported.snapshots[0].payload else {
        panic!()
    };
    let generated = org.account(4).iam;
    assert_eq!(streamed.roles, generated.roles);
    assert_eq!(streamed.users, generated.users);
    assert_eq!(streamed.policies, generated.policies);
}

#[test]
fn the_join_sees_the_organizations_guardrails() {
    let org = small();
    let inventory = Inventory::from_snapshots(all_snapshots(&org));
    let organization = org.organization();
    // A production account (under Workloads/Prod): the region SCP and the users SCP apply.
    let prod = organization
        .accounts
        .iter()
        .find(|a| a.name.starts_with("prod-"))
        .unwrap();
    let account = inventory.account(&prod.id).unwrap().iam.as_ref().unwrap();
    let deploy = account
        .roles
        .iter()
        .find(|r| r.name.starts_with("deploy-"))
        .unwrap();
    let joined = inventory.policy_set(deploy.arn.as_str(), None).unwrap();
    assert_eq!(joined.issues, []);
    let tree = joined.set.scps.as_ref().unwrap();
    assert_eq!(tree.levels.len(), 4, "root, Workloads, Prod, account");
    let names: Vec<&str> = tree
        .levels
        .iter()
        .flat_map(|l| l.policies.iter().map(|p| p.name.as_str()))
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("eu-regions-only")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("no-iam-users-in-prod")),
        "{names:?}"
    );
    // The deploy role trusts the tooling account's CI role: the chain's second link.
    let trust = deploy.trust_policy.as_ref().unwrap().as_str();
    let tooling = &organization
        .accounts
        .iter()
        .find(|a| a.name == "tooling")
        .unwrap()
        .id;
    assert!(
        trust.contains(&format!("arn:aws:iam::{tooling}:role/ci-deployer")),
        "{trust}"
    );

    let compiled = CompiledPolicySet::compile(&joined.set);
    let ask = |action: &str, region: &str| {
        let request = Request::new(
            joined.principal.clone(),
            action,
            RequestResource::new(format!("arn:aws:s3:::{}-data/x", prod.id)),
        )
        .with_context("aws:RequestedRegion", region);
        compiled.evaluate_with_gate(&RequestContext::new(request).unwrap())
    };
    // PowerUserAccess within the boundary, in the EU.
    assert_eq!(ask("s3:GetObject", "eu-west-1"), (Decision::Allowed, None));
    assert_eq!(
        ask("s3:GetObject", "ap-southeast-2"),
        (Decision::ExplicitlyDenied, Some(Gate::Scp))
    );
}
