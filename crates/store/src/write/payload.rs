//! The rows of each kind of payload.

use iamwatch_model::{
    AccessKeyColumns, AccountAuthorization, AccountPasswordPolicy, AccountSummary,
    CertificateColumns, CredentialReport, IdentityProviders, InlinePolicy, Organization, Payload,
    PolicyDocument, ReportUser, ReportValue, ResourcePolicies, Tag, Timestamp,
};
use rusqlite::{Transaction, params};
use serde_json::{Map, Value};

use crate::document::DocumentCache;
use crate::time::timestamp_seconds;

/// Every table with a `snapshot_id` column that a payload writes to.
pub(crate) const SNAPSHOT_TABLES: &[&str] = &[
    "snap_users",
    "snap_groups",
    "snap_group_members",
    "snap_roles",
    "snap_inline_policies",
    "snap_attachments",
    "snap_policies",
    "snap_policy_versions",
    "snap_credential_report",
    "snap_resources",
    "snap_organizations",
    "snap_org_nodes",
    "snap_org_accounts",
    "snap_org_policies",
    "snap_org_policy_targets",
    "snap_delegated_administrators",
    "snap_password_policies",
    "snap_account_summary",
    "snap_identity_providers",
    "snapshot_payloads",
];

/// Every column that refers to a document, as one SQL union.
pub(crate) const DOCUMENT_REFERENCES: &str = "
    SELECT trust_document_id FROM snap_roles WHERE trust_document_id IS NOT NULL
    UNION SELECT document_id FROM snap_inline_policies
    UNION SELECT document_id FROM snap_policy_versions WHERE document_id IS NOT NULL
    UNION SELECT document_id FROM snap_resources WHERE document_id IS NOT NULL
    UNION SELECT document_id FROM snap_org_policies";

type Result<T> = std::result::Result<T, rusqlite::Error>;

pub(crate) fn write(
    tx: &Transaction<'_>,
    documents: &mut DocumentCache,
    snapshot_id: i64,
    payload: &Payload,
) -> Result<()> {
    let mut writer = Writer {
        tx,
        documents,
        snapshot_id,
    };
    match payload {
        Payload::Iam(iam) => writer.iam(iam),
        Payload::CredentialReport(report) => writer.credential_report(report),
        Payload::Organization(org) => writer.organization(org),
        Payload::ResourcePolicies(resources) => writer.resources(resources),
        Payload::PasswordPolicy(policy) => writer.password_policy(policy),
        Payload::AccountSummary(summary) => writer.account_summary(summary),
        Payload::IdentityProviders(providers) => writer.identity_providers(providers),
    }
}

struct Writer<'a, 'tx> {
    tx: &'a Transaction<'tx>,
    documents: &'a mut DocumentCache,
    snapshot_id: i64,
}

fn ts(value: Option<&Timestamp>) -> Option<String> {
    value.map(timestamp_seconds)
}

fn tags_json(tags: &[Tag]) -> String {
    let mut map = Map::new();
    for tag in tags {
        map.insert(tag.key.clone(), Value::String(tag.value.clone()));
    }
    Value::Object(map).to_string()
}

fn strings_json<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> String {
    Value::Array(
        values
            .into_iter()
            .map(|value| Value::String(value.as_ref().to_owned()))
            .collect(),
    )
    .to_string()
}

impl Writer<'_, '_> {
    fn document(&mut self, document: &PolicyDocument) -> Result<i64> {
        self.documents.intern(self.tx, document.as_str())
    }

    fn iam(&mut self, iam: &AccountAuthorization) -> Result<()> {
        let id = self.snapshot_id;
        for user in &iam.users {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_users VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(params![
                    id,
                    user.name,
                    user.id.as_str(),
                    user.arn.as_str(),
                    user.path,
                    ts(user.create_date.as_ref()),
                    user.permissions_boundary.as_ref().map(|b| b.arn.as_str()),
                    strings_json(&user.groups),
                    tags_json(&user.tags),
                ])?;
            for group in &user.groups {
                self.tx
                    .prepare_cached("INSERT OR IGNORE INTO snap_group_members VALUES (?1, ?2, ?3)")?
                    .execute(params![id, group, user.name])?;
            }
            self.principal_policies(
                "user",
                &user.name,
                &user.inline_policies,
                &user.attached_policies,
            )?;
        }
        for group in &iam.groups {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_groups VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    id,
                    group.name,
                    group.id.as_str(),
                    group.arn.as_str(),
                    group.path,
                    ts(group.create_date.as_ref()),
                ])?;
            self.principal_policies(
                "group",
                &group.name,
                &group.inline_policies,
                &group.attached_policies,
            )?;
        }
        for role in &iam.roles {
            let trust = match &role.trust_policy {
                Some(document) => Some(self.document(document)?),
                None => None,
            };
            let last_used = role.last_used.as_ref();
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_roles VALUES
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                )?
                .execute(params![
                    id,
                    role.name,
                    role.id.as_str(),
                    role.arn.as_str(),
                    role.path,
                    ts(role.create_date.as_ref()),
                    role.description,
                    role.max_session_duration,
                    role.permissions_boundary.as_ref().map(|b| b.arn.as_str()),
                    trust,
                    last_used.is_some(),
                    ts(last_used.and_then(|l| l.last_used_date.as_ref())),
                    last_used.and_then(|l| l.region.as_deref()),
                    tags_json(&role.tags),
                    strings_json(role.instance_profiles.iter().map(|p| p.arn.as_str())),
                ])?;
            self.principal_policies(
                "role",
                &role.name,
                &role.inline_policies,
                &role.attached_policies,
            )?;
        }
        for policy in &iam.policies {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_policies VALUES
                     (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )?
                .execute(params![
                    id,
                    policy.arn.as_str(),
                    policy.name,
                    policy.id.as_str(),
                    policy.path,
                    policy.default_version_id,
                    policy.attachment_count,
                    policy.permissions_boundary_usage_count,
                    policy.is_attachable,
                    policy.description,
                    ts(policy.create_date.as_ref()),
                    ts(policy.update_date.as_ref()),
                    tags_json(&policy.tags),
                ])?;
            for version in &policy.versions {
                let document = match &version.document {
                    Some(document) => Some(self.document(document)?),
                    None => None,
                };
                let is_default =
                    version.is_default_version || version.version_id == policy.default_version_id;
                self.policy_version(
                    policy.arn.as_str(),
                    &version.version_id,
                    is_default,
                    ts(version.create_date.as_ref()),
                    document,
                )?;
            }
        }
        for policy in &iam.aws_managed_policies {
            let resource = policy.arn.resource();
            // `policy/service-role/AWSLambdaRole` → path `/service-role/`.
            let path = resource
                .strip_prefix("policy")
                .and_then(|rest| rest.rfind('/').map(|end| rest.get(..=end).unwrap_or("/")))
                .unwrap_or("/");
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_policies VALUES
                     (?1, ?2, ?3, NULL, ?4, 1, ?5, NULL, NULL, 1, NULL, NULL, NULL, '{}')",
                )?
                .execute(params![
                    id,
                    policy.arn.as_str(),
                    policy.arn.resource_name(),
                    path,
                    policy.default_version_id,
                ])?;
            if let Some(document) = &policy.document {
                let document = self.document(document)?;
                let version = policy.default_version_id.as_deref().unwrap_or("default");
                self.policy_version(policy.arn.as_str(), version, true, None, Some(document))?;
            }
        }
        Ok(())
    }

    fn policy_version(
        &mut self,
        policy_arn: &str,
        version_id: &str,
        is_default: bool,
        create_date: Option<String>,
        document: Option<i64>,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO snap_policy_versions VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                self.snapshot_id,
                policy_arn,
                version_id,
                is_default,
                create_date,
                document,
            ])?;
        Ok(())
    }

    fn principal_policies(
        &mut self,
        principal_type: &str,
        principal_name: &str,
        inline: &[InlinePolicy],
        attached: &[iamwatch_model::AttachedPolicy],
    ) -> Result<()> {
        for policy in inline {
            let document = self.document(&policy.document)?;
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_inline_policies VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    self.snapshot_id,
                    principal_type,
                    principal_name,
                    policy.name,
                    document,
                ])?;
        }
        for policy in attached {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_attachments VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    self.snapshot_id,
                    principal_type,
                    principal_name,
                    policy.arn.as_str(),
                    policy.name,
                ])?;
        }
        Ok(())
    }

    fn credential_report(&mut self, report: &CredentialReport) -> Result<()> {
        let generated = ts(report.generated_time.as_ref());
        for row in &report.rows {
            let (user, is_root) = match &row.user {
                ReportUser::Root => ("<root_account>", true),
                ReportUser::User(name) => (name.as_str(), false),
            };
            let k1 = key_columns(&row.access_key_1);
            let k2 = key_columns(&row.access_key_2);
            let c1 = cert_columns(&row.cert_1);
            let c2 = cert_columns(&row.cert_2);
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_credential_report VALUES
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                      ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
                )?
                .execute(params![
                    self.snapshot_id,
                    row.arn.as_str(),
                    user,
                    is_root,
                    time(&row.user_creation_time),
                    flag(&row.password_enabled),
                    time(&row.password_last_used),
                    time(&row.password_last_changed),
                    time(&row.password_next_rotation),
                    flag(&row.mfa_active),
                    k1.0,
                    k1.1,
                    k1.2,
                    k1.3,
                    k1.4,
                    k2.0,
                    k2.1,
                    k2.2,
                    k2.3,
                    k2.4,
                    c1.0,
                    c1.1,
                    c2.0,
                    c2.1,
                    generated,
                ])?;
        }
        Ok(())
    }

    fn organization(&mut self, org: &Organization) -> Result<()> {
        let id = self.snapshot_id;
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO snap_organizations VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                org.id.as_str(),
                org.arn.as_ref().map(|a| a.as_str()),
                org.feature_set,
                org.management_account_id.as_str(),
                org.management_account_email,
            ])?;
        let mut nodes = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO snap_org_nodes VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for root in &org.roots {
            let mut types = Map::new();
            for policy_type in &root.policy_types {
                types.insert(
                    policy_type.kind.clone(),
                    Value::String(policy_type.status.clone()),
                );
            }
            nodes.execute(params![
                id,
                root.id.as_str(),
                "ROOT",
                root.name,
                root.arn.as_ref().map(|a| a.as_str()),
                Option::<&str>::None,
                Value::Object(types).to_string(),
            ])?;
        }
        for ou in &org.organizational_units {
            nodes.execute(params![
                id,
                ou.id.as_str(),
                "ORGANIZATIONAL_UNIT",
                ou.name,
                ou.arn.as_ref().map(|a| a.as_str()),
                ou.parent_id.as_str(),
                Option::<&str>::None,
            ])?;
        }
        drop(nodes);
        for account in &org.accounts {
            let status = match &account.status {
                iamwatch_model::AccountStatus::Active => "ACTIVE",
                iamwatch_model::AccountStatus::Suspended => "SUSPENDED",
                iamwatch_model::AccountStatus::PendingClosure => "PENDING_CLOSURE",
                iamwatch_model::AccountStatus::Other(other) => other.as_str(),
            };
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_org_accounts VALUES
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    id,
                    account.id.as_str(),
                    account.name,
                    account.email,
                    status,
                    account.arn.as_ref().map(|a| a.as_str()),
                    account.joined_method,
                    ts(account.joined_timestamp.as_ref()),
                    account.parent_id.as_str(),
                    org.org_path(&account.id),
                ])?;
        }
        for policy in &org.policies {
            let document = self.document(&policy.document)?;
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_org_policies VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    id,
                    policy.id.as_str(),
                    policy.kind.as_str(),
                    policy.name,
                    policy.arn.as_ref().map(|a| a.as_str()),
                    policy.description,
                    policy.aws_managed,
                    document,
                ])?;
            for target in &policy.targets {
                self.tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO snap_org_policy_targets VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![id, policy.id.as_str(), target.as_str()])?;
            }
        }
        for admin in &org.delegated_administrators {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_delegated_administrators VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    id,
                    admin.account_id.as_str(),
                    admin.name,
                    admin.email,
                    ts(admin.delegation_enabled_date.as_ref()),
                    strings_json(&admin.service_principals),
                ])?;
        }
        Ok(())
    }

    fn resources(&mut self, resources: &ResourcePolicies) -> Result<()> {
        for resource in &resources.resources {
            let document = match &resource.policy {
                Some(document) => Some(self.document(document)?),
                None => None,
            };
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO snap_resources VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    self.snapshot_id,
                    resource.arn.as_str(),
                    resource.resource_type.as_str(),
                    resource.region.as_deref().or(resources.region.as_deref()),
                    resource.name,
                    document,
                    tags_json(&resource.tags),
                ])?;
        }
        Ok(())
    }

    fn password_policy(&mut self, policy: &AccountPasswordPolicy) -> Result<()> {
        let p = policy.policy.as_ref();
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO snap_password_policies VALUES
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                self.snapshot_id,
                p.is_some(),
                p.and_then(|p| p.minimum_password_length),
                p.map(|p| p.require_symbols),
                p.map(|p| p.require_numbers),
                p.map(|p| p.require_uppercase_characters),
                p.map(|p| p.require_lowercase_characters),
                p.map(|p| p.allow_users_to_change_password),
                p.map(|p| p.expire_passwords),
                p.and_then(|p| p.max_password_age),
                p.and_then(|p| p.password_reuse_prevention),
                p.and_then(|p| p.hard_expiry),
            ])?;
        Ok(())
    }

    fn account_summary(&mut self, summary: &AccountSummary) -> Result<()> {
        for (key, value) in &summary.values {
            // SQLite integers are signed 64-bit; no summary value comes near the limit.
            let value = i64::try_from(*value).unwrap_or(i64::MAX);
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO snap_account_summary VALUES (?1, ?2, ?3)")?
                .execute(params![self.snapshot_id, key, value])?;
        }
        Ok(())
    }

    fn identity_providers(&mut self, providers: &IdentityProviders) -> Result<()> {
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO snap_identity_providers VALUES
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for oidc in &providers.oidc {
            insert.execute(params![
                self.snapshot_id,
                oidc.arn.as_str(),
                "OIDC",
                oidc.url,
                strings_json(&oidc.client_ids),
                strings_json(&oidc.thumbprints),
                ts(oidc.create_date.as_ref()),
                Option::<String>::None,
                tags_json(&oidc.tags),
            ])?;
        }
        for saml in &providers.saml {
            insert.execute(params![
                self.snapshot_id,
                saml.arn.as_str(),
                "SAML",
                Option::<String>::None,
                Option::<String>::None,
                Option::<String>::None,
                ts(saml.create_date.as_ref()),
                ts(saml.valid_until.as_ref()),
                tags_json(&saml.tags),
            ])?;
        }
        Ok(())
    }
}

type KeyColumns<'a> = (
    Option<bool>,
    Option<String>,
    Option<String>,
    Option<&'a str>,
    Option<&'a str>,
);

fn key_columns(key: &AccessKeyColumns) -> KeyColumns<'_> {
    (
        flag(&key.active),
        time(&key.last_rotated),
        time(&key.last_used_date),
        text(&key.last_used_region),
        text(&key.last_used_service),
    )
}

fn cert_columns(cert: &CertificateColumns) -> (Option<bool>, Option<String>) {
    (flag(&cert.active), time(&cert.last_rotated))
}

fn flag(value: &ReportValue<bool>) -> Option<bool> {
    value.value().copied()
}

fn time(value: &ReportValue<Timestamp>) -> Option<String> {
    value.value().map(timestamp_seconds)
}

fn text(value: &ReportValue<String>) -> Option<&str> {
    value.value().map(String::as_str)
}
