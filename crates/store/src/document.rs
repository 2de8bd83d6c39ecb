//! Policy documents, stored once by content and flattened into statement rows.
//!
//! Thousands of roles share a trust policy and every account refers to the same AWS managed
//! policies, so documents are content-addressed: `documents.hash` is the SHA-256 of the text,
//! and each distinct document is parsed (by `iamwatch_policy::parse::parse_policy`) and
//! flattened into `document_statements` and `statement_principals` once, whatever the number of
//! snapshots that carry it.

use std::collections::HashMap;

use iamwatch_policy::document::{
    ConditionValue, OneOrMany, Policy, Principal, PrincipalElement, PrincipalKind, Spanned,
};
use iamwatch_policy::parse::parse_policy;
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub(crate) type DocumentHash = [u8; 32];

/// Document IDs by content hash: those committed, and those written by the open transaction
/// (merged into the committed set on commit, dropped on rollback).
#[derive(Debug, Default)]
pub(crate) struct DocumentCache {
    committed: HashMap<DocumentHash, i64>,
    pending: HashMap<DocumentHash, i64>,
    /// IDs of the documents this process inserted in the current import run.
    inserted_in_run: Vec<i64>,
}

impl DocumentCache {
    pub(crate) fn commit(&mut self) {
        self.committed.extend(self.pending.drain());
    }

    pub(crate) fn rollback(&mut self) {
        for id in self.pending.values() {
            self.inserted_in_run.retain(|inserted| inserted != id);
        }
        self.pending.clear();
    }

    /// Forgets everything (after a run was undone).
    pub(crate) fn clear(&mut self) {
        self.committed.clear();
        self.pending.clear();
        self.inserted_in_run.clear();
    }

    pub(crate) fn start_run(&mut self) {
        self.inserted_in_run.clear();
    }

    pub(crate) fn inserted_in_run(&self) -> &[i64] {
        &self.inserted_in_run
    }

    /// The ID of the document with this text, inserting and flattening it when new.
    pub(crate) fn intern(
        &mut self,
        tx: &Transaction<'_>,
        text: &str,
    ) -> Result<i64, rusqlite::Error> {
        let hash: DocumentHash = Sha256::digest(text.as_bytes()).into();
        if let Some(id) = self
            .committed
            .get(&hash)
            .or_else(|| self.pending.get(&hash))
        {
            return Ok(*id);
        }
        let existing: Option<i64> = tx
            .prepare_cached("SELECT document_id FROM documents WHERE hash = ?1")?
            .query_row([&hash[..]], |row| row.get(0))
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                let id = insert_document(tx, &hash, text)?;
                self.inserted_in_run.push(id);
                id
            }
        };
        self.pending.insert(hash, id);
        Ok(id)
    }
}

fn insert_document(
    tx: &Transaction<'_>,
    hash: &DocumentHash,
    text: &str,
) -> Result<i64, rusqlite::Error> {
    let parsed = parse_policy(text);
    let parse_error = parsed.as_ref().err().map(ToString::to_string);
    tx.prepare_cached("INSERT INTO documents (hash, text, parse_error) VALUES (?1, ?2, ?3)")?
        .execute(params![&hash[..], text, parse_error])?;
    let id = tx.last_insert_rowid();
    if let Ok(policy) = parsed {
        insert_statements(tx, id, &policy)?;
    }
    Ok(id)
}

fn insert_statements(
    tx: &Transaction<'_>,
    document_id: i64,
    policy: &Policy,
) -> Result<(), rusqlite::Error> {
    let mut statements = tx.prepare_cached(
        "INSERT INTO document_statements (document_id, statement_index, sid, effect, actions,
             not_actions, resources, not_resources, principals, not_principals, conditions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut principals = tx.prepare_cached(
        "INSERT INTO statement_principals (document_id, statement_index, value_index,
             principal_type, principal, negated, principal_account_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (index, statement) in policy.statements().iter().enumerate() {
        let index = index as i64;
        let (actions, not_actions) = split_negated(
            statement.action.negated,
            Some(strings_json(&statement.action.values)),
        );
        let (resources, not_resources) = match &statement.resource {
            Some(resource) => split_negated(resource.negated, Some(strings_json(&resource.values))),
            None => (None, None),
        };
        let (principal, not_principal) = match &statement.principal {
            Some(element) => split_negated(element.negated, Some(principal_json(&element.value))),
            None => (None, None),
        };
        let conditions = statement.condition.as_ref().map(|block| {
            let mut operators = Map::new();
            for operator in &block.operators {
                let mut keys = match operators.remove(&operator.operator_text.value) {
                    Some(Value::Object(keys)) => keys,
                    _ => Map::new(),
                };
                for key in &operator.keys {
                    let values = key
                        .values
                        .iter()
                        .map(|v| condition_value(&v.value))
                        .collect();
                    keys.insert(key.key.value.clone(), Value::Array(values));
                }
                operators.insert(operator.operator_text.value.clone(), Value::Object(keys));
            }
            Value::Object(operators).to_string()
        });
        statements.execute(params![
            document_id,
            index,
            statement.sid.as_ref().map(|sid| sid.value.as_str()),
            statement.effect.value.as_str(),
            actions,
            not_actions,
            resources,
            not_resources,
            principal,
            not_principal,
            conditions,
        ])?;
        if let Some(element) = &statement.principal {
            for (value_index, (kind, value)) in principal_values(element).enumerate() {
                principals.execute(params![
                    document_id,
                    index,
                    value_index as i64,
                    kind,
                    value,
                    element.negated,
                    principal_account(kind, value),
                ])?;
            }
        }
    }
    Ok(())
}

/// Puts a value in the first slot (the element) or the second (its `Not` form).
fn split_negated(negated: bool, value: Option<String>) -> (Option<String>, Option<String>) {
    if negated {
        (None, value)
    } else {
        (value, None)
    }
}

fn strings_json(values: &OneOrMany<Spanned<String>>) -> String {
    Value::Array(
        values
            .iter()
            .map(|value| Value::String(value.value.clone()))
            .collect(),
    )
    .to_string()
}

fn principal_json(principal: &Principal) -> String {
    match principal {
        Principal::Wildcard => Value::String("*".to_owned()).to_string(),
        Principal::Map(entries) => {
            let mut map = Map::new();
            for entry in entries {
                let values = entry
                    .values
                    .iter()
                    .map(|value| Value::String(value.value.clone()));
                match map.get_mut(entry.kind.value.as_str()) {
                    Some(Value::Array(existing)) => existing.extend(values),
                    _ => {
                        map.insert(
                            entry.kind.value.as_str().to_owned(),
                            Value::Array(values.collect()),
                        );
                    }
                }
            }
            Value::Object(map).to_string()
        }
    }
}

/// Each principal value with its type (`AWS`, `Service`, …; `*` for `"Principal": "*"`).
fn principal_values(element: &PrincipalElement) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
    match &element.value {
        Principal::Wildcard => Box::new(std::iter::once(("*", "*"))),
        Principal::Map(entries) => Box::new(entries.iter().flat_map(|entry| {
            entry
                .values
                .iter()
                .map(|value| (entry.kind.value.as_str(), value.value.as_str()))
        })),
    }
}

/// The account an `AWS` principal names: a bare account ID or the account field of an ARN.
fn principal_account<'a>(kind: &str, value: &'a str) -> Option<&'a str> {
    if kind != PrincipalKind::Aws.as_str() {
        return None;
    }
    let candidate = if value.starts_with("arn:") {
        value.split(':').nth(4)?
    } else {
        value
    };
    (candidate.len() == 12 && candidate.bytes().all(|b| b.is_ascii_digit())).then_some(candidate)
}

fn condition_value(value: &ConditionValue) -> Value {
    match value {
        ConditionValue::String(text) => Value::String(text.clone()),
        ConditionValue::Number(text) => serde_json::from_str::<serde_json::Number>(text)
            .map_or_else(|_| Value::String(text.clone()), Value::Number),
        ConditionValue::Bool(flag) => Value::Bool(*flag),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_accounts() {
        assert_eq!(
            principal_account("AWS", "arn:aws:iam::111122223333:root"),
            Some("111122223333")
        );
        assert_eq!(
            principal_account("AWS", "444455556666"),
            Some("444455556666")
        );
        assert_eq!(principal_account("AWS", "*"), None);
        assert_eq!(principal_account("Service", "ec2.amazonaws.com"), None);
    }

    type Row = (
        i64,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );

    #[test]
    fn flattens_once_per_distinct_document() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::schema::migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
        let mut cache = DocumentCache::default();
        let tx = conn.transaction().unwrap();
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"},"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}},{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b/*"}]}"#;
        let a = cache.intern(&tx, text).unwrap();
        let b = cache.intern(&tx, text).unwrap();
        assert_eq!(a, b);
        let c = cache.intern(&tx, "{\"not\": \"a policy\"}").unwrap();
        assert_ne!(a, c);
        let rows: Vec<Row> = tx
            .prepare("SELECT statement_index, sid, effect, actions, not_actions, not_resources, principals, conditions FROM document_statements WHERE document_id = ?1 ORDER BY 1")
            .unwrap()
            .query_map([a], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.as_deref(), Some("A"));
        assert_eq!(rows[0].3.as_deref(), Some(r#"["sts:AssumeRole"]"#));
        assert_eq!(
            rows[0].6.as_deref(),
            Some(
                r#"{"AWS":["arn:aws:iam::111122223333:root","444455556666"],"Service":["ec2.amazonaws.com"]}"#
            )
        );
        assert_eq!(
            rows[0].7.as_deref(),
            Some(
                r#"{"StringEquals":{"sts:ExternalId":["x"]},"NumericLessThan":{"aws:MultiFactorAuthAge":[3600]}}"#
            )
        );
        assert_eq!(rows[1].2, "Deny");
        assert_eq!(rows[1].3, None);
        assert_eq!(rows[1].4.as_deref(), Some(r#"["iam:*"]"#));
        assert_eq!(rows[1].5.as_deref(), Some(r#"["arn:aws:s3:::b/*"]"#));
        let principals: i64 = tx
            .query_row("SELECT count(*) FROM statement_principals WHERE document_id = ?1 AND principal_account_id IS NOT NULL", [a], |r| r.get(0))
            .unwrap();
        assert_eq!(principals, 2);
        let error: Option<String> = tx
            .query_row(
                "SELECT parse_error FROM documents WHERE document_id = ?1",
                [c],
                |r| r.get(0),
            )
            .unwrap();
        assert!(error.is_some());
    }
}
