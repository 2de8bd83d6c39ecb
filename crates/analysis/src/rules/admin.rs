//! `principal-effective-admin`: asks the evaluation engine, not the policy text, whether a
//! user or role can do everything.
//!
//! For each IAM user (its policies and its groups') and each role that is not service-linked,
//! the probe masks rule out principals that cannot be administrators; for the rest the
//! principal's full policy set is compiled once (identity policies, permissions boundary, the
//! SCPs and RCPs on the path from the organization root to the account) and evaluated for every
//! probe of a tier (see [`crate::probes`]). The requests carry what an interactive
//! administrator's would: MFA present, TLS, region `us-east-1`, the audit's time. The root user
//! is not examined (it is always all-powerful; the root rules cover it).

use iamwatch_model::{AttachedPolicy, OrgPolicyType, PermissionsBoundary, Tag};
use iamwatch_policy::context::{
    PrincipalIdentity, Request, RequestContext, RequestPrincipal, RequestResource,
};
use iamwatch_policy::eval::{CompiledPolicySet, PolicySet};
use iamwatch_policy::explain::{Decision, Gate};

use crate::audit::AccountScope;
use crate::finding::{FindingResource, RawFinding, ResourceKind};
use crate::join::ParsedPolicy;
use crate::probes::ProbeMask;
use crate::rules::RuleId;

/// A principal's identity policies and boundary, with where each identity policy comes from.
struct Principal<'a> {
    identity: Vec<(&'a ParsedPolicy, String)>,
    boundary: Option<&'a ParsedPolicy>,
    resource: FindingResource,
    request: RequestPrincipal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tier {
    Full,
    Iam,
}

pub(crate) fn check(scope: &AccountScope<'_>, out: &mut Vec<RawFinding>) {
    let Some(iam) = scope.inventory.iam.as_ref() else {
        return;
    };
    let policies = scope.policies;
    let managed = |attached: &[AttachedPolicy], via: &str| -> Vec<(&ParsedPolicy, String)> {
        attached
            .iter()
            .filter_map(|a| policies.managed(scope.shared, &a.arn))
            .map(|p| (p.as_ref(), via.to_owned()))
            .collect()
    };
    let boundary = |b: &Option<PermissionsBoundary>| {
        b.as_ref()
            .and_then(|b| policies.managed(scope.shared, &b.arn))
            .map(AsRef::as_ref)
    };
    for (index, user) in iam.users.iter().enumerate() {
        let mut identity: Vec<(&ParsedPolicy, String)> = policies
            .user_inline
            .get(index)
            .into_iter()
            .flatten()
            .flatten()
            .map(|p| (p.as_ref(), "user".to_owned()))
            .collect();
        identity.extend(managed(&user.attached_policies, "user"));
        for group_name in &user.groups {
            let Some(group_index) = iam.groups.iter().position(|g| g.name == *group_name) else {
                continue;
            };
            let via = format!("group/{group_name}");
            identity.extend(
                policies
                    .group_inline
                    .get(group_index)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|p| (p.as_ref(), via.clone())),
            );
            if let Some(group) = iam.groups.get(group_index) {
                identity.extend(managed(&group.attached_policies, &via));
            }
        }
        let mut request = RequestPrincipal::new(PrincipalIdentity::User {
            arn: user.arn.to_string(),
        });
        request.unique_id = Some(user.id.to_string());
        request.tags = tags(&user.tags);
        examine(
            scope,
            Principal {
                identity,
                boundary: boundary(&user.permissions_boundary),
                resource: FindingResource {
                    arn: user.arn.to_string(),
                    kind: ResourceKind::User,
                    name: user.name.clone(),
                },
                request,
            },
            out,
        );
    }
    for (index, role) in iam.roles.iter().enumerate() {
        if role.is_service_linked() {
            continue;
        }
        let mut identity: Vec<(&ParsedPolicy, String)> = policies
            .role_inline
            .get(index)
            .into_iter()
            .flatten()
            .flatten()
            .map(|p| (p.as_ref(), "role".to_owned()))
            .collect();
        identity.extend(managed(&role.attached_policies, "role"));
        let mut request = RequestPrincipal::new(PrincipalIdentity::Role {
            arn: role.arn.to_string(),
        });
        request.unique_id = Some(role.id.to_string());
        request.tags = tags(&role.tags);
        request.service_linked_role = Some(false);
        examine(
            scope,
            Principal {
                identity,
                boundary: boundary(&role.permissions_boundary),
                resource: FindingResource {
                    arn: role.arn.to_string(),
                    kind: ResourceKind::Role,
                    name: role.name.clone(),
                },
                request,
            },
            out,
        );
    }
}

fn tags(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

fn examine(scope: &AccountScope<'_>, principal: Principal<'_>, out: &mut Vec<RawFinding>) {
    let probes = &scope.shared.probes;
    let mut mask = ProbeMask::empty(probes.list.len());
    for (policy, _) in &principal.identity {
        mask.union_with(&policy.mask);
    }
    let boundary_covers =
        |indices: &[usize]| principal.boundary.is_none_or(|b| b.mask.covers(indices));
    let full = mask.covers(&probes.full) && boundary_covers(&probes.full);
    let iam_tier = mask.covers(&probes.iam) && boundary_covers(&probes.iam);
    if !full && !iam_tier {
        return;
    }

    let account = &scope.inventory.account_id;
    let org = scope.organization;
    let in_org = scope.shared.org_accounts.contains(account);
    let in_management = org.is_some_and(|o| o.management_account_id == *account);
    let set = PolicySet {
        identity: principal
            .identity
            .iter()
            .map(|(policy, via)| policy.named(Some(via)))
            .collect(),
        permissions_boundary: principal.boundary.map(|b| b.named(None)),
        session: Vec::new(),
        resource: None,
        scps: scope
            .shared
            .org_tree(org, account, OrgPolicyType::ServiceControlPolicy),
        rcps: scope
            .shared
            .org_tree(org, account, OrgPolicyType::ResourceControlPolicy),
        vpc_endpoint: None,
    };
    let compiled = CompiledPolicySet::compile(&set);
    let mut request_principal = principal.request.clone();
    request_principal.account = Some(account.to_string());
    if let Some(org) = org.filter(|_| in_org) {
        request_principal.org_id = Some(org.id.to_string());
        request_principal.org_paths = org.org_path(account).into_iter().collect();
        request_principal.in_management_account = in_management;
    }
    let now = scope.now;
    let context = |index: usize| -> Option<RequestContext> {
        let probe = probes.list.get(index)?;
        let mut resource =
            RequestResource::new(probe.resource.replace("{account}", account.as_str()));
        resource.account = Some(account.to_string());
        if let Some(org) = org.filter(|_| in_org) {
            resource.org_id = Some(org.id.to_string());
            resource.org_paths = org.org_path(account).into_iter().collect();
            resource.in_management_account = in_management;
        }
        let request = Request::new(request_principal.clone(), probe.action.clone(), resource)
            .with_context("aws:MultiFactorAuthPresent", "true")
            .with_context("aws:MultiFactorAuthAge", "300")
            .with_context("aws:SecureTransport", "true")
            .with_context("aws:ViaAWSService", "false")
            .with_context("aws:RequestedRegion", "us-east-1")
            .with_context("aws:CurrentTime", now.to_string())
            .with_context("aws:EpochTime", now.as_second().to_string());
        RequestContext::new(request).ok()
    };
    let allows_all = |indices: &[usize]| {
        indices.iter().all(|index| {
            context(*index).is_some_and(|ctx| compiled.evaluate(&ctx) == Decision::Allowed)
        })
    };
    let tier = if full && allows_all(&probes.full) {
        Tier::Full
    } else if iam_tier && allows_all(&probes.iam) {
        Tier::Iam
    } else {
        return;
    };
    let indices = match tier {
        Tier::Full => &probes.full,
        Tier::Iam => &probes.iam,
    };
    let actions: Vec<&str> = indices
        .iter()
        .filter_map(|i| probes.list.get(*i))
        .map(|p| p.action.as_str())
        .collect();
    // Which identity policies granted the first probe: the evidence people look for.
    let mut granted_by: Vec<String> = indices
        .first()
        .and_then(|i| context(*i))
        .map(|ctx| {
            compiled
                .evaluate_explained(&ctx)
                .statements
                .into_iter()
                .filter(|s| s.gate == Gate::Identity)
                .map(|s| s.policy)
                .collect()
        })
        .unwrap_or_default();
    granted_by.dedup();
    let kind = match principal.resource.kind {
        ResourceKind::User => "user",
        _ => "role",
    };
    let how = match tier {
        Tier::Full => format!(
            "its policies allow all {} sensitive probe actions across services on any resource",
            actions.len()
        ),
        Tier::Iam => format!(
            "its policies allow all {} IAM write and permissions-management actions, so it can grant itself anything",
            actions.len()
        ),
    };
    let mut gates = vec!["identity policies"];
    if principal.boundary.is_some() {
        gates.push("permissions boundary");
    }
    if set.scps.is_some() && !in_management {
        gates.push("SCPs");
    }
    if set.rcps.is_some() && !in_management {
        gates.push("RCPs");
    }
    out.push(
        RawFinding::new(
            RuleId::PrincipalEffectiveAdmin,
            account,
            principal.resource.clone(),
            format!(
                "{kind} `{}` is effectively an administrator: {how} (decided with {})",
                principal.resource.name,
                gates.join(", ")
            ),
        )
        .detail(
            "tier",
            match tier {
                Tier::Full => "full",
                Tier::Iam => "iam",
            },
        )
        .detail("evaluated_actions", actions)
        .detail("granted_by", granted_by)
        .detail(
            "permissions_boundary",
            principal.boundary.map(|b| b.name.clone()),
        )
        .detail("gates", gates)
        .detail(
            "identity_policies",
            principal
                .identity
                .iter()
                .map(|(p, via)| format!("{} (via {via})", p.name))
                .collect::<Vec<_>>(),
        ),
    );
}
