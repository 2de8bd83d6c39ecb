//! One module per `iamwatch` subcommand.

pub mod lint;
pub mod simulate;
pub mod collect;
