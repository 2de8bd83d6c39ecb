//! SDK clients: the base configuration from the standard credential chain, and one set of
//! clients per account, each with the account's credentials, its own retry quota (the SDK's
//! retry partition) and its meter.

use std::sync::Arc;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::SdkConfig;
use aws_types::region::Region;
use iamwatch_model::AccountId;

use crate::err::{ApiError, CollectError};
use crate::meter::Meter;
use crate::settings::{Connection, RetrySettings};

/// The region used when none is configured: global services (IAM, Organizations) are served
/// from `us-east-1` in the `aws` partition.
const FALLBACK_REGION: &str = "us-east-1";

/// Loads the base configuration: the standard credential chain (environment, profile, SSO
/// cache, web identity, container and instance metadata), `--profile`, `--region` and
/// `--endpoint-url`.
pub(crate) async fn load_base(
    connection: &Connection,
    retry: &RetrySettings,
) -> Result<SdkConfig, CollectError> {
    // rustls with ring: no aws-lc build, one TLS stack for every client.
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(retry.max_attempts.max(1))
                .with_initial_backoff(retry.initial_backoff)
                .with_max_backoff(retry.max_backoff),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(retry.attempt_timeout)
                .connect_timeout(retry.connect_timeout)
                .build(),
        );
    if let Some(profile) = &connection.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &connection.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(endpoint) = &connection.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some(keys) = &connection.credentials {
        loader = loader.credentials_provider(Credentials::new(
            keys.access_key_id.clone(),
            keys.secret_access_key.clone(),
            keys.session_token.clone(),
            None,
            "iamwatch-static",
        ));
    }
    let config = loader.load().await;
    if config.credentials_provider().is_none() {
        return Err(CollectError::Config("no credentials provider".to_owned()));
    }
    if config.region().is_some() {
        Ok(config)
    } else {
        Ok(config
            .into_builder()
            .region(Region::new(FALLBACK_REGION))
            .build())
    }
}

/// The clients of one account.
#[derive(Clone, Debug)]
pub(crate) struct AccountClients {
    account: AccountId,
    config: SdkConfig,
    meter: Arc<Meter>,
    partition: aws_smithy_runtime::client::retries::RetryPartition,
    path_style: bool,
}

macro_rules! client {
    ($name:ident, $krate:ident) => {
        pub(crate) fn $name(&self, region: Option<&str>) -> $krate::Client {
            let mut builder = $krate::config::Builder::from(&self.config)
                .interceptor(self.meter.interceptor())
                .retry_partition(self.partition.clone());
            if let Some(region) = region {
                builder = builder.region(Region::new(region.to_owned()));
            }
            $krate::Client::from_conf(builder.build())
        }
    };
}

impl AccountClients {
    /// Clients for `account` with the base configuration's credentials.
    pub(crate) fn caller(base: &SdkConfig, account: &AccountId, meter: Arc<Meter>) -> Self {
        Self {
            account: account.clone(),
            config: base.clone(),
            partition: partition_for(account),
            meter,
            path_style: base.endpoint_url().is_some(),
        }
    }

    /// Clients for `account` with assumed-role credentials.
    pub(crate) fn assumed(
        base: &SdkConfig,
        account: &AccountId,
        meter: Arc<Meter>,
        credentials: Credentials,
    ) -> Self {
        let config = base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .build();
        Self {
            account: account.clone(),
            config,
            partition: partition_for(account),
            meter,
            path_style: base.endpoint_url().is_some(),
        }
    }

    pub(crate) fn account(&self) -> &AccountId {
        &self.account
    }

    /// The account's configuration (credentials, region, endpoint, HTTP client, retries), for
    /// a call made without a service client ([`crate::regions`]).
    pub(crate) fn config(&self) -> &SdkConfig {
        &self.config
    }

    /// The account's retry partition: its retry budget.
    pub(crate) fn retry_partition(&self) -> aws_smithy_runtime::client::retries::RetryPartition {
        self.partition.clone()
    }

    /// The account's meter, as an interceptor.
    pub(crate) fn meter_interceptor(&self) -> crate::meter::MeterInterceptor {
        self.meter.interceptor()
    }

    client!(iam, aws_sdk_iam);
    client!(sts, aws_sdk_sts);
    client!(organizations, aws_sdk_organizations);
    client!(kms, aws_sdk_kms);
    client!(sqs, aws_sdk_sqs);
    client!(sns, aws_sdk_sns);
    client!(lambda, aws_sdk_lambda);
    client!(secretsmanager, aws_sdk_secretsmanager);

    pub(crate) fn s3(&self, region: Option<&str>) -> aws_sdk_s3::Client {
        let mut builder = aws_sdk_s3::config::Builder::from(&self.config)
            .interceptor(self.meter.interceptor())
            .retry_partition(self.partition.clone())
            // A local endpoint (moto) has no virtual-hosted bucket names.
            .force_path_style(self.path_style);
        if let Some(region) = region {
            builder = builder.region(Region::new(region.to_owned()));
        }
        aws_sdk_s3::Client::from_conf(builder.build())
    }

    /// Sends one call: paces it under `--max-rps`, lets the SDK retry it, and turns a final
    /// failure into an [`ApiError`] that names the account and API.
    pub(crate) async fn send<T, E, R>(
        &self,
        api: &str,
        call: impl std::future::Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, CollectError>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        self.meter.pace(api).await;
        call.await
            .map_err(|error| api_error(Some(&self.account), api, &error).into())
    }
}

/// The SDK keeps one retry quota (token bucket) per retry partition: a partition per account
/// gives each account a retry budget of its own, so one throttled account cannot starve the
/// others' retries.
fn partition_for(account: &AccountId) -> aws_smithy_runtime::client::retries::RetryPartition {
    aws_smithy_runtime::client::retries::RetryPartition::new(format!("iamwatch-{account}"))
}

/// An [`ApiError`] from an SDK error.
pub(crate) fn api_error<E, R>(
    account: Option<&AccountId>,
    api: &str,
    error: &SdkError<E, R>,
) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let message = match error {
        SdkError::ServiceError(service) => service
            .err()
            .message()
            .map_or_else(|| DisplayErrorContext(error).to_string(), str::to_owned),
        _ => DisplayErrorContext(error).to_string(),
    };
    ApiError::new(account, api, error.code(), message)
}

/// The AWS error code of an SDK error, if AWS answered with one.
pub(crate) fn error_code<E, R>(error: &SdkError<E, R>) -> Option<&str>
where
    E: ProvideErrorMetadata,
{
    match error {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

/// An SDK date as a model timestamp.
pub(crate) fn timestamp(date: &aws_smithy_types::DateTime) -> Option<iamwatch_model::Timestamp> {
    let nanos = i32::try_from(date.subsec_nanos()).ok()?;
    iamwatch_model::Timestamp::new(date.secs(), nanos).ok()
}

impl AccountClients {
    /// Like [`AccountClients::send`], but an error with one of `absent` codes means "there is
    /// none" (`NoSuchEntity` for a password policy, `NoSuchBucketPolicy`, …).
    pub(crate) async fn send_optional<T, E, R>(
        &self,
        api: &str,
        absent: &[&str],
        call: impl std::future::Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<Option<T>, CollectError>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        self.meter.pace(api).await;
        match call.await {
            Ok(output) => Ok(Some(output)),
            Err(error) if error_code(&error).is_some_and(|code| absent.contains(&code)) => Ok(None),
            Err(error) => Err(api_error(Some(&self.account), api, &error).into()),
        }
    }
}
