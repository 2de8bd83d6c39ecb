//! AWS managed policies: the same in every account of a partition, so they are read once per
//! partition (GAAD with the `AWSManagedPolicy` filter) and kept on disk for a while (24 h by
//! default), never read once per account. AWS publishes changes to them a few times a week
//! (IAM User Guide, "AWS managed policies", §"Updates to AWS managed policies").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_iam::types::EntityType;
use iamwatch_model::{AccountAuthorization, Arn, AwsManagedPolicyRef, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::aws::AccountClients;
use crate::err::CollectError;
use crate::gaad;

/// The AWS managed policies of one partition, by ARN.
#[derive(Clone, Debug, Default)]
pub struct ManagedPolicies {
    by_arn: BTreeMap<Arn, AwsManagedPolicyRef>,
    fetched_at: Option<Timestamp>,
    from_cache: bool,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    partition: String,
    endpoint: Option<String>,
    fetched_at: Timestamp,
    policies: Vec<AwsManagedPolicyRef>,
}

impl ManagedPolicies {
    pub fn len(&self) -> usize {
        self.by_arn.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_arn.is_empty()
    }

    /// Whether they came from the disk cache rather than from AWS.
    pub fn from_cache(&self) -> bool {
        self.from_cache
    }

    pub fn fetched_at(&self) -> Option<Timestamp> {
        self.fetched_at
    }

    /// The references an account needs: every AWS managed policy attached to one of its
    /// entities or used as a permissions boundary, with the default document.
    pub(crate) fn refs_for(&self, account: &AccountAuthorization) -> Vec<AwsManagedPolicyRef> {
        let used: std::collections::BTreeSet<&Arn> = account
            .policy_uses()
            .filter(|arn| arn.is_aws_managed_policy())
            .collect();
        used.into_iter()
            .map(|arn| {
                self.by_arn
                    .get(arn)
                    .cloned()
                    .unwrap_or_else(|| AwsManagedPolicyRef {
                        arn: arn.clone(),
                        default_version_id: None,
                        document: None,
                    })
            })
            .collect()
    }
}

fn cache_path(dir: &Path, partition: &str, endpoint: Option<&str>) -> PathBuf {
    let name = match endpoint {
        // A test endpoint (moto) has managed policies of its own: never mix them with AWS's.
        Some(endpoint) => {
            let digest = Sha256::digest(endpoint.as_bytes());
            let short: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
            format!("aws-managed-policies-{partition}-{short}.json")
        }
        None => format!("aws-managed-policies-{partition}.json"),
    };
    dir.join(name)
}

/// Reads the cache when it is younger than `ttl`, or GAAD's AWS managed policies otherwise
/// (and writes the cache).
pub(crate) async fn load(
    clients: &AccountClients,
    partition: &str,
    endpoint: Option<&str>,
    dir: &Path,
    ttl: Duration,
) -> Result<ManagedPolicies, CollectError> {
    let path = cache_path(dir, partition, endpoint);
    let now = Timestamp::now();
    if let Some(cached) = read_cache(&path) {
        let age = now.duration_since(cached.fetched_at);
        let fresh = age.is_positive() && age.unsigned_abs() < ttl;
        if fresh && cached.partition == partition && cached.endpoint.as_deref() == endpoint {
            tracing::info!(path = %path.display(), policies = cached.policies.len(), "AWS managed policies from the cache");
            return Ok(ManagedPolicies {
                by_arn: cached
                    .policies
                    .into_iter()
                    .map(|p| (p.arn.clone(), p))
                    .collect(),
                fetched_at: Some(cached.fetched_at),
                from_cache: true,
            });
        }
    }
    let pages = gaad::read_pages(clients, &[EntityType::AwsManagedPolicy]).await?;
    let mut by_arn = BTreeMap::new();
    for policy in pages.policies {
        let Some(arn) = policy.arn.clone().and_then(|a| Arn::try_from(a).ok()) else {
            continue;
        };
        if !arn.is_aws_managed_policy() {
            continue;
        }
        let default_version_id = policy.default_version_id.clone();
        let versions = gaad::versions(policy.policy_version_list)
            .map_err(|e| e.in_account(clients.account()))?;
        let document = versions
            .iter()
            .find(|v| Some(&v.version_id) == default_version_id.as_ref())
            .or_else(|| versions.iter().find(|v| v.is_default_version))
            .and_then(|v| v.document.clone());
        by_arn.insert(
            arn.clone(),
            AwsManagedPolicyRef {
                arn,
                default_version_id,
                document,
            },
        );
    }
    let file = CacheFile {
        partition: partition.to_owned(),
        endpoint: endpoint.map(str::to_owned),
        fetched_at: now,
        policies: by_arn.values().cloned().collect(),
    };
    write_cache(&path, &file)?;
    tracing::info!(path = %path.display(), policies = by_arn.len(), "AWS managed policies fetched");
    Ok(ManagedPolicies {
        by_arn,
        fetched_at: Some(now),
        from_cache: false,
    })
}

fn read_cache(path: &Path) -> Option<CacheFile> {
    let bytes = std::fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(file) => Some(file),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "ignoring an unreadable managed-policy cache");
            None
        }
    }
}

fn write_cache(path: &Path, file: &CacheFile) -> Result<(), CollectError> {
    let bytes = serde_json::to_vec(file).map_err(|e| CollectError::file(path, e))?;
    crate::runfile::write_atomically(path, &bytes)
}
