//! Test support for `iamwatch-collect` and the `iamwatch collect` command: moto's server on
//! 127.0.0.1, a fault-injecting proxy in front of it, and fixtures (IAM, organizations) built
//! through the SDK as a person would. Never talks to anything but loopback.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test support: a fixture that cannot be built is a failed test"
)]

pub mod moto;
pub mod proxy;
pub mod setup;
