//! One module per `iamwatch` subcommand.

pub mod lint;
