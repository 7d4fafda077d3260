//! sctui: run AWS Service Catalog self-service actions from a terminal.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod domain;
pub mod emulator;
pub mod validate;
pub mod catalog;
pub mod cli;
pub mod headless;
pub mod logging;
pub mod runs;
