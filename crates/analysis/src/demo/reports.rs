//! The demo accounts' credential reports, password policies, account summaries, identity
//! providers and resource policies.

use std::collections::BTreeMap;

use serde_json::json;

use iamwatch_model::{
    AccessKeyColumns, AccountPasswordPolicy, AccountSummary, CertificateColumns, CredentialReport,
    CredentialReportRow, IdentityProviders, OidcProvider, PasswordPolicy, ReportUser, ReportValue,
    Resource, ResourcePolicies, ResourceType, SamlProvider, Tag,
};

use super::{Built, DEV, MANAGEMENT, NOW, PROD, SANDBOX, SECURITY, account_id, arn, doc, ts};
use crate::demo::org::ORG_ID;

/// An active access key: last rotated, and last used (date, region, service) if ever.
struct Key {
    rotated: &'static str,
    used: Option<(&'static str, &'static str, &'static str)>,
}

/// One user's credentials.
struct Creds {
    user: Option<&'static str>,
    created: &'static str,
    /// Last used (if ever) and last changed.
    password: Option<(Option<&'static str>, &'static str)>,
    mfa: bool,
    keys: [Option<Key>; 2],
}

fn creds(account: &str) -> Vec<Creds> {
    let root = |created, password_used: Option<&'static str>, mfa, key: Option<Key>| Creds {
        user: None,
        created,
        password: Some((password_used, "")),
        mfa,
        keys: [key, None],
    };
    match account {
        MANAGEMENT => vec![
            root(
                "2019-03-01T09:00:00Z",
                Some("2026-06-01T08:00:00Z"),
                true,
                None,
            ),
            Creds {
                user: Some("alice"),
                created: "2019-03-02T09:30:00Z",
                password: Some((Some("2026-10-30T08:15:00Z"), "2026-01-10T10:00:00Z")),
                mfa: true,
                keys: [
                    Some(Key {
                        rotated: "2026-09-01T10:00:00Z",
                        used: Some(("2026-10-31T17:00:00Z", "us-east-1", "iam")),
                    }),
                    None,
                ],
            },
            Creds {
                user: Some("bob"),
                created: "2022-08-15T11:00:00Z",
                password: Some((Some("2026-10-29T09:00:00Z"), "2025-11-01T09:00:00Z")),
                mfa: false,
                keys: [None, None],
            },
        ],
        SECURITY => vec![root(
            "2019-03-04T10:15:00Z",
            Some("2025-12-01T12:00:00Z"),
            true,
            None,
        )],
        PROD => vec![
            root("2019-05-20T08:30:00Z", None, true, None),
            Creds {
                user: Some("ci-deployer"),
                created: "2025-06-01T08:00:00Z",
                password: None,
                mfa: false,
                keys: [
                    Some(Key {
                        rotated: "2025-06-01T08:05:00Z",
                        used: Some(("2026-10-31T20:00:00Z", "us-east-1", "lambda")),
                    }),
                    Some(Key {
                        rotated: "2026-09-15T10:00:00Z",
                        used: Some(("2026-09-20T10:00:00Z", "us-east-1", "s3")),
                    }),
                ],
            },
            Creds {
                user: Some("carol"),
                created: "2021-09-01T09:00:00Z",
                password: Some((Some("2026-10-31T09:00:00Z"), "2026-05-01T09:00:00Z")),
                mfa: true,
                keys: [None, None],
            },
        ],
        DEV => vec![
            root(
                "2020-01-13T14:00:00Z",
                Some("2026-10-25T22:10:00Z"),
                true,
                None,
            ),
            Creds {
                user: Some("dave"),
                created: "2020-02-01T09:00:00Z",
                password: Some((Some("2026-10-31T09:30:00Z"), "2026-04-01T09:00:00Z")),
                mfa: true,
                keys: [None, None],
            },
            Creds {
                user: Some("old-contractor"),
                created: "2025-10-01T09:00:00Z",
                password: Some((Some("2026-02-01T16:00:00Z"), "2025-10-01T09:05:00Z")),
                mfa: true,
                keys: [None, None],
            },
        ],
        SANDBOX => vec![root(
            "2023-06-01T12:00:00Z",
            None,
            false,
            Some(Key {
                rotated: "2024-02-01T10:00:00Z",
                used: Some(("2026-08-01T10:00:00Z", "us-east-1", "sts")),
            }),
        )],
        _ => Vec::new(),
    }
}

fn value<T>(value: T) -> ReportValue<T> {
    ReportValue::Value(value)
}

fn key_columns(key: Option<&Key>) -> Built<AccessKeyColumns> {
    Ok(match key {
        None => AccessKeyColumns {
            active: value(false),
            last_rotated: ReportValue::NotApplicable,
            last_used_date: ReportValue::NotApplicable,
            last_used_region: ReportValue::NotApplicable,
            last_used_service: ReportValue::NotApplicable,
        },
        Some(key) => {
            let (date, region, service) = match key.used {
                Some((date, region, service)) => (
                    value(ts(date)?),
                    value(region.to_owned()),
                    value(service.to_owned()),
                ),
                None => (
                    ReportValue::NotApplicable,
                    ReportValue::NotApplicable,
                    ReportValue::NotApplicable,
                ),
            };
            AccessKeyColumns {
                active: value(true),
                last_rotated: value(ts(key.rotated)?),
                last_used_date: date,
                last_used_region: region,
                last_used_service: service,
            }
        }
    })
}

fn no_certificate() -> CertificateColumns {
    CertificateColumns {
        active: value(false),
        last_rotated: ReportValue::NotApplicable,
    }
}

pub(crate) fn credential_report(account: &str) -> Built<CredentialReport> {
    let mut rows = Vec::new();
    for c in creds(account) {
        let [key_1, key_2] = &c.keys;
        let row = match c.user {
            None => CredentialReportRow {
                user: ReportUser::Root,
                arn: arn(&format!("arn:aws:iam::{account}:root"))?,
                user_creation_time: value(ts(c.created)?),
                password_enabled: ReportValue::NotSupported,
                password_last_used: match c.password.and_then(|(used, _)| used) {
                    Some(used) => value(ts(used)?),
                    None => ReportValue::NoInformation,
                },
                password_last_changed: ReportValue::NotSupported,
                password_next_rotation: ReportValue::NotSupported,
                mfa_active: value(c.mfa),
                access_key_1: key_columns(key_1.as_ref())?,
                access_key_2: key_columns(key_2.as_ref())?,
                cert_1: no_certificate(),
                cert_2: no_certificate(),
            },
            Some(user) => {
                let (enabled, used, changed) = match c.password {
                    Some((used, changed)) => (
                        value(true),
                        match used {
                            Some(used) => value(ts(used)?),
                            None => ReportValue::NoInformation,
                        },
                        value(ts(changed)?),
                    ),
                    None => (
                        value(false),
                        ReportValue::NotApplicable,
                        ReportValue::NotApplicable,
                    ),
                };
                CredentialReportRow {
                    user: ReportUser::User(user.to_owned()),
                    arn: arn(&format!("arn:aws:iam::{account}:user/{user}"))?,
                    user_creation_time: value(ts(c.created)?),
                    password_enabled: enabled,
                    password_last_used: used,
                    password_last_changed: changed,
                    password_next_rotation: ReportValue::NotApplicable,
                    mfa_active: value(c.mfa),
                    access_key_1: key_columns(key_1.as_ref())?,
                    access_key_2: key_columns(key_2.as_ref())?,
                    cert_1: no_certificate(),
                    cert_2: no_certificate(),
                }
            }
        };
        rows.push(row);
    }
    let mut report = CredentialReport {
        account_id: account_id(account)?,
        generated_time: Some(ts(NOW)?),
        rows,
    };
    report.normalize();
    Ok(report)
}

fn strong_policy(minimum_length: u32) -> PasswordPolicy {
    PasswordPolicy {
        minimum_password_length: Some(minimum_length),
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        expire_passwords: false,
        max_password_age: None,
        password_reuse_prevention: Some(24),
        hard_expiry: Some(false),
    }
}

pub(crate) fn password_policy(account: &str) -> Built<AccountPasswordPolicy> {
    let policy = match account {
        MANAGEMENT | SECURITY => Some(strong_policy(14)),
        PROD => Some(strong_policy(16)),
        // Short, no symbols, no reuse prevention (password-policy-weak).
        DEV => Some(PasswordPolicy {
            minimum_password_length: Some(8),
            require_symbols: false,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            expire_passwords: true,
            max_password_age: Some(90),
            password_reuse_prevention: None,
            hard_expiry: Some(false),
        }),
        // No policy at all (password-policy-weak).
        _ => None,
    };
    Ok(AccountPasswordPolicy {
        account_id: account_id(account)?,
        policy,
    })
}

pub(crate) fn summary(account: &'static str) -> Built<AccountSummary> {
    let iam = super::accounts::iam(account)?;
    let creds = creds(account);
    let root = creds.iter().find(|c| c.user.is_none());
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let values: BTreeMap<String, u64> = [
        ("AccountMFAEnabled", u64::from(root.is_some_and(|r| r.mfa))),
        (
            "AccountAccessKeysPresent",
            u64::from(root.is_some_and(|r| r.keys.iter().any(Option::is_some))),
        ),
        ("Users", count(iam.users.len())),
        ("Groups", count(iam.groups.len())),
        ("Roles", count(iam.roles.len())),
        ("Policies", count(iam.policies.len())),
        ("UsersQuota", 5000),
        ("GroupsQuota", 300),
        ("RolesQuota", 1000),
        ("PoliciesQuota", 1500),
        (
            "MFADevicesInUse",
            count(creds.iter().filter(|c| c.mfa).count()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Ok(AccountSummary {
        account_id: account_id(account)?,
        values,
    })
}

fn github_provider(account: &str) -> Built<OidcProvider> {
    Ok(OidcProvider {
        arn: arn(&format!(
            "arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
        ))?,
        url: Some("token.actions.githubusercontent.com".to_owned()),
        client_ids: vec!["sts.amazonaws.com".to_owned()],
        thumbprints: vec!["6938fd4d98bab03faadb97b34396831e3780aea1".to_owned()],
        create_date: Some(ts("2024-01-30T10:00:00Z")?),
        tags: Vec::new(),
    })
}

pub(crate) fn identity_providers(account: &str) -> Built<IdentityProviders> {
    let mut providers = IdentityProviders {
        account_id: account_id(account)?,
        oidc: Vec::new(),
        saml: Vec::new(),
    };
    match account {
        MANAGEMENT => providers.saml.push(SamlProvider {
            arn: arn(&format!("arn:aws:iam::{account}:saml-provider/Okta"))?,
            create_date: Some(ts("2024-02-28T10:00:00Z")?),
            valid_until: Some(ts("2126-02-28T10:00:00Z")?),
            metadata_document: None,
            tags: vec![Tag::new("idp", "okta")],
        }),
        PROD => providers.oidc.push(github_provider(account)?),
        DEV => {
            providers.oidc.push(github_provider(account)?);
            providers.oidc.push(OidcProvider {
                arn: arn(&format!(
                    "arn:aws:iam::{account}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
                ))?,
                url: Some(
                    "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
                        .to_owned(),
                ),
                client_ids: vec!["sts.amazonaws.com".to_owned()],
                thumbprints: vec!["9e99a48a9960b14926bb7f3b02e22da2b0ab7280".to_owned()],
                create_date: Some(ts("2025-03-03T09:00:00Z")?),
                tags: Vec::new(),
            });
        }
        _ => {}
    }
    providers.normalize();
    Ok(providers)
}

pub(crate) fn resources(account: &str) -> Built<Vec<ResourcePolicies>> {
    let mut resources = Vec::new();
    match account {
        PROD => {
            let bucket_policy = json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": ["arn:aws:s3:::example-prod-reports", "arn:aws:s3:::example-prod-reports/*"],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                {"Sid": "SecurityAccountRead", "Effect": "Allow",
                 "Principal": {"AWS": format!("arn:aws:iam::{SECURITY}:root")},
                 "Action": ["s3:GetObject", "s3:ListBucket"],
                 "Resource": ["arn:aws:s3:::example-prod-reports", "arn:aws:s3:::example-prod-reports/*"]}
            ]});
            let key_policy = json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "EnableIAMPolicies", "Effect": "Allow",
                 "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                 "Action": "kms:*", "Resource": "*"},
                {"Sid": "AppServerDecrypt", "Effect": "Allow",
                 "Principal": {"AWS": format!("arn:aws:iam::{account}:role/app-server")},
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}
            ]});
            resources.push(ResourcePolicies {
                account_id: account_id(account)?,
                region: Some("us-east-1".to_owned()),
                resources: vec![
                    Resource {
                        arn: arn("arn:aws:s3:::example-prod-reports")?,
                        resource_type: ResourceType::S3Bucket,
                        account_id: account_id(account)?,
                        region: Some("us-east-1".to_owned()),
                        name: "example-prod-reports".to_owned(),
                        policy: Some(doc(&bucket_policy.to_string())?),
                        tags: vec![Tag::new("data-classification", "internal")],
                    },
                    Resource {
                        arn: arn(&format!(
                            "arn:aws:kms:us-east-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                        ))?,
                        resource_type: ResourceType::KmsKey,
                        account_id: account_id(account)?,
                        region: Some("us-east-1".to_owned()),
                        name: "1234abcd-12ab-34cd-56ef-1234567890ab".to_owned(),
                        policy: Some(doc(&key_policy.to_string())?),
                        tags: Vec::new(),
                    },
                ],
            });
        }
        SANDBOX => {
            let queue_policy = json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "OrganizationProducers", "Effect": "Allow", "Principal": "*",
                 "Action": "sqs:SendMessage",
                 "Resource": format!("arn:aws:sqs:us-east-1:{account}:demo-events"),
                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}}
            ]});
            resources.push(ResourcePolicies {
                account_id: account_id(account)?,
                region: Some("us-east-1".to_owned()),
                resources: vec![Resource {
                    arn: arn(&format!("arn:aws:sqs:us-east-1:{account}:demo-events"))?,
                    resource_type: ResourceType::SqsQueue,
                    account_id: account_id(account)?,
                    region: Some("us-east-1".to_owned()),
                    name: "demo-events".to_owned(),
                    policy: Some(doc(&queue_policy.to_string())?),
                    tags: Vec::new(),
                }],
            });
        }
        _ => {}
    }
    for policies in &mut resources {
        policies.normalize();
    }
    Ok(resources)
}
