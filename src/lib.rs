//! sctui: run AWS Service Catalog self-service actions from a terminal.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod domain;
pub mod emulator;
pub mod fleet;
pub mod headless;
pub mod logging;
pub mod manual;
pub mod notify;
pub mod paths;
pub mod runs;
pub mod sso;
pub mod tui;
pub mod validate;
pub mod version;
