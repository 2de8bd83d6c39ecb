#![doc = include_str!("../README.md")]

pub mod account;
pub mod credential_report;
pub mod document;
pub mod export;
pub mod iam;
pub mod ids;
pub mod import;
pub mod inventory;
pub mod join;
pub mod org;
pub mod resource;
pub mod snapshot;
pub mod synthetic;

mod err;

pub use account::{
    AccountPasswordPolicy, AccountSummary, IdentityProviders, OidcProvider, PasswordPolicy,
    SamlProvider,
};
pub use credential_report::{
    AccessKeyColumns, CertificateColumns, CredentialReport, CredentialReportRow, ReportUser,
    ReportValue,
};
pub use document::PolicyDocument;
pub use err::ValueError;
pub use iam::{
    AccountAuthorization, AttachedPolicy, AwsManagedPolicyRef, Group, InlinePolicy,
    InstanceProfile, ManagedPolicy, PermissionsBoundary, PolicyVersion, Role, RoleLastUsed, User,
};
pub use ids::{
    AccountId, Arn, OrgId, OrgNodeId, OrgPolicyId, OuId, RootId, Tag, Timestamp, UniqueId,
};
pub use inventory::{AccountInventory, Inventory, PrincipalRef};
pub use join::{Join, JoinError, JoinIssue, PrincipalPolicies};
pub use org::{
    AccountStatus, DelegatedAdministrator, OrgAccount, OrgPolicy, OrgPolicyType, OrgRoot,
    Organization, OrganizationalUnit, RootPolicyType,
};
pub use resource::{Resource, ResourcePolicies, ResourceType};
pub use snapshot::{ContentHash, Payload, Snapshot, SnapshotScope, SnapshotSource};
