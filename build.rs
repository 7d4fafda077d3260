//! Build script: which git commit the binary is built from, and whether the tree had changes,
//! for `sctui --version`, the man pages, the log's first line and each journaled run.
//!
//! Outside a git checkout of this package (a source tarball, even one unpacked inside another
//! repository), `SCTUI_BUILD_COMMIT` may name the commit; without it the version says the commit
//! is unknown. Nothing here fails the build.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    // GIT_OPTIONAL_LOCKS=0: `git status` must not take the index lock behind the developer's back.
    let out = Command::new("git").args(args).env("GIT_OPTIONAL_LOCKS", "0").output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok().map(|s| s.trim_end_matches('\n').to_string())
}

fn is_commit(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Only paths that exist are watched: Cargo reruns the script on every build for a missing one.
fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// Build again when HEAD moves (checkout, commit) or a tracked file changes (dirty, or clean again).
fn watch_git(git_dir: &Path, common_dir: &Path) {
    watch(&git_dir.join("HEAD"));
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        // A branch's ref is loose, or packed until its next commit writes it loose (a new file
        // in refs/heads, which changes the folder).
        watch(&common_dir.join(&branch));
        watch(&common_dir.join("packed-refs"));
        watch(&common_dir.join("refs/heads"));
    }
    // NUL-separated: names with spaces or non-ASCII characters are not quoted.
    for file in git(&["ls-files", "-z"]).unwrap_or_default().split('\0').filter(|f| !f.is_empty()) {
        watch(Path::new(file));
    }
}

/// Git's answer counts only when the checkout's top folder is this package's own.
fn own_checkout() -> Option<(PathBuf, PathBuf)> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)?.canonicalize().ok()?;
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?).canonicalize().ok()?;
    if top != manifest {
        return None;
    }
    let git_dir = PathBuf::from(git(&["rev-parse", "--absolute-git-dir"])?);
    let common = PathBuf::from(git(&["rev-parse", "--git-common-dir"])?);
    let common = if common.is_absolute() { common } else { manifest.join(common) };
    Some((git_dir, common))
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SCTUI_BUILD_COMMIT");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let given = std::env::var("SCTUI_BUILD_COMMIT").ok().filter(|c| is_commit(c));
    let checkout = own_checkout();
    let head = checkout.as_ref().and(git(&["rev-parse", "HEAD"])).filter(|c| is_commit(c));
    let (commit, dirty, date) = match (given, head, &checkout) {
        (Some(c), _, _) => (Some(c), false, None),
        (None, Some(c), Some((git_dir, common))) => {
            watch_git(git_dir, common);
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
            let date = git(&["log", "-1", "--format=%cs"]).filter(|d| d.len() == 10);
            (Some(c), dirty, date)
        }
        _ => (None, false, None),
    };
    let dirty_note = if dirty { ", dirty" } else { "" };
    let described = match (&commit, &date) {
        (Some(c), Some(d)) => format!("{version} (commit {} {d}{dirty_note})", &c[..12.min(c.len())]),
        (Some(c), None) => format!("{version} (commit {}{dirty_note})", &c[..12.min(c.len())]),
        (None, _) => format!("{version} (commit unknown: built outside git)"),
    };
    println!("cargo:rustc-env=SCTUI_VERSION={described}");
    println!("cargo:rustc-env=SCTUI_COMMIT={}", commit.unwrap_or_default());
    println!("cargo:rustc-env=SCTUI_COMMIT_DATE={}", date.unwrap_or_default());
    println!("cargo:rustc-env=SCTUI_DIRTY={}", if dirty { "1" } else { "0" });
}
