//! The answers of `iamwatch simulate`: a verdict with its reasons for people, and the stable JSON
//! shape documented in `docs/simulate.md`.

use std::fmt::Write as _;

use iamwatch_policy::context::GrantKind;
use iamwatch_policy::document::Effect;
use iamwatch_policy::explain::{
    Decision, Explanation, Gate, GateOutcome, GateReport, MatchedStatement,
};
use serde_json::{Value, json};

use super::settings::{Evaluated, Settings};

/// The version of the JSON shape; bumped when a key changes meaning or disappears.
pub(super) const SCHEMA_VERSION: u32 = 1;

pub(super) fn text(settings: &Settings, results: &[Evaluated<'_>]) -> String {
    let mut out = String::new();
    for result in results {
        verdict(&mut out, result);
    }
    let allowed = results.iter().filter(|result| result.allowed()).count();
    let _ = writeln!(
        out,
        "{} request{} by `{}`: {allowed} allowed, {} denied",
        results.len(),
        plural(results.len()),
        settings.principal_text,
        results.len() - allowed,
    );
    out
}

fn verdict(out: &mut String, result: &Evaluated<'_>) {
    let why = &result.explanation;
    let _ = writeln!(
        out,
        "{:<8} {} on {}",
        verdict_word(why.decision),
        result.action.name,
        result.resource
    );
    if let Some(gate) = why.blocking_gate {
        let kind = match why.decision {
            Decision::ExplicitlyDenied => "explicit deny",
            Decision::ImplicitlyDenied | Decision::Allowed => "implicit deny: no applicable Allow",
        };
        let _ = writeln!(out, "  denied by: {gate} ({kind})");
    }
    for note in reasons(why) {
        let _ = writeln!(out, "  why: {note}");
    }
    if !why.statements.is_empty() {
        let _ = writeln!(out, "  matched statements:");
        // Deny statements first: when one applies, it is the reason.
        let (denies, allows): (Vec<_>, Vec<_>) = why
            .statements
            .iter()
            .partition(|statement| statement.effect == Effect::Deny);
        for statement in denies.into_iter().chain(allows) {
            let _ = writeln!(
                out,
                "    {:<5}  {:<8}  {}",
                statement.effect.as_str(),
                statement.gate.as_str(),
                statement_text(statement)
            );
        }
    }
    let present: Vec<&GateReport> = why
        .gates
        .iter()
        .filter(|report| report.outcome != GateOutcome::Absent)
        .collect();
    if !present.is_empty() {
        let _ = writeln!(out, "  gates:");
        for report in present {
            let note = report
                .note
                .as_deref()
                .map(|note| format!(" ({note})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {:<8}  {}{note}",
                report.gate.as_str(),
                report.outcome.as_str()
            );
        }
    }
    if !why.missing_context_keys.is_empty() {
        let _ = writeln!(
            out,
            "  missing context keys: {} (conditions asked for them; pass --context KEY=VALUE)",
            why.missing_context_keys.join(", ")
        );
    }
    out.push('\n');
}

pub(super) fn verdict_word(decision: Decision) -> &'static str {
    match decision {
        Decision::Allowed => "ALLOWED",
        Decision::ExplicitlyDenied | Decision::ImplicitlyDenied => "DENIED",
    }
}

/// The engine's notes, with a sentence for an explicit deny (which the engine does not note:
/// the matched `Deny` statement is the reason).
fn reasons(why: &Explanation) -> Vec<String> {
    let mut out = Vec::with_capacity(why.notes.len() + 1);
    if let (Decision::ExplicitlyDenied, Some(gate)) = (why.decision, why.blocking_gate) {
        out.push(format!(
            "a Deny statement in the {} applies, and an explicit deny overrides every Allow",
            gate_description(gate)
        ));
    }
    out.extend(why.notes.iter().cloned());
    out
}

fn gate_description(gate: Gate) -> &'static str {
    match gate {
        Gate::Scp => "service control policies",
        Gate::Rcp => "resource control policies",
        Gate::VpcEndpoint => "VPC endpoint policy",
        Gate::Resource => "resource-based policy",
        Gate::Identity => "identity-based policies",
        Gate::Boundary => "permissions boundary",
        Gate::Session => "session policies",
    }
}

/// `policy Statement[i] (Sid X), attached to `ou-…`, grants to the account`.
pub(super) fn statement_text(statement: &MatchedStatement) -> String {
    let mut text = format!("{} Statement[{}]", statement.policy, statement.index);
    if let Some(sid) = &statement.sid {
        let _ = write!(text, " (Sid {sid})");
    }
    if let Some(level) = &statement.level {
        let _ = write!(text, ", attached to `{level}`");
    }
    if let Some(grant) = statement.grant {
        text.push_str(match grant {
            GrantKind::Account => ", names the principal's account",
            GrantKind::LimitedByBoundaryAndSession => ", names the role (or the federating user)",
            GrantKind::Direct => ", names the principal",
        });
    }
    text
}

pub(super) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// The stable JSON shape, documented in `docs/simulate.md`.
pub(super) fn json(settings: &Settings, results: &[Evaluated<'_>]) -> Value {
    let allowed = results.iter().filter(|result| result.allowed()).count();
    json!({
        "schema_version": SCHEMA_VERSION,
        "principal": settings.principal_text,
        "summary": {
            "requests": results.len(),
            "allowed": allowed,
            "denied": results.len() - allowed,
        },
        "warnings": settings.warnings,
        "notes": settings.notes,
        "results": results.iter().map(result_json).collect::<Vec<_>>(),
    })
}

fn result_json(result: &Evaluated<'_>) -> Value {
    let mut value = json!({
        "action": result.action.name,
        "known_action": result.action.known,
        "resource": result.resource,
    });
    if let (Value::Object(object), Value::Object(explanation)) =
        (&mut value, explanation_json(&result.explanation))
    {
        object.extend(explanation);
    }
    value
}

/// The explanation's keys: `decision`, `allowed`, `blocking_gate`, `gates`, `statements`,
/// `missing_context_keys`, `notes`.
pub(super) fn explanation_json(why: &Explanation) -> Value {
    json!({
        "decision": why.decision.as_str(),
        "allowed": why.decision.is_allowed(),
        "blocking_gate": why.blocking_gate.map(Gate::as_str),
        "gates": why.gates.iter().map(|report| json!({
            "gate": report.gate.as_str(),
            "outcome": outcome_key(report.outcome),
            "note": report.note,
        })).collect::<Vec<_>>(),
        "statements": why.statements.iter().map(statement_json).collect::<Vec<_>>(),
        "missing_context_keys": why.missing_context_keys,
        "notes": reasons(why),
    })
}

fn statement_json(statement: &MatchedStatement) -> Value {
    json!({
        "gate": statement.gate.as_str(),
        "policy": statement.policy,
        "level": statement.level,
        "index": statement.index,
        "sid": statement.sid,
        "effect": statement.effect.as_str(),
        "grant": statement.grant.map(|grant| match grant {
            GrantKind::Account => "account",
            GrantKind::LimitedByBoundaryAndSession => "role",
            GrantKind::Direct => "principal",
        }),
    })
}

fn outcome_key(outcome: GateOutcome) -> &'static str {
    match outcome {
        GateOutcome::Absent => "absent",
        GateOutcome::NotApplicable => "not-applicable",
        GateOutcome::Exempt => "exempt",
        GateOutcome::Allowed => "allowed",
        GateOutcome::NoAllow => "no-allow",
        GateOutcome::Denied => "denied",
    }
}
