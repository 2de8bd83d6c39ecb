//! The versioned schema: migrations run on open, and the documentation of every public view.
//!
//! `PRAGMA user_version` holds the schema version and `PRAGMA application_id` marks the file as
//! an iamwatch store. Migrations only ever add: a view keeps its columns once released, so
//! saved queries keep working.

use rusqlite::Connection;

use crate::err::StoreError;

/// `PRAGMA application_id` of an iamwatch store: `iamw` in ASCII.
pub const APPLICATION_ID: i64 = 0x6961_6d77;

/// Each migration's SQL, in order: index 0 takes the store from version 0 (empty) to 1.
const MIGRATIONS: &[&str] = &[include_str!("schema/v1.sql"), include_str!("schema/v2.sql")];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// What `open` found in the file before migrating.
pub(crate) enum Found {
    /// A new, empty file.
    Empty,
    /// A store at this version.
    Version(i64),
}

/// Reads the version of the schema in `conn`, refusing files that are not iamwatch stores.
pub(crate) fn inspect(conn: &Connection, path: &std::path::Path) -> Result<Found, StoreError> {
    let application_id: i64 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if application_id == 0 && version == 0 {
        let objects: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
        return if objects == 0 {
            Ok(Found::Empty)
        } else {
            Err(StoreError::NotAStore {
                path: path.to_owned(),
            })
        };
    }
    if application_id != APPLICATION_ID {
        return Err(StoreError::NotAStore {
            path: path.to_owned(),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(Found::Version(version))
}

/// Brings the schema to [`SCHEMA_VERSION`], one transaction per migration.
pub(crate) fn migrate(conn: &mut Connection, path: &std::path::Path) -> Result<(), StoreError> {
    let from = match inspect(conn, path)? {
        Found::Empty => 0,
        Found::Version(version) => version,
    };
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        // Another process may have migrated while this one waited for the lock.
        let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if current >= version {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {version};"
        ))?;
        tx.commit()?;
    }
    Ok(())
}

/// A documented view of the store.
#[derive(Debug)]
pub struct ViewDoc {
    /// The view over the latest state (`roles`).
    pub name: &'static str,
    /// The same columns over every snapshot (`history_roles`), when there is one.
    pub history: Option<&'static str>,
    pub about: &'static str,
    pub columns: &'static [ColumnDoc],
}

/// A documented column of a view.
#[derive(Debug)]
pub struct ColumnDoc {
    pub name: &'static str,
    /// `TEXT`, `INTEGER`, `JSON` (text holding JSON), `BOOLEAN` (0 or 1), `TIMESTAMP` (text,
    /// `YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub kind: &'static str,
    pub about: &'static str,
}

const fn col(name: &'static str, kind: &'static str, about: &'static str) -> ColumnDoc {
    ColumnDoc { name, kind, about }
}

const SNAPSHOT_ID: ColumnDoc = col(
    "snapshot_id",
    "INTEGER",
    "The snapshot the row comes from (`snapshots.snapshot_id`).",
);
const ACCOUNT_ID: ColumnDoc = col("account_id", "TEXT", "The 12-digit account ID.");
const MANAGEMENT_ACCOUNT_ID: ColumnDoc = col(
    "management_account_id",
    "TEXT",
    "The organization's management account (organization snapshots are kept under it).",
);
const ORG_ID: ColumnDoc = col("org_id", "TEXT", "The organization ID (`o-…`).");
const TAGS: ColumnDoc = col("tags", "JSON", "Tags as an object: `{\"Team\": \"data\"}`.");

/// Every public view, in the order `iamwatch schema` prints them.
pub const VIEWS: &[ViewDoc] = &[
    ViewDoc {
        name: "accounts",
        history: None,
        about: "Every account the store knows, from its own snapshots and from the latest \
                organization snapshot, with what the organization says about it.",
        columns: &[
            ACCOUNT_ID,
            col(
                "name",
                "TEXT",
                "The account name (from the organization; NULL otherwise).",
            ),
            col(
                "email",
                "TEXT",
                "The root user's email address (from the organization).",
            ),
            col(
                "status",
                "TEXT",
                "`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.",
            ),
            ORG_ID,
            col(
                "parent_id",
                "TEXT",
                "The root or OU that contains the account.",
            ),
            col(
                "org_path",
                "TEXT",
                "`aws:PrincipalOrgPaths` of the account: `o-…/r-…/ou-…/`.",
            ),
            col("joined_method", "TEXT", "`INVITED` or `CREATED`."),
            col("joined_timestamp", "TIMESTAMP", "When the account joined."),
            col(
                "in_organization",
                "BOOLEAN",
                "1 when the latest organization snapshot lists the account.",
            ),
            col(
                "last_snapshot_at",
                "TIMESTAMP",
                "`taken_at` of the account's newest snapshot.",
            ),
            col(
                "kinds",
                "JSON",
                "The kinds of data the store has for the account: `[\"credential_report\", \
                 \"iam\"]`.",
            ),
        ],
    },
    ViewDoc {
        name: "users",
        history: Some("history_users"),
        about: "IAM users (GAAD `UserDetailList`).",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("name", "TEXT", "User name."),
            col("user_id", "TEXT", "Unique ID (`AIDA…`)."),
            col("arn", "TEXT", "User ARN."),
            col("path", "TEXT", "Path (`/`)."),
            col("create_date", "TIMESTAMP", "When the user was created."),
            col(
                "permissions_boundary_arn",
                "TEXT",
                "ARN of the permissions boundary, NULL when none.",
            ),
            col(
                "groups",
                "JSON",
                "Names of the user's groups: `[\"admins\"]`.",
            ),
            TAGS,
        ],
    },
    ViewDoc {
        name: "groups",
        history: Some("history_groups"),
        about: "IAM groups (GAAD `GroupDetailList`).",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("name", "TEXT", "Group name."),
            col("group_id", "TEXT", "Unique ID (`AGPA…`)."),
            col("arn", "TEXT", "Group ARN."),
            col("path", "TEXT", "Path."),
            col("create_date", "TIMESTAMP", "When the group was created."),
            col("members", "JSON", "Names of the users in the group."),
        ],
    },
    ViewDoc {
        name: "group_members",
        history: Some("history_group_members"),
        about: "One row per user and group the user belongs to.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("group_name", "TEXT", "Group name."),
            col("user_name", "TEXT", "User name."),
            col("user_arn", "TEXT", "User ARN."),
        ],
    },
    ViewDoc {
        name: "roles",
        history: Some("history_roles"),
        about: "IAM roles (GAAD `RoleDetailList`), with their trust policy and when they were \
                last used.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("name", "TEXT", "Role name."),
            col("role_id", "TEXT", "Unique ID (`AROA…`)."),
            col("arn", "TEXT", "Role ARN."),
            col(
                "path",
                "TEXT",
                "Path (`/aws-service-role/…` for service-linked roles).",
            ),
            col("create_date", "TIMESTAMP", "When the role was created."),
            col("description", "TEXT", "Description."),
            col(
                "max_session_duration",
                "INTEGER",
                "Maximum session duration in seconds.",
            ),
            col(
                "permissions_boundary_arn",
                "TEXT",
                "ARN of the permissions boundary, NULL when none.",
            ),
            col(
                "last_used_known",
                "BOOLEAN",
                "1 when the export says when the role was last used (`RoleLastUsed` present); \
                 then a NULL `last_used` means never used in the tracking period (400 days).",
            ),
            col(
                "last_used",
                "TIMESTAMP",
                "`RoleLastUsed.LastUsedDate`; NULL when never used or not known.",
            ),
            col("last_used_region", "TEXT", "`RoleLastUsed.Region`."),
            col(
                "trust_policy",
                "JSON",
                "The trust policy document (`AssumeRolePolicyDocument`), decoded.",
            ),
            TAGS,
            col(
                "instance_profiles",
                "JSON",
                "ARNs of the instance profiles that contain the role.",
            ),
            col(
                "is_service_linked",
                "BOOLEAN",
                "1 for service-linked roles (path `/aws-service-role/`).",
            ),
        ],
    },
    ViewDoc {
        name: "policies",
        history: Some("history_policies"),
        about: "Managed policies: the account's customer managed policies and the AWS managed \
                policies it refers to (attached or used as a boundary).",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("arn", "TEXT", "Policy ARN."),
            col("name", "TEXT", "Policy name."),
            col(
                "policy_id",
                "TEXT",
                "Unique ID (`ANPA…`); NULL for AWS managed policies the export only names.",
            ),
            col("path", "TEXT", "Path."),
            col(
                "aws_managed",
                "BOOLEAN",
                "1 for AWS managed policies (`arn:aws:iam::aws:policy/…`).",
            ),
            col("default_version_id", "TEXT", "The default version (`v3`)."),
            col(
                "attachment_count",
                "INTEGER",
                "Entities the policy is attached to, as the export says.",
            ),
            col(
                "permissions_boundary_usage_count",
                "INTEGER",
                "Entities that use the policy as a boundary.",
            ),
            col(
                "is_attachable",
                "BOOLEAN",
                "Whether the policy can be attached.",
            ),
            col("description", "TEXT", "Description."),
            col("create_date", "TIMESTAMP", "When the policy was created."),
            col(
                "update_date",
                "TIMESTAMP",
                "When the default version last changed.",
            ),
            TAGS,
            col(
                "document",
                "JSON",
                "The default version's document; NULL when the export does not carry it.",
            ),
        ],
    },
    ViewDoc {
        name: "policy_versions",
        history: Some("history_policy_versions"),
        about: "Every version of every managed policy in `policies`.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("policy_arn", "TEXT", "Policy ARN."),
            col("policy_name", "TEXT", "Policy name."),
            col("version_id", "TEXT", "`v1`, `v2`, …"),
            col("is_default", "BOOLEAN", "1 for the default version."),
            col("create_date", "TIMESTAMP", "When the version was created."),
            col("document", "JSON", "The version's document."),
        ],
    },
    ViewDoc {
        name: "inline_policies",
        history: Some("history_inline_policies"),
        about: "Inline policies of users, groups and roles.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("principal_type", "TEXT", "`user`, `group` or `role`."),
            col("principal_name", "TEXT", "Name of the user, group or role."),
            col("principal_arn", "TEXT", "ARN of the user, group or role."),
            col("name", "TEXT", "Policy name."),
            col("document", "JSON", "The policy document."),
        ],
    },
    ViewDoc {
        name: "attachments",
        history: Some("history_attachments"),
        about: "Managed policies attached to users, groups and roles.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("principal_type", "TEXT", "`user`, `group` or `role`."),
            col("principal_name", "TEXT", "Name of the user, group or role."),
            col("principal_arn", "TEXT", "ARN of the user, group or role."),
            col("policy_arn", "TEXT", "ARN of the attached policy."),
            col("policy_name", "TEXT", "Name of the attached policy."),
            col(
                "aws_managed",
                "BOOLEAN",
                "1 when the policy is AWS managed.",
            ),
        ],
    },
    ViewDoc {
        name: "permissions_boundaries",
        history: Some("history_permissions_boundaries"),
        about: "Users and roles with a permissions boundary.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("principal_type", "TEXT", "`user` or `role`."),
            col("principal_name", "TEXT", "Name of the user or role."),
            col("principal_arn", "TEXT", "ARN of the user or role."),
            col("policy_arn", "TEXT", "ARN of the boundary policy."),
        ],
    },
    ViewDoc {
        name: "statements",
        history: Some("history_statements"),
        about: "One row per statement of every policy: managed (default version), inline, \
                trust, resource, SCP and RCP. `actions`, `not_actions`, `resources` and \
                `not_resources` are JSON arrays of the strings as written (a single string \
                becomes a one-element array); the element that is absent is NULL.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col(
                "policy_type",
                "TEXT",
                "`managed`, `inline`, `trust`, `resource`, `scp` or `rcp`.",
            ),
            col(
                "policy_arn",
                "TEXT",
                "ARN of a managed policy, SCP or RCP; NULL for inline, trust and resource \
                 policies.",
            ),
            col(
                "policy_name",
                "TEXT",
                "Policy name; the role name for trust policies, the resource name for resource \
                 policies.",
            ),
            col(
                "attached_to",
                "TEXT",
                "ARN of the user, group or role holding an inline or trust policy, or of the \
                 resource holding a resource policy; NULL otherwise.",
            ),
            col(
                "version_id",
                "TEXT",
                "The managed policy version the statement is from.",
            ),
            col(
                "statement_index",
                "INTEGER",
                "Position of the statement in the policy, from 0.",
            ),
            col("sid", "TEXT", "`Sid`, NULL when absent."),
            col("effect", "TEXT", "`Allow` or `Deny`."),
            col("actions", "JSON", "`Action` values."),
            col("not_actions", "JSON", "`NotAction` values."),
            col("resources", "JSON", "`Resource` values."),
            col("not_resources", "JSON", "`NotResource` values."),
            col(
                "principals",
                "JSON",
                "`Principal`: `\"*\"`, or an object of arrays (`{\"AWS\": [\"arn:…\"]}`).",
            ),
            col(
                "not_principals",
                "JSON",
                "`NotPrincipal`, in the same shape.",
            ),
            col(
                "has_condition",
                "BOOLEAN",
                "1 when the statement has a `Condition`.",
            ),
            col(
                "conditions",
                "JSON",
                "`Condition` as operator → key → array of values: `{\"StringEquals\": \
                 {\"aws:PrincipalOrgID\": [\"o-…\"]}}`.",
            ),
        ],
    },
    ViewDoc {
        name: "trust_policies",
        history: Some("history_trust_policies"),
        about: "Role trust relationships: one row per role, trust statement and principal.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("role_name", "TEXT", "Role name."),
            col("role_arn", "TEXT", "Role ARN."),
            col(
                "statement_index",
                "INTEGER",
                "Position of the statement, from 0.",
            ),
            col("sid", "TEXT", "`Sid`."),
            col("effect", "TEXT", "`Allow` or `Deny`."),
            col("actions", "JSON", "`Action` values (`sts:AssumeRole`, …)."),
            col("not_actions", "JSON", "`NotAction` values."),
            col(
                "principal_type",
                "TEXT",
                "`AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for `\"Principal\": \"*\"`.",
            ),
            col(
                "principal",
                "TEXT",
                "One principal value: an ARN, an account ID, a service or a provider.",
            ),
            col("negated", "BOOLEAN", "1 when written as `NotPrincipal`."),
            col(
                "principal_account_id",
                "TEXT",
                "The account the principal belongs to, when it names one.",
            ),
            col(
                "is_cross_account",
                "BOOLEAN",
                "1 when the principal is `*` or in another account.",
            ),
            col(
                "has_condition",
                "BOOLEAN",
                "1 when the statement has a `Condition`.",
            ),
            col("conditions", "JSON", "`Condition`, as in `statements`."),
        ],
    },
    ViewDoc {
        name: "credential_report",
        history: Some("history_credential_report"),
        about: "The IAM credential report: the 22 columns AWS writes, typed. Booleans are 0 or \
                1 and times are timestamps; `N/A`, `no_information` and `not_supported` are \
                NULL.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col(
                "user",
                "TEXT",
                "User name, `<root_account>` for the root user.",
            ),
            col("arn", "TEXT", "User ARN."),
            col("is_root", "BOOLEAN", "1 for the root user's row."),
            col("user_creation_time", "TIMESTAMP", ""),
            col("password_enabled", "BOOLEAN", ""),
            col("password_last_used", "TIMESTAMP", ""),
            col("password_last_changed", "TIMESTAMP", ""),
            col("password_next_rotation", "TIMESTAMP", ""),
            col("mfa_active", "BOOLEAN", ""),
            col("access_key_1_active", "BOOLEAN", ""),
            col("access_key_1_last_rotated", "TIMESTAMP", ""),
            col("access_key_1_last_used_date", "TIMESTAMP", ""),
            col("access_key_1_last_used_region", "TEXT", ""),
            col("access_key_1_last_used_service", "TEXT", ""),
            col("access_key_2_active", "BOOLEAN", ""),
            col("access_key_2_last_rotated", "TIMESTAMP", ""),
            col("access_key_2_last_used_date", "TIMESTAMP", ""),
            col("access_key_2_last_used_region", "TEXT", ""),
            col("access_key_2_last_used_service", "TEXT", ""),
            col("cert_1_active", "BOOLEAN", ""),
            col("cert_1_last_rotated", "TIMESTAMP", ""),
            col("cert_2_active", "BOOLEAN", ""),
            col("cert_2_last_rotated", "TIMESTAMP", ""),
            col(
                "generated_time",
                "TIMESTAMP",
                "When AWS generated the report, when known.",
            ),
        ],
    },
    ViewDoc {
        name: "resource_policies",
        history: Some("history_resource_policies"),
        about: "Resources and their resource-based policies (S3 buckets, KMS keys, SQS queues, \
                …).",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("resource_arn", "TEXT", "Resource ARN."),
            col(
                "resource_type",
                "TEXT",
                "CloudFormation type name (`AWS::S3::Bucket`).",
            ),
            col("region", "TEXT", "Region; NULL for global resources."),
            col("name", "TEXT", "Resource name."),
            col(
                "policy",
                "JSON",
                "The resource policy; NULL when the resource has none.",
            ),
            TAGS,
        ],
    },
    ViewDoc {
        name: "scps",
        history: Some("history_scps"),
        about: "Service control policies and resource control policies of the organization.",
        columns: &[
            SNAPSHOT_ID,
            MANAGEMENT_ACCOUNT_ID,
            ORG_ID,
            col("policy_id", "TEXT", "Policy ID (`p-…`)."),
            col("arn", "TEXT", "Policy ARN."),
            col("name", "TEXT", "Policy name."),
            col("description", "TEXT", "Description."),
            col(
                "policy_type",
                "TEXT",
                "`SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`.",
            ),
            col(
                "aws_managed",
                "BOOLEAN",
                "1 for `FullAWSAccess` and `RCPFullAWSAccess`.",
            ),
            col("document", "JSON", "The policy document."),
            col(
                "targets",
                "JSON",
                "IDs of the roots, OUs and accounts it is attached to.",
            ),
        ],
    },
    ViewDoc {
        name: "scp_targets",
        history: Some("history_scp_targets"),
        about: "One row per SCP or RCP and target it is attached to.",
        columns: &[
            SNAPSHOT_ID,
            MANAGEMENT_ACCOUNT_ID,
            ORG_ID,
            col("policy_id", "TEXT", "Policy ID."),
            col("policy_name", "TEXT", "Policy name."),
            col("policy_type", "TEXT", "As in `scps`."),
            col("target_id", "TEXT", "Root, OU or account ID."),
            col(
                "target_type",
                "TEXT",
                "`ROOT`, `ORGANIZATIONAL_UNIT` or `ACCOUNT`.",
            ),
        ],
    },
    ViewDoc {
        name: "org_units",
        history: Some("history_org_units"),
        about: "The organization tree: the root and every OU.",
        columns: &[
            SNAPSHOT_ID,
            MANAGEMENT_ACCOUNT_ID,
            ORG_ID,
            col("ou_id", "TEXT", "OU ID (`ou-…`), or the root ID (`r-…`)."),
            col("node_type", "TEXT", "`ROOT` or `ORGANIZATIONAL_UNIT`."),
            col("name", "TEXT", "Name."),
            col("arn", "TEXT", "ARN."),
            col(
                "parent_id",
                "TEXT",
                "The parent root or OU; NULL for the root.",
            ),
            col(
                "policy_types",
                "JSON",
                "For the root: the policy types and their status, `{\"SERVICE_CONTROL_POLICY\": \
                 \"ENABLED\"}`.",
            ),
        ],
    },
    ViewDoc {
        name: "org_accounts",
        history: Some("history_org_accounts"),
        about: "The organization's member accounts, as the management account lists them.",
        columns: &[
            SNAPSHOT_ID,
            MANAGEMENT_ACCOUNT_ID,
            ORG_ID,
            ACCOUNT_ID,
            col("name", "TEXT", "Account name."),
            col("email", "TEXT", "Root user email."),
            col(
                "status",
                "TEXT",
                "`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.",
            ),
            col("arn", "TEXT", "Account ARN in the organization."),
            col("joined_method", "TEXT", "`INVITED` or `CREATED`."),
            col("joined_timestamp", "TIMESTAMP", "When it joined."),
            col("parent_id", "TEXT", "The root or OU that contains it."),
            col("org_path", "TEXT", "`o-…/r-…/ou-…/`."),
        ],
    },
    ViewDoc {
        name: "organizations",
        history: Some("history_organizations"),
        about: "The organization itself.",
        columns: &[
            SNAPSHOT_ID,
            MANAGEMENT_ACCOUNT_ID,
            ORG_ID,
            col("arn", "TEXT", "Organization ARN."),
            col("feature_set", "TEXT", "`ALL` or `CONSOLIDATED_BILLING`."),
            col(
                "management_account_email",
                "TEXT",
                "Management account email.",
            ),
        ],
    },
    ViewDoc {
        name: "delegated_administrators",
        history: Some("history_delegated_administrators"),
        about: "Member accounts registered as delegated administrators.",
        columns: &[
            SNAPSHOT_ID,
            MANAGEMENT_ACCOUNT_ID,
            ORG_ID,
            ACCOUNT_ID,
            col("name", "TEXT", "Account name."),
            col("email", "TEXT", "Account email."),
            col(
                "delegation_enabled_date",
                "TIMESTAMP",
                "When delegation was enabled.",
            ),
            col(
                "service_principals",
                "JSON",
                "Services it administers (`guardduty.amazonaws.com`).",
            ),
        ],
    },
    ViewDoc {
        name: "password_policy",
        history: Some("history_password_policy"),
        about: "The account password policy (`GetAccountPasswordPolicy`).",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col(
                "has_policy",
                "BOOLEAN",
                "0 when the account has no password policy (IAM defaults apply); the other \
                 columns are then NULL.",
            ),
            col("minimum_password_length", "INTEGER", ""),
            col("require_symbols", "BOOLEAN", ""),
            col("require_numbers", "BOOLEAN", ""),
            col("require_uppercase_characters", "BOOLEAN", ""),
            col("require_lowercase_characters", "BOOLEAN", ""),
            col("allow_users_to_change_password", "BOOLEAN", ""),
            col("expire_passwords", "BOOLEAN", ""),
            col("max_password_age", "INTEGER", "Days."),
            col("password_reuse_prevention", "INTEGER", ""),
            col("hard_expiry", "BOOLEAN", ""),
        ],
    },
    ViewDoc {
        name: "account_summary",
        history: Some("history_account_summary"),
        about: "`GetAccountSummary`: one row per key (`AccountMFAEnabled`, `Users`, …).",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("key", "TEXT", "`SummaryMap` key."),
            col("value", "INTEGER", "Its value."),
        ],
    },
    ViewDoc {
        name: "identity_providers",
        history: Some("history_identity_providers"),
        about: "OIDC and SAML identity providers.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("arn", "TEXT", "Provider ARN."),
            col("provider_type", "TEXT", "`OIDC` or `SAML`."),
            col(
                "url",
                "TEXT",
                "OIDC issuer without scheme (`token.actions.githubusercontent.com`).",
            ),
            col("client_ids", "JSON", "OIDC audiences."),
            col("thumbprints", "JSON", "OIDC thumbprints."),
            col("create_date", "TIMESTAMP", "When it was created."),
            col("valid_until", "TIMESTAMP", "SAML metadata expiry."),
            TAGS,
        ],
    },
    ViewDoc {
        name: "latest_snapshots",
        history: None,
        about: "For each account and kind of data, the snapshot that holds the latest state \
                (newest `taken_at`, then highest `snapshot_id`). Every latest-state view reads \
                through it.",
        columns: &[
            ACCOUNT_ID,
            col(
                "kind",
                "TEXT",
                "`iam`, `credential_report`, `organization`, `resource_policies`, \
                 `password_policy`, `account_summary` or `identity_providers`.",
            ),
            SNAPSHOT_ID,
            col("source", "TEXT", "As in `snapshots`."),
            col("taken_at", "TIMESTAMP", "As in `snapshots`."),
        ],
    },
];

/// The bookkeeping tables, also part of the documented interface.
pub const TABLES: &[ViewDoc] = &[
    ViewDoc {
        name: "snapshots",
        history: None,
        about: "One row per snapshot: what one source said about one account (or the \
                organization, kept under its management account) at one time.",
        columns: &[
            SNAPSHOT_ID,
            ACCOUNT_ID,
            col("org_id", "TEXT", "Set for organization snapshots."),
            col(
                "kind",
                "TEXT",
                "What it holds: `iam`, `credential_report`, `organization`, \
                 `resource_policies`, `password_policy`, `account_summary`, \
                 `identity_providers`.",
            ),
            col(
                "source",
                "TEXT",
                "Where it came from: `gaad`, `aws-config`, `credential-report`, \
                 `organizations`, `resource-policies`, `password-policy`, `account-summary`, \
                 `identity-providers`.",
            ),
            col(
                "taken_at",
                "TIMESTAMP",
                "When the data was read from AWS (milliseconds: `…T12:00:00.000Z`).",
            ),
            col(
                "imported_at",
                "TIMESTAMP",
                "When it was written to the store.",
            ),
            col(
                "content_hash",
                "TEXT",
                "SHA-256 of the normalized content: equal content, equal hash.",
            ),
            col(
                "file",
                "TEXT",
                "The imported file, NULL for live collection.",
            ),
            col("run_id", "INTEGER", "The import run that wrote it."),
        ],
    },
    ViewDoc {
        name: "imports",
        history: None,
        about: "Every import of every snapshot, including identical re-imports (`duplicate` = \
                1), which point at the existing snapshot instead of adding one.",
        columns: &[
            col("import_id", "INTEGER", "Row ID."),
            col("run_id", "INTEGER", "The import run."),
            col("imported_at", "TIMESTAMP", "When."),
            ACCOUNT_ID,
            col("source", "TEXT", "As in `snapshots`."),
            col("content_hash", "TEXT", "As in `snapshots`."),
            col("file", "TEXT", "The imported file."),
            col(
                "snapshot_id",
                "INTEGER",
                "The snapshot written, or the identical one found.",
            ),
            col(
                "duplicate",
                "BOOLEAN",
                "1 when the content was already the latest snapshot.",
            ),
        ],
    },
];

/// The documentation of a view or table by name (`roles` and `history_roles` give the same).
pub fn view_doc(name: &str) -> Option<&'static ViewDoc> {
    VIEWS
        .iter()
        .chain(TABLES)
        .find(|doc| doc.name == name || doc.history == Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns_of(conn: &Connection, name: &str) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap();
        stmt.query_map([name], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn every_documented_column_exists_in_order() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
        for doc in VIEWS.iter().chain(TABLES) {
            let documented: Vec<&str> = doc.columns.iter().map(|c| c.name).collect();
            assert_eq!(columns_of(&conn, doc.name), documented, "{}", doc.name);
            if let Some(history) = doc.history {
                assert_eq!(columns_of(&conn, history), documented, "{history}");
            }
        }
    }

    #[test]
    fn migrations_are_idempotent_and_marked() {
        let mut conn = Connection::open_in_memory().unwrap();
        let path = std::path::Path::new(":memory:");
        migrate(&mut conn, path).unwrap();
        migrate(&mut conn, path).unwrap();
        assert!(matches!(
            inspect(&conn, path).unwrap(),
            Found::Version(SCHEMA_VERSION)
        ));
    }

    #[test]
    fn refuses_foreign_databases() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x)").unwrap();
        assert!(matches!(
            inspect(&conn, std::path::Path::new("x.db")),
            Err(StoreError::NotAStore { .. })
        ));
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 99"
        ))
        .unwrap();
        assert!(matches!(
            inspect(&conn, std::path::Path::new("x.db")),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }
}
