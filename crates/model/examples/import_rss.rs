//! Imports one file (or every file of a directory) and reports what it held and the process's peak resident memory (Linux
//! `VmHWM`), to check that GAAD import runs in bounded memory.
//!
//! ```text
//! cargo run --release -p iamwatch-model --example gen_org -- --accounts 5 --roles 400000 --gaad-only 4 --out /tmp/big.json
//! cargo run --release -p iamwatch-model --example import_rss -- /tmp/big.json
//! ```

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use iamwatch_model::Payload;
use iamwatch_model::import::{ImportOptions, files_in, import_file};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: import_rss FILE");
        return ExitCode::from(2);
    };
    let path = Path::new(&path);
    let files = match files_in(path) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let size: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let start = Instant::now();
    let mut snapshots = Vec::new();
    for file in &files {
        match import_file(file, &ImportOptions::default()) {
            Ok(imported) => snapshots.extend(imported.snapshots),
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    // Before anything else allocates: the peak of the import itself.
    let peak = peak_rss_kib().unwrap_or(0);
    let roles: usize = snapshots
        .iter()
        .map(|s| match &s.payload {
            Payload::Iam(iam) => iam.roles.len(),
            _ => 0,
        })
        .sum();
    println!(
        "{} files, {} snapshots, {roles} roles",
        files.len(),
        snapshots.len()
    );
    for snapshot in snapshots.iter().take(3) {
        if let Payload::Iam(iam) = &snapshot.payload {
            println!(
                "{}: {} users, {} groups, {} roles, {} policies",
                iam.account_id,
                iam.users.len(),
                iam.groups.len(),
                iam.roles.len(),
                iam.policies.len()
            );
        }
    }
    let model_bytes: usize = snapshots
        .iter()
        .map(|s| serde_json::to_vec(&s.payload).map_or(0, |v| v.len()))
        .sum();
    println!(
        "file {:.1} MiB, {:.1} s ({:.0} MiB/s), model as compact JSON {:.1} MiB, peak RSS {:.1} MiB",
        size as f64 / 1048576.0,
        elapsed,
        size as f64 / 1048576.0 / elapsed,
        model_bytes as f64 / 1048576.0,
        peak as f64 / 1024.0
    );
    ExitCode::SUCCESS
}
