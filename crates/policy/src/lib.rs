#![doc = include_str!("../README.md")]

pub mod action;
pub mod arn;
pub mod document;
pub mod operator;
pub mod parse;
pub mod serialize;
pub mod variable;
