//! What this binary is: its version, the git commit it was built from and whether the tree had
//! changes (from `build.rs`). Imports nothing from the rest of sctui.

/// `0.1.0 (commit 1a2b3c4d5e6f 2026-11-30)`, `… , dirty)` when built from a tree with changes, or
/// `0.1.0 (commit unknown: built outside git)`.
pub const VERSION: &str = env!("SCTUI_VERSION");

/// The full commit id, or empty when unknown.
pub const COMMIT: &str = env!("SCTUI_COMMIT");

/// The commit's date (`2026-11-30`), or empty when unknown.
pub const COMMIT_DATE: &str = env!("SCTUI_COMMIT_DATE");

/// Built from a tree whose tracked files had changes not committed.
pub fn dirty() -> bool {
    env!("SCTUI_DIRTY") == "1"
}

/// `sctui 0.1.0 (commit …)`: what the log's first line, `--version` and each journaled run say.
pub fn line() -> String {
    format!("sctui {VERSION}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_version_names_the_package_version_and_a_commit_or_says_it_is_unknown() {
        assert!(super::VERSION.starts_with(env!("CARGO_PKG_VERSION")));
        if super::COMMIT.is_empty() {
            assert!(super::VERSION.contains("commit unknown"), "{}", super::VERSION);
        } else {
            assert!(super::COMMIT.len() >= 7 && super::COMMIT.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(super::VERSION.contains(&super::COMMIT[..super::COMMIT.len().min(12)]), "{}", super::VERSION);
            assert_eq!(super::VERSION.ends_with(", dirty)"), super::dirty());
        }
    }
}
