//! Read-only SQL over the views.

use std::ops::ControlFlow;

use rusqlite::types::ValueRef;

use crate::err::StoreError;
use crate::store::Reader;

/// One SQL value of a result row.
#[derive(Clone, Debug, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl SqlValue {
    fn from_ref(value: ValueRef<'_>) -> Self {
        match value {
            ValueRef::Null => SqlValue::Null,
            ValueRef::Integer(i) => SqlValue::Integer(i),
            ValueRef::Real(f) => SqlValue::Real(f),
            ValueRef::Text(bytes) => SqlValue::Text(String::from_utf8_lossy(bytes).into_owned()),
            ValueRef::Blob(bytes) => SqlValue::Blob(bytes.to_vec()),
        }
    }
}

fn sql_error(error: rusqlite::Error) -> StoreError {
    match error {
        rusqlite::Error::MultipleStatement => StoreError::MultipleStatements,
        rusqlite::Error::SqliteFailure(failure, message) => {
            if failure.code == rusqlite::ErrorCode::ReadOnly {
                StoreError::WriteRefused
            } else {
                StoreError::Sql {
                    message: message.unwrap_or_else(|| failure.to_string()),
                }
            }
        }
        other => StoreError::Sql {
            message: other.to_string(),
        },
    }
}

impl Reader<'_> {
    /// Runs one read-only SQL statement, giving the column names first, then each row, until
    /// the row callback breaks. Returns the number of rows given.
    ///
    /// Statements that would write are refused before they run ([`StoreError::WriteRefused`]),
    /// as is more than one statement.
    pub fn query(
        &self,
        sql: &str,
        on_columns: impl FnOnce(&[String]),
        mut on_row: impl FnMut(&[SqlValue]) -> ControlFlow<()>,
    ) -> Result<u64, StoreError> {
        let mut statement = self.conn.prepare(sql).map_err(sql_error)?;
        if !statement.readonly() {
            return Err(StoreError::WriteRefused);
        }
        let columns: Vec<String> = statement
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        on_columns(&columns);
        let mut rows = statement.query([]).map_err(sql_error)?;
        let mut count = 0u64;
        let mut values = Vec::with_capacity(columns.len());
        while let Some(row) = rows.next().map_err(sql_error)? {
            values.clear();
            for index in 0..columns.len() {
                values.push(SqlValue::from_ref(row.get_ref(index)?));
            }
            count += 1;
            if on_row(&values).is_break() {
                break;
            }
        }
        Ok(count)
    }

    /// Runs a query and collects every row (for tests and small results).
    pub fn query_all(&self, sql: &str) -> Result<(Vec<String>, Vec<Vec<SqlValue>>), StoreError> {
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        self.query(
            sql,
            |c| columns = c.to_vec(),
            |row| {
                rows.push(row.to_vec());
                ControlFlow::Continue(())
            },
        )?;
        Ok((columns, rows))
    }

    /// The columns of a view or table, in order.
    pub fn columns_of(&self, name: &str) -> Result<Vec<String>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
        let names = statement
            .query_map([name], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ReadOnlyStore, Store};

    fn store_with_file() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        drop(Store::open(&path).unwrap());
        (dir, path)
    }

    #[test]
    fn reads_views() {
        let (_dir, path) = store_with_file();
        let store = ReadOnlyStore::open(&path).unwrap();
        let (columns, rows) = store
            .reader()
            .query_all("SELECT 1 AS one, 'a' AS two, NULL AS three, 1.5 AS four")
            .unwrap();
        assert_eq!(columns, ["one", "two", "three", "four"]);
        assert_eq!(
            rows,
            [vec![
                SqlValue::Integer(1),
                SqlValue::Text("a".into()),
                SqlValue::Null,
                SqlValue::Real(1.5)
            ]]
        );
        let (_, rows) = store.reader().query_all("SELECT * FROM roles").unwrap();
        assert!(rows.is_empty());
    }

    #[test]
    fn refuses_writes_and_many_statements() {
        let (_dir, path) = store_with_file();
        let store = ReadOnlyStore::open(&path).unwrap();
        for sql in [
            "DELETE FROM snapshots",
            "INSERT INTO snapshots (account_id) VALUES ('1')",
            "DROP VIEW roles",
            "CREATE TABLE x (y)",
            "PRAGMA user_version = 7",
            "VACUUM",
        ] {
            let error = store.reader().query_all(sql).unwrap_err();
            assert!(
                matches!(error, StoreError::WriteRefused),
                "{sql}: {error:?}"
            );
        }
        assert!(matches!(
            store.reader().query_all("SELECT 1; SELECT 2"),
            Err(StoreError::MultipleStatements)
        ));
        assert!(store.reader().query_all("SELECT 1;").is_ok());
        assert!(matches!(
            store.reader().query_all("ATTACH 'x.db' AS x"),
            Err(StoreError::Sql { .. }) | Err(StoreError::WriteRefused)
        ));
        let error = store.reader().query_all("SELECT * FROM rolez").unwrap_err();
        assert_eq!(error.to_string(), "no such table: rolez");
    }
}
