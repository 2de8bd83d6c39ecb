//! One module per `iamwatch` subcommand.

pub mod audit;
#[cfg(feature = "collect")]
pub mod collect;
pub mod demo;
pub mod diff;
pub mod import;
pub mod lint;
pub mod query;
pub mod schema;
pub mod simulate;
pub mod snapshots;
