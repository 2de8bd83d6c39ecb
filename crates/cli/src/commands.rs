//! One module per `iamwatch` subcommand.

pub mod lint;
pub mod simulate;
pub mod collect;
pub mod diff;
pub mod import;
pub mod query;
pub mod schema;
pub mod snapshots;
