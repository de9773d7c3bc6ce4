//! Fetching a voice's files over HTTP: each streamed to a staging file
//! beside its place, its size and MD5 checked, then renamed into place, the
//! config last (a voice is installed once its config is there). The voice's
//! folder is locked meanwhile, so two processes never write it at once.

use super::{config_path, model_path, Catalog, Facts};
use crate::error::{Error, Result};
use crate::paths::Staging;
use crate::pipeline::Observer;
use md5::{Digest, Md5};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a server may take to accept, and then to send each piece
/// (`BRIEFING_DOWNLOAD_TIMEOUT` seconds, for a slow network or a test).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The prefix of staging files in a voice's folder.
const STAGING_PREFIX: &str = ".download-";

/// The HTTP client, with the timeouts above (a silent server must not hang
/// a run) and rustls for https.
pub(super) fn agent() -> Result<ureq::Agent> {
    let read = match std::env::var("BRIEFING_DOWNLOAD_TIMEOUT") {
        Ok(seconds) => seconds.parse().map(Duration::from_secs_f64).ok().filter(|d| !d.is_zero()).ok_or_else(|| {
            Error::Usage(format!("BRIEFING_DOWNLOAD_TIMEOUT={seconds}: a number of seconds above 0 expected"))
        })?,
        Err(_) => READ_TIMEOUT,
    };
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT.max(read)))
        .timeout_per_read(Some(read))
        .build();
    Ok(config.into())
}

/// The text at `url` (a catalogue).
pub fn text(url: &str) -> Result<String> {
    let mut response = agent()?.get(url).call().map_err(|e| failure(url, e))?;
    response.body_mut().read_to_string().map_err(|e| failure(url, e))
}

/// A download failure, told with its cause: the HTTP status, a timeout, a
/// refused connection (the system's own words).
pub(super) fn failure(url: &str, error: ureq::Error) -> Error {
    match error {
        ureq::Error::Io(e) => {
            Error::failed(url, "download", std::io::Error::new(e.kind(), crate::error::io_problem(&e)))
        }
        other => Error::failed(url, "download", other),
    }
}

/// A download that stopped: how far it got, the file discarded.
pub(super) fn cut_short(url: &str, error: std::io::Error, bytes: u64, expected: u64) -> Error {
    let cause = crate::error::io_problem(&error);
    let problem = format!("{cause} after {bytes} of {expected} bytes; the file was discarded");
    Error::failed(url, "download", std::io::Error::new(error.kind(), problem))
}

/// Installs the catalogue voice `name` unless it is installed; returns its
/// model. Under the folder's lock: a second process waits, then finds the
/// files in place and fetches nothing.
pub fn voice(catalog: &Catalog, name: &str, observer: &mut dyn Observer) -> Result<PathBuf> {
    let entry = catalog.entry(name)?;
    let model = model_path(name);
    let config = config_path(&model);
    let folder = model.parent().expect("a voice's model is in its folder");
    let _lock = hold(folder)?;
    // The model first, the config last: the config's presence says the voice is whole.
    for (suffix, place) in [(".onnx", &model), (".onnx.json", &config)] {
        if !place.is_file() {
            let (path, facts) = file_ending(entry.files.iter(), name, suffix)?;
            let url = url(&catalog.base, path);
            fetch(&url, facts, place, observer)?;
        }
    }
    Ok(model)
}

/// The address of `path` under a download base, with or without its final `/`.
pub(super) fn url(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

/// The catalogue file of voice `name` that ends with `suffix`.
fn file_ending<'a>(
    mut files: impl Iterator<Item = (&'a String, &'a Facts)>,
    name: &str,
    suffix: &str,
) -> Result<(&'a String, &'a Facts)> {
    files
        .find(|(path, _)| path.ends_with(&format!("{name}{suffix}")))
        .ok_or_else(|| Error::engine(name, format!("the voice catalogue lists no {name}{suffix} file")))
}

/// Makes `folder` and takes its lock, held until dropped; then removes the
/// staging files a killed download left there (none is being written, since
/// writers hold the lock).
pub(super) fn hold(folder: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(folder).map_err(|e| Error::writing(folder.display().to_string(), e))?;
    let path = folder.join(".lock");
    let file = std::fs::File::create(&path).map_err(|e| Error::writing(path.display().to_string(), e))?;
    file.lock().map_err(|e| Error::writing(path.display().to_string(), e))?;
    crate::paths::remove_staging_older_than(folder, &[STAGING_PREFIX], Duration::ZERO);
    Ok(file)
}

/// Streams `url` into a staging file beside `place`, checks its size and
/// MD5 against `facts`, then renames it into place. On any failure the
/// staging file is removed: nothing partial is ever at `place`.
fn fetch(url: &str, facts: &Facts, place: &Path, observer: &mut dyn Observer) -> Result<()> {
    let (mut staging, _registered) = stage(place)?;
    let mut response = agent()?.get(url).call().map_err(|e| failure(url, e))?;
    let mut reader = response.body_mut().as_reader();
    let (label, shown) = (label(place), place.display().to_string());
    let ends = (url, shown.as_str());
    let (bytes, digest) = copy::<Md5>(&mut reader, staging.as_file_mut(), facts.size_bytes, ends, |done| {
        observer.download(&label, done, facts.size_bytes)
    })?;
    let expected =
        Expected { bytes: facts.size_bytes, digest: &facts.md5_digest, algorithm: "MD5", source: "the catalogue" };
    expected.check(url, bytes, &digest)?;
    publish(staging, place)
}

/// What a downloaded file must be, and who says so.
pub(super) struct Expected<'a> {
    pub bytes: u64,
    /// In hex.
    pub digest: &'a str,
    pub algorithm: &'static str,
    /// "the catalogue", "the pin".
    pub source: &'static str,
}

impl Expected<'_> {
    /// Whether the file from `url` is what is expected: its size first
    /// (the likelier fault), then its digest.
    pub(super) fn check(&self, url: &str, bytes: u64, digest: &str) -> Result<()> {
        let Expected { algorithm, source, .. } = self;
        let problem = if bytes != self.bytes {
            format!("{bytes} bytes where {source} says {}", self.bytes)
        } else if !digest.eq_ignore_ascii_case(self.digest) {
            format!("{algorithm} {digest} where {source} says {}", self.digest)
        } else {
            return Ok(());
        };
        Err(Error::failed(url, "download", format!("{problem}; the file was discarded")))
    }
}

/// A staging file beside `place`, registered so that an interruption
/// removes it; dropped unpublished, it is removed too.
pub(super) fn stage(place: &Path) -> Result<(tempfile::NamedTempFile, Staging)> {
    let folder = place.parent().expect("a file in a folder");
    let make = || tempfile::Builder::new().prefix(STAGING_PREFIX).tempfile_in(folder);
    Staging::create(make, |f| f.path()).map_err(|e| Error::writing(place.display().to_string(), e))
}

/// Puts a checked staging file in place, on disk first.
pub(super) fn publish(staging: tempfile::NamedTempFile, place: &Path) -> Result<()> {
    let shown = place.display().to_string();
    staging.as_file().sync_all().map_err(|e| Error::writing(&shown, e))?;
    staging.persist(place).map_err(|e| Error::writing(&shown, e.error))?;
    Ok(())
}

/// A file's name, as the progress bar shows it.
pub(super) fn label(place: &Path) -> String {
    place.file_name().map_or_else(|| place.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Copies `reader` to `file`, at most one byte past `expected` (a longer
/// file is wrong whatever follows), telling `progress` the bytes so far.
/// Returns the bytes read and their digest `D` in hex. A read failure names
/// the `url`, a write failure (disk full) the file `shown`.
pub(super) fn copy<D: Digest>(
    reader: &mut impl Read,
    file: &mut std::fs::File,
    expected: u64,
    (url, shown): (&str, &str),
    mut progress: impl FnMut(u64),
) -> Result<(u64, String)> {
    let mut out = std::io::BufWriter::new(file);
    let mut digest = D::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    while bytes <= expected {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(cut_short(url, e, bytes, expected)),
        };
        digest.update(&buffer[..read]);
        out.write_all(&buffer[..read]).map_err(|e| Error::writing(shown, e))?;
        bytes += read as u64;
        progress(bytes);
    }
    out.flush().map_err(|e| Error::writing(shown, e))?;
    let digest = crate::hex(&digest.finalize());
    Ok((bytes, digest))
}
