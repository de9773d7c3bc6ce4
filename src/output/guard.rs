//! What a run may write where: never over one of its inputs or into a
//! folder it reads articles from, never a rename over a device, a FIFO or a
//! link, never another bulletin's manifest, and one run at a time
//! publishing into a folder. Losing a user's file is worse than refusing.

use super::{Destination, Sidecar};
use crate::article::{self, Input};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Links followed before a destination is taken for a loop.
const MAX_LINKS: usize = 40;

impl Destination {
    /// Where `-o PATH` really writes. A link is followed, so the bulletin is
    /// published at its target and the link stays a link; anything that is
    /// neither a regular file nor a folder (a device, a FIFO, `/dev/stdout`)
    /// takes the audio as a stream: renaming a file over it would replace it.
    pub fn at(path: &Path) -> Destination {
        let mut path = path.to_path_buf();
        for _ in 0..MAX_LINKS {
            if opened_by_the_system(&path) {
                return Destination::Stream(path);
            }
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() => match std::fs::read_link(&path) {
                    Ok(target) => path = path.parent().unwrap_or(Path::new("")).join(target),
                    Err(_) => return Destination::File(path),
                },
                Ok(meta) if !meta.is_file() && !meta.is_dir() => return Destination::Stream(path),
                _ => return Destination::File(path),
            }
        }
        Destination::File(path)
    }

    /// The files a bulletin here writes: the audio, then each sidecar
    /// beside it (none beside a stream).
    pub fn paths(&self, sidecars: &[&dyn Sidecar]) -> Vec<PathBuf> {
        match self {
            Destination::File(wav) => {
                std::iter::once(wav.clone()).chain(sidecars.iter().map(|s| wav.with_extension(s.extension()))).collect()
            }
            Destination::Stream(path) => vec![path.clone()],
            Destination::Stdout => Vec::new(),
        }
    }
}

/// A path the system makes for a file some process already has open
/// (`/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`): its folder lies in
/// `/proc` once links are followed.
fn opened_by_the_system(path: &Path) -> bool {
    std::fs::canonicalize(folder_of(path)).is_ok_and(|folder| folder.starts_with("/proc"))
}

/// Refuses (a usage error: another `-o` fixes it) any file a run would
/// write that is one of its inputs, or that lies in a folder it reads
/// articles from and would be read as one next time.
pub fn check_inputs(outputs: &[PathBuf], inputs: &[Input]) -> Result<()> {
    for input in inputs {
        let Input::Path(input) = input else { continue };
        let read_folder = input.is_dir();
        let clash = outputs.iter().find(|output| match read_folder {
            true => article::is_article_file(output) && same_file(folder_of(output), input),
            false => same_file(output, input),
        });
        if let Some(output) = clash {
            let problem = match read_folder {
                true => format!("lies in {}, which is read for articles", input.display()),
                false => format!("is the input {}", input.display()),
            };
            return Err(Error::Usage(format!("{}: {problem}: choose another -o", output.display())));
        }
    }
    Ok(())
}

/// The folder a file is in (`.` for a bare name).
pub(super) fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Whether two paths name the same existing file, however written
/// (`./a.txt` and `a.txt`, a link and its target).
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
}

/// Refuses to replace a file beside the audio that is not a regular file
/// (a link, a device, a FIFO: a rename would replace it), or a manifest
/// that is not this audio's: another bulletin's (`b.wav`'s when `b.mp3` is
/// written), whose audio is still there, or a `.json` that is no manifest.
pub(super) fn check_beside(destination: &Destination, sidecars: &[&dyn Sidecar]) -> Result<()> {
    let Destination::File(wav) = destination else { return Ok(()) };
    for path in destination.paths(sidecars).iter().skip(1) {
        if std::fs::symlink_metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir()) {
            let problem = "not a regular file, and a file written beside the audio would replace it";
            return Err(Error::Usage(format!("{}: {problem}: choose another -o", path.display())));
        }
    }
    let json = super::Json.extension();
    if sidecars.iter().any(|s| s.extension() == json) {
        check_manifest_owner(wav, &wav.with_extension(json))
    } else {
        Ok(())
    }
}

fn check_manifest_owner(wav: &Path, manifest: &Path) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(manifest) else { return Ok(()) };
    let refuse = |problem: String| Err(Error::Usage(format!("{}: {problem}: choose another -o", manifest.display())));
    let ours = wav.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match crate::manifest::described_audio(&text) {
        None => refuse("is not a briefing manifest, and would be replaced".into()),
        Some(audio) if audio != ours && folder_of(wav).join(&audio).exists() => {
            refuse(format!("is the manifest of {audio}, and {ours} would take it"))
        }
        Some(_) => Ok(()),
    }
}

/// Locks `folder` while a run publishes into it (until the file returned is
/// dropped): two runs writing the same bulletin publish one after the
/// other, so the audio and the files beside it come from one run. `None`
/// where the file system refuses locks: the files are published without
/// one, and a re-run checks each audio against its manifest rather than
/// trust a lock (see `resume::made`).
pub(super) fn lock_folder(folder: &Path) -> Result<Option<std::fs::File>> {
    let problem = |e: std::io::Error| Error::writing(folder.display().to_string(), e);
    let file = open_lock(folder).map_err(problem)?;
    match file.lock() {
        Ok(()) => Ok(Some(file)),
        Err(e) if refuses_locks(&e) => Ok(None),
        Err(e) => Err(problem(e)),
    }
}

/// Whether a lock failed because the file system takes none, rather than
/// for a fault to report: Lustre mounted without `flock` (ENOSYS), NFSv3
/// without its lock daemon (ENOLCK), some FUSE and SMB mounts (EOPNOTSUPP).
#[cfg(unix)]
fn refuses_locks(e: &std::io::Error) -> bool {
    e.raw_os_error().is_some_and(|code| [libc::ENOSYS, libc::ENOLCK, libc::EOPNOTSUPP].contains(&code))
}

#[cfg(not(unix))]
fn refuses_locks(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported
}

/// The folder itself is locked: no file is left in it.
#[cfg(unix)]
fn open_lock(folder: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(folder)
}

/// Where a folder cannot be opened as a file, a hidden one in it is locked.
#[cfg(not(unix))]
fn open_lock(folder: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create(folder.join(".briefing.lock"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::refuses_locks;
    use std::io::Error;

    #[test]
    fn only_a_file_system_without_locks_is_published_into_unlocked() {
        for refused in [libc::ENOSYS, libc::ENOLCK, libc::EOPNOTSUPP] {
            assert!(refuses_locks(&Error::from_raw_os_error(refused)), "{refused}");
        }
        for fault in [libc::EBADF, libc::EINTR, libc::EACCES, libc::EIO, libc::ENOMEM, libc::EWOULDBLOCK] {
            assert!(!refuses_locks(&Error::from_raw_os_error(fault)), "{fault}");
        }
        assert!(!refuses_locks(&Error::other("no number")));
    }
}
