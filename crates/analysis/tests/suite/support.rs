//! Small builders for fixtures: one account `123456789012` in an organization with a sibling
//! `111111111111` (the management account), dated against a fixed "now".

use iamwatch_analysis::{AuditConfig, AuditInput, AuditReport, Finding, RuleId, audit};
use iamwatch_model::inventory::{AccountInventory, Inventory};
use iamwatch_model::{
    AccessKeyColumns, AccountAuthorization, AccountId, AccountStatus, Arn, AttachedPolicy,
    CertificateColumns, CredentialReport, CredentialReportRow, Group, InlinePolicy, ManagedPolicy,
    OrgAccount, OrgId, OrgNodeId, OrgPolicy, OrgPolicyId, OrgPolicyType, OrgRoot, Organization,
    OrganizationalUnit, OuId, PermissionsBoundary, PolicyDocument, PolicyVersion, ReportUser,
    ReportValue, Role, RoleLastUsed, RootId, RootPolicyType, Timestamp, UniqueId, User,
};

pub const ACCOUNT: &str = "123456789012";
pub const SIBLING: &str = "111111111111";
pub const NOW: &str = "2026-11-01T00:00:00Z";

pub fn now() -> Timestamp {
    NOW.parse().unwrap()
}

/// `now` minus whole days.
pub fn days_ago(days: i64) -> Timestamp {
    now()
        .checked_sub(jiff::SignedDuration::from_secs(days * 86_400))
        .unwrap()
}

pub fn account_id() -> AccountId {
    AccountId::parse(ACCOUNT).unwrap()
}

pub fn arn(text: &str) -> Arn {
    Arn::parse(text).unwrap()
}

pub fn document(json: &str) -> PolicyDocument {
    PolicyDocument::from_text(json).unwrap()
}

pub fn allow(actions: &str, resources: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":{resources}}}]}}"#
    )
}

pub fn trust_service(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// A role created 400 days ago, used yesterday in us-east-1, trusted by Lambda.
pub fn role(name: &str) -> Role {
    Role {
        path: "/".into(),
        name: name.into(),
        id: UniqueId::parse(&format!(
            "AROA{}",
            name.to_uppercase().replace(['-', '_'], "")
        ))
        .unwrap(),
        arn: arn(&format!("arn:aws:iam::{ACCOUNT}:role/{name}")),
        create_date: Some(days_ago(400)),
        description: None,
        max_session_duration: Some(3600),
        trust_policy: Some(document(&trust_service("lambda.amazonaws.com"))),
        tags: Vec::new(),
        inline_policies: Vec::new(),
        attached_policies: Vec::new(),
        permissions_boundary: None,
        last_used: Some(RoleLastUsed {
            last_used_date: Some(days_ago(1)),
            region: Some("us-east-1".into()),
        }),
        instance_profiles: Vec::new(),
    }
}

pub fn with_trust(mut role: Role, trust: &str) -> Role {
    role.trust_policy = Some(document(trust));
    role
}

pub fn with_inline(mut role: Role, name: &str, json: &str) -> Role {
    role.inline_policies.push(inline(name, json));
    role
}

pub fn with_attached(mut role: Role, policy_arn: &str) -> Role {
    role.attached_policies.push(attached(policy_arn));
    role
}

pub fn with_boundary(mut role: Role, policy_arn: &str) -> Role {
    role.permissions_boundary = Some(PermissionsBoundary {
        arn: arn(policy_arn),
    });
    role
}

pub fn inline(name: &str, json: &str) -> InlinePolicy {
    InlinePolicy {
        name: name.into(),
        document: document(json),
    }
}

pub fn attached(policy_arn: &str) -> AttachedPolicy {
    let arn = arn(policy_arn);
    AttachedPolicy {
        name: arn.resource_name().to_owned(),
        arn,
    }
}

pub fn user(name: &str) -> User {
    User {
        path: "/".into(),
        name: name.into(),
        id: UniqueId::parse(&format!(
            "AIDA{}",
            name.to_uppercase().replace(['-', '_'], "")
        ))
        .unwrap(),
        arn: arn(&format!("arn:aws:iam::{ACCOUNT}:user/{name}")),
        create_date: Some(days_ago(500)),
        tags: Vec::new(),
        groups: Vec::new(),
        inline_policies: Vec::new(),
        attached_policies: Vec::new(),
        permissions_boundary: None,
    }
}

pub fn group(name: &str) -> Group {
    Group {
        path: "/".into(),
        name: name.into(),
        id: UniqueId::parse(&format!(
            "AGPA{}",
            name.to_uppercase().replace(['-', '_'], "")
        ))
        .unwrap(),
        arn: arn(&format!("arn:aws:iam::{ACCOUNT}:group/{name}")),
        create_date: Some(days_ago(500)),
        inline_policies: Vec::new(),
        attached_policies: Vec::new(),
    }
}

/// A customer managed policy; `attachments: None` leaves the counts to the entities.
pub fn managed(name: &str, json: &str, attachments: Option<u32>) -> ManagedPolicy {
    ManagedPolicy {
        name: name.into(),
        id: UniqueId::parse(&format!(
            "ANPA{}",
            name.to_uppercase().replace(['-', '_'], "")
        ))
        .unwrap(),
        arn: arn(&format!("arn:aws:iam::{ACCOUNT}:policy/{name}")),
        path: "/".into(),
        default_version_id: "v1".into(),
        attachment_count: attachments,
        permissions_boundary_usage_count: attachments.map(|_| 0),
        is_attachable: true,
        description: None,
        create_date: Some(days_ago(600)),
        update_date: Some(days_ago(600)),
        versions: vec![PolicyVersion {
            version_id: "v1".into(),
            is_default_version: true,
            create_date: Some(days_ago(600)),
            document: Some(document(json)),
        }],
        tags: Vec::new(),
    }
}

pub fn iam() -> AccountAuthorization {
    AccountAuthorization::empty(account_id())
}

pub fn inventory(iam: AccountAuthorization) -> AccountInventory {
    let mut inventory = AccountInventory::default();
    inventory.iam = Some(iam);
    inventory
}

/// An organization with the fixture account in an OU, the sibling as management account, and
/// the given extra SCPs attached to the OU (FullAWSAccess everywhere).
pub fn organization(scps: &[&str]) -> Organization {
    let root = OrgNodeId::Root(RootId::parse("r-test").unwrap());
    let ou = OrgNodeId::Ou(OuId::parse("ou-test-11111111").unwrap());
    let account = OrgNodeId::Account(account_id());
    let sibling = OrgNodeId::Account(AccountId::parse(SIBLING).unwrap());
    let full = |id: &str, kind, document_text: &str| OrgPolicy {
        id: OrgPolicyId::parse(id).unwrap(),
        arn: None,
        name: id.into(),
        description: None,
        kind,
        aws_managed: true,
        document: document(document_text),
        targets: vec![root.clone(), ou.clone(), account.clone(), sibling.clone()],
    };
    let mut policies = vec![
        full(
            "p-FullAWSAccess",
            OrgPolicyType::ServiceControlPolicy,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        full(
            "p-RCPFullAWSAccess",
            OrgPolicyType::ResourceControlPolicy,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        ),
    ];
    for (index, scp) in scps.iter().enumerate() {
        policies.push(OrgPolicy {
            id: OrgPolicyId::parse(&format!("p-extra{index}")).unwrap(),
            arn: None,
            name: format!("extra-{index}"),
            description: None,
            kind: OrgPolicyType::ServiceControlPolicy,
            aws_managed: false,
            document: document(scp),
            targets: vec![ou.clone()],
        });
    }
    let member = |id: &OrgNodeId, parent: &OrgNodeId, name: &str| OrgAccount {
        id: AccountId::parse(id.as_str()).unwrap(),
        arn: None,
        name: name.into(),
        email: None,
        status: AccountStatus::Active,
        joined_method: None,
        joined_timestamp: None,
        parent_id: parent.clone(),
        parent_path: Vec::new(),
    };
    let mut org = Organization {
        id: OrgId::parse("o-test000001").unwrap(),
        arn: None,
        feature_set: Some("ALL".into()),
        management_account_id: AccountId::parse(SIBLING).unwrap(),
        management_account_email: None,
        roots: vec![OrgRoot {
            id: RootId::parse("r-test").unwrap(),
            arn: None,
            name: "Root".into(),
            policy_types: vec![
                RootPolicyType {
                    kind: "SERVICE_CONTROL_POLICY".into(),
                    status: "ENABLED".into(),
                },
                RootPolicyType {
                    kind: "RESOURCE_CONTROL_POLICY".into(),
                    status: "ENABLED".into(),
                },
            ],
        }],
        organizational_units: vec![OrganizationalUnit {
            id: OuId::parse("ou-test-11111111").unwrap(),
            arn: None,
            name: "Workloads".into(),
            parent_id: root.clone(),
        }],
        accounts: vec![
            member(&account, &ou, "fixture"),
            member(&sibling, &root, "management"),
        ],
        policies,
        delegated_administrators: Vec::new(),
    };
    org.resolve_paths();
    org
}

/// The fixture account's inventory, with the organization, as audit input.
pub fn input_with(inventory: AccountInventory, organization: Option<Organization>) -> AuditInput {
    let mut all = Inventory::default();
    all.organization = organization;
    all.accounts.insert(account_id(), inventory);
    AuditInput::new(all)
}

/// Audits one account (in the fixture organization) with the default configuration.
pub fn run(inventory: AccountInventory) -> AuditReport {
    run_with(inventory, &AuditConfig::default())
}

pub fn run_with(inventory: AccountInventory, config: &AuditConfig) -> AuditReport {
    audit(
        &input_with(inventory, Some(organization(&[]))),
        config,
        now(),
    )
}

pub fn of(report: &AuditReport, rule: RuleId) -> Vec<&Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .collect()
}

pub fn count(report: &AuditReport, rule: RuleId) -> usize {
    of(report, rule).len()
}

// ---- credential report ------------------------------------------------------------------------

pub fn no_key() -> AccessKeyColumns {
    AccessKeyColumns {
        active: ReportValue::Value(false),
        last_rotated: ReportValue::NotApplicable,
        last_used_date: ReportValue::NotApplicable,
        last_used_region: ReportValue::NotApplicable,
        last_used_service: ReportValue::NotApplicable,
    }
}

/// An active key rotated `rotated` days ago, last used `used` days ago (`None`: never).
pub fn key(rotated: i64, used: Option<i64>) -> AccessKeyColumns {
    AccessKeyColumns {
        active: ReportValue::Value(true),
        last_rotated: ReportValue::Value(days_ago(rotated)),
        last_used_date: used.map_or(ReportValue::NotApplicable, |d| {
            ReportValue::Value(days_ago(d))
        }),
        last_used_region: used.map_or(ReportValue::NotApplicable, |_| {
            ReportValue::Value("us-east-1".into())
        }),
        last_used_service: used.map_or(ReportValue::NotApplicable, |_| {
            ReportValue::Value("s3".into())
        }),
    }
}

pub fn inactive_key(rotated: i64) -> AccessKeyColumns {
    AccessKeyColumns {
        active: ReportValue::Value(false),
        ..key(rotated, None)
    }
}

fn no_cert() -> CertificateColumns {
    CertificateColumns {
        active: ReportValue::Value(false),
        last_rotated: ReportValue::NotApplicable,
    }
}

/// A user row: a console password last used `password_used` days ago (`Some(None)`: never
/// used; `None`: no password), set `password_set` days ago.
pub fn user_row(
    name: &str,
    password: Option<Option<i64>>,
    password_set: i64,
    mfa: bool,
    keys: [AccessKeyColumns; 2],
) -> CredentialReportRow {
    let [access_key_1, access_key_2] = keys;
    CredentialReportRow {
        user: ReportUser::User(name.into()),
        arn: arn(&format!("arn:aws:iam::{ACCOUNT}:user/{name}")),
        user_creation_time: ReportValue::Value(days_ago(1000)),
        password_enabled: ReportValue::Value(password.is_some()),
        password_last_used: match password {
            Some(Some(days)) => ReportValue::Value(days_ago(days)),
            Some(None) => ReportValue::NoInformation,
            None => ReportValue::NotApplicable,
        },
        password_last_changed: if password.is_some() {
            ReportValue::Value(days_ago(password_set))
        } else {
            ReportValue::NotApplicable
        },
        password_next_rotation: ReportValue::NotApplicable,
        mfa_active: ReportValue::Value(mfa),
        access_key_1,
        access_key_2,
        cert_1: no_cert(),
        cert_2: no_cert(),
    }
}

/// The root row: password last used `password_used` days ago (`None`: no information).
pub fn root_row(
    password_used: Option<i64>,
    mfa: bool,
    keys: [AccessKeyColumns; 2],
) -> CredentialReportRow {
    let [access_key_1, access_key_2] = keys;
    CredentialReportRow {
        user: ReportUser::Root,
        arn: arn(&format!("arn:aws:iam::{ACCOUNT}:root")),
        user_creation_time: ReportValue::Value(days_ago(3000)),
        password_enabled: ReportValue::NotSupported,
        password_last_used: password_used.map_or(ReportValue::NoInformation, |d| {
            ReportValue::Value(days_ago(d))
        }),
        password_last_changed: ReportValue::NotSupported,
        password_next_rotation: ReportValue::NotSupported,
        mfa_active: ReportValue::Value(mfa),
        access_key_1,
        access_key_2,
        cert_1: no_cert(),
        cert_2: no_cert(),
    }
}

pub fn report_inventory(rows: Vec<CredentialReportRow>) -> AccountInventory {
    let mut inventory = AccountInventory::default();
    inventory.credential_report = Some(CredentialReport {
        account_id: account_id(),
        generated_time: Some(now()),
        rows,
    });
    inventory
}
