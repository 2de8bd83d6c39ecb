//! `iamwatch lint`: validate policy documents before they ship.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use iamwatch_policy::document::Policy;
use iamwatch_policy::lint::{Finding, LintCode, LintOptions, PolicyType, Severity, lint};
use iamwatch_policy::parse::{ParseError, parse_policy};
use serde_json::{Value, json};

use crate::output::{emit, pretty_json};
use crate::sarif;

/// Check IAM policy documents for mistakes and risks.
///
/// Each finding has a stable code, a severity, the JSON path and the line and column it is about,
/// and a hint on how to fix it. Unknown actions and condition keys are checked against the
/// bundled AWS Service Authorization Reference.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch lint policy.json\n  iamwatch lint --type trust \
                        trust.json\n  iamwatch lint --format sarif policies/*.json > lint.sarif\n\n\
                        Exit codes: 0 no finding at or above --fail-on; 1 findings at or above \
                        --fail-on, or a document that does not parse; 2 a file cannot be read."
)]
pub struct LintArgs {
    /// Policy documents (JSON, plain or URL-encoded as the raw IAM API returns them).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// What kind of policy the files are. `auto` reads a document with `Principal` and an
    /// `sts:AssumeRole*` action as a trust policy, other documents with `Principal` as resource
    /// policies, and the rest as identity policies.
    #[arg(long = "type", value_enum, default_value_t = TypeArg::Auto)]
    policy_type: TypeArg,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Exit with 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum TypeArg {
    Auto,
    Identity,
    Resource,
    Trust,
    Scp,
    Rcp,
    Boundary,
    Session,
    VpcEndpoint,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Info,
    Warning,
    Error,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Info => Some(Severity::Info),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Error => Some(Severity::Error),
            FailOn::Never => None,
        }
    }
}

/// What linting one file gave.
struct FileReport {
    path: PathBuf,
    /// `None` when `--type auto` could not decide because the file did not parse.
    policy_type: Option<PolicyType>,
    outcome: Result<Vec<Finding>, ParseError>,
}

impl FileReport {
    fn worst(&self) -> Option<Severity> {
        match &self.outcome {
            Ok(findings) => findings.iter().map(|f| f.severity).max(),
            Err(_) => Some(Severity::Error),
        }
    }
}

pub fn run(args: &LintArgs) -> anyhow::Result<ExitCode> {
    let mut reports = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        reports.push(lint_file(path, &text, args.policy_type));
    }
    emit(&match args.format {
        Format::Text => render_text(&reports),
        Format::Json => pretty_json(&render_json(&reports))?,
        Format::Sarif => pretty_json(&render_sarif(&reports))?,
    })?;
    let failed = args.fail_on.threshold().is_some_and(|threshold| {
        reports
            .iter()
            .filter_map(FileReport::worst)
            .any(|worst| worst >= threshold)
    });
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn lint_file(path: &Path, text: &str, type_arg: TypeArg) -> FileReport {
    match parse_policy(text) {
        Ok(policy) => {
            let policy_type = resolve_type(type_arg, &policy);
            let findings = lint(&policy, text, &LintOptions::new(policy_type));
            FileReport {
                path: path.to_owned(),
                policy_type: Some(policy_type),
                outcome: Ok(findings),
            }
        }
        Err(error) => FileReport {
            path: path.to_owned(),
            policy_type: explicit_type(type_arg),
            outcome: Err(error),
        },
    }
}

fn resolve_type(type_arg: TypeArg, policy: &Policy) -> PolicyType {
    explicit_type(type_arg).unwrap_or_else(|| detect_type(policy))
}

fn explicit_type(type_arg: TypeArg) -> Option<PolicyType> {
    match type_arg {
        TypeArg::Identity => Some(PolicyType::Identity),
        TypeArg::Resource => Some(PolicyType::Resource),
        TypeArg::Trust => Some(PolicyType::Trust),
        TypeArg::Scp => Some(PolicyType::Scp),
        TypeArg::Rcp => Some(PolicyType::Rcp),
        TypeArg::Boundary => Some(PolicyType::Boundary),
        TypeArg::Session => Some(PolicyType::Session),
        TypeArg::VpcEndpoint => Some(PolicyType::VpcEndpoint),
        TypeArg::Auto => None,
    }
}

fn detect_type(policy: &Policy) -> PolicyType {
    let with_principal: Vec<_> = policy
        .statements()
        .iter()
        .filter(|s| s.principal.is_some())
        .collect();
    if with_principal.is_empty() {
        return PolicyType::Identity;
    }
    let assumes_role = with_principal.iter().any(|statement| {
        statement.action.values.iter().any(|action| {
            action
                .value
                .to_ascii_lowercase()
                .starts_with("sts:assumerole")
        }) && statement.resource.is_none()
    });
    if assumes_role {
        PolicyType::Trust
    } else {
        PolicyType::Resource
    }
}

fn render_text(reports: &[FileReport]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let (mut errors, mut warnings, mut infos, mut unparsable) = (0, 0, 0, 0);
    for report in reports {
        let file = report.path.display();
        match &report.outcome {
            Err(error) => {
                unparsable += 1;
                let _ = writeln!(
                    out,
                    "{file}:{}:{}: error[parse] {} (at {})",
                    error.line(),
                    error.column(),
                    error.message(),
                    display_path(error.path())
                );
                if let Some(help) = error.help_text() {
                    let _ = writeln!(out, "  help: {help}");
                }
            }
            Ok(findings) => {
                for finding in findings {
                    match finding.severity {
                        Severity::Error => errors += 1,
                        Severity::Warning => warnings += 1,
                        Severity::Info => infos += 1,
                    }
                    let _ = writeln!(
                        out,
                        "{file}:{}:{}: {}[{}] {} (at {})",
                        finding.span.line,
                        finding.span.column,
                        finding.severity,
                        finding.code.as_str(),
                        finding.message,
                        display_path(&finding.path)
                    );
                    if let Some(help) = &finding.help {
                        let _ = writeln!(out, "  help: {help}");
                    }
                }
            }
        }
    }
    let files = reports.len();
    let _ = writeln!(
        out,
        "{files} file{} linted{}: {errors} error{}, {warnings} warning{}, {infos} info{}",
        plural(files),
        types_summary(reports),
        plural(errors),
        plural(warnings),
        plural(infos),
    );
    if unparsable > 0 {
        let _ = writeln!(out, "{unparsable} file{} did not parse", plural(unparsable));
    }
    out
}

fn types_summary(reports: &[FileReport]) -> String {
    let mut types: Vec<&str> = reports
        .iter()
        .filter_map(|r| r.policy_type.map(PolicyType::as_str))
        .collect();
    types.sort_unstable();
    types.dedup();
    if types.is_empty() {
        String::new()
    } else {
        format!(" (as {})", types.join(", "))
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "the document"
    } else {
        path
    }
}

/// The stable JSON shape, documented in `docs/lint.md`.
fn render_json(reports: &[FileReport]) -> Value {
    let files: Vec<Value> = reports
        .iter()
        .map(|report| {
            let (findings, parse_error) = match &report.outcome {
                Ok(findings) => (findings.iter().map(finding_json).collect(), Value::Null),
                Err(error) => (
                    Vec::new(),
                    json!({
                        "code": error.kind().code(),
                        "message": error.message(),
                        "path": error.path(),
                        "line": error.line(),
                        "column": error.column(),
                        "help": error.help_text(),
                    }),
                ),
            };
            json!({
                "file": report.path.display().to_string(),
                "policy_type": report.policy_type.map(PolicyType::as_str),
                "parse_error": parse_error,
                "findings": findings,
            })
        })
        .collect();
    json!({ "schema_version": 1, "files": files })
}

fn finding_json(finding: &Finding) -> Value {
    json!({
        "code": finding.code.as_str(),
        "severity": finding.severity.as_str(),
        "message": finding.message,
        "path": finding.path,
        "line": finding.span.line,
        "column": finding.span.column,
        "help": finding.help,
    })
}

fn render_sarif(reports: &[FileReport]) -> Value {
    let rules: Vec<sarif::Rule> = LintCode::ALL
        .iter()
        .map(|code| sarif::Rule {
            id: code.as_str().to_owned(),
            summary: code.summary().to_owned(),
            level: code.severity().into(),
        })
        .chain(std::iter::once(sarif::Rule {
            id: "parse".to_owned(),
            summary: "the document is not a valid IAM policy".to_owned(),
            level: sarif::Level::Error,
        }))
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let uri = sarif::file_uri(&report.path);
        match &report.outcome {
            Ok(findings) => results.extend(findings.iter().map(|finding| sarif::Result {
                rule_id: finding.code.as_str().to_owned(),
                level: finding.severity.into(),
                message: match &finding.help {
                    Some(help) => format!("{} (help: {help})", finding.message),
                    None => finding.message.clone(),
                },
                uri: uri.clone(),
                line: finding.span.line,
                column: finding.span.column,
                logical_path: finding.path.clone(),
            })),
            Err(error) => results.push(sarif::Result {
                rule_id: "parse".to_owned(),
                level: sarif::Level::Error,
                message: error.message().to_owned(),
                uri,
                line: error.line(),
                column: error.column(),
                logical_path: error.path().to_owned(),
            }),
        }
    }
    sarif::log("iamwatch lint", &rules, &results)
}

impl From<Severity> for sarif::Level {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Error => sarif::Level::Error,
            Severity::Warning => sarif::Level::Warning,
            Severity::Info => sarif::Level::Note,
        }
    }
}
