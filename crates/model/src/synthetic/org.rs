//! The organization tree, its accounts and its SCPs and RCPs.

use serde_json::json;

use crate::document::PolicyDocument;
use crate::ids::{AccountId, Arn, OrgId, OrgNodeId, OrgPolicyId, OuId, RootId, Timestamp};
use crate::org::{
    AccountStatus, DelegatedAdministrator, OrgAccount, OrgPolicy, OrgPolicyType, OrgRoot,
    Organization, OrganizationalUnit, RootPolicyType,
};
use crate::synthetic::OrgSpec;
use crate::synthetic::rng::Rng;

/// What an account is for; decides its OU and some of its roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccountKind {
    Management,
    Security,
    LogArchive,
    Tooling,
    Network,
    Prod,
    Staging,
    Dev,
    Sandbox,
    Suspended,
}

impl AccountKind {
    fn name(self) -> &'static str {
        match self {
            AccountKind::Management => "management",
            AccountKind::Security => "security",
            AccountKind::LogArchive => "log-archive",
            AccountKind::Tooling => "tooling",
            AccountKind::Network => "network",
            AccountKind::Prod => "prod",
            AccountKind::Staging => "staging",
            AccountKind::Dev => "dev",
            AccountKind::Sandbox => "sandbox",
            AccountKind::Suspended => "closed",
        }
    }
}

/// An account as the generator plans it before generating its content.
#[derive(Clone, Debug)]
pub(crate) struct AccountPlan {
    pub(crate) index: usize,
    pub(crate) id: AccountId,
    pub(crate) kind: AccountKind,
    pub(crate) org_id: OrgId,
}

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The account ID of the account at `index`: a bijection of `0..9e11` onto 12-digit IDs, so
/// that IDs never repeat.
fn account_id(seed: u64, index: usize) -> AccountId {
    const SPACE: u64 = 900_000_000_000;
    // 7,919,113 is prime to 9e11 (= 2^11 · 3^2 · 5^11), so `i ↦ a·i + b` is a permutation.
    let offset = super::rng::mix(seed) % SPACE;
    let value = (offset + (index as u64 % SPACE) * 7_919_113) % SPACE + 100_000_000_000;
    // INVARIANT: 100,000,000,000 ≤ value < 1,000,000,000,000: twelve digits.
    AccountId::trusted(value.to_string())
}

fn kind_of(index: usize, rng: &mut Rng) -> AccountKind {
    match index {
        0 => AccountKind::Management,
        1 => AccountKind::Security,
        2 => AccountKind::LogArchive,
        3 => AccountKind::Tooling,
        4 => AccountKind::Network,
        _ => match rng.below(100) {
            0..40 => AccountKind::Prod,
            40..60 => AccountKind::Staging,
            60..85 => AccountKind::Dev,
            85..96 => AccountKind::Sandbox,
            _ => AccountKind::Suspended,
        },
    }
}

pub(crate) fn doc(value: serde_json::Value) -> PolicyDocument {
    PolicyDocument::from_object(&value)
}

// INVARIANT: every ID and ARN below is built from a fixed prefix and parts of the right
// shape (digits, lowercase alphanumerics), so `trusted` holds.
fn arn(text: String) -> Option<Arn> {
    Some(Arn::trusted(text))
}

pub(crate) fn build(spec: &OrgSpec) -> (Organization, Vec<AccountPlan>) {
    let mut rng = Rng::new(spec.seed, &[0x06]);
    let org_id = OrgId::trusted(format!("o-{}", rng.text(ALNUM, 10)));
    let root_suffix = rng.text(ALNUM, 4);
    let root_id = RootId::trusted(format!("r-{root_suffix}"));
    let management = account_id(spec.seed, 0);
    let org_arn = |kind: &str, id: &str| {
        arn(format!(
            "arn:aws:organizations::{management}:{kind}/{org_id}/{id}"
        ))
    };

    let ou = |name: &'static str, parent: OrgNodeId, rng: &mut Rng| {
        let id = OuId::trusted(format!("ou-{root_suffix}-{}", rng.text(ALNUM, 8)));
        OrganizationalUnit {
            arn: org_arn("ou", id.as_str()),
            id,
            name: name.to_owned(),
            parent_id: parent,
        }
    };
    let root = OrgNodeId::Root(root_id.clone());
    let security = ou("Security", root.clone(), &mut rng);
    let infrastructure = ou("Infrastructure", root.clone(), &mut rng);
    let workloads = ou("Workloads", root.clone(), &mut rng);
    let sandbox = ou("Sandbox", root.clone(), &mut rng);
    let suspended = ou("Suspended", root.clone(), &mut rng);
    let workloads_node = OrgNodeId::Ou(workloads.id.clone());
    let prod = ou("Prod", workloads_node.clone(), &mut rng);
    let staging = ou("Staging", workloads_node.clone(), &mut rng);
    let dev = ou("Dev", workloads_node, &mut rng);
    let node = |ou: &OrganizationalUnit| OrgNodeId::Ou(ou.id.clone());

    let mut plans = Vec::with_capacity(spec.accounts);
    let mut accounts = Vec::with_capacity(spec.accounts);
    for index in 0..spec.accounts {
        let mut account_rng = Rng::new(spec.seed, &[0x0A, index as u64]);
        let kind = kind_of(index, &mut account_rng);
        let id = account_id(spec.seed, index);
        let parent = match kind {
            AccountKind::Management => root.clone(),
            AccountKind::Security | AccountKind::LogArchive => node(&security),
            AccountKind::Tooling | AccountKind::Network => node(&infrastructure),
            AccountKind::Prod => node(&prod),
            AccountKind::Staging => node(&staging),
            AccountKind::Dev => node(&dev),
            AccountKind::Sandbox => node(&sandbox),
            AccountKind::Suspended => node(&suspended),
        };
        let joined = spec.taken_at.as_second()
            - 86_400 * (60 + i64::try_from(account_rng.below(2_500)).unwrap_or(0));
        let name = if index < 5 {
            kind.name().to_owned()
        } else {
            format!("{}-{index:04}", kind.name())
        };
        accounts.push(OrgAccount {
            arn: org_arn("account", id.as_str()),
            email: Some(format!("aws+{name}@example.com")),
            name,
            status: if kind == AccountKind::Suspended {
                AccountStatus::Suspended
            } else {
                AccountStatus::Active
            },
            joined_method: Some(if index == 0 { "INVITED" } else { "CREATED" }.to_owned()),
            joined_timestamp: Timestamp::from_second(joined).ok(),
            parent_id: parent,
            parent_path: Vec::new(),
            id: id.clone(),
        });
        plans.push(AccountPlan {
            index,
            id,
            kind,
            org_id: org_id.clone(),
        });
    }

    let every_node: Vec<OrgNodeId> = std::iter::once(root.clone())
        .chain(
            [
                &security,
                &infrastructure,
                &workloads,
                &sandbox,
                &suspended,
                &prod,
                &staging,
                &dev,
            ]
            .into_iter()
            .map(node),
        )
        .chain(accounts.iter().map(|a| OrgNodeId::Account(a.id.clone())))
        .collect();
    let policy_id = |rng: &mut Rng| OrgPolicyId::trusted(format!("p-{}", rng.text(ALNUM, 8)));
    let scp = |id: OrgPolicyId,
               name: &str,
               aws_managed: bool,
               document,
               targets: Vec<OrgNodeId>| OrgPolicy {
        arn: arn(if aws_managed {
            format!("arn:aws:organizations::aws:policy/service_control_policy/{id}")
        } else {
            format!(
                "arn:aws:organizations::{management}:policy/{org_id}/service_control_policy/{id}"
            )
        }),
        id,
        name: name.to_owned(),
        description: None,
        kind: OrgPolicyType::ServiceControlPolicy,
        aws_managed,
        document,
        targets,
    };
    let rcp = |id: OrgPolicyId,
               name: &str,
               aws_managed: bool,
               document,
               targets: Vec<OrgNodeId>| OrgPolicy {
        arn: arn(if aws_managed {
            format!("arn:aws:organizations::aws:policy/resource_control_policy/{id}")
        } else {
            format!(
                "arn:aws:organizations::{management}:policy/{org_id}/resource_control_policy/{id}"
            )
        }),
        kind: OrgPolicyType::ResourceControlPolicy,
        ..scp(id, name, aws_managed, document, targets)
    };
    let full = |id: &str| OrgPolicyId::trusted(id.to_owned());
    let policies = vec![
        scp(
            full("p-FullAWSAccess"),
            "FullAWSAccess",
            true,
            doc(
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
            ),
            every_node.clone(),
        ),
        scp(
            policy_id(&mut rng),
            "deny-leave-organization",
            false,
            doc(
                json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoLeaving", "Effect": "Deny",
                "Action": "organizations:LeaveOrganization", "Resource": "*"}]}),
            ),
            vec![root.clone()],
        ),
        scp(
            policy_id(&mut rng),
            "deny-root-user",
            false,
            doc(
                json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoRoot", "Effect": "Deny", "Action": "*", "Resource": "*",
                "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]}),
            ),
            vec![root.clone()],
        ),
        scp(
            policy_id(&mut rng),
            "eu-regions-only",
            false,
            doc(
                json!({"Version": "2012-10-17", "Statement": [{"Sid": "DenyOutsideEU", "Effect": "Deny",
                "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*"], "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]}),
            ),
            vec![node(&workloads)],
        ),
        scp(
            policy_id(&mut rng),
            "no-iam-users-in-prod",
            false,
            doc(
                json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoUsers", "Effect": "Deny",
                "Action": ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"], "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}]}),
            ),
            vec![node(&prod)],
        ),
        rcp(
            full("p-RCPFullAWSAccess"),
            "RCPFullAWSAccess",
            true,
            doc(
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}),
            ),
            every_node,
        ),
        rcp(
            policy_id(&mut rng),
            "require-tls",
            false,
            doc(
                json!({"Version": "2012-10-17", "Statement": [{"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*",
                "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:*"], "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}),
            ),
            vec![root.clone()],
        ),
        rcp(
            policy_id(&mut rng),
            "organization-identities-only",
            false,
            doc(
                json!({"Version": "2012-10-17", "Statement": [{"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*",
                "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*"], "Resource": "*",
                "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id.as_str()},
                              "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}),
            ),
            vec![node(&prod)],
        ),
    ];

    let delegated_administrators = plans
        .iter()
        .filter(|p| p.kind == AccountKind::Security)
        .map(|p| DelegatedAdministrator {
            account_id: p.id.clone(),
            name: Some("security".to_owned()),
            email: Some("aws+security@example.com".to_owned()),
            delegation_enabled_date: Timestamp::from_second(
                spec.taken_at.as_second() - 86_400 * 400,
            )
            .ok(),
            service_principals: vec![
                "access-analyzer.amazonaws.com".to_owned(),
                "guardduty.amazonaws.com".to_owned(),
                "securityhub.amazonaws.com".to_owned(),
            ],
        })
        .collect();

    let root_arn = org_arn("root", root_id.as_str());
    let mut organization = Organization {
        arn: arn(format!(
            "arn:aws:organizations::{management}:organization/{org_id}"
        )),
        id: org_id,
        feature_set: Some("ALL".to_owned()),
        management_account_email: Some("aws+management@example.com".to_owned()),
        management_account_id: management,
        roots: vec![OrgRoot {
            arn: root_arn,
            id: root_id,
            name: "Root".to_owned(),
            policy_types: vec![
                RootPolicyType {
                    kind: "RESOURCE_CONTROL_POLICY".to_owned(),
                    status: "ENABLED".to_owned(),
                },
                RootPolicyType {
                    kind: "SERVICE_CONTROL_POLICY".to_owned(),
                    status: "ENABLED".to_owned(),
                },
            ],
        }],
        organizational_units: vec![
            security,
            infrastructure,
            workloads,
            sandbox,
            suspended,
            prod,
            staging,
            dev,
        ],
        accounts,
        policies,
        delegated_administrators,
    };
    organization.resolve_paths();
    organization.normalize();
    (organization, plans)
}
