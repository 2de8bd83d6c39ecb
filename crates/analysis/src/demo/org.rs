//! The demo organization: root, OUs, accounts, SCPs and the RCPs.
//!
//! ```text
//! r-a1b2 (Root)                      SCP FullAWSAccess, Guardrails · RCP RCPFullAWSAccess, EnforceOrgIdentities
//! ├── 111111111111 management
//! ├── ou Security
//! │   └── 222222222222 security
//! ├── ou Workloads                   SCP RegionRestriction
//! │   ├── ou Prod
//! │   │   └── 123456789012 prod
//! │   └── ou Dev
//! │       └── 210987654321 dev
//! └── ou Sandbox                     SCP SandboxIamGuardrails
//!     └── 333333333333 sandbox
//! ```

use iamwatch_model::{
    AccountStatus, DelegatedAdministrator, OrgAccount, OrgId, OrgNodeId, OrgPolicy, OrgPolicyId,
    OrgPolicyType, OrgRoot, Organization, OrganizationalUnit, OuId, RootId, RootPolicyType,
};

use super::{ACCOUNTS, Built, DEV, MANAGEMENT, PROD, SANDBOX, SECURITY, account_id, arn, doc, ts};

pub(crate) const ORG_ID: &str = "o-a1b2c3d4e5";
const ROOT: &str = "r-a1b2";
const OU_SECURITY: &str = "ou-a1b2-11111111";
const OU_WORKLOADS: &str = "ou-a1b2-22222222";
const OU_PROD: &str = "ou-a1b2-33333333";
const OU_DEV: &str = "ou-a1b2-44444444";
const OU_SANDBOX: &str = "ou-a1b2-55555555";

const FULL_AWS_ACCESS: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

const RCP_FULL_AWS_ACCESS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

const GUARDRAILS: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"ProtectOrganizationAndAudit","Effect":"Deny",
   "Action":["organizations:LeaveOrganization","cloudtrail:StopLogging","cloudtrail:DeleteTrail","config:DeleteConfigurationRecorder","config:StopConfigurationRecorder"],
   "Resource":"*"}]}"#;

const REGION_RESTRICTION: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"DenyOutsideApprovedRegions","Effect":"Deny",
   "NotAction":["iam:*","organizations:*","sts:*","support:*","cloudfront:*","route53:*","budgets:*","account:*"],
   "Resource":"*",
   "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}"#;

const SANDBOX_IAM: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"NoLongLivedCredentialsOrPolicyChanges","Effect":"Deny",
   "Action":["iam:CreateUser","iam:CreateAccessKey","iam:CreateLoginProfile","iam:PutUserPolicy","iam:AttachUserPolicy","iam:PutRolePolicy","iam:AttachRolePolicy","iam:CreatePolicyVersion"],
   "Resource":"*"}]}"#;

const ENFORCE_ORG_IDENTITIES: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*",
   "Action":["s3:*","sqs:*","kms:*","secretsmanager:*"],"Resource":"*",
   "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},
                "BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#;

fn node_ou(id: &str) -> Built<OrgNodeId> {
    Ok(OrgNodeId::Ou(OuId::parse(id)?))
}

fn node_account(id: &str) -> Built<OrgNodeId> {
    Ok(OrgNodeId::Account(account_id(id)?))
}

fn policy(
    id: &str,
    name: &str,
    description: &str,
    kind: OrgPolicyType,
    aws_managed: bool,
    document: &str,
    targets: Vec<OrgNodeId>,
) -> Built<OrgPolicy> {
    let type_path = match kind {
        OrgPolicyType::ServiceControlPolicy => "service_control_policy",
        OrgPolicyType::ResourceControlPolicy => "resource_control_policy",
    };
    let arn_text = if aws_managed {
        format!("arn:aws:organizations::aws:policy/{type_path}/{id}")
    } else {
        format!("arn:aws:organizations::{MANAGEMENT}:policy/{ORG_ID}/{type_path}/{id}")
    };
    Ok(OrgPolicy {
        id: OrgPolicyId::parse(id)?,
        arn: Some(arn(&arn_text)?),
        name: name.to_owned(),
        description: Some(description.to_owned()),
        kind,
        aws_managed,
        document: doc(document)?,
        targets,
    })
}

pub(crate) fn organization() -> Built<Organization> {
    let root = OrgNodeId::Root(RootId::parse(ROOT)?);
    let ous = [
        (OU_SECURITY, "Security", root.clone()),
        (OU_WORKLOADS, "Workloads", root.clone()),
        (OU_PROD, "Prod", node_ou(OU_WORKLOADS)?),
        (OU_DEV, "Dev", node_ou(OU_WORKLOADS)?),
        (OU_SANDBOX, "Sandbox", root.clone()),
    ];
    let organizational_units = ous
        .iter()
        .map(|(id, name, parent)| {
            Ok(OrganizationalUnit {
                id: OuId::parse(id)?,
                arn: Some(arn(&format!(
                    "arn:aws:organizations::{MANAGEMENT}:ou/{ORG_ID}/{id}"
                ))?),
                name: (*name).to_owned(),
                parent_id: parent.clone(),
            })
        })
        .collect::<Built<Vec<_>>>()?;
    let parents = [
        (MANAGEMENT, root.clone(), "2019-03-01T09:00:00Z", "CREATED"),
        (
            SECURITY,
            node_ou(OU_SECURITY)?,
            "2019-03-04T10:15:00Z",
            "CREATED",
        ),
        (PROD, node_ou(OU_PROD)?, "2019-05-20T08:30:00Z", "INVITED"),
        (DEV, node_ou(OU_DEV)?, "2020-01-13T14:00:00Z", "CREATED"),
        (
            SANDBOX,
            node_ou(OU_SANDBOX)?,
            "2023-06-01T12:00:00Z",
            "CREATED",
        ),
    ];
    let mut accounts = Vec::new();
    for ((id, name, email), (_, parent, joined, method)) in ACCOUNTS.iter().zip(parents) {
        accounts.push(OrgAccount {
            id: account_id(id)?,
            arn: Some(arn(&format!(
                "arn:aws:organizations::{MANAGEMENT}:account/{ORG_ID}/{id}"
            ))?),
            name: (*name).to_owned(),
            email: Some((*email).to_owned()),
            status: AccountStatus::Active,
            joined_method: Some(method.to_owned()),
            joined_timestamp: Some(ts(joined)?),
            parent_id: parent,
            parent_path: Vec::new(),
        });
    }
    // AWS attaches the full-access policies to every root, OU and account.
    let mut everywhere = vec![root.clone()];
    for (id, _, _) in &ous {
        everywhere.push(node_ou(id)?);
    }
    for (id, _, _) in ACCOUNTS {
        everywhere.push(node_account(id)?);
    }
    let policies = vec![
        policy(
            "p-FullAWSAccess",
            "FullAWSAccess",
            "Allows access to every operation",
            OrgPolicyType::ServiceControlPolicy,
            true,
            FULL_AWS_ACCESS,
            everywhere.clone(),
        )?,
        policy(
            "p-RCPFullAWSAccess",
            "RCPFullAWSAccess",
            "Allows access to every resource",
            OrgPolicyType::ResourceControlPolicy,
            true,
            RCP_FULL_AWS_ACCESS,
            everywhere,
        )?,
        policy(
            "p-guardrails1",
            "Guardrails",
            "Protects the organization, CloudTrail and AWS Config",
            OrgPolicyType::ServiceControlPolicy,
            false,
            GUARDRAILS,
            vec![root.clone()],
        )?,
        policy(
            "p-regionlock",
            "RegionRestriction",
            "Workloads run in us-east-1 and eu-west-1 only",
            OrgPolicyType::ServiceControlPolicy,
            false,
            REGION_RESTRICTION,
            vec![node_ou(OU_WORKLOADS)?],
        )?,
        policy(
            "p-sandboxiam",
            "SandboxIamGuardrails",
            "No IAM users, access keys or policy changes in the sandbox",
            OrgPolicyType::ServiceControlPolicy,
            false,
            SANDBOX_IAM,
            vec![node_ou(OU_SANDBOX)?],
        )?,
        policy(
            "p-rcporgonly",
            "EnforceOrgIdentities",
            "Only principals of the organization reach S3, SQS, KMS and Secrets Manager",
            OrgPolicyType::ResourceControlPolicy,
            false,
            ENFORCE_ORG_IDENTITIES,
            vec![root.clone()],
        )?,
    ];
    let mut organization = Organization {
        id: OrgId::parse(ORG_ID)?,
        arn: Some(arn(&format!(
            "arn:aws:organizations::{MANAGEMENT}:organization/{ORG_ID}"
        ))?),
        feature_set: Some("ALL".to_owned()),
        management_account_id: account_id(MANAGEMENT)?,
        management_account_email: Some("aws-management@example.com".to_owned()),
        roots: vec![OrgRoot {
            id: RootId::parse(ROOT)?,
            arn: Some(arn(&format!(
                "arn:aws:organizations::{MANAGEMENT}:root/{ORG_ID}/{ROOT}"
            ))?),
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
        organizational_units,
        accounts,
        policies,
        delegated_administrators: vec![DelegatedAdministrator {
            account_id: account_id(SECURITY)?,
            name: Some("security".to_owned()),
            email: Some("aws-security@example.com".to_owned()),
            delegation_enabled_date: Some(ts("2021-02-01T10:00:00Z")?),
            service_principals: vec![
                "guardduty.amazonaws.com".to_owned(),
                "securityhub.amazonaws.com".to_owned(),
                "access-analyzer.amazonaws.com".to_owned(),
            ],
        }],
    };
    organization.resolve_paths();
    organization.normalize();
    Ok(organization)
}
