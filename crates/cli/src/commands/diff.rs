//! `iamwatch diff`: what changed between snapshots.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iamwatch_store::SnapshotInfo;
use iamwatch_store::diff::{ChangeKind, Comparison, DiffRequest, FieldChange, StatementChange};
use serde_json::Value;

use super::query::{DbArgs, diagnostic_text};
use crate::output::{emit, pretty_json};

/// Show what changed between two snapshots: principals, policies, attachments, trust
/// relationships and permissions boundaries added, removed or changed, with statement-level
/// policy diffs.
///
/// By default, for every account (or the one given) and every kind of data (IAM, credential
/// report, organization, …), the latest snapshot is compared with the one before it.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch diff\n  iamwatch diff --account 123456789012\n  \
                        iamwatch diff --from 12 --to 31 --format json\n\n\
                        Exit codes: 0 the comparison ran (changes or not); 2 the snapshots \
                        cannot be compared or the store cannot be opened."
)]
pub struct DiffArgs {
    /// Only this account.
    #[arg(long, value_name = "ID")]
    account: Option<String>,

    /// The older snapshot (`iamwatch snapshots` lists them); default: the one before --to.
    #[arg(long, value_name = "SNAPSHOT")]
    from: Option<i64>,

    /// The newer snapshot; default: the latest of the same account and kind as --from.
    #[arg(long, value_name = "SNAPSHOT")]
    to: Option<i64>,

    /// Output format (the JSON shape is documented in docs/store.md).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,

    #[command(flatten)]
    db: DbArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
}

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let store = args.db.open_read_only()?;
    let request = DiffRequest {
        account_id: args.account.clone(),
        from: args.from,
        to: args.to,
    };
    let diff = store
        .reader()
        .diff(&request)
        .map_err(|error| anyhow::anyhow!(diagnostic_text(&error)))?;
    let text = match args.format {
        DiffFormat::Json => pretty_json(&serde_json::to_value(&diff)?)?,
        DiffFormat::Text => render_text(&diff.comparisons),
    };
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn render_text(comparisons: &[Comparison]) -> String {
    if comparisons.is_empty() {
        return "nothing to compare: no account has two snapshots of the same kind\n".to_owned();
    }
    let mut out = String::new();
    let mut unchanged = 0usize;
    for comparison in comparisons {
        if comparison.changes.is_empty() {
            unchanged += 1;
            if comparisons.len() > 1 {
                continue;
            }
        }
        out.push_str(&format!(
            "account {} ({}): {} → {}\n",
            comparison.account_id,
            comparison.kind,
            snapshot_label(&comparison.from),
            snapshot_label(&comparison.to),
        ));
        if comparison.changes.is_empty() {
            out.push_str("  no changes\n");
            continue;
        }
        for change in &comparison.changes {
            out.push_str(&format!(
                "  {} {} {}\n",
                sign(change.change),
                change.entity,
                change.key
            ));
            for field in &change.fields {
                out.push_str(&format!("      {}\n", field_text(field)));
            }
            for statement in &change.statements {
                render_statement(&mut out, statement);
            }
        }
        let (added, removed, changed) = comparison.counts();
        out.push_str(&format!(
            "  {added} added, {removed} removed, {changed} changed\n\n"
        ));
    }
    if comparisons.len() > 1 {
        out.push_str(&format!(
            "{} comparison{} of latest and previous snapshots: {} with changes, {unchanged} without\n",
            comparisons.len(),
            if comparisons.len() == 1 { "" } else { "s" },
            comparisons.len() - unchanged,
        ));
    }
    out
}

fn snapshot_label(snapshot: &SnapshotInfo) -> String {
    format!(
        "snapshot {} ({}, {})",
        snapshot.snapshot_id, snapshot.source, snapshot.taken_at
    )
}

fn sign(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "+",
        ChangeKind::Removed => "-",
        ChangeKind::Changed => "~",
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "(none)".to_owned(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn field_text(field: &FieldChange) -> String {
    if !field.added.is_empty() || !field.removed.is_empty() {
        let mut parts: Vec<String> = field
            .added
            .iter()
            .map(|v| format!("+{}", value_text(v)))
            .collect();
        parts.extend(field.removed.iter().map(|v| format!("-{}", value_text(v))));
        format!("{}: {}", field.field, parts.join(" "))
    } else {
        format!(
            "{}: {} → {}",
            field.field,
            value_text(&field.from),
            value_text(&field.to)
        )
    }
}

fn render_statement(out: &mut String, statement: &StatementChange) {
    let sid = statement
        .sid
        .as_deref()
        .map(|sid| format!(" ({sid})"))
        .unwrap_or_default();
    match statement.change {
        ChangeKind::Changed => {
            let position = match (statement.from_index, statement.to_index) {
                (Some(a), Some(b)) if a != b => format!("{a}→{b}"),
                (_, Some(b)) => b.to_string(),
                (Some(a), None) => a.to_string(),
                (None, None) => String::new(),
            };
            out.push_str(&format!("      ~ statement {position}{sid}\n"));
            for field in &statement.fields {
                out.push_str(&format!("          {}\n", field_text(field)));
            }
        }
        ChangeKind::Added | ChangeKind::Removed => {
            let index = statement
                .to_index
                .or(statement.from_index)
                .unwrap_or_default();
            let body = statement
                .statement
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_default();
            out.push_str(&format!(
                "      {} statement {index}{sid}: {body}\n",
                sign(statement.change)
            ));
        }
    }
}
