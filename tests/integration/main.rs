//! The one integration test binary: each module drives the real `kpilens` binary on
//! small inputs and asserts what a user would see (values in the JSON and the
//! workbook, messages, exit codes).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod support;

mod cli;
mod delivery;
mod forged;
mod hostile;
mod layouts;
mod parquet;
mod paths;
mod previous;
mod robustness;
mod sample;
mod seasonal;
mod send;
mod values;
