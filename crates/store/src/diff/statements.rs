//! Statement-level comparison of two policy documents.
//!
//! Statements are matched by `Sid` first, then by identical content (a statement that only
//! moved is not a change), then by position; what is left is added or removed.

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use super::{ChangeKind, FieldChange};

/// The columns of a flattened statement, in `document_statements` order.
const FIELDS: [&str; 9] = [
    "effect",
    "actions",
    "not_actions",
    "resources",
    "not_resources",
    "principals",
    "not_principals",
    "conditions",
    "sid",
];

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StatementRow {
    index: i64,
    sid: Option<String>,
    /// `FIELDS` values as JSON (NULL as `Value::Null`); `sid` last.
    values: Vec<Value>,
}

impl StatementRow {
    fn content(&self) -> &[Value] {
        &self.values
    }

    /// The statement as a JSON object of its non-null fields.
    fn to_json(&self) -> Value {
        let mut map = serde_json::Map::new();
        for (name, value) in FIELDS.iter().zip(&self.values) {
            if !value.is_null() {
                map.insert((*name).to_owned(), value.clone());
            }
        }
        Value::Object(map)
    }
}

/// A statement added, removed or changed between two versions of a document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatementChange {
    pub change: ChangeKind,
    /// `Sid`, when the statement has one (the new one for changes).
    pub sid: Option<String>,
    /// Position in the old document (NULL for additions).
    pub from_index: Option<i64>,
    /// Position in the new document (NULL for removals).
    pub to_index: Option<i64>,
    /// For changes: the fields that differ.
    pub fields: Vec<FieldChange>,
    /// For additions and removals: the statement's fields.
    pub statement: Option<Value>,
}

pub(crate) fn load(conn: &Connection, document_id: i64) -> rusqlite::Result<Vec<StatementRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT statement_index, effect, actions, not_actions, resources, not_resources,
                principals, not_principals, conditions, sid
         FROM document_statements WHERE document_id = ?1 ORDER BY statement_index",
    )?;
    let rows = statement.query_map([document_id], |row| {
        let mut values = Vec::with_capacity(FIELDS.len());
        for (offset, name) in FIELDS.iter().enumerate() {
            let text: Option<String> = row.get(offset + 1)?;
            values.push(match text {
                None => Value::Null,
                Some(text) if *name == "effect" || *name == "sid" => Value::String(text),
                Some(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
            });
        }
        Ok(StatementRow {
            index: row.get(0)?,
            sid: row.get(9)?,
            values,
        })
    })?;
    rows.collect()
}

pub(crate) fn compare(old: &[StatementRow], new: &[StatementRow]) -> Vec<StatementChange> {
    let mut old_left: Vec<Option<&StatementRow>> = old.iter().map(Some).collect();
    let mut new_left: Vec<Option<&StatementRow>> = new.iter().map(Some).collect();
    let mut pairs: Vec<(&StatementRow, &StatementRow)> = Vec::new();

    // 1. Same Sid.
    for slot in &mut new_left {
        let Some(statement) = *slot else { continue };
        let Some(sid) = statement.sid.as_deref() else {
            continue;
        };
        if let Some(found) = old_left
            .iter_mut()
            .find(|o| o.is_some_and(|o| o.sid.as_deref() == Some(sid)))
        {
            if let Some(previous) = found.take() {
                pairs.push((previous, statement));
                *slot = None;
            }
        }
    }
    // 2. Same content (moved, or Sid-less and unchanged).
    for slot in &mut new_left {
        let Some(statement) = *slot else { continue };
        if let Some(found) = old_left
            .iter_mut()
            .find(|o| o.is_some_and(|o| o.content() == statement.content()))
        {
            if let Some(previous) = found.take() {
                pairs.push((previous, statement));
                *slot = None;
            }
        }
    }
    // 3. Same position, neither with a Sid that the other document has.
    for slot in &mut new_left {
        let Some(statement) = *slot else { continue };
        if let Some(found) = old_left
            .iter_mut()
            .find(|o| o.is_some_and(|o| o.index == statement.index))
        {
            if let Some(previous) = found.take() {
                pairs.push((previous, statement));
                *slot = None;
            }
        }
    }

    let mut changes = Vec::new();
    for (previous, current) in pairs {
        let fields: Vec<FieldChange> = FIELDS
            .iter()
            .zip(previous.values.iter().zip(&current.values))
            .filter(|(_, (a, b))| a != b)
            .map(|(name, (a, b))| FieldChange::new(name, a.clone(), b.clone()))
            .collect();
        if !fields.is_empty() {
            changes.push(StatementChange {
                change: ChangeKind::Changed,
                sid: current.sid.clone().or_else(|| previous.sid.clone()),
                from_index: Some(previous.index),
                to_index: Some(current.index),
                fields,
                statement: None,
            });
        }
    }
    for removed in old_left.into_iter().flatten() {
        changes.push(StatementChange {
            change: ChangeKind::Removed,
            sid: removed.sid.clone(),
            from_index: Some(removed.index),
            to_index: None,
            fields: Vec::new(),
            statement: Some(removed.to_json()),
        });
    }
    for added in new_left.into_iter().flatten() {
        changes.push(StatementChange {
            change: ChangeKind::Added,
            sid: added.sid.clone(),
            from_index: None,
            to_index: Some(added.index),
            fields: Vec::new(),
            statement: Some(added.to_json()),
        });
    }
    changes.sort_by_key(|c| (c.to_index.or(c.from_index), c.from_index));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(index: i64, sid: Option<&str>, actions: Value) -> StatementRow {
        let mut values = vec![json!("Allow"), actions];
        values.extend(std::iter::repeat_n(Value::Null, 6));
        values.push(sid.map_or(Value::Null, |s| json!(s)));
        StatementRow {
            index,
            sid: sid.map(str::to_owned),
            values,
        }
    }

    #[test]
    fn matches_by_sid_content_then_position() {
        let old = vec![
            row(0, Some("Read"), json!(["s3:GetObject"])),
            row(1, None, json!(["ec2:Describe*"])),
            row(2, None, json!(["iam:Get*"])),
        ];
        let new = vec![
            row(0, None, json!(["ec2:Describe*"])),
            row(1, Some("Read"), json!(["s3:GetObject", "s3:PutObject"])),
            row(2, None, json!(["iam:List*"])),
            row(3, None, json!(["*"])),
        ];
        let changes = compare(&old, &new);
        let summary: Vec<(ChangeKind, Option<i64>, Option<i64>)> = changes
            .iter()
            .map(|c| (c.change, c.from_index, c.to_index))
            .collect();
        assert_eq!(
            summary,
            [
                (ChangeKind::Changed, Some(0), Some(1)),
                (ChangeKind::Changed, Some(2), Some(2)),
                (ChangeKind::Added, None, Some(3)),
            ]
        );
        assert_eq!(changes[0].fields[0].field, "actions");
        assert_eq!(changes[0].fields[0].added, [json!("s3:PutObject")]);
        assert!(compare(&old, &old).is_empty());
    }
}
