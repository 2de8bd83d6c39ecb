//! The layouts of the generated data files (written by scripts/gen-catalog.mjs) and their
//! decompression. Both files are Brotli-compressed [postcard](https://postcard.jamesmunns.com),
//! serde's compact binary format: the structs below, field by field, with no names. Postcard was
//! chosen over JSON because it decodes several times faster, which keeps `Catalog::get` well
//! under its 50 ms budget. Each file starts with its `format` number (a varint), then the layout.
//!
//! `service-reference.postcard.br` is a [`RawServiceReference`]. Access levels and condition key
//! types are written as indices into the name tables `access_levels` and `key_types`, which the
//! file carries. In each service, `key` and `resource_type` numbers are indices into the
//! service's `keys` and `resource_types`. Actions are stored column-wise so that decoding
//! allocates per service, not per action:
//!
//! - `action_names`: one name per action, sorted case-insensitively;
//! - `actions`: three numbers per action: access level, resource type count, key count;
//! - `action_resource_types`: three numbers per resource type of each action, in action order:
//!   resource type, required (0 or 1), key count;
//! - `action_keys`: for each action in turn, the keys of each of its resource types, then the
//!   action's own keys.
//!
//! `managed-policies.postcard.br` is a [`RawManagedPolicies`]; each document is minified JSON.

use std::io::Read;

use serde::Deserialize;

use crate::err::CatalogError;

/// The layout version both files must carry (`FORMAT` in scripts/gen-catalog.mjs).
pub(crate) const FORMAT: u32 = 1;

pub(crate) const SERVICE_REFERENCE: &str = "service reference";
pub(crate) const MANAGED_POLICIES: &str = "managed policies";

/// Decompresses a Brotli file.
pub(crate) fn decompress(file: &'static str, compressed: &[u8]) -> Result<Vec<u8>, CatalogError> {
    // Room for about five times the input, what these files compress by, to save regrowing.
    let mut out = Vec::with_capacity(compressed.len().saturating_mul(5));
    brotli_decompressor::Decompressor::new(compressed, 64 * 1024)
        .read_to_end(&mut out)
        .map_err(|e| CatalogError::decompress(file, e))?;
    Ok(out)
}

/// Decodes a postcard file: its `format` number, then the layout `T`.
pub(crate) fn decode<'a, T: Deserialize<'a>>(
    file: &'static str,
    bytes: &'a [u8],
) -> Result<T, CatalogError> {
    let (found, rest) =
        postcard::take_from_bytes::<u32>(bytes).map_err(|e| CatalogError::parse(file, e))?;
    if found != FORMAT {
        return Err(CatalogError::invalid(
            file,
            format!("layout version {found}, this build reads version {FORMAT}"),
        ));
    }
    postcard::from_bytes(rest).map_err(|e| CatalogError::parse(file, e))
}

#[derive(Deserialize)]
/// The whole `service-reference.postcard.br`.
pub(crate) struct RawServiceReference<'a> {
    pub source: &'a str,
    pub access_levels: Vec<&'a str>,
    pub key_types: Vec<&'a str>,
    pub global_keys: Vec<RawKey<'a>>,
    pub rcp_supported: Vec<&'a str>,
    pub services: Vec<RawService<'a>>,
}

/// A condition key: name and index into `key_types`.
#[derive(Deserialize)]
pub(crate) struct RawKey<'a>(pub &'a str, pub usize);

#[derive(Deserialize)]
pub(crate) struct RawService<'a> {
    pub prefix: &'a str,
    pub name: &'a str,
    pub keys: Vec<RawKey<'a>>,
    pub resource_types: Vec<RawResourceType<'a>>,
    pub action_names: Vec<&'a str>,
    pub actions: Vec<usize>,
    pub action_resource_types: Vec<usize>,
    pub action_keys: Vec<usize>,
}

/// A resource type: name, ARN format, condition keys.
#[derive(Deserialize)]
pub(crate) struct RawResourceType<'a>(pub &'a str, pub &'a str, pub Vec<usize>);

#[derive(Deserialize)]
/// The whole `managed-policies.postcard.br`.
pub(crate) struct RawManagedPolicies<'a> {
    pub source: &'a str,
    pub policies: Vec<RawPolicy<'a>>,
}

/// A managed policy: name, ARN, default version id, versions.
#[derive(Deserialize)]
pub(crate) struct RawPolicy<'a>(
    pub &'a str,
    pub &'a str,
    pub &'a str,
    pub Vec<RawVersion<'a>>,
);

/// A policy version: id, create date, document (minified JSON).
#[derive(Deserialize)]
pub(crate) struct RawVersion<'a>(pub &'a str, pub &'a str, pub &'a str);
