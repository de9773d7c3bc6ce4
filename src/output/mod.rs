//! Writing a bulletin: the WAV (with chapter markers) and the files beside
//! it, each written to a temporary file in the destination folder and
//! renamed into place, so a failure never leaves a partial file behind.

mod chapters;
mod sidecar;

pub use sidecar::{Json, Sidecar, Subtitles};

use crate::article::io_problem;
use crate::briefing::{Manifest, Sink};
use crate::error::{Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Writes a bulletin to `wav`, with chapter markers, and each sidecar file
/// beside it (the JSON manifest, subtitles). `produce` streams the samples
/// into the WAV and returns the manifest; on any error nothing is left
/// behind. Returns the manifest and the sidecars' paths.
pub fn write(
    wav: &Path,
    sample_rate: u32,
    sidecars: &[&dyn Sidecar],
    produce: impl FnOnce(&mut Sink) -> Result<Manifest>,
) -> Result<(Manifest, Vec<PathBuf>)> {
    let name = wav.display().to_string();
    let sidecar_paths: Vec<PathBuf> = sidecars.iter().map(|s| wav.with_extension(s.extension())).collect();
    if sidecar_paths.iter().any(|p| p == wav) {
        return Err(Error::output(name, "the WAV would have the name of a file written beside it"));
    }
    if wav.is_dir() {
        return Err(Error::output(name, "is a folder"));
    }
    let folder = match wav.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder).map_err(|e| Error::output(folder.display().to_string(), io_problem(&e)))?;

    let mut manifest = None;
    let wav_file = staged(&folder, &name, |file| {
        let produced = write_wav(file, sample_rate, &name, produce)?;
        chapters::append(file, &produced).map_err(|e| Error::output(&name, io_problem(&e)))?;
        manifest = Some(produced);
        Ok(())
    })?;
    let mut manifest = manifest.expect("the WAV is written with its manifest");
    manifest.audio = wav.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut staged_sidecars = Vec::with_capacity(sidecars.len());
    for (sidecar, path) in sidecars.iter().zip(&sidecar_paths) {
        let path_name = path.display().to_string();
        let file = staged(&folder, &path_name, |file| {
            file.write_all(sidecar.render(&manifest).as_bytes()).map_err(|e| Error::output(&path_name, io_problem(&e)))
        })?;
        staged_sidecars.push(file);
    }
    publish(wav_file, wav)?;
    for (file, path) in staged_sidecars.into_iter().zip(&sidecar_paths) {
        publish(file, path)?;
    }
    Ok((manifest, sidecar_paths))
}

type Staging<'a> = BufWriter<&'a mut std::fs::File>;

fn staged(folder: &Path, name: &str, fill: impl FnOnce(&mut Staging) -> Result<()>) -> Result<NamedTempFile> {
    let problem = |e: std::io::Error| Error::output(name, io_problem(&e));
    let mut file =
        tempfile::Builder::new().prefix(".briefing-").suffix(".part").tempfile_in(folder).map_err(problem)?;
    make_shareable(file.as_file()).map_err(problem)?;
    let mut writer = BufWriter::new(file.as_file_mut());
    fill(&mut writer)?;
    writer.into_inner().map_err(|e| problem(e.into_error()))?;
    Ok(file)
}

/// Temporary files are private; a bulletin is meant to be published.
#[cfg(unix)]
fn make_shareable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn make_shareable(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

fn write_wav(
    file: &mut Staging,
    sample_rate: u32,
    name: &str,
    produce: impl FnOnce(&mut Sink) -> Result<Manifest>,
) -> Result<Manifest> {
    let spec =
        hound::WavSpec { channels: 1, sample_rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let failed = |e: hound::Error| match e {
        hound::Error::IoError(io) => Error::output(name, io_problem(&io)),
        other => Error::output(name, other),
    };
    let mut writer = hound::WavWriter::new(file, spec).map_err(failed)?;
    let manifest = produce(&mut |pcm: &[i16]| {
        // hound counts the data length in a u32 of bytes.
        if writer.len() as usize + pcm.len() > (u32::MAX / 2) as usize {
            return Err(Error::output(name, "too long for one WAV file (4 GiB)"));
        }
        let mut block = writer.get_i16_writer(pcm.len() as u32);
        for &sample in pcm {
            block.write_sample(sample);
        }
        block.flush().map_err(failed)
    })?;
    writer.finalize().map_err(failed)?;
    Ok(manifest)
}

fn publish(file: NamedTempFile, to: &Path) -> Result<()> {
    file.persist(to).map(drop).map_err(|e| Error::output(to.display().to_string(), io_problem(&e.error)))
}
