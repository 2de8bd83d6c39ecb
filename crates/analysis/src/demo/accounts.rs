//! The demo accounts' IAM: users, groups, roles and policies, as GAAD would return them.
//!
//! Each account tells part of the story; the comments name the rule each entity is there for.

use serde_json::json;

use iamwatch_catalog::{AccessLevel, Catalog, ManagedPolicies};
use iamwatch_model::{
    AccountAuthorization, AttachedPolicy, AwsManagedPolicyRef, Group, InlinePolicy,
    InstanceProfile, ManagedPolicy, PermissionsBoundary, PolicyVersion, Role, RoleLastUsed, Tag,
    User,
};

use super::{
    Built, DEV, MANAGEMENT, PROD, SANDBOX, SECURITY, UNKNOWN, VENDOR, account_id, arn, doc, ts,
    unique_id,
};
use crate::demo::org::ORG_ID;

pub(crate) const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
pub(crate) const READ_ONLY_ACCESS: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const SECURITY_AUDIT: &str = "arn:aws:iam::aws:policy/SecurityAudit";
const S3_READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const BILLING: &str = "arn:aws:iam::aws:policy/job-function/Billing";
const VIEW_ONLY: &str = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess";
const LAMBDA_BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const SSM_CORE: &str = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const SUPPORT_SLR: &str = "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy";
const ORGANIZATIONS_SLR: &str =
    "arn:aws:iam::aws:policy/aws-service-role/AWSOrganizationsServiceTrustPolicy";

const GITHUB: &str = "token.actions.githubusercontent.com";
const EKS: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

/// When a role was last used.
enum LastUse {
    /// Date and region.
    Used(&'static str, &'static str),
    /// `RoleLastUsed: {}`.
    Never,
}

struct RoleSpec {
    path: &'static str,
    name: &'static str,
    description: &'static str,
    created: &'static str,
    last_used: LastUse,
    trust: serde_json::Value,
    inline: Vec<(&'static str, serde_json::Value)>,
    attached: Vec<String>,
    boundary: Option<String>,
    instance_profile: bool,
    tags: Vec<(&'static str, &'static str)>,
}

impl RoleSpec {
    fn new(
        name: &'static str,
        created: &'static str,
        last_used: LastUse,
        trust: serde_json::Value,
    ) -> Self {
        Self {
            path: "/",
            name,
            description: "",
            created,
            last_used,
            trust,
            inline: Vec::new(),
            attached: Vec::new(),
            boundary: None,
            instance_profile: false,
            tags: Vec::new(),
        }
    }
    fn path(mut self, path: &'static str) -> Self {
        self.path = path;
        self
    }
    fn description(mut self, text: &'static str) -> Self {
        self.description = text;
        self
    }
    fn attach(mut self, arn: impl Into<String>) -> Self {
        self.attached.push(arn.into());
        self
    }
    fn inline(mut self, name: &'static str, document: serde_json::Value) -> Self {
        self.inline.push((name, document));
        self
    }
    fn boundary(mut self, arn: impl Into<String>) -> Self {
        self.boundary = Some(arn.into());
        self
    }
    fn instance_profile(mut self) -> Self {
        self.instance_profile = true;
        self
    }
    fn tag(mut self, key: &'static str, value: &'static str) -> Self {
        self.tags.push((key, value));
        self
    }
}

struct UserSpec {
    name: &'static str,
    created: &'static str,
    groups: Vec<&'static str>,
    inline: Vec<(&'static str, serde_json::Value)>,
    attached: Vec<String>,
    tags: Vec<(&'static str, &'static str)>,
}

impl UserSpec {
    fn new(name: &'static str, created: &'static str) -> Self {
        Self {
            name,
            created,
            groups: Vec::new(),
            inline: Vec::new(),
            attached: Vec::new(),
            tags: Vec::new(),
        }
    }
    fn group(mut self, group: &'static str) -> Self {
        self.groups.push(group);
        self
    }
    fn attach(mut self, arn: impl Into<String>) -> Self {
        self.attached.push(arn.into());
        self
    }
    fn tag(mut self, key: &'static str, value: &'static str) -> Self {
        self.tags.push((key, value));
        self
    }
}

struct GroupSpec {
    name: &'static str,
    created: &'static str,
    inline: Vec<(&'static str, serde_json::Value)>,
    attached: Vec<String>,
}

impl GroupSpec {
    fn new(name: &'static str, created: &'static str) -> Self {
        Self {
            name,
            created,
            inline: Vec::new(),
            attached: Vec::new(),
        }
    }
    fn attach(mut self, arn: impl Into<String>) -> Self {
        self.attached.push(arn.into());
        self
    }
    fn inline(mut self, name: &'static str, document: serde_json::Value) -> Self {
        self.inline.push((name, document));
        self
    }
}

struct PolicySpec {
    name: &'static str,
    description: &'static str,
    created: &'static str,
    document: serde_json::Value,
}

struct AccountSpec {
    account: &'static str,
    users: Vec<UserSpec>,
    groups: Vec<GroupSpec>,
    roles: Vec<RoleSpec>,
    policies: Vec<PolicySpec>,
}

// ---- documents ----------------------------------------------------------------------------------

fn statement_policy(statements: serde_json::Value) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(actions: serde_json::Value, resources: serde_json::Value) -> serde_json::Value {
    statement_policy(json!([{"Effect": "Allow", "Action": actions, "Resource": resources}]))
}

fn trust_service(service: &str) -> serde_json::Value {
    statement_policy(json!([{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"
    }]))
}

fn trust_aws(principal: &str, condition: Option<serde_json::Value>) -> serde_json::Value {
    let mut statement = json!({
        "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"
    });
    if let (Some(condition), Some(map)) = (condition, statement.as_object_mut()) {
        map.insert("Condition".to_owned(), condition);
    }
    statement_policy(json!([statement]))
}

fn trust_web_identity(
    account: &str,
    host: &str,
    condition: Option<serde_json::Value>,
) -> serde_json::Value {
    let mut statement = json!({
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::{account}:oidc-provider/{host}")},
        "Action": "sts:AssumeRoleWithWebIdentity"
    });
    if let (Some(condition), Some(map)) = (condition, statement.as_object_mut()) {
        map.insert("Condition".to_owned(), condition);
    }
    statement_policy(json!([statement]))
}

fn trust_saml(account: &str, condition: Option<serde_json::Value>) -> serde_json::Value {
    let mut statement = json!({
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::{account}:saml-provider/Okta")},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"]
    });
    if let (Some(condition), Some(map)) = (condition, statement.as_object_mut()) {
        map.insert("Condition".to_owned(), condition);
    }
    statement_policy(json!([statement]))
}

fn mfa_condition() -> serde_json::Value {
    json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})
}

/// The role AWS Organizations creates in member accounts: administrator, trusting the whole
/// management account without a condition.
fn organization_access_role(created: &'static str) -> RoleSpec {
    RoleSpec::new(
        "OrganizationAccountAccessRole",
        created,
        LastUse::Used("2026-10-28T16:02:11Z", "us-east-1"),
        trust_aws(&format!("arn:aws:iam::{MANAGEMENT}:root"), None),
    )
    .description("Created by AWS Organizations")
    .attach(ADMINISTRATOR_ACCESS)
}

fn support_role() -> RoleSpec {
    RoleSpec::new(
        "AWSServiceRoleForSupport",
        "2019-06-01T00:00:00Z",
        LastUse::Used("2026-10-30T03:14:00Z", "us-east-1"),
        trust_service("support.amazonaws.com"),
    )
    .path("/aws-service-role/support.amazonaws.com/")
    .description(
        "Enables resource access for AWS to provide billing, administrative and support services",
    )
    .attach(SUPPORT_SLR)
}

/// Every IAM action AWS classifies as Write or Permissions management, listed one by one: no
/// wildcard anywhere, and still administrator access.
fn every_iam_write_action() -> serde_json::Value {
    let actions: Vec<&str> = Catalog::get()
        .service("iam")
        .map(|service| {
            service
                .actions()
                .iter()
                .filter(|a| {
                    matches!(
                        a.access_level(),
                        AccessLevel::Write | AccessLevel::PermissionsManagement
                    )
                })
                .map(|a| a.full_name())
                .collect()
        })
        .unwrap_or_default();
    allow(json!(actions), json!("*"))
}

// ---- the accounts -------------------------------------------------------------------------------

fn management() -> AccountSpec {
    let a = MANAGEMENT;
    AccountSpec {
        account: a,
        users: vec![
            // alice: an administrator through the Admins group (principal-effective-admin);
            // the management account is exempt from SCPs.
            UserSpec::new("alice", "2019-03-02T09:30:00Z")
                .group("Admins")
                .tag("team", "platform"),
            // bob: console password without MFA (console-user-without-mfa).
            UserSpec::new("bob", "2022-08-15T11:00:00Z").group("Developers"),
        ],
        groups: vec![
            GroupSpec::new("Admins", "2019-03-02T09:00:00Z").attach(ADMINISTRATOR_ACCESS),
            GroupSpec::new("Developers", "2019-03-02T09:05:00Z").attach(READ_ONLY_ACCESS),
        ],
        roles: vec![
            // Allowlisted for iam-role-unused; an administrator by design.
            RoleSpec::new(
                "breakglass-role",
                "2024-01-15T10:00:00Z",
                LastUse::Never,
                trust_aws(&format!("arn:aws:iam::{a}:root"), Some(mfa_condition())),
            )
            .description("Emergency access; use is paged to the security on-call")
            .attach(ADMINISTRATOR_ACCESS),
            // SAML trust without SAML:aud (trust-saml-missing-aud).
            RoleSpec::new(
                "okta-billing",
                "2024-03-01T08:00:00Z",
                LastUse::Used("2026-10-30T14:21:09Z", "us-east-1"),
                trust_saml(a, None),
            )
            .attach(BILLING),
            // The compliant SAML trust.
            RoleSpec::new(
                "okta-readonly",
                "2024-03-01T08:05:00Z",
                LastUse::Used("2026-10-31T09:12:44Z", "eu-west-1"),
                trust_saml(
                    a,
                    Some(
                        json!({"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}),
                    ),
                ),
            )
            .attach(VIEW_ONLY),
            RoleSpec::new(
                "AWSServiceRoleForOrganizations",
                "2019-03-01T09:00:00Z",
                LastUse::Used("2026-10-31T22:00:00Z", "us-east-1"),
                trust_service("organizations.amazonaws.com"),
            )
            .path("/aws-service-role/organizations.amazonaws.com/")
            .attach(ORGANIZATIONS_SLR),
            support_role(),
        ],
        policies: Vec::new(),
    }
}

fn security() -> AccountSpec {
    let a = SECURITY;
    AccountSpec {
        account: a,
        users: Vec::new(),
        groups: vec![
            // Nobody in it (group-empty).
            GroupSpec::new("incident-responders", "2021-02-10T10:00:00Z").attach(SECURITY_AUDIT),
        ],
        roles: vec![
            organization_access_role("2019-03-04T10:16:00Z"),
            // Allowlisted (`/security-*`) and never used: compliant.
            RoleSpec::new(
                "security-audit",
                "2024-05-01T12:00:00Z",
                LastUse::Never,
                trust_service("lambda.amazonaws.com"),
            )
            .attach(SECURITY_AUDIT)
            .attach(LAMBDA_BASIC),
            // Allow with NotAction (allow-not-action).
            RoleSpec::new(
                "incident-response",
                "2021-02-10T10:05:00Z",
                LastUse::Used("2026-10-20T07:45:00Z", "us-east-1"),
                trust_aws(&format!("arn:aws:iam::{a}:root"), Some(mfa_condition())),
            )
            .attach(format!(
                "arn:aws:iam::{a}:policy/incident-response-extended"
            )),
            // Permissions management on every resource (unconstrained-permissions-management).
            RoleSpec::new(
                "platform-operator",
                "2022-11-02T13:00:00Z",
                LastUse::Used("2026-10-29T18:30:00Z", "us-east-1"),
                trust_aws(&format!("arn:aws:iam::{a}:role/incident-response"), None),
            )
            .attach(format!("arn:aws:iam::{a}:policy/queue-and-topic-sharing")),
            support_role(),
        ],
        policies: vec![
            PolicySpec {
                name: "incident-response-extended",
                description: "Everything but identity and organization changes",
                created: "2021-02-10T10:04:00Z",
                document: statement_policy(json!([{
                    "Sid": "EverythingButIdentity", "Effect": "Allow",
                    "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"
                }])),
            },
            PolicySpec {
                name: "queue-and-topic-sharing",
                description: "Lets operators share queues, topics and repositories",
                created: "2022-11-02T12:55:00Z",
                document: allow(
                    json!([
                        "sqs:AddPermission",
                        "sns:AddPermission",
                        "ecr:SetRepositoryPolicy"
                    ]),
                    json!("*"),
                ),
            },
            // Attached to nothing; suppressed in the demo configuration (policy-unattached).
            PolicySpec {
                name: "unused-audit-helper",
                description: "Helper for the 2026 audit",
                created: "2026-04-01T09:00:00Z",
                document: allow(
                    json!(["config:Get*", "config:List*", "config:Describe*"]),
                    json!("*"),
                ),
            },
        ],
    }
}

fn prod() -> AccountSpec {
    let a = PROD;
    let sqs_consume = allow(
        json!([
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes"
        ]),
        json!(format!("arn:aws:sqs:us-east-1:{a}:orders")),
    );
    let reports_read = |sid: &str| {
        statement_policy(json!([{
            "Sid": sid, "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::example-prod-reports", "arn:aws:s3:::example-prod-reports/*"]
        }]))
    };
    AccountSpec {
        account: a,
        users: vec![
            // Two active keys, one 517 days old, no console: access-key-not-rotated,
            // user-multiple-active-keys, user-looks-like-application.
            UserSpec::new("ci-deployer", "2025-06-01T08:00:00Z")
                .group("deployers")
                .tag("owner", "platform@example.com"),
            UserSpec::new("carol", "2021-09-01T09:00:00Z").group("developers"),
        ],
        groups: vec![
            GroupSpec::new("deployers", "2025-06-01T07:55:00Z").inline(
                "deploy-functions",
                allow(
                    json!(["lambda:UpdateFunctionCode", "lambda:PublishVersion"]),
                    json!(format!("arn:aws:lambda:us-east-1:{a}:function:orders-*")),
                ),
            ),
            // Allow with NotResource (allow-not-resource).
            GroupSpec::new("developers", "2019-05-21T10:00:00Z")
                .attach(READ_ONLY_ACCESS)
                .inline(
                    "read-objects-except-secrets",
                    statement_policy(json!([{
                        "Effect": "Allow", "Action": "s3:GetObject",
                        "NotResource": "arn:aws:s3:::example-prod-secrets/*"
                    }])),
                ),
        ],
        roles: vec![
            organization_access_role("2019-05-20T08:31:00Z"),
            // Last used 183 days ago (iam-role-unused: NON_COMPLIANT).
            RoleSpec::new(
                "legacy-batch",
                "2025-01-10T12:00:00Z",
                LastUse::Used("2026-05-01T02:00:00Z", "us-east-1"),
                trust_service("ec2.amazonaws.com"),
            )
            .description("Nightly batch on the old EC2 fleet")
            .attach(S3_READ_ONLY)
            .instance_profile(),
            // Secrets and keys on every resource (policy-sensitive-action-any-resource).
            RoleSpec::new(
                "app-server",
                "2023-02-01T10:00:00Z",
                LastUse::Used("2026-10-31T23:59:00Z", "us-east-1"),
                trust_service("ec2.amazonaws.com"),
            )
            .inline(
                "app-secrets",
                allow(json!(["secretsmanager:GetSecretValue", "kms:Decrypt"]), json!("*")),
            )
            .attach(SSM_CORE)
            .instance_profile()
            .tag("app", "orders"),
            // Trusts the security account as a whole, no condition
            // (trust-whole-account-no-condition); inside the organization.
            RoleSpec::new(
                "cross-account-readonly",
                "2021-03-01T09:00:00Z",
                LastUse::Used("2026-10-15T11:11:11Z", "us-east-1"),
                trust_aws(&format!("arn:aws:iam::{SECURITY}:root"), None),
            )
            .attach(READ_ONLY_ACCESS),
            // An undeclared external account, whole, no guard: trust-whole-account-no-condition,
            // trust-external-account-unguarded, trust-unknown-account.
            RoleSpec::new(
                "vendor-monitoring",
                "2024-09-12T15:00:00Z",
                LastUse::Used("2026-10-29T05:00:00Z", "us-east-1"),
                trust_aws(&format!("arn:aws:iam::{UNKNOWN}:root"), None),
            )
            .attach(SECURITY_AUDIT),
            // The compliant vendor trust: a known account with sts:ExternalId.
            RoleSpec::new(
                "monitoring-integration",
                "2023-04-04T10:00:00Z",
                LastUse::Used("2026-10-31T21:40:00Z", "us-east-1"),
                trust_aws(
                    &format!("arn:aws:iam::{VENDOR}:root"),
                    Some(json!({"StringEquals": {"sts:ExternalId": "d2f1c9e4-7a58-4b0e-9c31-6f1e2a9b8c70"}})),
                ),
            )
            .attach(SECURITY_AUDIT),
            // The compliant GitHub trust: one repository, one branch, audience checked.
            RoleSpec::new(
                "github-release",
                "2024-02-20T10:00:00Z",
                LastUse::Used("2026-10-28T13:37:00Z", "us-east-1"),
                trust_web_identity(
                    a,
                    GITHUB,
                    Some(json!({"StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": "repo:example-org/payments:ref:refs/heads/main"
                    }})),
                ),
            )
            .inline(
                "release-artifacts",
                allow(json!("s3:PutObject"), json!("arn:aws:s3:::example-prod-artifacts/*")),
            ),
            // The same inline document twice (inline-policy-duplicated).
            RoleSpec::new(
                "orders-worker-1",
                "2023-07-01T10:00:00Z",
                LastUse::Used("2026-10-31T23:00:00Z", "us-east-1"),
                trust_service("ecs-tasks.amazonaws.com"),
            )
            .inline("sqs-consume", sqs_consume.clone()),
            RoleSpec::new(
                "orders-worker-2",
                "2023-07-01T10:00:00Z",
                LastUse::Used("2026-10-31T23:00:00Z", "us-east-1"),
                trust_service("ecs-tasks.amazonaws.com"),
            )
            .inline("sqs-consume", sqs_consume),
            // Every S3 action of one bucket (policy-service-wildcard).
            RoleSpec::new(
                "data-pipeline",
                "2022-05-05T10:00:00Z",
                LastUse::Used("2026-10-31T06:00:00Z", "eu-west-1"),
                trust_service("glue.amazonaws.com"),
            )
            .attach(format!("arn:aws:iam::{a}:policy/data-pipeline-access")),
            RoleSpec::new(
                "reporting",
                "2022-06-01T10:00:00Z",
                LastUse::Used("2026-10-31T07:00:00Z", "us-east-1"),
                trust_service("lambda.amazonaws.com"),
            )
            .attach(format!("arn:aws:iam::{a}:policy/s3-read-reports"))
            .attach(LAMBDA_BASIC),
            RoleSpec::new(
                "analytics",
                "2023-01-12T10:00:00Z",
                LastUse::Used("2026-10-30T08:00:00Z", "us-east-1"),
                trust_service("lambda.amazonaws.com"),
            )
            .attach(format!("arn:aws:iam::{a}:policy/reports-reader"))
            .attach(LAMBDA_BASIC),
            // Created 11 days ago: compliant for iam-role-unused ("Role age is 11 days").
            RoleSpec::new(
                "payments-canary",
                "2026-10-20T09:00:00Z",
                LastUse::Never,
                trust_service("lambda.amazonaws.com"),
            )
            .attach(LAMBDA_BASIC),
            support_role(),
        ],
        policies: vec![
            PolicySpec {
                name: "data-pipeline-access",
                description: "Glue jobs of the data pipeline",
                created: "2022-05-05T09:55:00Z",
                document: allow(
                    json!(["s3:*"]),
                    json!(["arn:aws:s3:::example-prod-datalake", "arn:aws:s3:::example-prod-datalake/*"]),
                ),
            },
            // Two policies with the same document (policy-duplicate).
            PolicySpec {
                name: "s3-read-reports",
                description: "Read the reports bucket",
                created: "2022-06-01T09:55:00Z",
                document: reports_read("ReadReports"),
            },
            PolicySpec {
                name: "reports-reader",
                description: "Read access to example-prod-reports",
                created: "2023-01-12T09:55:00Z",
                document: reports_read("ReportsBucketRead"),
            },
        ],
    }
}

fn dev() -> AccountSpec {
    let a = DEV;
    AccountSpec {
        account: a,
        users: vec![
            // Password unused for 272 days (user-credentials-unused) and a policy of its own
            // (user-direct-policies, whose suppression expired on 2026-10-01).
            UserSpec::new("old-contractor", "2025-10-01T09:00:00Z")
                .attach(S3_READ_ONLY)
                .tag("contract", "ends-2026-09"),
            UserSpec::new("dave", "2020-02-01T09:00:00Z").group("developers"),
        ],
        groups: vec![GroupSpec::new("developers", "2020-01-13T15:00:00Z").attach(READ_ONLY_ACCESS)],
        roles: vec![
            organization_access_role("2020-01-13T14:01:00Z"),
            // Never used, 245 days old (iam-role-unused: "No record of usage").
            RoleSpec::new(
                "experiment-runner",
                "2026-03-01T10:00:00Z",
                LastUse::Never,
                trust_service("ec2.amazonaws.com"),
            )
            .attach(READ_ONLY_ACCESS),
            // Every IAM write action, listed without wildcards: an administrator (tier iam).
            RoleSpec::new(
                "iam-automation",
                "2023-08-08T10:00:00Z",
                LastUse::Used("2026-10-31T12:00:00Z", "us-east-1"),
                trust_service("lambda.amazonaws.com"),
            )
            .attach(format!("arn:aws:iam::{a}:policy/iam-provisioning")),
            // GitHub trust for any repository of the organization (trust-oidc-sub-unrestricted)
            // and iam:PassRole on every role (passrole-any-resource).
            RoleSpec::new(
                "github-deploy",
                "2024-02-01T10:00:00Z",
                LastUse::Used("2026-10-31T15:20:00Z", "us-east-1"),
                trust_web_identity(
                    a,
                    GITHUB,
                    Some(json!({
                        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:example-org/*"}
                    })),
                ),
            )
            .attach(format!("arn:aws:iam::{a}:policy/ci-deploy")),
            // EKS trust with neither sub nor aud (trust-oidc-sub-unrestricted,
            // trust-oidc-missing-aud).
            RoleSpec::new(
                "eks-app",
                "2025-03-03T10:00:00Z",
                LastUse::Used("2026-10-31T18:00:00Z", "us-east-1"),
                trust_web_identity(a, EKS, None),
            )
            .inline(
                "read-app-config",
                allow(json!("s3:GetObject"), json!("arn:aws:s3:::example-dev-config/*")),
            ),
            // Write actions on every resource (unconstrained-write).
            RoleSpec::new(
                "ci-runner",
                "2024-06-06T10:00:00Z",
                LastUse::Used("2026-10-31T19:00:00Z", "us-east-1"),
                trust_service("codebuild.amazonaws.com"),
            )
            .inline(
                "ci-cleanup",
                allow(json!(["ec2:TerminateInstances", "dynamodb:DeleteTable"]), json!("*")),
            ),
            // AdministratorAccess held back by a boundary: not an administrator (compliant).
            RoleSpec::new(
                "bounded-admin",
                "2025-05-05T10:00:00Z",
                LastUse::Used("2026-10-30T10:00:00Z", "us-east-1"),
                trust_aws(&format!("arn:aws:iam::{a}:role/github-deploy"), None),
            )
            .attach(ADMINISTRATOR_ACCESS)
            .boundary(format!("arn:aws:iam::{a}:policy/developer-boundary")),
            support_role(),
        ],
        policies: vec![
            // Action "*" and attached to nothing (policy-allows-all-actions, policy-unattached).
            PolicySpec {
                name: "legacy-full-access",
                description: "Old bootstrap policy",
                created: "2020-01-20T10:00:00Z",
                document: statement_policy(json!([{
                    "Sid": "Bootstrap", "Effect": "Allow", "Action": "*", "Resource": "*"
                }])),
            },
            PolicySpec {
                name: "iam-provisioning",
                description: "Provisioning of IAM entities by the platform pipeline",
                created: "2023-08-08T09:55:00Z",
                document: every_iam_write_action(),
            },
            PolicySpec {
                name: "ci-deploy",
                description: "Deploys Lambda functions",
                created: "2024-02-01T09:55:00Z",
                document: statement_policy(json!([
                    {"Sid": "PassAnyRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
                    {"Sid": "UpdateFunctions", "Effect": "Allow",
                     "Action": ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"],
                     "Resource": format!("arn:aws:lambda:us-east-1:{a}:function:dev-*")}
                ])),
            },
            PolicySpec {
                name: "developer-boundary",
                description: "Permissions boundary for developer roles",
                created: "2025-05-05T09:55:00Z",
                document: statement_policy(json!([
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                     "Resource": ["arn:aws:s3:::example-dev-*", "arn:aws:s3:::example-dev-*/*"]},
                    {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                     "Resource": format!("arn:aws:dynamodb:us-east-1:{a}:table/dev-*")},
                    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                     "Resource": format!("arn:aws:logs:us-east-1:{a}:log-group:/dev/*")}
                ])),
            },
        ],
    }
}

fn sandbox() -> AccountSpec {
    let a = SANDBOX;
    AccountSpec {
        account: a,
        users: Vec::new(),
        groups: Vec::new(),
        roles: vec![
            // AdministratorAccess, but the sandbox SCP denies IAM changes: not an administrator.
            organization_access_role("2023-06-01T12:01:00Z"),
            // Anyone may assume it (trust-public-principal).
            RoleSpec::new(
                "public-demo",
                "2025-11-11T10:00:00Z",
                LastUse::Used("2026-10-12T10:00:00Z", "us-east-1"),
                statement_policy(json!([{
                    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"
                }])),
            )
            .inline(
                "read-demo-bucket",
                allow(
                    json!(["s3:GetObject"]),
                    json!("arn:aws:s3:::example-sandbox-demo/*"),
                ),
            ),
            // `*` limited to the organization: compliant.
            RoleSpec::new(
                "org-shared-reader",
                "2025-11-11T10:05:00Z",
                LastUse::Used("2026-10-31T10:00:00Z", "us-east-1"),
                statement_policy(json!([{
                    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}
                }])),
            )
            .attach(VIEW_ONLY),
            // No policies at all (role-without-policies); 11 days old, so compliant for
            // iam-role-unused.
            RoleSpec::new(
                "empty-role",
                "2026-10-20T10:00:00Z",
                LastUse::Never,
                trust_service("ec2.amazonaws.com"),
            ),
            support_role(),
        ],
        policies: Vec::new(),
    }
}

// ---- assembly -----------------------------------------------------------------------------------

fn inline_policies(specs: &[(&'static str, serde_json::Value)]) -> Built<Vec<InlinePolicy>> {
    specs
        .iter()
        .map(|(name, document)| {
            Ok(InlinePolicy {
                name: (*name).to_owned(),
                document: doc(&document.to_string())?,
            })
        })
        .collect()
}

fn attached_policies(arns: &[String]) -> Built<Vec<AttachedPolicy>> {
    arns.iter()
        .map(|text| {
            let arn = arn(text)?;
            Ok(AttachedPolicy {
                name: arn.resource_name().to_owned(),
                arn,
            })
        })
        .collect()
}

fn tags(pairs: &[(&str, &str)]) -> Vec<Tag> {
    pairs.iter().map(|(k, v)| Tag::new(*k, *v)).collect()
}

fn build(spec: AccountSpec) -> Built<AccountAuthorization> {
    let account = spec.account;
    let mut iam = AccountAuthorization::empty(account_id(account)?);
    for user in &spec.users {
        iam.users.push(User {
            path: "/".to_owned(),
            name: user.name.to_owned(),
            id: unique_id("AIDA", account, user.name)?,
            arn: arn(&format!("arn:aws:iam::{account}:user/{}", user.name))?,
            create_date: Some(ts(user.created)?),
            tags: tags(&user.tags),
            groups: user.groups.iter().map(|g| (*g).to_owned()).collect(),
            inline_policies: inline_policies(&user.inline)?,
            attached_policies: attached_policies(&user.attached)?,
            permissions_boundary: None,
        });
    }
    for group in &spec.groups {
        iam.groups.push(Group {
            path: "/".to_owned(),
            name: group.name.to_owned(),
            id: unique_id("AGPA", account, group.name)?,
            arn: arn(&format!("arn:aws:iam::{account}:group/{}", group.name))?,
            create_date: Some(ts(group.created)?),
            inline_policies: inline_policies(&group.inline)?,
            attached_policies: attached_policies(&group.attached)?,
        });
    }
    for role in &spec.roles {
        let role_arn = arn(&format!(
            "arn:aws:iam::{account}:role{}{}",
            role.path, role.name
        ))?;
        let last_used = match role.last_used {
            LastUse::Used(date, region) => RoleLastUsed {
                last_used_date: Some(ts(date)?),
                region: Some(region.to_owned()),
            },
            LastUse::Never => RoleLastUsed {
                last_used_date: None,
                region: None,
            },
        };
        let instance_profiles = if role.instance_profile {
            vec![InstanceProfile {
                path: "/".to_owned(),
                name: role.name.to_owned(),
                id: unique_id("AIPA", account, role.name)?,
                arn: arn(&format!(
                    "arn:aws:iam::{account}:instance-profile/{}",
                    role.name
                ))?,
                create_date: Some(ts(role.created)?),
                roles: vec![role_arn.clone()],
                tags: Vec::new(),
            }]
        } else {
            Vec::new()
        };
        iam.roles.push(Role {
            path: role.path.to_owned(),
            name: role.name.to_owned(),
            id: unique_id("AROA", account, role.name)?,
            arn: role_arn,
            create_date: Some(ts(role.created)?),
            description: (!role.description.is_empty()).then(|| role.description.to_owned()),
            max_session_duration: Some(3600),
            trust_policy: Some(doc(&role.trust.to_string())?),
            tags: tags(&role.tags),
            inline_policies: inline_policies(&role.inline)?,
            attached_policies: attached_policies(&role.attached)?,
            permissions_boundary: role
                .boundary
                .as_deref()
                .map(|b| Ok::<_, crate::err::DemoError>(PermissionsBoundary { arn: arn(b)? }))
                .transpose()?,
            last_used: Some(last_used),
            instance_profiles,
        });
    }
    for policy in &spec.policies {
        let policy_arn = arn(&format!("arn:aws:iam::{account}:policy/{}", policy.name))?;
        let attachments = count(&iam, |arn| *arn == policy_arn, false);
        let boundaries = count(&iam, |arn| *arn == policy_arn, true);
        let created = ts(policy.created)?;
        iam.policies.push(ManagedPolicy {
            name: policy.name.to_owned(),
            id: unique_id("ANPA", account, policy.name)?,
            arn: policy_arn,
            path: "/".to_owned(),
            default_version_id: "v1".to_owned(),
            attachment_count: Some(attachments),
            permissions_boundary_usage_count: Some(boundaries),
            is_attachable: true,
            description: Some(policy.description.to_owned()),
            create_date: Some(created),
            update_date: Some(created),
            versions: vec![PolicyVersion {
                version_id: "v1".to_owned(),
                is_default_version: true,
                create_date: Some(created),
                document: Some(doc(&policy.document.to_string())?),
            }],
            tags: Vec::new(),
        });
    }
    // The AWS managed policies the account uses, with their real documents.
    let catalog = ManagedPolicies::get();
    let mut used: Vec<iamwatch_model::Arn> = iam
        .users
        .iter()
        .flat_map(|u| u.attached_policies.iter().map(|a| a.arn.clone()))
        .chain(
            iam.groups
                .iter()
                .flat_map(|g| g.attached_policies.iter().map(|a| a.arn.clone())),
        )
        .chain(
            iam.roles
                .iter()
                .flat_map(|r| r.attached_policies.iter().map(|a| a.arn.clone())),
        )
        .filter(iamwatch_model::Arn::is_aws_managed_policy)
        .collect();
    used.sort();
    used.dedup();
    for policy_arn in used {
        let entry = catalog.by_arn(policy_arn.as_str());
        iam.aws_managed_policies.push(AwsManagedPolicyRef {
            default_version_id: entry.map(|p| p.default_version_id().to_owned()),
            document: entry.map(|p| doc(p.default_document())).transpose()?,
            arn: policy_arn,
        });
    }
    iam.normalize();
    Ok(iam)
}

/// How many entities attach the policy (or use it as their boundary).
fn count(
    iam: &AccountAuthorization,
    matches: impl Fn(&iamwatch_model::Arn) -> bool,
    boundary: bool,
) -> u32 {
    let found = if boundary {
        iam.users
            .iter()
            .filter_map(|u| u.permissions_boundary.as_ref())
            .chain(
                iam.roles
                    .iter()
                    .filter_map(|r| r.permissions_boundary.as_ref()),
            )
            .filter(|b| matches(&b.arn))
            .count()
    } else {
        iam.users
            .iter()
            .flat_map(|u| &u.attached_policies)
            .chain(iam.groups.iter().flat_map(|g| &g.attached_policies))
            .chain(iam.roles.iter().flat_map(|r| &r.attached_policies))
            .filter(|a| matches(&a.arn))
            .count()
    };
    u32::try_from(found).unwrap_or(u32::MAX)
}

/// The IAM of one demo account (an account the demo does not have is empty).
pub(crate) fn iam(account: &'static str) -> Built<AccountAuthorization> {
    let spec = match account {
        MANAGEMENT => management(),
        SECURITY => security(),
        PROD => prod(),
        DEV => dev(),
        SANDBOX => sandbox(),
        _ => AccountSpec {
            account,
            users: Vec::new(),
            groups: Vec::new(),
            roles: Vec::new(),
            policies: Vec::new(),
        },
    };
    build(spec)
}
