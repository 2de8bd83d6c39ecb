//! `GetAccountAuthorizationDetails`: every page, converted to the model as the GAAD importer
//! converts a file, so `collect` and `import` give the same snapshot.
//!
//! The filter leaves AWS managed policies out: their documents are the same in every account
//! and come from the once-per-partition cache instead ([`crate::managed`]).

use aws_sdk_iam::types::{
    AttachedPermissionsBoundary, EntityType, GroupDetail, ManagedPolicyDetail, PolicyDetail,
    RoleDetail, UserDetail,
};
use iamwatch_model::{
    AccountAuthorization, AccountId, Arn, AttachedPolicy, Group, InlinePolicy, InstanceProfile,
    ManagedPolicy, PermissionsBoundary, PolicyDocument, PolicyVersion, Role, RoleLastUsed, Tag,
    UniqueId, User,
};

use crate::aws::{AccountClients, timestamp};
use crate::err::{Bad, CollectError};

pub(crate) const API: &str = "iam:GetAccountAuthorizationDetails";

/// Entries a page: IAM's largest `MaxItems` (its default, 100, would take ten times the
/// calls for a large account; IAM API Reference, GetAccountAuthorizationDetails).
pub(crate) const MAX_ITEMS: i32 = 1000;

/// The pages of one GAAD listing.
#[derive(Debug, Default)]
pub(crate) struct GaadPages {
    pub(crate) users: Vec<UserDetail>,
    pub(crate) groups: Vec<GroupDetail>,
    pub(crate) roles: Vec<RoleDetail>,
    pub(crate) policies: Vec<ManagedPolicyDetail>,
}

/// Reads every page of GAAD with `filter`.
pub(crate) async fn read_pages(
    clients: &AccountClients,
    filter: &[EntityType],
) -> Result<GaadPages, CollectError> {
    let iam = clients.iam(None);
    let mut pages = GaadPages::default();
    let mut marker: Option<String> = None;
    let mut seen_markers = std::collections::BTreeSet::new();
    loop {
        let output = clients
            .send(
                API,
                iam.get_account_authorization_details()
                    .set_filter(Some(filter.to_vec()))
                    .max_items(MAX_ITEMS)
                    .set_marker(marker.clone())
                    .send(),
            )
            .await?;
        pages
            .users
            .extend(output.user_detail_list.unwrap_or_default());
        pages
            .groups
            .extend(output.group_detail_list.unwrap_or_default());
        pages
            .roles
            .extend(output.role_detail_list.unwrap_or_default());
        pages.policies.extend(output.policies.unwrap_or_default());
        marker = output.marker.filter(|_| output.is_truncated);
        match &marker {
            // INVARIANT: a marker is never followed twice, so a service that repeats one cannot
            // keep the loop going.
            Some(next) if seen_markers.insert(next.clone()) => {}
            _ => break,
        }
    }
    Ok(pages)
}

/// Fills `PolicyName` and `PolicyId` where GAAD left them out (moto does), from one paged
/// `ListPolicies` (Scope=Local): a bulk call, made only when a listing needs it.
pub(crate) async fn fill_policy_names(
    clients: &AccountClients,
    pages: &mut GaadPages,
) -> Result<(), CollectError> {
    let incomplete = pages
        .policies
        .iter()
        .any(|p| p.policy_name.is_none() || p.policy_id.is_none());
    if !incomplete {
        return Ok(());
    }
    let iam = clients.iam(None);
    let mut known = std::collections::BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        let page = clients
            .send(
                "iam:ListPolicies",
                iam.list_policies()
                    .scope(aws_sdk_iam::types::PolicyScopeType::Local)
                    .max_items(MAX_ITEMS)
                    .set_marker(marker.take())
                    .send(),
            )
            .await?;
        for policy in page.policies.unwrap_or_default() {
            if let Some(arn) = policy.arn {
                known.insert(arn, (policy.policy_name, policy.policy_id));
            }
        }
        marker = page.marker.filter(|_| page.is_truncated);
        if marker.is_none() {
            break;
        }
    }
    for policy in &mut pages.policies {
        if let Some((name, id)) = policy.arn.as_ref().and_then(|arn| known.get(arn)) {
            if policy.policy_name.is_none() {
                policy.policy_name.clone_from(name);
            }
            if policy.policy_id.is_none() {
                policy.policy_id.clone_from(id);
            }
        }
    }
    Ok(())
}

/// The filter for one account: users, groups, roles and customer managed policies.
pub(crate) const ACCOUNT_FILTER: [EntityType; 4] = [
    EntityType::User,
    EntityType::Role,
    EntityType::Group,
    EntityType::LocalManagedPolicy,
];

/// Converts GAAD pages into the account's authorization details. AWS managed policies listed
/// in `Policies` (moto lists them even when the filter leaves them out) are dropped here: the
/// account refers to them through its attachments.
pub(crate) fn to_model(
    account: &AccountId,
    pages: GaadPages,
) -> Result<AccountAuthorization, CollectError> {
    let convert = || -> Result<AccountAuthorization, Bad> {
        let mut model = AccountAuthorization::empty(account.clone());
        for user in pages.users {
            model.users.push(user_of(user)?);
        }
        for group in pages.groups {
            model.groups.push(group_of(group)?);
        }
        for role in pages.roles {
            model.roles.push(role_of(role)?);
        }
        for policy in pages.policies {
            if let Some(policy) = policy_of(policy)? {
                model.policies.push(policy);
            }
        }
        Ok(model)
    };
    convert().map_err(|e| e.in_account(account))
}

fn required(kind: &'static str, value: Option<String>) -> Result<String, Bad> {
    value.ok_or_else(|| Bad::missing(kind))
}

fn arn(text: Option<String>) -> Result<Arn, Bad> {
    Ok(Arn::try_from(required("ARN", text)?)?)
}

fn unique_id(text: Option<String>) -> Result<UniqueId, Bad> {
    Ok(UniqueId::try_from(required("IAM unique ID", text)?)?)
}

fn path(text: Option<String>) -> String {
    text.unwrap_or_else(|| "/".to_owned())
}

/// A document as the IAM API returns it: URL-encoded JSON (moto sometimes sends it decoded).
fn document(text: &str) -> Result<PolicyDocument, Bad> {
    Ok(PolicyDocument::from_text(text)?)
}

fn tags(tags: Option<Vec<aws_sdk_iam::types::Tag>>) -> Vec<Tag> {
    tags.unwrap_or_default()
        .into_iter()
        .map(|t| Tag::new(t.key, t.value))
        .collect()
}

fn inline(list: Option<Vec<PolicyDetail>>) -> Result<Vec<InlinePolicy>, Bad> {
    list.unwrap_or_default()
        .into_iter()
        .map(|p| {
            Ok(InlinePolicy {
                document: document(p.policy_document.as_deref().unwrap_or_default())?,
                name: required("policy name", p.policy_name)?,
            })
        })
        .collect()
}

fn attached(
    list: Option<Vec<aws_sdk_iam::types::AttachedPolicy>>,
) -> Result<Vec<AttachedPolicy>, Bad> {
    list.unwrap_or_default()
        .into_iter()
        .map(|p| {
            let arn = arn(p.policy_arn)?;
            let name = p
                .policy_name
                .unwrap_or_else(|| arn.resource_name().to_owned());
            Ok(AttachedPolicy { name, arn })
        })
        .collect()
}

fn boundary(
    boundary: Option<AttachedPermissionsBoundary>,
) -> Result<Option<PermissionsBoundary>, Bad> {
    boundary
        .and_then(|b| b.permissions_boundary_arn)
        .map(|arn| {
            Ok(PermissionsBoundary {
                arn: Arn::try_from(arn)?,
            })
        })
        .transpose()
}

fn user_of(user: UserDetail) -> Result<User, Bad> {
    Ok(User {
        arn: arn(user.arn)?,
        id: unique_id(user.user_id)?,
        create_date: user.create_date.as_ref().and_then(timestamp),
        inline_policies: inline(user.user_policy_list)?,
        attached_policies: attached(user.attached_managed_policies)?,
        permissions_boundary: boundary(user.permissions_boundary)?,
        path: path(user.path),
        name: required("user name", user.user_name)?,
        tags: tags(user.tags),
        groups: user.group_list.unwrap_or_default(),
    })
}

fn group_of(group: GroupDetail) -> Result<Group, Bad> {
    Ok(Group {
        arn: arn(group.arn)?,
        id: unique_id(group.group_id)?,
        create_date: group.create_date.as_ref().and_then(timestamp),
        inline_policies: inline(group.group_policy_list)?,
        attached_policies: attached(group.attached_managed_policies)?,
        path: path(group.path),
        name: required("group name", group.group_name)?,
    })
}

fn instance_profile(profile: aws_sdk_iam::types::InstanceProfile) -> Result<InstanceProfile, Bad> {
    Ok(InstanceProfile {
        arn: Arn::try_from(profile.arn)?,
        id: UniqueId::try_from(profile.instance_profile_id)?,
        create_date: timestamp(&profile.create_date),
        roles: profile
            .roles
            .into_iter()
            .map(|r| Arn::try_from(r.arn))
            .collect::<Result<_, _>>()?,
        path: profile.path,
        name: profile.instance_profile_name,
        tags: tags(profile.tags),
    })
}

fn role_of(role: RoleDetail) -> Result<Role, Bad> {
    Ok(Role {
        arn: arn(role.arn)?,
        id: unique_id(role.role_id)?,
        create_date: role.create_date.as_ref().and_then(timestamp),
        trust_policy: role
            .assume_role_policy_document
            .as_deref()
            .map(document)
            .transpose()?,
        inline_policies: inline(role.role_policy_list)?,
        attached_policies: attached(role.attached_managed_policies)?,
        permissions_boundary: boundary(role.permissions_boundary)?,
        instance_profiles: role
            .instance_profile_list
            .unwrap_or_default()
            .into_iter()
            .map(instance_profile)
            .collect::<Result<_, _>>()?,
        last_used: role.role_last_used.map(|r| RoleLastUsed {
            last_used_date: r.last_used_date.as_ref().and_then(timestamp),
            region: r.region,
        }),
        path: path(role.path),
        name: required("role name", role.role_name)?,
        // GAAD's RoleDetail carries neither; the importer leaves them unset too.
        description: None,
        max_session_duration: None,
        tags: tags(role.tags),
    })
}

/// The versions of a managed policy, with their documents.
pub(crate) fn versions(
    list: Option<Vec<aws_sdk_iam::types::PolicyVersion>>,
) -> Result<Vec<PolicyVersion>, Bad> {
    list.unwrap_or_default()
        .into_iter()
        .map(|v| {
            Ok(PolicyVersion {
                document: v.document.as_deref().map(document).transpose()?,
                create_date: v.create_date.as_ref().and_then(timestamp),
                version_id: required("policy version ID", v.version_id)?,
                is_default_version: v.is_default_version,
            })
        })
        .collect()
}

/// A customer managed policy; `None` for an AWS managed one.
fn policy_of(policy: ManagedPolicyDetail) -> Result<Option<ManagedPolicy>, Bad> {
    let arn = arn(policy.arn)?;
    if arn.is_aws_managed_policy() {
        return Ok(None);
    }
    let versions = versions(policy.policy_version_list)?;
    let default_version_id = policy
        .default_version_id
        .or_else(|| {
            versions
                .iter()
                .find(|v| v.is_default_version)
                .map(|v| v.version_id.clone())
        })
        .ok_or_else(|| Bad::missing("default version ID"))?;
    Ok(Some(ManagedPolicy {
        // moto leaves `PolicyName` out of GAAD's `Policies`: the ARN ends with the name.
        name: policy
            .policy_name
            .unwrap_or_else(|| arn.resource_name().to_owned()),
        id: unique_id(policy.policy_id)?,
        path: path(policy.path),
        default_version_id,
        attachment_count: policy.attachment_count.and_then(|n| u32::try_from(n).ok()),
        permissions_boundary_usage_count: policy
            .permissions_boundary_usage_count
            .and_then(|n| u32::try_from(n).ok()),
        is_attachable: policy.is_attachable,
        description: policy.description,
        create_date: policy.create_date.as_ref().and_then(timestamp),
        update_date: policy.update_date.as_ref().and_then(timestamp),
        versions,
        tags: Vec::new(),
        arn,
    }))
}
