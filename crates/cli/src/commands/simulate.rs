//! `iamwatch simulate`: evaluate requests against a principal's policies, offline, with the
//! reasons for each decision.
//!
//! Flags are read in two stages: [`SimulateArgs`] holds what clap parsed, [`settings`] turns it
//! into validated [`settings::Settings`] (policies parsed, principal and resources typed,
//! context keys read), and the evaluation and rendering work on the settings only.

mod compare;
mod from_store;
mod policies;
mod render;
mod request;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use self::settings::{Mode, Settings};
use crate::output::{emit, pretty_json};

/// Evaluate requests against IAM policies, offline, and explain each decision.
///
/// Every request of the matrix (each --action on each --resource) is evaluated with AWS's
/// policy evaluation logic: SCPs, RCPs, the VPC endpoint policy, the resource-based policy,
/// identity-based policies, the permissions boundary and session policies. The answer names the
/// gate that decided, the statements that matched (policy, statement index, Sid), what each
/// gate said and the context keys that conditions asked for but the request did not carry.
///
/// Policies come from the flags (files, or AWS managed policy ARNs from the bundled catalog), or,
/// when `--principal` is an IAM user, role or role session and no `--identity-policy` is given,
/// from the store (`--db`): its identity policies and its groups', its permissions boundary, the
/// SCPs over its account, and each resource's policy and RCPs, as last imported or collected.
/// Flags given beside the store (`--boundary`, `--scp-tree`, `--resource-policy`, ...) replace
/// what the store has.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct SimulateArgs {
    /// The principal making the request: an IAM user, role or root ARN, an STS assumed-role or
    /// federated-user ARN, a 12-digit account ID (the root user), a service principal
    /// (`lambda.amazonaws.com`) or `anonymous`.
    #[arg(long, value_name = "ARN")]
    principal: String,

    /// An action to simulate, `service:Action` (repeatable). A wildcard (`s3:Get*`) stands for
    /// every action of the bundled service reference that it matches.
    #[arg(long = "action", value_name = "ACTION")]
    actions: Vec<String>,

    /// A file of actions: one per line (`#` starts a comment), or a JSON list of strings.
    #[arg(long, value_name = "FILE")]
    actions_from: Option<PathBuf>,

    /// A resource ARN (repeatable; default `*`). Every action is evaluated on every resource.
    #[arg(long = "resource", value_name = "ARN")]
    resources: Vec<String>,

    /// An identity-based policy of the principal (repeatable): a JSON file, plain or
    /// URL-encoded, or an AWS managed policy ARN (`arn:aws:iam::aws:policy/ReadOnlyAccess`),
    /// read from the bundled catalog. Without it, a user's or role's policies come from the
    /// store.
    #[arg(long = "identity-policy", value_name = "FILE|ARN")]
    identity_policies: Vec<String>,

    /// Simulate a principal without identity-based policies (instead of looking them up).
    #[arg(long, conflicts_with = "identity_policies")]
    no_identity_policies: bool,

    /// The principal's permissions boundary: a file or an AWS managed policy ARN.
    #[arg(long, value_name = "FILE|ARN")]
    boundary: Option<String>,

    /// A session policy, as passed to `sts:AssumeRole` (repeatable): at most one file (the
    /// inline `Policy`) and up to 10 AWS managed policy ARNs (`PolicyArns`). The request is then
    /// made by the scoped-down session.
    #[arg(long = "session-policy", value_name = "FILE|ARN")]
    session_policies: Vec<String>,

    /// The resource-based policy of the resource: a bucket, queue, topic or key policy, or a
    /// role's trust policy.
    #[arg(long, value_name = "FILE")]
    resource_policy: Option<PathBuf>,

    /// What kind of resource-based policy --resource-policy is. `auto` reads it as a role trust
    /// policy when the resource is an IAM role, as a key policy when it is a KMS key, and as a
    /// generic resource policy otherwise.
    #[arg(
        long,
        value_enum,
        value_name = "KIND",
        default_value_t = ResourcePolicyKindArg::Auto,
        requires = "resource_policy"
    )]
    resource_policy_kind: ResourcePolicyKindArg,

    /// The SCPs on the path from the organization root to the principal's account (see
    /// docs/simulate.md for the file format).
    #[arg(long, value_name = "FILE")]
    scp_tree: Option<PathBuf>,

    /// The RCPs on the path from the organization root to the resource's account (same format
    /// as --scp-tree).
    #[arg(long, value_name = "FILE")]
    rcp_tree: Option<PathBuf>,

    /// The policy of the VPC endpoint the request goes through.
    #[arg(long, value_name = "FILE")]
    vpc_endpoint_policy: Option<PathBuf>,

    /// A request context key (repeatable): `key=value`, a multivalued key as `key=[a,b]` (the
    /// empty set as `key=[]`), or as a JSON list when values hold commas: `key=["a,b","c"]`.
    /// Keys that the service reference types as multivalued (`aws:TagKeys`) take `key=value`
    /// as a one-value set.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,

    /// The account that owns the resource (default: the account in the resource ARN, else the
    /// principal's account, as for S3 buckets).
    #[arg(long, value_name = "ACCOUNT_ID")]
    resource_account: Option<String>,

    /// The organization of the principal's account (sets `aws:PrincipalOrgID`).
    #[arg(long, value_name = "ORG_ID")]
    principal_org_id: Option<String>,

    /// An organization path of the principal's account, `o-id/r-id/ou-id/` (repeatable; sets
    /// `aws:PrincipalOrgPaths`).
    #[arg(long = "principal-org-path", value_name = "PATH")]
    principal_org_paths: Vec<String>,

    /// A tag of the principal, `key=value` (repeatable; sets `aws:PrincipalTag/key`).
    #[arg(long = "principal-tag", value_name = "KEY=VALUE")]
    principal_tags: Vec<String>,

    /// The principal belongs to the organization's management account, which SCPs do not
    /// affect.
    #[arg(long)]
    management_account: bool,

    /// The organization of the resource's account (sets `aws:ResourceOrgID`).
    #[arg(long, value_name = "ORG_ID")]
    resource_org_id: Option<String>,

    /// An organization path of the resource's account (repeatable; sets
    /// `aws:ResourceOrgPaths`).
    #[arg(long = "resource-org-path", value_name = "PATH")]
    resource_org_paths: Vec<String>,

    /// A tag of the resource, `key=value` (repeatable; sets `aws:ResourceTag/key`).
    #[arg(long = "resource-tag", value_name = "KEY=VALUE")]
    resource_tags: Vec<String>,

    /// The resource belongs to the organization's management account, which RCPs do not affect.
    #[arg(long)]
    resource_in_management_account: bool,

    /// The resource is an AWS managed KMS key (`alias/aws/...`), which RCPs do not affect.
    #[arg(long)]
    aws_managed_kms_key: bool,

    /// Compare two candidate policies instead: list the requests whose decision differs
    /// between OLD and NEW (files or AWS managed policy ARNs).
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    compare: Option<Vec<String>>,

    /// How --compare uses the candidates: as one more identity-based policy next to
    /// --identity-policy, or as the inline session policy over the other flags' policies.
    #[arg(
        long,
        value_enum,
        value_name = "HOW",
        default_value_t = CompareAs::Identity,
        requires = "compare"
    )]
    compare_as: CompareAs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Exit with 0 even when a request is denied (or, with --compare, a decision changes); bad
    /// input still exits with 2.
    #[arg(long)]
    exit_zero: bool,

    /// The store to look the principal's policies up in (when no --identity-policy is given).
    #[command(flatten)]
    db: crate::commands::query::DbArgs,
}

const AFTER_HELP: &str = "\
Examples:
  # Can the role read the object?
  iamwatch simulate --principal arn:aws:iam::111122223333:role/app \\
    --identity-policy app.json --action s3:GetObject --resource arn:aws:s3:::bucket/key

  # The same through the organization's SCPs, from an office address
  iamwatch simulate --principal arn:aws:iam::111122223333:role/app --identity-policy app.json \\
    --scp-tree examples/simulate/scp-tree.json --context aws:SourceIp=203.0.113.5 \\
    --action s3:GetObject --action s3:DeleteObject --resource arn:aws:s3:::bucket/key

  # An AWS managed policy, scoped down by a session policy
  iamwatch simulate --principal arn:aws:sts::111122223333:assumed-role/app/ci \\
    --identity-policy arn:aws:iam::aws:policy/ReadOnlyAccess --session-policy scope.json \\
    --action 's3:Get*' --resource arn:aws:s3:::bucket/key --format json

  # What changes if the role's policy is replaced by a narrower one?
  iamwatch simulate --principal arn:aws:iam::111122223333:role/app \\
    --compare old.json new.json --actions-from used-actions.txt --resource arn:aws:s3:::bucket/key

Context values: key=value; multivalued key=[a,b], key=[] or key=[\"a,b\",\"c\"].
The file formats and the JSON output are described in docs/simulate.md.

Exit codes: 0 every request allowed (with --compare: no decision changed); 1 some request
denied (with --compare: some decision changed), unless --exit-zero; 2 bad input (unreadable
file, policy that does not parse, bad ARN or context syntax).";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ResourcePolicyKindArg {
    /// From the resource ARN: IAM role → role-trust, KMS key → kms-key, else generic.
    Auto,
    /// A bucket, queue, topic, function, secret or other resource policy.
    Generic,
    /// An IAM role trust policy (for `sts:AssumeRole*`).
    RoleTrust,
    /// An AWS KMS key policy.
    KmsKey,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CompareAs {
    /// Each candidate is one more identity-based policy of the principal.
    Identity,
    /// Each candidate is the inline session policy of the principal's session.
    Session,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: &SimulateArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::from_args(args)?;
    for note in &settings.notes {
        eprintln!("note: {note}");
    }
    for warning in &settings.warnings {
        eprintln!("warning: {warning}");
    }
    let failed = match &settings.mode {
        Mode::Simulate => {
            let results = settings.simulate()?;
            emit(&match settings.format {
                Format::Text => render::text(&settings, &results),
                Format::Json => pretty_json(&render::json(&settings, &results))?,
            })?;
            results.iter().any(|result| !result.allowed())
        }
        Mode::Compare(candidates) => {
            let changes = compare::run(&settings, candidates)?;
            emit(&match settings.format {
                Format::Text => compare::text(&settings, candidates, &changes),
                Format::Json => pretty_json(&compare::json(&settings, candidates, &changes))?,
            })?;
            changes.iter().any(compare::Change::differs)
        }
    };
    Ok(if failed && !settings.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
