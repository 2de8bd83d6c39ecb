//! Test support: moto's server on loopback, SDK clients against it, and a fault proxy.

#![allow(dead_code, reason = "each test uses a part of the support")]

pub mod moto;
pub mod proxy;
pub mod setup;
