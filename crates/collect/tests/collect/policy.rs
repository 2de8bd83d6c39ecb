//! `docs/collector-policy.json` allows every call the collector makes and no write, proved
//! with our own engine and the catalog's access levels.

use iamwatch_catalog::{AccessLevel, Catalog};
use iamwatch_collect::actions::CALLED_APIS;
use iamwatch_policy::context::{Request, RequestContext, RequestPrincipal, RequestResource};
use iamwatch_policy::eval::{
    CompiledPolicySet, NamedPolicy, PolicySet, ResourcePolicy, ResourcePolicyKind,
};
use iamwatch_policy::explain::Decision;
use iamwatch_policy::parse::parse_policy;

const MEMBER_ROLE: &str = "arn:aws:iam::444455556666:role/OrganizationAccountAccessRole";

/// The member role's trust policy: it trusts the management account, whose identity policy
/// must then allow the call too (cross-account).
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#;

fn compiled() -> CompiledPolicySet {
    compiled_with(false)
}

/// With the member role's trust policy, for `sts:AssumeRole` on the role.
fn compiled_with(trust: bool) -> CompiledPolicySet {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/collector-policy.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut set = PolicySet::default();
    set.identity.push(NamedPolicy::new(
        "collector-policy",
        parse_policy(&text).unwrap(),
    ));
    set.resource = trust.then(|| ResourcePolicy {
        kind: ResourcePolicyKind::RoleTrust,
        policy: NamedPolicy::new("member trust", parse_policy(TRUST).unwrap()),
    });
    CompiledPolicySet::compile(&set)
}

fn decide(policy: &CompiledPolicySet, action: &str, resource: &str) -> Decision {
    let principal = RequestPrincipal::parse("arn:aws:iam::111122223333:role/iamwatch").unwrap();
    let request = Request::new(principal, action, RequestResource::new(resource));
    policy.evaluate(&RequestContext::new(request).unwrap())
}

#[test]
fn the_collector_policy_allows_every_call_the_collector_makes() {
    let policy = compiled();
    let with_trust = compiled_with(true);
    let catalog = Catalog::get();
    for (api, action) in CALLED_APIS {
        let resource = if action == "sts:AssumeRole" {
            MEMBER_ROLE
        } else {
            "*"
        };
        let policy = if action == "sts:AssumeRole" {
            &with_trust
        } else {
            &policy
        };
        assert_eq!(
            decide(policy, action, resource),
            Decision::Allowed,
            "{api} needs {action}"
        );
        assert!(
            catalog.action(action).is_some(),
            "{action} is not in the catalog"
        );
    }
}

#[test]
fn the_collector_policy_allows_no_write() {
    let policy = compiled();
    let with_trust = compiled_with(true);
    let mut writes = 0;
    for action in Catalog::get().actions() {
        let level = action.access_level();
        if matches!(level, AccessLevel::List | AccessLevel::Read) {
            continue;
        }
        writes += 1;
        for resource in ["*", MEMBER_ROLE] {
            let set = if resource == MEMBER_ROLE {
                &with_trust
            } else {
                &policy
            };
            let decision = decide(set, action.full_name(), resource);
            // AssumeRole is `Write` in the reference (it issues credentials); the policy limits
            // it to the member accounts' collection role.
            let allowed_exception =
                action.full_name() == "sts:AssumeRole" && resource == MEMBER_ROLE;
            assert_eq!(
                decision == Decision::Allowed,
                allowed_exception,
                "{} ({}) on {resource}",
                action.full_name(),
                level.as_str()
            );
        }
    }
    assert!(
        writes > 5000,
        "the catalog has thousands of write actions, saw {writes}"
    );
}
