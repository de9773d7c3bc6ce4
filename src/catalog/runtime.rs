//! ONNX Runtime, provided: when no library is given (`--onnxruntime`,
//! `ORT_DYLIB_PATH`) and none is installed, the official build for this
//! platform is fetched: its release archive, pinned by version, size and
//! SHA-256 (`data/onnxruntime/builds.tsv`), is streamed to a staging file
//! and checked, then only its library is taken out and put beside the
//! voices in the data folder.
//!
//! `BRIEFING_ONNXRUNTIME_CATALOG` (a path or an http(s) URL of a file in
//! the same format) replaces the pins and `BRIEFING_ONNXRUNTIME_URL` the
//! download base: an organization's own mirror or build, and the tests.

use super::download::{self, agent, failure, Expected};
use crate::error::{Error, Result};
use crate::language_data;
use crate::pipeline::Observer;
use sha2::Sha256;
use std::path::{Path, PathBuf};

/// The pinned builds, embedded.
const EMBEDDED: &str = include_str!("../../data/onnxruntime/builds.tsv");

/// One platform's build: its archive and the library inside it.
#[derive(Debug, Clone, PartialEq)]
struct Build {
    /// Rust's `OS-ARCH`: "linux-x86_64".
    platform: String,
    /// The archive, relative to the base.
    archive: String,
    /// The archive's size in bytes.
    size: u64,
    /// The archive's SHA-256, in hex.
    sha256: String,
    /// The library's path inside the archive.
    library: String,
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
            ["build", platform, archive, size, sha256, library] if is_sha256(sha256) && size.parse::<u64>().is_ok() => {
                builds.push(Build {
                    platform: platform.to_string(),
                    archive: archive.to_string(),
                    size: size.parse().expect("checked"),
                    sha256: sha256.to_string(),
                    library: library.to_string(),
                })
            }
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
    let place = crate::paths::onnxruntime_library();
    if chosen.is_some() || place.is_file() {
        return Ok(());
    }
    if offline {
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
fn install(observer: &mut dyn Observer) -> Result<PathBuf> {
    let builds = Builds::load()?;
    let build = builds.for_platform(&platform())?;
    let place = crate::paths::onnxruntime_library();
    let _lock = download::hold(place.parent().expect("the library is in a folder"))?;
    if !place.is_file() {
        let url = download::url(&builds.base, &build.archive);
        fetch(&url, build, &place, observer)?;
    }
    Ok(place)
}

/// Streams the archive at `url` to a staging file and checks it against
/// its pin, then takes `build.library` out of it into a second staging
/// file, renamed to `place`. On any failure nothing is left.
fn fetch(url: &str, build: &Build, place: &Path, observer: &mut dyn Observer) -> Result<()> {
    let (mut archive, _registered) = download::stage(place)?;
    let mut response = agent()?.get(url).call().map_err(|e| failure(url, e))?;
    let mut reader = response.body_mut().as_reader();
    let label = build.archive.rsplit('/').next().unwrap_or(&build.archive);
    let shown = place.display().to_string();
    let (bytes, digest) =
        download::copy::<Sha256>(&mut reader, archive.as_file_mut(), build.size, (url, &shown), |done| {
            observer.download(label, done, build.size)
        })?;
    let expected = Expected { bytes: build.size, digest: &build.sha256, algorithm: "SHA-256", source: "the pin" };
    expected.check(url, bytes, &digest)?;
    let (library, _registered) = download::stage(place)?;
    extract(archive.reopen().map_err(|e| Error::reading(&shown, e))?, &build.library, library.as_file())
        .map_err(|e| Error::failed(url, "read the archive", e))?;
    download::publish(library, place)
}

/// Copies the regular file at `path` in the gzipped tar `archive` to `out`.
fn extract(archive: std::fs::File, path: &str, mut out: &std::fs::File) -> std::io::Result<()> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(std::io::BufReader::new(archive)));
    for entry in archive.entries()? {
        let mut entry = entry?;
        if entry.header().entry_type().is_file() && entry.path()?.as_ref() == Path::new(path) {
            std::io::copy(&mut entry, &mut out)?;
            return Ok(());
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("no {path} in it; nothing was installed")))
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
        assert!(parse(&format!("version\t1\nbase\thttp://x/\nbuild\tp\ta.tgz\t9\t{sha}\tlib\n"), "f").is_ok());
        for wrong in [
            format!("base\thttp://x/\nbuild\tp\ta.tgz\t9\t{sha}\tlib\n"),
            "version\t1\nbase\thttp://x/\nbuild\tp\ta.tgz\t9\tnot-a-digest\tlib\n".to_owned(),
            format!("version\t1\nbase\thttp://x/\nbuild\tp\ta.tgz\tnine\t{sha}\tlib\n"),
            "version\t1\nbase\thttp://x/\nsomething else\n".to_owned(),
        ] {
            let error = parse(&wrong, "pins.tsv").unwrap_err().to_string();
            assert!(error.contains("pins.tsv"), "{error}");
        }
    }
}
