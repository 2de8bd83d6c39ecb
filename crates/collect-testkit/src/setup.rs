//! Builds IAM, Organizations and resources in moto through the SDK, as a person would.

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_types::SdkConfig;
use aws_types::region::Region;

pub const REGION: &str = "us-east-1";
/// moto's account for unknown access keys.
pub const MANAGEMENT: &str = "123456789012";

/// An SDK config against `endpoint` with moto's static test credentials.
pub async fn sdk_config(endpoint: &str, credentials: Credentials) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(credentials)
        .http_client(
            aws_smithy_http_client::Builder::new()
                .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                    aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                ))
                .build_https(),
        )
        .load()
        .await
}

pub fn test_credentials() -> Credentials {
    Credentials::new("testing", "testing", None, None, "test")
}

pub async fn management(endpoint: &str) -> SdkConfig {
    sdk_config(endpoint, test_credentials()).await
}

/// A config with the credentials of `OrganizationAccountAccessRole` in `account`.
pub async fn member(endpoint: &str, account: &str) -> SdkConfig {
    let sts = aws_sdk_sts::Client::new(&management(endpoint).await);
    let out = sts
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("setup")
        .send()
        .await
        .unwrap();
    let c = out.credentials.unwrap();
    sdk_config(
        endpoint,
        Credentials::new(
            c.access_key_id,
            c.secret_access_key,
            Some(c.session_token),
            None,
            "test",
        ),
    )
    .await
}

pub const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

pub fn allow(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
    )
}

/// What `populate` created in an account.
#[derive(Debug, Default)]
pub struct Created {
    pub users: Vec<String>,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
    pub policies: Vec<String>,
}

/// Creates `roles` roles (each with an inline policy, a customer managed policy and an AWS
/// managed policy attached), two users (one in a group, one with a boundary), a group and a
/// customer managed policy with two versions.
pub async fn populate(config: &SdkConfig, prefix: &str, roles: usize) -> Created {
    let iam = aws_sdk_iam::Client::new(config);
    let mut created = Created::default();
    let policy = iam
        .create_policy()
        .policy_name(format!("{prefix}-read"))
        .policy_document(allow("s3:GetObject"))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    let policy_arn = policy.arn.unwrap();
    iam.create_policy_version()
        .policy_arn(&policy_arn)
        .policy_document(allow("s3:ListBucket"))
        .set_as_default(true)
        .send()
        .await
        .unwrap();
    created.policies.push(format!("{prefix}-read"));
    iam.create_group()
        .group_name(format!("{prefix}-admins"))
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name(format!("{prefix}-admins"))
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    created.groups.push(format!("{prefix}-admins"));
    for (i, user) in ["alice", "bob"].iter().enumerate() {
        let name = format!("{prefix}-{user}");
        let mut create = iam.create_user().user_name(&name);
        if i == 1 {
            create = create.permissions_boundary(&policy_arn);
        }
        create.send().await.unwrap();
        if i == 0 {
            iam.add_user_to_group()
                .group_name(format!("{prefix}-admins"))
                .user_name(&name)
                .send()
                .await
                .unwrap();
            iam.create_access_key()
                .user_name(&name)
                .send()
                .await
                .unwrap();
        }
        iam.put_user_policy()
            .user_name(&name)
            .policy_name("inline")
            .policy_document(allow("iam:GetUser"))
            .send()
            .await
            .unwrap();
        created.users.push(name);
    }
    for i in 0..roles {
        let name = format!("{prefix}-role-{i:04}");
        iam.create_role()
            .role_name(&name)
            .assume_role_policy_document(TRUST)
            .send()
            .await
            .unwrap();
        iam.put_role_policy()
            .role_name(&name)
            .policy_name("inline")
            .policy_document(allow("sqs:SendMessage"))
            .send()
            .await
            .unwrap();
        iam.attach_role_policy()
            .role_name(&name)
            .policy_arn(&policy_arn)
            .send()
            .await
            .unwrap();
        iam.attach_role_policy()
            .role_name(&name)
            .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
            .send()
            .await
            .unwrap();
        created.roles.push(name);
    }
    created
}

/// An organization made in moto: the management account and members in OUs.
#[derive(Debug)]
pub struct OrgFixture {
    pub root: String,
    pub prod: String,
    pub dev: String,
    pub members: Vec<String>,
    pub scp: String,
}

/// Creates an organization with `members` member accounts (in OUs `prod` and `prod/dev`), an
/// SCP on `prod`, and `roles` roles in every account, management included.
pub async fn organization(endpoint: &str, members: usize, roles: usize) -> OrgFixture {
    use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType};
    let config = management(endpoint).await;
    let org = aws_sdk_organizations::Client::new(&config);
    org.create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let root = org.list_roots().send().await.unwrap().roots.unwrap()[0]
        .id
        .clone()
        .unwrap();
    // SCPs apply once enabled on the root (already enabled in some moto versions).
    let _ = org
        .enable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::ServiceControlPolicy)
        .send()
        .await;
    let prod = org
        .create_organizational_unit()
        .parent_id(&root)
        .name("prod")
        .send()
        .await
        .unwrap()
        .organizational_unit
        .unwrap()
        .id
        .unwrap();
    let dev = org
        .create_organizational_unit()
        .parent_id(&prod)
        .name("dev")
        .send()
        .await
        .unwrap()
        .organizational_unit
        .unwrap()
        .id
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..members {
        let status = org
            .create_account()
            .email(format!("member{i}@example.com"))
            .account_name(format!("member-{i}"))
            .send()
            .await
            .unwrap()
            .create_account_status
            .unwrap();
        let id = status.account_id.unwrap();
        let target = if i % 2 == 0 { &prod } else { &dev };
        org.move_account()
            .account_id(&id)
            .source_parent_id(&root)
            .destination_parent_id(target)
            .send()
            .await
            .unwrap();
        ids.push(id);
    }
    let scp = org
        .create_policy()
        .name("deny-leave")
        .description("no leaving")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .policy_summary
        .unwrap()
        .id
        .unwrap();
    org.attach_policy()
        .policy_id(&scp)
        .target_id(&prod)
        .send()
        .await
        .unwrap();
    populate(&config, "mgmt", roles).await;
    for id in &ids {
        let member = member(endpoint, id).await;
        populate(&member, &format!("m{id}"), roles).await;
    }
    OrgFixture {
        root,
        prod,
        dev,
        members: ids,
        scp,
    }
}
