//! The doc-derived evaluation corpus: every `tests/corpus/*.json` file, run through one harness.
//!
//! A file is `{"defaults": {...}, "cases": [...]}`. A case:
//!
//! ```json
//! {
//!   "name": "what it shows",
//!   "source": {"url": "https://docs.aws.amazon.com/...", "section": "..."},
//!   "policies": {
//!     "identity": [POLICY, ...], "boundary": POLICY, "session": [POLICY, ...],
//!     "resource": {"kind": "generic" | "role-trust" | "kms-key", "document": POLICY},
//!     "scps": [{"target": "r-root", "policies": [POLICY, ...]}, ...], "rcps": [...],
//!     "vpce": POLICY
//!   },
//!   "request": {
//!     "principal": "ARN" | {"arn": ..., "role_arn", "user_arn", "service", "web_identity",
//!                  "anonymous": true, "account", "org_id", "org_paths", "tags",
//!                  "management_account", "service_linked_role", "unique_id", "canonical_user_id"},
//!     "action": "s3:GetObject",
//!     "resource": "ARN" | {"arn", "account", "org_id", "org_paths", "tags",
//!                          "management_account", "aws_managed_kms_key"},
//!     "context": {"aws:SourceIp": "192.0.2.1", "aws:TagKeys": ["a", "b"]}
//!   },
//!   "expect": {"decision": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied",
//!              "gate": "scp" | "rcp" | "vpce" | "resource" | "identity" | "boundary" | "session",
//!              "missing_keys": ["aws:..."]}
//! }
//! ```
//!
//! POLICY is a policy document (an object with `Statement`), a single statement (an object with
//! `Effect`, wrapped in a 2012-10-17 document), a list of statements, or
//! `{"name": ..., "document": ...}`. Documents are serialized to text and read by the real
//! parser. `defaults.request` and `defaults.policies` are merged key by key under each case's.

use std::collections::BTreeMap;
use std::path::Path;

use iamwatch_policy::context::{
    ContextValue, PrincipalIdentity, Request, RequestContext, RequestPrincipal, RequestResource,
};
use iamwatch_policy::eval::{
    CompiledPolicySet, NamedPolicy, OrgLevel, OrgPolicyTree, PolicySet, ResourcePolicy,
    ResourcePolicyKind,
};
use iamwatch_policy::explain::{Decision, Gate};
use iamwatch_policy::parse::parse_policy;
use serde_json::{Map, Value};

struct Case {
    file: String,
    name: String,
    set: PolicySet,
    request: Request,
    decision: Decision,
    gate: Option<Gate>,
    missing_keys: Option<Vec<String>>,
}

fn policy(value: &Value, default_name: &str) -> Result<NamedPolicy, String> {
    let (name, document) = match value.get("document") {
        Some(document) => (
            value
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(default_name)
                .to_owned(),
            document.clone(),
        ),
        None => (default_name.to_owned(), value.clone()),
    };
    let document = if document.get("Statement").is_some() {
        document
    } else if document.is_array() || document.get("Effect").is_some() {
        serde_json::json!({"Version": "2012-10-17", "Statement": document})
    } else {
        return Err(format!(
            "`{name}` is not a policy, statement or statement list"
        ));
    };
    let text = document
        .as_str()
        .map_or_else(|| document.to_string(), str::to_owned);
    let parsed = parse_policy(&text).map_err(|error| format!("`{name}`: {error}"))?;
    Ok(NamedPolicy::new(name, parsed))
}

fn policies(value: Option<&Value>, prefix: &str) -> Result<Vec<NamedPolicy>, String> {
    match value {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| policy(item, &format!("{prefix}[{index}]")))
            .collect(),
        Some(other) => Ok(vec![policy(other, prefix)?]),
    }
}

fn tree(value: Option<&Value>, prefix: &str) -> Result<Option<OrgPolicyTree>, String> {
    let Some(value) = value else { return Ok(None) };
    let levels = value
        .as_array()
        .ok_or(format!("{prefix} must be a list of levels"))?;
    let mut tree = OrgPolicyTree::default();
    for (index, level) in levels.iter().enumerate() {
        let target = level
            .get("target")
            .and_then(Value::as_str)
            .map_or_else(|| format!("level{index}"), str::to_owned);
        tree.levels.push(OrgLevel {
            policies: policies(level.get("policies"), &format!("{prefix}/{target}"))?,
            target,
        });
    }
    Ok(Some(tree))
}

fn policy_set(value: &Value) -> Result<PolicySet, String> {
    let mut set = PolicySet {
        identity: policies(value.get("identity"), "identity")?,
        session: policies(value.get("session"), "session")?,
        scps: tree(value.get("scps"), "scp")?,
        rcps: tree(value.get("rcps"), "rcp")?,
        ..PolicySet::default()
    };
    if let Some(boundary) = value.get("boundary") {
        set.permissions_boundary = Some(policy(boundary, "boundary")?);
    }
    if let Some(vpce) = value.get("vpce") {
        set.vpc_endpoint = Some(policy(vpce, "vpce")?);
    }
    if let Some(resource) = value.get("resource") {
        let kind = match resource.get("kind").and_then(Value::as_str) {
            None | Some("generic") => ResourcePolicyKind::Generic,
            Some("role-trust") => ResourcePolicyKind::RoleTrust,
            Some("kms-key") => ResourcePolicyKind::KmsKey,
            Some(other) => return Err(format!("unknown resource policy kind `{other}`")),
        };
        let document = resource.get("document").unwrap_or(resource);
        set.resource = Some(ResourcePolicy {
            kind,
            policy: policy(document, "resource")?,
        });
    }
    Ok(set)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn tags(value: Option<&Value>) -> Vec<(String, String)> {
    value
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn principal(value: &Value) -> Result<RequestPrincipal, String> {
    if let Some(text) = value.as_str() {
        return RequestPrincipal::parse(text).map_err(|error| error.to_string());
    }
    let mut principal = if let Some(service) = text(value, "service") {
        RequestPrincipal::new(PrincipalIdentity::Service { name: service })
    } else if let Some(provider) = text(value, "web_identity") {
        RequestPrincipal::new(PrincipalIdentity::WebIdentity { provider })
    } else if value.get("anonymous").and_then(Value::as_bool) == Some(true) {
        RequestPrincipal::new(PrincipalIdentity::Anonymous)
    } else {
        let arn = text(value, "arn").ok_or("a principal needs `arn`")?;
        RequestPrincipal::parse(&arn).map_err(|error| error.to_string())?
    };
    match &mut principal.identity {
        PrincipalIdentity::AssumedRole { role_arn, .. } => *role_arn = text(value, "role_arn"),
        PrincipalIdentity::FederatedUser { user_arn, .. } => *user_arn = text(value, "user_arn"),
        _ => {}
    }
    principal.account = text(value, "account");
    principal.org_id = text(value, "org_id");
    principal.org_paths = strings(value.get("org_paths"));
    principal.tags = tags(value.get("tags"));
    principal.in_management_account = value
        .get("management_account")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    principal.service_linked_role = value.get("service_linked_role").and_then(Value::as_bool);
    principal.unique_id = text(value, "unique_id");
    principal.canonical_user_id = text(value, "canonical_user_id");
    Ok(principal)
}

fn resource(value: &Value) -> Result<RequestResource, String> {
    if let Some(text) = value.as_str() {
        return Ok(RequestResource::new(text));
    }
    let mut resource = RequestResource::new(text(value, "arn").ok_or("a resource needs `arn`")?);
    resource.account = text(value, "account");
    resource.org_id = text(value, "org_id");
    resource.org_paths = strings(value.get("org_paths"));
    resource.tags = tags(value.get("tags"));
    resource.in_management_account = value
        .get("management_account")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    resource.aws_managed_kms_key = value
        .get("aws_managed_kms_key")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(resource)
}

fn request(value: &Value) -> Result<Request, String> {
    let principal = principal(value.get("principal").ok_or("request needs `principal`")?)?;
    let action = value
        .get("action")
        .and_then(Value::as_str)
        .ok_or("request needs `action`")?;
    let resource = resource(value.get("resource").unwrap_or(&Value::String("*".into())))?;
    let mut request = Request::new(principal, action, resource);
    if let Some(context) = value.get("context").and_then(Value::as_object) {
        for (key, value) in context {
            let value = match value {
                Value::Array(items) => ContextValue::Multi(
                    items
                        .iter()
                        .map(|item| {
                            item.as_str()
                                .map_or_else(|| item.to_string(), str::to_owned)
                        })
                        .collect(),
                ),
                Value::String(text) => ContextValue::Single(text.clone()),
                other => ContextValue::Single(other.to_string()),
            };
            request.context.insert(key.clone(), value);
        }
    }
    Ok(request)
}

fn merged(defaults: Option<&Value>, case: Option<&Value>) -> Value {
    let mut map: Map<String, Value> = defaults
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(case) = case.and_then(Value::as_object) {
        for (key, value) in case {
            map.insert(key.clone(), value.clone());
        }
    }
    Value::Object(map)
}

fn load(path: &Path) -> Result<Vec<Case>, String> {
    let file = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default()
        .to_owned();
    let text = std::fs::read_to_string(path).map_err(|error| format!("{file}: {error}"))?;
    let root: Value = serde_json::from_str(&text).map_err(|error| format!("{file}: {error}"))?;
    let defaults = root.get("defaults");
    let mut cases = Vec::new();
    for (index, case) in root
        .get("cases")
        .and_then(Value::as_array)
        .ok_or(format!("{file}: no `cases`"))?
        .iter()
        .enumerate()
    {
        let name = text_of(case, "name").unwrap_or_else(|| format!("#{index}"));
        let context = |error: String| format!("{file}: {name}: {error}");
        let source = case
            .get("source")
            .ok_or_else(|| context("no `source`".into()))?;
        if !source
            .get("url")
            .and_then(Value::as_str)
            .is_some_and(|url| url.starts_with("https://docs.aws.amazon.com/"))
        {
            return Err(context(
                "`source.url` must cite an AWS documentation page".into(),
            ));
        }
        let set = policy_set(&merged(
            defaults.and_then(|d| d.get("policies")),
            case.get("policies"),
        ))
        .map_err(context)?;
        let request = request(&merged(
            defaults.and_then(|d| d.get("request")),
            case.get("request"),
        ))
        .map_err(context)?;
        let expect = case
            .get("expect")
            .ok_or_else(|| context("no `expect`".into()))?;
        let decision = match expect.get("decision").and_then(Value::as_str) {
            Some("Allowed") => Decision::Allowed,
            Some("ExplicitlyDenied") => Decision::ExplicitlyDenied,
            Some("ImplicitlyDenied") => Decision::ImplicitlyDenied,
            other => return Err(context(format!("bad expected decision {other:?}"))),
        };
        let gate = match expect.get("gate").and_then(Value::as_str) {
            None => None,
            Some(text) => {
                Some(Gate::parse(text).ok_or_else(|| context(format!("bad gate `{text}`")))?)
            }
        };
        let missing_keys = expect.get("missing_keys").map(|keys| strings(Some(keys)));
        cases.push(Case {
            file: file.clone(),
            name,
            set,
            request,
            decision,
            gate,
            missing_keys,
        });
    }
    Ok(cases)
}

fn text_of(value: &Value, key: &str) -> Option<String> {
    text(value, key)
}

#[test]
fn corpus() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut paths: Vec<_> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let mut failures = Vec::new();
    let mut total = 0;
    let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
    let mut names = std::collections::HashSet::new();
    for path in &paths {
        let cases = match load(path) {
            Ok(cases) => cases,
            Err(error) => {
                failures.push(error);
                continue;
            }
        };
        for case in cases {
            total += 1;
            *per_file.entry(case.file.clone()).or_default() += 1;
            if !names.insert(case.name.clone()) {
                failures.push(format!(
                    "{}: duplicate case name `{}`",
                    case.file, case.name
                ));
            }
            let compiled = CompiledPolicySet::compile(&case.set);
            let ctx = match RequestContext::new(case.request.clone()) {
                Ok(ctx) => ctx,
                Err(error) => {
                    failures.push(format!("{}: {}: {error}", case.file, case.name));
                    continue;
                }
            };
            let (decision, gate) = compiled.evaluate_with_gate(&ctx);
            let explained = compiled.evaluate_explained(&ctx);
            let mut problems = Vec::new();
            if decision != case.decision {
                problems.push(format!("decision {decision}, expected {}", case.decision));
            }
            if let Some(expected) = case.gate {
                if gate != Some(expected) {
                    problems.push(format!("gate {gate:?}, expected {expected}"));
                }
            }
            if explained.decision != decision || explained.blocking_gate != gate {
                problems.push(format!(
                    "fast path ({decision}, {gate:?}) and explanation ({}, {:?}) disagree",
                    explained.decision, explained.blocking_gate
                ));
            }
            if let Some(expected) = &case.missing_keys {
                if &explained.missing_context_keys != expected {
                    problems.push(format!(
                        "missing keys {:?}, expected {expected:?}",
                        explained.missing_context_keys
                    ));
                }
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{}: {}: {}\n    notes: {:?}\n    statements: {:?}",
                    case.file,
                    case.name,
                    problems.join("; "),
                    explained.notes,
                    explained
                        .statements
                        .iter()
                        .map(|s| format!("{}:{}#{} {:?}", s.gate, s.policy, s.index, s.effect))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    eprintln!("corpus files: {per_file:?}");
    eprintln!(
        "corpus: {} passed, {} failed",
        total - failures.len().min(total),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        total >= 300,
        "the corpus should hold at least 300 cases, has {total}"
    );
}
