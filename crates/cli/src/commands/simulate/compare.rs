//! `iamwatch simulate --compare OLD NEW`: which requests change their decision when one candidate
//! policy replaces another, as an identity policy or as the session (scope-down) policy.

use std::fmt::Write as _;

use iamwatch_policy::eval::{NamedPolicy, PolicySet};
use iamwatch_policy::explain::{Decision, Explanation};
use serde_json::{Value, json};

use super::CompareAs;
use super::render::{self, SCHEMA_VERSION, plural, statement_text, verdict_word};
use super::request::ActionName;
use super::settings::{Candidates, Settings};

/// One request evaluated under both candidates.
#[derive(Debug)]
pub(super) struct Change<'a> {
    action: &'a ActionName,
    resource: &'a str,
    old: Explanation,
    new: Explanation,
}

/// How a decision moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    /// Denied under OLD, allowed under NEW.
    Gained,
    /// Allowed under OLD, denied under NEW.
    Lost,
    /// Denied under both, but one explicitly and the other implicitly.
    DenyKind,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Gained => "gained",
            Direction::Lost => "lost",
            Direction::DenyKind => "deny-kind",
        }
    }
}

impl Change<'_> {
    pub(super) fn differs(&self) -> bool {
        self.kind().is_some()
    }

    fn kind(&self) -> Option<Direction> {
        match (self.old.decision, self.new.decision) {
            (old, new) if old == new => None,
            (_, Decision::Allowed) => Some(Direction::Gained),
            (Decision::Allowed, _) => Some(Direction::Lost),
            _ => Some(Direction::DenyKind),
        }
    }
}

/// The policy set with a candidate in its place.
fn with_candidate(base: &PolicySet, candidate: &NamedPolicy, as_: CompareAs) -> PolicySet {
    let mut set = base.clone();
    match as_ {
        CompareAs::Identity => set.identity.push(candidate.clone()),
        // INVARIANT: settings refuse inline --session-policy files with --compare-as session,
        // so the base session policies are managed ones, passed next to the inline candidate.
        CompareAs::Session => set.session.push(candidate.clone()),
    }
    set
}

/// Every request of the matrix under both candidates, in matrix order.
pub(super) fn run<'a>(
    settings: &'a Settings,
    candidates: &Candidates,
) -> anyhow::Result<Vec<Change<'a>>> {
    let old = settings.evaluate(&with_candidate(
        &settings.policies,
        &candidates.old,
        candidates.as_,
    ))?;
    let new = settings.evaluate(&with_candidate(
        &settings.policies,
        &candidates.new,
        candidates.as_,
    ))?;
    Ok(old
        .into_iter()
        .zip(new)
        .map(|(old, new)| Change {
            action: old.action,
            resource: old.resource,
            old: old.explanation,
            new: new.explanation,
        })
        .collect())
}

struct Counts {
    gained: usize,
    lost: usize,
    deny_kind: usize,
}

fn counts(changes: &[Change<'_>]) -> Counts {
    let count = |kind| {
        changes
            .iter()
            .filter(|change| change.kind() == Some(kind))
            .count()
    };
    Counts {
        gained: count(Direction::Gained),
        lost: count(Direction::Lost),
        deny_kind: count(Direction::DenyKind),
    }
}

pub(super) fn text(settings: &Settings, candidates: &Candidates, changes: &[Change<'_>]) -> String {
    let mut out = String::new();
    for change in changes {
        let Some(kind) = change.kind() else { continue };
        let label = match kind {
            Direction::Gained => "GAINED",
            Direction::Lost => "LOST",
            Direction::DenyKind => "CHANGED",
        };
        let _ = writeln!(
            out,
            "{label:<8} {} on {}",
            change.action.name, change.resource
        );
        side(&mut out, "old", &candidates.old.name, &change.old);
        side(&mut out, "new", &candidates.new.name, &change.new);
        out.push('\n');
    }
    let counts = counts(changes);
    let changed = counts.gained + counts.lost + counts.deny_kind;
    let _ = writeln!(
        out,
        "{} request{} by `{}` compared with `{}` and `{}` as {}: {}",
        changes.len(),
        plural(changes.len()),
        settings.principal_text,
        candidates.old.name,
        candidates.new.name,
        match candidates.as_ {
            CompareAs::Identity => "an identity policy",
            CompareAs::Session => "the session policy",
        },
        if changed == 0 {
            "no decision changes".to_owned()
        } else {
            format!(
                "{changed} decision{} change ({} gained, {} lost, {} between explicit and \
                 implicit deny)",
                plural(changed),
                counts.gained,
                counts.lost,
                counts.deny_kind
            )
        }
    );
    out
}

fn side(out: &mut String, label: &str, name: &str, why: &Explanation) {
    let denied_by = match (why.decision, why.blocking_gate) {
        (Decision::ExplicitlyDenied, Some(gate)) => format!(" by {gate} (explicit deny)"),
        (Decision::ImplicitlyDenied, Some(gate)) => format!(" by {gate} (implicit deny)"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  {label} `{name}`: {}{denied_by}",
        verdict_word(why.decision)
    );
    for statement in &why.statements {
        let _ = writeln!(
            out,
            "    {:<5}  {:<8}  {}",
            statement.effect.as_str(),
            statement.gate.as_str(),
            statement_text(statement)
        );
    }
}

/// The stable JSON shape of `--compare`, documented in `docs/simulate.md`.
pub(super) fn json(settings: &Settings, candidates: &Candidates, changes: &[Change<'_>]) -> Value {
    let counts = counts(changes);
    let listed: Vec<Value> = changes
        .iter()
        .filter_map(|change| {
            let kind = change.kind()?;
            Some(json!({
                "action": change.action.name,
                "known_action": change.action.known,
                "resource": change.resource,
                "change": kind.as_str(),
                "old": render::explanation_json(&change.old),
                "new": render::explanation_json(&change.new),
            }))
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "principal": settings.principal_text,
        "compare_as": candidates.as_.as_str(),
        "old": candidates.old.name,
        "new": candidates.new.name,
        "summary": {
            "requests": changes.len(),
            "changed": counts.gained + counts.lost + counts.deny_kind,
            "gained": counts.gained,
            "lost": counts.lost,
            "deny_kind": counts.deny_kind,
        },
        "warnings": settings.warnings,
        "notes": settings.notes,
        "changes": listed,
    })
}
