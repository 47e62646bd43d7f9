//! Reading scripts (files or stdin) as checked UTF-8, and writing them back atomically.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::span::line_col;

/// Why a script could not be read. `Display` names the problem; the caller names the file.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    NotAFile(&'static str),
    /// Not UTF-8: where the first bad byte is, and the text with bad bytes as U+FFFD (the
    /// same up to `offset`), so the problem can be shown in place.
    Utf8 {
        line: usize,
        column: usize,
        byte: u8,
        offset: usize,
        lossy: String,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotAFile(what) => write!(f, "is {what}, not a regular file"),
            ReadError::Utf8 {
                line, column, byte, ..
            } => {
                write!(
                    f,
                    "{line}:{column}: invalid UTF-8 (byte 0x{byte:02x}); Flux scripts must be UTF-8"
                )
            }
        }
    }
}

/// Reads a script file. Anything but a regular file (directory, FIFO, device) is refused
/// before it is opened, so a FIFO can never block the tool.
pub fn read_path(path: &Path) -> Result<String, ReadError> {
    let meta = fs::metadata(path).map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::NotAFile("a directory"));
    }
    if !meta.is_file() {
        return Err(ReadError::NotAFile(
            "a special file (FIFO, socket or device)",
        ));
    }
    decode(fs::read(path).map_err(ReadError::Io)?)
}

pub fn read_stdin() -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    decode(bytes)
}

pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        // The prefix is valid UTF-8 by definition.
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let at = line_col(prefix, valid);
        ReadError::Utf8 {
            line: at.line,
            column: at.column,
            byte: bytes[valid],
            offset: valid,
            lossy: String::from_utf8_lossy(bytes).into_owned(),
        }
    })
}

/// Replaces the file at `path` with `contents` without ever leaving a partial file: the text
/// goes to a temporary file in the same directory, is flushed to disk, takes the original's
/// permissions and owner, and is renamed over the original. A symlink is followed, so the
/// link stays and its target changes. A file that is read-only, or has other hard links
/// (which a rename would split off), is refused rather than silently changed.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace_file(path, contents, &REAL)
}

/// The two steps that can fail after the temporary file exists; tests swap in failing ones
/// to prove the original survives (a full disk, a failed rename).
struct Hooks {
    write: fn(&mut tempfile::NamedTempFile, &[u8]) -> io::Result<()>,
    persist: fn(tempfile::NamedTempFile, &Path) -> io::Result<()>,
}

const REAL: Hooks = Hooks {
    write: |temp, contents| temp.write_all(contents),
    persist: |temp, target| temp.persist(target).map(drop).map_err(|e| e.error),
};

fn replace_file(path: &Path, contents: &[u8], hooks: &Hooks) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let target = resolve_symlinks(path)?;
    let meta = fs::metadata(&target)?;
    if meta.permissions().readonly() || !writable(&target) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    if meta.nlink() > 1 {
        let message = format!(
            "the file has {} hard links and replacing it would split them",
            meta.nlink()
        );
        return Err(io::Error::other(message));
    }
    let temp = write_temp(&target, contents, meta.permissions(), hooks.write)?;
    // Keep the owner (possible as root or when nothing changes); refuse to change it silently.
    if (meta.uid(), meta.gid()) != owner(temp.path())? {
        std::os::unix::fs::chown(temp.path(), Some(meta.uid()), Some(meta.gid())).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot keep the file's owner ({}:{}): {e}",
                    meta.uid(),
                    meta.gid()
                ),
            )
        })?;
    }
    (hooks.persist)(temp, &target)?;
    Ok(())
}

/// Creates or replaces `path` atomically with default permissions (for new files such as
/// PATCH bodies), so a failure never leaves a truncated file.
pub fn write_new_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let temp = write_temp(
        path,
        contents,
        fs::Permissions::from_mode(0o666),
        REAL.write,
    )?;
    (REAL.persist)(temp, path)?;
    Ok(())
}

fn write_temp(
    target: &Path,
    contents: &[u8],
    permissions: fs::Permissions,
    write: fn(&mut tempfile::NamedTempFile, &[u8]) -> io::Result<()>,
) -> io::Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".fluxtask-")
        .suffix(".tmp")
        .permissions(permissions)
        .tempfile_in(&dir)
        .map_err(|e| {
            let why = match e.kind() {
                io::ErrorKind::PermissionDenied => "the directory is not writable".to_string(),
                _ => e.kind().to_string(),
            };
            io::Error::new(
                e.kind(),
                format!("cannot create a temporary file in {}: {why}", dir.display()),
            )
        })?;
    write(&mut temp, contents)?;
    temp.as_file().sync_all()?;
    Ok(temp)
}

fn owner(path: &Path) -> io::Result<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(path)?;
    Ok((meta.uid(), meta.gid()))
}

/// Whether this process may write the file (root passes unless no write bit is set at all).
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; access() only reads it.
    unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
}

fn resolve_symlinks(path: &Path) -> io::Result<PathBuf> {
    if fs::symlink_metadata(path)?.file_type().is_symlink() {
        fs::canonicalize(path)
    } else {
        Ok(path.to_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode(b"ab\ncd\xffe".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "2:3: invalid UTF-8 (byte 0xff); Flux scripts must be UTF-8"
        );
    }

    #[test]
    fn atomic_write_keeps_permissions_and_links() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.flux");
        fs::write(&file, "old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.flux");
        symlink(&file, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 2, "no temporary file is left behind");
    }

    #[test]
    fn read_only_and_hard_linked_files_are_refused_untouched() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.flux");
        fs::write(&file, "old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_atomic(&file, b"new").unwrap_err();
        assert_eq!(err.to_string(), "the file is read-only");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        fs::hard_link(&file, dir.path().join("twin.flux")).unwrap();
        let err = write_atomic(&file, b"new").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the file has 2 hard links and replacing it would split them"
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), "old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file is left behind"
        );
    }

    /// A full disk halfway through, and a rename that fails: the original is untouched and no
    /// temporary file is left behind.
    #[test]
    fn failures_after_the_temp_file_exists_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.flux");
        fs::write(&file, "old text").unwrap();
        let disk_full = Hooks {
            write: |temp, contents| {
                temp.write_all(&contents[..contents.len() / 2])?;
                Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "no space left on device",
                ))
            },
            persist: REAL.persist,
        };
        let err = replace_file(&file, b"new text, longer", &disk_full).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        let rename_fails = Hooks {
            write: REAL.write,
            persist: |_temp, _target| Err(io::Error::other("rename failed")),
        };
        assert_eq!(
            replace_file(&file, b"new", &rename_fails)
                .unwrap_err()
                .to_string(),
            "rename failed"
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), "old text");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left behind"
        );
    }

    #[test]
    fn new_files_are_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let body = dir.path().join("body.json");
        write_new_atomic(&body, b"{}").unwrap();
        write_new_atomic(&body, b"{\"a\":1}").unwrap();
        assert_eq!(fs::read_to_string(&body).unwrap(), "{\"a\":1}");
    }
}
