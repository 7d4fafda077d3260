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

/// A private file, open for appending, and what had to be tightened on the way.
pub struct PrivateFile {
    pub file: std::fs::File,
    /// Permissions that were looser than private and were tightened, in the operator's words.
    pub notices: Vec<String>,
}

/// Creates `path`'s folder (0700) and opens the file (0600) for appending. A symbolic link in
/// the file's place is refused (O_NOFOLLOW): nobody can point the journal at another file. A
/// folder or file that others may read or write is tightened, and the notice says so.
pub fn open_private(path: &Path) -> std::io::Result<PrivateFile> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let mut notices = Vec::new();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // sctui's own folders are tightened; a folder the operator named is only warned about
        // (never /tmp, never a home folder).
        let ours = !dir.exists() || state_dir().is_some_and(|s| s == dir);
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        check_folder(dir, ours, &mut notices)?;
    }
    let file =
        std::fs::OpenOptions::new().create(true).append(true).mode(0o600).custom_flags(libc::O_NOFOLLOW).open(path)?;
    // Nobody else reads the journal (it holds parameters) or writes it; only a regular file is
    // touched (`--log-file /dev/null` stays as it is).
    if file.metadata()?.is_file() {
        tighten(path, 0o077, &mut notices)?;
    }
    Ok(PrivateFile { file, notices })
}

/// Others must not be able to swap the file: a folder they may write to (and that is not a
/// sticky shared folder like /tmp) is tightened if it is sctui's, and warned about otherwise.
fn check_folder(dir: &Path, ours: bool, notices: &mut Vec<String>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir)?.permissions().mode();
    let sticky = mode & 0o1000 != 0;
    if mode & 0o022 == 0 || sticky {
        return Ok(());
    }
    if ours {
        return tighten(dir, 0o022, notices);
    }
    notices.push(format!(
        "{} may be written by other users (mode {:o}); sctui left it as it is: consider `chmod go-w`",
        dir.display(),
        mode & 0o777
    ));
    Ok(())
}

/// Takes the `loose` bits away from `path`, and says so.
fn tighten(path: &Path, loose: u32, notices: &mut Vec<String>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::symlink_metadata(path)?.permissions().mode() & 0o777;
    if mode & loose != 0 {
        let tight = mode & !loose;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(tight))?;
        notices.push(format!(
            "{} was open to other users (mode {mode:o}); sctui tightened it to {tight:o}",
            path.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_files_refuse_symlinks_and_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("sub/file");
        let opened = open_private(&real).unwrap();
        assert!(opened.notices.is_empty());
        assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o600);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(open_private(&link).is_err(), "a symlink is not followed");
    }

    #[test]
    fn loose_permissions_are_tightened_and_said() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        std::fs::create_dir(&state).unwrap();
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o777)).unwrap();
        let file = state.join("journal.jsonl");
        std::fs::write(&file, "").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
        let opened = open_private(&file).unwrap();
        assert_eq!(opened.notices.len(), 2, "{:?}", opened.notices);
        assert!(opened.notices[0].contains("may be written by other users (mode 777)"), "{:?}", opened.notices);
        assert_eq!(std::fs::metadata(&state).unwrap().permissions().mode() & 0o777, 0o777, "not sctui's: left");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        // A folder sctui creates is private; /tmp (sticky) and /dev/null are left alone.
        let fresh = dir.path().join("new/journal.jsonl");
        assert!(open_private(&fresh).unwrap().notices.is_empty());
        assert_eq!(std::fs::metadata(fresh.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        let tmp_mode = std::fs::metadata("/tmp").unwrap().permissions().mode();
        let null_mode = std::fs::metadata("/dev/null").unwrap().permissions().mode();
        drop(open_private(Path::new("/dev/null")).unwrap());
        assert_eq!(std::fs::metadata("/dev/null").unwrap().permissions().mode(), null_mode);
        assert_eq!(std::fs::metadata("/tmp").unwrap().permissions().mode(), tmp_mode);
    }
}
