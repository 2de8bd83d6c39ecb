//! The built-in demo organization.
