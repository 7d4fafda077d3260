//! The one integration test binary (linking the SDK is the slow part of a build).

mod contract;
mod faults;
mod headless;
mod protocol;
mod pty;
mod pty_harness;
mod reliability;
mod support;
mod tui;
