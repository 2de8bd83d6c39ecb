//! Writes the demo organization (`iamwatch audit --demo`) as the files `scripts/export-org.sh`
//! writes, in the layout of the synthetic generator (`iamwatch-model`'s `gen_org` example):
//! `organizations.json`, and per account `accounts/ID/gaad.json` (CLI shape),
//! `credential-report.csv`, `account.json` and `resource-policies-REGION.json`.
//!
//! ```text
//! cargo run --release -p iamwatch-analysis --example demo_export -- /tmp/demo-org
//! ```
//!
//! `scripts/compare-cloudsplaining` uses the GAAD files to run Cloudsplaining and iamwatch on
//! the same input.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use iamwatch_analysis::demo;
use iamwatch_model::account::{AccountPasswordPolicy, AccountSummary, IdentityProviders};
use iamwatch_model::export::{self, GaadShape};
use iamwatch_model::{AccountId, Payload, Snapshot, SnapshotScope};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), None) = (args.next(), args.next()) else {
        eprintln!("usage: demo_export OUT_DIR");
        return ExitCode::from(2);
    };
    let out = PathBuf::from(out);
    match demo::snapshots()
        .map_err(|e| e.to_string())
        .and_then(|snapshots| write(&out, &snapshots).map_err(|e| e.to_string()))
    {
        Ok(files) => {
            eprintln!("wrote {files} files to `{}`", out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot write the demo to `{}`: {error}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn write(out: &Path, snapshots: &[Snapshot]) -> std::io::Result<usize> {
    type Bundle<'a> = (
        Option<&'a AccountPasswordPolicy>,
        Option<&'a AccountSummary>,
        Option<&'a IdentityProviders>,
    );
    let mut bundles: BTreeMap<PathBuf, Bundle<'_>> = BTreeMap::new();
    let taken_at = demo::now().map_err(std::io::Error::other)?;
    let mut files = 0;
    std::fs::create_dir_all(out)?;
    for snapshot in snapshots {
        let at = snapshot.taken_at;
        let dir = match &snapshot.scope {
            SnapshotScope::Account(id) => out.join("accounts").join(id.to_string()),
            _ => out.to_path_buf(),
        };
        std::fs::create_dir_all(&dir)?;
        match &snapshot.payload {
            Payload::Organization(org) => {
                write_json(
                    &dir.join("organizations.json"),
                    &export::organizations_bundle(org, at),
                )?;
            }
            Payload::Iam(iam) => {
                let file = std::io::BufWriter::new(std::fs::File::create(dir.join("gaad.json"))?);
                export::write_gaad(file, iam, GaadShape::Cli)?.flush()?;
            }
            Payload::CredentialReport(report) => std::fs::write(
                dir.join("credential-report.csv"),
                export::credential_report_csv(report),
            )?,
            Payload::ResourcePolicies(resources) => {
                let region = resources.region.as_deref().unwrap_or("global");
                write_json(
                    &dir.join(format!("resource-policies-{region}.json")),
                    &export::resource_policies_bundle(resources, at),
                )?;
            }
            // The three account-level payloads share one bundle, written below.
            Payload::PasswordPolicy(policy) => {
                bundles.entry(dir).or_default().0 = Some(policy);
                continue;
            }
            Payload::AccountSummary(summary) => {
                bundles.entry(dir).or_default().1 = Some(summary);
                continue;
            }
            Payload::IdentityProviders(providers) => {
                bundles.entry(dir).or_default().2 = Some(providers);
                continue;
            }
        }
        files += 1;
    }
    for (dir, (policy, summary, providers)) in bundles {
        let Some(account) = dir.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        let account = AccountId::parse(account).map_err(std::io::Error::other)?;
        write_json(
            &dir.join("account.json"),
            &export::account_bundle(&account, policy, summary, providers, taken_at),
        )?;
        files += 1;
    }
    Ok(files)
}

fn write_json(path: &Path, value: &serde_json::Value) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    serde_json::to_writer_pretty(&mut file, value).map_err(std::io::Error::other)?;
    file.write_all(b"\n")?;
    file.flush()
}
