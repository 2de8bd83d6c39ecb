#![doc = include_str!("../README.md")]

mod access_level;
mod catalog;
mod condition_key;
mod err;
mod format;
mod managed;
mod pattern;
mod service;
mod shared;

pub use access_level::AccessLevel;
pub use catalog::Catalog;
pub use condition_key::{ConditionKey, ConditionKeyType};
pub use err::{CatalogError, DecompressError, InvalidError, ParseError};
pub use managed::{ManagedPolicies, ManagedPolicy, PolicyVersion};
pub use service::{Action, ActionResourceType, ResourceType, Service};
