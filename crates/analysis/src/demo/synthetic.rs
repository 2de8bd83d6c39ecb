//! A synthetic organization of any size, for benchmarks and load tests: deterministic, with the
//! mix of policies, trusts, usage and credentials a real organization has.

use jiff::SignedDuration;
use serde_json::json;

use iamwatch_model::{
    AccessKeyColumns, AccountAuthorization, AccountPasswordPolicy, AccountStatus, AttachedPolicy,
    AwsManagedPolicyRef, CertificateColumns, CredentialReport, CredentialReportRow, Group,
    InlinePolicy, ManagedPolicy, OrgAccount, OrgId, OrgNodeId, OrgPolicy, OrgPolicyId,
    OrgPolicyType, OrgRoot, Organization, OrganizationalUnit, OuId, PasswordPolicy, PolicyVersion,
    ReportUser, ReportValue, Role, RoleLastUsed, RootId, RootPolicyType, Timestamp, User,
};

use super::{Built, NOW, account_id, arn, doc, ts, unique_id};
use crate::input::{AccountInventory, AuditInput, Selection};

const ORG: &str = "o-synth00001";
const ROOT: &str = "r-syn1";
const OUS: usize = 10;
const EXTERNAL: &str = "444455556666";

/// A deterministic generator (PCG-style LCG).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn days_ago(now: Timestamp, days: u64) -> Timestamp {
    let seconds = i64::try_from(days.saturating_mul(86_400)).unwrap_or(i64::MAX);
    now.checked_sub(SignedDuration::from_secs(seconds))
        .unwrap_or(now)
}

fn account_number(index: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + index as u64)
}

/// An organization of `accounts` accounts with `roles_per_account` roles each (and a user per
/// 25 roles, at least two), every part of the inventory filled in.
pub fn synthetic(accounts: usize, roles_per_account: usize) -> Built<AuditInput> {
    let now = ts(NOW)?;
    let management = account_number(0);
    let organization = organization(accounts, &management)?;
    let mut inventories = Vec::with_capacity(accounts);
    for index in 0..accounts {
        let id = account_number(index);
        let mut dice = Dice(index as u64 + 1);
        let (iam, users) = account_iam(&id, &management, roles_per_account, now, &mut dice)?;
        let mut inventory = AccountInventory::new(account_id(&id)?);
        inventory.credential_report = Some(credential_report(&id, &users, now, &mut dice)?);
        inventory.password_policy = Some(AccountPasswordPolicy {
            account_id: account_id(&id)?,
            policy: Some(PasswordPolicy {
                minimum_password_length: Some(if index % 3 == 0 { 8 } else { 14 }),
                require_symbols: index % 3 != 0,
                require_numbers: true,
                require_uppercase_characters: true,
                require_lowercase_characters: true,
                allow_users_to_change_password: true,
                expire_passwords: false,
                max_password_age: None,
                password_reuse_prevention: Some(24),
                hard_expiry: None,
            }),
        });
        inventory.iam = Some(iam);
        inventories.push(inventory);
    }
    Ok(AuditInput {
        organization: Some(organization),
        accounts: inventories,
        selection: Selection::all(),
    })
}

fn organization(accounts: usize, management: &str) -> Built<Organization> {
    let root = OrgNodeId::Root(RootId::parse(ROOT)?);
    let ou_id = |i: usize| format!("ou-syn1-{i:08}");
    let mut ous = Vec::new();
    for i in 0..OUS {
        ous.push(OrganizationalUnit {
            id: OuId::parse(&ou_id(i))?,
            arn: None,
            name: format!("ou-{i}"),
            parent_id: root.clone(),
        });
    }
    let mut members = Vec::new();
    let mut everywhere = vec![root.clone()];
    for ou in &ous {
        everywhere.push(OrgNodeId::Ou(ou.id.clone()));
    }
    for index in 0..accounts {
        let id = account_id(&account_number(index))?;
        let parent = if index == 0 {
            root.clone()
        } else {
            OrgNodeId::Ou(OuId::parse(&ou_id(index % OUS))?)
        };
        everywhere.push(OrgNodeId::Account(id.clone()));
        members.push(OrgAccount {
            id,
            arn: None,
            name: format!("account-{index}"),
            email: Some(format!("aws-{index}@example.com")),
            status: AccountStatus::Active,
            joined_method: Some("CREATED".to_owned()),
            joined_timestamp: None,
            parent_id: parent,
            parent_path: Vec::new(),
        });
    }
    let policy = |id: &str,
                  kind,
                  document: serde_json::Value,
                  targets: Vec<OrgNodeId>|
     -> Built<OrgPolicy> {
        Ok(OrgPolicy {
            id: OrgPolicyId::parse(id)?,
            arn: None,
            name: id.trim_start_matches("p-").to_owned(),
            description: None,
            kind,
            aws_managed: id.contains("FullAWSAccess"),
            document: doc(&document.to_string())?,
            targets,
        })
    };
    let region_targets = (0..OUS / 2)
        .map(|i| Ok(OrgNodeId::Ou(OuId::parse(&ou_id(i))?)))
        .collect::<Built<Vec<_>>>()?;
    let policies = vec![
        policy(
            "p-FullAWSAccess",
            OrgPolicyType::ServiceControlPolicy,
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
            everywhere.clone(),
        )?,
        policy(
            "p-RCPFullAWSAccess",
            OrgPolicyType::ResourceControlPolicy,
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}),
            everywhere,
        )?,
        policy(
            "p-guardrails",
            OrgPolicyType::ServiceControlPolicy,
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
                "Action": ["organizations:LeaveOrganization", "cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
                "Resource": "*"}]}),
            vec![root.clone()],
        )?,
        policy(
            "p-regions",
            OrgPolicyType::ServiceControlPolicy,
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
                "NotAction": ["iam:*", "sts:*", "organizations:*", "support:*"], "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}]}),
            region_targets,
        )?,
    ];
    let mut organization = Organization {
        id: OrgId::parse(ORG)?,
        arn: None,
        feature_set: Some("ALL".to_owned()),
        management_account_id: account_id(management)?,
        management_account_email: None,
        roots: vec![OrgRoot {
            id: RootId::parse(ROOT)?,
            arn: None,
            name: "Root".to_owned(),
            policy_types: vec![
                RootPolicyType {
                    kind: "SERVICE_CONTROL_POLICY".to_owned(),
                    status: "ENABLED".to_owned(),
                },
                RootPolicyType {
                    kind: "RESOURCE_CONTROL_POLICY".to_owned(),
                    status: "ENABLED".to_owned(),
                },
            ],
        }],
        organizational_units: ous,
        accounts: members,
        policies,
        delegated_administrators: Vec::new(),
    };
    organization.resolve_paths();
    Ok(organization)
}

/// The customer managed policies every synthetic account has: (name, document).
fn customer_policies(id: &str) -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "app-read",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [format!("arn:aws:s3:::data-{id}"), format!("arn:aws:s3:::data-{id}/*")]}]}),
        ),
        (
            "app-write",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem", "sqs:SendMessage"], "Resource": "*"}]}),
        ),
        (
            "ops",
            json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}),
        ),
        (
            "legacy-admin",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        ),
    ]
}

fn trust(kind: u64, id: &str, management: &str) -> serde_json::Value {
    let statement = match kind {
        0 => {
            json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
        }
        1 => {
            json!({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
        }
        2 => {
            json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{management}:root")}, "Action": "sts:AssumeRole"})
        }
        3 => {
            json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{EXTERNAL}:root")}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "synthetic"}}})
        }
        4 => json!({"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{id}:oidc-provider/token.actions.githubusercontent.com")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                          "StringLike": {"token.actions.githubusercontent.com:sub": "repo:example-org/*"}}}),
        5 => {
            json!({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"})
        }
        _ => {
            json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{id}:root")}, "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})
        }
    };
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

fn attached(arn_text: &str) -> Built<AttachedPolicy> {
    let arn = arn(arn_text)?;
    Ok(AttachedPolicy {
        name: arn.resource_name().to_owned(),
        arn,
    })
}

/// The IAM of one account, and its users' names with whether they have a console password.
fn account_iam(
    id: &str,
    management: &str,
    roles: usize,
    now: Timestamp,
    dice: &mut Dice,
) -> Built<(AccountAuthorization, Vec<(String, bool)>)> {
    let mut iam = AccountAuthorization::empty(account_id(id)?);
    for (name, document) in customer_policies(id) {
        let created = days_ago(now, 400 + dice.below(1000));
        iam.policies.push(ManagedPolicy {
            name: name.to_owned(),
            id: unique_id("ANPA", id, name)?,
            arn: arn(&format!("arn:aws:iam::{id}:policy/{name}"))?,
            path: "/".to_owned(),
            default_version_id: "v1".to_owned(),
            attachment_count: None,
            permissions_boundary_usage_count: None,
            is_attachable: true,
            description: None,
            create_date: Some(created),
            update_date: Some(created),
            versions: vec![PolicyVersion {
                version_id: "v1".to_owned(),
                is_default_version: true,
                create_date: Some(created),
                document: Some(doc(&document.to_string())?),
            }],
            tags: Vec::new(),
        });
    }
    for name in ["admins", "developers", "auditors"] {
        iam.groups.push(Group {
            path: "/".to_owned(),
            name: name.to_owned(),
            id: unique_id("AGPA", id, name)?,
            arn: arn(&format!("arn:aws:iam::{id}:group/{name}"))?,
            create_date: Some(days_ago(now, 1500)),
            inline_policies: Vec::new(),
            attached_policies: vec![attached(match name {
                "admins" => "arn:aws:iam::aws:policy/AdministratorAccess",
                "developers" => "arn:aws:iam::aws:policy/ReadOnlyAccess",
                _ => "arn:aws:iam::aws:policy/SecurityAudit",
            })?],
        });
    }
    let user_count = (roles / 25).max(2);
    let mut users = Vec::with_capacity(user_count);
    for u in 0..user_count {
        let name = format!("user-{u:04}");
        let console = u % 3 != 2;
        let group = match u % 10 {
            0 => "admins",
            1..=6 => "developers",
            _ => "auditors",
        };
        iam.users.push(User {
            path: "/".to_owned(),
            name: name.clone(),
            id: unique_id("AIDA", id, &name)?,
            arn: arn(&format!("arn:aws:iam::{id}:user/{name}"))?,
            create_date: Some(days_ago(now, 100 + dice.below(1500))),
            tags: Vec::new(),
            groups: vec![group.to_owned()],
            inline_policies: Vec::new(),
            attached_policies: if u % 7 == 3 {
                vec![attached(&format!("arn:aws:iam::{id}:policy/app-read"))?]
            } else {
                Vec::new()
            },
            permissions_boundary: None,
        });
        users.push((name, console));
    }
    for r in 0..roles {
        let name = format!("role-{r:05}");
        let role_arn = arn(&format!("arn:aws:iam::{id}:role/{name}"))?;
        let mut attached_policies = Vec::new();
        match r % 20 {
            0 => attached_policies.push(attached("arn:aws:iam::aws:policy/AdministratorAccess")?),
            1 | 6 | 11 | 16 => {
                attached_policies.push(attached("arn:aws:iam::aws:policy/ReadOnlyAccess")?);
            }
            2 | 7 | 12 | 17 => {
                attached_policies.push(attached(&format!("arn:aws:iam::{id}:policy/app-read"))?);
            }
            3 | 8 | 13 => attached_policies.push(attached(
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            )?),
            4 | 9 => attached_policies.push(attached(&format!("arn:aws:iam::{id}:policy/ops"))?),
            14 => attached_policies.push(attached(&format!("arn:aws:iam::{id}:policy/app-write"))?),
            _ => {}
        }
        let mut inline_policies = Vec::new();
        if r % 3 == 0 {
            let mut statements = vec![json!({"Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": format!("arn:aws:s3:::bucket-{id}-{}/*", r % 10)})];
            if r % 9 == 0 {
                statements
                    .push(json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}));
            }
            inline_policies.push(InlinePolicy {
                name: "app".to_owned(),
                document: doc(
                    &json!({"Version": "2012-10-17", "Statement": statements}).to_string()
                )?,
            });
        }
        let created_days = 10 + dice.below(1500);
        let last_used = match dice.below(10) {
            0 | 1 => RoleLastUsed {
                last_used_date: None,
                region: None,
            },
            _ => RoleLastUsed {
                last_used_date: Some(days_ago(now, dice.below(created_days.min(400)))),
                region: Some("us-east-1".to_owned()),
            },
        };
        iam.roles.push(Role {
            path: "/".to_owned(),
            name: name.clone(),
            id: unique_id("AROA", id, &name)?,
            arn: role_arn,
            create_date: Some(days_ago(now, created_days)),
            description: None,
            max_session_duration: Some(3600),
            trust_policy: Some(doc(&trust(r as u64 % 7, id, management).to_string())?),
            tags: Vec::new(),
            inline_policies,
            attached_policies,
            permissions_boundary: None,
            last_used: Some(last_used),
            instance_profiles: Vec::new(),
        });
    }
    for policy in [
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::aws:policy/SecurityAudit",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    ] {
        iam.aws_managed_policies.push(AwsManagedPolicyRef {
            arn: arn(policy)?,
            default_version_id: None,
            document: None,
        });
    }
    Ok((iam, users))
}

fn credential_report(
    id: &str,
    users: &[(String, bool)],
    now: Timestamp,
    dice: &mut Dice,
) -> Built<CredentialReport> {
    let no_key = || AccessKeyColumns {
        active: ReportValue::Value(false),
        last_rotated: ReportValue::NotApplicable,
        last_used_date: ReportValue::NotApplicable,
        last_used_region: ReportValue::NotApplicable,
        last_used_service: ReportValue::NotApplicable,
    };
    let no_cert = || CertificateColumns {
        active: ReportValue::Value(false),
        last_rotated: ReportValue::NotApplicable,
    };
    let mut rows = vec![CredentialReportRow {
        user: ReportUser::Root,
        arn: arn(&format!("arn:aws:iam::{id}:root"))?,
        user_creation_time: ReportValue::Value(days_ago(now, 2000)),
        password_enabled: ReportValue::NotSupported,
        password_last_used: ReportValue::NoInformation,
        password_last_changed: ReportValue::NotSupported,
        password_next_rotation: ReportValue::NotSupported,
        mfa_active: ReportValue::Value(dice.below(10) != 0),
        access_key_1: no_key(),
        access_key_2: no_key(),
        cert_1: no_cert(),
        cert_2: no_cert(),
    }];
    for (name, console) in users {
        let key = |dice: &mut Dice| AccessKeyColumns {
            active: ReportValue::Value(true),
            last_rotated: ReportValue::Value(days_ago(now, dice.below(400))),
            last_used_date: ReportValue::Value(days_ago(now, dice.below(120))),
            last_used_region: ReportValue::Value("us-east-1".to_owned()),
            last_used_service: ReportValue::Value("s3".to_owned()),
        };
        let (access_key_1, access_key_2) = if *console {
            (no_key(), no_key())
        } else if dice.below(4) == 0 {
            (key(dice), key(dice))
        } else {
            (key(dice), no_key())
        };
        rows.push(CredentialReportRow {
            user: ReportUser::User(name.clone()),
            arn: arn(&format!("arn:aws:iam::{id}:user/{name}"))?,
            user_creation_time: ReportValue::Value(days_ago(now, 1600)),
            password_enabled: ReportValue::Value(*console),
            password_last_used: if *console {
                ReportValue::Value(days_ago(now, dice.below(200)))
            } else {
                ReportValue::NotApplicable
            },
            password_last_changed: if *console {
                ReportValue::Value(days_ago(now, 300))
            } else {
                ReportValue::NotApplicable
            },
            password_next_rotation: ReportValue::NotApplicable,
            mfa_active: ReportValue::Value(*console && dice.below(5) != 0),
            access_key_1,
            access_key_2,
            cert_1: no_cert(),
            cert_2: no_cert(),
        });
    }
    Ok(CredentialReport {
        account_id: account_id(id)?,
        generated_time: Some(now),
        rows,
    })
}
