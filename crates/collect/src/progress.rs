//! What a run tells the person watching it: the CLI draws a progress bar or writes logs.

use iamwatch_model::AccountId;

use crate::run::AccountOutcome;

/// A step of one account's collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    AssumeRole,
    AuthorizationDetails,
    CredentialReport,
    AccountSettings,
    ResourcePolicies,
    Storing,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::AssumeRole => "assume role",
            Phase::AuthorizationDetails => "authorization details",
            Phase::CredentialReport => "credential report",
            Phase::AccountSettings => "account settings",
            Phase::ResourcePolicies => "resource policies",
            Phase::Storing => "storing",
        }
    }
}

/// Receives progress events. Every method has an empty default.
pub trait Progress: Send + Sync {
    /// The run knows its accounts: `total`, of which `done` finished in an earlier run.
    fn planned(&self, total: usize, done: usize) {
        let _ = (total, done);
    }

    fn phase(&self, account: &AccountId, phase: Phase) {
        let _ = (account, phase);
    }

    fn finished(&self, outcome: &AccountOutcome) {
        let _ = outcome;
    }
}

/// No progress output.
#[derive(Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
