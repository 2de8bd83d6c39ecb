//! `iamwatch import`: standard AWS exports into the store, one snapshot per account per file.
//!
//! Files are read on one thread (the model's importers, format detected from the content) and
//! written on another (the store, one transaction per snapshot), so parsing and SQLite overlap.
//! Any bad file stops the run and undoes what it wrote: the store is left as it was.

use std::collections::BTreeSet;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::sync_channel;
use std::time::Duration;

use clap::Args;
use iamwatch_model::import::{ImportError, ImportOptions, ImportedFile, files_in, import_file};
use iamwatch_model::{AccountId, Payload};
use iamwatch_store::{ImportRun, Store, WriteOutcome};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::query::{DbArgs, diagnostic_text};
use crate::output::emit;

/// Import AWS exports into the store.
///
/// Reads GAAD JSON (`aws iam get-account-authorization-details`, CLI or raw API shape), the
/// credential report (CSV, base64 or `GetCredentialReport` JSON), AWS Config items, and the
/// organizations, account and resource-policies bundles (docs/import-formats.md); the format is
/// detected from the content. A directory imports every file below it.
///
/// Each account of each file becomes a snapshot, written in one transaction. Content identical
/// to the account's latest snapshot from the same source is recorded as a re-import, not stored
/// twice. A file that cannot be read stops the import and undoes it: the store is left as it
/// was.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch import gaad.json credential-report.csv\n  \
                        iamwatch import --account 123456789012 empty-account-gaad.json\n  \
                        iamwatch import exports/\n\n\
                        Exit codes: 0 imported; 2 a file could not be imported (the store is \
                        unchanged) or the store cannot be opened."
)]
pub struct ImportArgs {
    /// Files or directories to import.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// The account of files that do not name one (a GAAD file of an account without entities,
    /// a bare password policy); checked against the account a file does name.
    #[arg(long, value_name = "ID")]
    account: Option<String>,

    #[command(flatten)]
    db: DbArgs,
}

/// What the run read and wrote.
#[derive(Debug, Default)]
struct Summary {
    files: usize,
    accounts: BTreeSet<String>,
    users: usize,
    groups: usize,
    roles: usize,
    managed_policies: usize,
    inline_policies: usize,
    written: usize,
    duplicates: usize,
}

impl Summary {
    fn add(&mut self, imported: &ImportedFile) {
        self.files += 1;
        for snapshot in &imported.snapshots {
            self.accounts.insert(match &snapshot.scope {
                iamwatch_model::SnapshotScope::Account(id) => id.as_str().to_owned(),
                iamwatch_model::SnapshotScope::Organization(id) => match &snapshot.payload {
                    Payload::Organization(org) => org.management_account_id.as_str().to_owned(),
                    _ => id.as_str().to_owned(),
                },
            });
            if let Payload::Iam(iam) = &snapshot.payload {
                self.users += iam.users.len();
                self.groups += iam.groups.len();
                self.roles += iam.roles.len();
                self.managed_policies += iam.policies.len();
                self.inline_policies += iam
                    .users
                    .iter()
                    .map(|u| u.inline_policies.len())
                    .sum::<usize>()
                    + iam
                        .groups
                        .iter()
                        .map(|g| g.inline_policies.len())
                        .sum::<usize>()
                    + iam
                        .roles
                        .iter()
                        .map(|r| r.inline_policies.len())
                        .sum::<usize>();
            }
        }
    }

    fn render(&self, db: &std::path::Path, run: i64) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "imported {} into `{}` (run {run})\n  \
             accounts    {}\n  \
             principals  {} ({}, {}, {})\n  \
             policies    {} ({} managed, {} inline)\n  \
             snapshots   {} written, {} skipped (identical to the latest snapshot)\n",
            plural(self.files, "file", "files"),
            db.display(),
            self.accounts.len(),
            self.users + self.groups + self.roles,
            plural(self.users, "user", "users"),
            plural(self.groups, "group", "groups"),
            plural(self.roles, "role", "roles"),
            self.managed_policies + self.inline_policies,
            self.managed_policies,
            self.inline_policies,
            self.written,
            self.duplicates,
        )
    }
}

fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}) {msg}",
    ) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

pub fn run(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let mut options = ImportOptions::default();
    if let Some(account) = &args.account {
        let account = AccountId::parse(account).map_err(|error| {
            anyhow::anyhow!("--account: {error}\n  help: pass the 12-digit account ID")
        })?;
        options = options.account(account);
    }
    let mut files = Vec::new();
    for path in &args.files {
        files.extend(files_in(path).map_err(|error| anyhow::anyhow!(diagnostic_text(&error)))?);
    }
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .collect();
    let progress = progress_bar(sizes.iter().sum());
    let store_existed = args.db.db.exists();

    let outcome = std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<(u64, Result<ImportedFile, ImportError>)>(2);
        let reader_progress = progress.clone();
        let files = &files;
        let sizes = &sizes;
        let options = &options;
        scope.spawn(move || {
            for (file, size) in files.iter().zip(sizes) {
                reader_progress.set_message(format!("reading {}", file.display()));
                let result = import_file(file, options);
                let failed = result.is_err();
                if sender.send((*size, result)).is_err() || failed {
                    break;
                }
            }
        });
        write_all(receiver, &args.db.db, &progress)
    });
    progress.finish_and_clear();

    match outcome {
        Ok((summary, run)) => {
            emit(&summary.render(&args.db.db, run))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            let mut message = failure.message;
            match failure.undo {
                Undo::Nothing => {}
                Undo::Run(pair) => {
                    let (mut store, run) = *pair;
                    let undone = store.abort_run(run);
                    drop(store);
                    if let Err(error) = &undone {
                        message.push_str(&format!(
                            "\n  note: undoing the partial import failed ({error}); the \
                             snapshots already written stay in the store"
                        ));
                    } else if !store_existed {
                        remove_store_files(&args.db.db);
                    }
                    if undone.is_ok() {
                        message.push_str("\n  note: nothing was imported; the store is unchanged");
                    }
                }
            }
            Err(anyhow::anyhow!(message))
        }
    }
}

/// What to undo when a run fails.
enum Undo {
    Nothing,
    Run(Box<(Store, ImportRun)>),
}

struct Failure {
    message: String,
    undo: Undo,
}

fn write_all(
    receiver: std::sync::mpsc::Receiver<(u64, Result<ImportedFile, ImportError>)>,
    db: &std::path::Path,
    progress: &ProgressBar,
) -> Result<(Summary, i64), Box<Failure>> {
    let mut summary = Summary::default();
    let mut open: Option<(Store, ImportRun)> = None;
    for (size, result) in receiver {
        let imported = match result {
            Ok(imported) => imported,
            Err(error) => {
                return Err(Box::new(Failure {
                    message: diagnostic_text(&error),
                    undo: open.map_or(Undo::Nothing, |pair| Undo::Run(Box::new(pair))),
                }));
            }
        };
        // The store is opened on the first good file, so a bad first file creates nothing.
        let (store, run) = match &mut open {
            Some(pair) => pair,
            None => {
                let opened = Store::open(db).and_then(|mut store| {
                    let run = store.begin_run()?;
                    Ok((store, run))
                });
                match opened {
                    Ok(pair) => open.insert(pair),
                    Err(error) => {
                        return Err(Box::new(Failure {
                            message: diagnostic_text(&error),
                            undo: Undo::Nothing,
                        }));
                    }
                }
            }
        };
        summary.add(&imported);
        let file = imported.path.display().to_string();
        progress.set_message(format!("writing {file}"));
        let count = imported.snapshots.len().max(1) as u64;
        for snapshot in &imported.snapshots {
            match store.write_snapshot(run, snapshot, Some(&file)) {
                Ok(WriteOutcome::Written(_)) => summary.written += 1,
                Ok(WriteOutcome::Duplicate(_)) => summary.duplicates += 1,
                Err(error) => {
                    let message = format!("`{file}`: {}", diagnostic_text(&error));
                    return Err(Box::new(Failure {
                        message,
                        undo: open.map_or(Undo::Nothing, |pair| Undo::Run(Box::new(pair))),
                    }));
                }
            }
            progress.inc(size / count);
        }
    }
    match open {
        Some((_, run)) => Ok((summary, run.id())),
        None => Ok((summary, 0)),
    }
}

/// Removes a store this run created (the database and its WAL files).
fn remove_store_files(db: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(path));
    }
}
