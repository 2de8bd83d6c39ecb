//! Imports one file and reports what it held and the process's peak resident memory (Linux
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
use iamwatch_model::import::{ImportOptions, import_file};

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
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let start = Instant::now();
    let imported = match import_file(path, &ImportOptions::default()) {
        Ok(imported) => imported,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = start.elapsed().as_secs_f64();
    // Before anything else allocates: the peak of the import itself.
    let peak = peak_rss_kib().unwrap_or(0);
    for snapshot in &imported.snapshots {
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
    let model_bytes: usize = imported
        .snapshots
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
