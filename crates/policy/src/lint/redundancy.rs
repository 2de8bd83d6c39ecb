//! Redundant and shadowed statements.
//!
//! A statement is redundant when another unconditional statement of the same effect, for the
//! same principals, already covers every action and resource it names. An Allow is shadowed when
//! an unconditional Deny of the same policy covers all of it: "an explicit deny in any policy
//! overrides any allows" (`reference_policies_evaluation-logic_policy-eval-denyallow.html`), so
//! it can never take effect.
//!
//! Coverage is decided on the patterns themselves, soundly: pattern `p` covers `q` when `p`,
//! used as a wildcard pattern, matches the text of `q`, and `p` has no `?` where `q` has
//! wildcards (a `?` in `p` could otherwise match a `*` in `q` that stands for many characters).
//! This misses some coverings (`s3:Get*` written as two patterns) but never claims a false one.

use super::{JsonPath, LintCode, Sink};
use crate::document::{Effect, OneOrMany, Policy, Principal, Spanned, Statement};
use crate::matcher::{compile_tokens, glob};

pub(super) fn check(policy: &Policy, sink: &mut Sink<'_>) {
    let statements = policy.statements();
    for (index, statement) in statements.iter().enumerate() {
        if statement.action.negated || statement.resource.as_ref().is_some_and(|r| r.negated) {
            continue;
        }
        let covering = statements.iter().enumerate().find(|(other_index, other)| {
            *other_index != index
                && other.condition.is_none()
                && same_principals(statement, other)
                && covers_statement(other, statement)
                // Of two statements that cover each other, the later one is reported.
                && !(other_index > &index && covers_statement(statement, other) && statement.condition.is_none())
        });
        let Some((other_index, other)) = covering else {
            continue;
        };
        let path = JsonPath::statement(policy, index);
        match (other.effect.value, statement.effect.value) {
            (Effect::Deny, Effect::Allow) => sink.report(
                LintCode::ShadowedStatement,
                path,
                statement.span,
                format!("statement {index} can never allow anything: statement {other_index} denies all of it without conditions"),
                Some("remove the Allow, or narrow the Deny".into()),
            ),
            (a, b) if a == b => sink.report(
                LintCode::RedundantStatement,
                path,
                statement.span,
                format!("statement {index} adds nothing: statement {other_index} already covers its actions and resources without conditions"),
                Some("remove it, or merge the two statements".into()),
            ),
            _ => {}
        }
    }
}

/// Whether `outer` covers every action and resource of `inner` (both positive elements).
fn covers_statement(outer: &Statement, inner: &Statement) -> bool {
    if outer.action.negated || outer.resource.as_ref().is_some_and(|r| r.negated) {
        return false;
    }
    if !covers_all(&outer.action.values, &inner.action.values, true) {
        return false;
    }
    match (&outer.resource, &inner.resource) {
        (None, None) => true,
        (Some(outer), Some(inner)) => covers_all(&outer.values, &inner.values, false),
        _ => false,
    }
}

fn covers_all(
    outer: &OneOrMany<Spanned<String>>,
    inner: &OneOrMany<Spanned<String>>,
    fold_case: bool,
) -> bool {
    inner.iter().all(|q| {
        outer
            .iter()
            .any(|p| pattern_covers(&p.value, &q.value, fold_case))
    })
}

fn pattern_covers(p: &str, q: &str, fold_case: bool) -> bool {
    // Variables depend on the request: only identical text is known to cover.
    if p.contains("${") || q.contains("${") {
        return p == q;
    }
    if p.contains('?') && q.contains(['*', '?']) {
        return p == q;
    }
    glob(&compile_tokens(p, true, false), q, fold_case)
}

/// Whether two statements apply to the same principals (both without `Principal`, or with the
/// same `Principal` values).
fn same_principals(a: &Statement, b: &Statement) -> bool {
    match (&a.principal, &b.principal) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.negated == b.negated && principal_text(&a.value) == principal_text(&b.value)
        }
        _ => false,
    }
}

fn principal_text(principal: &Principal) -> Vec<(&'static str, Vec<&str>)> {
    match principal {
        Principal::Wildcard => vec![("AWS", vec!["*"])],
        Principal::Map(entries) => {
            let mut text: Vec<(&'static str, Vec<&str>)> = entries
                .iter()
                .map(|entry| {
                    let mut values: Vec<&str> =
                        entry.values.iter().map(|v| v.value.as_str()).collect();
                    values.sort_unstable();
                    (entry.kind.value.as_str(), values)
                })
                .collect();
            text.sort();
            text
        }
    }
}
