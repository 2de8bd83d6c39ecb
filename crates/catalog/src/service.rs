//! Services, their actions and their resource types.

use std::sync::Arc;

use crate::access_level::AccessLevel;
use crate::condition_key::ConditionKey;
use crate::pattern::{Template, cmp_ignore_case, literal_len, template_matches};
use crate::shared::{SharedSlice, SharedStr};

/// An AWS service in the Service Authorization Reference, named by its action prefix (`s3`).
#[derive(Debug)]
pub struct Service {
    pub(crate) prefix: Box<str>,
    pub(crate) name: Box<str>,
    // INVARIANT: `actions`, `resource_types` and `condition_keys` are sorted by name with
    // `cmp_ignore_case`, which the lookups below binary-search on.
    pub(crate) actions: Vec<Action>,
    pub(crate) resource_types: Vec<Arc<ResourceType>>,
    pub(crate) condition_keys: Vec<ConditionKey>,
    pub(crate) supports_rcp: bool,
}

impl Service {
    /// The service prefix used in action names (`s3`, `iam`), lower case.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The service's name (`Amazon S3`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The service's actions, sorted by name.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// One action by its name without the prefix (`GetObject`), case-insensitive.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .binary_search_by(|a| cmp_ignore_case(a.name(), name))
            .ok()
            .and_then(|i| self.actions.get(i))
    }

    /// The service's resource types, sorted by name.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = &ResourceType> + '_ {
        self.resource_types.iter().map(|r| &**r)
    }

    /// One resource type by name (`object`), case-insensitive.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types
            .binary_search_by(|r| cmp_ignore_case(r.name(), name))
            .ok()
            .and_then(|i| self.resource_types.get(i))
            .map(|r| &**r)
    }

    /// The resource type whose ARN format a concrete ARN fits (see
    /// [`ResourceType::matches_arn`]). When several fit, as `arn:aws:s3:::b/k` fits both
    /// `object` and (through its last placeholder) `bucket`, the format with the most literal
    /// text wins: `object`.
    pub fn resource_type_for_arn(&self, arn: &str) -> Option<&ResourceType> {
        self.resource_types
            .iter()
            .filter(|r| r.matches_arn(arn))
            .max_by_key(|r| literal_len(&r.arn_format, Template::ArnFormat))
            .map(|r| &**r)
    }

    /// The condition keys the service supports (its own and the `aws:` keys its actions and
    /// resource types list), sorted by name.
    pub fn condition_keys(&self) -> &[ConditionKey] {
        &self.condition_keys
    }

    /// The service's condition key that a concrete key is (see [`ConditionKey::matches`]).
    pub fn condition_key(&self, key: &str) -> Option<&ConditionKey> {
        if let Ok(i) = self
            .condition_keys
            .binary_search_by(|k| cmp_ignore_case(k.name(), key))
        {
            return self.condition_keys.get(i);
        }
        self.condition_keys
            .iter()
            .filter(|k| k.is_pattern() && k.matches(key))
            .max_by_key(|k| literal_len(k.name(), Template::ConditionKey))
    }

    /// Whether resource control policies (RCPs) apply to this service ("Resource control
    /// policies", AWS Organizations User Guide, list of supported services).
    pub fn supports_rcp(&self) -> bool {
        self.supports_rcp
    }
}

/// An action of a service (`s3:GetObject`).
#[derive(Debug)]
pub struct Action {
    // INVARIANT: `prefix:Name`, with exactly one `:`.
    pub(crate) full_name: SharedStr,
    pub(crate) access_level: AccessLevel,
    pub(crate) resource_types: SharedSlice<ActionResourceType>,
    pub(crate) condition_keys: SharedSlice<ConditionKey>,
}

impl Action {
    /// The service prefix (`s3`).
    pub fn service(&self) -> &str {
        self.full_name().split_once(':').map_or("", |(s, _)| s)
    }

    /// The action name without the prefix, in AWS's casing (`GetObject`).
    pub fn name(&self) -> &str {
        self.full_name().split_once(':').map_or("", |(_, n)| n)
    }

    /// The full action name in AWS's casing (`s3:GetObject`).
    pub fn full_name(&self) -> &str {
        self.full_name.as_str()
    }

    /// The action's access level.
    pub fn access_level(&self) -> AccessLevel {
        self.access_level
    }

    /// The resource types the action can act on, each with whether it is required and the
    /// condition keys that apply to it. Empty for wildcard-only actions.
    pub fn resource_types(&self) -> &[ActionResourceType] {
        self.resource_types.as_slice()
    }

    /// Whether the action supports no resource-level permissions, so a policy can grant it only
    /// with `"Resource": "*"` ("Actions, resources, and condition keys": an action without a
    /// resource type).
    pub fn is_wildcard_only(&self) -> bool {
        self.resource_types().is_empty()
    }

    /// The condition keys that apply to the action whatever the resource.
    pub fn condition_keys(&self) -> &[ConditionKey] {
        self.condition_keys.as_slice()
    }
}

/// A resource type as one action uses it.
#[derive(Debug)]
pub struct ActionResourceType {
    pub(crate) resource_type: Arc<ResourceType>,
    pub(crate) required: bool,
    pub(crate) condition_keys: SharedSlice<ConditionKey>,
}

impl ActionResourceType {
    /// The resource type's name (`object`).
    pub fn name(&self) -> &str {
        &self.resource_type.name
    }

    /// Whether AWS marks the resource type required for the action (an asterisk in the
    /// reference's table).
    pub fn required(&self) -> bool {
        self.required
    }

    /// The condition keys that apply when the action acts on this resource type.
    pub fn condition_keys(&self) -> &[ConditionKey] {
        self.condition_keys.as_slice()
    }

    /// The service's resource type, with its ARN format.
    pub fn resource_type(&self) -> &ResourceType {
        &self.resource_type
    }
}

/// A resource type of a service (`object`, `arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
#[derive(Debug)]
pub struct ResourceType {
    pub(crate) name: Box<str>,
    pub(crate) arn_format: Box<str>,
    pub(crate) condition_keys: Box<[ConditionKey]>,
}

impl ResourceType {
    /// The resource type's name (`object`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The ARN format, with `${…}` placeholders (`arn:${Partition}:s3:::${BucketName}`).
    pub fn arn_format(&self) -> &str {
        &self.arn_format
    }

    /// The condition keys that apply to every action on this resource type.
    pub fn condition_keys(&self) -> &[ConditionKey] {
        &self.condition_keys
    }

    /// Whether a concrete ARN fits the ARN format.
    ///
    /// Placeholders match one or more characters within an ARN segment: never a `:`, nor the
    /// character that follows the placeholder in the format (`${BucketName}/…` stops at `/`).
    /// The last placeholder may hold anything, so `arn:aws:iam::1:role/path/name` fits
    /// `role/${RoleNameWithPath}`. A `*` in the format matches any run, also empty. The ARN is
    /// taken as text: a `*` in it is an ordinary character that a placeholder can hold.
    pub fn matches_arn(&self, arn: &str) -> bool {
        template_matches(&self.arn_format, arn, Template::ArnFormat)
    }
}
