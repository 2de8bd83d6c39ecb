//! `iamwatch`: monitor and query AWS IAM at scale.
//!
//! The binary is thin: it turns arguments into settings, calls the library crates, and renders
//! what they return. Exit codes are documented in `--help`.

mod commands;
mod html;
mod output;
mod sarif;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Monitor and query AWS IAM at scale: lint policies, evaluate requests, audit organizations.
#[derive(Debug, Parser)]
#[command(
    name = "iamwatch",
    version,
    about,
    long_about = None,
    after_help = "Exit codes: 0 success; 1 findings at or above --fail-on, or a denied request \
                  where the command says so; 2 bad input or usage; 3 `collect` was partial (some \
                  accounts failed or the run was interrupted; `--resume` finishes it)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Audit(commands::audit::AuditArgs),
    Demo(commands::demo::DemoArgs),
    Lint(commands::lint::LintArgs),
    Simulate(Box<commands::simulate::SimulateArgs>),
    Import(commands::import::ImportArgs),
    Query(commands::query::QueryArgs),
    Schema(commands::schema::SchemaArgs),
    Diff(commands::diff::DiffArgs),
    Snapshots(commands::snapshots::SnapshotsArgs),
    #[cfg(feature = "collect")]
    Collect(Box<commands::collect::CollectArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Audit(args) => commands::audit::run(&args),
        Command::Demo(args) => commands::demo::run(&args),
        Command::Lint(args) => commands::lint::run(&args),
        Command::Simulate(args) => commands::simulate::run(&args),
        Command::Import(args) => commands::import::run(&args),
        Command::Query(args) => commands::query::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Snapshots(args) => commands::snapshots::run(&args),
        #[cfg(feature = "collect")]
        Command::Collect(args) => commands::collect::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
