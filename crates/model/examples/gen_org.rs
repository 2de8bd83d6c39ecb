//! Generates a synthetic organization and writes it as the files `scripts/export-org.sh`
//! writes: `organizations.json`, and per account `gaad.json`, `credential-report.csv`,
//! `account.json` and `resource-policies-REGION.json`.
//!
//! ```text
//! cargo run --release -p iamwatch-model --example gen_org -- \
//!     --accounts 1000 --roles 500 --seed 1 --shape alternate --out /tmp/org
//! ```
//!
//! `--gaad-only ACCOUNT_INDEX` writes only that account's GAAD to `--out` (a file), role by
//! role, in bounded memory: with a large `--roles` this makes GAAD files of any size, for
//! measuring the importer.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use iamwatch_model::export::GaadShape;
use iamwatch_model::synthetic::{GaadShapes, OrgSpec, SyntheticOrg};

const USAGE: &str = "usage: gen_org [--accounts N] [--roles N] [--users N] [--policies N] [--seed N] \
[--shape cli|raw|alternate] [--no-aws-documents] [--gaad-only INDEX] --out PATH";

struct Args {
    spec: OrgSpec,
    shape: GaadShapes,
    gaad_only: Option<usize>,
    out: PathBuf,
}

fn parse() -> Result<Args, String> {
    let mut spec = OrgSpec::default();
    let mut shape = GaadShapes::Cli;
    let mut gaad_only = None;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))
        };
        let number = |text: String| {
            text.parse::<usize>()
                .map_err(|_| format!("`{text}` is not a number\n{USAGE}"))
        };
        match flag.as_str() {
            "--accounts" => spec.accounts = number(value()?)?,
            "--roles" => spec.roles_per_account = number(value()?)?,
            "--users" => spec.users_per_account = number(value()?)?,
            "--policies" => spec.customer_policies_per_account = number(value()?)?,
            "--seed" => spec.seed = number(value()?)? as u64,
            "--no-aws-documents" => spec.aws_managed_documents = false,
            "--gaad-only" => gaad_only = Some(number(value()?)?),
            "--shape" => {
                shape = match value()?.as_str() {
                    "cli" => GaadShapes::Cli,
                    "raw" => GaadShapes::Raw,
                    "alternate" => GaadShapes::Alternate,
                    other => return Err(format!("`{other}` is not `cli`, `raw` or `alternate`")),
                }
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("`{other}` is not a flag\n{USAGE}")),
        }
    }
    let out = out.ok_or_else(|| format!("`--out` is required\n{USAGE}"))?;
    Ok(Args {
        spec,
        shape,
        gaad_only,
        out,
    })
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let org = SyntheticOrg::new(args.spec);
    let result = match args.gaad_only {
        Some(index) => {
            let shape = match args.shape {
                GaadShapes::Raw => GaadShape::Raw,
                _ => GaadShape::Cli,
            };
            std::fs::File::create(&args.out)
                .map(std::io::BufWriter::new)
                .and_then(|file| org.write_gaad(index, file, shape))
                .and_then(|mut file| file.flush())
                .map(|()| 1)
        }
        None => org.write_to(&args.out, args.shape).map(|files| files.len()),
    };
    match result {
        Ok(files) => {
            eprintln!(
                "wrote {files} files for {} accounts to `{}` in {:.1} s",
                org.account_count(),
                args.out.display(),
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot write `{}`: {error}", args.out.display());
            ExitCode::FAILURE
        }
    }
}
