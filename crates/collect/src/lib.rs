#![doc = include_str!("../README.md")]

mod account;
mod aws;
mod err;
mod gaad;
mod managed;
mod meter;
mod org;
mod progress;
mod regions;
mod report;
mod resources;
mod run;
mod runfile;
mod settings;

pub mod actions;

pub use err::{ApiError, CollectError};
pub use managed::ManagedPolicies;
pub use meter::{ApiCounts, CallCounts, CallTimes};
pub use progress::{NoProgress, Phase, Progress};
pub use run::{
    AccountOutcome, AccountResult, Cancel, MemorySink, RunReport, SinkError, SnapshotSink, collect,
};
pub use runfile::{FinishedAccount, RunState};
pub use settings::{
    CollectSettings, Connection, RetrySettings, RoleSettings, StaticCredentials, Targets,
};
