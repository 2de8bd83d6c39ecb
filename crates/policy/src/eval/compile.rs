//! Compiling a [`PolicySet`]: statements with lower-cased action matchers, segment-aware ARN
//! matchers and parsed condition values, grouped per gate behind an action index.
//!
//! The index answers "which statements can match action `svc:name`" without scanning every
//! pattern: exact names sit in a hash map, wildcard patterns in per-service lists, and only
//! statements with `NotAction`, `*` or malformed patterns are checked for every request. A role
//! with `ReadOnlyAccess` (thousands of patterns) thus looks at a handful per request.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use crate::condition::CompiledConditions;
use crate::document::{Effect, Policy};
use crate::matcher::{ActionKind, ActionMatcher, ArnPattern, Token, glob};

use super::principal::CompiledPrincipal;
use super::{NamedPolicy, OrgPolicyTree, PolicySet, ResourcePolicyKind};

/// A policy set compiled for evaluation. Immutable, `Send` and `Sync`: build it once and share
/// it between threads.
#[derive(Clone, Debug)]
pub struct CompiledPolicySet {
    pub(crate) statements: Vec<CompiledStatement>,
    pub(crate) policies: Vec<PolicyInfo>,
    pub(crate) identity: PolicyGroup,
    pub(crate) boundary: Option<PolicyGroup>,
    pub(crate) session: Option<PolicyGroup>,
    pub(crate) resource: Option<(ResourcePolicyKind, PolicyGroup)>,
    pub(crate) vpc_endpoint: Option<PolicyGroup>,
    pub(crate) scps: Option<Vec<PolicyGroup>>,
    pub(crate) rcps: Option<Vec<PolicyGroup>>,
}

/// How a policy is reported.
#[derive(Clone, Debug)]
pub(crate) struct PolicyInfo {
    pub(crate) name: String,
    pub(crate) level: Option<String>,
}

/// One statement, compiled.
#[derive(Clone, Debug)]
pub(crate) struct CompiledStatement {
    pub(crate) effect: Effect,
    pub(crate) not_action: bool,
    pub(crate) actions: Vec<ActionMatcher>,
    /// `None` when the statement has no `Resource`/`NotResource` (trust policies): it applies to
    /// any resource.
    pub(crate) resources: Option<(bool, Vec<ArnPattern>)>,
    pub(crate) principal: Option<CompiledPrincipal>,
    pub(crate) conditions: CompiledConditions,
    pub(crate) policy: usize,
    pub(crate) index: usize,
    pub(crate) sid: Option<String>,
}

impl CompiledStatement {
    /// Whether the statement's action element matches the (lower-cased) action.
    pub(crate) fn matches_action(&self, action: &str, service: &str, name: &str) -> bool {
        let any = self
            .actions
            .iter()
            .any(|matcher| matcher.matches_parts(action, service, name));
        any != self.not_action
    }
}

/// The statements of the policies that form one gate (or one level of an SCP/RCP tree), with
/// an action index over its `Deny` statements and one over its `Allow` statements, so that the
/// fast path can check every `Deny` and stop at the first `Allow`.
#[derive(Clone, Debug, Default)]
pub(crate) struct PolicyGroup {
    pub(crate) deny: ActionIndex,
    pub(crate) allow: ActionIndex,
    /// The policies in the group (indices into `CompiledPolicySet::policies`).
    pub(crate) policies: Vec<usize>,
}

/// Which statements can match an action.
#[derive(Clone, Debug, Default)]
pub(crate) struct ActionIndex {
    /// Lower-cased `service:name` → statements naming it exactly.
    exact: HashMap<Box<str>, Vec<usize>, FxBuildHasher>,
    /// Service prefix → the wildcard name patterns of that service and their statements.
    by_service: HashMap<Box<str>, Vec<NamePattern>, FxBuildHasher>,
    /// Statements to test in full for every action (`NotAction`, `*`, malformed patterns).
    always: Vec<usize>,
}

/// A wildcard action-name pattern (without its service prefix) and its statement.
type NamePattern = (Vec<Token>, usize);

/// A statement found by the index, and whether its action is already known to match.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Candidate {
    pub(crate) statement: usize,
    pub(crate) action_matched: bool,
}

impl ActionIndex {
    /// The statements that may match `action` (lower-cased `service:name`). A statement may
    /// come more than once (several of its patterns match); callers tolerate that.
    pub(crate) fn candidates<'a>(
        &'a self,
        action: &'a str,
        service: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = Candidate> + 'a {
        let exact = self
            .exact
            .get(action)
            .into_iter()
            .flatten()
            .map(|&statement| Candidate {
                statement,
                action_matched: true,
            });
        let wildcard = self
            .by_service
            .get(service)
            .into_iter()
            .flatten()
            .filter(move |(pattern, _)| glob(pattern, name, false))
            .map(|&(_, statement)| Candidate {
                statement,
                action_matched: true,
            });
        let always = self.always.iter().map(|&statement| Candidate {
            statement,
            action_matched: false,
        });
        exact.chain(wildcard).chain(always)
    }

    fn add(&mut self, statement_index: usize, statement: &CompiledStatement) {
        if statement.not_action {
            self.always.push(statement_index);
            return;
        }
        let mut in_always = false;
        for matcher in &statement.actions {
            match matcher.kind() {
                ActionKind::Exact(name) => {
                    let list = self.exact.entry(name.clone()).or_default();
                    if list.last() != Some(&statement_index) {
                        list.push(statement_index);
                    }
                }
                ActionKind::ServicePattern { service, name } => self
                    .by_service
                    .entry(service.clone())
                    .or_default()
                    .push((name.clone(), statement_index)),
                ActionKind::Any | ActionKind::Other(_) => {
                    if !in_always {
                        self.always.push(statement_index);
                        in_always = true;
                    }
                }
            }
        }
    }
}

/// FxHash (the multiply-rotate hash of rustc): the index keys are short action names and
/// service prefixes from trusted policy text, so a fast non-cryptographic hash is enough.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxBuildHasher;

impl BuildHasher for FxBuildHasher {
    type Hasher = FxHasher;

    fn build_hasher(&self) -> FxHasher {
        FxHasher { hash: 0 }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &byte in chunks.remainder() {
            self.add(u64::from(byte));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

struct Compiler {
    statements: Vec<CompiledStatement>,
    policies: Vec<PolicyInfo>,
}

impl Compiler {
    fn group<'a>(
        &mut self,
        policies: impl IntoIterator<Item = &'a NamedPolicy>,
        level: Option<&str>,
    ) -> PolicyGroup {
        let mut group = PolicyGroup::default();
        for named in policies {
            let policy_index = self.policies.len();
            self.policies.push(PolicyInfo {
                name: named.name.clone(),
                level: level.map(str::to_owned),
            });
            group.policies.push(policy_index);
            self.add_policy(&mut group, &named.policy, policy_index);
        }
        group
    }

    fn add_policy(&mut self, group: &mut PolicyGroup, policy: &Policy, policy_index: usize) {
        let variables = policy.version().supports_variables();
        for (index, statement) in policy.statements().iter().enumerate() {
            let actions: Vec<ActionMatcher> = statement
                .action
                .values
                .iter()
                .map(|value| ActionMatcher::new(&value.value))
                .collect();
            let resources = statement.resource.as_ref().map(|element| {
                (
                    element.negated,
                    element
                        .values
                        .iter()
                        .map(|value| ArnPattern::new(&value.value, variables))
                        .collect(),
                )
            });
            let compiled = CompiledStatement {
                effect: statement.effect.value,
                not_action: statement.action.negated,
                actions,
                resources,
                principal: statement.principal.as_ref().map(CompiledPrincipal::compile),
                conditions: CompiledConditions::compile(statement.condition.as_ref(), variables),
                policy: policy_index,
                index,
                sid: statement.sid.as_ref().map(|sid| sid.value.clone()),
            };
            let statement_index = self.statements.len();
            match compiled.effect {
                Effect::Deny => group.deny.add(statement_index, &compiled),
                Effect::Allow => group.allow.add(statement_index, &compiled),
            }
            self.statements.push(compiled);
        }
    }

    fn tree(&mut self, tree: &OrgPolicyTree) -> Vec<PolicyGroup> {
        tree.levels
            .iter()
            .map(|level| self.group(&level.policies, Some(&level.target)))
            .collect()
    }
}

impl CompiledPolicySet {
    /// Compiles every policy of the set. Compilation never fails: values the engine cannot read
    /// (a malformed ARN pattern, a number that is not one) compile to matchers that match
    /// nothing, as documented in [`crate::condition`].
    pub fn compile(set: &PolicySet) -> CompiledPolicySet {
        let mut compiler = Compiler {
            statements: Vec::new(),
            policies: Vec::new(),
        };
        let identity = compiler.group(&set.identity, None);
        let boundary = set
            .permissions_boundary
            .as_ref()
            .map(|policy| compiler.group([policy], None));
        let session = (!set.session.is_empty()).then(|| compiler.group(&set.session, None));
        let resource = set
            .resource
            .as_ref()
            .map(|resource| (resource.kind, compiler.group([&resource.policy], None)));
        let vpc_endpoint = set
            .vpc_endpoint
            .as_ref()
            .map(|policy| compiler.group([policy], None));
        let scps = set.scps.as_ref().map(|tree| compiler.tree(tree));
        let rcps = set.rcps.as_ref().map(|tree| compiler.tree(tree));
        CompiledPolicySet {
            statements: compiler.statements,
            policies: compiler.policies,
            identity,
            boundary,
            session,
            resource,
            vpc_endpoint,
            scps,
            rcps,
        }
    }

    /// How many statements the set holds.
    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }

    /// Whether the set has a permissions boundary.
    pub fn has_boundary(&self) -> bool {
        self.boundary.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn compiled_sets_are_send_and_sync() {
        assert_send_sync::<CompiledPolicySet>();
    }
}
