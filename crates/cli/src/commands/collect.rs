//! `iamwatch collect`: the live state of one account or a whole organization, into the store.

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use iamwatch_collect::{
    AccountOutcome, AccountResult, Cancel, CollectSettings, Connection, Phase, Progress, RunReport,
    SinkError, SnapshotSink, Targets,
};
use iamwatch_model::{AccountId, Snapshot};
use iamwatch_store::{ImportRun, Store};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::query::{DbArgs, diagnostic_text};

/// Exit code of a run that collected some accounts but not all (failures, or Ctrl-C).
pub const EXIT_PARTIAL: u8 = 3;

/// Collect IAM, Organizations and resource policies from AWS into the store.
///
/// Reads each account with the bulk APIs (GetAccountAuthorizationDetails, the credential
/// report), AWS managed policies once per partition (cached, `--managed-policy-ttl`), and
/// accounts one at a time unless `--concurrency` says more. Each account's snapshots are
/// stored as soon as it is complete; an interrupted run continues with `--resume`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch collect\n  iamwatch collect --org --concurrency 4\n  \
                        iamwatch collect --accounts 111111111111,222222222222 --role-name Audit\n  \
                        iamwatch collect --org --resume\n\n\
                        Exit codes: 0 every account collected; 3 partial: some accounts failed or \
                        the run was interrupted (what was collected is stored; `--resume` \
                        finishes it); 2 the run could not start (credentials, organization, \
                        store)."
)]
pub struct CollectArgs {
    /// Every active account of the caller's organization (the caller must be the management
    /// account or a delegated administrator), and the organization itself.
    #[arg(long, conflicts_with = "accounts")]
    org: bool,

    /// These accounts (comma-separated); member accounts are reached through AssumeRole.
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    accounts: Vec<String>,

    /// A profile of the shared AWS config files.
    #[arg(long, env = "AWS_PROFILE")]
    profile: Option<String>,

    /// The home region (global services) and the default region.
    #[arg(long)]
    region: Option<String>,

    /// One endpoint for every AWS service (moto, LocalStack).
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,

    /// The role to assume in member accounts.
    #[arg(long, default_value = "OrganizationAccountAccessRole")]
    role_name: String,

    /// The role ARN to assume, with `{account}` (and `{partition}`) filled in; wins over
    /// `--role-name`. Example: `arn:aws:iam::{account}:role/Audit`.
    #[arg(long, value_name = "TEMPLATE")]
    role_arn_template: Option<String>,

    /// The external ID the member roles' trust policies require.
    #[arg(long)]
    external_id: Option<String>,

    /// The role session name (shows in CloudTrail).
    #[arg(long, default_value = "iamwatch-collect")]
    session_name: String,

    /// Accounts collected at once.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,

    /// At most N calls per second to an API in each account, e.g.
    /// `iam:GetAccountAuthorizationDetails=2`. Repeatable.
    #[arg(long, value_name = "API=N")]
    max_rps: Vec<String>,

    /// Attempts per call, the first included (standard retries with jittered exponential
    /// backoff; each account has its own retry budget).
    #[arg(long, default_value_t = 10)]
    max_attempts: u32,

    /// How long the cached AWS managed policies stay fresh (`24h`, `90m`, `3600s`, `1d`).
    #[arg(long, default_value = "24h", value_parser = parse_duration)]
    managed_policy_ttl: Duration,

    /// Regions for resource policies (comma-separated), instead of the account's enabled
    /// regions (which EC2 DescribeRegions lists, one call per account).
    #[arg(long, value_delimiter = ',')]
    regions: Vec<String>,

    /// Skip resource policies (S3, KMS, SQS, SNS, Lambda, Secrets Manager).
    #[arg(long)]
    no_resource_policies: bool,

    /// Continue the interrupted run recorded in the run file, skipping finished accounts.
    #[arg(long)]
    resume: bool,

    /// The run file (default: beside the store, `<db>.collect-run.json`).
    #[arg(long, value_name = "PATH")]
    run_file: Option<PathBuf>,

    /// Where the AWS managed policy cache lives (default: `~/.cache/iamwatch`).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    #[command(flatten)]
    db: DbArgs,

    /// Log format on stderr when it is not a terminal (a terminal gets a progress bar).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,

    /// The run summary's format on stdout.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    format: SummaryFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SummaryFormat {
    Text,
    Json,
}

/// `24h`, `90m`, `3600s`, `1d`, or seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, "s"), |at| text.split_at(at));
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like `24h`, `90m` or `3600s`"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(format!("`{text}`: the unit is one of s, m, h, d")),
    };
    Ok(Duration::from_secs(number.saturating_mul(seconds)))
}

/// Turns the flags into validated settings.
fn settings(args: &CollectArgs) -> anyhow::Result<CollectSettings> {
    let state_dir = args
        .db
        .db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut settings = CollectSettings::new(&state_dir);
    settings.connection = Connection {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        credentials: None,
    };
    settings.targets = if args.org {
        Targets::Organization
    } else if args.accounts.is_empty() {
        Targets::Caller
    } else {
        let accounts = args
            .accounts
            .iter()
            .map(|a| AccountId::parse(a.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        Targets::Accounts(accounts)
    };
    settings.role.role_name.clone_from(&args.role_name);
    settings
        .role
        .role_arn_template
        .clone_from(&args.role_arn_template);
    settings.role.external_id.clone_from(&args.external_id);
    settings.role.session_name.clone_from(&args.session_name);
    settings.concurrency = usize::from(args.concurrency);
    let mut max_rps = BTreeMap::new();
    for cap in &args.max_rps {
        let Some((api, rate)) = cap.split_once('=') else {
            bail!("`--max-rps {cap}`: write it as `service:Operation=N`");
        };
        let rate: f64 = rate
            .parse()
            .ok()
            .filter(|r: &f64| r.is_finite() && *r > 0.0)
            .with_context(|| format!("`--max-rps {cap}`: `{rate}` is not a positive number"))?;
        if !api.contains(':') {
            bail!("`--max-rps {cap}`: name the API as `service:Operation`");
        }
        max_rps.insert(api.to_owned(), rate);
    }
    settings.max_rps = max_rps;
    settings.retry.max_attempts = args.max_attempts.max(1);
    settings.managed_policy_ttl = args.managed_policy_ttl;
    if !args.regions.is_empty() {
        settings.regions = Some(args.regions.clone());
    }
    settings.resource_policies = !args.no_resource_policies;
    settings.resume = args.resume;
    settings.run_file = args.run_file.clone().unwrap_or_else(|| {
        let mut name = args.db.db.clone().into_os_string();
        name.push(".collect-run.json");
        PathBuf::from(name)
    });
    settings.cache_dir = args.cache_dir.clone().unwrap_or_else(default_cache_dir);
    Ok(settings)
}

fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("iamwatch");
    }
    match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        Some(home) => PathBuf::from(home).join(".cache").join("iamwatch"),
        None => PathBuf::from(".iamwatch-cache"),
    }
}

/// The store as the collector's sink: one import run for the collection.
struct StoreSink {
    inner: Mutex<(Store, ImportRun)>,
}

impl SnapshotSink for StoreSink {
    fn commit(&self, run_id: &str, snapshots: Vec<Snapshot>) -> Result<(), SinkError> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let (store, run) = &mut *inner;
        let file = format!("aws:collect/{run_id}");
        for snapshot in &snapshots {
            store.write_snapshot(run, snapshot, Some(&file))?;
        }
        Ok(())
    }
}

/// A progress bar on a terminal; log lines otherwise.
struct Bar {
    bar: Option<ProgressBar>,
}

impl Progress for Bar {
    fn planned(&self, total: usize, done: usize) {
        tracing::info!(accounts = total, already_done = done, "collection planned");
        if let Some(bar) = &self.bar {
            bar.set_length(u64::try_from(total).unwrap_or(u64::MAX));
            bar.set_position(u64::try_from(done).unwrap_or(0));
        }
    }

    fn phase(&self, account: &AccountId, phase: Phase) {
        match &self.bar {
            Some(bar) => bar.set_message(format!("{account} {}", phase.as_str())),
            None => tracing::info!(%account, phase = phase.as_str(), "phase"),
        }
    }

    fn finished(&self, outcome: &AccountOutcome) {
        let total = outcome.calls.total();
        match &outcome.result {
            AccountResult::Failed(error) => {
                tracing::warn!(account = %outcome.account, %error, "account failed");
            }
            result => tracing::info!(
                account = %outcome.account,
                result = result_word(result),
                calls = total.calls,
                throttles = total.throttles,
                retries = total.retries(),
                "account finished"
            ),
        }
        if let Some(bar) = &self.bar {
            if !matches!(outcome.result, AccountResult::Interrupted) {
                bar.inc(1);
            }
        }
    }
}

fn result_word(result: &AccountResult) -> &'static str {
    match result {
        AccountResult::Collected { .. } => "collected",
        AccountResult::AlreadyDone => "already done",
        AccountResult::Failed(_) => "failed",
        AccountResult::Interrupted => "interrupted",
    }
}

fn init_logs(format: LogFormat, terminal: bool) {
    use tracing_subscriber::EnvFilter;
    // On a terminal the bar shows progress; logs only say what went wrong.
    let default = if terminal { "warn" } else { "info" };
    let filter =
        EnvFilter::try_from_env("IAMWATCH_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(terminal);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

pub fn run(args: &CollectArgs) -> anyhow::Result<ExitCode> {
    let settings = settings(args)?;
    let terminal = std::io::stderr().is_terminal();
    init_logs(args.log_format, terminal);

    let mut store = Store::open(&args.db.db)
        .with_context(|| format!("cannot open the store `{}`", args.db.db.display()))?;
    let import_run = store.begin_run()?;
    let sink = Arc::new(StoreSink {
        inner: Mutex::new((store, import_run)),
    });
    let bar = terminal.then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} accounts  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let progress = Arc::new(Bar { bar: bar.clone() });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let cancel = Cancel::default();
    let report = runtime.block_on(async {
        let on_signal = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                tracing::warn!("interrupted: stopping after the accounts in flight are abandoned");
                on_signal.cancel();
            }
        });
        iamwatch_collect::collect(&settings, sink, progress, cancel.clone()).await
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let report = report.map_err(|e| anyhow::anyhow!(diagnostic_text(&e)))?;
    match args.format {
        SummaryFormat::Text => print!("{}", summary_text(&report)),
        SummaryFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&summary_json(&report))?)
        }
    }
    Ok(if report.is_complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PARTIAL)
    })
}

fn summary_text(report: &RunReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<14} {:<13} {:>7} {:>9} {:>8} {:>8}",
        "account", "result", "calls", "throttles", "retries", "time"
    );
    for account in &report.accounts {
        let total = account.calls.total();
        let _ = writeln!(
            out,
            "{:<14} {:<13} {:>7} {:>9} {:>8} {:>7.1}s",
            account.account.as_str(),
            result_word(&account.result),
            total.calls,
            total.throttles,
            total.retries(),
            account.elapsed.as_secs_f64()
        );
        if !account.calls.0.is_empty() {
            let _ = writeln!(out, "  {}", account.calls);
        }
        if let AccountResult::Failed(error) = &account.result {
            let _ = writeln!(out, "  error: {error}");
        }
    }
    let setup = report.setup_calls.total();
    let _ = writeln!(
        out,
        "run: {} calls, {} throttles, {} retries (caller, organization, AWS managed policies: {}{})",
        setup.calls,
        setup.throttles,
        setup.retries(),
        report.managed_policies,
        if report.managed_policies_from_cache {
            " from the cache"
        } else {
            " fetched"
        }
    );
    let total = report.total_calls().total();
    let collected = report
        .accounts
        .iter()
        .filter(|a| {
            matches!(
                a.result,
                AccountResult::Collected { .. } | AccountResult::AlreadyDone
            )
        })
        .count();
    let _ = writeln!(
        out,
        "{} of {} accounts collected; {} calls, {} throttles, {} retries in {:.1}s{}",
        collected,
        report.accounts.len(),
        total.calls,
        total.throttles,
        total.retries(),
        report.elapsed.as_secs_f64(),
        if report.is_complete() {
            String::new()
        } else {
            format!(
                "\npartial: run again with `--resume` (run file `{}`)",
                report.run_file.display()
            )
        }
    );
    out
}

fn summary_json(report: &RunReport) -> serde_json::Value {
    let accounts: Vec<serde_json::Value> = report
        .accounts
        .iter()
        .map(|a| {
            let total = a.calls.total();
            json!({
                "account": a.account.as_str(),
                "result": result_word(&a.result),
                "error": match &a.result { AccountResult::Failed(e) => Some(e.as_str()), _ => None },
                "calls": total.calls,
                "throttles": total.throttles,
                "retries": total.retries(),
                "seconds": a.elapsed.as_secs_f64(),
                "by_api": a.calls.0.iter().map(|(api, c)| (api.clone(), json!({
                    "calls": c.calls, "attempts": c.attempts, "throttles": c.throttles,
                    "retries": c.retries(), "transient": c.transient,
                }))).collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    let total = report.total_calls().total();
    json!({
        "run_id": report.run_id,
        "complete": report.is_complete(),
        "interrupted": report.interrupted,
        "caller": report.caller.as_str(),
        "organization": report.organization.as_ref().map(|o| o.as_str()),
        "managed_policies": report.managed_policies,
        "managed_policies_from_cache": report.managed_policies_from_cache,
        "setup_calls": report.setup_calls.total().calls,
        "calls": total.calls,
        "throttles": total.throttles,
        "retries": total.retries(),
        "seconds": report.elapsed.as_secs_f64(),
        "accounts": accounts,
    })
}
