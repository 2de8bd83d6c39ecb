//! The flags of `iamwatch simulate`, validated: policies parsed, principal and resources typed,
//! context keys read. Evaluation works on these settings only.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use iamwatch_policy::arn::Arn;
use iamwatch_policy::context::{
    ContextValue, PrincipalIdentity, Request, RequestContext, RequestPrincipal, RequestResource,
};
use iamwatch_policy::eval::{
    CompiledPolicySet, NamedPolicy, OrgPolicyTree, PolicySet, ResourcePolicy, ResourcePolicyKind,
};
use iamwatch_policy::explain::Explanation;
use miette::Diagnostic as _;

use super::from_store;
use super::policies::{self, PolicySource, TreeKind};
use super::request::{self, ActionName};
use super::{CompareAs, Format, ResourcePolicyKindArg, SimulateArgs};

/// What to do with the requests.
#[derive(Debug)]
pub(super) enum Mode {
    /// Evaluate every request and explain each decision.
    Simulate,
    /// Evaluate every request under two candidate policies and report the differences.
    Compare(Box<Candidates>),
}

/// The two policies of `--compare` and how they are used.
#[derive(Debug)]
pub(super) struct Candidates {
    pub(super) old: NamedPolicy,
    pub(super) new: NamedPolicy,
    pub(super) as_: CompareAs,
}

impl CompareAs {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            CompareAs::Identity => "identity",
            CompareAs::Session => "session",
        }
    }
}

#[derive(Debug)]
pub(super) struct Settings {
    /// The principal as the user wrote it.
    pub(super) principal_text: String,
    pub(super) principal: RequestPrincipal,
    pub(super) actions: Vec<ActionName>,
    pub(super) resources: Vec<RequestResource>,
    pub(super) context: BTreeMap<String, ContextValue>,
    /// Every policy from the flags; the resource policy's kind is set per resource when
    /// `resource_policy_kind` is `None` (auto).
    pub(super) policies: PolicySet,
    resource_policy_kind: Option<ResourcePolicyKind>,
    pub(super) mode: Mode,
    pub(super) format: Format,
    pub(super) exit_zero: bool,
    /// Things the user should know that do not stop the simulation.
    pub(super) warnings: Vec<String>,
    /// Where the policies came from, when not only from the flags.
    pub(super) notes: Vec<String>,
    /// Per resource, the resource policy and RCPs the store has for it (when the flags give
    /// none): they replace `policies.resource` and `policies.rcps` for that resource.
    store_resources: Vec<StoreResource>,
}

/// What the store says about one resource of the matrix.
#[derive(Debug, Default)]
struct StoreResource {
    resource: Option<Option<ResourcePolicy>>,
    rcps: Option<Option<OrgPolicyTree>>,
}

/// One request of the matrix and what the engine said about it.
#[derive(Debug)]
pub(super) struct Evaluated<'a> {
    pub(super) action: &'a ActionName,
    pub(super) resource: &'a str,
    pub(super) explanation: Explanation,
}

impl Evaluated<'_> {
    pub(super) fn allowed(&self) -> bool {
        self.explanation.decision.is_allowed()
    }
}

impl Settings {
    pub(super) fn from_args(args: &SimulateArgs) -> anyhow::Result<Settings> {
        let mut warnings = Vec::new();
        let mut principal = principal(args)?;

        let actions = request::actions(&args.actions, args.actions_from.as_deref(), &mut warnings)?;
        let mut resources = resources(args)?;
        let context = request::context(&args.context, &mut warnings)?;

        let mut identity = args
            .identity_policies
            .iter()
            .map(|text| PolicySource::parse(text).load())
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut permissions_boundary = args
            .boundary
            .as_deref()
            .map(|text| PolicySource::parse(text).load())
            .transpose()?;

        let mode = match &args.compare {
            Some(pair) => {
                let [old, new] = pair.as_slice() else {
                    bail!("--compare takes two policies, OLD and NEW");
                };
                Mode::Compare(Box::new(Candidates {
                    old: PolicySource::parse(old).load()?,
                    new: PolicySource::parse(new).load()?,
                    as_: args.compare_as,
                }))
            }
            None => Mode::Simulate,
        };

        let session = session_policies(args, &mode)?;

        let has_identity_side = matches!(
            principal.identity,
            PrincipalIdentity::User { .. }
                | PrincipalIdentity::Role { .. }
                | PrincipalIdentity::AssumedRole { .. }
                | PrincipalIdentity::FederatedUser { .. }
        );
        let candidates_are_identity = matches!(
            &mode,
            Mode::Compare(candidates) if candidates.as_ == CompareAs::Identity
        );
        let mut notes = Vec::new();
        let mut store_resources = Vec::new();
        let mut store_scps = None;
        if has_identity_side
            && identity.is_empty()
            && !args.no_identity_policies
            && !candidates_are_identity
        {
            let found = from_store::lookup(&args.db, &args.principal, &principal, &resources)?;
            identity = found.set.identity;
            if permissions_boundary.is_none() {
                permissions_boundary = found.set.permissions_boundary;
            }
            store_scps = Some(found.set.scps);
            merge_principal(&mut principal, found.principal, args);
            for (resource, known) in resources.iter_mut().zip(found.resources) {
                merge_resource(resource, known, args);
            }
            store_resources = found
                .per_resource
                .into_iter()
                .map(|(resource, rcps)| StoreResource {
                    resource: args.resource_policy.is_none().then_some(resource),
                    rcps: args.rcp_tree.is_none().then_some(rcps),
                })
                .collect();
            notes.push(found.source);
            warnings.extend(found.issues);
        }
        let has_session = !session.is_empty()
            || matches!(
                &mode,
                Mode::Compare(candidates) if candidates.as_ == CompareAs::Session
            );
        if has_session
            && !matches!(
                principal.identity,
                PrincipalIdentity::Role { .. }
                    | PrincipalIdentity::AssumedRole { .. }
                    | PrincipalIdentity::FederatedUser { .. }
            )
        {
            warnings.push(format!(
                "session policies limit role sessions and federated-user sessions; `{}` is \
                 neither, so no real request of it carries one (they are applied anyway)",
                args.principal
            ));
        }

        let resource = args
            .resource_policy
            .as_deref()
            .map(policies::load_file)
            .transpose()?
            .map(|policy| ResourcePolicy {
                kind: ResourcePolicyKind::Generic,
                policy,
            });
        let mut scps = args
            .scp_tree
            .as_deref()
            .map(|path| policies::load_tree(path, TreeKind::Scp, &mut warnings))
            .transpose()?;
        if scps.is_none() {
            scps = store_scps.flatten();
        }
        let rcps = args
            .rcp_tree
            .as_deref()
            .map(|path| policies::load_tree(path, TreeKind::Rcp, &mut warnings))
            .transpose()?;
        let vpc_endpoint = args
            .vpc_endpoint_policy
            .as_deref()
            .map(policies::load_file)
            .transpose()?;

        let resource_policy_kind = match args.resource_policy_kind {
            ResourcePolicyKindArg::Auto => None,
            ResourcePolicyKindArg::Generic => Some(ResourcePolicyKind::Generic),
            ResourcePolicyKindArg::RoleTrust => Some(ResourcePolicyKind::RoleTrust),
            ResourcePolicyKindArg::KmsKey => Some(ResourcePolicyKind::KmsKey),
        };

        Ok(Settings {
            principal_text: args.principal.clone(),
            principal,
            actions,
            resources,
            context,
            policies: PolicySet {
                identity,
                permissions_boundary,
                session,
                resource,
                scps,
                rcps,
                vpc_endpoint,
            },
            resource_policy_kind,
            mode,
            format: args.format,
            exit_zero: args.exit_zero,
            warnings,
            notes,
            store_resources,
        })
    }

    /// Every request of the matrix against the policies of the flags.
    pub(super) fn simulate(&self) -> anyhow::Result<Vec<Evaluated<'_>>> {
        self.evaluate(&self.policies)
    }

    /// Every request of the matrix (each action on each resource, actions first) against `set`.
    pub(super) fn evaluate(&self, set: &PolicySet) -> anyhow::Result<Vec<Evaluated<'_>>> {
        // One compiled set per kind of resource policy the resources need (at most three), or
        // per resource when the store gives each its own resource policy and RCPs.
        let mut compiled: Vec<(CompileKey, CompiledPolicySet)> = Vec::new();
        let mut keys = Vec::with_capacity(self.resources.len());
        for (index, resource) in self.resources.iter().enumerate() {
            let store = self.store_resources.get(index);
            let mut set = set.clone();
            if let Some(StoreResource { resource, rcps }) = store {
                if let Some(resource) = resource {
                    set.resource.clone_from(resource);
                }
                if let Some(rcps) = rcps {
                    set.rcps.clone_from(rcps);
                }
            }
            let kind = self.resource_policy_kind_for(&set, &resource.arn);
            let key = CompileKey {
                kind,
                resource: store.map(|_| index),
            };
            keys.push(key);
            if !compiled.iter().any(|(known, _)| *known == key) {
                if let Some(resource) = &mut set.resource {
                    resource.kind = kind;
                }
                compiled.push((key, CompiledPolicySet::compile(&set)));
            }
        }
        let mut out = Vec::with_capacity(self.actions.len() * self.resources.len());
        for action in &self.actions {
            for (resource, key) in self.resources.iter().zip(&keys) {
                let Some((_, policies)) = compiled.iter().find(|(known, _)| known == key) else {
                    continue;
                };
                let request = Request {
                    principal: self.principal.clone(),
                    action: action.name.clone(),
                    resource: resource.clone(),
                    context: self.context.clone(),
                };
                let ctx = RequestContext::new(request).map_err(|error| anyhow!("{error}"))?;
                out.push(Evaluated {
                    action,
                    resource: &resource.arn,
                    explanation: policies.evaluate_explained(&ctx),
                });
            }
        }
        Ok(out)
    }

    /// The kind of the resource policy for a resource: as given, or from the resource ARN.
    fn resource_policy_kind_for(&self, set: &PolicySet, arn: &str) -> ResourcePolicyKind {
        if set.resource.is_none() {
            return ResourcePolicyKind::Generic;
        }
        self.resource_policy_kind
            .unwrap_or_else(|| match Arn::parse(arn) {
                Ok(arn) if arn.service == "iam" && arn.resource_type() == "role" => {
                    ResourcePolicyKind::RoleTrust
                }
                Ok(arn) if arn.service == "kms" && arn.resource_type() == "key" => {
                    ResourcePolicyKind::KmsKey
                }
                _ => ResourcePolicyKind::Generic,
            })
    }
}

/// Which compiled policy set a resource uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CompileKey {
    kind: ResourcePolicyKind,
    /// The resource's index when the store gave it its own policies.
    resource: Option<usize>,
}

/// The store's knowledge of the principal fills what the flags left out.
fn merge_principal(principal: &mut RequestPrincipal, known: RequestPrincipal, args: &SimulateArgs) {
    principal.account = principal.account.take().or(known.account);
    if args.principal_org_id.is_none() {
        principal.org_id = known.org_id;
    }
    if args.principal_org_paths.is_empty() {
        principal.org_paths = known.org_paths;
    }
    if args.principal_tags.is_empty() {
        principal.tags = known.tags;
    }
    principal.in_management_account |= known.in_management_account;
    principal.unique_id = principal.unique_id.take().or(known.unique_id);
    principal.service_linked_role = principal.service_linked_role.or(known.service_linked_role);
}

/// The store's knowledge of a resource (owner, organization, tags) fills what the flags left out.
fn merge_resource(resource: &mut RequestResource, known: RequestResource, args: &SimulateArgs) {
    if args.resource_account.is_none() {
        resource.account = known.account;
    }
    if args.resource_org_id.is_none() {
        resource.org_id = known.org_id;
    }
    if args.resource_org_paths.is_empty() {
        resource.org_paths = known.org_paths;
    }
    if args.resource_tags.is_empty() {
        resource.tags = known.tags;
    }
    resource.in_management_account |= known.in_management_account;
}

fn principal(args: &SimulateArgs) -> anyhow::Result<RequestPrincipal> {
    let mut principal = RequestPrincipal::parse(&args.principal).map_err(|error| {
        let help = error
            .help()
            .map(|help| format!("\n  help: {help}"))
            .unwrap_or_default();
        anyhow!("--principal: {error}{help}")
    })?;
    principal.org_id = args
        .principal_org_id
        .as_deref()
        .map(|text| request::org_id("--principal-org-id", text))
        .transpose()?;
    principal.org_paths = args
        .principal_org_paths
        .iter()
        .map(|text| request::org_path("--principal-org-path", text))
        .collect::<anyhow::Result<_>>()?;
    principal.tags = request::tags("--principal-tag", &args.principal_tags)?;
    principal.in_management_account = args.management_account;
    Ok(principal)
}

fn resources(args: &SimulateArgs) -> anyhow::Result<Vec<RequestResource>> {
    let account = args
        .resource_account
        .as_deref()
        .map(|text| request::account_id("--resource-account", text))
        .transpose()?;
    let org_id = args
        .resource_org_id
        .as_deref()
        .map(|text| request::org_id("--resource-org-id", text))
        .transpose()?;
    let org_paths = args
        .resource_org_paths
        .iter()
        .map(|text| request::org_path("--resource-org-path", text))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let tags = request::tags("--resource-tag", &args.resource_tags)?;
    let written: Vec<&str> = if args.resources.is_empty() {
        vec!["*"]
    } else {
        args.resources.iter().map(String::as_str).collect()
    };
    let mut out: Vec<RequestResource> = Vec::with_capacity(written.len());
    for text in written {
        let arn = request::resource_arn(text)?;
        if out.iter().any(|seen| seen.arn == arn) {
            continue;
        }
        let mut resource = RequestResource::new(arn);
        resource.account.clone_from(&account);
        resource.org_id.clone_from(&org_id);
        resource.org_paths.clone_from(&org_paths);
        resource.tags.clone_from(&tags);
        resource.in_management_account = args.resource_in_management_account;
        resource.aws_managed_kms_key = args.aws_managed_kms_key;
        out.push(resource);
    }
    Ok(out)
}

/// The session policies of `--session-policy`, checked against what STS accepts: one inline
/// policy, up to 10 managed policy ARNs, 2,048 characters in all. With `--compare-as session`
/// each candidate is the inline policy, checked with the managed ARNs.
fn session_policies(args: &SimulateArgs, mode: &Mode) -> anyhow::Result<Vec<NamedPolicy>> {
    let sources: Vec<PolicySource> = args
        .session_policies
        .iter()
        .map(|text| PolicySource::parse(text))
        .collect();
    let files = sources
        .iter()
        .filter(|source| matches!(source, PolicySource::File(_)))
        .count();
    let managed_arns: Vec<String> = sources
        .iter()
        .filter_map(|source| match source {
            PolicySource::Arn(arn) => Some(arn.clone()),
            PolicySource::File(_) => None,
        })
        .collect();
    let candidates = match mode {
        Mode::Compare(candidates) if candidates.as_ == CompareAs::Session => Some(candidates),
        _ => None,
    };
    if candidates.is_some() && files > 0 {
        bail!(
            "with --compare-as session the candidates are the inline session policy; pass other \
             session policies by managed policy ARN only"
        );
    }
    if files > 1 {
        bail!(
            "{files} inline session policies; STS takes one inline session policy (`Policy`) and \
             up to 10 managed policy ARNs (`PolicyArns`)\n  help: merge the files into one \
             document"
        );
    }
    let loaded = sources
        .iter()
        .map(PolicySource::load)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let inline = sources
        .iter()
        .zip(&loaded)
        .find(|(source, _)| matches!(source, PolicySource::File(_)))
        .map(|(_, policy)| policy);
    match candidates {
        Some(candidates) => {
            for candidate in [&candidates.old, &candidates.new] {
                policies::check_session_size(Some(candidate), &managed_arns)?;
            }
        }
        None if !loaded.is_empty() => policies::check_session_size(inline, &managed_arns)?,
        None => {}
    }
    Ok(loaded)
}
