//! The one integration test binary (linking the SDK is the slow part of a build).
// Tests may panic on what they did not expect, and a drill may read as one long story.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod change;
mod contract;
mod faults;
mod fleet;
mod headless;
mod hostile;
mod layout;
mod package;
mod principals;
mod protocol;
mod pty;
mod pty_harness;
mod reliability;
mod ssm;
mod sso;
mod support;
mod tui;
