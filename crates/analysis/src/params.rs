//! The rules' parameters, typed and validated, with the defaults `docs/rules.md` lists.

use crate::rules::unused_role::UnusedRoleParams;

/// Every rule parameter. `Default` gives the documented defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleParams {
    /// `iam-role-unused`.
    pub unused_role: UnusedRoleParams,
    /// `access-key-not-rotated`: `max_key_age_days`.
    pub max_key_age_days: u32,
    /// `user-credentials-unused`: `max_unused_days`.
    pub max_unused_credential_days: u32,
    /// `root-recently-used`: `window_days`.
    pub root_use_window_days: u32,
    /// `password-policy-weak`.
    pub password_baseline: PasswordBaseline,
    /// `policy-sensitive-action-any-resource`: `extra_sensitive_actions`, as written
    /// (`service:Action` or a pattern).
    pub extra_sensitive_actions: Vec<String>,
}

impl Default for RuleParams {
    fn default() -> Self {
        Self {
            unused_role: UnusedRoleParams::default(),
            max_key_age_days: 90,
            max_unused_credential_days: 90,
            root_use_window_days: 30,
            password_baseline: PasswordBaseline::default(),
            extra_sensitive_actions: Vec::new(),
        }
    }
}

/// The password policy the account's policy must be at least as strong as
/// (`password-policy-weak`). The defaults follow the CIS AWS Foundations Benchmark (length 14,
/// reuse prevention 24) and NIST SP 800-63B (no forced expiry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordBaseline {
    pub minimum_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    /// 0: not required.
    pub password_reuse_prevention: u32,
    /// 0: expiry not required.
    pub max_password_age_days: u32,
}

impl Default for PasswordBaseline {
    fn default() -> Self {
        Self {
            minimum_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: true,
            password_reuse_prevention: 24,
            max_password_age_days: 0,
        }
    }
}
