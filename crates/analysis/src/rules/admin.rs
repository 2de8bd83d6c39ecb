//! `principal-effective-admin`: asks the evaluation engine, not the policy text, whether a
//! user or role can do everything.
//!
//! For each IAM user (its policies and its groups') and each role that is not service-linked,
//! the probe masks rule out principals that cannot be administrators; for the rest the
//! principal's full policy set is compiled once (identity policies, permissions boundary, the
//! SCPs and RCPs on the path from the organization root to the account) and evaluated for every
//! probe of a tier (see [`crate::probes`]). The requests carry what an interactive
//! administrator's would: MFA present, TLS, the audit's time, and the region the account's roles
//! are used in (the most frequent `RoleLastUsed` region, else `us-east-1`), so that a region
//! restriction SCP does not hide administrators who work where they are allowed to. The root
//! user is not examined (it is always all-powerful; the root rules cover it).

use iamwatch_model::join::Join;
use iamwatch_model::{Arn, AttachedPolicy, OrgPolicyType, PermissionsBoundary};
use iamwatch_policy::context::{Request, RequestContext};
use iamwatch_policy::eval::CompiledPolicySet;
use iamwatch_policy::explain::{Decision, Gate};

use crate::audit::AccountScope;
use crate::finding::{FindingResource, RawFinding, ResourceKind};
use crate::join::{AuditWarning, ParsedPolicy};
use crate::probes::ProbeMask;
use crate::rules::RuleId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tier {
    Full,
    Iam,
}

pub(crate) fn check(
    scope: &AccountScope<'_>,
    out: &mut Vec<RawFinding>,
    warnings: &mut Vec<AuditWarning>,
) {
    let Some(iam) = scope.inventory.iam.as_ref() else {
        return;
    };
    let policies = scope.policies;
    let managed = |attached: &'_ [AttachedPolicy]| -> Vec<&ParsedPolicy> {
        attached
            .iter()
            .filter_map(|a| policies.managed(scope.shared, &a.arn))
            .map(AsRef::as_ref)
            .collect()
    };
    let boundary = |b: &Option<PermissionsBoundary>| {
        b.as_ref()
            .and_then(|b| policies.managed(scope.shared, &b.arn))
            .map(AsRef::as_ref)
    };
    // The engine's policy sets come from the model's join, built only for principals that pass
    // the masks (few): most accounts never need one.
    let mut join: Option<Join<'_>> = None;
    let region = working_region(iam);
    for (index, user) in iam.users.iter().enumerate() {
        let mut identity: Vec<&ParsedPolicy> = policies
            .user_inline
            .get(index)
            .into_iter()
            .flatten()
            .flatten()
            .map(AsRef::as_ref)
            .collect();
        identity.extend(managed(&user.attached_policies));
        for group_name in &user.groups {
            let Some(group_index) = iam.groups.iter().position(|g| g.name == *group_name) else {
                continue;
            };
            identity.extend(
                policies
                    .group_inline
                    .get(group_index)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(AsRef::as_ref),
            );
            if let Some(group) = iam.groups.get(group_index) {
                identity.extend(managed(&group.attached_policies));
            }
        }
        let Some(tiers) = candidate(scope, &identity, boundary(&user.permissions_boundary)) else {
            continue;
        };
        let resource = FindingResource {
            arn: user.arn.to_string(),
            kind: ResourceKind::User,
            name: user.name.clone(),
        };
        let join = join.get_or_insert_with(|| Join::new(scope.all));
        examine(
            scope, join, &user.arn, &region, resource, tiers, out, warnings,
        );
    }
    for (index, role) in iam.roles.iter().enumerate() {
        if role.is_service_linked() {
            continue;
        }
        let mut identity: Vec<&ParsedPolicy> = policies
            .role_inline
            .get(index)
            .into_iter()
            .flatten()
            .flatten()
            .map(AsRef::as_ref)
            .collect();
        identity.extend(managed(&role.attached_policies));
        let Some(tiers) = candidate(scope, &identity, boundary(&role.permissions_boundary)) else {
            continue;
        };
        let resource = FindingResource {
            arn: role.arn.to_string(),
            kind: ResourceKind::Role,
            name: role.name.clone(),
        };
        let join = join.get_or_insert_with(|| Join::new(scope.all));
        examine(
            scope, join, &role.arn, &region, resource, tiers, out, warnings,
        );
    }
}

/// The region the account works in: the most frequent region of its roles' last use (ties go to
/// the first in name order), else `us-east-1`.
fn working_region(iam: &iamwatch_model::AccountAuthorization) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for role in &iam.roles {
        if let Some(region) = role.last_used.as_ref().and_then(|u| u.region.as_deref()) {
            *counts.entry(region).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|(a, x), (b, y)| x.cmp(y).then(b.cmp(a)))
        .map_or_else(|| "us-east-1".to_owned(), |(region, _)| region.to_owned())
}

/// Which tiers the principal's policies could satisfy, by their masks; `None` when neither.
fn candidate(
    scope: &AccountScope<'_>,
    identity: &[&ParsedPolicy],
    boundary: Option<&ParsedPolicy>,
) -> Option<(bool, bool)> {
    let probes = &scope.shared.probes;
    let mut mask = ProbeMask::empty(probes.list.len());
    for policy in identity {
        mask.union_with(&policy.mask);
    }
    let boundary_covers = |indices: &[usize]| boundary.is_none_or(|b| b.mask.covers(indices));
    let full = mask.covers(&probes.full) && boundary_covers(&probes.full);
    let iam = mask.covers(&probes.iam) && boundary_covers(&probes.iam);
    (full || iam).then_some((full, iam))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one principal's facts, passed positionally from two call sites"
)]
fn examine(
    scope: &AccountScope<'_>,
    join: &mut Join<'_>,
    arn: &Arn,
    region: &str,
    resource: FindingResource,
    (full, iam_tier): (bool, bool),
    out: &mut Vec<RawFinding>,
    warnings: &mut Vec<AuditWarning>,
) {
    let probes = &scope.shared.probes;
    let account = scope.account_id;
    let joined = match join.policy_set(arn.as_str(), None) {
        Ok(joined) => joined,
        Err(error) => {
            warnings.push(AuditWarning {
                account_id: Some(account.clone()),
                subject: arn.to_string(),
                message: format!("not examined for admin access: {error}"),
            });
            return;
        }
    };
    for issue in &joined.issues {
        warnings.push(AuditWarning {
            account_id: Some(account.clone()),
            subject: arn.to_string(),
            message: format!("admin access decided without a policy: {issue}"),
        });
    }
    let mut set = joined.set;
    // The probes act on resources of the principal's own account, so that account's RCPs
    // apply (the join adds RCPs only for a given resource).
    set.rcps = scope.shared.org_tree(
        scope.organization,
        account,
        OrgPolicyType::ResourceControlPolicy,
    );
    let compiled = CompiledPolicySet::compile(&set);
    let principal = joined.principal;
    let in_management = principal.in_management_account;
    let now = scope.now;
    // Every probe acts on a resource of the principal's account: the owner's facts (account,
    // organization, paths) are the same for all, so they are looked up once.
    let base = join.request_resource(&format!("arn:aws:iam::{account}:root"), account);
    let context = |index: usize| -> Option<RequestContext> {
        let probe = probes.list.get(index)?;
        let mut resource = base.clone();
        resource.arn = probe.resource_in(account.as_str(), region);
        let request = Request::new(principal.clone(), probe.action.clone(), resource)
            .with_context("aws:MultiFactorAuthPresent", "true")
            .with_context("aws:MultiFactorAuthAge", "300")
            .with_context("aws:SecureTransport", "true")
            .with_context("aws:ViaAWSService", "false")
            .with_context("aws:RequestedRegion", region)
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
    let kind = match resource.kind {
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
    if set.permissions_boundary.is_some() {
        gates.push("permissions boundary");
    }
    if set.scps.is_some() && !in_management {
        gates.push("SCPs");
    }
    if set.rcps.is_some() && !in_management {
        gates.push("RCPs");
    }
    let identity: Vec<String> = set
        .identity
        .iter()
        .map(|p| match &p.attached_via {
            Some(via) => format!("{} (via {via})", p.name),
            None => p.name.clone(),
        })
        .collect();
    out.push(
        RawFinding::new(
            RuleId::PrincipalEffectiveAdmin,
            account,
            resource.clone(),
            format!(
                "{kind} `{}` is effectively an administrator: {how} (decided with {})",
                resource.name,
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
            set.permissions_boundary.as_ref().map(|b| b.name.clone()),
        )
        .detail("gates", gates)
        .detail("region", region)
        .detail("identity_policies", identity),
    );
}
