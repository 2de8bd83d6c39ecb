//! Every known class of disagreement with iam-simulate: a name, the section of
//! `docs/known-differences.md` that explains it, and a predicate that recognises it.
//!
//! Most predicates are *emulations*: they rewrite the world (policies and request context) so
//! that our engine behaves as iam-simulate documents or implements the point in question, decide
//! again, and accept the disagreement only if our decision then equals iam-simulate's. A
//! disagreement with two causes is accepted by the last class, which applies every emulation at
//! once. Anything else is unexplained and fails the test.

use iamwatch_policy::context::{ContextValue, RequestContext};
use iamwatch_policy::explain::Decision;
use serde_json::{Map, Value, json};

use super::generate::{Caller, Doc, Level, World};
use super::oracle::Answer;

/// One disagreement.
pub struct Case<'a> {
    pub world: &'a World,
    /// The request's position in the world.
    pub index: usize,
    /// Our request context (without the keys the oracle ignored).
    pub ctx: &'a RequestContext,
    pub theirs: Decision,
    pub answer: &'a Answer,
    /// Our decision for a rewritten world (same request index, same ignored keys).
    pub decide: &'a dyn Fn(&World) -> Decision,
}

impl Case<'_> {
    /// What one of iam-simulate's policy analyses said (`identity`, `resource`, `pb`,
    /// `session`, `vpce`, `scp`, `rcp`).
    fn their_gate(&self, gate: &str) -> Option<&str> {
        self.answer
            .raw
            .get("gates")
            .and_then(|gates| gates.get(gate))
            .and_then(Value::as_str)
    }

    /// Whether our decision for the emulated world equals iam-simulate's.
    fn emulated(&self, emulate: fn(&Case<'_>, &mut World) -> bool) -> bool {
        let mut world = self.world.clone();
        emulate(self, &mut world) && (self.decide)(&world) == self.theirs
    }
}

/// Whether a class documents our bug (fixed), their bug, or an ambiguity where the documentation
/// is silent or self-contradictory and the two engines chose differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    TheirBug,
    Ambiguity,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::TheirBug => "their bug",
            Kind::Ambiguity => "ambiguity",
        }
    }
}

/// A named class of disagreement.
pub struct Class {
    pub name: &'static str,
    /// The heading in `docs/known-differences.md`.
    pub section: &'static str,
    pub kind: Kind,
    pub applies: fn(&Case<'_>) -> bool,
    /// The emulation behind `applies`, if it is one (used together by the last class).
    pub emulate: Option<fn(&Case<'_>, &mut World) -> bool>,
}

pub const CLASSES: &[Class] = &[
    Class {
        name: "federated user without a session policy",
        section: "D1",
        kind: Kind::Ambiguity,
        applies: |case| case.emulated(federated_session),
        emulate: Some(federated_session),
    },
    Class {
        name: "session policy over a direct resource grant",
        section: "D2",
        kind: Kind::TheirBug,
        applies: |case| case.emulated(session_over_resource),
        emulate: Some(session_over_resource),
    },
    Class {
        name: "Deny with NotPrincipal naming part of the caller",
        section: "D3",
        kind: Kind::Ambiguity,
        applies: |case| case.emulated(not_principal_any_name),
        emulate: Some(not_principal_any_name),
    },
    Class {
        name: "ForAnyValue with IfExists on a missing key",
        section: "D4",
        kind: Kind::TheirBug,
        applies: |case| case.emulated(for_any_value_if_exists),
        emulate: Some(for_any_value_if_exists),
    },
    Class {
        name: "unresolved variable in NotResource",
        section: "D5",
        kind: Kind::Ambiguity,
        applies: |case| case.emulated(not_resource_variable),
        emulate: Some(not_resource_variable),
    },
    Class {
        name: "RCPs on actions without resource types",
        section: "D6",
        kind: Kind::Ambiguity,
        applies: |case| case.emulated(rcp_wildcard_only),
        emulate: Some(rcp_wildcard_only),
    },
    Class {
        name: "dates: epoch seconds against ISO milliseconds",
        section: "D7",
        kind: Kind::TheirBug,
        applies: |case| case.emulated(date_units),
        emulate: Some(date_units),
    },
    Class {
        name: "Null on an empty multivalued key",
        section: "D8",
        kind: Kind::Ambiguity,
        applies: |case| case.emulated(null_empty_list),
        emulate: Some(null_empty_list),
    },
    Class {
        name: "NotIpAddress with a bare address of the other family",
        section: "D9",
        kind: Kind::TheirBug,
        applies: |case| case.emulated(not_ip_other_family),
        emulate: Some(not_ip_other_family),
    },
    Class {
        name: "unresolved variable in a negated condition",
        section: "D10",
        kind: Kind::Ambiguity,
        applies: |case| case.emulated(negated_unresolved_variable),
        emulate: Some(negated_unresolved_variable),
    },
    Class {
        name: "IPv4 /0 block",
        section: "D11",
        kind: Kind::TheirBug,
        applies: |case| case.emulated(ipv4_slash_zero),
        emulate: Some(ipv4_slash_zero),
    },
    Class {
        name: "numbers in exponent notation",
        section: "D12",
        kind: Kind::Ambiguity,
        applies: |case| case.emulated(number_prefix),
        emulate: Some(number_prefix),
    },
    Class {
        name: "several of the above at once",
        section: "D1–D12",
        kind: Kind::Ambiguity,
        applies: all_at_once,
        emulate: None,
    },
];

/// The first class that explains the disagreement.
pub fn classify(case: &Case<'_>) -> Option<&'static Class> {
    CLASSES.iter().find(|class| (class.applies)(case))
}

fn all_at_once(case: &Case<'_>) -> bool {
    let mut world = case.world.clone();
    let mut changed = 0;
    for class in CLASSES {
        if let Some(emulate) = class.emulate {
            if emulate(case, &mut world) {
                changed += 1;
            }
        }
    }
    changed >= 2 && (case.decide)(&world) == case.theirs
}

// ---- rewriting worlds ----

/// Every generated document of the world (AWS managed policies are left alone), with whether it
/// is an RCP.
fn documents(world: &mut World) -> Vec<&mut Doc> {
    fn levels(levels: &mut Option<Vec<Level>>) -> impl Iterator<Item = &mut Doc> {
        levels
            .iter_mut()
            .flat_map(|levels| levels.iter_mut())
            .flat_map(|level| level.policies.iter_mut())
    }
    let mut docs: Vec<&mut Doc> = Vec::new();
    docs.extend(world.identity.iter_mut());
    docs.extend(world.boundary.iter_mut());
    docs.extend(world.session.iter_mut());
    docs.extend(world.resource.iter_mut().map(|(_, doc)| doc));
    docs.extend(levels(&mut world.scps));
    docs.extend(levels(&mut world.rcps));
    docs.extend(world.vpce.iter_mut());
    docs.retain(|doc| doc.managed.is_none());
    docs
}

fn statements(doc: &mut Doc) -> Vec<&mut Map<String, Value>> {
    match doc.json.get_mut("Statement") {
        Some(Value::Array(items)) => items.iter_mut().filter_map(Value::as_object_mut).collect(),
        Some(Value::Object(statement)) => vec![statement],
        _ => Vec::new(),
    }
}

/// Removes the statements of a document for which `drop` holds; whether any was removed.
fn remove_statements(doc: &mut Doc, drop: &mut dyn FnMut(&Map<String, Value>) -> bool) -> bool {
    let Some(Value::Array(items)) = doc.json.get_mut("Statement") else {
        return false;
    };
    let before = items.len();
    items.retain(|item| item.as_object().is_none_or(|statement| !drop(statement)));
    let changed = items.len() != before;
    if items.is_empty() {
        // A document needs a statement: one that never applies.
        items.push(json!({"Effect": "Allow", "Action": "*", "NotResource": "*"}));
    }
    changed
}

fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// A condition that always holds (`true`) or never does, on a key no request has.
fn constant(holds: bool, counter: &mut usize) -> (String, Value) {
    *counter += 1;
    let key = format!("iamwatch:never-present-{counter}");
    (key, json!(if holds { "true" } else { "false" }))
}

/// Rewrites single conditions: `rewrite(operator, key, values)` returns `Some(holds)` to replace
/// the condition with a constant. Whether anything changed.
fn rewrite_conditions(
    world: &mut World,
    rewrite: &mut dyn FnMut(&str, &str, &Value) -> Option<bool>,
) -> bool {
    let mut changed = false;
    let mut counter = 0;
    for doc in documents(world) {
        for statement in statements(doc) {
            let Some(Value::Object(block)) = statement.get_mut("Condition") else {
                continue;
            };
            let mut constants = Vec::new();
            for (operator, keys) in block.iter_mut() {
                let Value::Object(keys) = keys else { continue };
                let replaced: Vec<(String, bool)> = keys
                    .iter()
                    .filter_map(|(key, values)| {
                        rewrite(operator, key, values).map(|holds| (key.clone(), holds))
                    })
                    .collect();
                for (key, holds) in replaced {
                    keys.remove(&key);
                    constants.push(constant(holds, &mut counter));
                    changed = true;
                }
            }
            if !constants.is_empty() {
                block.retain(|_, keys| keys.as_object().is_none_or(|keys| !keys.is_empty()));
                let nulls = block
                    .entry("Null")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(nulls) = nulls {
                    nulls.extend(constants);
                }
            }
        }
    }
    changed
}

fn present(case: &Case<'_>, key: &str) -> Option<ContextValue> {
    case.ctx.get(&key.to_ascii_lowercase()).cloned()
}

// ---- the emulations ----

/// D1: iam-simulate does not limit a federated-user session that has no session policy.
fn federated_session(case: &Case<'_>, world: &mut World) -> bool {
    if !matches!(world.caller, Caller::FederatedUser { .. }) || world.session.is_some() {
        return false;
    }
    let _ = case;
    world.session = Some(Doc {
        name: "allow-all".into(),
        json: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        managed: None,
    });
    true
}

/// D2: iam-simulate applies the session policy before anything else: when it does not allow,
/// no resource-based policy can.
fn session_over_resource(case: &Case<'_>, world: &mut World) -> bool {
    if world.session.is_none() || case.their_gate("session") == Some("Allowed") {
        return false;
    }
    let Some((_, doc)) = world.resource.as_mut() else {
        return false;
    };
    remove_statements(doc, &mut |statement| {
        statement.get("Effect").and_then(Value::as_str) == Some("Allow")
    })
}

/// Every name iam-simulate can match the caller by (its account, its ARN, the role of a
/// session, the IAM user behind a federated user).
fn caller_names(caller: &Caller) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(account) = caller.account() {
        names.push(account.to_owned());
        names.push(format!("arn:aws:iam::{account}:root"));
    }
    names.push(caller.text());
    match caller {
        Caller::Session { account, role, .. } => {
            names.push(format!("arn:aws:iam::{account}:role/{role}"));
        }
        Caller::FederatedUser { account, name } => {
            names.push(format!("arn:aws:iam::{account}:user/{name}"));
        }
        _ => {}
    }
    if let Caller::Service(name) = caller {
        names.push((*name).to_owned());
    }
    names
}

/// D3: iam-simulate spares a caller from `Deny` + `NotPrincipal` when any name of it is listed
/// (its account alone, or its ARN alone); we require every name (account and ARNs).
fn not_principal_any_name(case: &Case<'_>, world: &mut World) -> bool {
    let names = caller_names(&world.caller);
    let _ = case;
    let mut changed = false;
    if let Some((_, doc)) = world.resource.as_mut() {
        changed |= remove_statements(doc, &mut |statement| {
            let Some(listed) = statement.get("NotPrincipal") else {
                return false;
            };
            let listed: Vec<&str> = match listed {
                Value::Object(map) => map.values().flat_map(strings).collect(),
                other => strings(other),
            };
            statement.get("Effect").and_then(Value::as_str) == Some("Deny")
                && listed
                    .iter()
                    .any(|name| names.iter().any(|own| own == name))
        });
    }
    changed
}

/// D4: iam-simulate ignores `IfExists` under `ForAnyValue:` — a missing key is false.
fn for_any_value_if_exists(case: &Case<'_>, world: &mut World) -> bool {
    rewrite_conditions(world, &mut |operator, key, _| {
        let operator = operator.to_ascii_lowercase();
        (operator.starts_with("foranyvalue:")
            && operator.ends_with("ifexists")
            && present(case, key).is_none())
        .then_some(false)
    })
}

/// The variables of a text (`${key}` or `${key, 'default'}`): (key, has a default).
fn variables(text: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        let (key, default) = match inner.split_once(',') {
            Some((key, _)) => (key.trim(), true),
            None => (inner.trim(), false),
        };
        if !matches!(key, "*" | "?" | "$") {
            found.push((key.to_owned(), default));
        }
        rest = &after[end + 1..];
    }
    found
}

/// D5: an unresolved variable in `NotResource`: iam-simulate makes the statement not apply; we
/// read the pattern as matching nothing, so `NotResource` excludes nothing and the statement
/// applies.
fn not_resource_variable(case: &Case<'_>, world: &mut World) -> bool {
    let mut changed = false;
    for doc in documents(world) {
        changed |= remove_statements(doc, &mut |statement| {
            statement.get("NotResource").is_some_and(|resources| {
                strings(resources).iter().any(|resource| {
                    variables(resource).iter().any(|(key, default)| {
                        !default && present(case, key).is_none_or(|value| value.is_multivalued())
                    })
                })
            })
        });
    }
    changed
}

/// D6: iam-simulate applies RCPs to actions without resource types too; we do not (RCPs govern
/// resources). Emulated by adding the RCPs' statements to the resource-based policy.
fn rcp_wildcard_only(case: &Case<'_>, world: &mut World) -> bool {
    if !case.ctx.is_wildcard_only_action() || case.their_gate("rcp") != Some("ExplicitlyDenied") {
        return false;
    }
    let Some(levels) = world.rcps.clone() else {
        return false;
    };
    let mut added: Vec<Value> = Vec::new();
    for level in &levels {
        for doc in &level.policies {
            let mut doc = doc.clone();
            added.extend(
                statements(&mut doc)
                    .into_iter()
                    .map(|s| Value::Object(s.clone())),
            );
        }
    }
    let resource = world.resource.get_or_insert_with(|| {
        (
            iamwatch_policy::eval::ResourcePolicyKind::Generic,
            Doc {
                name: "resource".into(),
                json: json!({"Version": "2012-10-17", "Statement": []}),
                managed: None,
            },
        )
    });
    if let Some(Value::Array(items)) = resource.1.json.get_mut("Statement") {
        items.extend(added);
    }
    true
}

/// The milliseconds of an ISO 8601 date as JavaScript's `Date.parse` reads it (date-only forms
/// are UTC midnight).
fn iso_millis(text: &str) -> Option<i64> {
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Some(timestamp.as_millisecond());
    }
    let date = text.parse::<jiff::civil::Date>().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp().as_millisecond())
}

fn is_epoch(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|c| c.is_ascii_digit())
}

/// D7: iam-simulate reads integers as epoch seconds but ISO dates as epoch milliseconds, so a
/// policy and a request that write the date differently are compared in different units.
/// Emulated by rewriting every ISO date (in Date conditions and in the date keys of the request)
/// as that many milliseconds, written as epoch "seconds".
fn date_units(case: &Case<'_>, world: &mut World) -> bool {
    let mut mixed = false;
    let mut changed = false;
    let to_units = |text: &str| -> Option<String> {
        (!is_epoch(text))
            .then(|| iso_millis(text))
            .flatten()
            .map(|millis| millis.to_string())
    };
    // The request's date values.
    let request = &mut world.requests[case.index];
    let mut request_forms = Vec::new();
    for (key, value) in request.context.iter_mut() {
        let lower = key.to_ascii_lowercase();
        if !matches!(
            lower.as_str(),
            "aws:currenttime" | "aws:epochtime" | "aws:tokenissuetime"
        ) {
            continue;
        }
        if let ContextValue::Single(text) = value {
            request_forms.push((lower, is_epoch(text)));
            if let Some(units) = to_units(text) {
                *text = units;
                changed = true;
            }
        }
    }
    let mut counter = 0usize;
    for doc in documents(world) {
        for statement in statements(doc) {
            let Some(Value::Object(block)) = statement.get_mut("Condition") else {
                continue;
            };
            for (operator, keys) in block.iter_mut() {
                if !operator.to_ascii_lowercase().contains("date") {
                    continue;
                }
                let Value::Object(keys) = keys else { continue };
                for (key, values) in keys.iter_mut() {
                    let lower = key.to_ascii_lowercase();
                    let request_epoch = request_forms
                        .iter()
                        .find(|(name, _)| *name == lower)
                        .map(|(_, epoch)| *epoch);
                    let mut rewrite = |text: &mut String| {
                        if let Some(request_epoch) = request_epoch {
                            mixed |= request_epoch != is_epoch(text);
                        }
                        if let Some(units) = to_units(text) {
                            *text = units;
                            counter += 1;
                        }
                    };
                    match values {
                        Value::String(text) => rewrite(text),
                        Value::Array(items) => {
                            for item in items {
                                if let Value::String(text) = item {
                                    rewrite(text);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    mixed && (changed || counter > 0)
}

/// D8: `Null` on a multivalued key with no values: we read the key as null (absent); iam-simulate
/// as present.
fn null_empty_list(case: &Case<'_>, world: &mut World) -> bool {
    rewrite_conditions(world, &mut |operator, key, values| {
        if !operator.eq_ignore_ascii_case("Null") {
            return None;
        }
        let empty = present(case, key)
            .is_some_and(|value| value.is_multivalued() && value.values().is_empty());
        // Present for iam-simulate: "true" never holds, "false" always does.
        empty.then(|| {
            strings(values)
                .iter()
                .any(|v| v.eq_ignore_ascii_case("false"))
        })
    })
}

/// D9: iam-simulate's `NotIpAddress` is false when a value is a single address (no prefix
/// length) of the other IP family than the request's; it should hold (the request is not that
/// address).
fn not_ip_other_family(case: &Case<'_>, world: &mut World) -> bool {
    rewrite_conditions(world, &mut |operator, key, values| {
        let operator = operator.to_ascii_lowercase();
        if !operator.starts_with("notipaddress") {
            return None;
        }
        let Some(ContextValue::Single(request)) = present(case, key) else {
            return None;
        };
        let request_v6 = request.contains(':');
        strings(values)
            .iter()
            .any(|value| !value.contains('/') && value.contains(':') != request_v6)
            .then_some(false)
    })
}

/// D10: a negated `String*`/`Arn*` condition whose values use a variable the request does not
/// resolve: we read the value as matching nothing, so the negated test holds ("Inverted
/// condition operators like StringNotEquals" match, `reference_policies_variables.html`);
/// iam-simulate makes the whole condition false.
fn negated_unresolved_variable(case: &Case<'_>, world: &mut World) -> bool {
    rewrite_conditions(world, &mut |operator, key, values| {
        let lower = operator.to_ascii_lowercase();
        let base = lower.rsplit(':').next().unwrap_or_default();
        let negated = base.starts_with("stringnot") || base.starts_with("arnnot");
        if !negated {
            return None;
        }
        let present_values = present(case, key)?;
        if present_values.values().is_empty() {
            return None;
        }
        strings(values)
            .iter()
            .any(|value| {
                variables(value).iter().any(|(variable, default)| {
                    !default && present(case, variable).is_none_or(|v| v.is_multivalued())
                })
            })
            .then_some(false)
    })
}

/// Rewrites the values of conditions whose operator satisfies `family`; whether any changed.
fn rewrite_values(
    world: &mut World,
    family: fn(&str) -> bool,
    rewrite: fn(&str) -> Option<String>,
) -> bool {
    let mut changed = false;
    for doc in documents(world) {
        for statement in statements(doc) {
            let Some(Value::Object(block)) = statement.get_mut("Condition") else {
                continue;
            };
            for (operator, keys) in block.iter_mut() {
                if !family(&operator.to_ascii_lowercase()) {
                    continue;
                }
                let Value::Object(keys) = keys else { continue };
                for values in keys.values_mut() {
                    let items: Vec<&mut Value> = match values {
                        Value::Array(items) => items.iter_mut().collect(),
                        other => vec![other],
                    };
                    for item in items {
                        if let Value::String(text) = item {
                            if let Some(new) = rewrite(text) {
                                *text = new;
                                changed = true;
                            }
                        }
                    }
                }
            }
        }
    }
    changed
}

/// D11: iam-simulate computes an IPv4 mask as `-1 << (32 - prefix)`; JavaScript shifts by
/// 32 mod 32 = 0, so `/0` matches only `0.0.0.0` instead of every address.
fn ipv4_slash_zero(_case: &Case<'_>, world: &mut World) -> bool {
    rewrite_values(
        world,
        |operator| operator.contains("ipaddress"),
        |value| value.ends_with("/0").then(|| value.replace("/0", "/32")),
    )
}

/// D12: a numeric condition value such as `1e3`: AWS documents integers and decimals only, so we
/// read it as no number (it matches nothing); iam-simulate's `parseInt` reads the leading digits
/// (`1`).
fn number_prefix(_case: &Case<'_>, world: &mut World) -> bool {
    rewrite_values(
        world,
        |operator| operator.contains("numeric"),
        |value| {
            let plain = value
                .strip_prefix('-')
                .unwrap_or(value)
                .split_once('.')
                .map_or_else(
                    || {
                        value
                            .trim_start_matches('-')
                            .bytes()
                            .all(|c| c.is_ascii_digit())
                    },
                    |(whole, fraction)| {
                        whole.bytes().all(|c| c.is_ascii_digit())
                            && fraction.bytes().all(|c| c.is_ascii_digit())
                    },
                );
            if plain || value.contains('.') {
                return None;
            }
            let sign = usize::from(value.starts_with('-'));
            let digits = value[sign..].bytes().take_while(u8::is_ascii_digit).count();
            (digits > 0).then(|| value[..sign + digits].to_owned())
        },
    )
}
