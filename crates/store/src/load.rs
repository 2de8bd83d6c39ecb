//! Loading snapshots back into the model: the state `audit` and `simulate --principal` work on.
//!
//! Each snapshot written since schema version 2 keeps the model's normalized payload beside its
//! tables (`snapshot_payloads`: compact JSON, deflate-compressed). Loading reads the payloads of
//! the latest snapshot of each kind per account (the `latest_snapshots` rule), or of the state
//! at a given time, and decodes them in parallel.

use std::io::Read as _;

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use iamwatch_model::{ContentHash, Payload, Snapshot, SnapshotSource, Timestamp};
use rayon::prelude::*;
use rusqlite::{Transaction, params};

use crate::err::StoreError;
use crate::store::Reader;
use crate::time::timestamp_millis;
use crate::write::SnapshotId;

/// The only encoding written so far.
const JSON_DEFLATE: &str = "json+deflate";

/// Which state to load.
#[derive(Clone, Debug, Default)]
pub struct LoadFilter {
    /// Only these accounts (the management account for organization data); all when empty.
    pub accounts: Vec<String>,
    /// With `accounts`: also the organization snapshots, whichever account keeps them (the
    /// SCPs and RCPs over the selected accounts).
    pub with_organizations: bool,
    /// The state as it was at this time: for each account and kind, the latest snapshot taken
    /// at or before it. `None`: the latest state.
    pub as_of: Option<Timestamp>,
}

/// Writes a snapshot's payload (inside the snapshot's transaction).
pub(crate) fn write_payload(
    tx: &Transaction<'_>,
    snapshot_id: SnapshotId,
    payload: &Payload,
) -> Result<(), StoreError> {
    // Level 1: import speed matters more than a few percent of size (the tables are larger).
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::fast());
    serde_json::to_writer(&mut encoder, payload).map_err(|error| StoreError::Payload {
        snapshot_id,
        message: format!("cannot encode the payload: {error}"),
    })?;
    let bytes = encoder.finish().map_err(|error| StoreError::Payload {
        snapshot_id,
        message: format!("cannot compress the payload: {error}"),
    })?;
    tx.prepare_cached(
        "INSERT INTO snapshot_payloads (snapshot_id, encoding, payload) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![snapshot_id, JSON_DEFLATE, bytes])?;
    Ok(())
}

/// A row read before decoding.
struct Stored {
    snapshot_id: SnapshotId,
    source: String,
    taken_at: String,
    content_hash: String,
    encoding: Option<String>,
    payload: Option<Vec<u8>>,
}

impl Reader<'_> {
    /// The snapshots of the state `filter` names, decoded into the model, oldest first.
    ///
    /// Fails on the first snapshot written by an older iamwatch (no payload) or that cannot be
    /// decoded, naming it.
    pub fn load_snapshots(&self, filter: &LoadFilter) -> Result<Vec<Snapshot>, StoreError> {
        let as_of = filter.as_of.as_ref().map(timestamp_millis);
        let accounts = serde_json::to_string(&filter.accounts).unwrap_or_else(|_| "[]".into());
        let mut statement = self.conn.prepare(
            "WITH chosen AS (
                 SELECT snapshot_id FROM (
                     SELECT snapshot_id, row_number() OVER (
                                PARTITION BY account_id, kind
                                ORDER BY taken_at DESC, snapshot_id DESC) AS position
                     FROM snapshots
                     WHERE (?1 IS NULL OR taken_at <= ?1)
                       AND (json_array_length(?2) = 0
                            OR account_id IN (SELECT value FROM json_each(?2))
                            OR (?3 AND kind = 'organization')))
                 WHERE position = 1)
             SELECT s.snapshot_id, s.source, s.taken_at, s.content_hash, p.encoding, p.payload
             FROM snapshots AS s
             JOIN chosen AS c ON c.snapshot_id = s.snapshot_id
             LEFT JOIN snapshot_payloads AS p ON p.snapshot_id = s.snapshot_id
             ORDER BY s.taken_at, s.snapshot_id",
        )?;
        let rows = statement
            .query_map(params![as_of, accounts, filter.with_organizations], |row| {
                Ok(Stored {
                    snapshot_id: row.get(0)?,
                    source: row.get(1)?,
                    taken_at: row.get(2)?,
                    content_hash: row.get(3)?,
                    encoding: row.get(4)?,
                    payload: row.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_par_iter().map(decode).collect()
    }
}

fn decode(stored: Stored) -> Result<Snapshot, StoreError> {
    let snapshot_id = stored.snapshot_id;
    let fail = |message: String| StoreError::Payload {
        snapshot_id,
        message,
    };
    let (Some(encoding), Some(bytes)) = (stored.encoding, stored.payload) else {
        return Err(StoreError::PayloadMissing { snapshot_id });
    };
    if encoding != JSON_DEFLATE {
        return Err(fail(format!(
            "unknown payload encoding `{encoding}` (written by a newer iamwatch?)"
        )));
    }
    let source = SnapshotSource::parse(&stored.source)
        .ok_or_else(|| fail(format!("unknown source `{}`", stored.source)))?;
    let taken_at: Timestamp = stored
        .taken_at
        .parse()
        .map_err(|error| fail(format!("bad taken_at `{}`: {error}", stored.taken_at)))?;
    let content_hash = ContentHash::parse(&stored.content_hash)
        .map_err(|error| fail(format!("bad content hash: {error}")))?;
    let mut json = Vec::with_capacity(bytes.len() * 8);
    DeflateDecoder::new(bytes.as_slice())
        .read_to_end(&mut json)
        .map_err(|error| fail(format!("cannot decompress the payload: {error}")))?;
    let payload: Payload = serde_json::from_slice(&json)
        .map_err(|error| fail(format!("cannot decode the payload: {error}")))?;
    Ok(Snapshot {
        scope: payload.scope(),
        source,
        taken_at,
        content_hash,
        payload,
    })
}
