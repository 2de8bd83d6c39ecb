#![doc = include_str!("../README.md")]

pub mod diff;
mod document;
mod err;
mod load;
mod query;
pub mod schema;
mod snapshot;
mod store;
mod time;
mod write;

pub use err::StoreError;
pub use load::LoadFilter;
pub use query::SqlValue;
pub use snapshot::{SnapshotFilter, SnapshotInfo};
pub use store::{DEFAULT_PATH, ReadOnlyStore, Reader, Store};
pub use write::{ImportRun, SnapshotId, WriteOutcome, payload_kind};
