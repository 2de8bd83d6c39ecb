//! `iamwatch demo`: write the built-in demo organization into a store, to try `query`, `diff`
//! and `snapshots` without an AWS account.

use std::process::ExitCode;

use clap::Args;
use iamwatch_analysis::demo;
use iamwatch_store::{Store, WriteOutcome};

use crate::output::emit;

/// Load the built-in demo organization (five accounts, SCPs, an RCP, users, roles, credential
/// reports, resource policies) into a store.
///
/// Every piece is written as a snapshot, as `iamwatch import` writes files; running it twice
/// records the second run as identical re-imports.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch demo --db demo.db\n  iamwatch query --db demo.db \
                        \"SELECT account_id, name FROM roles\""
)]
pub struct DemoArgs {
    /// The store (an SQLite file) to write the demo organization into.
    #[arg(
        long,
        env = "IAMWATCH_DB",
        default_value = iamwatch_store::DEFAULT_PATH,
        value_name = "PATH"
    )]
    db: std::path::PathBuf,
}

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let snapshots = demo::snapshots()
        .map_err(|error| anyhow::anyhow!("cannot build the demo organization: {error}"))?;
    let mut store = Store::open(&args.db).map_err(|error| anyhow::anyhow!("{error}"))?;
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
        args.db.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}
