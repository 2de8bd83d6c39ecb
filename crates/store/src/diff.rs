//! What changed between two snapshots: principals, policies, attachments, trust
//! relationships, boundaries, organization policies and resource policies, with statement-level
//! policy diffs.
//!
//! The JSON shape of [`Diff`] is documented in `docs/store.md` and kept stable.

use std::collections::BTreeMap;

use rusqlite::types::ValueRef;
use serde::Serialize;
use serde_json::Value;

use crate::err::StoreError;
use crate::snapshot::SnapshotInfo;
use crate::store::Reader;
use crate::write::SnapshotId;

mod specs;
mod statements;

pub use statements::StatementChange;

/// Added, removed or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// A field whose value differs. For JSON arrays, `added` and `removed` list the elements that
/// appear on one side only.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
    pub added: Vec<Value>,
    pub removed: Vec<Value>,
}

impl FieldChange {
    pub(crate) fn new(field: &str, from: Value, to: Value) -> Self {
        let structured = |v: &Value| matches!(v, Value::Array(_) | Value::Object(_) | Value::Null);
        let (added, removed) = if structured(&from) && structured(&to) {
            let old = leaves(&from);
            let new = leaves(&to);
            (
                new.iter().filter(|v| !old.contains(v)).cloned().collect(),
                old.iter().filter(|v| !new.contains(v)).cloned().collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        Self {
            field: field.to_owned(),
            from,
            to,
            added,
            removed,
        }
    }
}

/// The values of a JSON list or nested object, each as a path to one scalar: `["a", "b"]` gives
/// `"a"`, `"b"`; `{"AWS": ["x", "y"]}` gives `{"AWS": "x"}`, `{"AWS": "y"}`;
/// `{"StringEquals": {"k": ["v"]}}` gives `{"StringEquals": {"k": "v"}}`.
fn leaves(value: &Value) -> Vec<Value> {
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().flat_map(leaves).collect(),
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, inner)| {
                leaves(inner).into_iter().map(move |leaf| {
                    let mut single = serde_json::Map::new();
                    single.insert(key.clone(), leaf);
                    Value::Object(single)
                })
            })
            .collect(),
        scalar => vec![scalar.clone()],
    }
}

/// One entity added, removed or changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityChange {
    /// `user`, `group`, `role`, `trust_policy`, `permissions_boundary`, `policy`,
    /// `inline_policy`, `attachment`, `group_membership`, `credential`, `org_unit`,
    /// `org_account`, `scp`, `scp_target`, `delegated_administrator`, `resource`,
    /// `password_policy`, `account_summary`, `identity_provider`.
    pub entity: String,
    /// What identifies it within the snapshot: a name, an ARN, or a readable composite
    /// (`role app → arn:aws:iam::aws:policy/ReadOnlyAccess`).
    pub key: String,
    pub change: ChangeKind,
    /// For changes: the fields that differ. For additions and removals: empty.
    pub fields: Vec<FieldChange>,
    /// For policies whose document changed: the statement-level diff.
    pub statements: Vec<StatementChange>,
}

/// The comparison of two snapshots of one kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub account_id: String,
    pub kind: String,
    pub from: SnapshotInfo,
    pub to: SnapshotInfo,
    pub changes: Vec<EntityChange>,
}

impl Comparison {
    /// (added, removed, changed) entity counts.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |kind| self.changes.iter().filter(|c| c.change == kind).count();
        (
            count(ChangeKind::Added),
            count(ChangeKind::Removed),
            count(ChangeKind::Changed),
        )
    }
}

/// The answer of `iamwatch diff`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    /// The version of this JSON shape; it changes only when a field is removed or changes
    /// meaning.
    pub format_version: u32,
    pub comparisons: Vec<Comparison>,
}

/// The current [`Diff::format_version`].
pub const DIFF_FORMAT_VERSION: u32 = 1;

/// Which snapshots to compare.
#[derive(Clone, Debug, Default)]
pub struct DiffRequest {
    /// Only this account (by default, every account).
    pub account_id: Option<String>,
    /// The older snapshot (by default, the one before `to`).
    pub from: Option<SnapshotId>,
    /// The newer snapshot (by default, the latest of the same account and kind as `from`).
    pub to: Option<SnapshotId>,
}

/// A row of an entity query: the document to compare and the named fields.
struct Entity {
    document_id: Option<i64>,
    fields: Vec<(String, Value)>,
}

fn json_of(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            if text.starts_with(['[', '{']) {
                if let Ok(value) = serde_json::from_str::<Value>(&text) {
                    return value;
                }
            }
            Value::String(text.into_owned())
        }
        ValueRef::Blob(bytes) => Value::String(format!("<{} bytes>", bytes.len())),
    }
}

impl Reader<'_> {
    /// Compares snapshots as the request says (see [`DiffRequest`]).
    pub fn diff(&self, request: &DiffRequest) -> Result<Diff, StoreError> {
        let pairs = self.pairs_to_compare(request)?;
        let mut comparisons = Vec::with_capacity(pairs.len());
        for (from, to) in pairs {
            comparisons.push(self.compare(from, to)?);
        }
        Ok(Diff {
            format_version: DIFF_FORMAT_VERSION,
            comparisons,
        })
    }

    fn pairs_to_compare(
        &self,
        request: &DiffRequest,
    ) -> Result<Vec<(SnapshotInfo, SnapshotInfo)>, StoreError> {
        let check_account = |snapshot: &SnapshotInfo| match &request.account_id {
            Some(account) if *account != snapshot.account_id => Err(StoreError::diff(
                format!(
                    "snapshot {} is of account `{}`, not `{account}`",
                    snapshot.snapshot_id, snapshot.account_id
                ),
                Some("drop --account, or pick snapshots of that account".to_owned()),
            )),
            _ => Ok(()),
        };
        match (request.from, request.to) {
            (Some(from), Some(to)) => {
                let from = self.snapshot(from)?;
                let to = self.snapshot(to)?;
                if from.kind != to.kind {
                    return Err(StoreError::diff(
                        format!(
                            "snapshot {} holds {} data and snapshot {} holds {} data",
                            from.snapshot_id, from.kind, to.snapshot_id, to.kind
                        ),
                        Some(
                            "compare two snapshots of one kind (`iamwatch snapshots` lists them)"
                                .to_owned(),
                        ),
                    ));
                }
                Ok(vec![(from, to)])
            }
            (None, Some(to)) => {
                let to = self.snapshot(to)?;
                check_account(&to)?;
                let from = self.previous_snapshot(&to)?.ok_or_else(|| {
                    StoreError::diff(
                        format!(
                            "snapshot {} is the first {} snapshot of account `{}`: nothing to compare it with",
                            to.snapshot_id, to.kind, to.account_id
                        ),
                        Some("pass --from with an older snapshot of another source of the same account".to_owned()),
                    )
                })?;
                Ok(vec![(from, to)])
            }
            (Some(from), None) => {
                let from = self.snapshot(from)?;
                check_account(&from)?;
                let to = self
                    .latest_snapshot(&from.account_id, &from.kind)?
                    .filter(|latest| latest.snapshot_id != from.snapshot_id)
                    .ok_or_else(|| {
                        StoreError::diff(
                            format!(
                                "snapshot {} is the latest {} snapshot of account `{}`: nothing newer to compare it with",
                                from.snapshot_id, from.kind, from.account_id
                            ),
                            Some("pass --to with another snapshot".to_owned()),
                        )
                    })?;
                Ok(vec![(from, to)])
            }
            (None, None) => {
                let account = request.account_id.as_deref();
                let kinds = self.account_kinds(account)?;
                if let (Some(account), true) = (account, kinds.is_empty()) {
                    return Err(StoreError::diff(
                        format!("no snapshot of account `{account}` in the store"),
                        Some(
                            "`iamwatch snapshots` lists the accounts and their snapshots"
                                .to_owned(),
                        ),
                    ));
                }
                let mut pairs = Vec::new();
                for (account, kind) in kinds {
                    let Some(latest) = self.latest_snapshot(&account, &kind)? else {
                        continue;
                    };
                    if let Some(previous) = self.previous_snapshot(&latest)? {
                        pairs.push((previous, latest));
                    }
                }
                Ok(pairs)
            }
        }
    }

    fn entities(
        &self,
        sql: &str,
        snapshot_id: SnapshotId,
    ) -> Result<BTreeMap<String, Entity>, StoreError> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let names: Vec<String> = statement
            .column_names()
            .iter()
            .skip(2)
            .map(|name| (*name).to_owned())
            .collect();
        let mut rows = statement.query([snapshot_id])?;
        let mut entities = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let key: String = row.get(0)?;
            let document_id: Option<i64> = row.get(1)?;
            let mut fields = Vec::with_capacity(names.len());
            for (offset, name) in names.iter().enumerate() {
                fields.push((name.clone(), json_of(row.get_ref(offset + 2)?)));
            }
            entities.insert(
                key,
                Entity {
                    document_id,
                    fields,
                },
            );
        }
        Ok(entities)
    }

    fn statement_changes(
        &self,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Result<Vec<StatementChange>, StoreError> {
        if from == to {
            return Ok(Vec::new());
        }
        let load = |id: Option<i64>| match id {
            Some(id) => statements::load(self.conn, id),
            None => Ok(Vec::new()),
        };
        Ok(statements::compare(&load(from)?, &load(to)?))
    }

    /// Compares two snapshots of the same kind.
    pub fn compare(&self, from: SnapshotInfo, to: SnapshotInfo) -> Result<Comparison, StoreError> {
        let mut changes = Vec::new();
        let identical = from.content_hash == to.content_hash && from.source == to.source;
        if !identical {
            for spec in specs::specs_for(&to.kind) {
                let old = self.entities(spec.sql, from.snapshot_id)?;
                let new = self.entities(spec.sql, to.snapshot_id)?;
                for (key, entity) in &new {
                    match old.get(key) {
                        None if !spec.only_changes => changes.push(EntityChange {
                            entity: spec.entity.to_owned(),
                            key: key.clone(),
                            change: ChangeKind::Added,
                            fields: Vec::new(),
                            statements: Vec::new(),
                        }),
                        None => {}
                        Some(previous) => {
                            let fields: Vec<FieldChange> = previous
                                .fields
                                .iter()
                                .zip(&entity.fields)
                                .filter(|((_, a), (_, b))| a != b)
                                .map(|((name, a), (_, b))| {
                                    FieldChange::new(name, a.clone(), b.clone())
                                })
                                .collect();
                            let statements =
                                self.statement_changes(previous.document_id, entity.document_id)?;
                            if !fields.is_empty() || !statements.is_empty() {
                                changes.push(EntityChange {
                                    entity: spec.entity.to_owned(),
                                    key: key.clone(),
                                    change: ChangeKind::Changed,
                                    fields,
                                    statements,
                                });
                            }
                        }
                    }
                }
                if !spec.only_changes {
                    for key in old.keys().filter(|key| !new.contains_key(*key)) {
                        changes.push(EntityChange {
                            entity: spec.entity.to_owned(),
                            key: key.clone(),
                            change: ChangeKind::Removed,
                            fields: Vec::new(),
                            statements: Vec::new(),
                        });
                    }
                }
            }
        }
        Ok(Comparison {
            account_id: to.account_id.clone(),
            kind: to.kind.clone(),
            from,
            to,
            changes,
        })
    }
}
