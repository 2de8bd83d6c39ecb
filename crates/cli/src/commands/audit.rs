//! `iamwatch audit`: find what is risky or stale, and report it the way people work.

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use iamwatch_analysis::{
    AuditConfig, AuditInput, AuditReport, Finding, RuleId, Selection, Severity, TSV_HEADER, audit,
    demo, put_evaluations_batches,
};
use iamwatch_model::import::{ImportOptions, files_in, import_file};
use iamwatch_model::{AccountId, OuId, Timestamp};
use iamwatch_store::LoadFilter;
use indicatif::ProgressBar;
use serde_json::{Value, json};

use super::query::{DbArgs, diagnostic_text};
use crate::output::{emit, emit_json, pretty_json};
use crate::sarif;

/// Audit an organization: credentials, privilege, trust and hygiene rules, and AWS Config's
/// unused-role rule.
///
/// What is audited: the latest state in the store (`--db`, `IAMWATCH_DB`, default
/// `iamwatch.db`), or the state at a past time (`--at`); export files given as arguments (GAAD,
/// credential reports, bundles: the formats `iamwatch import` reads), read in memory without a
/// store; or the built-in demo organization (`--demo`).
///
/// Findings come with a severity, the resource, the evidence, a fix and the AWS page the rule
/// follows. Rules, parameters, severities, known accounts and suppressions are set in a TOML file
/// (`iamwatch.toml` in the current directory, or `--config`); `docs/rules.md` lists every rule.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch audit --demo\n  iamwatch audit --db iamwatch.db \
                        --ou ou-ab12-cd34ef56\n  iamwatch audit gaad.json credential-report.csv\n  \
                        iamwatch audit --at 2026-10-01T00:00:00Z --format json\n  \
                        iamwatch audit --demo --format html > report.html\n  iamwatch audit --demo --format evaluations --account \
                        123456789012\n  iamwatch audit --demo --fail-on high --format sarif > \
                        audit.sarif\n\nExit codes: 0 no open finding at or above --fail-on; 1 \
                        open findings at or above --fail-on; 2 bad input or configuration."
)]
pub struct AuditArgs {
    /// Export files or directories to audit instead of the store (read in memory; the store is
    /// not touched).
    #[arg(value_name = "FILE", conflicts_with_all = ["demo", "at"])]
    files: Vec<PathBuf>,

    /// Audit the built-in demo organization (five accounts, every rule firing at least once)
    /// instead of the store. Its "now" is fixed at 2026-11-01 unless `--now` says otherwise.
    #[arg(long)]
    demo: bool,

    /// Audit the store's state as it was at this time (RFC 3339): for each account, the latest
    /// snapshot of each kind taken at or before it. Default: the latest state. `--now` defaults
    /// to this time too, so ages are as they were then.
    #[arg(long, value_name = "TIME", conflicts_with = "demo")]
    at: Option<String>,

    #[command(flatten)]
    db: DbArgs,

    /// Audit only these accounts (12-digit IDs; repeat the flag for several).
    #[arg(long = "account", value_name = "ID")]
    accounts: Vec<String>,

    /// Audit only the accounts under these organizational units, at any depth (`ou-...`).
    #[arg(long = "ou", value_name = "OU_ID")]
    ous: Vec<String>,

    /// The configuration file. Default: `iamwatch.toml` in the current directory if it exists,
    /// else built-in defaults (with `--demo`: the demo's own configuration).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Output format. Default: `table` on a terminal, `json` otherwise.
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// "Today" for every age and "days ago" (RFC 3339, e.g. `2026-11-01T00:00:00Z`), so a later
    /// run reproduces an earlier one. Default: the current time.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,

    /// Exit with 1 when an open finding at or above this severity exists.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,

    /// Show suppressed findings in the table too.
    #[arg(long)]
    show_suppressed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Findings grouped by severity and account, with a one-line summary.
    Table,
    /// AWS Config's export shape for the unused-role rule: `ROLE\tCOMPLIANCE\tANNOTATION`.
    Tsv,
    /// Everything, stable and documented in `docs/audit.md`.
    Json,
    /// AWS Config evaluations of the unused-role rule, one PutEvaluations request body per line,
    /// at most 100 evaluations each.
    Evaluations,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// One self-contained HTML page with filterable tables and a summary chart.
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Info => Severity::Info,
            FailOn::Low => Severity::Low,
            FailOn::Medium => Severity::Medium,
            FailOn::High => Severity::High,
            FailOn::Critical => Severity::Critical,
        }
    }
}

pub fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let at = args
        .at
        .as_deref()
        .map(|text| parse_time("--at", text))
        .transpose()?;
    let progress = spinner();
    let (mut input, default_now) = if args.demo {
        let input = demo::input().context("cannot build the demo organization")?;
        (
            input,
            demo::now().context("cannot build the demo organization")?,
        )
    } else if !args.files.is_empty() {
        progress.set_message("reading the files");
        (files_input(&args.files)?, Timestamp::now())
    } else {
        progress.set_message(format!("loading `{}`", args.db.db.display()));
        (
            store_input(&args.db, at)?,
            at.unwrap_or_else(Timestamp::now),
        )
    };
    input.selection = selection(args)?;
    let config = load_config(args)?;
    let now = match &args.now {
        Some(text) => parse_time("--now", text)?,
        None => default_now,
    };
    if let Some(unknown) = unknown_accounts(&input) {
        bail!("{unknown}");
    }
    progress.set_message("auditing");
    let report = audit(&input, &config, now);
    progress.finish_and_clear();
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let names = account_names(&input);
    emit(&match format {
        Format::Table => render_table(&report, &names, args.show_suppressed, colors_wanted()),
        Format::Tsv => render_tsv(&report),
        // Streamed: at organization scale the report has hundreds of thousands of findings.
        Format::Json => {
            emit_json(&JsonReport::of(&report))?;
            String::new()
        }
        Format::Evaluations => render_evaluations(&report)?,
        Format::Sarif => pretty_json(&render_sarif(&report))?,
        Format::Html => crate::html::render_audit(&report),
    })?;
    let failed = args.fail_on.is_some_and(|threshold| {
        report
            .open_findings()
            .any(|finding| finding.severity >= threshold.severity())
    });
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn selection(args: &AuditArgs) -> anyhow::Result<Selection> {
    let mut selection = Selection::all();
    for account in &args.accounts {
        let id = AccountId::parse(account).map_err(|error| {
            anyhow::anyhow!("`--account {account}`: {error} (an account ID has 12 digits)")
        })?;
        selection.accounts.insert(id);
    }
    for ou in &args.ous {
        let id = OuId::parse(ou)
            .map_err(|error| anyhow::anyhow!("`--ou {ou}`: {error} (e.g. `ou-ab12-cd34ef56`)"))?;
        selection.organizational_units.insert(id);
    }
    Ok(selection)
}

/// A selected account that the input does not have is a typo, not an empty audit.
fn unknown_accounts(input: &AuditInput) -> Option<String> {
    let missing: Vec<String> = input
        .selection
        .accounts
        .iter()
        .filter(|id| input.inventory.account(id).is_none())
        .map(|id| format!("`{id}`"))
        .collect();
    (!missing.is_empty()).then(|| {
        let known: Vec<String> = input
            .inventory
            .accounts
            .keys()
            .map(ToString::to_string)
            .collect();
        format!(
            "no account {} to audit; the accounts are {}",
            missing.join(", "),
            known.join(", ")
        )
    })
}

fn load_config(args: &AuditArgs) -> anyhow::Result<AuditConfig> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => Some(PathBuf::from("iamwatch.toml")).filter(|path| path.exists()),
    };
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            AuditConfig::from_toml(&text, &path.display().to_string())
                .map_err(|error| anyhow::anyhow!("{error}"))
        }
        None if args.demo => demo::config().context("cannot build the demo configuration"),
        None => Ok(AuditConfig::default()),
    }
}

fn parse_time(flag: &str, text: &str) -> anyhow::Result<Timestamp> {
    text.parse::<Timestamp>().map_err(|error| {
        anyhow::anyhow!(
            "`{flag} {text}` is not a time: {error} (write e.g. `2026-11-01T00:00:00Z`)"
        )
    })
}

/// Export files read in memory, as `iamwatch import` reads them.
fn files_input(paths: &[PathBuf]) -> anyhow::Result<AuditInput> {
    let mut snapshots = Vec::new();
    for path in paths {
        for file in files_in(path).map_err(|error| anyhow::anyhow!(diagnostic_text(&error)))? {
            let imported = import_file(&file, &ImportOptions::default())
                .map_err(|error| anyhow::anyhow!(diagnostic_text(&error)))?;
            snapshots.extend(imported.snapshots);
        }
    }
    Ok(AuditInput::from_snapshots(snapshots))
}

/// The store's latest state, or its state at `at`.
fn store_input(db: &DbArgs, at: Option<Timestamp>) -> anyhow::Result<AuditInput> {
    let store = db.open_read_only().map_err(|error| {
        if db.db.exists() {
            error
        } else {
            anyhow::anyhow!(
                "no store at `{}`\n  help: fill one with `iamwatch import FILE...` or \
                 `iamwatch collect`, audit files directly with `iamwatch audit FILE...`, or try \
                 `iamwatch audit --demo`",
                db.db.display()
            )
        }
    })?;
    let filter = LoadFilter {
        as_of: at,
        ..LoadFilter::default()
    };
    let snapshots = store
        .reader()
        .load_snapshots(&filter)
        .map_err(|error| anyhow::anyhow!(diagnostic_text(&error)))?;
    if snapshots.is_empty() {
        match at {
            Some(at) => bail!(
                "the store `{}` has no snapshot taken at or before {at}\n  help: `iamwatch \
                 snapshots` lists what it has",
                db.db.display()
            ),
            None => bail!(
                "the store `{}` is empty\n  help: fill it with `iamwatch import FILE...` or \
                 `iamwatch collect`",
                db.db.display()
            ),
        }
    }
    Ok(AuditInput::from_snapshots(snapshots))
}

/// A spinner on a terminal's stderr while the input loads and the rules run.
fn spinner() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn account_names(input: &AuditInput) -> BTreeMap<String, String> {
    input
        .inventory
        .organization
        .iter()
        .flat_map(|org| org.accounts.iter())
        .map(|account| (account.id.to_string(), account.name.clone()))
        .collect()
}

/// Colour only for a person at a terminal, and never when `NO_COLOR` is set (no-color.org).
fn colors_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "\x1b[1;35m",
        Severity::High => "\x1b[1;31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Info => "\x1b[2m",
    }
}

fn render_table(
    report: &AuditReport,
    names: &BTreeMap<String, String>,
    show_suppressed: bool,
    color: bool,
) -> String {
    use std::fmt::Write as _;
    let paint = |severity: Severity| {
        if color {
            (severity_color(severity), "\x1b[0m")
        } else {
            ("", "")
        }
    };
    let mut out = String::new();
    // Findings arrive most severe first, then by rule and account.
    let mut groups: BTreeMap<(std::cmp::Reverse<Severity>, String), Vec<&Finding>> =
        BTreeMap::new();
    for finding in &report.findings {
        if finding.is_open() || show_suppressed {
            groups
                .entry((
                    std::cmp::Reverse(finding.severity),
                    finding.account_id.to_string(),
                ))
                .or_default()
                .push(finding);
        }
    }
    let mut current: Option<Severity> = None;
    for ((std::cmp::Reverse(severity), account), findings) in &groups {
        if current != Some(*severity) {
            current = Some(*severity);
            let (on, off) = paint(*severity);
            let count = report
                .open_findings()
                .filter(|f| f.severity == *severity)
                .count();
            let _ = writeln!(
                out,
                "\n{on}{}{off} ({count} open)",
                severity.as_str().to_uppercase()
            );
        }
        let name = names
            .get(account)
            .map(|name| format!(" ({name})"))
            .unwrap_or_default();
        let _ = writeln!(out, "  account {account}{name}");
        for finding in findings {
            let state = match &finding.suppression {
                Some(status) if !finding.is_open() => format!("  [suppressed: {}]", status.reason),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "    {:<24} {:<40} {}{state}",
                finding.rule_id.as_str(),
                finding.resource.name,
                finding.message
            );
            for note in &finding.notes {
                let _ = writeln!(out, "    {:<24} note: {note}", "");
            }
        }
    }
    let summary = &report.summary;
    let by_severity: Vec<String> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ]
    .iter()
    .filter_map(|severity| {
        summary
            .open_by_severity
            .get(severity)
            .filter(|count| **count > 0)
            .map(|count| format!("{count} {}", severity.as_str()))
    })
    .collect();
    let _ = writeln!(
        out,
        "\n{} accounts, {} users, {} roles: {} open findings ({}), {} suppressed; unused roles: {} non-compliant, {} compliant",
        summary.accounts_audited,
        summary.users,
        summary.roles,
        summary.open,
        if by_severity.is_empty() {
            "none".to_owned()
        } else {
            by_severity.join(", ")
        },
        summary.suppressed,
        summary.evaluations_non_compliant,
        summary.evaluations_compliant,
    );
    out
}

fn render_tsv(report: &AuditReport) -> String {
    let mut out = String::with_capacity(64 * (report.evaluations.len() + 1));
    out.push_str(TSV_HEADER);
    out.push('\n');
    for evaluation in &report.evaluations {
        out.push_str(&evaluation.tsv_row());
        out.push('\n');
    }
    out
}

/// The stable JSON shape, documented in `docs/audit.md`.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    generated_at: String,
    summary: &'a iamwatch_analysis::AuditSummary,
    findings: &'a [Finding],
    evaluations: &'a [iamwatch_analysis::RoleEvaluation],
    warnings: &'a [iamwatch_analysis::AuditWarning],
}

impl<'a> JsonReport<'a> {
    fn of(report: &'a AuditReport) -> Self {
        Self {
            schema_version: 1,
            generated_at: report.generated_at.to_string(),
            summary: &report.summary,
            findings: &report.findings,
            evaluations: &report.evaluations,
            warnings: &report.warnings,
        }
    }
}

/// One PutEvaluations request body per line, at most 100 evaluations each, account by account
/// (PutEvaluations, AWS Config API Reference: "Evaluations ... Maximum number of 100 items").
fn render_evaluations(report: &AuditReport) -> anyhow::Result<String> {
    let mut out = String::new();
    for evaluations in report.evaluations_by_account().values() {
        for batch in put_evaluations_batches(evaluations) {
            let body = json!({ "Evaluations": batch, "ResultToken": "" });
            out.push_str(&serde_json::to_string(&body)?);
            out.push('\n');
        }
    }
    Ok(out)
}

fn render_sarif(report: &AuditReport) -> Value {
    let rules: Vec<sarif::Rule> = RuleId::ALL
        .iter()
        .map(|rule| {
            let info = rule.info();
            sarif::Rule {
                id: rule.as_str().to_owned(),
                summary: info.title.to_owned(),
                level: level(info.severity),
            }
        })
        .collect();
    let results: Vec<sarif::Result> = report
        .open_findings()
        .map(|finding| sarif::Result {
            rule_id: finding.rule_id.as_str().to_owned(),
            level: level(finding.severity),
            message: format!("{} ({})", finding.message, finding.remediation),
            uri: String::new(),
            line: 0,
            column: 0,
            logical_path: finding.resource.arn.clone(),
        })
        .collect();
    sarif::log("iamwatch audit", &rules, &results)
}

fn level(severity: Severity) -> sarif::Level {
    match severity {
        Severity::Critical | Severity::High => sarif::Level::Error,
        Severity::Medium => sarif::Level::Warning,
        Severity::Low | Severity::Info => sarif::Level::Note,
    }
}
