//! The request context: who asks, for which action, on which resource, with which context keys.
//!
//! AWS "collects actions, resources, the principal (with its policies), environment data and
//! resource data" into a request context before it evaluates policies (IAM User Guide,
//! `reference_policies_evaluation-logic.html` §"Processing the request context").
//!
//! A [`Request`] is what the caller says; a [`RequestContext`] is the request prepared once for
//! evaluation: the action lower-cased, context keys lower-cased and sorted, and the global keys
//! AWS derives from the principal and the resource filled in when the caller did not supply them.
//!
//! Derived keys (`reference_policies_condition-keys.html`, `reference_policies_variables.html`
//! §"Request information that you can use for policy variables"), each only when not supplied:
//!
//! | key | value |
//! |---|---|
//! | `aws:PrincipalArn` | user ARN; role ARN for a role or role session (not the session ARN); federated-user ARN; `arn:aws:iam::ACCT:root` for the root user |
//! | `aws:PrincipalAccount` | the principal's account (IAM principals) |
//! | `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths` (multivalued) | from the principal's organization, when given |
//! | `aws:PrincipalTag/<key>` | each principal tag |
//! | `aws:PrincipalType` | `User`, `AssumedRole` (role and role session), `FederatedUser`, `Account` (root), `Anonymous` |
//! | `aws:username` | IAM users: the user name |
//! | `aws:userid` | users: the unique id when given; role sessions: `ROLEID:session` when the role id is given; federated users: `ACCT:name`; root: the account id; anonymous: `anonymous` |
//! | `aws:PrincipalIsAWSService` | `true` for service principals, `false` for other signed requests |
//! | `aws:PrincipalServiceName` | service principals: the service name |
//! | `aws:ResourceAccount` | the resource owner's account, when given or present in the ARN |
//! | `aws:ResourceOrgID`, `aws:ResourceOrgPaths` (multivalued) | from the resource owner's organization, when given |
//! | `aws:ResourceTag/<key>` | each resource tag |
//!
//! Not derived (the engine is pure and knows no clock or network): `aws:CurrentTime`,
//! `aws:EpochTime`, `aws:SourceIp`, `aws:SecureTransport`, `aws:MultiFactorAuthPresent` and every
//! other key; supply them in [`Request::context`].

pub(crate) mod service;

use std::collections::BTreeMap;

use crate::arn::Arn;

/// The value of a context key: single-valued (a JSON string) or multivalued (a JSON list).
///
/// Whether a key is multivalued is decided by the request, not by the policy
/// (`reference_policies_condition-single-vs-multi-valued-context-keys.html`). A multivalued key
/// with no values is an empty set.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ContextValue {
    Single(String),
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice (one for a single value).
    pub fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(value) => std::slice::from_ref(value),
            ContextValue::Multi(values) => values,
        }
    }

    pub fn is_multivalued(&self) -> bool {
        matches!(self, ContextValue::Multi(_))
    }
}

impl From<&str> for ContextValue {
    fn from(value: &str) -> Self {
        ContextValue::Single(value.to_owned())
    }
}

impl From<String> for ContextValue {
    fn from(value: String) -> Self {
        ContextValue::Single(value)
    }
}

impl From<Vec<String>> for ContextValue {
    fn from(values: Vec<String>) -> Self {
        ContextValue::Multi(values)
    }
}

/// Who makes the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalIdentity {
    /// An IAM user: `arn:aws:iam::ACCT:user/path/name`.
    User { arn: String },
    /// An IAM role, asking "what can this role do": the caller is a session of the role whose
    /// session name is unknown. A resource policy naming a session ARN does not match it.
    Role { arn: String },
    /// A role session: `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`. `role_arn` is the role's
    /// IAM ARN with its path; when absent it is derived without a path.
    AssumedRole {
        session_arn: String,
        role_arn: Option<String>,
    },
    /// A federated user session from `GetFederationToken`:
    /// `arn:aws:sts::ACCT:federated-user/NAME`. `user_arn` is the IAM user who federated.
    FederatedUser {
        arn: String,
        user_arn: Option<String>,
    },
    /// The account root user.
    Root { account: String },
    /// An AWS service principal, such as `cloudtrail.amazonaws.com`.
    Service { name: String },
    /// A caller authenticated by an identity provider (`AssumeRoleWithWebIdentity`/`SAML`),
    /// matched by a `Federated` principal: `cognito-identity.amazonaws.com`, an OIDC or SAML
    /// provider ARN.
    WebIdentity { provider: String },
    /// An unauthenticated caller.
    Anonymous,
}

/// The principal and the facts about it that policies can test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestPrincipal {
    pub identity: PrincipalIdentity,
    /// The principal's account; derived from the ARN when absent.
    pub account: Option<String>,
    pub org_id: Option<String>,
    pub org_paths: Vec<String>,
    /// Principal tags (for role sessions: the session tags merged over the role's tags).
    pub tags: Vec<(String, String)>,
    /// The principal belongs to the organization's management account (SCPs do not apply).
    pub in_management_account: bool,
    /// The principal is a service-linked role or a session of one (SCPs and RCPs do not apply).
    /// When `None`, derived from an `/aws-service-role/` role path.
    pub service_linked_role: Option<bool>,
    /// The unique id (`AIDA…` for users, `AROA…` for roles), used for `aws:userid`.
    pub unique_id: Option<String>,
    /// The account's canonical user id, matched by `CanonicalUser` principals.
    pub canonical_user_id: Option<String>,
}

impl RequestPrincipal {
    pub fn new(identity: PrincipalIdentity) -> Self {
        Self {
            identity,
            account: None,
            org_id: None,
            org_paths: Vec::new(),
            tags: Vec::new(),
            in_management_account: false,
            service_linked_role: None,
            unique_id: None,
            canonical_user_id: None,
        }
    }

    /// Reads a principal from the text a user would type: an IAM user, role or root ARN, an STS
    /// assumed-role or federated-user ARN, a 12-digit account id (the root user), a service
    /// principal (`*.amazonaws.com`), or `anonymous`/`*`.
    pub fn parse(text: &str) -> Result<Self, RequestError> {
        let bad = || RequestError::Principal(text.to_owned());
        if text == "*" || text.eq_ignore_ascii_case("anonymous") {
            return Ok(Self::new(PrincipalIdentity::Anonymous));
        }
        if is_account_id(text) {
            return Ok(Self::new(PrincipalIdentity::Root {
                account: text.to_owned(),
            }));
        }
        if !text.starts_with("arn:") {
            if text.contains(".amazonaws.com") {
                return Ok(Self::new(PrincipalIdentity::Service {
                    name: text.to_owned(),
                }));
            }
            return Err(bad());
        }
        let arn = Arn::parse(text).map_err(|_| bad())?;
        let identity = match (arn.service.as_str(), arn.resource_type()) {
            ("iam", "root") => PrincipalIdentity::Root {
                account: arn.account.clone(),
            },
            ("iam", "user") => PrincipalIdentity::User {
                arn: text.to_owned(),
            },
            ("iam", "role") => PrincipalIdentity::Role {
                arn: text.to_owned(),
            },
            ("iam", "saml-provider" | "oidc-provider") => PrincipalIdentity::WebIdentity {
                provider: text.to_owned(),
            },
            ("sts", "assumed-role") => PrincipalIdentity::AssumedRole {
                session_arn: text.to_owned(),
                role_arn: None,
            },
            ("sts", "federated-user") => PrincipalIdentity::FederatedUser {
                arn: text.to_owned(),
                user_arn: None,
            },
            _ => return Err(bad()),
        };
        Ok(Self::new(identity))
    }
}

/// The resource the request acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestResource {
    /// An ARN, or `*` for actions that take no resource.
    pub arn: String,
    /// The owner's account. When absent: the ARN's account field, else (S3 buckets, whose ARNs
    /// carry no account) the principal's account.
    pub account: Option<String>,
    pub org_id: Option<String>,
    pub org_paths: Vec<String>,
    pub tags: Vec<(String, String)>,
    /// The owner is the organization's management account (RCPs do not apply).
    pub in_management_account: bool,
    /// The resource is an AWS managed KMS key (`alias/aws/...`; RCPs do not apply).
    pub aws_managed_kms_key: bool,
}

impl RequestResource {
    pub fn new(arn: impl Into<String>) -> Self {
        Self {
            arn: arn.into(),
            account: None,
            org_id: None,
            org_paths: Vec::new(),
            tags: Vec::new(),
            in_management_account: false,
            aws_managed_kms_key: false,
        }
    }
}

/// A request as the caller states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub principal: RequestPrincipal,
    /// `service:Action`, any case.
    pub action: String,
    pub resource: RequestResource,
    /// Context keys as supplied (any case). They win over derived keys of the same name.
    pub context: BTreeMap<String, ContextValue>,
}

impl Request {
    pub fn new(
        principal: RequestPrincipal,
        action: impl Into<String>,
        resource: RequestResource,
    ) -> Self {
        Self {
            principal,
            action: action.into(),
            resource,
            context: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) a context key.
    pub fn with_context(mut self, key: impl Into<String>, value: impl Into<ContextValue>) -> Self {
        self.context.insert(key.into(), value.into());
        self
    }
}

/// Why a request cannot be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum RequestError {
    #[error("`{0}` is not an action (expected `service:Action`, e.g. `s3:GetObject`)")]
    Action(String),
    #[error("`{0}` is not a principal")]
    #[diagnostic(help(
        "use an IAM user, role or root ARN, an STS assumed-role or federated-user ARN, a 12-digit account id, a service principal or `anonymous`"
    ))]
    Principal(String),
}

/// The kind of principal, as IAM's decision rules distinguish them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalType {
    User,
    Role,
    AssumedRole,
    FederatedUser,
    Root,
    Service,
    WebIdentity,
    Anonymous,
}

/// How a `Principal` value can name the caller, which decides what a same-account resource
/// policy grant is worth (`reference_policies_evaluation-logic_policy-eval-denyallow.html`,
/// the table of principal types).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GrantKind {
    /// The account (account id, `:root` ARN, canonical user): delegates to the account, whose
    /// identity policies must also allow.
    Account,
    /// The role ARN for a role session, or the IAM user ARN for a federated user: limited by an
    /// implicit deny in a permissions boundary or session policy.
    LimitedByBoundaryAndSession,
    /// The principal itself (user ARN, session ARN, federated-user ARN, service, identity
    /// provider) or `*`: not limited by implicit denies elsewhere in the same account.
    Direct,
}

/// One way of naming the principal, for `Principal`/`NotPrincipal` matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Facet {
    pub(crate) arn: String,
    pub(crate) grant: GrantKind,
}

/// A request prepared for evaluation. Build it once; evaluate it against any number of compiled
/// policy sets without further allocation.
#[derive(Clone, Debug)]
pub struct RequestContext {
    request: Request,
    principal_type: PrincipalType,
    /// Lower-cased action.
    action: String,
    /// The length of the service prefix in `action` (before the colon).
    service_len: usize,
    /// The resource used for matching (`*` for actions that take no resource).
    resource: String,
    /// Where the colon-separated parts of `resource` start, and how many there are.
    resource_bounds: ([usize; 6], usize),
    principal_account: Option<String>,
    resource_account: Option<String>,
    service_linked_role: bool,
    /// The action takes no resource (no resource types in the service reference).
    wildcard_only: bool,
    /// The action's service is one that RCPs apply to.
    rcp_service: bool,
    /// Principal ARNs that `Principal` values can name, with what a grant to each is worth.
    pub(crate) facets: Vec<Facet>,
    /// Lower-cased keys, sorted, unique.
    keys: Vec<(Box<str>, ContextValue)>,
}

impl RequestContext {
    /// Prepares a request: validates the action, derives the principal's facts and fills the
    /// derived global keys (see the module documentation).
    pub fn new(request: Request) -> Result<Self, RequestError> {
        let action = request.action.to_ascii_lowercase();
        let service_len = match action.split_once(':') {
            Some((service, name)) if !service.is_empty() && !name.is_empty() => service.len(),
            _ => return Err(RequestError::Action(request.action.clone())),
        };
        let principal = &request.principal;
        let principal_type = match principal.identity {
            PrincipalIdentity::User { .. } => PrincipalType::User,
            PrincipalIdentity::Role { .. } => PrincipalType::Role,
            PrincipalIdentity::AssumedRole { .. } => PrincipalType::AssumedRole,
            PrincipalIdentity::FederatedUser { .. } => PrincipalType::FederatedUser,
            PrincipalIdentity::Root { .. } => PrincipalType::Root,
            PrincipalIdentity::Service { .. } => PrincipalType::Service,
            PrincipalIdentity::WebIdentity { .. } => PrincipalType::WebIdentity,
            PrincipalIdentity::Anonymous => PrincipalType::Anonymous,
        };
        let principal_arn = principal_arn_text(&principal.identity);
        let parsed = principal_arn
            .as_deref()
            .and_then(|text| Arn::parse(text).ok());
        let principal_account = principal
            .account
            .clone()
            .or_else(|| match &principal.identity {
                PrincipalIdentity::Root { account } => Some(account.clone()),
                _ => parsed
                    .as_ref()
                    .map(|arn| arn.account.clone())
                    .filter(|account| !account.is_empty()),
            });
        let partition = parsed
            .as_ref()
            .map_or_else(|| "aws".to_owned(), |arn| arn.partition.clone());
        let role_arn = role_arn(
            &principal.identity,
            &partition,
            principal_account.as_deref(),
        );
        let service_linked_role = principal.service_linked_role.unwrap_or_else(|| {
            role_arn
                .as_deref()
                .is_some_and(|arn| arn.contains(":role/aws-service-role/"))
        });

        let resource_arn = Arn::parse(&request.resource.arn).ok();
        let resource_account = request.resource.account.clone().or_else(|| {
            resource_arn
                .as_ref()
                .map(|arn| arn.account.clone())
                .filter(|account| !account.is_empty())
        });
        let wildcard_only = service::is_wildcard_only(&action);
        let rcp_service = action
            .split_once(':')
            .is_some_and(|(prefix, _)| service::supports_rcp(prefix));
        let resource = if wildcard_only {
            // Actions without resource types are authorized against `*`: only `Resource: "*"`
            // (or a NotResource that excludes nothing) matches them (§2.2 of the reference notes;
            // `reference_policies_elements_notaction.html` example with s3:ListAllMyBuckets).
            "*".to_owned()
        } else {
            request.resource.arn.clone()
        };

        let facets = facets(&principal.identity, role_arn.as_deref());

        // Supplied keys first: they win over derived ones.
        let mut keys: BTreeMap<Box<str>, ContextValue> = request
            .context
            .iter()
            .map(|(key, value)| (key.to_ascii_lowercase().into(), value.clone()))
            .collect();
        let mut derive = |key: String, value: ContextValue| {
            keys.entry(key.to_ascii_lowercase().into()).or_insert(value);
        };
        let is_iam = matches!(
            principal_type,
            PrincipalType::User
                | PrincipalType::Role
                | PrincipalType::AssumedRole
                | PrincipalType::FederatedUser
                | PrincipalType::Root
        );
        let principal_arn_key = match &principal.identity {
            PrincipalIdentity::User { arn } | PrincipalIdentity::FederatedUser { arn, .. } => {
                Some(arn.clone())
            }
            PrincipalIdentity::Role { .. } | PrincipalIdentity::AssumedRole { .. } => {
                role_arn.clone()
            }
            PrincipalIdentity::Root { .. } => principal_account
                .as_ref()
                .map(|account| format!("arn:{partition}:iam::{account}:root")),
            _ => None,
        };
        if let Some(arn) = principal_arn_key {
            derive("aws:PrincipalArn".into(), ContextValue::Single(arn));
        }
        if is_iam {
            if let Some(account) = &principal_account {
                derive("aws:PrincipalAccount".into(), account.as_str().into());
            }
            if let Some(org) = &principal.org_id {
                derive("aws:PrincipalOrgID".into(), org.as_str().into());
            }
            if !principal.org_paths.is_empty() {
                derive(
                    "aws:PrincipalOrgPaths".into(),
                    ContextValue::Multi(principal.org_paths.clone()),
                );
            }
            for (key, value) in &principal.tags {
                derive(format!("aws:PrincipalTag/{key}"), value.as_str().into());
            }
            derive("aws:PrincipalIsAWSService".into(), "false".into());
        }
        let principal_type_value = match principal_type {
            PrincipalType::User => Some("User"),
            PrincipalType::Role | PrincipalType::AssumedRole => Some("AssumedRole"),
            PrincipalType::FederatedUser => Some("FederatedUser"),
            PrincipalType::Root => Some("Account"),
            PrincipalType::Anonymous => Some("Anonymous"),
            PrincipalType::Service | PrincipalType::WebIdentity => None,
        };
        if let Some(value) = principal_type_value {
            derive("aws:PrincipalType".into(), value.into());
        }
        match &principal.identity {
            PrincipalIdentity::User { arn } => {
                if let Some(name) = arn.rsplit('/').next() {
                    derive("aws:username".into(), name.into());
                }
                if let Some(id) = &principal.unique_id {
                    derive("aws:userid".into(), id.as_str().into());
                }
            }
            PrincipalIdentity::AssumedRole { session_arn, .. } => {
                if let (Some(id), Some(session)) =
                    (&principal.unique_id, session_arn.rsplit('/').next())
                {
                    derive("aws:userid".into(), format!("{id}:{session}").into());
                }
            }
            PrincipalIdentity::FederatedUser { arn, .. } => {
                if let (Some(account), Some(name)) = (&principal_account, arn.rsplit('/').next()) {
                    derive("aws:userid".into(), format!("{account}:{name}").into());
                }
            }
            PrincipalIdentity::Root { .. } => {
                if let Some(account) = &principal_account {
                    derive("aws:userid".into(), account.as_str().into());
                }
            }
            PrincipalIdentity::Anonymous => derive("aws:userid".into(), "anonymous".into()),
            PrincipalIdentity::Service { name } => {
                derive("aws:PrincipalIsAWSService".into(), "true".into());
                derive("aws:PrincipalServiceName".into(), name.as_str().into());
            }
            PrincipalIdentity::Role { .. } | PrincipalIdentity::WebIdentity { .. } => {}
        }
        let resource_info = &request.resource;
        if let Some(account) = &resource_account {
            derive("aws:ResourceAccount".into(), account.as_str().into());
        }
        if let Some(org) = &resource_info.org_id {
            derive("aws:ResourceOrgID".into(), org.as_str().into());
        }
        if !resource_info.org_paths.is_empty() {
            derive(
                "aws:ResourceOrgPaths".into(),
                ContextValue::Multi(resource_info.org_paths.clone()),
            );
        }
        for (key, value) in &resource_info.tags {
            derive(format!("aws:ResourceTag/{key}"), value.as_str().into());
        }

        Ok(Self {
            principal_type,
            action,
            service_len,
            resource_bounds: crate::matcher::split_bounds(&resource),
            resource,
            principal_account,
            resource_account,
            service_linked_role,
            wildcard_only,
            rcp_service,
            facets,
            keys: keys.into_iter().collect(),
            request,
        })
    }

    /// The request as supplied.
    pub fn request(&self) -> &Request {
        &self.request
    }

    pub fn principal_type(&self) -> PrincipalType {
        self.principal_type
    }

    /// The action, lower-cased.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The service prefix of the action, lower-cased.
    pub fn service(&self) -> &str {
        self.action.get(..self.service_len).unwrap_or_default()
    }

    /// The action name without its service prefix, lower-cased.
    pub fn action_name(&self) -> &str {
        self.action.get(self.service_len + 1..).unwrap_or_default()
    }

    /// The resource the policies are matched against: the request's resource, or `*` for an
    /// action that takes no resource (no resource types in the service reference).
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The resource split into its ARN parts, for matching.
    pub(crate) fn resource_split(&self) -> crate::matcher::SplitArn<'_> {
        let (starts, count) = self.resource_bounds;
        crate::matcher::SplitArn::from_bounds(&self.resource, starts, count)
    }

    pub fn principal_account(&self) -> Option<&str> {
        self.principal_account.as_deref()
    }

    /// The resource owner's account: as given, from the ARN, or else the principal's account.
    pub fn resource_account(&self) -> Option<&str> {
        self.resource_account
            .as_deref()
            .or(self.principal_account.as_deref())
    }

    /// Whether the principal and the resource are in the same account (or the resource's
    /// account is unknown, which is read as the principal's).
    pub fn is_same_account(&self) -> bool {
        match (self.principal_account(), self.resource_account()) {
            (Some(principal), Some(resource)) => principal == resource,
            _ => false,
        }
    }

    /// Whether the action takes no resource (the service reference lists no resource types).
    pub fn is_wildcard_only_action(&self) -> bool {
        self.wildcard_only
    }

    /// Whether resource control policies apply to the action's service.
    pub fn is_rcp_supported_service(&self) -> bool {
        self.rcp_service
    }

    pub fn is_service_linked_role(&self) -> bool {
        self.service_linked_role
    }

    /// Whether the principal is an IAM principal of an account (user, role, session, federated
    /// user, root): the kinds that have identity policies and that SCPs govern.
    pub fn is_iam_principal(&self) -> bool {
        matches!(
            self.principal_type,
            PrincipalType::User
                | PrincipalType::Role
                | PrincipalType::AssumedRole
                | PrincipalType::FederatedUser
                | PrincipalType::Root
        )
    }

    /// Looks up a context key; `key` must be lower-case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.keys
            .binary_search_by(|(candidate, _)| (**candidate).cmp(key))
            .ok()
            .and_then(|index| self.keys.get(index))
            .map(|(_, value)| value)
    }

    /// Every context key (lower-cased), derived ones included.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.keys.iter().map(|(key, value)| (&**key, value))
    }

    /// The service name of a service principal, the provider of a web-identity caller.
    pub(crate) fn identity(&self) -> &PrincipalIdentity {
        &self.request.principal.identity
    }
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|c| c.is_ascii_digit())
}

fn principal_arn_text(identity: &PrincipalIdentity) -> Option<String> {
    match identity {
        PrincipalIdentity::User { arn }
        | PrincipalIdentity::Role { arn }
        | PrincipalIdentity::FederatedUser { arn, .. } => Some(arn.clone()),
        PrincipalIdentity::AssumedRole { session_arn, .. } => Some(session_arn.clone()),
        _ => None,
    }
}

/// The IAM role ARN of a role or role session.
fn role_arn(
    identity: &PrincipalIdentity,
    partition: &str,
    account: Option<&str>,
) -> Option<String> {
    match identity {
        PrincipalIdentity::Role { arn } => Some(arn.clone()),
        PrincipalIdentity::AssumedRole {
            role_arn: Some(arn),
            ..
        } => Some(arn.clone()),
        PrincipalIdentity::AssumedRole {
            session_arn,
            role_arn: None,
        } => {
            // arn:aws:sts::ACCT:assumed-role/ROLE/SESSION → arn:aws:iam::ACCT:role/ROLE
            let resource = session_arn.splitn(6, ':').nth(5)?;
            let mut parts = resource.split('/');
            let _ = parts.next();
            let role = parts.next()?;
            Some(format!("arn:{partition}:iam::{}:role/{role}", account?))
        }
        _ => None,
    }
}

fn facets(identity: &PrincipalIdentity, role_arn: Option<&str>) -> Vec<Facet> {
    let mut facets = Vec::new();
    let mut push = |arn: &str, grant: GrantKind| {
        facets.push(Facet {
            arn: arn.to_owned(),
            grant,
        });
    };
    match identity {
        PrincipalIdentity::User { arn } => push(arn, GrantKind::Direct),
        PrincipalIdentity::Role { .. } => {
            if let Some(role) = role_arn {
                push(role, GrantKind::LimitedByBoundaryAndSession);
            }
        }
        PrincipalIdentity::AssumedRole { session_arn, .. } => {
            if let Some(role) = role_arn {
                push(role, GrantKind::LimitedByBoundaryAndSession);
            }
            push(session_arn, GrantKind::Direct);
        }
        PrincipalIdentity::FederatedUser { arn, user_arn } => {
            if let Some(user) = user_arn {
                push(user, GrantKind::LimitedByBoundaryAndSession);
            }
            push(arn, GrantKind::Direct);
        }
        PrincipalIdentity::Root { .. }
        | PrincipalIdentity::Service { .. }
        | PrincipalIdentity::WebIdentity { .. }
        | PrincipalIdentity::Anonymous => {}
    }
    facets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepare(principal: &str, action: &str, resource: &str) -> RequestContext {
        let principal = RequestPrincipal::parse(principal).unwrap();
        RequestContext::new(Request::new(
            principal,
            action,
            RequestResource::new(resource),
        ))
        .unwrap()
    }

    fn single<'a>(ctx: &'a RequestContext, key: &str) -> Option<&'a str> {
        ctx.get(key).map(|value| value.values()[0].as_str())
    }

    #[test]
    fn derives_keys_for_a_role_session() {
        let ctx = prepare(
            "arn:aws:sts::111122223333:assumed-role/Admin/alice",
            "S3:GetObject",
            "arn:aws:s3:::bucket/key",
        );
        assert_eq!(ctx.action(), "s3:getobject");
        assert_eq!(ctx.principal_type(), PrincipalType::AssumedRole);
        assert_eq!(
            single(&ctx, "aws:principalarn"),
            Some("arn:aws:iam::111122223333:role/Admin")
        );
        assert_eq!(single(&ctx, "aws:principalaccount"), Some("111122223333"));
        assert_eq!(single(&ctx, "aws:principaltype"), Some("AssumedRole"));
        assert_eq!(single(&ctx, "aws:principalisawsservice"), Some("false"));
        assert!(ctx.get("aws:resourceaccount").is_none());
        assert!(ctx.is_same_account());
    }

    #[test]
    fn supplied_keys_win_and_keys_fold_case() {
        let principal = RequestPrincipal::parse("arn:aws:iam::111122223333:user/team/Bob").unwrap();
        let request = Request::new(principal, "iam:GetUser", RequestResource::new("*"))
            .with_context("AWS:PrincipalType", "Custom")
            .with_context("aws:SourceIp", "10.0.0.1");
        let ctx = RequestContext::new(request).unwrap();
        assert_eq!(single(&ctx, "aws:principaltype"), Some("Custom"));
        assert_eq!(single(&ctx, "aws:username"), Some("Bob"));
        assert_eq!(single(&ctx, "aws:sourceip"), Some("10.0.0.1"));
    }

    #[test]
    fn service_linked_roles_are_recognised_by_path() {
        let ctx = prepare(
            "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport",
            "s3:GetObject",
            "*",
        );
        assert!(ctx.is_service_linked_role());
    }

    #[test]
    fn refuses_bad_input() {
        assert!(RequestPrincipal::parse("bob").is_err());
        let principal = RequestPrincipal::parse("anonymous").unwrap();
        assert!(
            RequestContext::new(Request::new(
                principal,
                "GetObject",
                RequestResource::new("*")
            ))
            .is_err()
        );
    }
}
