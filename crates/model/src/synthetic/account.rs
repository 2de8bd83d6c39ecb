//! One account's content: users, groups, roles, policies, credential report, settings and
//! resources.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::account::{
    AccountPasswordPolicy, AccountSummary, IdentityProviders, OidcProvider, PasswordPolicy,
    SamlProvider,
};
use crate::credential_report::{
    AccessKeyColumns, CertificateColumns, CredentialReport, CredentialReportRow, ReportUser,
    ReportValue,
};
use crate::document::PolicyDocument;
use crate::iam::{
    AccountAuthorization, AttachedPolicy, AwsManagedPolicyRef, Group, InlinePolicy,
    InstanceProfile, ManagedPolicy, PermissionsBoundary, PolicyVersion, Role, RoleLastUsed, User,
};
use crate::ids::{AccountId, Arn, Tag, Timestamp, UniqueId};
use crate::resource::{Resource, ResourcePolicies, ResourceType};
use crate::synthetic::org::{AccountKind, AccountPlan, doc};
use crate::synthetic::rng::Rng;
use crate::synthetic::{OrgSpec, SyntheticAccount};

/// AWS managed policies the generator attaches, by name (paths come from the catalog).
const MANAGED: [&str; 16] = [
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
    "SecurityAudit",
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AmazonSSMManagedInstanceCore",
    "CloudWatchAgentServerPolicy",
    "AmazonECSTaskExecutionRolePolicy",
    "AmazonS3ReadOnlyAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonSQSFullAccess",
    "AWSSupportServiceRolePolicy",
    "AWSTrustedAdvisorServiceRolePolicy",
    "AmazonS3FullAccess",
];

/// A catalog policy the generator can attach.
#[derive(Clone, Debug)]
pub(crate) struct PoolEntry {
    arn: Arn,
    reference: AwsManagedPolicyRef,
}

/// The AWS managed policies from the catalog, looked up once per organization.
#[derive(Debug)]
pub(crate) struct ManagedPool {
    entries: BTreeMap<&'static str, PoolEntry>,
}

impl ManagedPool {
    pub(crate) fn new(with_documents: bool) -> Self {
        let catalog = iamwatch_catalog::ManagedPolicies::get();
        let entries = MANAGED
            .iter()
            .filter_map(|name| {
                let policy = catalog.by_name(name)?;
                let arn = Arn::parse(policy.arn()).ok()?;
                let document = if with_documents {
                    PolicyDocument::from_text(policy.default_document()).ok()
                } else {
                    None
                };
                let reference = AwsManagedPolicyRef {
                    arn: arn.clone(),
                    default_version_id: document
                        .as_ref()
                        .map(|_| policy.default_version_id().to_owned()),
                    document,
                };
                Some((*name, PoolEntry { arn, reference }))
            })
            .collect();
        Self { entries }
    }

    fn attach(&self, name: &str) -> Option<AttachedPolicy> {
        self.entries.get(name).map(|e| AttachedPolicy {
            name: e.arn.resource_name().to_owned(),
            arn: e.arn.clone(),
        })
    }
}

/// What an account's roles refer to, generated before the roles.
#[derive(Debug)]
pub(crate) struct Frame {
    pub(crate) users: Vec<User>,
    pub(crate) groups: Vec<Group>,
    pub(crate) policies: Vec<ManagedPolicy>,
    /// Every pool policy (with documents when the spec asks for them).
    pub(crate) aws_managed: Vec<AwsManagedPolicyRef>,
    account: AccountId,
    management: AccountId,
    tooling: AccountId,
    others: Vec<AccountId>,
    customer_arns: Vec<Arn>,
    boundary: Arn,
    attachments: Vec<(&'static str, Option<AttachedPolicy>)>,
}

impl Frame {
    fn managed(&self, name: &str) -> Vec<AttachedPolicy> {
        self.attachments
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, a)| a.clone())
            .into_iter()
            .collect()
    }
}

fn arn(text: String) -> Arn {
    Arn::trusted(text)
}

fn id(rng: &mut Rng, prefix: &str) -> UniqueId {
    UniqueId::trusted(rng.unique_id(prefix))
}

/// A time `days_min..days_max` days before the spec's time.
fn days_ago(spec: &OrgSpec, rng: &mut Rng, days_min: u64, days_max: u64) -> Timestamp {
    let days = days_min + rng.below(days_max.saturating_sub(days_min).max(1));
    let seconds = i64::try_from(days * 86_400 + rng.below(86_400)).unwrap_or(0);
    Timestamp::from_second(spec.taken_at.as_second() - seconds).unwrap_or(spec.taken_at)
}

fn statement(effect: &str, actions: Value, resources: Value) -> Value {
    json!({"Effect": effect, "Action": actions, "Resource": resources})
}

fn policy(statements: Vec<Value>) -> PolicyDocument {
    doc(json!({"Version": "2012-10-17", "Statement": statements}))
}

pub(crate) fn frame(
    spec: &OrgSpec,
    plans: &[AccountPlan],
    plan: &AccountPlan,
    pool: &ManagedPool,
) -> Frame {
    let account = plan.id.clone();
    let management = plans
        .first()
        .map_or_else(|| account.clone(), |p| p.id.clone());
    let tooling = plans
        .get(3)
        .map_or_else(|| management.clone(), |p| p.id.clone());
    let mut rng = Rng::new(spec.seed, &[0xF0, plan.index as u64]);
    let others: Vec<AccountId> = (0..3)
        .filter_map(|_| plans.get(usize::try_from(rng.below(plans.len() as u64)).unwrap_or(0)))
        .map(|p| p.id.clone())
        .collect();
    let attachments: Vec<(&'static str, Option<AttachedPolicy>)> = MANAGED
        .iter()
        .map(|name| (*name, pool.attach(name)))
        .collect();
    let region = &spec.region;

    // Customer managed policies with versions and conditions, and a boundary.
    let mut policies = Vec::new();
    let mut customer_arns = Vec::new();
    for n in 0..spec.customer_policies_per_account {
        let mut prng = Rng::new(spec.seed, &[0xC0, plan.index as u64, n as u64]);
        let name = format!("app-{n:03}");
        let policy_arn = arn(format!("arn:aws:iam::{account}:policy/app/{name}"));
        let table = format!("arn:aws:dynamodb:{region}:{account}:table/{name}");
        let versions = 1 + prng.below(4);
        let created = days_ago(spec, &mut prng, 400, 1500);
        let document = |v: u64| {
            let mut statements = vec![statement(
                "Allow",
                json!(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"]),
                json!(table),
            )];
            if v >= 2 {
                statements.push(json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": format!("arn:aws:s3:::{account}-data/{name}/*"),
                    "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}));
            }
            if v >= 3 {
                statements.push(json!({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{account}-data"),
                    "Condition": {"StringLike": {"s3:prefix": [format!("{name}/*")]}}}));
            }
            if v >= 4 {
                statements.push(json!({"Effect": "Deny", "Action": "*", "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:RequestedRegion": region}}}));
            }
            policy(statements)
        };
        policies.push(ManagedPolicy {
            name: name.clone(),
            id: id(&mut prng, "ANPA"),
            arn: policy_arn.clone(),
            path: "/app/".to_owned(),
            default_version_id: format!("v{versions}"),
            attachment_count: Some(1 + u32::try_from(prng.below(20)).unwrap_or(0)),
            permissions_boundary_usage_count: Some(0),
            is_attachable: true,
            description: Some(format!("access for application {name}")),
            create_date: Some(created),
            update_date: Some(days_ago(spec, &mut prng, 1, 300)),
            versions: (1..=versions)
                .map(|v| PolicyVersion {
                    version_id: format!("v{v}"),
                    is_default_version: v == versions,
                    create_date: Some(created),
                    document: Some(document(v)),
                })
                .collect(),
            tags: vec![Tag::new("owner", "platform")],
        });
        customer_arns.push(policy_arn);
    }
    let boundary = arn(format!("arn:aws:iam::{account}:policy/developer-boundary"));
    policies.push(ManagedPolicy {
        name: "developer-boundary".to_owned(),
        id: id(&mut rng, "ANPA"),
        arn: boundary.clone(),
        path: "/".to_owned(),
        default_version_id: "v1".to_owned(),
        attachment_count: Some(0),
        permissions_boundary_usage_count: Some(3),
        is_attachable: true,
        description: None,
        create_date: Some(days_ago(spec, &mut rng, 500, 900)),
        update_date: None,
        versions: vec![PolicyVersion {
            version_id: "v1".to_owned(),
            is_default_version: true,
            create_date: None,
            document: Some(policy(vec![
                statement("Allow", json!(["s3:*", "dynamodb:*", "sqs:*", "logs:*", "cloudwatch:*", "lambda:*"]), json!("*")),
                json!({"Effect": "Deny", "Action": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}),
            ])),
        }],
        tags: Vec::new(),
    });

    let group = |name: &str,
                 rng: &mut Rng,
                 attached: Vec<AttachedPolicy>,
                 inline: Vec<InlinePolicy>| Group {
        path: "/".to_owned(),
        name: name.to_owned(),
        id: id(rng, "AGPA"),
        arn: arn(format!("arn:aws:iam::{account}:group/{name}")),
        create_date: Some(days_ago(spec, rng, 700, 2000)),
        inline_policies: inline,
        attached_policies: attached,
    };
    let find = |name: &str| {
        attachments
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, a)| a.clone())
    };
    let mut developers_attached: Vec<AttachedPolicy> =
        find("PowerUserAccess").into_iter().collect();
    if let Some(first) = customer_arns.first() {
        developers_attached.push(AttachedPolicy {
            name: first.resource_name().to_owned(),
            arn: first.clone(),
        });
    }
    let groups = vec![
        group(
            "admins",
            &mut rng,
            find("AdministratorAccess").into_iter().collect(),
            Vec::new(),
        ),
        group(
            "developers",
            &mut rng,
            developers_attached,
            vec![InlinePolicy {
                name: "no-iam-writes".to_owned(),
                document: policy(vec![
                    json!({"Effect": "Deny", "Action": ["iam:Create*", "iam:Put*", "iam:Attach*"], "Resource": "*"}),
                ]),
            }],
        ),
        group(
            "readonly",
            &mut rng,
            find("ReadOnlyAccess").into_iter().collect(),
            Vec::new(),
        ),
    ];

    let users = (0..spec.users_per_account)
        .map(|n| {
            let mut urng = Rng::new(spec.seed, &[0x05, plan.index as u64, n as u64]);
            let name = format!("user-{n:03}");
            let groups: Vec<String> = match urng.below(10) {
                0 => vec!["admins".to_owned()],
                1..=5 => vec!["developers".to_owned()],
                6..=8 => vec!["readonly".to_owned()],
                _ => Vec::new(),
            };
            let inline_policies = if urng.chance(20) {
                vec![InlinePolicy {
                    name: "home-prefix".to_owned(),
                    document: policy(vec![statement(
                        "Allow",
                        json!(["s3:GetObject", "s3:PutObject"]),
                        json!(format!(
                            "arn:aws:s3:::{account}-data/home/${{aws:username}}/*"
                        )),
                    )]),
                }]
            } else {
                Vec::new()
            };
            User {
                path: "/".to_owned(),
                id: id(&mut urng, "AIDA"),
                arn: arn(format!("arn:aws:iam::{account}:user/{name}")),
                create_date: Some(days_ago(spec, &mut urng, 30, 2500)),
                tags: vec![Tag::new(
                    "team",
                    if n % 2 == 0 { "platform" } else { "data" },
                )],
                permissions_boundary: (groups.first().map(String::as_str) == Some("developers"))
                    .then(|| PermissionsBoundary {
                        arn: boundary.clone(),
                    }),
                attached_policies: if urng.chance(10) {
                    find("AmazonS3FullAccess").into_iter().collect()
                } else {
                    Vec::new()
                },
                name,
                groups,
                inline_policies,
            }
        })
        .collect();

    Frame {
        users,
        groups,
        policies,
        aws_managed: pool.entries.values().map(|e| e.reference.clone()).collect(),
        account,
        management,
        tooling,
        others,
        customer_arns,
        boundary,
        attachments,
    }
}

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

pub(crate) fn generate(
    spec: &OrgSpec,
    plans: &[AccountPlan],
    plan: &AccountPlan,
    pool: &ManagedPool,
) -> SyntheticAccount {
    let frame = frame(spec, plans, plan, pool);
    let roles: Vec<Role> = (0..role_count(spec, plan))
        .map(|r| role(spec, plan, &frame, r))
        .collect();
    let mut iam = AccountAuthorization {
        account_id: plan.id.clone(),
        users: frame.users.clone(),
        groups: frame.groups.clone(),
        roles,
        policies: frame.policies.clone(),
        aws_managed_policies: Vec::new(),
    };
    // The AWS managed policies actually referenced, as an import of the GAAD would list them.
    crate::import::add_referenced_aws_managed(&mut iam);
    for reference in &mut iam.aws_managed_policies {
        if let Some(entry) = frame.aws_managed.iter().find(|e| e.arn == reference.arn) {
            reference.clone_from(entry);
        }
    }
    iam.normalize();
    let mut rng = Rng::new(spec.seed, &[0xAC, plan.index as u64]);
    let account = plan.id.clone();
    let credential_report = credential_report(spec, &iam, &mut rng);
    let root_mfa = credential_report
        .root()
        .and_then(|r| r.mfa_active.value().copied())
        .unwrap_or(false);
    let password_policy = AccountPasswordPolicy {
        account_id: account.clone(),
        policy: match rng.below(10) {
            0 | 1 => None,
            2..=4 => Some(PasswordPolicy {
                minimum_password_length: Some(8),
                allow_users_to_change_password: true,
                ..PasswordPolicy::default()
            }),
            _ => Some(PasswordPolicy {
                minimum_password_length: Some(14),
                require_symbols: true,
                require_numbers: true,
                require_uppercase_characters: true,
                require_lowercase_characters: true,
                allow_users_to_change_password: true,
                expire_passwords: true,
                max_password_age: Some(90),
                password_reuse_prevention: Some(24),
                hard_expiry: Some(false),
            }),
        },
    };
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let summary = AccountSummary {
        account_id: account.clone(),
        values: BTreeMap::from([
            (
                "AccountAccessKeysPresent".to_owned(),
                u64::from(rng.chance(5)),
            ),
            ("AccountMFAEnabled".to_owned(), u64::from(root_mfa)),
            ("Groups".to_owned(), count(iam.groups.len())),
            ("GroupsQuota".to_owned(), 300),
            ("Policies".to_owned(), count(iam.policies.len())),
            ("PoliciesQuota".to_owned(), 1500),
            ("Roles".to_owned(), count(iam.roles.len())),
            ("RolesQuota".to_owned(), 1000),
            ("Users".to_owned(), count(iam.users.len())),
            ("UsersQuota".to_owned(), 5000),
        ]),
    };
    let identity_providers = IdentityProviders {
        account_id: account.clone(),
        oidc: vec![OidcProvider {
            arn: arn(format!(
                "arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
            )),
            url: Some("token.actions.githubusercontent.com".to_owned()),
            client_ids: vec!["sts.amazonaws.com".to_owned()],
            thumbprints: vec!["6938fd4d98bab03faadb97b34396831e3780aea1".to_owned()],
            create_date: Some(days_ago(spec, &mut rng, 300, 900)),
            tags: Vec::new(),
        }],
        saml: vec![SamlProvider {
            arn: arn(format!("arn:aws:iam::{account}:saml-provider/ExampleIdP")),
            create_date: Some(days_ago(spec, &mut rng, 300, 900)),
            valid_until: Timestamp::from_second(spec.taken_at.as_second() + 86_400 * 3650).ok(),
            metadata_document: None,
            tags: Vec::new(),
        }],
    };
    let resources = resources(spec, plan, &frame, &mut rng);
    SyntheticAccount {
        iam,
        credential_report,
        password_policy,
        summary,
        identity_providers,
        resources,
    }
}

fn credential_report(
    spec: &OrgSpec,
    iam: &AccountAuthorization,
    rng: &mut Rng,
) -> CredentialReport {
    let date =
        |rng: &mut Rng, min: u64, max: u64| ReportValue::Value(days_ago(spec, rng, min, max));
    let no_key = || AccessKeyColumns {
        active: ReportValue::Value(false),
        last_rotated: ReportValue::NotApplicable,
        last_used_date: ReportValue::NotApplicable,
        last_used_region: ReportValue::NotApplicable,
        last_used_service: ReportValue::NotApplicable,
    };
    let key = |rng: &mut Rng| {
        let used = rng.chance(80);
        AccessKeyColumns {
            active: ReportValue::Value(true),
            last_rotated: date(rng, 1, 800),
            last_used_date: if used {
                date(rng, 0, 120)
            } else {
                ReportValue::NoInformation
            },
            last_used_region: if used {
                ReportValue::Value(spec.region.clone())
            } else {
                ReportValue::NotApplicable
            },
            last_used_service: if used {
                ReportValue::Value("s3".to_owned())
            } else {
                ReportValue::NotApplicable
            },
        }
    };
    let no_cert = || CertificateColumns {
        active: ReportValue::Value(false),
        last_rotated: ReportValue::NotApplicable,
    };
    let account = &iam.account_id;
    let mut rows = vec![CredentialReportRow {
        user: ReportUser::Root,
        arn: arn(format!("arn:aws:iam::{account}:root")),
        user_creation_time: date(rng, 1000, 3000),
        password_enabled: ReportValue::NotSupported,
        password_last_used: if rng.chance(70) {
            date(rng, 10, 900)
        } else {
            ReportValue::NoInformation
        },
        password_last_changed: ReportValue::NotSupported,
        password_next_rotation: ReportValue::NotSupported,
        mfa_active: ReportValue::Value(rng.chance(90)),
        access_key_1: no_key(),
        access_key_2: no_key(),
        cert_1: no_cert(),
        cert_2: no_cert(),
    }];
    for user in &iam.users {
        let password = rng.chance(70);
        rows.push(CredentialReportRow {
            user: ReportUser::User(user.name.clone()),
            arn: user.arn.clone(),
            user_creation_time: user
                .create_date
                .map_or(ReportValue::NotApplicable, ReportValue::Value),
            password_enabled: ReportValue::Value(password),
            password_last_used: if !password {
                ReportValue::NotApplicable
            } else if rng.chance(80) {
                date(rng, 0, 200)
            } else {
                ReportValue::NoInformation
            },
            password_last_changed: if password {
                date(rng, 10, 600)
            } else {
                ReportValue::NotApplicable
            },
            password_next_rotation: if password && rng.chance(50) {
                date(rng, 0, 90)
            } else {
                ReportValue::NotApplicable
            },
            mfa_active: ReportValue::Value(password && rng.chance(60)),
            access_key_1: if rng.chance(60) { key(rng) } else { no_key() },
            access_key_2: if rng.chance(10) { key(rng) } else { no_key() },
            cert_1: no_cert(),
            cert_2: no_cert(),
        });
    }
    let mut report = CredentialReport {
        account_id: account.clone(),
        generated_time: None,
        rows,
    };
    report.normalize();
    report
}

fn resources(spec: &OrgSpec, plan: &AccountPlan, frame: &Frame, rng: &mut Rng) -> ResourcePolicies {
    let account = &frame.account;
    let region = spec.region.as_str();
    let org = plan.org_id.as_str();
    let bucket = |name: String, document: Option<PolicyDocument>| Resource {
        arn: arn(format!("arn:aws:s3:::{name}")),
        resource_type: ResourceType::S3Bucket,
        account_id: account.clone(),
        region: Some(region.to_owned()),
        name,
        policy: document,
        tags: Vec::new(),
    };
    let data = format!("{account}-data");
    let logs = format!("{account}-logs");
    let mut resources = vec![
        bucket(
            data.clone(),
            Some(policy(vec![
                json!({"Sid": "OrgRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"],
                       "Resource": [format!("arn:aws:s3:::{data}"), format!("arn:aws:s3:::{data}/*")],
                       "Condition": {"StringEquals": {"aws:PrincipalOrgID": org}}}),
                json!({"Sid": "ToolingWrite", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:role/ci-deployer", frame.tooling)},
                       "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{data}/artifacts/*")}),
            ])),
        ),
        bucket(
            logs.clone(),
            Some(policy(vec![
                json!({"Sid": "Logging", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{logs}/*"),
                "Condition": {"StringEquals": {"aws:SourceAccount": account.as_str()}}}),
            ])),
        ),
        bucket(format!("{account}-scratch"), None),
    ];
    if plan.kind == AccountKind::Sandbox {
        let public = format!("{account}-public");
        resources.push(bucket(
            public.clone(),
            Some(policy(vec![json!({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::{public}/*")})])),
        ));
    }
    let key_id = format!(
        "{}-{}-{}-{}-{}",
        rng.text(b"0123456789abcdef", 8),
        rng.text(b"0123456789abcdef", 4),
        rng.text(b"0123456789abcdef", 4),
        rng.text(b"0123456789abcdef", 4),
        rng.text(b"0123456789abcdef", 12)
    );
    let key_arn = arn(format!("arn:aws:kms:{region}:{account}:key/{key_id}"));
    resources.push(Resource {
        resource_type: ResourceType::KmsKey,
        account_id: account.clone(),
        region: Some(region.to_owned()),
        name: key_id,
        policy: Some(policy(vec![
            json!({"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                   "Action": "kms:*", "Resource": "*"}),
            json!({"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:role/deploy/deploy-00000")},
                   "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
                   "Condition": {"StringEquals": {"kms:ViaService": format!("s3.{region}.amazonaws.com")}}}),
        ])),
        tags: Vec::new(),
        arn: key_arn,
    });
    let queue = arn(format!("arn:aws:sqs:{region}:{account}:jobs"));
    resources.push(Resource {
        resource_type: ResourceType::SqsQueue,
        account_id: account.clone(),
        region: Some(region.to_owned()),
        name: "jobs".to_owned(),
        policy: Some(policy(vec![json!({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": queue.as_str(), "Condition": {"ArnEquals": {"aws:SourceArn": format!("arn:aws:sns:{region}:{account}:events")}}})])),
        tags: Vec::new(),
        arn: queue,
    });
    let mut resources = ResourcePolicies {
        account_id: account.clone(),
        region: Some(region.to_owned()),
        resources,
    };
    resources.normalize();
    resources
}
