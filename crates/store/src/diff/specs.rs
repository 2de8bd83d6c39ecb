//! What `diff` compares, per kind of snapshot: one SQL query per entity type.
//!
//! Each query takes the snapshot ID as `?1` and returns `key`, `document_id` (NULL when the
//! entity has no policy document to compare statement by statement) and then the fields
//! compared, named by their column. Fields that change on their own (last-used dates,
//! attachment counts) are left out: a diff reports what someone changed.

/// One entity type of a diff.
pub(crate) struct EntitySpec {
    /// The entity type as reported: `role`, `attachment`, `trust_policy`, …
    pub(crate) entity: &'static str,
    pub(crate) sql: &'static str,
    /// Report only changes, not additions or removals (they are reported with the entity that
    /// holds this one: a new role brings its trust policy).
    pub(crate) only_changes: bool,
}

const fn spec(entity: &'static str, sql: &'static str) -> EntitySpec {
    EntitySpec {
        entity,
        sql,
        only_changes: false,
    }
}

const IAM: &[EntitySpec] = &[
    spec(
        "user",
        "SELECT name, NULL, arn, path, tags FROM snap_users WHERE snapshot_id = ?1",
    ),
    spec(
        "group",
        "SELECT name, NULL, arn, path FROM snap_groups WHERE snapshot_id = ?1",
    ),
    spec(
        "role",
        "SELECT name, NULL, arn, path, description, max_session_duration, tags,
                instance_profiles
         FROM snap_roles WHERE snapshot_id = ?1",
    ),
    EntitySpec {
        entity: "trust_policy",
        sql: "SELECT name, trust_document_id FROM snap_roles WHERE snapshot_id = ?1",
        only_changes: true,
    },
    spec(
        "permissions_boundary",
        "SELECT 'user ' || name, NULL, permissions_boundary_arn AS policy_arn FROM snap_users
         WHERE snapshot_id = ?1 AND permissions_boundary_arn IS NOT NULL
         UNION ALL
         SELECT 'role ' || name, NULL, permissions_boundary_arn FROM snap_roles
         WHERE snapshot_id = ?1 AND permissions_boundary_arn IS NOT NULL",
    ),
    spec(
        "policy",
        "SELECT p.arn, v.document_id, p.name, p.path, p.default_version_id, p.description,
                p.is_attachable, p.tags
         FROM snap_policies AS p
         LEFT JOIN snap_policy_versions AS v
                ON v.snapshot_id = p.snapshot_id AND v.policy_arn = p.arn AND v.is_default = 1
         WHERE p.snapshot_id = ?1",
    ),
    spec(
        "inline_policy",
        "SELECT principal_type || ' ' || principal_name || ': ' || name, document_id
         FROM snap_inline_policies WHERE snapshot_id = ?1",
    ),
    spec(
        "attachment",
        "SELECT principal_type || ' ' || principal_name || ' → ' || policy_arn, NULL
         FROM snap_attachments WHERE snapshot_id = ?1",
    ),
    spec(
        "group_membership",
        "SELECT 'user ' || user_name || ' in group ' || group_name, NULL
         FROM snap_group_members WHERE snapshot_id = ?1",
    ),
];

const CREDENTIAL_REPORT: &[EntitySpec] = &[spec(
    "credential",
    "SELECT user, NULL, password_enabled, mfa_active, password_last_changed,
            access_key_1_active, access_key_1_last_rotated, access_key_2_active,
            access_key_2_last_rotated, cert_1_active, cert_2_active
     FROM snap_credential_report WHERE snapshot_id = ?1",
)];

const ORGANIZATION: &[EntitySpec] = &[
    spec(
        "org_unit",
        "SELECT node_id, NULL, name, parent_id, policy_types FROM snap_org_nodes
         WHERE snapshot_id = ?1",
    ),
    spec(
        "org_account",
        "SELECT account_id, NULL, name, email, status, parent_id FROM snap_org_accounts
         WHERE snapshot_id = ?1",
    ),
    spec(
        "scp",
        "SELECT policy_id, document_id, name, description, policy_type FROM snap_org_policies
         WHERE snapshot_id = ?1",
    ),
    spec(
        "scp_target",
        "SELECT policy_id || ' → ' || target_id, NULL FROM snap_org_policy_targets
         WHERE snapshot_id = ?1",
    ),
    spec(
        "delegated_administrator",
        "SELECT account_id, NULL, service_principals FROM snap_delegated_administrators
         WHERE snapshot_id = ?1",
    ),
];

const RESOURCE_POLICIES: &[EntitySpec] = &[spec(
    "resource",
    "SELECT arn, document_id, resource_type, tags FROM snap_resources WHERE snapshot_id = ?1",
)];

const PASSWORD_POLICY: &[EntitySpec] = &[spec(
    "password_policy",
    "SELECT 'password policy', NULL, has_policy, minimum_password_length, require_symbols,
            require_numbers, require_uppercase_characters, require_lowercase_characters,
            allow_users_to_change_password, expire_passwords, max_password_age,
            password_reuse_prevention, hard_expiry
     FROM snap_password_policies WHERE snapshot_id = ?1",
)];

const ACCOUNT_SUMMARY: &[EntitySpec] = &[spec(
    "account_summary",
    "SELECT key, NULL, value FROM snap_account_summary WHERE snapshot_id = ?1",
)];

const IDENTITY_PROVIDERS: &[EntitySpec] = &[spec(
    "identity_provider",
    "SELECT arn, NULL, provider_type, url, client_ids, thumbprints, valid_until, tags
     FROM snap_identity_providers WHERE snapshot_id = ?1",
)];

/// The entity types compared for a kind of snapshot.
pub(crate) fn specs_for(kind: &str) -> &'static [EntitySpec] {
    match kind {
        "iam" => IAM,
        "credential_report" => CREDENTIAL_REPORT,
        "organization" => ORGANIZATION,
        "resource_policies" => RESOURCE_POLICIES,
        "password_policy" => PASSWORD_POLICY,
        "account_summary" => ACCOUNT_SUMMARY,
        "identity_providers" => IDENTITY_PROVIDERS,
        _ => &[],
    }
}
