#![doc = include_str!("../README.md")]

mod audit;
pub mod config;
mod days;
pub mod demo;
mod err;
pub mod evaluation;
pub mod finding;
mod glob;
pub mod input;
mod join;
mod params;
mod probes;
pub mod rules;
pub mod suppression;

pub use audit::{AuditReport, AuditSummary, audit};
pub use config::AuditConfig;
pub use err::{ConfigError, DemoError, UnusedRoleParamsError};
pub use evaluation::{
    ComplianceType, ConfigEvaluation, PUT_EVALUATIONS_BATCH_SIZE, RoleEvaluation, TSV_HEADER,
    put_evaluations_batches,
};
pub use finding::{
    Finding, FindingResource, ResourceKind, Severity, SuppressionState, SuppressionStatus,
};
pub use input::{AuditInput, Selection};
pub use join::AuditWarning;
pub use params::{PasswordBaseline, RuleParams};
pub use rules::unused_role::{
    RoleAllowlist, UnusedRoleBranch, UnusedRoleDecision, UnusedRoleParams,
};
pub use rules::{Category, ParamInfo, RuleId, RuleInfo};
pub use suppression::Suppression;
