//! Account-level settings: the account bundle (password policy, account summary, identity
//! providers) and the bare `get-account-password-policy` / `get-account-summary` outputs.

use std::collections::BTreeMap;

use crate::account::{
    AccountPasswordPolicy, AccountSummary, IdentityProviders, OidcProvider, PasswordPolicy,
    SamlProvider,
};
use crate::ids::{AccountId, Arn};
use crate::import::err::ImportError;
use crate::import::node::Node;

pub(crate) const GET_PASSWORD_POLICY: &str = "iam get-account-password-policy";
pub(crate) const GET_ACCOUNT_SUMMARY: &str = "iam get-account-summary";
pub(crate) const LIST_OIDC_PROVIDERS: &str = "iam list-open-id-connect-providers";
pub(crate) const GET_OIDC_PROVIDER: &str = "iam get-open-id-connect-provider";
pub(crate) const LIST_SAML_PROVIDERS: &str = "iam list-saml-providers";
pub(crate) const GET_SAML_PROVIDER: &str = "iam get-saml-provider";

/// `{"PasswordPolicy": {…}}`.
pub(crate) fn password_policy(output: &Node<'_>) -> Result<PasswordPolicy, ImportError> {
    let p = output.req("PasswordPolicy")?;
    Ok(PasswordPolicy {
        minimum_password_length: p.opt_u32("MinimumPasswordLength")?,
        require_symbols: p.opt_bool("RequireSymbols")?.unwrap_or(false),
        require_numbers: p.opt_bool("RequireNumbers")?.unwrap_or(false),
        require_uppercase_characters: p.opt_bool("RequireUppercaseCharacters")?.unwrap_or(false),
        require_lowercase_characters: p.opt_bool("RequireLowercaseCharacters")?.unwrap_or(false),
        allow_users_to_change_password: p.opt_bool("AllowUsersToChangePassword")?.unwrap_or(false),
        expire_passwords: p.opt_bool("ExpirePasswords")?.unwrap_or(false),
        max_password_age: p.opt_u32("MaxPasswordAge")?,
        password_reuse_prevention: p.opt_u32("PasswordReusePrevention")?,
        hard_expiry: p.opt_bool("HardExpiry")?,
    })
}

/// `{"SummaryMap": {…}}`.
pub(crate) fn account_summary(
    output: &Node<'_>,
    account_id: AccountId,
) -> Result<AccountSummary, ImportError> {
    let values = output
        .req("SummaryMap")?
        .entries()?
        .into_iter()
        .map(|(key, value)| Ok((key.to_owned(), value.u64()?)))
        .collect::<Result<BTreeMap<_, _>, ImportError>>()?;
    Ok(AccountSummary { account_id, values })
}

/// The snapshots' payloads an account bundle holds, each only when its calls are present.
pub(crate) struct AccountBundle {
    pub(crate) password_policy: Option<AccountPasswordPolicy>,
    pub(crate) summary: Option<AccountSummary>,
    pub(crate) identity_providers: Option<IdentityProviders>,
}

pub(crate) fn bundle(
    root: &Node<'_>,
    account_id: &AccountId,
) -> Result<AccountBundle, ImportError> {
    let password_policy = match root.value().get(GET_PASSWORD_POLICY) {
        None => None,
        // `null`: the account has no password policy (the call answered `NoSuchEntity`).
        Some(serde_json::Value::Null) => Some(AccountPasswordPolicy {
            account_id: account_id.clone(),
            policy: None,
        }),
        Some(_) => Some(AccountPasswordPolicy {
            account_id: account_id.clone(),
            policy: Some(password_policy(&root.req(GET_PASSWORD_POLICY)?)?),
        }),
    };
    let summary = root
        .get(GET_ACCOUNT_SUMMARY)
        .map(|n| account_summary(&n, account_id.clone()))
        .transpose()?;
    let has_providers = [
        LIST_OIDC_PROVIDERS,
        GET_OIDC_PROVIDER,
        LIST_SAML_PROVIDERS,
        GET_SAML_PROVIDER,
    ]
    .iter()
    .any(|key| root.value().get(key).is_some());
    let identity_providers = if has_providers {
        Some(identity_providers(root, account_id)?)
    } else {
        None
    };
    Ok(AccountBundle {
        password_policy,
        summary,
        identity_providers,
    })
}

fn identity_providers(
    root: &Node<'_>,
    account_id: &AccountId,
) -> Result<IdentityProviders, ImportError> {
    let mut oidc = Vec::new();
    let described: BTreeMap<&str, Node<'_>> = root
        .get(GET_OIDC_PROVIDER)
        .map(|n| n.entries())
        .transpose()?
        .unwrap_or_default()
        .into_iter()
        .collect();
    // Providers listed but not described still count (with no details).
    let mut arns: Vec<String> = described.keys().map(|k| (*k).to_owned()).collect();
    if let Some(list) = root.get(LIST_OIDC_PROVIDERS) {
        for item in list.list("OpenIDConnectProviderList")? {
            let arn = item.req_str("Arn")?.to_owned();
            if !arns.contains(&arn) {
                arns.push(arn);
            }
        }
    }
    for arn_text in arns {
        let arn = Arn::parse(&arn_text).map_err(|e| root.error(e.to_string()))?;
        let provider = match described.get(arn_text.as_str()) {
            Some(p) => OidcProvider {
                url: p.opt_str("Url")?,
                client_ids: p
                    .list("ClientIDList")?
                    .into_iter()
                    .map(|c| c.str().map(str::to_owned))
                    .collect::<Result<_, _>>()?,
                thumbprints: p
                    .list("ThumbprintList")?
                    .into_iter()
                    .map(|c| c.str().map(str::to_owned))
                    .collect::<Result<_, _>>()?,
                create_date: p.opt_time("CreateDate")?,
                tags: p.tags("Tags")?,
                arn,
            },
            None => OidcProvider {
                url: arn
                    .resource()
                    .strip_prefix("oidc-provider/")
                    .map(str::to_owned),
                client_ids: Vec::new(),
                thumbprints: Vec::new(),
                create_date: None,
                tags: Vec::new(),
                arn,
            },
        };
        oidc.push(provider);
    }

    let mut saml = Vec::new();
    let described: BTreeMap<&str, Node<'_>> = root
        .get(GET_SAML_PROVIDER)
        .map(|n| n.entries())
        .transpose()?
        .unwrap_or_default()
        .into_iter()
        .collect();
    let mut listed: BTreeMap<String, Node<'_>> = BTreeMap::new();
    if let Some(list) = root.get(LIST_SAML_PROVIDERS) {
        for item in list.list("SAMLProviderList")? {
            listed.insert(item.req_str("Arn")?.to_owned(), item);
        }
    }
    let mut arns: Vec<String> = described.keys().map(|k| (*k).to_owned()).collect();
    arns.extend(
        listed
            .keys()
            .filter(|k| !described.contains_key(k.as_str()))
            .cloned(),
    );
    for arn_text in arns {
        let arn = Arn::parse(&arn_text).map_err(|e| root.error(e.to_string()))?;
        let node = described
            .get(arn_text.as_str())
            .or_else(|| listed.get(&arn_text))
            .cloned();
        let provider = match node {
            Some(p) => SamlProvider {
                create_date: p.opt_time("CreateDate")?,
                valid_until: p.opt_time("ValidUntil")?,
                metadata_document: p.opt_str("SAMLMetadataDocument")?,
                tags: p.tags("Tags")?,
                arn,
            },
            None => SamlProvider {
                create_date: None,
                valid_until: None,
                metadata_document: None,
                tags: Vec::new(),
                arn,
            },
        };
        saml.push(provider);
    }
    Ok(IdentityProviders {
        account_id: account_id.clone(),
        oidc,
        saml,
    })
}
