//! The parser and serializer: refused documents with their exact errors, accepted documents in
//! every shape IAM allows, and properties (round trips, no panics, agreement with serde_json).
//!
//! One test binary; its modules live in `tests/parse/`. They are marked `cfg(test)` so that
//! clippy treats their helpers as test code, which may unwrap and panic.

#[cfg(test)]
#[path = "parse/accept.rs"]
mod accept;
#[cfg(test)]
#[path = "parse/properties.rs"]
mod properties;
#[cfg(test)]
#[path = "parse/reject.rs"]
mod reject;
#[cfg(test)]
#[path = "parse/support.rs"]
mod support;
