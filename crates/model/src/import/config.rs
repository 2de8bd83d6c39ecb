//! AWS Config configuration items for `AWS::IAM::User`, `Group`, `Role` and `Policy`.
//!
//! Accepted containers: a configuration snapshot or history file delivered to S3
//! (`{"fileVersion", "configurationItems": […]}`), `aws configservice
//! get-resource-config-history` (`configurationItems`), `batch-get-resource-config`
//! (`baseConfigurationItems`, whose `configuration` is a JSON string), a change notification
//! (`configurationItem`), a single item, or a JSON list of items.
//!
//! The `configuration` of an IAM item is the GAAD element in camelCase with URL-encoded
//! documents (AWS Config Developer Guide, resource type schema for `AWS::IAM::*`); it is read
//! by the GAAD element readers after its keys are capitalized.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::iam::{AccountAuthorization, Group, ManagedPolicy, Role, User};
use crate::ids::{AccountId, Arn, Timestamp};
use crate::import::err::ImportError;
use crate::import::node::Node;
use crate::import::raw::{
    self, ConvertedPolicy, FieldError, RawGroup, RawPolicy, RawRole, RawUser,
};

/// Whether a top-level object holds configuration items.
pub(crate) fn is_config(object: &serde_json::Map<String, Value>) -> bool {
    object.contains_key("configurationItems")
        || object.contains_key("baseConfigurationItems")
        || object.contains_key("configurationItem")
        || is_item(object)
}

pub(crate) fn is_item(object: &serde_json::Map<String, Value>) -> bool {
    object.contains_key("resourceType") && object.contains_key("configurationItemCaptureTime")
}

/// The items of a file, per account, and the latest capture time.
pub(crate) struct ConfigAccounts {
    pub(crate) accounts: Vec<AccountAuthorization>,
    pub(crate) captured: Option<Timestamp>,
}

enum Entity {
    User(User),
    Group(Group),
    Role(Role),
    Policy(ManagedPolicy),
}

pub(crate) fn read(root: &Node<'_>) -> Result<ConfigAccounts, ImportError> {
    let items = match root.value() {
        Value::Array(_) => root.items()?,
        Value::Object(object) if is_item(object) => vec![root.clone()],
        _ => {
            let mut items = root.list("configurationItems")?;
            items.extend(root.list("baseConfigurationItems")?);
            if let Some(item) = root.get("configurationItem") {
                items.push(item);
            }
            items
        }
    };
    // The latest item per resource wins (history files hold several).
    let mut latest: BTreeMap<String, (Timestamp, AccountId, Option<Entity>)> = BTreeMap::new();
    let mut captured: Option<Timestamp> = None;
    let mut iam_items = 0usize;
    for item in items {
        let resource_type = item.req_str("resourceType")?;
        if !matches!(
            resource_type,
            "AWS::IAM::User" | "AWS::IAM::Group" | "AWS::IAM::Role" | "AWS::IAM::Policy"
        ) {
            continue;
        }
        iam_items += 1;
        let time = item.req("configurationItemCaptureTime")?.time()?;
        captured = captured.max(Some(time));
        let account = item.req_parse("accountId", AccountId::parse)?;
        let key = item
            .opt_str("arn")?
            .or(item.opt_str("ARN")?)
            .or(item.opt_str("resourceId")?)
            .unwrap_or_default();
        if latest.get(&key).is_some_and(|(t, _, _)| *t > time) {
            continue;
        }
        let status = item.opt_str("configurationItemStatus")?.unwrap_or_default();
        let entity = if status.starts_with("ResourceDeleted") || status == "ResourceNotRecorded" {
            None
        } else {
            Some(entity(&item, resource_type, &account)?)
        };
        latest.insert(key, (time, account, entity));
    }
    if iam_items == 0 {
        return Err(root
            .error("holds no `AWS::IAM::User`, `Group`, `Role` or `Policy` configuration items"));
    }
    let mut accounts: BTreeMap<AccountId, AccountAuthorization> = BTreeMap::new();
    for (_, account, entity) in latest.into_values() {
        let authorization = accounts
            .entry(account.clone())
            .or_insert_with(|| AccountAuthorization::empty(account));
        match entity {
            Some(Entity::User(user)) => authorization.users.push(user),
            Some(Entity::Group(group)) => authorization.groups.push(group),
            Some(Entity::Role(role)) => authorization.roles.push(role),
            Some(Entity::Policy(policy)) => authorization.policies.push(policy),
            None => {}
        }
    }
    let mut accounts: Vec<AccountAuthorization> = accounts.into_values().collect();
    for account in &mut accounts {
        raw::add_referenced_aws_managed(account);
    }
    Ok(ConfigAccounts { accounts, captured })
}

fn entity(
    item: &Node<'_>,
    resource_type: &str,
    account: &AccountId,
) -> Result<Entity, ImportError> {
    let configuration = item.req("configuration")?;
    let parsed;
    let value = match configuration.value() {
        Value::String(text) => {
            parsed = serde_json::from_str::<Value>(text)
                .map_err(|e| configuration.error(format!("`configuration` is not JSON: {e}")))?;
            &parsed
        }
        other => other,
    };
    let value = capitalize_keys(value);
    let convert =
        |error: FieldError| configuration.error(format!("{}: {}", error.field, error.message));
    let shape =
        |e: serde_json::Error| configuration.error(format!("not the `{resource_type}` shape: {e}"));
    let entity = match resource_type {
        "AWS::IAM::User" => Entity::User(
            raw::user(serde_json::from_value::<RawUser>(value).map_err(shape)?).map_err(convert)?,
        ),
        "AWS::IAM::Group" => Entity::Group(
            raw::group(serde_json::from_value::<RawGroup>(value).map_err(shape)?)
                .map_err(convert)?,
        ),
        "AWS::IAM::Role" => Entity::Role(
            raw::role(serde_json::from_value::<RawRole>(value).map_err(shape)?).map_err(convert)?,
        ),
        _ => match raw::policy(serde_json::from_value::<RawPolicy>(value).map_err(shape)?)
            .map_err(convert)?
        {
            ConvertedPolicy::Customer(policy) => Entity::Policy(policy),
            ConvertedPolicy::AwsManaged(reference) => {
                return Err(configuration.error(format!(
                    "`{}` is an AWS managed policy, which AWS Config does not record",
                    reference.arn
                )));
            }
        },
    };
    let arn: Option<Arn> = item.opt_parse("arn", Arn::parse)?;
    let entity_arn = match &entity {
        Entity::User(u) => &u.arn,
        Entity::Group(g) => &g.arn,
        Entity::Role(r) => &r.arn,
        Entity::Policy(p) => &p.arn,
    };
    if entity_arn.account().as_ref() != Some(account) {
        return Err(item.error(format!(
            "`{entity_arn}` is not in account `{account}` (`accountId`)"
        )));
    }
    if let Some(arn) = arn {
        if arn != *entity_arn {
            return Err(item.error(format!(
                "`arn` is `{arn}` but the configuration is `{entity_arn}`"
            )));
        }
    }
    Ok(entity)
}

/// `{"userName": …, "userPolicyList": [{"policyName", "policyDocument"}]}` →
/// `{"UserName": …, "UserPolicyList": [{"PolicyName", "PolicyDocument"}]}`. Policy documents
/// (values of keys ending in `ocument`) are left as they are: their keys are case-sensitive.
fn capitalize_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| {
                    let mut chars = key.chars();
                    let capitalized = match chars.next() {
                        Some(first) => first.to_uppercase().chain(chars).collect(),
                        None => String::new(),
                    };
                    let value = if key.to_ascii_lowercase().ends_with("document") {
                        value.clone()
                    } else {
                        capitalize_keys(value)
                    };
                    (capitalized, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(capitalize_keys).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_capitalized_except_in_documents() {
        let value = serde_json::json!({
            "roleName": "r",
            "rolePolicyList": [{"policyName": "p", "policyDocument": {"Statement": [{"Condition": {"StringEquals": {"aws:username": "x"}}}]}}],
            "tags": [{"key": "k", "value": "v"}]
        });
        let out = capitalize_keys(&value);
        assert_eq!(out["RoleName"], "r");
        assert_eq!(out["RolePolicyList"][0]["PolicyName"], "p");
        assert!(
            out["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]["Condition"]["StringEquals"]
                ["aws:username"]
                .is_string()
        );
        assert_eq!(out["Tags"][0]["Key"], "k");
    }
}
