//! Public-API tests of iamwatch-analysis: one test binary, one module per concern (in
//! `tests/suite/`). The modules are `cfg(test)` so that the workspace lints treat their helpers
//! as test code (which may unwrap and panic).

#[cfg(test)]
#[path = "suite/support.rs"]
mod support;

#[cfg(test)]
#[path = "suite/admin.rs"]
mod admin;
#[cfg(test)]
#[path = "suite/config.rs"]
mod config;
#[cfg(test)]
#[path = "suite/credentials.rs"]
mod credentials;
#[cfg(test)]
#[path = "suite/demo.rs"]
mod demo;
#[cfg(test)]
#[path = "suite/docs.rs"]
mod docs;
#[cfg(test)]
#[path = "suite/hygiene.rs"]
mod hygiene;
#[cfg(test)]
#[path = "suite/input.rs"]
mod input;
#[cfg(test)]
#[path = "suite/statements.rs"]
mod statements;
#[cfg(test)]
#[path = "suite/suppression.rs"]
mod suppression;
#[cfg(test)]
#[path = "suite/unused_role.rs"]
mod unused_role;
