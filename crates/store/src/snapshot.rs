//! The snapshot history: listing snapshots and finding the ones to compare.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::err::StoreError;
use crate::store::Reader;
use crate::write::SnapshotId;

/// One snapshot, as `iamwatch snapshots` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotInfo {
    pub snapshot_id: SnapshotId,
    pub account_id: String,
    pub org_id: Option<String>,
    /// `iam`, `credential_report`, `organization`, … (see `latest_snapshots`).
    pub kind: String,
    /// `gaad`, `credential-report`, … (the model's `SnapshotSource`).
    pub source: String,
    pub taken_at: String,
    pub imported_at: String,
    pub content_hash: String,
    pub file: Option<String>,
    /// How many times this content was imported (1 + identical re-imports).
    pub imports: i64,
}

const SELECT: &str = "SELECT s.snapshot_id, s.account_id, s.org_id, s.kind, s.source, s.taken_at,
           s.imported_at, s.content_hash, s.file,
           (SELECT count(*) FROM imports AS i WHERE i.snapshot_id = s.snapshot_id)
    FROM snapshots AS s";

fn from_row(row: &Row<'_>) -> rusqlite::Result<SnapshotInfo> {
    Ok(SnapshotInfo {
        snapshot_id: row.get(0)?,
        account_id: row.get(1)?,
        org_id: row.get(2)?,
        kind: row.get(3)?,
        source: row.get(4)?,
        taken_at: row.get(5)?,
        imported_at: row.get(6)?,
        content_hash: row.get(7)?,
        file: row.get(8)?,
        imports: row.get(9)?,
    })
}

/// Which snapshots to list.
#[derive(Clone, Debug, Default)]
pub struct SnapshotFilter {
    pub account_id: Option<String>,
    pub kind: Option<String>,
    /// The newest `limit` (after filtering), still listed oldest first.
    pub limit: Option<u32>,
}

impl Reader<'_> {
    /// Snapshots, oldest first (by `taken_at`, then ID).
    pub fn snapshots(&self, filter: &SnapshotFilter) -> Result<Vec<SnapshotInfo>, StoreError> {
        let sql = format!(
            "SELECT * FROM ({SELECT}
               WHERE (?1 IS NULL OR s.account_id = ?1) AND (?2 IS NULL OR s.kind = ?2)
               ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT ?3)
             ORDER BY 6, 1"
        );
        let limit = filter.limit.map_or(-1, i64::from);
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement
            .query_map(params![filter.account_id, filter.kind, limit], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// One snapshot by ID.
    pub fn snapshot(&self, id: SnapshotId) -> Result<SnapshotInfo, StoreError> {
        self.conn
            .query_row(
                &format!("{SELECT} WHERE s.snapshot_id = ?1"),
                [id],
                from_row,
            )
            .optional()?
            .ok_or(StoreError::UnknownSnapshot { id })
    }

    /// The snapshot of the same account and kind just before `snapshot`.
    pub fn previous_snapshot(
        &self,
        snapshot: &SnapshotInfo,
    ) -> Result<Option<SnapshotInfo>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "{SELECT} WHERE s.account_id = ?1 AND s.kind = ?2
                       AND (s.taken_at < ?3 OR (s.taken_at = ?3 AND s.snapshot_id < ?4))
                     ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT 1"
                ),
                params![
                    snapshot.account_id,
                    snapshot.kind,
                    snapshot.taken_at,
                    snapshot.snapshot_id
                ],
                from_row,
            )
            .optional()?)
    }

    /// The latest snapshot of an account and kind.
    pub fn latest_snapshot(
        &self,
        account_id: &str,
        kind: &str,
    ) -> Result<Option<SnapshotInfo>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "{SELECT} WHERE s.account_id = ?1 AND s.kind = ?2
                     ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT 1"
                ),
                params![account_id, kind],
                from_row,
            )
            .optional()?)
    }

    /// Every (account, kind) pair with at least one snapshot, optionally for one account.
    pub(crate) fn account_kinds(
        &self,
        account_id: Option<&str>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT DISTINCT account_id, kind FROM snapshots
             WHERE ?1 IS NULL OR account_id = ?1 ORDER BY 1, 2",
        )?;
        let pairs = statement
            .query_map([account_id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(pairs)
    }
}
