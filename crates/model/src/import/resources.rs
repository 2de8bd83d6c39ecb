//! The resource-policies bundle: for one account and region, the raw outputs of each service's
//! "get the policy" call keyed by the resource, as scripts/export-org.sh writes them (layout
//! in docs/import-formats.md).

use crate::ids::{AccountId, Arn, Tag};
use crate::import::err::ImportError;
use crate::import::node::Node;
use crate::resource::{Resource, ResourcePolicies, ResourceType};

pub(crate) const S3: &str = "s3api get-bucket-policy";
pub(crate) const KMS: &str = "kms get-key-policy";
pub(crate) const SQS: &str = "sqs get-queue-attributes";
pub(crate) const SNS: &str = "sns get-topic-attributes";
pub(crate) const LAMBDA: &str = "lambda get-policy";
pub(crate) const SECRETS: &str = "secretsmanager get-resource-policy";
pub(crate) const ECR: &str = "ecr get-repository-policy";
pub(crate) const EVENTS: &str = "events describe-event-bus";
pub(crate) const GLUE: &str = "glue get-resource-policy";
pub(crate) const OPENSEARCH: &str = "opensearch describe-domain-config";
pub(crate) const APIGATEWAY: &str = "apigateway get-rest-apis";
/// Any other resource, already in the model's shape.
pub(crate) const GENERIC: &str = "resources";

struct Context<'a> {
    partition: &'a str,
    account: &'a AccountId,
    region: Option<&'a str>,
}

impl Context<'_> {
    fn region(&self, node: &Node<'_>, service: &str) -> Result<&str, ImportError> {
        self.region
            .ok_or_else(|| node.error(format!("`{service}` resources need the bundle's `region`")))
    }

    fn arn(&self, node: &Node<'_>, text: String) -> Result<Arn, ImportError> {
        Arn::parse(&text).map_err(|e| node.error(e.to_string()))
    }

    fn resource(
        &self,
        arn: Arn,
        resource_type: ResourceType,
        name: &str,
        policy: Option<&Node<'_>>,
        tags: Vec<Tag>,
    ) -> Result<Resource, ImportError> {
        let region = Some(arn.region().to_owned()).filter(|r| !r.is_empty());
        Ok(Resource {
            account_id: arn.account().unwrap_or_else(|| self.account.clone()),
            region,
            name: name.to_owned(),
            policy: policy.map(Node::document).transpose()?,
            tags,
            resource_type,
            arn,
        })
    }
}

/// A resource's key, its call's output (`None` for `null`: no policy) and the node of both.
type Entry<'a> = (&'a str, Option<Node<'a>>, Node<'a>);

/// The entries of `{resource: output}`; `null` outputs (no policy) are kept as `None`.
fn per_resource<'a>(root: &Node<'a>, key: &str) -> Result<Vec<Entry<'a>>, ImportError> {
    let Some(map) = root.get(key) else {
        return Ok(Vec::new());
    };
    Ok(map
        .entries()?
        .into_iter()
        .map(|(name, node)| {
            let output = (!node.value().is_null()).then(|| node.clone());
            (name, output, node)
        })
        .collect())
}

pub(crate) fn read(root: &Node<'_>) -> Result<ResourcePolicies, ImportError> {
    let account = root.req_parse("account", AccountId::parse)?;
    let region = root.opt_str("region")?;
    let partition = root
        .opt_str("partition")?
        .unwrap_or_else(|| "aws".to_owned());
    let cx = Context {
        partition: &partition,
        account: &account,
        region: region.as_deref(),
    };
    let p = cx.partition;
    let a = cx.account;
    let mut resources = Vec::new();

    for (bucket, output, node) in per_resource(root, S3)? {
        let arn = cx.arn(&node, format!("arn:{p}:s3:::{bucket}"))?;
        let policy = output.as_ref().map(|o| o.req("Policy")).transpose()?;
        let mut resource = cx.resource(
            arn,
            ResourceType::S3Bucket,
            bucket,
            policy.as_ref(),
            Vec::new(),
        )?;
        resource.region.clone_from(&cx.region.map(str::to_owned));
        resources.push(resource);
    }
    for (key, output, node) in per_resource(root, KMS)? {
        let arn = if key.starts_with("arn:") {
            key.to_owned()
        } else {
            format!("arn:{p}:kms:{}:{a}:key/{key}", cx.region(&node, KMS)?)
        };
        let arn = cx.arn(&node, arn)?;
        let name = arn.resource_name().to_owned();
        let policy = output.as_ref().map(|o| o.req("Policy")).transpose()?;
        resources.push(cx.resource(
            arn,
            ResourceType::KmsKey,
            &name,
            policy.as_ref(),
            Vec::new(),
        )?);
    }
    for (url, output, node) in per_resource(root, SQS)? {
        let attributes = output.as_ref().map(|o| o.req("Attributes")).transpose()?;
        let arn = match attributes.as_ref().and_then(|at| at.get("QueueArn")) {
            Some(arn) => arn.str()?.to_owned(),
            None => queue_arn(p, url).ok_or_else(|| {
                node.error(format!("`{url}` is not a queue URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`) and has no `QueueArn`"))
            })?,
        };
        let arn = cx.arn(&node, arn)?;
        let name = arn.resource().to_owned();
        let policy = attributes.as_ref().and_then(|at| at.get("Policy"));
        resources.push(cx.resource(
            arn,
            ResourceType::SqsQueue,
            &name,
            policy.as_ref(),
            Vec::new(),
        )?);
    }
    for (topic, output, node) in per_resource(root, SNS)? {
        let arn = cx.arn(&node, topic.to_owned())?;
        let name = arn.resource().to_owned();
        let attributes = output.as_ref().map(|o| o.req("Attributes")).transpose()?;
        let policy = attributes.as_ref().and_then(|at| at.get("Policy"));
        resources.push(cx.resource(
            arn,
            ResourceType::SnsTopic,
            &name,
            policy.as_ref(),
            Vec::new(),
        )?);
    }
    for (function, output, node) in per_resource(root, LAMBDA)? {
        let arn = if function.starts_with("arn:") {
            function.to_owned()
        } else {
            format!(
                "arn:{p}:lambda:{}:{a}:function:{function}",
                cx.region(&node, LAMBDA)?
            )
        };
        let arn = cx.arn(&node, arn)?;
        let name = arn
            .resource()
            .rsplit(':')
            .next()
            .unwrap_or_default()
            .to_owned();
        let policy = output.as_ref().and_then(|o| o.get("Policy"));
        resources.push(cx.resource(
            arn,
            ResourceType::LambdaFunction,
            &name,
            policy.as_ref(),
            Vec::new(),
        )?);
    }
    for (secret, output, node) in per_resource(root, SECRETS)? {
        let arn = output
            .as_ref()
            .and_then(|o| o.get("ARN"))
            .map(|n| n.str().map(str::to_owned))
            .transpose()?
            .unwrap_or_else(|| secret.to_owned());
        let arn = cx.arn(&node, arn)?;
        let name = output
            .as_ref()
            .map(|o| o.opt_str("Name"))
            .transpose()?
            .flatten()
            .unwrap_or_else(|| arn.resource_name().to_owned());
        let policy = output.as_ref().and_then(|o| o.get("ResourcePolicy"));
        resources.push(cx.resource(
            arn,
            ResourceType::SecretsManagerSecret,
            &name,
            policy.as_ref(),
            Vec::new(),
        )?);
    }
    for (repository, output, node) in per_resource(root, ECR)? {
        let registry = output
            .as_ref()
            .map(|o| o.opt_str("registryId"))
            .transpose()?
            .flatten()
            .unwrap_or_else(|| a.to_string());
        let arn = cx.arn(
            &node,
            format!(
                "arn:{p}:ecr:{}:{registry}:repository/{repository}",
                cx.region(&node, ECR)?
            ),
        )?;
        let policy = output.as_ref().and_then(|o| o.get("policyText"));
        resources.push(cx.resource(
            arn,
            ResourceType::EcrRepository,
            repository,
            policy.as_ref(),
            Vec::new(),
        )?);
    }
    for (bus, output, node) in per_resource(root, EVENTS)? {
        let arn = match output.as_ref().and_then(|o| o.get("Arn")) {
            Some(arn) => arn.str()?.to_owned(),
            None => format!(
                "arn:{p}:events:{}:{a}:event-bus/{bus}",
                cx.region(&node, EVENTS)?
            ),
        };
        let arn = cx.arn(&node, arn)?;
        let policy = output.as_ref().and_then(|o| o.get("Policy"));
        resources.push(cx.resource(
            arn,
            ResourceType::EventBridgeEventBus,
            bus,
            policy.as_ref(),
            Vec::new(),
        )?);
    }
    if let Some(glue) = root.get(GLUE) {
        let arn = cx.arn(
            &glue,
            format!("arn:{p}:glue:{}:{a}:catalog", cx.region(&glue, GLUE)?),
        )?;
        let policy = glue.get("PolicyInJson");
        resources.push(cx.resource(
            arn,
            ResourceType::GlueCatalog,
            "catalog",
            policy.as_ref(),
            Vec::new(),
        )?);
    }
    for (domain, output, node) in per_resource(root, OPENSEARCH)? {
        let arn = cx.arn(
            &node,
            format!(
                "arn:{p}:es:{}:{a}:domain/{domain}",
                cx.region(&node, OPENSEARCH)?
            ),
        )?;
        let policy = output
            .as_ref()
            .and_then(|o| o.get("DomainConfig"))
            .and_then(|c| c.get("AccessPolicies"))
            .and_then(|c| c.get("Options"))
            .filter(|o| o.value().as_str().is_some_and(|s| !s.trim().is_empty()));
        resources.push(cx.resource(
            arn,
            ResourceType::OpenSearchDomain,
            domain,
            policy.as_ref(),
            Vec::new(),
        )?);
    }
    if let Some(apis) = root.get(APIGATEWAY) {
        for api in apis.list("items")? {
            let id = api.req_str("id")?;
            let arn = cx.arn(
                &api,
                format!(
                    "arn:{p}:execute-api:{}:{a}:{id}",
                    cx.region(&api, APIGATEWAY)?
                ),
            )?;
            let name = api.opt_str("name")?.unwrap_or_else(|| id.to_owned());
            let policy = api.get("policy");
            let tags = api.tags("tags")?;
            resources.push(cx.resource(
                arn,
                ResourceType::ApiGatewayRestApi,
                &name,
                policy.as_ref(),
                tags,
            )?);
        }
    }
    for item in root.list(GENERIC)? {
        let arn = item.req_parse("arn", Arn::parse)?;
        let resource_type = ResourceType::parse(item.req_str("type")?);
        let name = item
            .opt_str("name")?
            .unwrap_or_else(|| arn.resource_name().to_owned());
        let policy = item.get("policy");
        let tags = item.tags("tags")?;
        resources.push(cx.resource(arn, resource_type, &name, policy.as_ref(), tags)?);
    }
    Ok(ResourcePolicies {
        account_id: account,
        region,
        resources,
    })
}

/// `https://sqs.us-east-1.amazonaws.com/123456789012/name` → `arn:aws:sqs:us-east-1:123456789012:name`.
fn queue_arn(partition: &str, url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let region = host.strip_prefix("sqs.")?.split('.').next()?;
    let (account, name) = path.split_once('/')?;
    AccountId::parse(account).ok()?;
    Some(format!("arn:{partition}:sqs:{region}:{account}:{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_urls_become_arns() {
        assert_eq!(
            queue_arn(
                "aws",
                "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"
            )
            .as_deref(),
            Some("arn:aws:sqs:eu-west-1:123456789012:jobs")
        );
        assert_eq!(queue_arn("aws", "jobs"), None);
    }
}
