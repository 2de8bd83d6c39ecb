//! The regions enabled for an account: EC2 `DescribeRegions`, which without `AllRegions` lists
//! exactly the regions the account may use (default regions and opted-in ones).
//!
//! One call per account does not justify the EC2 SDK (the largest generated crate of the
//! AWS SDK for Rust, minutes of build on two cores): this is that call made by hand, through
//! the same smithy orchestrator the SDK clients use. So it is signed with SigV4 from the
//! account's credentials, retried with the account's retry budget (standard retries: AWS
//! throttling codes, HTTP 5xx, timeouts and dropped connections), held to the same timeouts,
//! and counted by the account's meter like any other call. It is an EC2 Query API request
//! (`GET /?Action=DescribeRegions&Version=2016-11-15`, EC2 API Reference, "Query requests");
//! the answer is `regionInfo/item/regionName`.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use aws_runtime::auth::SigV4OperationSigningConfig;
use aws_runtime::auth::sigv4::{SCHEME_ID, SigV4AuthScheme};
use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_smithy_runtime::client::orchestrator::operation::Operation;
use aws_smithy_runtime::client::retries::classifiers::{
    HttpStatusCodeClassifier, TransientErrorClassifier,
};
use aws_smithy_runtime_api::client::auth::AuthSchemeOptionResolverParams;
use aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::StaticRuntimePlugin;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::Layer;
use aws_smithy_types::error::metadata::{ErrorMetadata, ProvideErrorMetadata};
use aws_smithy_types::retry::RetryConfig;
use aws_types::SigningName;
use aws_types::region::SigningRegion;

use crate::aws::AccountClients;
use crate::err::CollectError;

/// The EC2 API version of the Query requests (the current one since 2016).
const EC2_API_VERSION: &str = "2016-11-15";

/// `DescribeRegions`: the regions enabled for the account, sorted.
pub(crate) async fn enabled_regions(clients: &AccountClients) -> Result<Vec<String>, CollectError> {
    let operation = describe_regions(clients)?;
    let regions = clients
        .send("ec2:DescribeRegions", operation.invoke(()))
        .await?;
    Ok(regions.into_iter().collect())
}

/// An error EC2 answered (`<Response><Errors><Error><Code>`), or an answer that is not one.
#[derive(Debug)]
pub(crate) struct Ec2Error(ErrorMetadata);

impl fmt::Display for Ec2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.code(), self.0.message()) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}"),
            (Some(code), None) => f.write_str(code),
            (None, Some(message)) => f.write_str(message),
            (None, None) => f.write_str("EC2 answered with an error"),
        }
    }
}

impl std::error::Error for Ec2Error {}

impl ProvideErrorMetadata for Ec2Error {
    fn meta(&self) -> &ErrorMetadata {
        &self.0
    }
}

/// The operation, configured like the account's SDK clients.
fn describe_regions(
    clients: &AccountClients,
) -> Result<Operation<(), BTreeSet<String>, Ec2Error>, CollectError> {
    let config = clients.config();
    let missing = |what: &str| CollectError::Config(format!("no {what} for EC2 DescribeRegions"));
    let region = config
        .region()
        .ok_or_else(|| missing("region"))?
        .as_ref()
        .to_owned();
    let http = config.http_client().ok_or_else(|| missing("HTTP client"))?;
    let credentials = config
        .credentials_provider()
        .ok_or_else(|| missing("credentials"))?;
    let endpoint = config
        .endpoint_url()
        .map_or_else(|| regional_endpoint(&region), str::to_owned);

    let mut layer = Layer::new("iamwatch-describe-regions");
    layer.store_put(AuthSchemeOptionResolverParams::new(()));
    layer.store_put(SigV4OperationSigningConfig {
        region: Some(SigningRegion::from(aws_types::region::Region::new(region))),
        name: Some(SigningName::from_static("ec2")),
        ..SigV4OperationSigningConfig::default()
    });
    layer.store_put(clients.retry_partition());
    let auth = RuntimeComponentsBuilder::new("iamwatch-describe-regions")
        .with_auth_scheme_option_resolver(Some(StaticAuthSchemeOptionResolver::new(vec![
            SCHEME_ID,
        ])))
        .with_auth_scheme(SigV4AuthScheme::new())
        .with_identity_resolver(SCHEME_ID, credentials);

    let mut builder = Operation::builder()
        // The meter names calls `service:Operation` from these: `ec2:DescribeRegions`.
        .service_name("EC2")
        .operation_name("DescribeRegions")
        .http_client(http)
        .endpoint_url(&endpoint)
        .standard_retry(
            &config
                .retry_config()
                .cloned()
                .unwrap_or_else(RetryConfig::standard),
        )
        .retry_classifier(AwsErrorCodeClassifier::<Ec2Error>::new())
        .retry_classifier(HttpStatusCodeClassifier::default())
        .retry_classifier(TransientErrorClassifier::<Ec2Error>::new())
        .interceptor(clients.meter_interceptor())
        .runtime_plugin(
            StaticRuntimePlugin::new()
                .with_config(layer.freeze())
                .with_runtime_components(auth),
        );
    if let Some(timeouts) = config.timeout_config() {
        builder = builder.timeout_config(timeouts.clone());
    }
    if let Some(sleep) = config.sleep_impl() {
        builder = builder.sleep_impl(sleep);
    }
    if let Some(time) = config.time_source() {
        builder = builder.time_source(time);
    }
    Ok(builder
        .serializer(|()| {
            let mut request = HttpRequest::new(SdkBody::empty());
            request.set_uri(format!(
                "/?Action=DescribeRegions&Version={EC2_API_VERSION}"
            ))?;
            Ok(request)
        })
        .deserializer(parse_response)
        .build())
}

/// EC2's regional endpoint (AWS General Reference, "Amazon EC2 endpoints"); the China regions
/// are under `amazonaws.com.cn`.
fn regional_endpoint(region: &str) -> String {
    if region.starts_with("cn-") {
        format!("https://ec2.{region}.amazonaws.com.cn")
    } else {
        format!("https://ec2.{region}.amazonaws.com")
    }
}

fn parse_response(
    response: &HttpResponse,
) -> Result<BTreeSet<String>, OrchestratorError<Ec2Error>> {
    let body = String::from_utf8_lossy(response.body().bytes().unwrap_or_default());
    if response.status().is_success() {
        return Ok(parse_regions(&body));
    }
    let mut meta = ErrorMetadata::builder();
    if let Some(code) = element(&body, "Code") {
        meta = meta.code(code);
    }
    let message = element(&body, "Message").map_or_else(
        || Cow::Owned(format!("HTTP {}", response.status().as_u16())),
        Cow::Borrowed,
    );
    meta = meta.message(message);
    Err(OrchestratorError::operation(Ec2Error(meta.build())))
}

/// Every `<regionName>` of a `DescribeRegionsResponse`.
fn parse_regions(xml: &str) -> BTreeSet<String> {
    let mut regions = BTreeSet::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<regionName>") {
        rest = rest.get(at + "<regionName>".len()..).unwrap_or_default();
        let Some(end) = rest.find('<') else { break };
        let name = rest.get(..end).unwrap_or_default().trim();
        if !name.is_empty() {
            regions.insert(name.to_owned());
        }
        rest = rest.get(end..).unwrap_or_default();
    }
    regions
}

/// The text of the first `<tag>` element (error codes and messages hold no markup).
fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let rest = xml.get(start..)?;
    rest.get(..rest.find('<')?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_read_from_region_info() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
   <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
   <regionInfo>
      <item>
         <regionName>us-east-1</regionName>
         <regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint>
         <optInStatus>opt-in-not-required</optInStatus>
      </item>
      <item>
         <regionName>eu-west-1</regionName>
         <regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint>
      </item>
   </regionInfo>
</DescribeRegionsResponse>"#;
        let regions: Vec<String> = parse_regions(xml).into_iter().collect();
        assert_eq!(regions, ["eu-west-1", "us-east-1"]);
        assert!(parse_regions("<DescribeRegionsResponse/>").is_empty());
    }

    #[test]
    fn errors_keep_code_and_message() {
        let xml = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>x</RequestID></Response>";
        assert_eq!(element(xml, "Code"), Some("UnauthorizedOperation"));
        assert_eq!(
            element(xml, "Message"),
            Some("You are not authorized to perform this operation.")
        );
        assert_eq!(element(xml, "Missing"), None);
        assert_eq!(
            regional_endpoint("cn-north-1"),
            "https://ec2.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            regional_endpoint("eu-west-3"),
            "https://ec2.eu-west-3.amazonaws.com"
        );
    }
}
