//! Resources with resource-based policies: S3 buckets, KMS keys, SQS queues, SNS topics, Lambda
//! functions, secrets, ECR repositories, event buses, Glue catalogs, OpenSearch domains, API
//! Gateway APIs and others of the same shape.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::document::PolicyDocument;
use crate::ids::{AccountId, Arn, Tag};

/// The kind of a resource, named as CloudFormation and AWS Config name it
/// (`AWS::S3::Bucket`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ResourceType {
    S3Bucket,
    KmsKey,
    SqsQueue,
    SnsTopic,
    LambdaFunction,
    SecretsManagerSecret,
    EcrRepository,
    EventBridgeEventBus,
    GlueCatalog,
    OpenSearchDomain,
    ApiGatewayRestApi,
    /// Any other type, by its CloudFormation name.
    Other(String),
}

const NAMES: [(ResourceType, &str); 11] = [
    (ResourceType::S3Bucket, "AWS::S3::Bucket"),
    (ResourceType::KmsKey, "AWS::KMS::Key"),
    (ResourceType::SqsQueue, "AWS::SQS::Queue"),
    (ResourceType::SnsTopic, "AWS::SNS::Topic"),
    (ResourceType::LambdaFunction, "AWS::Lambda::Function"),
    (
        ResourceType::SecretsManagerSecret,
        "AWS::SecretsManager::Secret",
    ),
    (ResourceType::EcrRepository, "AWS::ECR::Repository"),
    (ResourceType::EventBridgeEventBus, "AWS::Events::EventBus"),
    (ResourceType::GlueCatalog, "AWS::Glue::Catalog"),
    (
        ResourceType::OpenSearchDomain,
        "AWS::OpenSearchService::Domain",
    ),
    (ResourceType::ApiGatewayRestApi, "AWS::ApiGateway::RestApi"),
];

impl ResourceType {
    /// The CloudFormation name (`AWS::S3::Bucket`).
    pub fn as_str(&self) -> &str {
        if let ResourceType::Other(name) = self {
            return name;
        }
        NAMES
            .iter()
            .find(|(t, _)| t == self)
            .map_or("", |(_, name)| name)
    }

    pub fn parse(text: &str) -> Self {
        NAMES
            .iter()
            .find(|(_, name)| *name == text)
            .map_or_else(|| ResourceType::Other(text.to_owned()), |(t, _)| t.clone())
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<String> for ResourceType {
    fn from(text: String) -> Self {
        ResourceType::parse(&text)
    }
}

impl From<ResourceType> for String {
    fn from(t: ResourceType) -> String {
        t.as_str().to_owned()
    }
}

/// A resource and its resource-based policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub arn: Arn,
    pub resource_type: ResourceType,
    pub account_id: AccountId,
    /// `None` for global resources.
    pub region: Option<String>,
    pub name: String,
    /// `None` when the resource has no policy.
    pub policy: Option<PolicyDocument>,
    pub tags: Vec<Tag>,
}

/// The resources of one account (and region, when the export was per region).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourcePolicies {
    pub account_id: AccountId,
    pub region: Option<String>,
    pub resources: Vec<Resource>,
}

impl ResourcePolicies {
    pub fn normalize(&mut self) {
        self.resources.sort_by(|a, b| a.arn.cmp(&b.arn));
        for resource in &mut self.resources {
            resource.tags.sort();
        }
    }
}
