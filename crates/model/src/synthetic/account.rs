//! One account's content: users, groups, roles, policies, credential report, settings and
//! resources.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::account::{
    AccountPasswordPolicy, AccountSummary, IdentityProviders, OidcProvider, PasswordPolicy,
    SamlProvider,
};
use crate::document::PolicyDocument;
use crate::iam::{
    AccountAuthorization, AttachedPolicy, AwsManagedPolicyRef, Group, InlinePolicy, ManagedPolicy,
    PermissionsBoundary, PolicyVersion, Role, User,
};
use crate::ids::{AccountId, Arn, Tag, Timestamp, UniqueId};
use crate::synthetic::org::{AccountPlan, doc};
use crate::synthetic::rng::Rng;
use crate::synthetic::{OrgSpec, SyntheticAccount};
use crate::synthetic::{extras, roles};

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
    pub(crate) account: AccountId,
    pub(crate) management: AccountId,
    pub(crate) tooling: AccountId,
    pub(crate) others: Vec<AccountId>,
    pub(crate) customer_arns: Vec<Arn>,
    pub(crate) boundary: Arn,
    pub(crate) attachments: Vec<(&'static str, Option<AttachedPolicy>)>,
}

impl Frame {
    pub(crate) fn managed(&self, name: &str) -> Vec<AttachedPolicy> {
        self.attachments
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, a)| a.clone())
            .into_iter()
            .collect()
    }
}

pub(crate) fn arn(text: String) -> Arn {
    Arn::trusted(text)
}

pub(crate) fn id(rng: &mut Rng, prefix: &str) -> UniqueId {
    UniqueId::trusted(rng.unique_id(prefix))
}

/// A time `days_min..days_max` days before the spec's time.
pub(crate) fn days_ago(spec: &OrgSpec, rng: &mut Rng, days_min: u64, days_max: u64) -> Timestamp {
    let days = days_min + rng.below(days_max.saturating_sub(days_min).max(1));
    let seconds = i64::try_from(days * 86_400 + rng.below(86_400)).unwrap_or(0);
    Timestamp::from_second(spec.taken_at.as_second() - seconds).unwrap_or(spec.taken_at)
}

pub(crate) fn statement(effect: &str, actions: Value, resources: Value) -> Value {
    json!({"Effect": effect, "Action": actions, "Resource": resources})
}

pub(crate) fn policy(statements: Vec<Value>) -> PolicyDocument {
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

pub(crate) fn generate(
    spec: &OrgSpec,
    plans: &[AccountPlan],
    plan: &AccountPlan,
    pool: &ManagedPool,
) -> SyntheticAccount {
    let frame = frame(spec, plans, plan, pool);
    let roles: Vec<Role> = (0..roles::role_count(spec, plan))
        .map(|r| roles::role(spec, plan, &frame, r))
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
    let credential_report = extras::credential_report(spec, &iam, &mut rng);
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
    let resources = extras::resources(spec, plan, &frame, &mut rng);
    SyntheticAccount {
        iam,
        credential_report,
        password_policy,
        summary,
        identity_providers,
        resources,
    }
}
