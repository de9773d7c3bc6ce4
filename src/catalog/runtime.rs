//! ONNX Runtime, provided: when no library is given (`--onnxruntime`,
//! `ORT_DYLIB_PATH`) and none is installed, the official build for this
//! platform is fetched from its release archive, pinned by version and by
//! the SHA-256 of the library (`data/onnxruntime/builds.tsv`). Only that
//! one file is taken from the archive, streamed as it downloads, checked,
//! then put beside the voices in the data folder.
//!
//! `BRIEFING_ONNXRUNTIME_CATALOG` (a path or an http(s) URL of a file in
//! the same format) replaces the pins and `BRIEFING_ONNXRUNTIME_URL` the
//! download base: an organization's own mirror or build, and the tests.

use super::download::{self, agent, failure};
use crate::error::{Error, Result};
use crate::language_data;
use crate::pipeline::Observer;
use sha2::Sha256;
use std::path::{Path, PathBuf};

/// The pinned builds, embedded.
const EMBEDDED: &str = include_str!("../../data/onnxruntime/builds.tsv");

/// The largest library taken from an archive: a bound on what a wrong
/// archive can make us write (the official one is about 20 MB).
const MAX_LIBRARY_BYTES: u64 = 512 << 20;

/// One platform's build: its archive and the library inside it.
#[derive(Debug, Clone, PartialEq)]
struct Build {
    /// Rust's `OS-ARCH`: "linux-x86_64".
    platform: String,
    /// The archive, relative to the base.
    archive: String,
    /// The library's path inside the archive.
    library: String,
    /// The library's SHA-256, in lower-case hex.
    sha256: String,
}

/// The pins in use: a version, where its archives are, one build per platform.
#[derive(Debug)]
struct Builds {
    version: String,
    base: String,
    builds: Vec<Build>,
}

/// This machine, as the pins name platforms.
fn platform() -> String {
    format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
}

/// Reads pins written in the format of `data/onnxruntime/builds.tsv`;
/// `file` names them in errors.
fn parse(text: &str, file: &str) -> Result<Builds> {
    let (mut version, mut base, mut builds) = (None, None, Vec::new());
    for line in language_data::lines(text) {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["version", value] => version = Some(value.to_string()),
            ["base", value] => base = Some(value.to_string()),
            ["build", platform, archive, library, sha256] if is_sha256(sha256) => builds.push(Build {
                platform: platform.to_string(),
                archive: archive.to_string(),
                library: library.to_string(),
                sha256: sha256.to_ascii_lowercase(),
            }),
            _ => return Err(Error::input(file, format!("not an ONNX Runtime build line: {line:?}"))),
        }
    }
    let missing = |key| Error::input(file, format!("no {key} line in the ONNX Runtime builds"));
    Ok(Builds {
        version: version.ok_or_else(|| missing("version"))?,
        base: base.ok_or_else(|| missing("base"))?,
        builds,
    })
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Builds {
    /// `BRIEFING_ONNXRUNTIME_CATALOG` if set, else the embedded pins; the
    /// base replaced by `BRIEFING_ONNXRUNTIME_URL`.
    fn load() -> Result<Builds> {
        let mut builds = match std::env::var_os("BRIEFING_ONNXRUNTIME_CATALOG") {
            None => parse(EMBEDDED, "data/onnxruntime/builds.tsv").expect("the embedded builds parse"),
            Some(place) => {
                let place = place.to_string_lossy().into_owned();
                parse(&super::read_catalog(&place)?, &place)?
            }
        };
        if let Ok(base) = std::env::var("BRIEFING_ONNXRUNTIME_URL") {
            builds.base = base;
        }
        Ok(builds)
    }

    /// The build for `platform`, or the line saying what to do instead.
    fn for_platform(&self, platform: &str) -> Result<&Build> {
        self.builds.iter().find(|b| b.platform == platform).ok_or_else(|| {
            Error::engine(
                "piper",
                format!(
                    "no ONNX Runtime build is pinned for {platform}: install ONNX Runtime {} (1.17 or newer) and give --onnxruntime PATH or ORT_DYLIB_PATH",
                    self.version
                ),
            )
        })
    }
}

/// Makes sure ONNX Runtime is there for a Piper voice: a library the user
/// chose (`chosen`: the flag or `ORT_DYLIB_PATH`) is left to the engine,
/// which says if it is missing; else the installed one, else it is
/// downloaded unless `offline`.
pub fn provide(chosen: Option<&Path>, offline: bool, observer: &mut dyn Observer) -> Result<()> {
    if chosen.is_some() || crate::paths::onnxruntime_library().is_file() {
        return Ok(());
    }
    if offline {
        let place = crate::paths::onnxruntime_library();
        return Err(Error::engine(
            "piper",
            format!(
                "ONNX Runtime is not installed at {}: run `briefing voices download` with a voice's name, or give --onnxruntime PATH",
                place.display()
            ),
        ));
    }
    install(observer).map(drop)
}

/// Downloads the pinned build for this platform into the data folder,
/// unless it is there; returns the library. Under the folder's lock, so a
/// second process waits and then finds it in place.
pub fn install(observer: &mut dyn Observer) -> Result<PathBuf> {
    let builds = Builds::load()?;
    let build = builds.for_platform(&platform())?;
    let place = crate::paths::onnxruntime_library();
    let _lock = download::hold(place.parent().expect("the library is in a folder"))?;
    if !place.is_file() {
        let url = format!("{}/{}", builds.base.trim_end_matches('/'), build.archive);
        fetch(&url, build, &place, observer)?;
    }
    Ok(place)
}

/// Streams the archive at `url`, takes `build.library` out of it into a
/// staging file, checks its SHA-256, then renames it to `place`. On any
/// failure nothing is left.
fn fetch(url: &str, build: &Build, place: &Path, observer: &mut dyn Observer) -> Result<()> {
    let (mut staging, _registered) = download::stage(place)?;
    let mut response = agent()?.get(url).call().map_err(|e| failure(url, e))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(response.body_mut().as_reader()));
    let unreadable = |e: std::io::Error| {
        let problem = format!("{}; nothing was installed", crate::error::io_problem(&e));
        Error::failed(url, "read the archive", std::io::Error::new(e.kind(), problem))
    };
    for entry in archive.entries().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        let is_library = entry.path().map_err(unreadable)?.as_ref() == Path::new(&build.library);
        if !is_library || !entry.header().entry_type().is_file() {
            continue;
        }
        let size = entry.size();
        if size > MAX_LIBRARY_BYTES {
            let problem =
                format!("{} is {size} bytes, more than a library can be; nothing was installed", build.library);
            return Err(Error::failed(url, "read the archive", problem));
        }
        let (label, shown) = (download::label(place), place.display().to_string());
        let (bytes, digest) =
            download::copy::<Sha256>(&mut entry, staging.as_file_mut(), size, (url, &shown), |done| {
                observer.download(&label, done, size)
            })?;
        if bytes != size {
            let problem = format!("{} ends after {bytes} of {size} bytes; nothing was installed", build.library);
            return Err(Error::failed(url, "read the archive", problem));
        }
        if digest != build.sha256 {
            let problem = format!(
                "SHA-256 {digest} of {} where {} is pinned; the file was discarded",
                build.library, build.sha256
            );
            return Err(Error::failed(url, "download", problem));
        }
        return download::publish(staging, place);
    }
    Err(Error::failed(url, "read the archive", format!("no {} in it; nothing was installed", build.library)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_pins_name_an_official_build_for_linux_x86_64() {
        let builds = parse(EMBEDDED, "builds.tsv").unwrap();
        assert!(builds.base.starts_with("https://") && builds.base.contains(&builds.version));
        let build = builds.for_platform("linux-x86_64").unwrap();
        assert!(build.archive.contains(&builds.version) && build.library.contains(&builds.version));
        assert!(builds.for_platform("plan9-mips").unwrap_err().to_string().contains("--onnxruntime PATH"));
    }

    #[test]
    fn pins_with_a_wrong_line_or_without_a_version_are_refused() {
        let sha = "a".repeat(64);
        assert!(parse(&format!("version\t1\nbase\thttp://x/\nbuild\tp\ta.tgz\tlib\t{sha}\n"), "f").is_ok());
        for wrong in [
            format!("base\thttp://x/\nbuild\tp\ta.tgz\tlib\t{sha}\n"),
            "version\t1\nbase\thttp://x/\nbuild\tp\ta.tgz\tlib\tnot-a-digest\n".to_owned(),
            "version\t1\nbase\thttp://x/\nsomething else\n".to_owned(),
        ] {
            let error = parse(&wrong, "pins.tsv").unwrap_err().to_string();
            assert!(error.contains("pins.tsv"), "{error}");
        }
    }
}
