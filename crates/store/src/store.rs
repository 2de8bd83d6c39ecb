//! Opening a store: read-write (creating and migrating it) or read-only.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::document::DocumentCache;
use crate::err::StoreError;
use crate::schema::{self, Found, SCHEMA_VERSION};

/// The database file used when neither `--db` nor `IAMWATCH_DB` names one.
pub const DEFAULT_PATH: &str = "iamwatch.db";

/// How long a connection waits for another process's write transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A store opened for writing: imports and collections add snapshots to it.
///
/// Every snapshot is written in one transaction (see [`Store::write_snapshot`]): a process
/// killed mid-write leaves the store as it was before that snapshot.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    /// Documents known to be committed, by content hash.
    pub(crate) documents: DocumentCache,
}

impl Store {
    /// Opens the store at `path`, creating it when it does not exist, and migrates its schema.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_error)?;
        configure_writer(&conn).map_err(open_error)?;
        schema::migrate(&mut conn, path)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            documents: DocumentCache::default(),
        })
    }

    /// A store in memory, for tests and one-off pipelines.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let path = PathBuf::from(":memory:");
        let mut conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        schema::migrate(&mut conn, &path)?;
        Ok(Self {
            conn,
            path,
            documents: DocumentCache::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read access through the same connection (queries, snapshots, diff).
    pub fn reader(&self) -> Reader<'_> {
        Reader { conn: &self.conn }
    }
}

fn configure_writer(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(64);
    // WAL: readers never block the writer and a crash mid-transaction leaves the last commit.
    // synchronous=NORMAL is durable against a process crash; after a power loss the last
    // commits may be lost but the file stays consistent (sqlite.org/wal.html §"Performance
    // Considerations").
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(rusqlite::Error::InvalidQuery);
    }
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA cache_size = -65536;
         PRAGMA temp_store = MEMORY;
         PRAGMA foreign_keys = OFF;",
    )
}

/// A store opened read-only: `query`, `schema`, `snapshots` and `diff` use it.
///
/// The connection is opened with `SQLITE_OPEN_READ_ONLY` and `PRAGMA query_only`, so no
/// statement can change the file.
#[derive(Debug)]
pub struct ReadOnlyStore {
    conn: Connection,
    path: PathBuf,
}

impl ReadOnlyStore {
    /// Opens an existing store. A store written by an older iamwatch is migrated first (by a
    /// short read-write open), then opened read-only.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_owned(),
            });
        }
        let conn = Self::connect(path)?;
        if let Found::Version(version) = schema::inspect(&conn, path)? {
            if version == SCHEMA_VERSION {
                return Ok(Self {
                    conn,
                    path: path.to_owned(),
                });
            }
        }
        drop(conn);
        drop(Store::open(path)?);
        let conn = Self::connect(path)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    fn connect(path: &Path) -> Result<Connection, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(open_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
        // No ATTACH: an attached file could be opened another way.
        conn.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_ATTACHED, 0)
            .map_err(open_error)?;
        conn.execute_batch("PRAGMA query_only = ON")
            .map_err(open_error)?;
        Ok(conn)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn reader(&self) -> Reader<'_> {
        Reader { conn: &self.conn }
    }
}

/// Read access to a store: SQL queries, the snapshot list, diffs.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    pub(crate) conn: &'a Connection,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        let read_only = ReadOnlyStore::open(&path).unwrap();
        assert_eq!(read_only.path(), path);
    }

    #[test]
    fn migrates_a_version_1_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch(&format!(
                "{}\nPRAGMA application_id = {}; PRAGMA user_version = 1;",
                include_str!("schema/v1.sql"),
                schema::APPLICATION_ID
            ))
            .unwrap();
        let read_only = ReadOnlyStore::open(&path).unwrap();
        let payloads: i64 = read_only
            .conn
            .query_row("SELECT count(*) FROM snapshot_payloads", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(payloads, 0);
        let version: i64 = read_only
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, 2);
    }

    #[test]
    fn read_only_open_needs_an_existing_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent.db");
        assert!(matches!(
            ReadOnlyStore::open(&path),
            Err(StoreError::Missing { .. })
        ));
        assert!(!path.exists());
    }

    #[test]
    fn refuses_a_file_that_is_not_a_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::NotAStore { .. })
        ));
        std::fs::write(
            dir.path().join("text.db"),
            "hello, this is not sqlite at all",
        )
        .unwrap();
        assert!(Store::open(&dir.path().join("text.db")).is_err());
    }
}
