//! The collector's integration tests: one binary, real parts (moto's server on loopback, a
//! fault-injecting proxy in front of it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests and their support may unwrap and index"
)]

#[path = "support/mod.rs"]
mod support;

#[path = "collect/account.rs"]
mod account;
#[path = "collect/faults.rs"]
mod faults;
#[path = "collect/org.rs"]
mod org;
#[path = "collect/policy.rs"]
mod policy;
#[path = "collect/rate.rs"]
mod rate;
#[path = "collect/resources.rs"]
mod resources;
#[path = "collect/resume.rs"]
mod resume;
