//! The one integration test binary: each module drives the real `kpilens` binary on
//! small inputs and asserts what a user would see (values in the JSON and the
//! workbook, messages, exit codes).
mod support;

mod cli;
mod delivery;
mod forged;
mod layouts;
mod robustness;
mod sample;
mod values;
