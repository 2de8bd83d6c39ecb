//! Differential test of the evaluation engine against @cloud-copilot/iam-simulate (npm, run as
//! an external oracle by `tests/oracle/simulate.mjs`; AGPL, so no code of it is copied here).
//!
//! A seeded generator builds worlds (a principal and every policy that governs its requests to
//! one resource family: generated identity statements with conditions, AWS managed policies,
//! boundaries, session policies, resource policies with various principals, SCP and RCP trees,
//! endpoint policies) and asks each several requests. Both engines decide every scenario; every
//! disagreement must fall in a class of `differential/classify.rs`, each of which is a section of
//! `docs/known-differences.md`. An unexplained disagreement fails the test with examples.
//!
//! Needs Node.js and the oracle: `npm ci --prefix tests/oracle` (scripts/test does it).
//! Knobs: `DIFF_SEED` (default fixed), `DIFF_WORLDS` (default 2,100 worlds × 5 requests),
//! `DIFF_DUMP=path` writes every disagreement as JSON lines.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test harness: a failure is a failed test"
)]

mod differential {
    pub mod classify;
    pub mod generate;
    pub mod oracle;
}

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::time::Instant;

use differential::classify::{self, Case};
use differential::generate::{Caller, Doc, Generator, Level, MANAGED, World};
use differential::oracle;
use iamwatch_catalog::ManagedPolicies;
use iamwatch_policy::context::{
    ContextValue, PrincipalIdentity, Request, RequestContext, RequestPrincipal, RequestResource,
};
use iamwatch_policy::eval::{
    CompiledPolicySet, NamedPolicy, OrgLevel, OrgPolicyTree, PolicySet, ResourcePolicy,
};
use iamwatch_policy::explain::Decision;
use iamwatch_policy::parse::parse_policy;
use serde_json::{Map, Value, json};

const REQUESTS_PER_WORLD: usize = 5;
const DEFAULT_WORLDS: usize = 2_100;
const DEFAULT_SEED: u64 = 0x1a3_2026;

/// Our side of the managed policies: parsed once.
struct Managed {
    parsed: HashMap<String, NamedPolicy>,
    documents: Vec<(String, Value)>,
}

fn managed() -> Managed {
    let mut parsed = HashMap::new();
    let mut documents = Vec::new();
    for name in MANAGED {
        let policy = ManagedPolicies::get()
            .by_name(name)
            .unwrap_or_else(|| panic!("AWS managed policy {name} is not in the catalog"));
        let text = policy.default_document();
        let ours = parse_policy(text).unwrap_or_else(|error| panic!("{name}: {error}"));
        parsed.insert((*name).to_owned(), NamedPolicy::new(*name, ours));
        documents.push(((*name).to_owned(), serde_json::from_str(text).unwrap()));
    }
    Managed { parsed, documents }
}

fn ours(doc: &Doc, managed: &Managed) -> NamedPolicy {
    if let Some(name) = &doc.managed {
        return managed.parsed[name].clone();
    }
    let text = doc.json.to_string();
    match parse_policy(&text) {
        Ok(policy) => NamedPolicy::new(doc.name.clone(), policy),
        Err(error) => panic!("generated policy does not parse: {error}\n{text}"),
    }
}

const RCP_FULL_AWS_ACCESS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

fn tree(levels: &[Level], managed: &Managed, rcp: bool) -> OrgPolicyTree {
    OrgPolicyTree {
        levels: levels
            .iter()
            .map(|level| {
                let mut policies = Vec::new();
                if rcp {
                    // iam-simulate attaches RCPFullAWSAccess itself, as AWS does.
                    policies.push(NamedPolicy::new(
                        "RCPFullAWSAccess",
                        parse_policy(RCP_FULL_AWS_ACCESS).unwrap(),
                    ));
                }
                policies.extend(level.policies.iter().map(|doc| ours(doc, managed)));
                OrgLevel {
                    target: level.target.clone(),
                    policies,
                }
            })
            .collect(),
    }
}

fn policy_set(world: &World, managed: &Managed) -> PolicySet {
    PolicySet {
        identity: world
            .identity
            .iter()
            .map(|doc| ours(doc, managed))
            .collect(),
        permissions_boundary: world.boundary.as_ref().map(|doc| ours(doc, managed)),
        session: world.session.iter().map(|doc| ours(doc, managed)).collect(),
        resource: world.resource.as_ref().map(|(kind, doc)| ResourcePolicy {
            kind: *kind,
            policy: ours(doc, managed),
        }),
        scps: world
            .scps
            .as_ref()
            .map(|levels| tree(levels, managed, false)),
        rcps: world
            .rcps
            .as_ref()
            .map(|levels| tree(levels, managed, true)),
        vpc_endpoint: world.vpce.as_ref().map(|doc| ours(doc, managed)),
    }
}

fn principal(caller: &Caller) -> RequestPrincipal {
    match caller {
        Caller::Anonymous => RequestPrincipal::new(PrincipalIdentity::Anonymous),
        Caller::FederatedUser { account, name } => {
            let mut principal = RequestPrincipal::parse(&caller.text()).unwrap();
            // iam-simulate derives the federating user's ARN from the session name.
            principal.identity = PrincipalIdentity::FederatedUser {
                arn: caller.text(),
                user_arn: Some(format!("arn:aws:iam::{account}:user/{name}")),
            };
            principal
        }
        other => RequestPrincipal::parse(&other.text()).unwrap(),
    }
}

/// Our request, without the context keys the oracle ignored.
fn request(world: &World, index: usize, drop: &[String]) -> Request {
    let req = &world.requests[index];
    let mut resource = RequestResource::new(req.resource.clone());
    resource.account = Some(req.resource_account.to_owned());
    let mut request = Request::new(principal(&world.caller), req.action, resource);
    for (key, value) in &req.context {
        if !drop.iter().any(|ignored| ignored.eq_ignore_ascii_case(key)) {
            request.context.insert(key.clone(), value.clone());
        }
    }
    request
}

fn value_json(value: &ContextValue) -> Value {
    match value {
        ContextValue::Single(text) => json!(text),
        ContextValue::Multi(values) => json!(values),
    }
}

fn oracle_policy(doc: &Doc) -> Value {
    match &doc.managed {
        Some(name) => json!({"$ref": name}),
        None => doc.json.clone(),
    }
}

fn oracle_tree(levels: &[Level]) -> Value {
    Value::Array(
        levels
            .iter()
            .map(|level| {
                json!({
                    "orgIdentifier": level.target,
                    "policies": level.policies.iter()
                        .map(|doc| json!({"name": doc.name, "policy": oracle_policy(doc)}))
                        .collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// The oracle's `Simulation` for one request: the context is every key our request context
/// holds (supplied and derived), so both engines see the same keys.
fn simulation(world: &World, index: usize, ctx: &RequestContext) -> Value {
    let req = &world.requests[index];
    let context: Map<String, Value> = ctx
        .keys()
        .map(|(key, value)| (key.to_owned(), value_json(value)))
        .collect();
    let mut simulation = json!({
        "request": {
            "principal": world.caller.text(),
            "action": req.action,
            "resource": {"resource": req.resource, "accountId": req.resource_account},
            "contextVariables": context,
        },
        "identityPolicies": world.identity.iter()
            .map(|doc| json!({"name": doc.name, "policy": oracle_policy(doc)}))
            .collect::<Vec<_>>(),
        "serviceControlPolicies": world.scps.as_deref().map_or(json!([]), oracle_tree),
        "resourceControlPolicies": world.rcps.as_deref().map_or(json!([]), oracle_tree),
    });
    let map = simulation.as_object_mut().unwrap();
    if let Some(boundary) = &world.boundary {
        map.insert(
            "permissionBoundaryPolicies".into(),
            json!([{"name": boundary.name, "policy": oracle_policy(boundary)}]),
        );
    }
    if let Some(session) = &world.session {
        map.insert("sessionPolicy".into(), oracle_policy(session));
    }
    if let Some((_, doc)) = &world.resource {
        map.insert("resourcePolicy".into(), oracle_policy(doc));
    }
    if let Some(vpce) = &world.vpce {
        map.insert(
            "vpcEndpointPolicies".into(),
            json!([{"name": vpce.name, "policy": oracle_policy(vpce)}]),
        );
    }
    simulation
}

fn decision_of(text: &str) -> Option<Decision> {
    match text {
        "Allowed" => Some(Decision::Allowed),
        "ExplicitlyDenied" => Some(Decision::ExplicitlyDenied),
        "ImplicitlyDenied" => Some(Decision::ImplicitlyDenied),
        _ => None,
    }
}

fn seed() -> u64 {
    std::env::var("DIFF_SEED")
        .ok()
        .and_then(|text| {
            text.strip_prefix("0x").map_or_else(
                || text.parse().ok(),
                |hex| u64::from_str_radix(hex, 16).ok(),
            )
        })
        .unwrap_or(DEFAULT_SEED)
}

fn worlds() -> usize {
    std::env::var("DIFF_WORLDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_WORLDS)
}

#[test]
fn differential_against_iam_simulate() {
    let oracle_dir = match oracle::check_installed() {
        Ok(dir) => dir,
        Err(message) => panic!("{message}"),
    };
    let started = Instant::now();
    let managed = managed();
    let seed = seed();
    let mut generator = Generator::new(seed, managed.documents.clone());
    let worlds: Vec<World> = (0..worlds())
        .map(|_| generator.world(REQUESTS_PER_WORLD))
        .collect();

    // The oracle's input: managed policies once, then one line per scenario.
    let mut lines: Vec<String> = managed
        .documents
        .iter()
        .map(|(name, document)| json!({"define": name, "policy": document}).to_string())
        .collect();
    let mut contexts = Vec::new();
    for world in &worlds {
        for index in 0..world.requests.len() {
            let ctx = RequestContext::new(request(world, index, &[])).unwrap();
            let id = contexts.len();
            lines.push(json!({"id": id, "simulation": simulation(world, index, &ctx)}).to_string());
            contexts.push(ctx);
        }
    }
    let scenarios = contexts.len();
    let generated = started.elapsed();

    // Our engine runs while the oracle works.
    let oracle_lines = lines;
    let oracle_thread = std::thread::spawn(move || {
        let started = Instant::now();
        let answers = oracle::run(&oracle_dir, oracle_lines, scenarios);
        (answers, started.elapsed())
    });
    let ours_started = Instant::now();
    let mut decisions = Vec::with_capacity(scenarios);
    {
        let mut next = 0;
        for world in &worlds {
            let compiled = CompiledPolicySet::compile(&policy_set(world, &managed));
            for _ in 0..world.requests.len() {
                decisions.push(compiled.evaluate_with_gate(&contexts[next]));
                next += 1;
            }
        }
    }
    let ours_time = ours_started.elapsed();
    let (answers, oracle_time) = oracle_thread.join().unwrap();
    let answers = answers.unwrap_or_else(|message| panic!("{message}"));

    // Scenarios where the oracle dropped context keys (not valid for the action, as AWS would
    // not send them): decide again without them.
    let mut next = 0;
    for world in &worlds {
        let mut compiled = None;
        for index in 0..world.requests.len() {
            let answer = &answers[next];
            if !answer.ignored_keys.is_empty() {
                let compiled = compiled.get_or_insert_with(|| {
                    CompiledPolicySet::compile(&policy_set(world, &managed))
                });
                let ctx = RequestContext::new(request(world, index, &answer.ignored_keys)).unwrap();
                decisions[next] = compiled.evaluate_with_gate(&ctx);
                contexts[next] = ctx;
            }
            next += 1;
        }
    }

    // Compare and classify.
    let mut errors = Vec::new();
    let mut agree = 0usize;
    let mut per_class: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut unexplained: Vec<String> = Vec::new();
    let mut unexplained_count = 0usize;
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut dump = String::new();
    let mut next = 0;
    for (world_index, world) in worlds.iter().enumerate() {
        for index in 0..world.requests.len() {
            let answer = &answers[next];
            let (decision, gate) = decisions[next];
            let ctx = &contexts[next];
            next += 1;
            if let Some(error) = &answer.error {
                errors.push(format!(
                    "world {world_index} request {index}: the oracle refused the scenario: {error}"
                ));
                continue;
            }
            let Some(theirs) = answer.result.as_deref().and_then(decision_of) else {
                errors.push(format!("world {world_index}: no result from the oracle"));
                continue;
            };
            *outcomes.entry(format!("{decision}")).or_default() += 1;
            if theirs == decision {
                agree += 1;
                continue;
            }
            let decide = |world: &World| -> Decision {
                let compiled = CompiledPolicySet::compile(&policy_set(world, &managed));
                let ctx = RequestContext::new(request(world, index, &answer.ignored_keys)).unwrap();
                compiled.evaluate(&ctx)
            };
            let case = Case {
                world,
                index,
                ctx,
                theirs,
                answer,
                decide: &decide,
            };
            let class = classify::classify(&case);
            let example = || {
                let mut text = String::new();
                let _ = write!(
                    text,
                    "ours {decision} (gate {}), iam-simulate {theirs} {}\n  request: {} {} {} context {}\n  world: {}",
                    gate.map_or("-", |gate| gate.as_str()),
                    answer.raw,
                    world.caller.text(),
                    world.requests[index].action,
                    world.requests[index].resource,
                    serde_json::to_string(
                        &ctx.keys()
                            .map(|(k, v)| (k.to_owned(), value_json(v)))
                            .collect::<Map<_, _>>()
                    )
                    .unwrap(),
                    world_json(world),
                );
                text
            };
            if std::env::var_os("DIFF_DUMP").is_some() {
                let _ = writeln!(
                    dump,
                    "{}",
                    json!({"class": class.map(|class| class.name), "ours": decision.as_str(),
                           "gate": gate.map(|gate| gate.as_str()), "theirs": answer.raw,
                           "caller": world.caller.text(), "action": world.requests[index].action,
                           "resource": world.requests[index].resource,
                           "context": ctx.keys().map(|(k, v)| (k.to_owned(), value_json(v))).collect::<Map<_, _>>(),
                           "world": world_json(world)})
                );
            }
            match class {
                Some(class) => *per_class.entry(class.name).or_default() += 1,
                None => {
                    unexplained_count += 1;
                    if unexplained.len() < 6 {
                        unexplained.push(example());
                    }
                }
            }
        }
    }
    if let Some(path) = std::env::var_os("DIFF_DUMP") {
        std::fs::write(path, dump).unwrap();
    }

    println!(
        "differential test: seed {seed:#x}, {} worlds, {scenarios} scenarios; generated in {:.1?}, our engine {:.1?}, iam-simulate {:.1?}, total {:.1?}",
        worlds.len(),
        generated,
        ours_time,
        oracle_time,
        started.elapsed()
    );
    println!("our decisions: {outcomes:?}");
    println!("agree: {agree}");
    for class in classify::CLASSES {
        println!(
            "disagree, {:<48} {:>6}   ({}, docs/known-differences.md {})",
            class.name,
            per_class.get(class.name).copied().unwrap_or(0),
            class.kind.as_str(),
            class.section
        );
    }
    println!("disagree, unexplained {unexplained_count:>47}");
    if !errors.is_empty() {
        panic!(
            "{} scenarios were refused by the oracle (a generator bug), e.g.:\n{}",
            errors.len(),
            errors
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    assert!(
        scenarios >= 10_000 || std::env::var_os("DIFF_WORLDS").is_some(),
        "too few scenarios: {scenarios}"
    );
    if unexplained_count > 0 {
        panic!(
            "{unexplained_count} unexplained disagreements with iam-simulate (seed {seed:#x}); examples:\n\n{}",
            unexplained.join("\n\n")
        );
    }
}

fn world_json(world: &World) -> Value {
    let docs = |docs: &[Doc]| -> Value {
        Value::Array(
            docs.iter()
                .map(|doc| match &doc.managed {
                    Some(name) => json!(format!("managed:{name}")),
                    None => doc.json.clone(),
                })
                .collect(),
        )
    };
    let tree = |levels: &Option<Vec<Level>>| -> Value {
        levels.as_ref().map_or(Value::Null, |levels| {
            Value::Array(
                levels
                    .iter()
                    .map(|level| json!({"target": level.target, "policies": docs(&level.policies)}))
                    .collect(),
            )
        })
    };
    json!({
        "identity": docs(&world.identity),
        "boundary": world.boundary.as_ref().map(|doc| doc.json.clone()),
        "session": world.session.as_ref().map(|doc| doc.json.clone()),
        "resource": world.resource.as_ref().map(|(kind, doc)| json!({"kind": format!("{kind:?}"), "document": doc.json})),
        "scps": tree(&world.scps),
        "rcps": tree(&world.rcps),
        "vpce": world.vpce.as_ref().map(|doc| doc.json.clone()),
    })
}
