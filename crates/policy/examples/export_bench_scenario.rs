//! Writes the evaluation benchmark's scenario (`benches/eval/scenario.rs`: the policy set and the
//! 16 requests of `cargo bench -p iamwatch-policy --bench eval`) as iam-simulate `Simulation`
//! inputs, one per request, with our decision for each, for `scripts/bench-vs-iam-simulate`.
//!
//! Run: `cargo run -p iamwatch-policy --example export_bench_scenario > scenario.json`
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a tool with fixed inputs: failing loudly is the point"
)]

use iamwatch_policy::context::{ContextValue, PrincipalIdentity};
use iamwatch_policy::eval::{CompiledPolicySet, NamedPolicy, OrgPolicyTree};
use iamwatch_policy::serialize::to_json;
use serde_json::{Map, Value, json};

#[path = "../benches/eval/scenario.rs"]
mod scenario;

fn document(policy: &NamedPolicy) -> Value {
    serde_json::from_str(&to_json(&policy.policy)).unwrap()
}

fn named(policy: &NamedPolicy) -> Value {
    json!({"name": policy.name, "policy": document(policy)})
}

fn tree(tree: Option<&OrgPolicyTree>) -> Value {
    Value::Array(tree.map_or_else(Vec::new, |tree| {
        tree.levels
            .iter()
            .map(|level| {
                json!({
                    "orgIdentifier": level.target,
                    "policies": level.policies.iter().map(named).collect::<Vec<_>>(),
                })
            })
            .collect()
    }))
}

fn main() {
    let set = scenario::policy_set();
    let compiled = CompiledPolicySet::compile(&set);
    let mut simulations = Vec::new();
    for ctx in scenario::requests() {
        let request = ctx.request();
        let principal = match &request.principal.identity {
            PrincipalIdentity::AssumedRole { session_arn, .. } => session_arn.clone(),
            other => panic!("the bench scenario's principal changed: {other:?}"),
        };
        let context: Map<String, Value> = ctx
            .keys()
            .map(|(key, value)| {
                let value = match value {
                    ContextValue::Single(text) => json!(text),
                    ContextValue::Multi(values) => json!(values),
                };
                (key.to_owned(), value)
            })
            .collect();
        let mut simulation = json!({
            "request": {
                "principal": principal,
                "action": request.action,
                "resource": {
                    "resource": request.resource.arn,
                    "accountId": ctx.resource_account().unwrap_or(scenario::ACCOUNT),
                },
                "contextVariables": context,
            },
            "identityPolicies": set.identity.iter().map(named).collect::<Vec<_>>(),
            "serviceControlPolicies": tree(set.scps.as_ref()),
            "resourceControlPolicies": tree(set.rcps.as_ref()),
        });
        let map = simulation.as_object_mut().unwrap();
        if let Some(boundary) = &set.permissions_boundary {
            map.insert(
                "permissionBoundaryPolicies".into(),
                json!([named(boundary)]),
            );
        }
        if let Some(resource) = &set.resource {
            map.insert("resourcePolicy".into(), document(&resource.policy));
        }
        simulations.push(json!({
            "simulation": simulation,
            "ours": compiled.evaluate(&ctx).as_str(),
        }));
    }
    println!("{}", json!({ "simulations": simulations }));
}
