//! The authorization engine: a principal's policy set, compiled once, evaluated for many
//! requests.
//!
//! The decision procedure follows the IAM User Guide's evaluation logic
//! (`reference_policies_evaluation-logic_policy-eval-denyallow.html`, cross-account:
//! `reference_policies_evaluation-logic-cross-account.html`) and the Organizations guide for
//! SCPs and RCPs; [`decide`] documents each step with its source.
//!
//! ```
//! use iamwatch_policy::context::{Request, RequestContext, RequestPrincipal, RequestResource};
//! use iamwatch_policy::eval::{CompiledPolicySet, NamedPolicy, PolicySet};
//! use iamwatch_policy::explain::{Decision, Gate};
//! use iamwatch_policy::parse::parse_policy;
//!
//! let policy = parse_policy(
//!     r#"{"Version": "2012-10-17",
//!         "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}"#,
//! )?;
//! let mut set = PolicySet::default();
//! set.identity.push(NamedPolicy::new("s3-read", policy));
//! let compiled = CompiledPolicySet::compile(&set);
//!
//! let alice = RequestPrincipal::parse("arn:aws:iam::111122223333:user/alice")?;
//! let get = RequestContext::new(Request::new(
//!     alice.clone(),
//!     "s3:GetObject",
//!     RequestResource::new("arn:aws:s3:::bucket/key"),
//! ))?;
//! assert_eq!(compiled.evaluate(&get), Decision::Allowed);
//! assert_eq!(compiled.evaluate_explained(&get).statements[0].policy, "s3-read");
//!
//! let put = RequestContext::new(Request::new(
//!     alice,
//!     "s3:PutObject",
//!     RequestResource::new("arn:aws:s3:::bucket/key"),
//! ))?;
//! let why = compiled.evaluate_explained(&put);
//! assert_eq!(why.decision, Decision::ImplicitlyDenied);
//! assert_eq!(why.blocking_gate, Some(Gate::Identity));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod compile;
mod decide;
mod principal;

use crate::context::RequestContext;
use crate::document::Policy;
use crate::explain::{Decision, Explanation};

pub use compile::CompiledPolicySet;

/// A policy with the name it is reported under (a display name or an ARN).
#[derive(Clone, Debug, PartialEq)]
pub struct NamedPolicy {
    /// How explanations name the policy, e.g. `arn:aws:iam::aws:policy/ReadOnlyAccess` or
    /// `user/alice inline s3-access`.
    pub name: String,
    /// Where the policy comes from for identity policies: `user`, `group/NAME`, `role`; free
    /// text, reported as is.
    pub attached_via: Option<String>,
    pub policy: Policy,
}

impl NamedPolicy {
    pub fn new(name: impl Into<String>, policy: Policy) -> Self {
        Self {
            name: name.into(),
            attached_via: None,
            policy,
        }
    }
}

/// What kind of resource-based policy the resource has. Role trust and KMS key policies must
/// themselves allow the principal (or its account) even within one account
/// (`reference_policies_evaluation-logic_policy-eval-denyallow.html` §"Evaluating
/// resource-based policies": "IAM role trust policies and KMS key policies are exceptions").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ResourcePolicyKind {
    /// An ordinary resource policy (S3 bucket, SQS queue, SNS topic, Lambda function, …).
    #[default]
    Generic,
    /// An IAM role trust policy (for `sts:AssumeRole*` on the role).
    RoleTrust,
    /// An AWS KMS key policy.
    KmsKey,
}

/// The resource-based policy attached to the resource of the request.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourcePolicy {
    pub kind: ResourcePolicyKind,
    pub policy: NamedPolicy,
}

/// One node on the path from the organization root to an account, with the policies attached
/// to it.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgLevel {
    /// The root, OU or account (id or name), as reported.
    pub target: String,
    pub policies: Vec<NamedPolicy>,
}

/// The SCPs or RCPs on the path root → OUs → account. Every level needs an applicable `Allow`
/// ("there must be an explicit Allow statement at every level from the root through each OU in
/// the direct path to the account (including the target account itself)",
/// `organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html`). A level with no
/// policies has no `Allow` (AWS always attaches `FullAWSAccess`/`RCPFullAWSAccess`; include it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrgPolicyTree {
    pub levels: Vec<OrgLevel>,
}

/// Every policy that can take part in the decisions about one principal's requests.
///
/// Built per principal (and per resource, for the resource-side policies) by whoever knows the
/// inventory; the engine knows nothing of stores or accounts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicySet {
    /// Identity-based policies: the user's inline and managed policies and those of its groups,
    /// or the role's. Their union grants.
    pub identity: Vec<NamedPolicy>,
    pub permissions_boundary: Option<NamedPolicy>,
    /// Session policies (inline and managed, their union). Empty means none was passed.
    pub session: Vec<NamedPolicy>,
    pub resource: Option<ResourcePolicy>,
    /// SCPs of the principal's organization, on the path to the principal's account.
    pub scps: Option<OrgPolicyTree>,
    /// RCPs of the resource owner's organization, on the path to the resource's account.
    pub rcps: Option<OrgPolicyTree>,
    /// The policy of the VPC endpoint the request goes through.
    pub vpc_endpoint: Option<NamedPolicy>,
}

impl CompiledPolicySet {
    /// The decision alone: the fast path, which builds no explanation and stops at the first
    /// statement that settles each gate.
    pub fn evaluate(&self, ctx: &RequestContext) -> Decision {
        decide::decide(self, ctx, None).decision
    }

    /// The decision with the blocking gate (if denied), without the rest of the explanation.
    pub fn evaluate_with_gate(
        &self,
        ctx: &RequestContext,
    ) -> (Decision, Option<crate::explain::Gate>) {
        let outcome = decide::decide(self, ctx, None);
        (outcome.decision, outcome.blocking_gate)
    }

    /// The decision and its explanation: every gate's outcome, every matching statement and
    /// the context keys the policies needed that the request lacked.
    pub fn evaluate_explained(&self, ctx: &RequestContext) -> Explanation {
        decide::explain(self, ctx)
    }
}
