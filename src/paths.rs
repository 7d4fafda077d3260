//! Where sctui keeps its files, and how they are created: folders 0700, files 0600, never through
//! a symbolic link. Imports nothing from the rest of sctui.

use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/sctui`, else `~/.local/state/sctui`: the journal and the log.
pub fn state_dir() -> Option<PathBuf> {
    xdg("XDG_STATE_HOME", ".local/state")
}

/// `$XDG_CONFIG_HOME/sctui`, else `~/.config/sctui`.
pub fn config_dir() -> Option<PathBuf> {
    xdg("XDG_CONFIG_HOME", ".config")
}

fn xdg(var: &str, fallback: &str) -> Option<PathBuf> {
    if let Some(x) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("sctui"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback).join("sctui"))
}

/// Creates `path`'s folder (0700) and opens the file (0600) for appending. A symbolic link in
/// the file's place is refused (O_NOFOLLOW): nobody can point the journal at another file.
pub fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    std::fs::OpenOptions::new().create(true).append(true).mode(0o600).custom_flags(libc::O_NOFOLLOW).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_files_refuse_symlinks_and_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("sub/file");
        drop(open_private(&real).unwrap());
        assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o600);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(open_private(&link).is_err(), "a symlink is not followed");
    }
}
