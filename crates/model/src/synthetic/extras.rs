//! An account's credential report and resources.

use serde_json::json;

use crate::credential_report::{
    AccessKeyColumns, CertificateColumns, CredentialReport, CredentialReportRow, ReportUser,
    ReportValue,
};
use crate::document::PolicyDocument;
use crate::iam::AccountAuthorization;
use crate::resource::{Resource, ResourcePolicies, ResourceType};
use crate::synthetic::OrgSpec;
use crate::synthetic::account::{Frame, arn, days_ago, policy};
use crate::synthetic::org::{AccountKind, AccountPlan};
use crate::synthetic::rng::Rng;

pub(crate) fn credential_report(
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

pub(crate) fn resources(
    spec: &OrgSpec,
    plan: &AccountPlan,
    frame: &Frame,
    rng: &mut Rng,
) -> ResourcePolicies {
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
