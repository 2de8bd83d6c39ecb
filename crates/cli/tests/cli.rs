//! The CLI's one integration-test binary: each module (in `tests/cli/`) drives the built
//! `iamwatch` binary. Register a new module with `#[path = "cli/NAME.rs"] mod NAME;`.

#[path = "cli/html.rs"]
mod html;

#[path = "cli/lint.rs"]
mod lint;

#[path = "cli/simulate.rs"]
mod simulate;

#[path = "cli/audit.rs"]
mod audit;
#[cfg(feature = "collect")]
#[path = "cli/collect.rs"]
mod collect;
#[path = "cli/store.rs"]
mod store;

#[path = "cli/sarif.rs"]
mod sarif;
