//! The GAAD element shapes as AWS writes them (PascalCase), shared by the GAAD reader and the
//! AWS Config reader (whose camelCase keys are capitalized first), and their conversion to the
//! model.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::Value;

use crate::document::PolicyDocument;
use crate::err::ValueError;
use crate::iam::{
    AccountAuthorization, AttachedPolicy, AwsManagedPolicyRef, Group, InlinePolicy,
    InstanceProfile, ManagedPolicy, PermissionsBoundary, PolicyVersion, Role, RoleLastUsed, User,
};
use crate::ids::{Arn, Tag, Timestamp, UniqueId, parse_timestamp, timestamp_from_epoch};

/// A date as text (ISO 8601) or as epoch seconds.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawTime {
    Text(String),
    Epoch(f64),
}

impl RawTime {
    pub(crate) fn parse(&self) -> Result<Timestamp, ValueError> {
        match self {
            RawTime::Text(text) => parse_timestamp(text),
            RawTime::Epoch(seconds) => timestamp_from_epoch(*seconds)
                .ok_or_else(|| ValueError::new("timestamp", &seconds.to_string())),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawTag {
    pub(crate) key: String,
    #[serde(default)]
    pub(crate) value: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawInline {
    #[serde(rename = "PolicyName")]
    pub(crate) name: String,
    #[serde(rename = "PolicyDocument")]
    pub(crate) document: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawAttached {
    #[serde(default)]
    pub(crate) policy_name: Option<String>,
    pub(crate) policy_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawBoundary {
    pub(crate) permissions_boundary_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawUser {
    #[serde(default)]
    pub(crate) path: Option<String>,
    pub(crate) user_name: String,
    pub(crate) user_id: String,
    pub(crate) arn: String,
    #[serde(default)]
    pub(crate) create_date: Option<RawTime>,
    #[serde(default)]
    pub(crate) user_policy_list: Vec<RawInline>,
    #[serde(default)]
    pub(crate) group_list: Vec<String>,
    #[serde(default)]
    pub(crate) attached_managed_policies: Vec<RawAttached>,
    #[serde(default)]
    pub(crate) permissions_boundary: Option<RawBoundary>,
    #[serde(default)]
    pub(crate) tags: Vec<RawTag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawGroup {
    #[serde(default)]
    pub(crate) path: Option<String>,
    pub(crate) group_name: String,
    pub(crate) group_id: String,
    pub(crate) arn: String,
    #[serde(default)]
    pub(crate) create_date: Option<RawTime>,
    #[serde(default)]
    pub(crate) group_policy_list: Vec<RawInline>,
    #[serde(default)]
    pub(crate) attached_managed_policies: Vec<RawAttached>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawRoleLastUsed {
    #[serde(default)]
    pub(crate) last_used_date: Option<RawTime>,
    #[serde(default)]
    pub(crate) region: Option<String>,
}

/// A role as listed inside an instance profile: only its ARN matters.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawRoleRef {
    pub(crate) arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawInstanceProfile {
    #[serde(default)]
    pub(crate) path: Option<String>,
    pub(crate) instance_profile_name: String,
    pub(crate) instance_profile_id: String,
    pub(crate) arn: String,
    #[serde(default)]
    pub(crate) create_date: Option<RawTime>,
    #[serde(default)]
    pub(crate) roles: Vec<RawRoleRef>,
    #[serde(default)]
    pub(crate) tags: Vec<RawTag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawRole {
    #[serde(default)]
    pub(crate) path: Option<String>,
    pub(crate) role_name: String,
    pub(crate) role_id: String,
    pub(crate) arn: String,
    #[serde(default)]
    pub(crate) create_date: Option<RawTime>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) max_session_duration: Option<u32>,
    #[serde(default)]
    pub(crate) assume_role_policy_document: Option<Value>,
    #[serde(default)]
    pub(crate) instance_profile_list: Vec<RawInstanceProfile>,
    #[serde(default)]
    pub(crate) role_policy_list: Vec<RawInline>,
    #[serde(default)]
    pub(crate) attached_managed_policies: Vec<RawAttached>,
    #[serde(default)]
    pub(crate) permissions_boundary: Option<RawBoundary>,
    #[serde(default)]
    pub(crate) tags: Vec<RawTag>,
    #[serde(default)]
    pub(crate) role_last_used: Option<RawRoleLastUsed>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawPolicyVersion {
    #[serde(default)]
    pub(crate) document: Option<Value>,
    pub(crate) version_id: String,
    #[serde(default)]
    pub(crate) is_default_version: bool,
    #[serde(default)]
    pub(crate) create_date: Option<RawTime>,
}

/// A GAAD `Policies` element. Every field is optional so that a list of another shape (the
/// output of `aws organizations list-policies`) can be recognized and named.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RawPolicy {
    #[serde(default)]
    pub(crate) policy_name: Option<String>,
    #[serde(default)]
    pub(crate) policy_id: Option<String>,
    #[serde(default)]
    pub(crate) arn: Option<String>,
    #[serde(default)]
    pub(crate) path: Option<String>,
    #[serde(default)]
    pub(crate) default_version_id: Option<String>,
    #[serde(default)]
    pub(crate) attachment_count: Option<u32>,
    #[serde(default)]
    pub(crate) permissions_boundary_usage_count: Option<u32>,
    #[serde(default)]
    pub(crate) is_attachable: Option<bool>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) create_date: Option<RawTime>,
    #[serde(default)]
    pub(crate) update_date: Option<RawTime>,
    #[serde(default)]
    pub(crate) policy_version_list: Option<Vec<RawPolicyVersion>>,
    #[serde(default)]
    pub(crate) tags: Vec<RawTag>,
    /// Present in `aws organizations list-policies` output, never in GAAD.
    #[serde(default, rename = "AwsManaged")]
    pub(crate) organizations_aws_managed: Option<bool>,
}

/// A conversion error and the field (relative JSON path) it is about.
#[derive(Debug)]
pub(crate) struct FieldError {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error one level down (`RolePolicyList[2]` + `PolicyDocument`).
    pub(crate) fn under(self, parent: &str) -> Self {
        Self {
            field: if self.field.is_empty() {
                parent.to_owned()
            } else if self.field.starts_with('[') {
                format!("{parent}{}", self.field)
            } else {
                format!("{parent}.{}", self.field)
            },
            message: self.message,
        }
    }
}

fn field<T>(name: &str, result: Result<T, ValueError>) -> Result<T, FieldError> {
    result.map_err(|e| FieldError::new(name, e.to_string()))
}

fn arn(name: &str, text: &str) -> Result<Arn, FieldError> {
    field(name, Arn::parse(text))
}

fn unique_id(name: &str, text: &str) -> Result<UniqueId, FieldError> {
    field(name, UniqueId::parse(text))
}

fn time(name: &str, raw: Option<&RawTime>) -> Result<Option<Timestamp>, FieldError> {
    raw.map(|t| field(name, t.parse())).transpose()
}

pub(crate) fn document(name: &str, value: &Value) -> Result<PolicyDocument, FieldError> {
    field(name, PolicyDocument::from_json_value(value)).map_err(|e| {
        FieldError::new(
            e.field,
            format!("{} (not a JSON policy document)", short(&value.to_string())),
        )
    })
}

fn short(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() {
        format!("`{cut}…`")
    } else {
        format!("`{cut}`")
    }
}

pub(crate) fn tags(raw: Vec<RawTag>) -> Vec<Tag> {
    raw.into_iter().map(|t| Tag::new(t.key, t.value)).collect()
}

fn path(raw: Option<String>) -> String {
    raw.unwrap_or_else(|| "/".to_owned())
}

fn inline_policies(list: &str, raw: Vec<RawInline>) -> Result<Vec<InlinePolicy>, FieldError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(InlinePolicy {
                document: document("PolicyDocument", &p.document)
                    .map_err(|e| e.under(&format!("{list}[{i}]")))?,
                name: p.name,
            })
        })
        .collect()
}

fn attached(raw: Vec<RawAttached>) -> Result<Vec<AttachedPolicy>, FieldError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, p)| {
            let arn = arn("PolicyArn", &p.policy_arn)
                .map_err(|e| e.under(&format!("AttachedManagedPolicies[{i}]")))?;
            let name = p
                .policy_name
                .unwrap_or_else(|| arn.resource_name().to_owned());
            Ok(AttachedPolicy { name, arn })
        })
        .collect()
}

fn boundary(raw: Option<RawBoundary>) -> Result<Option<PermissionsBoundary>, FieldError> {
    raw.map(|b| {
        Ok(PermissionsBoundary {
            arn: arn("PermissionsBoundaryArn", &b.permissions_boundary_arn)
                .map_err(|e| e.under("PermissionsBoundary"))?,
        })
    })
    .transpose()
}

pub(crate) fn user(raw: RawUser) -> Result<User, FieldError> {
    Ok(User {
        arn: arn("Arn", &raw.arn)?,
        id: unique_id("UserId", &raw.user_id)?,
        create_date: time("CreateDate", raw.create_date.as_ref())?,
        inline_policies: inline_policies("UserPolicyList", raw.user_policy_list)?,
        attached_policies: attached(raw.attached_managed_policies)?,
        permissions_boundary: boundary(raw.permissions_boundary)?,
        path: path(raw.path),
        name: raw.user_name,
        tags: tags(raw.tags),
        groups: raw.group_list,
    })
}

pub(crate) fn group(raw: RawGroup) -> Result<Group, FieldError> {
    Ok(Group {
        arn: arn("Arn", &raw.arn)?,
        id: unique_id("GroupId", &raw.group_id)?,
        create_date: time("CreateDate", raw.create_date.as_ref())?,
        inline_policies: inline_policies("GroupPolicyList", raw.group_policy_list)?,
        attached_policies: attached(raw.attached_managed_policies)?,
        path: path(raw.path),
        name: raw.group_name,
    })
}

fn instance_profile(raw: RawInstanceProfile) -> Result<InstanceProfile, FieldError> {
    Ok(InstanceProfile {
        arn: arn("Arn", &raw.arn)?,
        id: unique_id("InstanceProfileId", &raw.instance_profile_id)?,
        create_date: time("CreateDate", raw.create_date.as_ref())?,
        roles: raw
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| arn("Arn", &r.arn).map_err(|e| e.under(&format!("Roles[{i}]"))))
            .collect::<Result<_, _>>()?,
        path: path(raw.path),
        name: raw.instance_profile_name,
        tags: tags(raw.tags),
    })
}

pub(crate) fn role(raw: RawRole) -> Result<Role, FieldError> {
    let last_used = raw
        .role_last_used
        .map(|r| {
            Ok::<_, FieldError>(RoleLastUsed {
                last_used_date: time("LastUsedDate", r.last_used_date.as_ref())
                    .map_err(|e| e.under("RoleLastUsed"))?,
                region: r.region,
            })
        })
        .transpose()?;
    Ok(Role {
        arn: arn("Arn", &raw.arn)?,
        id: unique_id("RoleId", &raw.role_id)?,
        create_date: time("CreateDate", raw.create_date.as_ref())?,
        trust_policy: raw
            .assume_role_policy_document
            .as_ref()
            .map(|d| document("AssumeRolePolicyDocument", d))
            .transpose()?,
        inline_policies: inline_policies("RolePolicyList", raw.role_policy_list)?,
        attached_policies: attached(raw.attached_managed_policies)?,
        permissions_boundary: boundary(raw.permissions_boundary)?,
        instance_profiles: raw
            .instance_profile_list
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                instance_profile(p).map_err(|e| e.under(&format!("InstanceProfileList[{i}]")))
            })
            .collect::<Result<_, _>>()?,
        last_used,
        path: path(raw.path),
        name: raw.role_name,
        description: raw.description,
        max_session_duration: raw.max_session_duration,
        tags: tags(raw.tags),
    })
}

/// A GAAD policy: a customer managed policy, or a reference to an AWS managed one.
pub(crate) enum ConvertedPolicy {
    Customer(ManagedPolicy),
    AwsManaged(AwsManagedPolicyRef),
}

fn versions(raw: Vec<RawPolicyVersion>) -> Result<Vec<PolicyVersion>, FieldError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, v)| {
            let at = format!("PolicyVersionList[{i}]");
            Ok(PolicyVersion {
                document: v
                    .document
                    .as_ref()
                    .map(|d| document("Document", d))
                    .transpose()
                    .map_err(|e| e.under(&at))?,
                create_date: time("CreateDate", v.create_date.as_ref())
                    .map_err(|e| e.under(&at))?,
                version_id: v.version_id,
                is_default_version: v.is_default_version,
            })
        })
        .collect()
}

pub(crate) fn policy(raw: RawPolicy) -> Result<ConvertedPolicy, FieldError> {
    let missing = |name: &str| FieldError::new(name, format!("missing field `{name}`"));
    let arn = arn("Arn", raw.arn.as_deref().ok_or_else(|| missing("Arn"))?)?;
    let default_version_id = raw.default_version_id;
    let versions = versions(raw.policy_version_list.unwrap_or_default())?;
    if arn.is_aws_managed_policy() {
        let document = versions
            .iter()
            .find(|v| Some(&v.version_id) == default_version_id.as_ref())
            .or_else(|| versions.iter().find(|v| v.is_default_version))
            .and_then(|v| v.document.clone());
        return Ok(ConvertedPolicy::AwsManaged(AwsManagedPolicyRef {
            arn,
            default_version_id,
            document,
        }));
    }
    let name = match raw.policy_name {
        Some(name) => name,
        None => arn.resource_name().to_owned(),
    };
    let default_version_id = default_version_id
        .or_else(|| {
            versions
                .iter()
                .find(|v| v.is_default_version)
                .map(|v| v.version_id.clone())
        })
        .ok_or_else(|| missing("DefaultVersionId"))?;
    Ok(ConvertedPolicy::Customer(ManagedPolicy {
        id: unique_id(
            "PolicyId",
            raw.policy_id
                .as_deref()
                .ok_or_else(|| missing("PolicyId"))?,
        )?,
        create_date: time("CreateDate", raw.create_date.as_ref())?,
        update_date: time("UpdateDate", raw.update_date.as_ref())?,
        name,
        arn,
        path: path(raw.path),
        default_version_id,
        attachment_count: raw.attachment_count,
        permissions_boundary_usage_count: raw.permissions_boundary_usage_count,
        is_attachable: raw.is_attachable.unwrap_or(true),
        description: raw.description,
        versions,
        tags: tags(raw.tags),
    }))
}

/// Adds a reference (without document) for every AWS managed policy that an entity has
/// attached or as its boundary and the account does not list yet.
pub(crate) fn add_referenced_aws_managed(account: &mut AccountAuthorization) {
    let mut known: BTreeSet<Arn> = account
        .aws_managed_policies
        .iter()
        .map(|p| p.arn.clone())
        .collect();
    let missing: Vec<Arn> = account
        .policy_uses()
        .filter(|arn| arn.is_aws_managed_policy() && known.insert((*arn).clone()))
        .cloned()
        .collect();
    account
        .aws_managed_policies
        .extend(missing.into_iter().map(|arn| AwsManagedPolicyRef {
            arn,
            default_version_id: None,
            document: None,
        }));
    account
        .aws_managed_policies
        .sort_by(|a, b| a.arn.cmp(&b.arn));
}
