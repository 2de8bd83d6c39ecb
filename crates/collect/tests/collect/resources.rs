//! Resource policies against moto: an S3 bucket policy, a KMS key policy, an SQS queue policy,
//! an SNS topic policy, a Lambda permission and a Secrets Manager resource policy, created
//! through the SDK, then collected in the account's enabled regions (EC2 `DescribeRegions`,
//! the collector's hand-made signed call).

use iamwatch_collect::{AccountResult, Targets};
use iamwatch_model::{Payload, Resource, ResourceType, SnapshotSource};

use crate::support::moto::Moto;
use crate::support::setup;

fn statement(principal: &str, action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"iamwatch","Effect":"Allow","Principal":{principal},"Action":"{action}","Resource":"{resource}"}}]}}"#
    )
}

/// The smallest valid zip archive (an end-of-central-directory record and nothing else):
/// moto stores function code without running it.
const EMPTY_ZIP: [u8; 22] = [
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_policies_of_every_service() {
    let moto = Moto::start();
    let endpoint = moto.endpoint();
    let config = setup::management(&endpoint).await;
    let account = setup::MANAGEMENT;
    let other = r#"{"AWS":"arn:aws:iam::210987654321:root"}"#;

    // S3: one bucket with a policy, one without.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    for bucket in ["shared-reports", "private-logs"] {
        s3.create_bucket().bucket(bucket).send().await.unwrap();
    }
    s3.put_bucket_policy()
        .bucket("shared-reports")
        .policy(statement(
            other,
            "s3:GetObject",
            "arn:aws:s3:::shared-reports/*",
        ))
        .send()
        .await
        .unwrap();

    let kms = aws_sdk_kms::Client::new(&config);
    let key = kms
        .create_key()
        .policy(statement(other, "kms:Decrypt", "*"))
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap();

    let sqs = aws_sdk_sqs::Client::new(&config);
    let queue_arn = format!("arn:aws:sqs:us-east-1:{account}:orders");
    sqs.create_queue()
        .queue_name("orders")
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::Policy,
            statement(other, "sqs:SendMessage", &queue_arn),
        )
        .send()
        .await
        .unwrap();

    let sns = aws_sdk_sns::Client::new(&config);
    let topic_arn = sns
        .create_topic()
        .name("alerts")
        .send()
        .await
        .unwrap()
        .topic_arn
        .unwrap();
    sns.set_topic_attributes()
        .topic_arn(&topic_arn)
        .attribute_name("Policy")
        .attribute_value(statement(other, "sns:Publish", &topic_arn))
        .send()
        .await
        .unwrap();

    let secrets = aws_sdk_secretsmanager::Client::new(&config);
    let secret_arn = secrets
        .create_secret()
        .name("db-password")
        .secret_string("hunter2")
        .send()
        .await
        .unwrap()
        .arn
        .unwrap();
    secrets
        .put_resource_policy()
        .secret_id(&secret_arn)
        .resource_policy(statement(other, "secretsmanager:GetSecretValue", "*"))
        .send()
        .await
        .unwrap();

    // Lambda: moto creates and describes functions without Docker (only Invoke needs it).
    let iam = aws_sdk_iam::Client::new(&config);
    let role_arn = iam
        .create_role()
        .role_name("lambda-exec")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    let lambda = aws_sdk_lambda::Client::new(&config);
    lambda
        .create_function()
        .function_name("resize")
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .role(&role_arn)
        .handler("index.handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_smithy_types::Blob::new(EMPTY_ZIP.to_vec()))
                .build(),
        )
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name("resize")
        .statement_id("s3-invoke")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_arn("arn:aws:s3:::shared-reports")
        .send()
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut settings = setup::settings(&endpoint, dir.path());
    settings.targets = Targets::Caller;
    // The enabled regions from DescribeRegions, not a list.
    settings.regions = None;
    let (report, sink) = setup::collect_in_memory(&settings).await;
    assert!(report.is_complete(), "{report:#?}");
    let [outcome] = report.accounts.as_slice() else {
        panic!("one account: {report:#?}")
    };
    assert_eq!(outcome.result, AccountResult::Collected { snapshots: 6 });
    let calls = &outcome.calls;
    assert_eq!(calls.get("ec2:DescribeRegions").calls, 1, "{calls:?}");
    // Every regional listing ran once in each region DescribeRegions named (moto names them
    // all), S3's once in all.
    let regions = calls.get("kms:ListKeys").calls;
    assert!(regions > 10, "{calls:?}");
    for api in [
        "sqs:ListQueues",
        "sns:ListTopics",
        "lambda:ListFunctions",
        "secretsmanager:ListSecrets",
    ] {
        assert_eq!(calls.get(api).calls, regions, "{api}: {calls:?}");
    }
    assert_eq!(calls.get("s3:ListBuckets").calls, 1, "{calls:?}");

    let commits = sink.commits();
    let snapshot = commits[0]
        .iter()
        .find(|s| s.source == SnapshotSource::ResourcePolicies)
        .unwrap();
    let Payload::ResourcePolicies(found) = &snapshot.payload else {
        panic!("{:?}", snapshot.payload)
    };
    assert_eq!(found.account_id.as_str(), account);
    let find = |kind: ResourceType, name: &str| -> &Resource {
        found
            .resources
            .iter()
            .find(|r| r.resource_type == kind && r.name == name)
            .unwrap_or_else(|| panic!("{kind:?} {name} in {:#?}", found.resources))
    };
    let policy = |resource: &Resource| resource.policy.as_ref().unwrap().as_str().to_owned();

    let bucket = find(ResourceType::S3Bucket, "shared-reports");
    assert_eq!(bucket.arn.as_str(), "arn:aws:s3:::shared-reports");
    assert_eq!(bucket.region.as_deref(), Some("us-east-1"));
    assert!(
        policy(bucket).contains("s3:GetObject"),
        "{}",
        policy(bucket)
    );
    assert!(policy(bucket).contains("210987654321"));
    assert_eq!(find(ResourceType::S3Bucket, "private-logs").policy, None);

    let key_resource = find(ResourceType::KmsKey, &key.key_id);
    assert_eq!(Some(key_resource.arn.as_str()), key.arn.as_deref());
    assert!(policy(key_resource).contains("kms:Decrypt"));

    let queue = find(ResourceType::SqsQueue, "orders");
    assert_eq!(queue.arn.as_str(), queue_arn);
    assert!(
        policy(queue).contains("sqs:SendMessage"),
        "{}",
        policy(queue)
    );

    let topic = find(ResourceType::SnsTopic, "alerts");
    assert_eq!(topic.arn.as_str(), topic_arn);
    assert!(policy(topic).contains("sns:Publish"), "{}", policy(topic));

    let secret = find(ResourceType::SecretsManagerSecret, "db-password");
    assert_eq!(secret.arn.as_str(), secret_arn);
    assert!(policy(secret).contains("secretsmanager:GetSecretValue"));

    let function = find(ResourceType::LambdaFunction, "resize");
    assert_eq!(
        function.arn.as_str(),
        format!("arn:aws:lambda:us-east-1:{account}:function:resize")
    );
    let function_policy = policy(function);
    assert!(
        function_policy.contains("lambda:InvokeFunction")
            && function_policy.contains("s3.amazonaws.com")
            && function_policy.contains("s3-invoke"),
        "{function_policy}"
    );

    // Nothing from another region: every resource was made in us-east-1.
    assert!(
        found
            .resources
            .iter()
            .all(|r| r.region.as_deref() == Some("us-east-1")),
        "{:#?}",
        found.resources
    );
    assert_eq!(found.resources.len(), 7, "{:#?}", found.resources);
}
