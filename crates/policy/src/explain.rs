//! What the engine decided and why: the decision, the gate that blocked the request, what each
//! gate said, the statements that matched and the context keys the policies needed but the
//! request did not carry.
//!
//! The gates follow the policy types of the IAM User Guide's evaluation logic
//! (`reference_policies_evaluation-logic_policy-eval-denyallow.html`): service control policies,
//! resource control policies, the VPC endpoint policy, the resource-based policy, identity-based
//! policies, the permissions boundary and session policies.

use std::fmt;

use crate::context::GrantKind;
use crate::document::Effect;

/// The final authorization decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Allowed,
    /// A `Deny` statement that applies to the request.
    ExplicitlyDenied,
    /// No applicable `Allow` where one was needed (the default).
    ImplicitlyDenied,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "Allowed",
            Decision::ExplicitlyDenied => "ExplicitlyDenied",
            Decision::ImplicitlyDenied => "ImplicitlyDenied",
        }
    }

    pub fn is_allowed(self) -> bool {
        self == Decision::Allowed
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind of policy the request passes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gate {
    /// Service control policies of the principal's organization.
    Scp,
    /// Resource control policies of the resource owner's organization.
    Rcp,
    /// The VPC endpoint policy.
    VpcEndpoint,
    /// The resource-based policy (including role trust and KMS key policies).
    Resource,
    /// Identity-based policies (user, group and role policies).
    Identity,
    /// The permissions boundary.
    Boundary,
    /// Session policies.
    Session,
}

impl Gate {
    /// Every gate, in the order the explanation reports them.
    pub const ALL: [Gate; 7] = [
        Gate::Scp,
        Gate::Rcp,
        Gate::VpcEndpoint,
        Gate::Resource,
        Gate::Identity,
        Gate::Boundary,
        Gate::Session,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Gate::Scp => "scp",
            Gate::Rcp => "rcp",
            Gate::VpcEndpoint => "vpce",
            Gate::Resource => "resource",
            Gate::Identity => "identity",
            Gate::Boundary => "boundary",
            Gate::Session => "session",
        }
    }

    pub fn parse(text: &str) -> Option<Gate> {
        Gate::ALL
            .into_iter()
            .find(|gate| gate.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one gate said about the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GateOutcome {
    /// No policy of this kind is in the set.
    Absent,
    /// Policies of this kind exist but do not govern this request (for example SCPs and a
    /// service principal, RCPs and a service that does not support them).
    NotApplicable,
    /// The request is exempt (service-linked role, management account, AWS managed KMS key,
    /// `kms:RetireGrant`).
    Exempt,
    /// An `Allow` applies (every level of an SCP or RCP tree) and no `Deny`.
    Allowed,
    /// No `Deny` applies, but no `Allow` either (for a tree: at some level).
    NoAllow,
    /// A `Deny` applies.
    Denied,
}

impl GateOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            GateOutcome::Absent => "absent",
            GateOutcome::NotApplicable => "not applicable",
            GateOutcome::Exempt => "exempt",
            GateOutcome::Allowed => "allowed",
            GateOutcome::NoAllow => "no allow",
            GateOutcome::Denied => "denied",
        }
    }
}

/// One gate's outcome with an optional note (why it did not apply, which level lacked an Allow).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateReport {
    pub gate: Gate,
    pub outcome: GateOutcome,
    pub note: Option<String>,
}

/// A statement whose every element matched the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchedStatement {
    pub gate: Gate,
    /// The policy's display name or ARN, as given in the policy set.
    pub policy: String,
    /// For SCPs and RCPs: the root, OU or account the policy is attached to.
    pub level: Option<String>,
    /// The statement's 0-based position in its policy.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// For resource-based and endpoint policies: how the `Principal` named the caller.
    pub grant: Option<GrantKind>,
}

/// The full answer of [`crate::eval::CompiledPolicySet::evaluate_explained`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub decision: Decision,
    /// The gate that decided a denial (for an explicit deny: the first gate, in
    /// [`Gate::ALL`] order, with an applicable `Deny`); `None` when allowed.
    pub blocking_gate: Option<Gate>,
    /// One report per gate, in [`Gate::ALL`] order.
    pub gates: Vec<GateReport>,
    /// Every statement that matched, in evaluation order.
    pub statements: Vec<MatchedStatement>,
    /// Context keys that conditions or policy variables asked for and the request did not
    /// supply (as first written in a policy).
    pub missing_context_keys: Vec<String>,
    /// How the decision was reached, one sentence per step that mattered.
    pub notes: Vec<String>,
}

impl Explanation {
    /// The report of one gate.
    pub fn gate(&self, gate: Gate) -> Option<&GateReport> {
        self.gates.iter().find(|report| report.gate == gate)
    }
}
