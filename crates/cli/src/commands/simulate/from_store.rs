//! The principal's policies looked up in the store: when `--principal` names an IAM user, role
//! or role session and no `--identity-policy` is given, its identity policies (with its groups'),
//! permissions boundary and SCPs, and each resource's policy and RCPs, come from the store's
//! latest state (the model's `Join`, as `audit` uses it).

use anyhow::{anyhow, bail};
use iamwatch_model::{Arn, Inventory, Join, Payload};
use iamwatch_policy::context::{PrincipalIdentity, RequestPrincipal, RequestResource};
use iamwatch_policy::eval::{OrgPolicyTree, PolicySet, ResourcePolicy};
use iamwatch_store::LoadFilter;

use crate::commands::query::{DbArgs, diagnostic_text};

/// What the store gave.
#[derive(Debug)]
pub(super) struct StorePolicies {
    /// Identity policies, permissions boundary and SCPs of the principal.
    pub(super) set: PolicySet,
    /// The principal as the inventory knows it (account, organization, tags, unique ID).
    pub(super) principal: RequestPrincipal,
    /// Per resource (in the order given): its resource policy and the RCPs over its owner.
    pub(super) per_resource: Vec<(Option<ResourcePolicy>, Option<OrgPolicyTree>)>,
    /// Per resource: the owner, organization and tags the inventory knows.
    pub(super) resources: Vec<RequestResource>,
    /// Where the policies came from (the store, the snapshot's time).
    pub(super) source: String,
    /// Policies the join had to leave out.
    pub(super) issues: Vec<String>,
}

/// The IAM user or role ARN to look up for a principal; `None` when the principal has no
/// policies of its own in IAM (root, services, anonymous, federated users).
fn iam_arn(identity: &PrincipalIdentity) -> Option<String> {
    match identity {
        PrincipalIdentity::User { arn } | PrincipalIdentity::Role { arn } => Some(arn.clone()),
        PrincipalIdentity::AssumedRole {
            session_arn,
            role_arn,
        } => Some(role_arn.clone().unwrap_or_else(|| session_arn.clone())),
        _ => None,
    }
}

/// Resolves a role session ARN (`arn:aws:sts::ACCT:assumed-role/NAME/SESSION`) to the role's
/// IAM ARN, path included, from the inventory.
fn role_of_session(inventory: &Inventory, session_arn: &str) -> Option<String> {
    let arn = Arn::parse(session_arn).ok()?;
    let name = arn.resource().split('/').nth(1)?;
    let account = arn.account()?;
    inventory
        .account(&account)?
        .iam
        .as_ref()?
        .roles
        .iter()
        .find(|role| role.name == name)
        .map(|role| role.arn.to_string())
}

/// Only the accounts the requests involve (and the organization), so that one simulation does
/// not decode a whole organization's store: the principal's account and each resource's. A
/// resource ARN without an account (an S3 bucket) may belong to any account: then all load.
fn accounts_to_load(principal_arn: &str, resources: &[RequestResource]) -> LoadFilter {
    let mut accounts = Vec::new();
    for arn in std::iter::once(principal_arn).chain(resources.iter().map(|r| r.arn.as_str())) {
        if arn == "*" {
            continue;
        }
        match Arn::parse(arn).ok().and_then(|arn| arn.account()) {
            Some(account) => accounts.push(account.to_string()),
            None => return LoadFilter::default(),
        }
    }
    accounts.sort();
    accounts.dedup();
    LoadFilter {
        accounts,
        with_organizations: true,
        as_of: None,
    }
}

pub(super) fn lookup(
    db: &DbArgs,
    principal_text: &str,
    principal: &RequestPrincipal,
    resources: &[RequestResource],
) -> anyhow::Result<StorePolicies> {
    let Some(wanted) = iam_arn(&principal.identity) else {
        bail!(
            "`{principal_text}` has no identity-based policies in IAM to look up\n  help: pass \
             policies with --identity-policy FILE|ARN, or --no-identity-policies"
        );
    };
    let flags_help = "pass the principal's policies with --identity-policy FILE|ARN (and \
                      --boundary, --scp-tree), or --no-identity-policies to simulate a principal \
                      that has none";
    if !db.db.exists() {
        bail!(
            "no --identity-policy was given, so iamwatch looks up `{principal_text}` in the store, \
             and there is no store at `{}`\n  help: import the account first (`iamwatch import \
             gaad.json`), point --db at the store, or {flags_help}",
            db.db.display()
        );
    }
    let store = db.open_read_only()?;
    let snapshots = store
        .reader()
        .load_snapshots(&accounts_to_load(&wanted, resources))
        .map_err(|error| anyhow!(diagnostic_text(&error)))?;
    let taken_at = Arn::parse(&wanted)
        .ok()
        .and_then(|arn| arn.account())
        .and_then(|account| {
            snapshots
                .iter()
                .find_map(|snapshot| match &snapshot.payload {
                    Payload::Iam(iam) if iam.account_id == account => Some(snapshot.taken_at),
                    _ => None,
                })
        });
    let inventory = Inventory::from_snapshots(snapshots);
    let wanted = match &principal.identity {
        PrincipalIdentity::AssumedRole {
            session_arn,
            role_arn: None,
        } => role_of_session(&inventory, session_arn).ok_or_else(|| {
            anyhow!(
                "the store `{}` has no role for the session `{session_arn}`\n  help: {flags_help}",
                db.db.display()
            )
        })?,
        _ => wanted,
    };
    let mut join = Join::new(&inventory);
    let own = join.policy_set(&wanted, None).map_err(|error| {
        anyhow!(
            "{} (store `{}`)\n  help: {flags_help}",
            diagnostic_text(&error),
            db.db.display()
        )
    })?;
    let account = own.principal.account.clone().unwrap_or_default();
    let account_id = iamwatch_model::AccountId::parse(&account)
        .map_err(|error| anyhow!("the store's principal `{wanted}`: {error}"))?;
    let source = format!(
        "policies of `{wanted}` from the store `{}`{}",
        db.db.display(),
        taken_at
            .map(|at| format!(" (IAM state taken at {at})"))
            .unwrap_or_default()
    );
    let mut issues: Vec<String> = own
        .issues
        .iter()
        .map(|issue| diagnostic_text(issue))
        .collect();
    let mut per_resource = Vec::with_capacity(resources.len());
    let mut known_resources = Vec::with_capacity(resources.len());
    for resource in resources {
        if resource.arn == "*" {
            per_resource.push((None, None));
            known_resources.push(resource.clone());
            continue;
        }
        let joined = join
            .policy_set(&wanted, Some(&resource.arn))
            .map_err(|error| {
                anyhow!("{} (store `{}`)", diagnostic_text(&error), db.db.display())
            })?;
        for issue in &joined.issues {
            let text = diagnostic_text(issue);
            if !issues.contains(&text) {
                issues.push(text);
            }
        }
        per_resource.push((joined.set.resource, joined.set.rcps));
        known_resources.push(join.request_resource(&resource.arn, &account_id));
    }
    Ok(StorePolicies {
        set: own.set,
        principal: own.principal,
        per_resource,
        resources: known_resources,
        source,
        issues,
    })
}
