//! `iamwatch snapshots`: the history in the store.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iamwatch_store::{SnapshotFilter, SnapshotInfo};

use super::query::{DbArgs, diagnostic_text, render_table};
use crate::output::{emit, pretty_json};

/// List the snapshots in the store, oldest first.
///
/// Each import or collection of an account is a snapshot: one source (GAAD, credential report,
/// organizations, …) of one account at one time. `imports` counts how often the same content
/// was imported (identical re-imports add no snapshot).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch snapshots\n  iamwatch snapshots --account \
                        123456789012 --limit 5\n  iamwatch snapshots --format json"
)]
pub struct SnapshotsArgs {
    /// Only this account.
    #[arg(long, value_name = "ID")]
    account: Option<String>,

    /// Only this kind of data: iam, credential_report, organization, resource_policies,
    /// password_policy, account_summary, identity_providers.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,

    /// Only the newest N.
    #[arg(long, value_name = "N")]
    limit: Option<u32>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,

    #[command(flatten)]
    db: DbArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

pub fn run(args: &SnapshotsArgs) -> anyhow::Result<ExitCode> {
    let store = args.db.open_read_only()?;
    let filter = SnapshotFilter {
        account_id: args.account.clone(),
        kind: args.kind.clone(),
        limit: args.limit,
    };
    let snapshots = store
        .reader()
        .snapshots(&filter)
        .map_err(|error| anyhow::anyhow!(diagnostic_text(&error)))?;
    match args.format {
        ListFormat::Json => emit(&pretty_json(&serde_json::to_value(&snapshots)?)?)?,
        ListFormat::Table => {
            if snapshots.is_empty() {
                emit(&format!(
                    "no snapshots in `{}`; `iamwatch import FILE...` adds some\n",
                    args.db.db.display()
                ))?;
            } else {
                emit(&table(&snapshots))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn table(snapshots: &[SnapshotInfo]) -> String {
    let columns: Vec<String> = [
        "id", "account", "kind", "source", "taken_at", "hash", "imports", "file",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let rows: Vec<Vec<String>> = snapshots
        .iter()
        .map(|s| {
            vec![
                s.snapshot_id.to_string(),
                s.account_id.clone(),
                s.kind.clone(),
                s.source.clone(),
                s.taken_at.clone(),
                s.content_hash.chars().take(12).collect(),
                s.imports.to_string(),
                s.file.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let mut text = render_table(&columns, &rows);
    text.push_str(&format!(
        "({} snapshot{})\n",
        snapshots.len(),
        if snapshots.len() == 1 { "" } else { "s" }
    ));
    text
}
