//! The model written back in the formats [`crate::import`] reads: GAAD JSON (CLI or raw API
//! shape), credential report CSV, and the organizations, account and resource-policies
//! bundles. Used by the synthetic organization generator and to check that import and export
//! agree; `import(export(x)) == x` for every payload.

use std::borrow::Borrow;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

use crate::account::{AccountPasswordPolicy, AccountSummary, IdentityProviders};
use crate::credential_report::{
    AccessKeyColumns, CREDENTIAL_REPORT_COLUMNS, CertificateColumns, CredentialReport, ReportUser,
    ReportValue,
};
use crate::document::PolicyDocument;
use crate::iam::{
    AccountAuthorization, AttachedPolicy, AwsManagedPolicyRef, Group, InlinePolicy,
    InstanceProfile, ManagedPolicy, PermissionsBoundary, Role, User,
};
use crate::ids::{Tag, Timestamp};
use crate::import::BUNDLE_KEY;
use crate::org::{OrgPolicyType, Organization};
use crate::resource::{ResourcePolicies, ResourceType};

/// Which GAAD spelling to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GaadShape {
    /// As `aws iam get-account-authorization-details` prints it: documents as JSON objects,
    /// dates with `+00:00`, indented by four spaces.
    Cli,
    /// As the API returns it: documents URL-encoded (RFC 3986), dates with `Z`, compact.
    Raw,
}

/// RFC 3986 unreserved characters stay; everything else is percent-encoded, as IAM does.
const URL_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Writes a GAAD document list by list, one element at a time, so that a file of any size is
/// written in bounded memory from iterators.
///
/// The lists must be written in order: users, groups, roles, policies (any may be skipped).
#[derive(Debug)]
pub struct GaadWriter<W: Write> {
    out: W,
    shape: GaadShape,
    lists: usize,
}

impl<W: Write> GaadWriter<W> {
    pub fn new(mut out: W, shape: GaadShape) -> io::Result<Self> {
        out.write_all(b"{")?;
        Ok(Self {
            out,
            shape,
            lists: 0,
        })
    }

    fn list<T>(
        &mut self,
        key: &str,
        items: impl IntoIterator<Item = T>,
        to_value: impl Fn(GaadShape, T) -> Value,
    ) -> io::Result<()> {
        let separator: &[u8] = if self.lists == 0 { b"\n" } else { b",\n" };
        self.out.write_all(separator)?;
        self.lists += 1;
        write!(self.out, "    \"{key}\": [")?;
        let mut first = true;
        for item in items {
            self.out.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            let value = to_value(self.shape, item);
            match self.shape {
                GaadShape::Cli => {
                    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
                    let mut serializer =
                        serde_json::Serializer::with_formatter(&mut self.out, formatter);
                    serde::Serialize::serialize(&value, &mut serializer)
                        .map_err(io::Error::other)?;
                }
                GaadShape::Raw => {
                    serde_json::to_writer(&mut self.out, &value).map_err(io::Error::other)?
                }
            }
        }
        self.out.write_all(b"\n    ]")
    }

    /// Users, owned or borrowed (an iterator that generates them keeps memory bounded).
    pub fn users<U: Borrow<User>>(&mut self, users: impl IntoIterator<Item = U>) -> io::Result<()> {
        self.list("UserDetailList", users, |shape, u| user(shape, u.borrow()))
    }

    pub fn groups<G: Borrow<Group>>(
        &mut self,
        groups: impl IntoIterator<Item = G>,
    ) -> io::Result<()> {
        self.list("GroupDetailList", groups, |shape, g| {
            group(shape, g.borrow())
        })
    }

    pub fn roles<R: Borrow<Role>>(&mut self, roles: impl IntoIterator<Item = R>) -> io::Result<()> {
        self.list("RoleDetailList", roles, |shape, r| role(shape, r.borrow()))
    }

    /// Customer managed policies, then the AWS managed ones that carry a document (the others
    /// are implied by the attachments).
    pub fn policies<'a>(
        &mut self,
        customer: impl IntoIterator<Item = &'a ManagedPolicy>,
        aws_managed: impl IntoIterator<Item = &'a AwsManagedPolicyRef>,
    ) -> io::Result<()> {
        let items = customer.into_iter().map(PolicyItem::Customer).chain(
            aws_managed
                .into_iter()
                .filter(|p| p.document.is_some())
                .map(PolicyItem::AwsManaged),
        );
        self.list("Policies", items, policy)
    }

    /// Closes the document (`"IsTruncated": false`) and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        let separator: &[u8] = if self.lists == 0 { b"\n" } else { b",\n" };
        self.out.write_all(separator)?;
        self.out.write_all(b"    \"IsTruncated\": false\n}\n")?;
        Ok(self.out)
    }
}

/// Writes a whole account as one GAAD document.
pub fn write_gaad<W: Write>(
    out: W,
    account: &AccountAuthorization,
    shape: GaadShape,
) -> io::Result<W> {
    let mut writer = GaadWriter::new(out, shape)?;
    writer.users(&account.users)?;
    writer.groups(&account.groups)?;
    writer.roles(&account.roles)?;
    writer.policies(&account.policies, &account.aws_managed_policies)?;
    writer.finish()
}

fn date(shape: GaadShape, time: Option<&Timestamp>) -> Value {
    match time {
        None => Value::Null,
        Some(time) => Value::String(match shape {
            GaadShape::Cli => time.strftime("%Y-%m-%dT%H:%M:%S%.f+00:00").to_string(),
            GaadShape::Raw => time.to_string(),
        }),
    }
}

fn document(shape: GaadShape, document: &PolicyDocument) -> Value {
    match shape {
        GaadShape::Cli => serde_json::from_str(document.as_str()).unwrap_or(Value::Null),
        GaadShape::Raw => {
            Value::String(utf8_percent_encode(document.as_str(), URL_ENCODE).to_string())
        }
    }
}

fn tags(tags: &[Tag]) -> Value {
    Value::Array(
        tags.iter()
            .map(|t| json!({"Key": t.key, "Value": t.value}))
            .collect(),
    )
}

fn inline(shape: GaadShape, policies: &[InlinePolicy]) -> Value {
    Value::Array(
        policies
            .iter()
            .map(|p| json!({"PolicyName": p.name, "PolicyDocument": document(shape, &p.document)}))
            .collect(),
    )
}

fn attached(policies: &[AttachedPolicy]) -> Value {
    Value::Array(
        policies
            .iter()
            .map(|p| json!({"PolicyName": p.name, "PolicyArn": p.arn}))
            .collect(),
    )
}

fn boundary(object: &mut Map<String, Value>, boundary: Option<&PermissionsBoundary>) {
    if let Some(b) = boundary {
        object.insert(
            "PermissionsBoundary".into(),
            json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": b.arn}),
        );
    }
}

fn insert_date(
    object: &mut Map<String, Value>,
    key: &str,
    shape: GaadShape,
    time: Option<&Timestamp>,
) {
    if time.is_some() {
        object.insert(key.into(), date(shape, time));
    }
}

fn user(shape: GaadShape, user: &User) -> Value {
    let mut o = Map::new();
    o.insert("Path".into(), json!(user.path));
    o.insert("UserName".into(), json!(user.name));
    o.insert("UserId".into(), json!(user.id));
    o.insert("Arn".into(), json!(user.arn));
    insert_date(&mut o, "CreateDate", shape, user.create_date.as_ref());
    o.insert(
        "UserPolicyList".into(),
        inline(shape, &user.inline_policies),
    );
    o.insert("GroupList".into(), json!(user.groups));
    o.insert(
        "AttachedManagedPolicies".into(),
        attached(&user.attached_policies),
    );
    boundary(&mut o, user.permissions_boundary.as_ref());
    o.insert("Tags".into(), tags(&user.tags));
    Value::Object(o)
}

fn group(shape: GaadShape, group: &Group) -> Value {
    let mut o = Map::new();
    o.insert("Path".into(), json!(group.path));
    o.insert("GroupName".into(), json!(group.name));
    o.insert("GroupId".into(), json!(group.id));
    o.insert("Arn".into(), json!(group.arn));
    insert_date(&mut o, "CreateDate", shape, group.create_date.as_ref());
    o.insert(
        "GroupPolicyList".into(),
        inline(shape, &group.inline_policies),
    );
    o.insert(
        "AttachedManagedPolicies".into(),
        attached(&group.attached_policies),
    );
    Value::Object(o)
}

fn instance_profile(shape: GaadShape, profile: &InstanceProfile, role: &Role) -> Value {
    let mut o = Map::new();
    o.insert("Path".into(), json!(profile.path));
    o.insert("InstanceProfileName".into(), json!(profile.name));
    o.insert("InstanceProfileId".into(), json!(profile.id));
    o.insert("Arn".into(), json!(profile.arn));
    insert_date(&mut o, "CreateDate", shape, profile.create_date.as_ref());
    // GAAD repeats each role of the profile; this role in full, others by ARN.
    let roles: Vec<Value> = profile
        .roles
        .iter()
        .map(|arn| {
            if *arn == role.arn {
                let mut r = Map::new();
                r.insert("Path".into(), json!(role.path));
                r.insert("RoleName".into(), json!(role.name));
                r.insert("RoleId".into(), json!(role.id));
                r.insert("Arn".into(), json!(role.arn));
                insert_date(&mut r, "CreateDate", shape, role.create_date.as_ref());
                if let Some(trust) = &role.trust_policy {
                    r.insert("AssumeRolePolicyDocument".into(), document(shape, trust));
                }
                Value::Object(r)
            } else {
                json!({"Arn": arn})
            }
        })
        .collect();
    o.insert("Roles".into(), Value::Array(roles));
    if !profile.tags.is_empty() {
        o.insert("Tags".into(), tags(&profile.tags));
    }
    Value::Object(o)
}

fn role(shape: GaadShape, role: &Role) -> Value {
    let mut o = Map::new();
    o.insert("Path".into(), json!(role.path));
    o.insert("RoleName".into(), json!(role.name));
    o.insert("RoleId".into(), json!(role.id));
    o.insert("Arn".into(), json!(role.arn));
    insert_date(&mut o, "CreateDate", shape, role.create_date.as_ref());
    if let Some(trust) = &role.trust_policy {
        o.insert("AssumeRolePolicyDocument".into(), document(shape, trust));
    }
    if let Some(description) = &role.description {
        o.insert("Description".into(), json!(description));
    }
    if let Some(seconds) = role.max_session_duration {
        o.insert("MaxSessionDuration".into(), json!(seconds));
    }
    o.insert(
        "InstanceProfileList".into(),
        Value::Array(
            role.instance_profiles
                .iter()
                .map(|p| instance_profile(shape, p, role))
                .collect(),
        ),
    );
    o.insert(
        "RolePolicyList".into(),
        inline(shape, &role.inline_policies),
    );
    o.insert(
        "AttachedManagedPolicies".into(),
        attached(&role.attached_policies),
    );
    boundary(&mut o, role.permissions_boundary.as_ref());
    o.insert("Tags".into(), tags(&role.tags));
    if let Some(last) = &role.last_used {
        let mut l = Map::new();
        insert_date(&mut l, "LastUsedDate", shape, last.last_used_date.as_ref());
        if let Some(region) = &last.region {
            l.insert("Region".into(), json!(region));
        }
        o.insert("RoleLastUsed".into(), Value::Object(l));
    }
    Value::Object(o)
}

enum PolicyItem<'a> {
    Customer(&'a ManagedPolicy),
    AwsManaged(&'a AwsManagedPolicyRef),
}

fn policy(shape: GaadShape, item: PolicyItem<'_>) -> Value {
    match item {
        PolicyItem::Customer(p) => {
            let mut o = Map::new();
            o.insert("PolicyName".into(), json!(p.name));
            o.insert("PolicyId".into(), json!(p.id));
            o.insert("Arn".into(), json!(p.arn));
            o.insert("Path".into(), json!(p.path));
            o.insert("DefaultVersionId".into(), json!(p.default_version_id));
            if let Some(count) = p.attachment_count {
                o.insert("AttachmentCount".into(), json!(count));
            }
            if let Some(count) = p.permissions_boundary_usage_count {
                o.insert("PermissionsBoundaryUsageCount".into(), json!(count));
            }
            o.insert("IsAttachable".into(), json!(p.is_attachable));
            if let Some(description) = &p.description {
                o.insert("Description".into(), json!(description));
            }
            insert_date(&mut o, "CreateDate", shape, p.create_date.as_ref());
            insert_date(&mut o, "UpdateDate", shape, p.update_date.as_ref());
            let versions: Vec<Value> = p
                .versions
                .iter()
                .map(|v| {
                    let mut version = Map::new();
                    if let Some(d) = &v.document {
                        version.insert("Document".into(), document(shape, d));
                    }
                    version.insert("VersionId".into(), json!(v.version_id));
                    version.insert("IsDefaultVersion".into(), json!(v.is_default_version));
                    insert_date(&mut version, "CreateDate", shape, v.create_date.as_ref());
                    Value::Object(version)
                })
                .collect();
            o.insert("PolicyVersionList".into(), Value::Array(versions));
            if !p.tags.is_empty() {
                o.insert("Tags".into(), tags(&p.tags));
            }
            Value::Object(o)
        }
        PolicyItem::AwsManaged(p) => {
            let version_id = p.default_version_id.clone();
            let mut o = Map::new();
            o.insert("PolicyName".into(), json!(p.arn.resource_name()));
            o.insert("Arn".into(), json!(p.arn));
            let path = p
                .arn
                .resource()
                .strip_prefix("policy")
                .and_then(|rest| rest.rsplit_once('/'))
                .map_or("/".to_owned(), |(path, _)| format!("{path}/"));
            o.insert("Path".into(), json!(path));
            if let Some(id) = &version_id {
                o.insert("DefaultVersionId".into(), json!(id));
            }
            o.insert("IsAttachable".into(), json!(true));
            let mut version = Map::new();
            if let Some(d) = &p.document {
                version.insert("Document".into(), document(shape, d));
            }
            version.insert(
                "VersionId".into(),
                json!(version_id.unwrap_or_else(|| "v1".to_owned())),
            );
            version.insert("IsDefaultVersion".into(), json!(true));
            o.insert("PolicyVersionList".into(), json!([Value::Object(version)]));
            Value::Object(o)
        }
    }
}

/// The credential report as AWS writes it (22 columns, `<root_account>` row).
pub fn credential_report_csv(report: &CredentialReport) -> String {
    let mut out = CREDENTIAL_REPORT_COLUMNS.join(",");
    out.push('\n');
    let time =
        |v: &ReportValue<Timestamp>| cell(v, |t| t.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string());
    let boolean = |v: &ReportValue<bool>| cell(v, ToString::to_string);
    let text = |v: &ReportValue<String>| cell(v, Clone::clone);
    let key = |k: &AccessKeyColumns| {
        [
            boolean(&k.active),
            time(&k.last_rotated),
            time(&k.last_used_date),
            text(&k.last_used_region),
            text(&k.last_used_service),
        ]
    };
    let cert = |c: &CertificateColumns| [boolean(&c.active), time(&c.last_rotated)];
    for row in &report.rows {
        let user = match &row.user {
            ReportUser::Root => "<root_account>".to_owned(),
            ReportUser::User(name) => name.clone(),
        };
        let mut cells = vec![
            csv_field(&user),
            csv_field(row.arn.as_str()),
            time(&row.user_creation_time),
            boolean(&row.password_enabled),
            time(&row.password_last_used),
            time(&row.password_last_changed),
            time(&row.password_next_rotation),
            boolean(&row.mfa_active),
        ];
        cells.extend(key(&row.access_key_1));
        cells.extend(key(&row.access_key_2));
        cells.extend(cert(&row.cert_1));
        cells.extend(cert(&row.cert_2));
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn cell<T>(value: &ReportValue<T>, write: impl Fn(&T) -> String) -> String {
    match value {
        ReportValue::Value(v) => write(v),
        ReportValue::NotApplicable => "N/A".to_owned(),
        ReportValue::NoInformation => "no_information".to_owned(),
        ReportValue::NotSupported => "not_supported".to_owned(),
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn doc_text(document: &PolicyDocument) -> Value {
    Value::String(document.as_str().to_owned())
}

fn time_text(time: Option<&Timestamp>) -> Value {
    time.map_or(Value::Null, |t| Value::String(t.to_string()))
}

/// The organizations bundle (docs/import-formats.md) of an organization.
pub fn organizations_bundle(org: &Organization, taken_at: Timestamp) -> Value {
    let mut ous_by_parent: Map<String, Value> = Map::new();
    for ou in &org.organizational_units {
        let entry = ous_by_parent
            .entry(ou.parent_id.to_string())
            .or_insert_with(|| json!({"OrganizationalUnits": []}));
        if let Some(list) = entry
            .get_mut("OrganizationalUnits")
            .and_then(Value::as_array_mut)
        {
            list.push(json!({"Id": ou.id, "Arn": ou.arn, "Name": ou.name}));
        }
    }
    let account = |a: &crate::org::OrgAccount| {
        json!({
            "Id": a.id, "Arn": a.arn, "Email": a.email, "Name": a.name,
            "Status": match &a.status {
                crate::org::AccountStatus::Active => "ACTIVE".to_owned(),
                crate::org::AccountStatus::Suspended => "SUSPENDED".to_owned(),
                crate::org::AccountStatus::PendingClosure => "PENDING_CLOSURE".to_owned(),
                crate::org::AccountStatus::Other(other) => other.clone(),
            },
            "JoinedMethod": a.joined_method, "JoinedTimestamp": time_text(a.joined_timestamp.as_ref()),
        })
    };
    let mut accounts_by_parent: Map<String, Value> = Map::new();
    for a in &org.accounts {
        let entry = accounts_by_parent
            .entry(a.parent_id.to_string())
            .or_insert_with(|| json!({"Accounts": []}));
        if let Some(list) = entry.get_mut("Accounts").and_then(Value::as_array_mut) {
            list.push(account(a));
        }
    }
    let mut list_policies: Map<String, Value> = Map::new();
    let mut describe: Map<String, Value> = Map::new();
    let mut targets: Map<String, Value> = Map::new();
    for kind in [
        OrgPolicyType::ServiceControlPolicy,
        OrgPolicyType::ResourceControlPolicy,
    ] {
        let summaries: Vec<Value> = org
            .policies
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| {
                json!({"Id": p.id, "Arn": p.arn, "Name": p.name, "Description": p.description.clone().unwrap_or_default(),
                       "Type": kind.as_str(), "AwsManaged": p.aws_managed})
            })
            .collect();
        if !summaries.is_empty() {
            list_policies.insert(kind.as_str().to_owned(), json!({"Policies": summaries}));
        }
    }
    for p in &org.policies {
        describe.insert(
            p.id.to_string(),
            json!({"Policy": {"PolicySummary": {"Id": p.id, "Name": p.name, "Type": p.kind.as_str(), "AwsManaged": p.aws_managed},
                              "Content": doc_text(&p.document)}}),
        );
        targets.insert(
            p.id.to_string(),
            json!({"Targets": p.targets.iter().map(|t| json!({"TargetId": t})).collect::<Vec<_>>()}),
        );
    }
    let mut delegated_services: Map<String, Value> = Map::new();
    for d in &org.delegated_administrators {
        delegated_services.insert(
            d.account_id.to_string(),
            json!({"DelegatedServices": d.service_principals.iter().map(|s| json!({"ServicePrincipal": s})).collect::<Vec<_>>()}),
        );
    }
    json!({
        BUNDLE_KEY: "organizations",
        "taken-at": taken_at.to_string(),
        "organizations describe-organization": {"Organization": {
            "Id": org.id, "Arn": org.arn, "FeatureSet": org.feature_set,
            "MasterAccountId": org.management_account_id, "MasterAccountEmail": org.management_account_email}},
        "organizations list-roots": {"Roots": org.roots.iter().map(|r| json!({
            "Id": r.id, "Arn": r.arn, "Name": r.name,
            "PolicyTypes": r.policy_types.iter().map(|t| json!({"Type": t.kind, "Status": t.status})).collect::<Vec<_>>()})).collect::<Vec<_>>()},
        "organizations list-accounts": {"Accounts": org.accounts.iter().map(account).collect::<Vec<_>>()},
        "organizations list-organizational-units-for-parent": ous_by_parent,
        "organizations list-accounts-for-parent": accounts_by_parent,
        "organizations list-policies": list_policies,
        "organizations describe-policy": describe,
        "organizations list-targets-for-policy": targets,
        "organizations list-delegated-administrators": {"DelegatedAdministrators": org.delegated_administrators.iter().map(|d| json!({
            "Id": d.account_id, "Name": d.name, "Email": d.email,
            "DelegationEnabledDate": time_text(d.delegation_enabled_date.as_ref())})).collect::<Vec<_>>()},
        "organizations list-delegated-services-for-account": delegated_services,
    })
}

/// The account bundle (docs/import-formats.md): password policy, account summary and identity
/// providers, each when given.
pub fn account_bundle(
    account: &crate::ids::AccountId,
    password_policy: Option<&AccountPasswordPolicy>,
    summary: Option<&AccountSummary>,
    providers: Option<&IdentityProviders>,
    taken_at: Timestamp,
) -> Value {
    let mut o = Map::new();
    o.insert(BUNDLE_KEY.into(), json!("account"));
    o.insert("account".into(), json!(account));
    o.insert("taken-at".into(), json!(taken_at.to_string()));
    if let Some(p) = password_policy {
        let value = p.policy.as_ref().map_or(Value::Null, |p| {
            let mut m = Map::new();
            if let Some(n) = p.minimum_password_length {
                m.insert("MinimumPasswordLength".into(), json!(n));
            }
            m.insert("RequireSymbols".into(), json!(p.require_symbols));
            m.insert("RequireNumbers".into(), json!(p.require_numbers));
            m.insert(
                "RequireUppercaseCharacters".into(),
                json!(p.require_uppercase_characters),
            );
            m.insert(
                "RequireLowercaseCharacters".into(),
                json!(p.require_lowercase_characters),
            );
            m.insert(
                "AllowUsersToChangePassword".into(),
                json!(p.allow_users_to_change_password),
            );
            m.insert("ExpirePasswords".into(), json!(p.expire_passwords));
            if let Some(n) = p.max_password_age {
                m.insert("MaxPasswordAge".into(), json!(n));
            }
            if let Some(n) = p.password_reuse_prevention {
                m.insert("PasswordReusePrevention".into(), json!(n));
            }
            if let Some(b) = p.hard_expiry {
                m.insert("HardExpiry".into(), json!(b));
            }
            json!({"PasswordPolicy": m})
        });
        o.insert(crate::import::calls::GET_PASSWORD_POLICY.into(), value);
    }
    if let Some(s) = summary {
        o.insert(
            crate::import::calls::GET_ACCOUNT_SUMMARY.into(),
            json!({"SummaryMap": s.values}),
        );
    }
    if let Some(p) = providers {
        let oidc: Map<String, Value> = p
            .oidc
            .iter()
            .map(|o| {
                (
                    o.arn.to_string(),
                    json!({"Url": o.url, "ClientIDList": o.client_ids, "ThumbprintList": o.thumbprints,
                           "CreateDate": time_text(o.create_date.as_ref()), "Tags": tags(&o.tags)}),
                )
            })
            .collect();
        let saml: Map<String, Value> = p
            .saml
            .iter()
            .map(|s| {
                (
                    s.arn.to_string(),
                    json!({"SAMLMetadataDocument": s.metadata_document, "CreateDate": time_text(s.create_date.as_ref()),
                           "ValidUntil": time_text(s.valid_until.as_ref()), "Tags": tags(&s.tags)}),
                )
            })
            .collect();
        o.insert(
            crate::import::calls::GET_OIDC_PROVIDER.into(),
            Value::Object(oidc),
        );
        o.insert(
            crate::import::calls::GET_SAML_PROVIDER.into(),
            Value::Object(saml),
        );
    }
    Value::Object(o)
}

/// The resource-policies bundle (docs/import-formats.md): S3 buckets, KMS keys and SQS queues
/// as their CLI calls print them, every other type in the generic `resources` list.
pub fn resource_policies_bundle(resources: &ResourcePolicies, taken_at: Timestamp) -> Value {
    use crate::import::calls;
    let mut s3 = Map::new();
    let mut kms = Map::new();
    let mut sqs = Map::new();
    let mut generic = Vec::new();
    for r in &resources.resources {
        let policy = r.policy.as_ref().map(doc_text);
        match r.resource_type {
            ResourceType::S3Bucket if r.tags.is_empty() && r.region == resources.region => {
                s3.insert(r.name.clone(), policy.map_or(Value::Null, |p| json!({"Policy": p})));
            }
            ResourceType::KmsKey if r.tags.is_empty() => {
                kms.insert(
                    r.arn.to_string(),
                    policy.map_or(Value::Null, |p| json!({"Policy": p, "PolicyName": "default"})),
                );
            }
            ResourceType::SqsQueue if r.tags.is_empty() => {
                let url = format!("https://sqs.{}.amazonaws.com/{}/{}", r.arn.region(), r.arn.account_field(), r.arn.resource());
                let mut attributes = Map::new();
                attributes.insert("QueueArn".into(), json!(r.arn));
                if let Some(p) = policy {
                    attributes.insert("Policy".into(), p);
                }
                sqs.insert(url, json!({"Attributes": attributes}));
            }
            _ => generic.push(json!({
                "arn": r.arn, "type": r.resource_type, "name": r.name,
                "policy": policy, "tags": r.tags.iter().map(|t| (t.key.clone(), Value::String(t.value.clone()))).collect::<Map<_, _>>(),
            })),
        }
    }
    let mut o = Map::new();
    o.insert(BUNDLE_KEY.into(), json!("resource-policies"));
    o.insert("account".into(), json!(resources.account_id));
    if let Some(region) = &resources.region {
        o.insert("region".into(), json!(region));
    }
    o.insert("taken-at".into(), json!(taken_at.to_string()));
    o.insert(calls::S3.into(), Value::Object(s3));
    o.insert(calls::KMS.into(), Value::Object(kms));
    o.insert(calls::SQS.into(), Value::Object(sqs));
    o.insert(calls::GENERIC.into(), Value::Array(generic));
    Value::Object(o)
}
