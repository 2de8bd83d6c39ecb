//! The evaluation benchmark's scenario, shared by `benches/eval.rs` and
//! `examples/export_bench_scenario.rs` (which writes it for the iam-simulate comparison,
//! `scripts/bench-vs-iam-simulate`).
//!
//! A realistic heavy policy set: a role with the AWS managed policies `ReadOnlyAccess` and
//! `AmazonEC2FullAccess` (from `iamwatch_catalog::ManagedPolicies`), five customer policies with
//! conditions, a permissions boundary, a three-level SCP tree and an S3 bucket policy. Requests
//! mix allowed, explicitly denied and implicitly denied outcomes.

use iamwatch_catalog::ManagedPolicies;
use iamwatch_policy::context::{Request, RequestContext, RequestPrincipal, RequestResource};
use iamwatch_policy::eval::{
    NamedPolicy, OrgLevel, OrgPolicyTree, PolicySet, ResourcePolicy, ResourcePolicyKind,
};
use iamwatch_policy::parse::parse_policy;

pub const ACCOUNT: &str = "111122223333";

fn named(name: &str, text: &str) -> NamedPolicy {
    match parse_policy(text) {
        Ok(policy) => NamedPolicy::new(name, policy),
        Err(error) => panic!("{name}: {error}"),
    }
}

fn managed(name: &str) -> NamedPolicy {
    let Some(policy) = ManagedPolicies::get().by_name(name) else {
        panic!("AWS managed policy {name} is not in the catalog");
    };
    named(policy.arn(), policy.default_document())
}

fn customer_policies() -> Vec<NamedPolicy> {
    let texts = [
        r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"HomeFolder","Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],
             "Resource":"arn:aws:s3:::data-bucket/home/${aws:PrincipalTag/team}/*",
             "Condition":{"Bool":{"aws:SecureTransport":"true"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}},
            {"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket",
             "Condition":{"StringLike":{"s3:prefix":["home/${aws:PrincipalTag/team}/*"]}}}]}"#,
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:DeleteItem"],
             "Resource":"arn:aws:dynamodb:*:111122223333:table/app-*",
             "Condition":{"ForAllValues:StringEquals":{"dynamodb:Attributes":["id","name","status"]},
                          "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}"#,
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage","sqs:DeleteMessage"],
             "Resource":"arn:aws:sqs:us-east-1:111122223333:jobs-*"},
            {"Effect":"Deny","Action":"sqs:*","Resource":"*",
             "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}]}"#,
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*",
             "Condition":{"StringLike":{"kms:ViaService":["s3.*.amazonaws.com","dynamodb.*.amazonaws.com"]},
                          "NumericLessThanEquals":{"aws:MultiFactorAuthAge":"3600"}}}]}"#,
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/app-*",
             "Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}},
            {"Effect":"Deny","NotAction":["iam:Get*","iam:List*","iam:PassRole","sts:GetCallerIdentity"],
             "Resource":"arn:aws:iam::*:*"}]}"#,
    ];
    texts
        .iter()
        .enumerate()
        .map(|(index, text)| named(&format!("customer-{index}"), text))
        .collect()
}

fn scp_tree() -> OrgPolicyTree {
    let full =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let region = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOtherRegions","Effect":"Deny",
        "NotAction":["iam:*","sts:*","organizations:*","support:*","cloudfront:*","route53:*"],"Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2","eu-west-1"]},
                     "ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/OrgAdmin"}}}]}"#;
    let guard = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Deny","Action":["organizations:LeaveOrganization","cloudtrail:StopLogging","cloudtrail:DeleteTrail",
         "guardduty:DeleteDetector","config:DeleteConfigurationRecorder","ec2:DeleteFlowLogs"],"Resource":"*"},
        {"Effect":"Deny","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*",
         "Condition":{"ForAnyValue:StringNotLike":{"ec2:InstanceType":["t3.*","m5.*"]}}}]}"#;
    OrgPolicyTree {
        levels: vec![
            OrgLevel {
                target: "r-root".into(),
                policies: vec![named("FullAWSAccess", full), named("region-guard", region)],
            },
            OrgLevel {
                target: "ou-prod".into(),
                policies: vec![named("FullAWSAccess", full), named("security-guard", guard)],
            },
            OrgLevel {
                target: ACCOUNT.into(),
                policies: vec![named("FullAWSAccess", full)],
            },
        ],
    }
}

fn boundary() -> NamedPolicy {
    named(
        "boundary",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["s3:*","ec2:*","dynamodb:*","sqs:*","kms:*","cloudwatch:*","logs:*",
              "iam:Get*","iam:List*","iam:PassRole","sts:*","lambda:*","sns:*","rds:Describe*"],"Resource":"*"},
            {"Effect":"Deny","Action":["iam:CreateUser","iam:AttachRolePolicy","iam:PutRolePolicy"],"Resource":"*"}]}"#,
    )
}

fn bucket_policy() -> ResourcePolicy {
    ResourcePolicy {
        kind: ResourcePolicyKind::Generic,
        policy: named(
            "data-bucket policy",
            r#"{"Version":"2012-10-17","Statement":[
                {"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*",
                 "Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"],
                 "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
                {"Sid":"OrgRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],
                 "Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"],
                 "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-exampleorg"}}},
                {"Sid":"Writer","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},
                 "Action":"s3:PutObject","Resource":"arn:aws:s3:::data-bucket/uploads/*"}]}"#,
        ),
    }
}

pub fn policy_set() -> PolicySet {
    let mut identity = vec![managed("ReadOnlyAccess"), managed("AmazonEC2FullAccess")];
    identity.extend(customer_policies());
    PolicySet {
        identity,
        permissions_boundary: Some(boundary()),
        session: Vec::new(),
        resource: Some(bucket_policy()),
        scps: Some(scp_tree()),
        rcps: None,
        vpc_endpoint: None,
    }
}

pub fn requests() -> Vec<RequestContext> {
    let mut principal =
        RequestPrincipal::parse("arn:aws:sts::111122223333:assumed-role/app/i-0abc").unwrap();
    principal.org_id = Some("o-exampleorg".into());
    principal.org_paths = vec!["o-exampleorg/r-root/ou-prod/".into()];
    principal.tags = vec![("team".into(), "blue".into())];
    let base = [
        (
            "s3:GetObject",
            "arn:aws:s3:::data-bucket/home/blue/report.csv",
        ),
        (
            "s3:PutObject",
            "arn:aws:s3:::data-bucket/home/blue/report.csv",
        ),
        (
            "s3:PutObject",
            "arn:aws:s3:::data-bucket/home/red/report.csv",
        ),
        ("ec2:DescribeInstances", "*"),
        (
            "ec2:RunInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/*",
        ),
        (
            "ec2:TerminateInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
        ),
        ("iam:CreateUser", "arn:aws:iam::111122223333:user/mallory"),
        ("iam:GetRole", "arn:aws:iam::111122223333:role/app"),
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:111122223333:table/app-orders",
        ),
        (
            "dynamodb:PutItem",
            "arn:aws:dynamodb:us-east-1:111122223333:table/app-orders",
        ),
        (
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111122223333:jobs-main",
        ),
        (
            "kms:Decrypt",
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
        (
            "cloudtrail:StopLogging",
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/main",
        ),
        (
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:111122223333:function:f",
        ),
        ("organizations:LeaveOrganization", "*"),
        ("s3:DeleteBucket", "arn:aws:s3:::data-bucket"),
    ];
    base.iter()
        .map(|(action, resource)| {
            let request = Request::new(principal.clone(), *action, RequestResource::new(*resource))
                .with_context("aws:SecureTransport", "true")
                .with_context("aws:SourceIp", "10.1.2.3")
                .with_context("aws:RequestedRegion", "us-east-1")
                .with_context("aws:CurrentTime", "2026-01-01T00:00:00Z")
                .with_context("aws:MultiFactorAuthAge", "120")
                .with_context("s3:prefix", "home/blue/")
                .with_context("ec2:InstanceType", "t3.micro");
            RequestContext::new(request).unwrap()
        })
        .collect()
}
