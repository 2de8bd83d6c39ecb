//! One account: every source, each a snapshot, read with the fewest calls the APIs allow.
//!
//! | source | calls |
//! |---|---|
//! | GAAD (users, groups, roles, customer managed policies) | one per page |
//! | credential report | Generate, then Get (Generate again while in progress) |
//! | password policy, account summary | one each |
//! | identity providers | ListOpenIDConnectProviders + one Get per OIDC provider, ListSAMLProviders |
//! | resource policies | see [`crate::resources`] |

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_iam::types::ReportStateType;
use iamwatch_model::{
    AccountPasswordPolicy, AccountSummary, Arn, IdentityProviders, OidcProvider, PasswordPolicy,
    Payload, SamlProvider, Snapshot, SnapshotSource, Tag, Timestamp,
};

use crate::aws::{AccountClients, timestamp};
use crate::err::CollectError;
use crate::managed::ManagedPolicies;
use crate::progress::{Phase, Progress};
use crate::settings::CollectSettings;
use crate::{gaad, report, resources};

/// Collects every source of one account.
pub(crate) async fn collect(
    clients: &AccountClients,
    managed: &ManagedPolicies,
    settings: &CollectSettings,
    progress: &dyn Progress,
) -> Result<Vec<Snapshot>, CollectError> {
    let account = clients.account();
    let mut snapshots = Vec::new();

    progress.phase(account, Phase::AuthorizationDetails);
    let taken_at = Timestamp::now();
    let mut pages = gaad::read_pages(clients, &gaad::ACCOUNT_FILTER).await?;
    gaad::fill_policy_names(clients, &mut pages).await?;
    let mut authorization = gaad::to_model(account, pages)?;
    authorization.aws_managed_policies = managed.refs_for(&authorization);
    snapshots.push(Snapshot::new(
        SnapshotSource::Gaad,
        taken_at,
        Payload::Iam(authorization),
    ));

    progress.phase(account, Phase::CredentialReport);
    let credential_report = report::collect(clients, settings).await?;
    let taken_at = credential_report
        .generated_time
        .unwrap_or_else(Timestamp::now);
    snapshots.push(Snapshot::new(
        SnapshotSource::CredentialReport,
        taken_at,
        Payload::CredentialReport(credential_report),
    ));

    progress.phase(account, Phase::AccountSettings);
    let taken_at = Timestamp::now();
    snapshots.push(Snapshot::new(
        SnapshotSource::PasswordPolicy,
        taken_at,
        Payload::PasswordPolicy(password_policy(clients).await?),
    ));
    snapshots.push(Snapshot::new(
        SnapshotSource::AccountSummary,
        taken_at,
        Payload::AccountSummary(account_summary(clients).await?),
    ));
    snapshots.push(Snapshot::new(
        SnapshotSource::IdentityProviders,
        taken_at,
        Payload::IdentityProviders(identity_providers(clients).await?),
    ));

    if settings.resource_policies {
        progress.phase(account, Phase::ResourcePolicies);
        let taken_at = Timestamp::now();
        let resources = resources::collect(clients, settings.regions.as_deref()).await?;
        snapshots.push(Snapshot::new(
            SnapshotSource::ResourcePolicies,
            taken_at,
            Payload::ResourcePolicies(resources),
        ));
    }
    Ok(snapshots)
}

fn count(value: Option<i32>) -> Option<u32> {
    value.and_then(|v| u32::try_from(v).ok())
}

/// `GetAccountPasswordPolicy`; `NoSuchEntity` means the account has none (IAM defaults apply).
async fn password_policy(clients: &AccountClients) -> Result<AccountPasswordPolicy, CollectError> {
    let iam = clients.iam(None);
    let output = clients
        .send_optional(
            "iam:GetAccountPasswordPolicy",
            &["NoSuchEntity"],
            iam.get_account_password_policy().send(),
        )
        .await?;
    let policy = output
        .and_then(|o| o.password_policy)
        .map(|p| PasswordPolicy {
            minimum_password_length: count(p.minimum_password_length),
            require_symbols: p.require_symbols,
            require_numbers: p.require_numbers,
            require_uppercase_characters: p.require_uppercase_characters,
            require_lowercase_characters: p.require_lowercase_characters,
            allow_users_to_change_password: p.allow_users_to_change_password,
            expire_passwords: p.expire_passwords,
            max_password_age: count(p.max_password_age),
            password_reuse_prevention: count(p.password_reuse_prevention),
            hard_expiry: p.hard_expiry,
        });
    Ok(AccountPasswordPolicy {
        account_id: clients.account().clone(),
        policy,
    })
}

/// `GetAccountSummary`.
async fn account_summary(clients: &AccountClients) -> Result<AccountSummary, CollectError> {
    let iam = clients.iam(None);
    let output = clients
        .send("iam:GetAccountSummary", iam.get_account_summary().send())
        .await?;
    let values: BTreeMap<String, u64> = output
        .summary_map
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(key, value)| Some((key.as_str().to_owned(), u64::try_from(value).ok()?)))
        .collect();
    Ok(AccountSummary {
        account_id: clients.account().clone(),
        values,
    })
}

fn iam_tags(tags: Option<Vec<aws_sdk_iam::types::Tag>>) -> Vec<Tag> {
    tags.unwrap_or_default()
        .into_iter()
        .map(|t| Tag::new(t.key, t.value))
        .collect()
}

/// OIDC providers (the list has ARNs only: one Get each) and SAML providers (the list has
/// what the model keeps).
async fn identity_providers(clients: &AccountClients) -> Result<IdentityProviders, CollectError> {
    let account = clients.account();
    let iam = clients.iam(None);
    let list = clients
        .send(
            "iam:ListOpenIDConnectProviders",
            iam.list_open_id_connect_providers().send(),
        )
        .await?;
    let mut oidc = Vec::new();
    for entry in list.open_id_connect_provider_list.unwrap_or_default() {
        let Some(arn) = entry.arn else { continue };
        let provider = clients
            .send(
                "iam:GetOpenIDConnectProvider",
                iam.get_open_id_connect_provider()
                    .open_id_connect_provider_arn(&arn)
                    .send(),
            )
            .await?;
        oidc.push(OidcProvider {
            arn: Arn::try_from(arn).map_err(|e| CollectError::value(account, e))?,
            url: provider.url,
            client_ids: provider.client_id_list.unwrap_or_default(),
            thumbprints: provider.thumbprint_list.unwrap_or_default(),
            create_date: provider.create_date.as_ref().and_then(timestamp),
            tags: iam_tags(provider.tags),
        });
    }
    let list = clients
        .send("iam:ListSAMLProviders", iam.list_saml_providers().send())
        .await?;
    let mut saml = Vec::new();
    for entry in list.saml_provider_list.unwrap_or_default() {
        let Some(arn) = entry.arn else { continue };
        saml.push(SamlProvider {
            arn: Arn::try_from(arn).map_err(|e| CollectError::value(account, e))?,
            create_date: entry.create_date.as_ref().and_then(timestamp),
            valid_until: entry.valid_until.as_ref().and_then(timestamp),
            metadata_document: None,
            tags: Vec::new(),
        });
    }
    Ok(IdentityProviders {
        account_id: account.clone(),
        oidc,
        saml,
    })
}

/// The wait before the `poll`th credential-report poll: doubling, at most 8 s.
pub(crate) fn poll_wait(first: Duration, poll: u32) -> Duration {
    first
        .saturating_mul(1u32 << poll.min(8))
        .min(Duration::from_secs(8))
}

/// Whether a report state means "ready".
pub(crate) fn is_complete(state: Option<&ReportStateType>) -> bool {
    matches!(state, Some(ReportStateType::Complete))
}
