//! An account's roles: the fixed ones every account has, and the numbered ones whose kind
//! follows a repeating pattern (deployment, service, SSO, OIDC, third-party, partner,
//! application, data and break-glass roles).

use serde_json::{Value, json};

use crate::document::PolicyDocument;
use crate::iam::{
    AttachedPolicy, InlinePolicy, InstanceProfile, PermissionsBoundary, Role, RoleLastUsed,
};
use crate::ids::Tag;
use crate::synthetic::OrgSpec;
use crate::synthetic::account::{Frame, arn, days_ago, id, policy, statement};
use crate::synthetic::org::{AccountKind, AccountPlan};
use crate::synthetic::rng::Rng;

/// Roles every account has before the numbered ones.
fn fixed_roles(plan: &AccountPlan) -> Vec<&'static str> {
    let mut roles = vec![
        "AWSServiceRoleForSupport",
        "AWSServiceRoleForTrustedAdvisor",
    ];
    if plan.kind != AccountKind::Management {
        roles.push("OrganizationAccountAccessRole");
    }
    if plan.kind == AccountKind::Tooling {
        roles.push("ci-deployer");
    }
    roles
}

pub(crate) fn role_count(spec: &OrgSpec, plan: &AccountPlan) -> usize {
    fixed_roles(plan).len() + spec.roles_per_account
}

fn trust(principal: Value, action: &str, condition: Option<Value>) -> PolicyDocument {
    let mut statement = json!({"Effect": "Allow", "Principal": principal, "Action": action});
    if let (Some(condition), Some(object)) = (condition, statement.as_object_mut()) {
        object.insert("Condition".into(), condition);
    }
    policy(vec![statement])
}

/// The role at `index` (`0..role_count`) of an account.
pub(crate) fn role(spec: &OrgSpec, plan: &AccountPlan, frame: &Frame, index: usize) -> Role {
    let mut rng = Rng::new(spec.seed, &[0x0E, plan.index as u64, index as u64]);
    let account = &frame.account;
    let region = spec.region.as_str();
    let fixed = fixed_roles(plan);
    let mut path = "/".to_owned();
    let mut attached = Vec::new();
    let mut inline = Vec::new();
    let mut boundary = None;
    let mut profiles = Vec::new();
    let mut description = None;
    let mut tags = vec![Tag::new("owner", "platform")];
    let github =
        format!("arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com");
    let name: String;
    let trust_policy: PolicyDocument;
    if let Some(fixed_name) = fixed.get(index) {
        name = (*fixed_name).to_owned();
        match *fixed_name {
            "AWSServiceRoleForSupport" => {
                path = "/aws-service-role/support.amazonaws.com/".to_owned();
                trust_policy = trust(
                    json!({"Service": "support.amazonaws.com"}),
                    "sts:AssumeRole",
                    None,
                );
                attached = frame.managed("AWSSupportServiceRolePolicy");
                tags.clear();
            }
            "AWSServiceRoleForTrustedAdvisor" => {
                path = "/aws-service-role/trustedadvisor.amazonaws.com/".to_owned();
                trust_policy = trust(
                    json!({"Service": "trustedadvisor.amazonaws.com"}),
                    "sts:AssumeRole",
                    None,
                );
                attached = frame.managed("AWSTrustedAdvisorServiceRolePolicy");
                tags.clear();
            }
            "OrganizationAccountAccessRole" => {
                trust_policy = trust(
                    json!({"AWS": format!("arn:aws:iam::{}:root", frame.management)}),
                    "sts:AssumeRole",
                    None,
                );
                attached = frame.managed("AdministratorAccess");
                tags.clear();
            }
            _ => {
                // The head of the deployment trust chain: GitHub Actions → ci-deployer → deploy-* in every account.
                trust_policy = trust(
                    json!({"Federated": github}),
                    "sts:AssumeRoleWithWebIdentity",
                    Some(
                        json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:example-org/infrastructure:ref:refs/heads/main"}}),
                    ),
                );
                inline.push(InlinePolicy {
                    name: "assume-deployers".to_owned(),
                    document: policy(vec![statement(
                        "Allow",
                        json!("sts:AssumeRole"),
                        json!("arn:aws:iam::*:role/deploy/*"),
                    )]),
                });
            }
        }
    } else {
        let n = index - fixed.len();
        let slot = n % 20;
        let kind = match slot {
            0 => "deploy",
            1..=4 => "lambda",
            5..=7 => "ec2",
            8 | 9 => "ecs",
            10 | 11 => "sso",
            12 => "github",
            13 => "vendor",
            14 => "partner",
            15..=17 => "app",
            18 => "data",
            _ => "breakglass",
        };
        name = format!("{kind}-{n:05}");
        match kind {
            "deploy" => {
                path = "/deploy/".to_owned();
                trust_policy = trust(
                    json!({"AWS": format!("arn:aws:iam::{}:role/ci-deployer", frame.tooling)}),
                    "sts:AssumeRole",
                    Some(json!({"StringEquals": {"aws:PrincipalOrgID": plan.org_id.as_str()}})),
                );
                attached = frame.managed("PowerUserAccess");
                boundary = Some(frame.boundary.clone());
            }
            "lambda" => {
                path = "/service-role/".to_owned();
                trust_policy = trust(
                    json!({"Service": "lambda.amazonaws.com"}),
                    "sts:AssumeRole",
                    None,
                );
                attached = frame.managed(if slot == 4 {
                    "AWSLambdaVPCAccessExecutionRole"
                } else {
                    "AWSLambdaBasicExecutionRole"
                });
                let table = format!("arn:aws:dynamodb:{region}:{account}:table/orders-{}", n % 7);
                inline.push(InlinePolicy {
                    name: "table-access".to_owned(),
                    document: policy(vec![json!({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                        "Resource": [table.clone(), format!("{table}/index/*")],
                        "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["id", "status", "total"]}}})]),
                });
            }
            "ec2" => {
                trust_policy = trust(
                    json!({"Service": "ec2.amazonaws.com"}),
                    "sts:AssumeRole",
                    None,
                );
                attached = frame.managed("AmazonSSMManagedInstanceCore");
                attached.extend(frame.managed("CloudWatchAgentServerPolicy"));
                let profile_arn = arn(format!("arn:aws:iam::{account}:instance-profile/{name}"));
                profiles.push(InstanceProfile {
                    path: "/".to_owned(),
                    name: name.clone(),
                    id: id(&mut rng, "AIPA"),
                    arn: profile_arn,
                    create_date: Some(days_ago(spec, &mut rng, 100, 1200)),
                    roles: vec![arn(format!("arn:aws:iam::{account}:role/{name}"))],
                    tags: Vec::new(),
                });
            }
            "ecs" => {
                trust_policy = trust(
                    json!({"Service": "ecs-tasks.amazonaws.com"}),
                    "sts:AssumeRole",
                    Some(
                        json!({"ArnLike": {"aws:SourceArn": format!("arn:aws:ecs:{region}:{account}:*")},
                                "StringEquals": {"aws:SourceAccount": account.as_str()}}),
                    ),
                );
                attached = frame.managed("AmazonECSTaskExecutionRolePolicy");
                inline.push(InlinePolicy {
                    name: "bucket-prefix".to_owned(),
                    document: policy(vec![json!({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{account}-data"),
                        "Condition": {"StringLike": {"s3:prefix": [format!("tasks/{name}/*")]}}})]),
                });
            }
            "sso" => {
                path = "/aws-reserved/sso.amazonaws.com/".to_owned();
                trust_policy = trust(
                    json!({"Federated": format!("arn:aws:iam::{account}:saml-provider/ExampleIdP")}),
                    "sts:AssumeRoleWithSAML",
                    Some(
                        json!({"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}),
                    ),
                );
                attached = frame.managed(match rng.below(4) {
                    0 => "ReadOnlyAccess",
                    1 => "ViewOnlyAccess",
                    2 => "SecurityAudit",
                    _ => "PowerUserAccess",
                });
            }
            "github" => {
                // One in ten trusts every repository of the provider: no `sub` condition.
                let condition = if rng.chance(10) {
                    json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})
                } else {
                    json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                           "StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:example-org/service-{}:*", n % 13)}})
                };
                trust_policy = trust(
                    json!({"Federated": github}),
                    "sts:AssumeRoleWithWebIdentity",
                    Some(condition),
                );
                attached = frame.managed("AmazonS3ReadOnlyAccess");
            }
            "vendor" => {
                trust_policy = trust(
                    json!({"AWS": "arn:aws:iam::210987654321:root"}),
                    "sts:AssumeRole",
                    Some(
                        json!({"StringEquals": {"sts:ExternalId": format!("vendor-{}", rng.text(b"0123456789abcdef", 12))}}),
                    ),
                );
                attached = frame.managed("SecurityAudit");
                description = Some("third-party monitoring".to_owned());
            }
            "partner" => {
                // Trusts a whole account of the organization, without conditions.
                let other = frame.others.first().unwrap_or(&frame.management);
                trust_policy = trust(
                    json!({"AWS": format!("arn:aws:iam::{other}:root")}),
                    "sts:AssumeRole",
                    None,
                );
                attached = frame.managed("AmazonDynamoDBReadOnlyAccess");
            }
            "app" => {
                trust_policy = trust(
                    json!({"Service": "lambda.amazonaws.com"}),
                    "sts:AssumeRole",
                    None,
                );
                if let Some(policy_arn) = rng.pick(&frame.customer_arns) {
                    attached.push(AttachedPolicy {
                        name: policy_arn.resource_name().to_owned(),
                        arn: policy_arn.clone(),
                    });
                }
                if rng.chance(30) {
                    boundary = Some(frame.boundary.clone());
                }
                let team = match n % 3 {
                    0 => "orders",
                    1 => "payments",
                    _ => "search",
                };
                tags.push(Tag::new("team", team));
            }
            "data" => {
                trust_policy = trust(
                    json!({"Service": "glue.amazonaws.com"}),
                    "sts:AssumeRole",
                    None,
                );
                attached = frame.managed("AmazonS3ReadOnlyAccess");
                inline.push(InlinePolicy {
                    name: "queue".to_owned(),
                    document: policy(vec![json!({"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
                        "Resource": format!("arn:aws:sqs:{region}:{account}:jobs"),
                        "Condition": {"Bool": {"aws:SecureTransport": "true"}}})]),
                });
            }
            _ => {
                trust_policy = trust(
                    json!({"AWS": format!("arn:aws:iam::{}:root", frame.management)}),
                    "sts:AssumeRole",
                    Some(
                        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
                    ),
                );
                attached = frame.managed("AdministratorAccess");
                description = Some("break-glass administrator".to_owned());
            }
        }
    }
    let last_used = match rng.below(10) {
        0..=2 => RoleLastUsed {
            last_used_date: None,
            region: None,
        },
        3..=6 => RoleLastUsed {
            last_used_date: Some(days_ago(spec, &mut rng, 0, 30)),
            region: Some(region.to_owned()),
        },
        _ => RoleLastUsed {
            last_used_date: Some(days_ago(spec, &mut rng, 90, 400)),
            region: Some("us-east-1".to_owned()),
        },
    };
    Role {
        arn: arn(format!("arn:aws:iam::{account}:role{path}{name}")),
        id: id(&mut rng, "AROA"),
        create_date: Some(days_ago(spec, &mut rng, 400, 2000)),
        description,
        max_session_duration: Some(if rng.chance(20) { 43_200 } else { 3_600 }),
        trust_policy: Some(trust_policy),
        tags,
        inline_policies: inline,
        attached_policies: attached,
        permissions_boundary: boundary.map(|arn| PermissionsBoundary { arn }),
        last_used: Some(last_used),
        instance_profiles: profiles,
        path,
        name,
    }
}
