//! Build script: which git commit the binary is built from, and whether the tree had changes,
//! for `sctui --version`, the log's first line and each journaled run.
//!
//! Outside a git checkout (a source tarball), `SCTUI_BUILD_COMMIT` may name the commit; without
//! it the version says the commit is unknown. Nothing here fails the build.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    // GIT_OPTIONAL_LOCKS=0: `git status` must not take the index lock behind the developer's back.
    let out = Command::new("git").args(args).env("GIT_OPTIONAL_LOCKS", "0").output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok().map(|s| s.trim().to_string())
}

fn is_commit(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Build again when HEAD moves (checkout, commit) or a tracked file changes (dirty or clean again).
fn watch(git_dir: &Path, tracked: &str) {
    println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
    match git(&["symbolic-ref", "-q", "HEAD"]) {
        Some(r) if git_dir.join(&r).exists() => println!("cargo:rerun-if-changed={}", git_dir.join(r).display()),
        _ => println!("cargo:rerun-if-changed={}", git_dir.join("packed-refs").display()),
    }
    for file in tracked.lines().filter(|f| Path::new(f).exists()) {
        println!("cargo:rerun-if-changed={file}");
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SCTUI_BUILD_COMMIT");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let given = std::env::var("SCTUI_BUILD_COMMIT").ok().filter(|c| is_commit(c));
    let git_dir = git(&["rev-parse", "--absolute-git-dir"]).map(PathBuf::from);
    let head = git_dir.as_ref().and(git(&["rev-parse", "HEAD"])).filter(|c| is_commit(c));
    let (commit, dirty, date) = match (given, head, &git_dir) {
        (Some(c), _, _) => (Some(c), false, None),
        (None, Some(c), Some(dir)) => {
            let tracked = git(&["ls-files"]).unwrap_or_default();
            watch(dir, &tracked);
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
            (Some(c), dirty, git(&["log", "-1", "--format=%cs"]).filter(|d| d.len() == 10))
        }
        _ => (None, false, None),
    };
    let described = match (&commit, date) {
        (Some(c), Some(d)) => {
            format!("{version} (commit {} {d}{})", &c[..12.min(c.len())], if dirty { ", dirty" } else { "" })
        }
        (Some(c), None) => {
            format!("{version} (commit {}{})", &c[..12.min(c.len())], if dirty { ", dirty" } else { "" })
        }
        (None, _) => format!("{version} (commit unknown: built outside git)"),
    };
    println!("cargo:rustc-env=SCTUI_VERSION={described}");
    println!("cargo:rustc-env=SCTUI_COMMIT={}", commit.unwrap_or_default());
    println!("cargo:rustc-env=SCTUI_DIRTY={}", if dirty { "1" } else { "0" });
}
