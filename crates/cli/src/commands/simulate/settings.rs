//! The flags of `iamwatch simulate`, validated: policies parsed, principal and resources typed,
//! context keys read. Evaluation works on these settings only.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use iamwatch_policy::arn::Arn;
use iamwatch_policy::context::{
    ContextValue, PrincipalIdentity, Request, RequestContext, RequestPrincipal, RequestResource,
};
use iamwatch_policy::eval::{
    CompiledPolicySet, NamedPolicy, PolicySet, ResourcePolicy, ResourcePolicyKind,
};
use iamwatch_policy::explain::Explanation;
use miette::Diagnostic as _;

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
        let principal = principal(args)?;

        let actions = request::actions(&args.actions, args.actions_from.as_deref(), &mut warnings)?;
        let resources = resources(args)?;
        let context = request::context(&args.context, &mut warnings)?;

        let identity = args
            .identity_policies
            .iter()
            .map(|text| PolicySource::parse(text).load())
            .collect::<anyhow::Result<Vec<_>>>()?;
        let permissions_boundary = args
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
        if has_identity_side
            && identity.is_empty()
            && !args.no_identity_policies
            && !candidates_are_identity
        {
            bail!(
                "the store is not built yet, so iamwatch cannot look up the policies of `{}`\n  \
                 help: pass them with --identity-policy FILE|ARN (and --boundary, \
                 --session-policy), or --no-identity-policies to simulate a principal that has \
                 none",
                args.principal
            );
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
        let scps = args
            .scp_tree
            .as_deref()
            .map(|path| policies::load_tree(path, TreeKind::Scp, &mut warnings))
            .transpose()?;
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
        })
    }

    /// Every request of the matrix against the policies of the flags.
    pub(super) fn simulate(&self) -> anyhow::Result<Vec<Evaluated<'_>>> {
        self.evaluate(&self.policies)
    }

    /// Every request of the matrix (each action on each resource, actions first) against `set`.
    pub(super) fn evaluate(&self, set: &PolicySet) -> anyhow::Result<Vec<Evaluated<'_>>> {
        // One compiled set per kind of resource policy the resources need (at most three).
        let mut compiled: Vec<(ResourcePolicyKind, CompiledPolicySet)> = Vec::new();
        let mut kinds = Vec::with_capacity(self.resources.len());
        for resource in &self.resources {
            let kind = self.resource_policy_kind_for(&resource.arn);
            kinds.push(kind);
            if !compiled.iter().any(|(known, _)| *known == kind) {
                let mut set = set.clone();
                if let Some(resource) = &mut set.resource {
                    resource.kind = kind;
                }
                compiled.push((kind, CompiledPolicySet::compile(&set)));
            }
        }
        let mut out = Vec::with_capacity(self.actions.len() * self.resources.len());
        for action in &self.actions {
            for (resource, kind) in self.resources.iter().zip(&kinds) {
                let Some((_, policies)) = compiled.iter().find(|(known, _)| known == kind) else {
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
    fn resource_policy_kind_for(&self, arn: &str) -> ResourcePolicyKind {
        if self.policies.resource.is_none() {
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
