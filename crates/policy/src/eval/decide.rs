//! The decision procedure.
//!
//! Order and rules (IAM User Guide, `reference_policies_evaluation-logic_policy-eval-denyallow.html`
//! unless noted):
//!
//! 1. **Deny evaluation**: a `Deny` that applies in any applicable policy (SCPs, RCPs, the VPC
//!    endpoint policy, the resource policy, identity policies, the boundary, session policies)
//!    gives an explicit deny.
//! 2. **RCPs** of the resource owner's organization: an `Allow` is needed at every level
//!    (`organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html`). They apply
//!    only to the services that support RCPs, and not to resources of the management account,
//!    calls by service-linked roles, AWS managed KMS keys or `kms:RetireGrant`
//!    (`orgs_manage_policies_rcps.html`). They do apply to root users and to principals outside
//!    the organization.
//! 3. **SCPs** of the principal's organization: an `Allow` at every level
//!    (`orgs_manage_policies_scps_evaluation.html`). They govern IAM principals of member
//!    accounts (the root user included), not service-linked roles, not the management account,
//!    not service principals or callers outside the organization (`orgs_manage_policies_scps.html`).
//! 4. **VPC endpoint policy**: when the request goes through an endpoint, its policy must allow
//!    ("does not override or replace identity-based policies or resource-based policies",
//!    `vpc/latest/privatelink/vpc-endpoints-access.html`): one more gate.
//! 5. **Resource-based policy**, same account: a grant that names the caller directly (user ARN,
//!    role-session ARN, federated-user ARN, or `Principal: "*"`, e.g. with `aws:PrincipalArn`)
//!    allows "even if an implicit deny in an identity-based policy, permissions boundary, or
//!    session policy is present"; a grant to the role ARN (or to the IAM user behind a federated
//!    user) is "limited by an implicit deny in a permissions boundary or session policy"; a grant
//!    to the account delegates to the account's IAM policies. Role trust policies and KMS key
//!    policies "must explicitly allow access for principals" even in one account.
//! 6. **Identity-based policies**, then the **permissions boundary**, then **session policies**:
//!    each must allow. A role session without a session policy is not limited; a federated-user
//!    session without one has no permissions (2023 text of the page; STS
//!    `GetFederationToken`: "if you do not pass any session policies, then the resulting
//!    federated user session has no permissions").
//!
//! Cross-account (`reference_policies_evaluation-logic-cross-account.html`): "The request is
//! allowed only if both evaluations return a decision of Allow": the resource policy must allow
//! the principal (or its account), and the identity side (identity ∩ boundary ∩ session) must
//! allow; the same-account exceptions of step 5 do not apply.
//!
//! `sts:GetCallerIdentity` needs no permission and cannot be denied (STS API reference,
//! `API_GetCallerIdentity.html`); every IAM principal may call it whatever the policies say.
//!
//! Principals: the root user has "full access" by default (identity side allowed) but remains
//! subject to SCPs, RCPs and explicit denies; anonymous callers, service principals and web
//! identity callers have no identity side, so only a resource policy can allow them.
//!
//! Labels: an SCP or RCP level without an `Allow` is reported as an *implicit* deny (no `Deny`
//! statement matched); the 2023 page called it explicit. See `docs/known-differences.md`.

use std::cell::RefCell;

use crate::condition::Env;
use crate::context::{GrantKind, PrincipalType, RequestContext};
use crate::document::Effect;
use crate::explain::{Decision, Explanation, Gate, GateOutcome, GateReport, MatchedStatement};

use super::ResourcePolicyKind;
use super::compile::{Candidate, CompiledPolicySet, CompiledStatement, PolicyGroup};

/// The decision and the gate that decided a denial.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) decision: Decision,
    pub(crate) blocking_gate: Option<Gate>,
}

impl Outcome {
    fn allowed() -> Self {
        Self {
            decision: Decision::Allowed,
            blocking_gate: None,
        }
    }

    fn explicit(gate: Gate) -> Self {
        Self {
            decision: Decision::ExplicitlyDenied,
            blocking_gate: Some(gate),
        }
    }

    fn implicit(gate: Gate) -> Self {
        Self {
            decision: Decision::ImplicitlyDenied,
            blocking_gate: Some(gate),
        }
    }
}

/// What an explanation collects on the way.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    statements: RefCell<Vec<MatchedStatement>>,
    missing: RefCell<Vec<String>>,
    gates: RefCell<Vec<GateReport>>,
    notes: RefCell<Vec<String>>,
}

impl Trace {
    fn note(&self, note: impl Into<String>) {
        self.notes.borrow_mut().push(note.into());
    }
}

/// Whether a kind of policy governs this request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Applicability {
    Absent,
    NotApplicable(&'static str),
    Exempt(&'static str),
    Applies,
}

/// The result of one policy group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct GroupResult {
    denied: bool,
    /// The best grant among the matching `Allow` statements.
    allowed: Option<GrantKind>,
}

/// The result of an SCP/RCP tree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct TreeResult {
    denied: bool,
    /// The first level (root first) without an applicable `Allow`.
    level_without_allow: Option<usize>,
}

struct Evaluator<'a> {
    set: &'a CompiledPolicySet,
    ctx: &'a RequestContext,
    trace: Option<&'a Trace>,
    has_boundary: bool,
}

impl Evaluator<'_> {
    fn env(&self) -> Env<'_> {
        Env {
            ctx: self.ctx,
            missing: self.trace.map(|trace| &trace.missing),
        }
    }

    fn group(&self, group: &PolicyGroup, gate: Gate) -> GroupResult {
        let mut result = GroupResult::default();
        let fast = self.trace.is_none();
        let (action, service, name) = (
            self.ctx.action(),
            self.ctx.service(),
            self.ctx.action_name(),
        );
        for candidate in group.deny.candidates(action, service, name) {
            let Some(statement) = self.set.statements.get(candidate.statement) else {
                continue;
            };
            if let Some(grant) = self.applies(statement, candidate) {
                result.denied = true;
                if let Some(trace) = self.trace {
                    self.record(trace, gate, statement, grant);
                }
                if fast {
                    return result;
                }
            }
        }
        for candidate in group.allow.candidates(action, service, name) {
            if fast && result.allowed == Some(GrantKind::Direct) {
                break;
            }
            let Some(statement) = self.set.statements.get(candidate.statement) else {
                continue;
            };
            if let Some(grant) = self.applies(statement, candidate) {
                result.allowed = result.allowed.max(Some(grant));
                if let Some(trace) = self.trace {
                    self.record(trace, gate, statement, grant);
                }
            }
        }
        result
    }

    fn record(&self, trace: &Trace, gate: Gate, statement: &CompiledStatement, grant: GrantKind) {
        let Some(info) = self.set.policies.get(statement.policy) else {
            return;
        };
        let mut statements = trace.statements.borrow_mut();
        let seen = statements.iter().any(|known| {
            known.gate == gate
                && known.policy == info.name
                && known.level == info.level
                && known.index == statement.index
        });
        if !seen {
            statements.push(MatchedStatement {
                gate,
                policy: info.name.clone(),
                level: info.level.clone(),
                index: statement.index,
                sid: statement.sid.clone(),
                effect: statement.effect,
                grant: statement.principal.as_ref().map(|_| grant),
            });
        }
    }

    /// Whether every element of the statement matches; for statements with a principal, how the
    /// principal was named.
    fn applies(&self, statement: &CompiledStatement, candidate: Candidate) -> Option<GrantKind> {
        let ctx = self.ctx;
        if !candidate.action_matched
            && !statement.matches_action(ctx.action(), ctx.service(), ctx.action_name())
        {
            return None;
        }
        let env = self.env();
        if let Some((negated, patterns)) = &statement.resources {
            let split = ctx.resource_split();
            let any = patterns
                .iter()
                .any(|pattern| pattern.is_any() || pattern.matches_split(split, &env));
            if any == *negated {
                return None;
            }
        }
        let grant = match &statement.principal {
            None => GrantKind::Direct,
            Some(principal) => {
                // `access_policies_boundaries.html`: NotPrincipal with Deny always denies an IAM
                // principal that has a permissions boundary.
                let boundary_quirk = principal.is_negated()
                    && statement.effect == Effect::Deny
                    && self.has_boundary
                    && ctx.is_iam_principal()
                    && ctx.principal_type() != PrincipalType::Root;
                if boundary_quirk {
                    GrantKind::Direct
                } else {
                    principal.matches(ctx)?
                }
            }
        };
        if !statement.conditions.evaluate(env) {
            return None;
        }
        Some(grant)
    }

    fn tree(&self, levels: &[PolicyGroup], gate: Gate) -> TreeResult {
        let mut result = TreeResult::default();
        for (index, level) in levels.iter().enumerate() {
            let level_result = self.group(level, gate);
            result.denied |= level_result.denied;
            if level_result.allowed.is_none() && result.level_without_allow.is_none() {
                result.level_without_allow = Some(index);
            }
            if result.denied && self.trace.is_none() {
                break;
            }
        }
        result
    }

    fn scp_applicability(&self) -> Applicability {
        let ctx = self.ctx;
        if self.set.scps.is_none() {
            Applicability::Absent
        } else if !ctx.is_iam_principal() {
            Applicability::NotApplicable("SCPs govern only IAM principals of member accounts")
        } else if ctx.is_service_linked_role() {
            Applicability::Exempt("SCPs do not affect service-linked roles")
        } else if ctx.request().principal.in_management_account {
            Applicability::Exempt("SCPs do not affect the management account")
        } else {
            Applicability::Applies
        }
    }

    fn rcp_applicability(&self) -> Applicability {
        let ctx = self.ctx;
        let resource = &ctx.request().resource;
        if self.set.rcps.is_none() {
            Applicability::Absent
        } else if resource.in_management_account {
            Applicability::Exempt("RCPs do not affect resources in the management account")
        } else if ctx.is_service_linked_role() {
            Applicability::Exempt("RCPs do not apply to calls made by service-linked roles")
        } else if resource.aws_managed_kms_key {
            Applicability::Exempt("RCPs do not affect AWS managed KMS keys")
        } else if ctx.action() == "kms:retiregrant" {
            Applicability::Exempt("kms:RetireGrant is not affected by RCPs")
        } else if !ctx.is_rcp_supported_service() {
            Applicability::NotApplicable("the service does not support RCPs")
        } else if ctx.is_wildcard_only_action() {
            Applicability::NotApplicable("the action has no resource types, which RCPs govern")
        } else {
            Applicability::Applies
        }
    }
}

/// Everything the gates said.
#[derive(Clone, Copy, Debug, Default)]
struct Results {
    scp: Option<TreeResult>,
    rcp: Option<TreeResult>,
    vpc_endpoint: Option<GroupResult>,
    resource: Option<GroupResult>,
    identity: GroupResult,
    boundary: Option<GroupResult>,
    session: Option<GroupResult>,
}

pub(crate) fn decide(
    set: &CompiledPolicySet,
    ctx: &RequestContext,
    trace: Option<&Trace>,
) -> Outcome {
    let evaluator = Evaluator {
        set,
        ctx,
        trace,
        has_boundary: set.boundary.is_some(),
    };
    let scp_applicability = evaluator.scp_applicability();
    let rcp_applicability = evaluator.rcp_applicability();
    let mut results = Results::default();
    let mut first_deny: Option<Gate> = None;
    let fast = trace.is_none();
    // STS `GetCallerIdentity` (STS API reference, `API_GetCallerIdentity.html`): "No
    // permissions are required to perform this operation. If an administrator attaches a policy
    // to your identity that explicitly denies access to the sts:GetCallerIdentity action, you
    // can still perform this operation."
    let needs_no_permission = ctx.action() == "sts:getcalleridentity" && ctx.is_iam_principal();
    if needs_no_permission && fast {
        return Outcome::allowed();
    }

    // Step 1: every applicable policy is searched for a Deny. The fast path stops at the first.
    macro_rules! deny_check {
        ($gate:expr, $denied:expr) => {
            if $denied && first_deny.is_none() {
                first_deny = Some($gate);
                if fast {
                    return Outcome::explicit($gate);
                }
            }
        };
    }
    if let (Applicability::Applies, Some(levels)) = (scp_applicability, &set.scps) {
        let result = evaluator.tree(levels, Gate::Scp);
        results.scp = Some(result);
        deny_check!(Gate::Scp, result.denied);
    }
    if let (Applicability::Applies, Some(levels)) = (rcp_applicability, &set.rcps) {
        let result = evaluator.tree(levels, Gate::Rcp);
        results.rcp = Some(result);
        deny_check!(Gate::Rcp, result.denied);
    }
    if let Some(group) = &set.vpc_endpoint {
        let result = evaluator.group(group, Gate::VpcEndpoint);
        results.vpc_endpoint = Some(result);
        deny_check!(Gate::VpcEndpoint, result.denied);
    }
    if let Some((_, group)) = &set.resource {
        let result = evaluator.group(group, Gate::Resource);
        results.resource = Some(result);
        deny_check!(Gate::Resource, result.denied);
    }
    results.identity = evaluator.group(&set.identity, Gate::Identity);
    deny_check!(Gate::Identity, results.identity.denied);
    if let Some(group) = &set.boundary {
        let result = evaluator.group(group, Gate::Boundary);
        results.boundary = Some(result);
        deny_check!(Gate::Boundary, result.denied);
    }
    if let Some(group) = &set.session {
        let result = evaluator.group(group, Gate::Session);
        results.session = Some(result);
        deny_check!(Gate::Session, result.denied);
    }

    let outcome = if needs_no_permission {
        if let Some(trace) = trace {
            trace.note("sts:GetCallerIdentity needs no permission and cannot be denied");
        }
        Outcome::allowed()
    } else {
        match first_deny {
            Some(gate) => Outcome::explicit(gate),
            None => allow_logic(set, ctx, &results, trace),
        }
    };
    if let Some(trace) = trace {
        report_gates(
            set,
            ctx,
            trace,
            &results,
            scp_applicability,
            rcp_applicability,
        );
    }
    outcome
}

/// Steps 2–6, once no explicit deny applies.
fn allow_logic(
    set: &CompiledPolicySet,
    ctx: &RequestContext,
    results: &Results,
    trace: Option<&Trace>,
) -> Outcome {
    let note = |text: &str| {
        if let Some(trace) = trace {
            trace.note(text);
        }
    };
    if results
        .rcp
        .is_some_and(|tree| tree.level_without_allow.is_some())
    {
        note("an RCP level on the path to the resource's account has no applicable Allow");
        return Outcome::implicit(Gate::Rcp);
    }
    if results
        .scp
        .is_some_and(|tree| tree.level_without_allow.is_some())
    {
        note("an SCP level on the path to the principal's account has no applicable Allow");
        return Outcome::implicit(Gate::Scp);
    }
    if results
        .vpc_endpoint
        .is_some_and(|group| group.allowed.is_none())
    {
        note("the VPC endpoint policy does not allow the request");
        return Outcome::implicit(Gate::VpcEndpoint);
    }

    let resource_kind = set.resource.as_ref().map(|(kind, _)| *kind);
    let resource_grant = results.resource.and_then(|group| group.allowed);
    let principal_type = ctx.principal_type();

    // Anonymous callers, service principals and web-identity callers have no identity side.
    if matches!(
        principal_type,
        PrincipalType::Anonymous | PrincipalType::Service | PrincipalType::WebIdentity
    ) {
        return if resource_grant.is_some() {
            note("a resource-based policy allows the principal, which has no identity policies");
            Outcome::allowed()
        } else {
            note("only a resource-based policy can allow this principal, and none does");
            Outcome::implicit(Gate::Resource)
        };
    }

    let boundary_and_session = || -> Result<(), Gate> {
        if results
            .boundary
            .is_some_and(|group| group.allowed.is_none())
        {
            return Err(Gate::Boundary);
        }
        match results.session {
            Some(group) if group.allowed.is_none() => Err(Gate::Session),
            // §1.2 step 7: a federated-user session without a session policy has no
            // permissions of its own.
            None if principal_type == PrincipalType::FederatedUser => Err(Gate::Session),
            _ => Ok(()),
        }
    };
    let identity_side = || -> Result<(), Gate> {
        if principal_type == PrincipalType::Root {
            // "all requests are implicitly denied with the exception of the AWS account root
            // user, which has full access" (denyallow page).
        } else if results.identity.allowed.is_none() {
            return Err(Gate::Identity);
        }
        boundary_and_session()
    };
    let finish = |side: Result<(), Gate>, allowed_note: &str| match side {
        Ok(()) => {
            note(allowed_note);
            Outcome::allowed()
        }
        Err(gate) => {
            note(match gate {
                Gate::Identity => "no identity-based policy allows the request",
                Gate::Boundary => "the permissions boundary does not allow the request",
                Gate::Session => {
                    if results.session.is_none() {
                        "a federated-user session without a session policy has no permissions"
                    } else {
                        "no session policy allows the request"
                    }
                }
                _ => "denied",
            });
            Outcome::implicit(gate)
        }
    };

    if ctx.is_same_account() {
        match resource_grant {
            Some(GrantKind::Direct) => {
                note("a same-account resource-based policy names the principal directly");
                return Outcome::allowed();
            }
            Some(GrantKind::LimitedByBoundaryAndSession) => {
                return finish(
                    boundary_and_session(),
                    "a same-account resource-based policy names the role (or the federating user); the boundary and session policy allow too",
                );
            }
            Some(GrantKind::Account) | None => {}
        }
        let must_name = matches!(
            resource_kind,
            Some(ResourcePolicyKind::RoleTrust | ResourcePolicyKind::KmsKey)
        );
        if must_name && resource_grant.is_none() {
            note(
                "role trust and KMS key policies must allow the principal or its account explicitly",
            );
            return Outcome::implicit(Gate::Resource);
        }
        finish(identity_side(), "identity-based policies allow the request")
    } else {
        if resource_grant.is_none() {
            note(
                "cross-account: the resource-based policy of the resource's account must allow the principal",
            );
            return Outcome::implicit(Gate::Resource);
        }
        finish(
            identity_side(),
            "cross-account: both the resource-based policy and the principal's identity side allow",
        )
    }
}

fn report_gates(
    set: &CompiledPolicySet,
    ctx: &RequestContext,
    trace: &Trace,
    results: &Results,
    scp_applicability: Applicability,
    rcp_applicability: Applicability,
) {
    let mut gates = trace.gates.borrow_mut();
    let group_outcome = |result: Option<GroupResult>| match result {
        None => GateOutcome::Absent,
        Some(group) if group.denied => GateOutcome::Denied,
        Some(group) if group.allowed.is_some() => GateOutcome::Allowed,
        Some(_) => GateOutcome::NoAllow,
    };
    let tree_report = |gate: Gate,
                       applicability: Applicability,
                       result: Option<TreeResult>,
                       levels: Option<&Vec<PolicyGroup>>| {
        let (outcome, note) = match applicability {
            Applicability::Absent => (GateOutcome::Absent, None),
            Applicability::NotApplicable(why) => (GateOutcome::NotApplicable, Some(why.to_owned())),
            Applicability::Exempt(why) => (GateOutcome::Exempt, Some(why.to_owned())),
            Applicability::Applies => match result {
                Some(tree) if tree.denied => (GateOutcome::Denied, None),
                Some(tree) => match tree.level_without_allow {
                    Some(level) => {
                        let target = levels
                            .and_then(|levels| levels.get(level))
                            .and_then(|group| group.policies.first())
                            .and_then(|&policy| set.policies.get(policy))
                            .and_then(|info| info.level.clone());
                        (
                            GateOutcome::NoAllow,
                            Some(match target {
                                Some(target) => format!("no Allow at `{target}`"),
                                None => format!("no Allow at level {level}"),
                            }),
                        )
                    }
                    None => (GateOutcome::Allowed, None),
                },
                None => (GateOutcome::Absent, None),
            },
        };
        GateReport {
            gate,
            outcome,
            note,
        }
    };
    gates.push(tree_report(
        Gate::Scp,
        scp_applicability,
        results.scp,
        set.scps.as_ref(),
    ));
    gates.push(tree_report(
        Gate::Rcp,
        rcp_applicability,
        results.rcp,
        set.rcps.as_ref(),
    ));
    gates.push(GateReport {
        gate: Gate::VpcEndpoint,
        outcome: group_outcome(results.vpc_endpoint),
        note: None,
    });
    gates.push(GateReport {
        gate: Gate::Resource,
        outcome: group_outcome(results.resource),
        note: set.resource.as_ref().map(|(kind, _)| {
            match kind {
                ResourcePolicyKind::Generic => "resource-based policy",
                ResourcePolicyKind::RoleTrust => "role trust policy",
                ResourcePolicyKind::KmsKey => "KMS key policy",
            }
            .to_owned()
        }),
    });
    let identity_outcome =
        if ctx.principal_type() == PrincipalType::Root && !results.identity.denied {
            GateOutcome::Allowed
        } else {
            group_outcome(Some(results.identity))
        };
    gates.push(GateReport {
        gate: Gate::Identity,
        outcome: identity_outcome,
        note: (ctx.principal_type() == PrincipalType::Root)
            .then(|| "the root user has full access by default".to_owned()),
    });
    gates.push(GateReport {
        gate: Gate::Boundary,
        outcome: group_outcome(results.boundary),
        note: None,
    });
    gates.push(GateReport {
        gate: Gate::Session,
        outcome: group_outcome(results.session),
        note: None,
    });
}

pub(crate) fn explain(set: &CompiledPolicySet, ctx: &RequestContext) -> Explanation {
    let trace = Trace::default();
    let outcome = decide(set, ctx, Some(&trace));
    Explanation {
        decision: outcome.decision,
        blocking_gate: outcome.blocking_gate,
        gates: trace.gates.into_inner(),
        statements: trace.statements.into_inner(),
        missing_context_keys: trace.missing.into_inner(),
        notes: trace.notes.into_inner(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{Request, RequestPrincipal, RequestResource};
    use crate::eval::{NamedPolicy, OrgLevel, OrgPolicyTree, PolicySet};
    use crate::parse::parse_policy;

    fn policy(name: &str, text: &str) -> NamedPolicy {
        NamedPolicy::new(name, parse_policy(text).unwrap())
    }

    fn ctx(action: &str) -> RequestContext {
        let principal = RequestPrincipal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        RequestContext::new(Request::new(
            principal,
            action,
            RequestResource::new("arn:aws:s3:::bucket/key"),
        ))
        .unwrap()
    }

    fn set() -> CompiledPolicySet {
        let mut set = PolicySet::default();
        set.identity.push(policy(
            "read",
            r#"{"Version":"2012-10-17","Statement":[
                {"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"*"},
                {"Sid":"Tagged","Effect":"Allow","Action":"s3:PutObject","Resource":"*",
                 "Condition":{"StringEquals":{"aws:RequestTag/team":"blue"}}}]}"#,
        ));
        set.scps = Some(OrgPolicyTree {
            levels: vec![OrgLevel {
                target: "r-root".into(),
                policies: vec![policy(
                    "guard",
                    r#"{"Version":"2012-10-17","Statement":[
                        {"Effect":"Allow","Action":"*","Resource":"*"},
                        {"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}"#,
                )],
            }],
        });
        CompiledPolicySet::compile(&set)
    }

    #[test]
    fn explains_an_allow_with_the_statements_that_matched() {
        let why = set().evaluate_explained(&ctx("s3:GetObject"));
        assert_eq!(why.decision, Decision::Allowed);
        assert_eq!(why.blocking_gate, None);
        let identity: Vec<_> = why
            .statements
            .iter()
            .filter(|statement| statement.gate == Gate::Identity)
            .collect();
        assert_eq!(identity.len(), 1);
        assert_eq!(identity[0].sid.as_deref(), Some("Read"));
        assert_eq!(identity[0].index, 0);
        assert_eq!(why.gate(Gate::Scp).unwrap().outcome, GateOutcome::Allowed);
        assert_eq!(
            why.gate(Gate::Boundary).unwrap().outcome,
            GateOutcome::Absent
        );
    }

    #[test]
    fn explains_an_explicit_deny_and_its_level() {
        let why = set().evaluate_explained(&ctx("s3:DeleteObject"));
        assert_eq!(why.decision, Decision::ExplicitlyDenied);
        assert_eq!(why.blocking_gate, Some(Gate::Scp));
        let deny = why
            .statements
            .iter()
            .find(|statement| statement.effect == Effect::Deny)
            .unwrap();
        assert_eq!(deny.sid.as_deref(), Some("NoDelete"));
        assert_eq!(deny.level.as_deref(), Some("r-root"));
        assert_eq!(deny.policy, "guard");
    }

    #[test]
    fn reports_the_keys_a_failed_condition_needed() {
        let why = set().evaluate_explained(&ctx("s3:PutObject"));
        assert_eq!(why.decision, Decision::ImplicitlyDenied);
        assert_eq!(why.blocking_gate, Some(Gate::Identity));
        assert_eq!(why.missing_context_keys, vec!["aws:RequestTag/team"]);
        assert_eq!(
            why.gate(Gate::Identity).unwrap().outcome,
            GateOutcome::NoAllow
        );
    }

    #[test]
    fn the_fast_path_agrees() {
        let set = set();
        for action in [
            "s3:GetObject",
            "s3:DeleteObject",
            "s3:PutObject",
            "sqs:SendMessage",
        ] {
            let ctx = ctx(action);
            let why = set.evaluate_explained(&ctx);
            assert_eq!(
                set.evaluate_with_gate(&ctx),
                (why.decision, why.blocking_gate),
                "{action}"
            );
        }
    }
}
