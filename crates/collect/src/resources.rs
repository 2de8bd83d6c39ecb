//! Resource-based policies in the account's enabled regions: S3 bucket policies, KMS key
//! policies, SQS queue policies, SNS topic policies, Lambda function policies and Secrets
//! Manager resource policies.
//!
//! None of these services has a bulk read of policies: each is one list (paged) and one read
//! per resource. S3 is listed once (ListBuckets is global and names each bucket's region);
//! the others once per region. The enabled regions come from EC2 `DescribeRegions`
//! ([`crate::regions`]) unless `--regions` names them.

use std::collections::BTreeMap;

use aws_sdk_sqs::types::QueueAttributeName;
use iamwatch_model::{
    AccountId, Arn, PolicyDocument, Resource, ResourcePolicies, ResourceType, ValueError,
};

use crate::aws::AccountClients;
use crate::err::CollectError;

/// Every resource with its policy (or none) in `regions` (the enabled regions when `None`).
pub(crate) async fn collect(
    clients: &AccountClients,
    regions: Option<&[String]>,
) -> Result<ResourcePolicies, CollectError> {
    let regions: Vec<String> = match regions {
        Some(regions) => regions.to_vec(),
        None => crate::regions::enabled_regions(clients).await?,
    };
    let mut resources = Vec::new();
    s3(clients, &regions, &mut resources).await?;
    for region in &regions {
        kms(clients, region, &mut resources).await?;
        sqs(clients, region, &mut resources).await?;
        sns(clients, region, &mut resources).await?;
        lambda(clients, region, &mut resources).await?;
        secrets(clients, region, &mut resources).await?;
    }
    Ok(ResourcePolicies {
        account_id: clients.account().clone(),
        region: None,
        resources,
    })
}

fn policy(
    account: &AccountId,
    text: Option<String>,
) -> Result<Option<PolicyDocument>, CollectError> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| PolicyDocument::from_text(&t))
        .transpose()
        .map_err(|e| CollectError::value(account, e))
}

fn arn(account: &AccountId, text: String) -> Result<Arn, CollectError> {
    Arn::try_from(text).map_err(|e: ValueError| CollectError::value(account, e))
}

struct Found<'a> {
    account: &'a AccountId,
    resource_type: ResourceType,
    region: &'a str,
}

impl Found<'_> {
    fn resource(&self, arn: Arn, name: String, policy: Option<PolicyDocument>) -> Resource {
        Resource {
            arn,
            resource_type: self.resource_type.clone(),
            account_id: self.account.clone(),
            region: Some(self.region.to_owned()),
            name,
            policy,
            tags: Vec::new(),
        }
    }
}

async fn s3(
    clients: &AccountClients,
    regions: &[String],
    out: &mut Vec<Resource>,
) -> Result<(), CollectError> {
    let account = clients.account();
    let s3 = clients.s3(None);
    let mut buckets = Vec::new();
    let mut token = None;
    loop {
        let page = clients
            .send(
                "s3:ListBuckets",
                s3.list_buckets()
                    .set_continuation_token(token.take())
                    .send(),
            )
            .await?;
        buckets.extend(page.buckets.unwrap_or_default());
        token = page.continuation_token;
        if token.is_none() {
            break;
        }
    }
    // Clients by region, so each bucket's policy is read in the bucket's region.
    let mut by_region: BTreeMap<String, aws_sdk_s3::Client> = BTreeMap::new();
    for bucket in buckets {
        let Some(name) = bucket.name else { continue };
        let region = match bucket.bucket_region {
            Some(region) => region,
            None => {
                let location = clients
                    .send(
                        "s3:GetBucketLocation",
                        s3.get_bucket_location().bucket(&name).send(),
                    )
                    .await?;
                // An empty constraint means us-east-1 (S3 API Reference, GetBucketLocation).
                location
                    .location_constraint
                    .map(|c| c.as_str().to_owned())
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| "us-east-1".to_owned())
            }
        };
        if !regions.is_empty() && !regions.contains(&region) {
            continue;
        }
        let client = by_region
            .entry(region.clone())
            .or_insert_with(|| clients.s3(Some(&region)));
        let output = clients
            .send_optional(
                "s3:GetBucketPolicy",
                &["NoSuchBucketPolicy"],
                client.get_bucket_policy().bucket(&name).send(),
            )
            .await?;
        let found = Found {
            account,
            resource_type: ResourceType::S3Bucket,
            region: &region,
        };
        let arn = arn(account, format!("arn:aws:s3:::{name}"))?;
        let document = policy(account, output.and_then(|o| o.policy))?;
        out.push(found.resource(arn, name, document));
    }
    Ok(())
}

async fn kms(
    clients: &AccountClients,
    region: &str,
    out: &mut Vec<Resource>,
) -> Result<(), CollectError> {
    let account = clients.account();
    let kms = clients.kms(Some(region));
    let found = Found {
        account,
        resource_type: ResourceType::KmsKey,
        region,
    };
    let mut marker = None;
    loop {
        let page = clients
            .send(
                "kms:ListKeys",
                kms.list_keys().set_marker(marker.take()).send(),
            )
            .await?;
        for key in page.keys.unwrap_or_default() {
            let (Some(id), Some(key_arn)) = (key.key_id, key.key_arn) else {
                continue;
            };
            // `default` is the only key policy name (KMS API Reference, GetKeyPolicy).
            let output = clients
                .send(
                    "kms:GetKeyPolicy",
                    kms.get_key_policy()
                        .key_id(&id)
                        .policy_name("default")
                        .send(),
                )
                .await?;
            out.push(found.resource(arn(account, key_arn)?, id, policy(account, output.policy)?));
        }
        marker = page.next_marker.filter(|_| page.truncated);
        if marker.is_none() {
            break;
        }
    }
    Ok(())
}

async fn sqs(
    clients: &AccountClients,
    region: &str,
    out: &mut Vec<Resource>,
) -> Result<(), CollectError> {
    let account = clients.account();
    let sqs = clients.sqs(Some(region));
    let found = Found {
        account,
        resource_type: ResourceType::SqsQueue,
        region,
    };
    let mut token = None;
    loop {
        let page = clients
            .send(
                "sqs:ListQueues",
                sqs.list_queues().set_next_token(token.take()).send(),
            )
            .await?;
        for url in page.queue_urls.unwrap_or_default() {
            let output = clients
                .send(
                    "sqs:GetQueueAttributes",
                    sqs.get_queue_attributes()
                        .queue_url(&url)
                        .attribute_names(QueueAttributeName::Policy)
                        .attribute_names(QueueAttributeName::QueueArn)
                        .send(),
                )
                .await?;
            let mut attributes = output.attributes.unwrap_or_default();
            let name = url.rsplit('/').next().unwrap_or_default().to_owned();
            let queue_arn = attributes
                .remove(&QueueAttributeName::QueueArn)
                .unwrap_or_else(|| format!("arn:aws:sqs:{region}:{account}:{name}"));
            let document = policy(account, attributes.remove(&QueueAttributeName::Policy))?;
            out.push(found.resource(arn(account, queue_arn)?, name, document));
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(())
}

async fn sns(
    clients: &AccountClients,
    region: &str,
    out: &mut Vec<Resource>,
) -> Result<(), CollectError> {
    let account = clients.account();
    let sns = clients.sns(Some(region));
    let found = Found {
        account,
        resource_type: ResourceType::SnsTopic,
        region,
    };
    let mut token = None;
    loop {
        let page = clients
            .send(
                "sns:ListTopics",
                sns.list_topics().set_next_token(token.take()).send(),
            )
            .await?;
        for topic in page.topics.unwrap_or_default() {
            let Some(topic_arn) = topic.topic_arn else {
                continue;
            };
            let output = clients
                .send(
                    "sns:GetTopicAttributes",
                    sns.get_topic_attributes().topic_arn(&topic_arn).send(),
                )
                .await?;
            let mut attributes = output.attributes.unwrap_or_default();
            let name = topic_arn.rsplit(':').next().unwrap_or_default().to_owned();
            let document = policy(account, attributes.remove("Policy"))?;
            out.push(found.resource(arn(account, topic_arn)?, name, document));
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(())
}

async fn lambda(
    clients: &AccountClients,
    region: &str,
    out: &mut Vec<Resource>,
) -> Result<(), CollectError> {
    let account = clients.account();
    let lambda = clients.lambda(Some(region));
    let found = Found {
        account,
        resource_type: ResourceType::LambdaFunction,
        region,
    };
    let mut marker = None;
    loop {
        let page = clients
            .send(
                "lambda:ListFunctions",
                lambda.list_functions().set_marker(marker.take()).send(),
            )
            .await?;
        for function in page.functions.unwrap_or_default() {
            let (Some(name), Some(function_arn)) = (function.function_name, function.function_arn)
            else {
                continue;
            };
            // A function without a policy answers ResourceNotFoundException.
            let output = clients
                .send_optional(
                    "lambda:GetPolicy",
                    &["ResourceNotFoundException"],
                    lambda.get_policy().function_name(&name).send(),
                )
                .await?;
            let document = policy(account, output.and_then(|o| o.policy))?;
            out.push(found.resource(arn(account, function_arn)?, name, document));
        }
        marker = page.next_marker;
        if marker.is_none() {
            break;
        }
    }
    Ok(())
}

async fn secrets(
    clients: &AccountClients,
    region: &str,
    out: &mut Vec<Resource>,
) -> Result<(), CollectError> {
    let account = clients.account();
    let secrets = clients.secretsmanager(Some(region));
    let found = Found {
        account,
        resource_type: ResourceType::SecretsManagerSecret,
        region,
    };
    let mut token = None;
    loop {
        let page = clients
            .send(
                "secretsmanager:ListSecrets",
                secrets.list_secrets().set_next_token(token.take()).send(),
            )
            .await?;
        for secret in page.secret_list.unwrap_or_default() {
            let (Some(secret_arn), Some(name)) = (secret.arn, secret.name) else {
                continue;
            };
            let output = clients
                .send(
                    "secretsmanager:GetResourcePolicy",
                    secrets.get_resource_policy().secret_id(&secret_arn).send(),
                )
                .await?;
            let document = policy(account, output.resource_policy)?;
            out.push(found.resource(arn(account, secret_arn)?, name, document));
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(())
}
