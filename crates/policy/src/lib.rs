#![doc = include_str!("../README.md")]

pub mod action;
pub mod arn;
pub mod condition;
pub mod context;
pub mod document;
pub mod eval;
pub mod explain;
pub mod lint;
pub mod matcher;
pub mod operator;
pub mod parse;
pub mod serialize;
pub mod variable;
