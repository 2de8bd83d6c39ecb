use iamwatch_model::import::{Format, ImportError, import_bytes, import_file, import_path};
use iamwatch_model::{
    AccountId, AccountStatus, OrgNodeId, OrgPolicyType, Payload, ReportUser, ReportValue,
    ResourceType, SnapshotSource,
};

use crate::{fixture, import, import_err, options};

fn report(name: &str) -> iamwatch_model::CredentialReport {
    let imported = import(name);
    let [snapshot] = imported.snapshots.as_slice() else {
        panic!()
    };
    assert_eq!(snapshot.source, SnapshotSource::CredentialReport);
    match &snapshot.payload {
        Payload::CredentialReport(report) => report.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn credential_report_value_kinds() {
    let report = report("credential-report.csv");
    assert_eq!(report.account_id.as_str(), "123456789012");
    assert_eq!(report.rows.len(), 4);
    let root = report.root().unwrap();
    assert_eq!(root.user, ReportUser::Root);
    assert_eq!(root.password_enabled, ReportValue::NotSupported);
    assert_eq!(root.password_next_rotation, ReportValue::NotSupported);
    assert_eq!(root.mfa_active, ReportValue::Value(true));
    assert_eq!(root.access_key_1.last_rotated, ReportValue::NotApplicable);
    assert!(root.password_last_used.value().is_some());

    let alice = report
        .rows
        .iter()
        .find(|r| r.user == ReportUser::User("alice".into()))
        .unwrap();
    assert_eq!(alice.password_enabled, ReportValue::Value(true));
    assert_eq!(alice.access_key_1.active, ReportValue::Value(true));
    assert_eq!(
        alice.access_key_1.last_used_region,
        ReportValue::Value("eu-west-1".to_owned())
    );
    assert_eq!(
        alice.access_key_1.last_used_service,
        ReportValue::Value("s3".to_owned())
    );
    assert_eq!(
        alice.access_key_2.last_used_date,
        ReportValue::NotApplicable
    );
    assert_eq!(
        alice
            .access_key_1
            .last_used_date
            .value()
            .unwrap()
            .to_string(),
        "2024-04-30T09:15:00Z"
    );

    let jose = report
        .rows
        .iter()
        .find(|r| r.user == ReportUser::User("josé-日本".into()))
        .unwrap();
    assert_eq!(jose.password_last_used, ReportValue::NoInformation);
    assert_eq!(jose.cert_1.active, ReportValue::Value(true));
    let bot = report
        .rows
        .iter()
        .find(|r| r.user == ReportUser::User("ci-bot".into()))
        .unwrap();
    assert_eq!(bot.access_key_1.last_used_date, ReportValue::NoInformation);
}

#[test]
fn credential_report_base64_and_json_are_the_same_report() {
    let csv = import("credential-report.csv");
    let b64 = import("credential-report.b64");
    assert_eq!(b64.format, Format::CredentialReportBase64);
    assert_eq!(csv.snapshots[0].content_hash, b64.snapshots[0].content_hash);
    let json = import("get-credential-report.json");
    assert_eq!(json.format, Format::CredentialReportJson);
    assert_eq!(
        json.snapshots[0].taken_at.to_string(),
        "2024-05-01T06:00:00Z"
    );
    let Payload::CredentialReport(report) = &json.snapshots[0].payload else {
        panic!()
    };
    assert!(report.generated_time.is_some());
    assert_eq!(report.rows.len(), 4);
}

#[test]
fn credential_report_errors_have_lines() {
    let error = import_err("credential-report-truncated.csv");
    let ImportError::Csv { line, message, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!(*line, 3);
    assert!(message.contains("cut short"), "{message}");

    let error = import_err("credential-report-bad-date.csv");
    let ImportError::Invalid(invalid) = &error else {
        panic!("{error}")
    };
    assert_eq!(invalid.line(), Some(3));
    assert_eq!(invalid.at(), "password_last_used");
    assert!(
        invalid.message().contains("`yesterday` is not a timestamp"),
        "{error}"
    );

    let error = import_err("credential-report-missing-column.csv");
    assert!(
        error.to_string().contains("no `mfa_active` column"),
        "{error}"
    );
}

#[test]
fn organizations_bundle() {
    let imported = import("organizations.json");
    assert_eq!(imported.format, Format::OrganizationsBundle);
    let snapshot = &imported.snapshots[0];
    assert_eq!(snapshot.taken_at.to_string(), "2024-05-01T06:00:00Z");
    let Payload::Organization(org) = &snapshot.payload else {
        panic!()
    };
    assert_eq!(org.id.as_str(), "o-exampleorg1");
    assert_eq!(org.management_account_id.as_str(), "111111111111");
    assert_eq!(org.roots.len(), 1);
    assert_eq!(org.organizational_units.len(), 3);
    assert_eq!(org.accounts.len(), 4);
    assert!(org.policy_type_enabled(OrgPolicyType::ResourceControlPolicy));

    let payments = org
        .account(&AccountId::parse("222222222222").unwrap())
        .unwrap();
    assert_eq!(payments.status, AccountStatus::Suspended);
    let path: Vec<&str> = payments.parent_path.iter().map(OrgNodeId::as_str).collect();
    assert_eq!(path, ["r-ex12", "ou-ex12-prod0001", "ou-ex12-pay00001"]);
    assert_eq!(
        org.org_path(&payments.id).unwrap(),
        "o-exampleorg1/r-ex12/ou-ex12-prod0001/ou-ex12-pay00001/"
    );
    let tooling = org
        .account(&AccountId::parse("210987654321").unwrap())
        .unwrap();
    assert!(tooling.joined_timestamp.is_some(), "epoch seconds are read");

    let scps = org
        .policies
        .iter()
        .filter(|p| p.kind == OrgPolicyType::ServiceControlPolicy)
        .count();
    assert_eq!(scps, 3);
    let region = org
        .policies
        .iter()
        .find(|p| p.name == "deny-outside-eu")
        .unwrap();
    assert_eq!(
        region.targets,
        [OrgNodeId::parse("ou-ex12-prod0001").unwrap()]
    );
    assert!(region.document.parse().is_ok());
    let full = org
        .policies
        .iter()
        .find(|p| p.name == "FullAWSAccess")
        .unwrap();
    assert!(full.aws_managed);
    assert_eq!(full.targets.len(), 8);

    assert_eq!(org.delegated_administrators.len(), 1);
    assert_eq!(
        org.delegated_administrators[0].service_principals,
        ["guardduty.amazonaws.com", "securityhub.amazonaws.com"]
    );
}

#[test]
fn organizations_bundle_without_a_policy_document_is_refused() {
    let error = import_err("organizations-missing-policy.json");
    assert!(
        error
            .to_string()
            .contains("policy `p-examplereg1` has no `organizations describe-policy` output"),
        "{error}"
    );
}

#[test]
fn account_bundle() {
    let imported = import("account.json");
    assert_eq!(imported.format, Format::AccountBundle);
    let sources: Vec<SnapshotSource> = imported.snapshots.iter().map(|s| s.source).collect();
    assert_eq!(
        sources,
        [
            SnapshotSource::PasswordPolicy,
            SnapshotSource::AccountSummary,
            SnapshotSource::IdentityProviders
        ]
    );
    let Payload::PasswordPolicy(policy) = &imported.snapshots[0].payload else {
        panic!()
    };
    let policy = policy.policy.as_ref().unwrap();
    assert_eq!(policy.minimum_password_length, Some(14));
    assert_eq!(policy.max_password_age, None);
    assert!(!policy.expire_passwords);
    let Payload::AccountSummary(summary) = &imported.snapshots[1].payload else {
        panic!()
    };
    assert_eq!(summary.root_mfa_enabled(), Some(true));
    assert_eq!(summary.root_access_keys_present(), Some(false));
    let Payload::IdentityProviders(providers) = &imported.snapshots[2].payload else {
        panic!()
    };
    assert_eq!(providers.oidc.len(), 1);
    assert_eq!(providers.oidc[0].client_ids, ["sts.amazonaws.com"]);
    assert_eq!(
        providers.oidc[0].url.as_deref(),
        Some("token.actions.githubusercontent.com")
    );
    assert_eq!(providers.saml.len(), 1);
    assert!(providers.saml[0].metadata_document.is_some());

    let none = import("account-no-password-policy.json");
    let [snapshot] = none.snapshots.as_slice() else {
        panic!()
    };
    let Payload::PasswordPolicy(policy) = &snapshot.payload else {
        panic!()
    };
    assert_eq!(policy.policy, None);
}

#[test]
fn bare_password_policy_needs_the_account() {
    let error = import_err("password-policy.json");
    assert!(
        matches!(error, ImportError::MissingAccount { .. }),
        "{error}"
    );
    let imported = import_file(
        &fixture("password-policy.json"),
        &options().account(AccountId::parse("123456789012").unwrap()),
    )
    .unwrap();
    assert_eq!(imported.format, Format::PasswordPolicy);
}

#[test]
fn resource_policies_bundle() {
    let imported = import("resource-policies.json");
    assert_eq!(imported.format, Format::ResourcePoliciesBundle);
    let Payload::ResourcePolicies(resources) = &imported.snapshots[0].payload else {
        panic!()
    };
    let by_arn = |arn: &str| {
        resources
            .resources
            .iter()
            .find(|r| r.arn.as_str() == arn)
            .unwrap_or_else(|| panic!("{arn} in {:#?}", resources.resources))
    };
    let bucket = by_arn("arn:aws:s3:::example-data-bucket");
    assert_eq!(bucket.resource_type, ResourceType::S3Bucket);
    assert!(
        bucket
            .policy
            .as_ref()
            .unwrap()
            .as_str()
            .contains("210987654321")
    );
    assert_eq!(by_arn("arn:aws:s3:::example-logs-bucket").policy, None);
    let key = by_arn("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    assert_eq!(key.resource_type, ResourceType::KmsKey);
    assert_eq!(key.region.as_deref(), Some("eu-west-1"));
    assert!(
        by_arn("arn:aws:sqs:eu-west-1:123456789012:jobs")
            .policy
            .is_some()
    );
    assert!(
        by_arn("arn:aws:sqs:eu-west-1:123456789012:dead-letters")
            .policy
            .is_none()
    );
    assert!(
        by_arn("arn:aws:sns:eu-west-1:123456789012:events")
            .policy
            .is_some()
    );
    assert!(
        by_arn("arn:aws:lambda:eu-west-1:123456789012:function:handler")
            .policy
            .is_some()
    );
    assert!(
        by_arn("arn:aws:lambda:eu-west-1:123456789012:function:no-policy-fn")
            .policy
            .is_none()
    );
    assert_eq!(
        by_arn("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-password-AbCdEf").name,
        "db-password"
    );
    assert!(
        by_arn("arn:aws:ecr:eu-west-1:123456789012:repository/web")
            .policy
            .is_some()
    );
    assert!(
        by_arn("arn:aws:events:eu-west-1:123456789012:event-bus/default")
            .policy
            .is_some()
    );
    assert!(
        by_arn("arn:aws:glue:eu-west-1:123456789012:catalog")
            .policy
            .is_some()
    );
    assert!(
        by_arn("arn:aws:es:eu-west-1:123456789012:domain/search")
            .policy
            .is_some()
    );
    let api = by_arn("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5");
    assert_eq!(api.name, "public-api");
    assert!(
        api.policy.as_ref().unwrap().parse().is_ok(),
        "escaped quotes are undone"
    );
    assert_eq!(api.tags.len(), 1);
    let vault = by_arn("arn:aws:backup:eu-west-1:123456789012:backup-vault:main");
    assert_eq!(
        vault.resource_type,
        ResourceType::Other("AWS::Backup::BackupVault".into())
    );
    assert_eq!(resources.resources.len(), 15);
    for resource in &resources.resources {
        if let Some(policy) = &resource.policy {
            policy
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", resource.arn));
        }
    }
}

#[test]
fn aws_config_snapshot() {
    let imported = import("config-snapshot.json");
    assert_eq!(imported.format, Format::AwsConfig);
    let [snapshot] = imported.snapshots.as_slice() else {
        panic!()
    };
    assert_eq!(snapshot.source, SnapshotSource::AwsConfig);
    assert_eq!(snapshot.taken_at.to_string(), "2024-04-30T12:00:00Z");
    let Payload::Iam(account) = &snapshot.payload else {
        panic!()
    };
    assert_eq!(account.users.len(), 1, "the deleted user is dropped");
    assert_eq!(account.users[0].groups, ["readers"], "the latest item wins");
    assert_eq!(account.groups.len(), 1);
    let role = &account.roles[0];
    assert_eq!(role.path, "/service/");
    assert!(
        role.trust_policy
            .as_ref()
            .unwrap()
            .as_str()
            .contains("lambda.amazonaws.com")
    );
    assert!(
        role.inline_policies[0]
            .document
            .as_str()
            .contains("aws:PrincipalTag/team")
    );
    assert_eq!(role.tags[0].key, "team");
    assert_eq!(
        role.last_used.as_ref().unwrap().region.as_deref(),
        Some("eu-west-1")
    );
    assert_eq!(account.policies.len(), 1);
    assert_eq!(account.policies[0].default_version_id, "v1");
    let aws: Vec<&str> = account
        .aws_managed_policies
        .iter()
        .map(|p| p.arn.as_str())
        .collect();
    assert_eq!(
        aws,
        [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        ]
    );
}

#[test]
fn aws_config_errors() {
    let error = import_err("config-batch-wrong-account.json");
    assert!(
        error
            .to_string()
            .contains("is not in account `210987654321`"),
        "{error}"
    );
    let error = import_err("config-no-iam.json");
    assert!(
        error.to_string().contains("holds no `AWS::IAM::User`"),
        "{error}"
    );
}

#[test]
fn foreign_files_are_named() {
    let error = import_err("cloudtrail.json");
    assert_eq!(
        error.to_string(),
        format!(
            "`{}` looks like a CloudTrail log (`Records`), which `import` does not read",
            fixture("cloudtrail.json").display()
        )
    );
    let error = import_err("list-roles.json");
    assert!(
        error
            .to_string()
            .contains("`aws iam list-roles` output (`Roles`)"),
        "{error}"
    );
    let error = import_err("random.txt");
    assert!(matches!(error, ImportError::Unknown { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("text starting with `hello world`"),
        "{error}"
    );

    let cases: [(&[u8], &str); 6] = [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (
            b"<GetAccountAuthorizationDetailsResponse>",
            "looks like XML",
        ),
        (b"\x1f\x8b\x08\x00", "gzip-compressed"),
        (
            br#"{"Version": "2012-10-17", "Statement": []}"#,
            "a policy document",
        ),
        (br#"{"a": 1, "b": 2}"#, "a JSON object with keys `a`, `b`"),
    ];
    for (bytes, expected) in cases {
        let error = import_bytes("x.json".as_ref(), bytes, &options()).unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn invalid_json_has_a_position() {
    let error = import_bytes(
        "org.json".as_ref(),
        b"{\"iamwatch-bundle\": \"organizations\",\n  \"x\": [1, 2,]\n}",
        &options(),
    )
    .unwrap_err();
    let ImportError::Json { line, column, .. } = error else {
        panic!("{error}")
    };
    assert_eq!((line, column), (2, 14));
}

#[test]
fn a_directory_imports_every_file() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "gaad-cli.json",
        "credential-report.csv",
        "organizations.json",
        "account.json",
    ] {
        std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    }
    std::fs::write(dir.path().join(".hidden"), "x").unwrap();
    let imported = import_path(dir.path(), &options()).unwrap();
    assert_eq!(imported.len(), 4);
    let snapshots: usize = imported.iter().map(|f| f.snapshots.len()).sum();
    assert_eq!(snapshots, 6);
}
