//! The store's error.

use std::path::PathBuf;

use miette::Diagnostic;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("cannot open the store `{}`: {source}", path.display())]
    #[diagnostic(
        code(store::open),
        help("check the path given with --db or IAMWATCH_DB, and that its directory is writable")
    )]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// A read-only command was pointed at a file that does not exist.
    #[error("no store at `{}`", path.display())]
    #[diagnostic(
        code(store::missing),
        help(
            "create it with `iamwatch import FILE...`, or point --db (IAMWATCH_DB) at an existing store"
        )
    )]
    Missing { path: PathBuf },

    /// The file is a store written by a newer iamwatch.
    #[error("the store `{}` has schema version {found}; this iamwatch knows versions up to {supported}", path.display())]
    #[diagnostic(code(store::too_new), help("upgrade iamwatch to read this store"))]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    /// The file is not an iamwatch store (an SQLite file with other tables, or not SQLite).
    #[error("`{}` is not an iamwatch store", path.display())]
    #[diagnostic(
        code(store::not_a_store),
        help("point --db (IAMWATCH_DB) at a file created by `iamwatch import`, or at a new path")
    )]
    NotAStore { path: PathBuf },

    /// `query` was given a statement that would change the store.
    #[error("`query` only reads; use `import` to change the store")]
    #[diagnostic(
        code(store::write_refused),
        help("run SELECT (or WITH … SELECT) statements; `iamwatch schema` lists the views")
    )]
    WriteRefused,

    /// `query` was given more than one statement.
    #[error("`query` runs one SQL statement at a time")]
    #[diagnostic(
        code(store::multiple_statements),
        help("remove the text after the first `;`")
    )]
    MultipleStatements,

    /// The SQL given to `query` is not valid or failed.
    #[error("{message}")]
    #[diagnostic(
        code(store::sql),
        help("`iamwatch schema` lists the views and their columns")
    )]
    Sql { message: String },

    /// A snapshot ID that the store does not have.
    #[error("no snapshot `{id}` in the store")]
    #[diagnostic(code(store::unknown_snapshot), help("`iamwatch snapshots` lists them"))]
    UnknownSnapshot { id: i64 },

    /// Two snapshots that cannot be compared.
    #[error("{message}")]
    #[diagnostic(code(store::diff))]
    Diff {
        message: String,
        #[help]
        help: Option<String>,
    },

    /// A snapshot written by an older iamwatch, before the store kept the model's payload.
    #[error(
        "snapshot {snapshot_id} was written by an older iamwatch and cannot be loaded back into the model"
    )]
    #[diagnostic(
        code(store::payload_missing),
        help(
            "import its file again (`iamwatch snapshots` shows the file), or collect the account again; SQL queries over it keep working"
        )
    )]
    PayloadMissing { snapshot_id: i64 },

    /// A snapshot's payload that cannot be encoded or decoded.
    #[error("snapshot {snapshot_id}: {message}")]
    #[diagnostic(
        code(store::payload),
        help("the store may be damaged; import the snapshot's file again")
    )]
    Payload { snapshot_id: i64, message: String },

    /// An unexpected database failure (I/O, corruption, a full disk).
    #[error("store database error: {0}")]
    #[diagnostic(code(store::database))]
    Database(#[from] rusqlite::Error),
}

impl StoreError {
    pub(crate) fn diff(message: impl Into<String>, help: Option<String>) -> Self {
        StoreError::Diff {
            message: message.into(),
            help,
        }
    }
}
