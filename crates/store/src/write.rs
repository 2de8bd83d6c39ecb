//! Writing snapshots: one transaction per snapshot, identical re-imports recorded, not
//! duplicated, and a failed import run undone whole.

use iamwatch_model::{Snapshot, SnapshotScope};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::err::StoreError;
use crate::store::Store;
use crate::time::{now, timestamp_millis};

mod payload;

/// A store snapshot ID (`snapshots.snapshot_id`).
pub type SnapshotId = i64;

/// One `import` run (or collection run): the unit that [`Store::abort_run`] undoes.
#[derive(Debug)]
pub struct ImportRun {
    run_id: i64,
    /// Snapshots this run wrote (not the duplicates it found).
    written: Vec<SnapshotId>,
}

impl ImportRun {
    pub fn id(&self) -> i64 {
        self.run_id
    }

    pub fn written(&self) -> &[SnapshotId] {
        &self.written
    }
}

/// What writing one snapshot did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// A new snapshot.
    Written(SnapshotId),
    /// The store already had this content as the latest snapshot of the same account and
    /// source (or with the same `taken_at`); the import is logged against that snapshot.
    Duplicate(SnapshotId),
}

impl WriteOutcome {
    pub fn snapshot_id(self) -> SnapshotId {
        match self {
            WriteOutcome::Written(id) | WriteOutcome::Duplicate(id) => id,
        }
    }
}

/// The kind of data a payload holds: the unit of "latest state" (see `latest_snapshots`).
pub fn payload_kind(snapshot: &Snapshot) -> &'static str {
    use iamwatch_model::Payload;
    match &snapshot.payload {
        Payload::Iam(_) => "iam",
        Payload::CredentialReport(_) => "credential_report",
        Payload::Organization(_) => "organization",
        Payload::ResourcePolicies(_) => "resource_policies",
        Payload::PasswordPolicy(_) => "password_policy",
        Payload::AccountSummary(_) => "account_summary",
        Payload::IdentityProviders(_) => "identity_providers",
    }
}

/// The account a snapshot is kept under, and its organization for organization snapshots.
fn snapshot_account(snapshot: &Snapshot) -> (String, Option<String>) {
    match (&snapshot.scope, &snapshot.payload) {
        (SnapshotScope::Organization(org), iamwatch_model::Payload::Organization(o)) => (
            o.management_account_id.as_str().to_owned(),
            Some(org.as_str().to_owned()),
        ),
        (SnapshotScope::Organization(org), _) => (String::new(), Some(org.as_str().to_owned())),
        (SnapshotScope::Account(account), _) => (account.as_str().to_owned(), None),
    }
}

impl Store {
    /// Starts an import run.
    pub fn begin_run(&mut self) -> Result<ImportRun, StoreError> {
        self.conn.execute(
            "INSERT INTO import_runs (started_at) VALUES (?1)",
            [timestamp_millis(&now())],
        )?;
        self.documents.start_run();
        Ok(ImportRun {
            run_id: self.conn.last_insert_rowid(),
            written: Vec::new(),
        })
    }

    /// Writes one snapshot in one transaction, or records it as a duplicate of the snapshot
    /// that already holds the same content.
    ///
    /// `file` is the imported file, for the record.
    pub fn write_snapshot(
        &mut self,
        run: &mut ImportRun,
        snapshot: &Snapshot,
        file: Option<&str>,
    ) -> Result<WriteOutcome, StoreError> {
        let result = self.write_snapshot_tx(run, snapshot, file);
        match &result {
            Ok(_) => self.documents.commit(),
            Err(_) => self.documents.rollback(),
        }
        let outcome = result?;
        if let WriteOutcome::Written(id) = outcome {
            run.written.push(id);
        }
        Ok(outcome)
    }

    fn write_snapshot_tx(
        &mut self,
        run: &ImportRun,
        snapshot: &Snapshot,
        file: Option<&str>,
    ) -> Result<WriteOutcome, StoreError> {
        let (account_id, org_id) = snapshot_account(snapshot);
        let source = snapshot.source.as_str();
        let hash = snapshot.content_hash.to_hex();
        let taken_at = timestamp_millis(&snapshot.taken_at);
        let imported_at = timestamp_millis(&now());
        // IMMEDIATE: take the write lock first, so the duplicate check and the write see the
        // same store even with another importer running.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let duplicate = find_duplicate(&tx, &account_id, source, &hash, &taken_at)?;
        let (snapshot_id, outcome) = match duplicate {
            Some(id) => (id, WriteOutcome::Duplicate(id)),
            None => {
                tx.prepare_cached(
                    "INSERT INTO snapshots (account_id, org_id, kind, source, taken_at,
                         imported_at, content_hash, file, run_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(params![
                    account_id,
                    org_id,
                    payload_kind(snapshot),
                    source,
                    taken_at,
                    imported_at,
                    hash,
                    file,
                    run.run_id,
                ])?;
                let id = tx.last_insert_rowid();
                payload::write(&tx, &mut self.documents, id, &snapshot.payload)?;
                crate::load::write_payload(&tx, id, &snapshot.payload)?;
                (id, WriteOutcome::Written(id))
            }
        };
        tx.prepare_cached(
            "INSERT INTO imports (run_id, imported_at, account_id, source, content_hash, file,
                 snapshot_id, duplicate)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            run.run_id,
            imported_at,
            account_id,
            source,
            hash,
            file,
            snapshot_id,
            matches!(outcome, WriteOutcome::Duplicate(_)),
        ])?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Undoes a run: removes its snapshots, its import log rows and the documents only it
    /// brought, in one transaction. The store is then as it was before [`Store::begin_run`].
    pub fn abort_run(&mut self, run: ImportRun) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for table in payload::SNAPSHOT_TABLES {
            tx.execute(
                &format!(
                    "DELETE FROM {table} WHERE snapshot_id IN
                         (SELECT snapshot_id FROM snapshots WHERE run_id = ?1)"
                ),
                [run.run_id],
            )?;
        }
        tx.execute("DELETE FROM snapshots WHERE run_id = ?1", [run.run_id])?;
        tx.execute("DELETE FROM imports WHERE run_id = ?1", [run.run_id])?;
        tx.execute("DELETE FROM import_runs WHERE run_id = ?1", [run.run_id])?;
        let candidates = self.documents.inserted_in_run();
        if !candidates.is_empty() {
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS abort_candidates (document_id INTEGER PRIMARY KEY);
                 DELETE FROM abort_candidates;",
            )?;
            {
                let mut insert =
                    tx.prepare("INSERT OR IGNORE INTO abort_candidates VALUES (?1)")?;
                for id in candidates {
                    insert.execute([id])?;
                }
            }
            let unreferenced = format!(
                "SELECT document_id FROM abort_candidates WHERE document_id NOT IN ({})",
                payload::DOCUMENT_REFERENCES
            );
            for table in ["document_statements", "statement_principals", "documents"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE document_id IN ({unreferenced})"),
                    [],
                )?;
            }
            tx.execute_batch("DROP TABLE abort_candidates")?;
        }
        tx.commit()?;
        self.documents.clear();
        Ok(())
    }
}

/// The snapshot that already holds this content: the latest of the same account and source
/// when its hash is equal, or one with the same hash taken at the same time (the same file
/// imported again after newer ones).
fn find_duplicate(
    tx: &rusqlite::Transaction<'_>,
    account_id: &str,
    source: &str,
    hash: &str,
    taken_at: &str,
) -> Result<Option<SnapshotId>, rusqlite::Error> {
    let latest: Option<(SnapshotId, String)> = tx
        .prepare_cached(
            "SELECT snapshot_id, content_hash FROM snapshots
             WHERE account_id = ?1 AND source = ?2
             ORDER BY taken_at DESC, snapshot_id DESC LIMIT 1",
        )?
        .query_row(params![account_id, source], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    if let Some((id, latest_hash)) = latest {
        if latest_hash == hash {
            return Ok(Some(id));
        }
    }
    tx.prepare_cached(
        "SELECT snapshot_id FROM snapshots
         WHERE account_id = ?1 AND source = ?2 AND content_hash = ?3 AND taken_at = ?4
         ORDER BY snapshot_id DESC LIMIT 1",
    )?
    .query_row(params![account_id, source, hash, taken_at], |row| {
        row.get(0)
    })
    .optional()
}
