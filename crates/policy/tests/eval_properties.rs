//! Properties of the evaluation engine on random policies and requests: it never panics, the
//! fast path and the explanation agree, and an explicit deny is reported with a gate.
#![expect(
    clippy::unwrap_used,
    reason = "test generators: a failure is a bug in the test"
)]

use iamwatch_policy::context::{
    ContextValue, PrincipalIdentity, Request, RequestContext, RequestPrincipal, RequestResource,
};
use iamwatch_policy::eval::{
    CompiledPolicySet, NamedPolicy, OrgLevel, OrgPolicyTree, PolicySet, ResourcePolicy,
    ResourcePolicyKind,
};
use iamwatch_policy::explain::Decision;
use iamwatch_policy::operator::{BaseOperator, ConditionOperator, SetQualifier};
use iamwatch_policy::parse::parse_policy;
use proptest::prelude::*;
use serde_json::{Value, json};

const ACTIONS: &[&str] = &[
    "*",
    "s3:*",
    "s3:GetObject",
    "s3:Get*",
    "S3:getobject",
    "s3:?etObject",
    "sqs:SendMessage",
    "iam:*AccessKey*",
    "sts:AssumeRole",
    "kms:Decrypt",
    "ec2:Describe*",
    "bogus",
    "s3:",
    "*:*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::*",
    "arn:aws:s3:::bucket/${aws:username}/*",
    "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'x'}/*",
    "arn:aws:s3:::b/${*}${?}${$}",
    "arn:aws:sqs:*",
    "arn:aws:sqs:us-*:111122223333:q*",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:kms:*:*:key/*",
    "arn:*",
    "arn:aws:s*:::x",
    "arn:aws",
    "not-an-arn",
    "${",
    "",
];
const PRINCIPALS: &[&str] = &[
    "*",
    "111122223333",
    "444455556666",
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:sts::111122223333:assumed-role/app/s1",
    "arn:aws:sts::111122223333:federated-user/fed",
    "arn:aws:iam::444455556666:user/*",
    "AIDAEXAMPLE",
    "",
];
const KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:PrincipalArn",
    "aws:PrincipalTag/team",
    "aws:TagKeys",
    "aws:SecureTransport",
    "s3:max-keys",
    "aws:PrincipalOrgPaths",
    "aws:username",
    "x:bin",
];
const VALUES: &[&str] = &[
    "",
    "*",
    "alice",
    "203.0.113.0/24",
    "2001:db8::/32",
    "10.0.0.1",
    "2020-01-01T00:00:00Z",
    "1577836800",
    "2020",
    "true",
    "false",
    "10",
    "-1.5",
    "1e400",
    "QmluYXJ5",
    "arn:aws:iam::111122223333:user/*",
    "arn:aws:s3:::bucket",
    "${aws:username}",
    "${aws:PrincipalTag/team, 'blue'}",
    "o-1/r-1/*",
    "not/a/thing:at:all",
];
const REQUEST_PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:sts::111122223333:assumed-role/app/s1",
    "arn:aws:sts::111122223333:federated-user/fed",
    "arn:aws:iam::444455556666:user/bob",
    "111122223333",
    "anonymous",
    "cloudtrail.amazonaws.com",
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:ListAllMyBuckets",
    "sqs:SendMessage",
    "iam:CreateAccessKey",
    "sts:AssumeRole",
    "kms:Decrypt",
    "kms:RetireGrant",
    "ec2:DescribeInstances",
    "unknownservice:DoThing",
];
const REQUEST_RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket/alice/x",
    "arn:aws:s3:::bucket",
    "arn:aws:sqs:us-east-1:111122223333:q1",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:kms:us-east-1:444455556666:key/k",
    "arn:aws:s3:::b/*?$",
    "weird",
];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(list)
}

fn one_or_many(list: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        pick(list).prop_map(|v| json!(v)),
        prop::collection::vec(pick(list), 1..4).prop_map(|v| json!(v)),
    ]
}

fn operator() -> impl Strategy<Value = String> {
    (0..BaseOperator::ALL.len(), 0..3usize, any::<bool>()).prop_map(
        |(base, qualifier, if_exists)| {
            let qualifier = match qualifier {
                0 => None,
                1 => Some(SetQualifier::ForAllValues),
                _ => Some(SetQualifier::ForAnyValue),
            };
            let base = BaseOperator::ALL.get(base).copied().unwrap();
            let (qualifier, if_exists) = if base == BaseOperator::Null {
                (None, false)
            } else {
                (qualifier, if_exists)
            };
            ConditionOperator {
                qualifier,
                base,
                if_exists,
            }
            .to_string()
        },
    )
}

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop::option::of(
        prop::collection::vec((operator(), pick(KEYS), one_or_many(VALUES)), 1..4).prop_map(
            |entries| {
                let mut block = serde_json::Map::new();
                for (operator, key, values) in entries {
                    let inner = block
                        .entry(operator)
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                        .unwrap();
                    inner.insert(key.to_owned(), values);
                }
                Value::Object(block)
            },
        ),
    )
}

fn principal_element() -> impl Strategy<Value = Option<(bool, Value)>> {
    prop::option::of((
        any::<bool>(),
        prop_oneof![
            Just(json!("*")),
            one_or_many(PRINCIPALS).prop_map(|v| json!({"AWS": v})),
            Just(json!({"Service": "cloudtrail.amazonaws.com"})),
            Just(json!({"Federated": "cognito-identity.amazonaws.com"})),
            Just(json!({"CanonicalUser": "abc"})),
        ],
    ))
}

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        one_or_many(ACTIONS),
        prop::option::of((any::<bool>(), one_or_many(RESOURCES))),
        principal_element(),
        condition(),
    )
        .prop_map(
            |(allow, not_action, actions, resource, principal, condition)| {
                let mut statement = serde_json::Map::new();
                statement.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
                statement.insert(
                    if not_action { "NotAction" } else { "Action" }.into(),
                    if actions.as_array().is_some_and(Vec::is_empty) {
                        json!("*")
                    } else {
                        actions
                    },
                );
                if let Some((negated, resources)) = resource {
                    statement.insert(
                        if negated { "NotResource" } else { "Resource" }.into(),
                        resources,
                    );
                }
                if let Some((negated, value)) = principal {
                    statement.insert(
                        if negated { "NotPrincipal" } else { "Principal" }.into(),
                        value,
                    );
                }
                if let Some(condition) = condition {
                    statement.insert("Condition".into(), condition);
                }
                Value::Object(statement)
            },
        )
}

fn policy() -> impl Strategy<Value = Option<NamedPolicy>> {
    (
        prop::sample::select(&["2012-10-17", "2008-10-17", ""][..]),
        prop::collection::vec(statement(), 1..4),
    )
        .prop_map(|(version, statements)| {
            let document = if version.is_empty() {
                json!({"Statement": statements})
            } else {
                json!({"Version": version, "Statement": statements})
            };
            parse_policy(&document.to_string())
                .ok()
                .map(|policy| NamedPolicy::new("random", policy))
        })
}

fn policies(max: usize) -> impl Strategy<Value = Vec<NamedPolicy>> {
    prop::collection::vec(policy(), 0..max).prop_map(|list| list.into_iter().flatten().collect())
}

fn tree() -> impl Strategy<Value = Option<OrgPolicyTree>> {
    prop::option::of(prop::collection::vec(policies(3), 1..4).prop_map(|levels| {
        OrgPolicyTree {
            levels: levels
                .into_iter()
                .enumerate()
                .map(|(index, policies)| OrgLevel {
                    target: format!("level{index}"),
                    policies,
                })
                .collect(),
        }
    }))
}

fn policy_set() -> impl Strategy<Value = PolicySet> {
    (
        policies(4),
        prop::option::of(policy()),
        policies(3),
        prop::option::of((0..3usize, policy())),
        tree(),
        tree(),
        prop::option::of(policy()),
    )
        .prop_map(
            |(identity, boundary, session, resource, scps, rcps, vpce)| PolicySet {
                identity,
                permissions_boundary: boundary.flatten(),
                session,
                resource: resource.and_then(|(kind, policy)| {
                    policy.map(|policy| ResourcePolicy {
                        kind: match kind {
                            0 => ResourcePolicyKind::Generic,
                            1 => ResourcePolicyKind::RoleTrust,
                            _ => ResourcePolicyKind::KmsKey,
                        },
                        policy,
                    })
                }),
                scps,
                rcps,
                vpc_endpoint: vpce.flatten(),
            },
        )
}

fn request() -> impl Strategy<Value = Request> {
    (
        pick(REQUEST_PRINCIPALS),
        pick(REQUEST_ACTIONS),
        pick(REQUEST_RESOURCES),
        prop::collection::vec(
            (
                pick(KEYS),
                prop_oneof![
                    pick(VALUES).prop_map(|v| ContextValue::Single(v.to_owned())),
                    prop::collection::vec(pick(VALUES), 0..3).prop_map(|v| ContextValue::Multi(
                        v.into_iter().map(str::to_owned).collect()
                    )),
                ],
            ),
            0..5,
        ),
        any::<[bool; 4]>(),
    )
        .prop_map(|(principal, action, resource, context, flags)| {
            let mut principal = RequestPrincipal::parse(principal).unwrap();
            principal.in_management_account = flags[0];
            principal.service_linked_role = flags[1].then_some(true);
            principal.tags = vec![("team".into(), "alice".into())];
            principal.org_paths = vec!["o-1/r-1/".into()];
            if let PrincipalIdentity::AssumedRole { role_arn, .. } = &mut principal.identity {
                *role_arn = Some("arn:aws:iam::111122223333:role/app".into());
            }
            let mut resource = RequestResource::new(resource);
            resource.in_management_account = flags[2];
            resource.aws_managed_kms_key = flags[3];
            let mut request = Request::new(principal, action, resource);
            for (key, value) in context {
                request.context.insert(key.to_owned(), value);
            }
            request
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_never_panics_and_both_paths_agree(set in policy_set(), request in request()) {
        let compiled = CompiledPolicySet::compile(&set);
        let ctx = RequestContext::new(request).unwrap();
        let (decision, gate) = compiled.evaluate_with_gate(&ctx);
        let explained = compiled.evaluate_explained(&ctx);
        prop_assert_eq!(decision, compiled.evaluate(&ctx));
        prop_assert_eq!(decision, explained.decision);
        prop_assert_eq!(gate, explained.blocking_gate);
        prop_assert_eq!(decision == Decision::Allowed, gate.is_none());
        prop_assert_eq!(explained.gates.len(), 7);
        if decision == Decision::ExplicitlyDenied {
            prop_assert!(explained
                .statements
                .iter()
                .any(|statement| statement.effect == iamwatch_policy::document::Effect::Deny));
        }
    }
}
