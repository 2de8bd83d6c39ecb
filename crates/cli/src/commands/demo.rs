//! `iamwatch demo`: write the built-in demo organization into a store, to try `query`, `diff`
//! and `snapshots` without an AWS account.

use std::process::ExitCode;

use clap::Args;
use iamwatch_analysis::demo;
use iamwatch_store::{Store, WriteOutcome};

use super::query::DbArgs;
use crate::output::emit;

/// Load the built-in demo organization (five accounts, SCPs, an RCP, users, roles, credential
/// reports, resource policies) into a store.
///
/// Every piece is written as a snapshot, as `iamwatch import` writes files; running it twice
/// records the second run as identical re-imports.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch demo --db demo.db --config-out iamwatch-demo.toml\n  \
                        iamwatch query --db demo.db \"SELECT account_id, name FROM roles\"\n  \
                        iamwatch audit --db demo.db --config iamwatch-demo.toml --now \
                        2026-11-01T00:00:00Z"
)]
pub struct DemoArgs {
    #[command(flatten)]
    db: DbArgs,

    /// Also write the demo's audit configuration (known accounts, the unused-role allowlist,
    /// suppressions) to this file, for `iamwatch audit --config`.
    #[arg(long, value_name = "FILE")]
    config_out: Option<std::path::PathBuf>,
}

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let snapshots = demo::snapshots()
        .map_err(|error| anyhow::anyhow!("cannot build the demo organization: {error}"))?;
    let mut store = Store::open(&args.db.db).map_err(|error| anyhow::anyhow!("{error}"))?;
    let mut run = store
        .begin_run()
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let (mut written, mut duplicates) = (0usize, 0usize);
    for snapshot in &snapshots {
        match store
            .write_snapshot(&mut run, snapshot, Some("demo"))
            .map_err(|error| anyhow::anyhow!("{error}"))?
        {
            WriteOutcome::Written(_) => written += 1,
            WriteOutcome::Duplicate(_) => duplicates += 1,
        }
    }
    emit(&format!(
        "demo organization written to `{}`: {written} snapshots, {duplicates} identical to ones already there\n",
        args.db.db.display()
    ))?;
    if let Some(path) = &args.config_out {
        std::fs::write(path, demo::CONFIG_TOML)
            .map_err(|error| anyhow::anyhow!("cannot write `{}`: {error}", path.display()))?;
        emit(&format!(
            "its audit configuration written to `{}`; the demo's \"now\" is {}\n",
            path.display(),
            demo::NOW
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
