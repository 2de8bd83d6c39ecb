//! Account-level IAM settings: password policy, account summary, identity providers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, Arn, Tag, Timestamp};

/// The account password policy (`GetAccountPasswordPolicy`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPasswordPolicy {
    pub account_id: AccountId,
    /// `None` when the account has no password policy (the API answers `NoSuchEntity`, and the
    /// IAM defaults apply).
    pub policy: Option<PasswordPolicy>,
}

/// The settings of a password policy. Absent numbers mean the setting is off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_password_length: Option<u32>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    pub expire_passwords: bool,
    /// Days.
    pub max_password_age: Option<u32>,
    pub password_reuse_prevention: Option<u32>,
    pub hard_expiry: Option<bool>,
}

/// The account summary (`GetAccountSummary` `SummaryMap`: `Users`, `AccountMFAEnabled`,
/// `AccountAccessKeysPresent`, quotas, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub account_id: AccountId,
    pub values: BTreeMap<String, u64>,
}

impl AccountSummary {
    /// `AccountMFAEnabled` = 1.
    pub fn root_mfa_enabled(&self) -> Option<bool> {
        self.values.get("AccountMFAEnabled").map(|v| *v == 1)
    }

    /// `AccountAccessKeysPresent` = 1: the root user has access keys.
    pub fn root_access_keys_present(&self) -> Option<bool> {
        self.values.get("AccountAccessKeysPresent").map(|v| *v == 1)
    }
}

/// An account's OIDC and SAML identity providers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProviders {
    pub account_id: AccountId,
    pub oidc: Vec<OidcProvider>,
    pub saml: Vec<SamlProvider>,
}

impl IdentityProviders {
    pub fn normalize(&mut self) {
        self.oidc.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.saml.sort_by(|a, b| a.arn.cmp(&b.arn));
        for provider in &mut self.oidc {
            provider.client_ids.sort();
            provider.thumbprints.sort();
            provider.tags.sort();
        }
        for provider in &mut self.saml {
            provider.tags.sort();
        }
    }
}

/// An OpenID Connect provider (`GetOpenIDConnectProvider`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OidcProvider {
    pub arn: Arn,
    /// The issuer without scheme (`token.actions.githubusercontent.com`), as IAM stores it.
    pub url: Option<String>,
    /// Audiences (`sts.amazonaws.com`).
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub create_date: Option<Timestamp>,
    pub tags: Vec<Tag>,
}

/// A SAML provider (`GetSAMLProvider`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamlProvider {
    pub arn: Arn,
    pub create_date: Option<Timestamp>,
    pub valid_until: Option<Timestamp>,
    /// The SAML metadata XML, when exported.
    pub metadata_document: Option<String>,
    pub tags: Vec<Tag>,
}
