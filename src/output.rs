//! Writing a bulletin: the WAV and its manifest beside it, each written to a
//! temporary file in the destination folder and renamed into place, so a
//! failure never leaves a partial file behind.

use crate::article::io_problem;
use crate::briefing::{Manifest, Sink};
use crate::error::{Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Where the manifest of `wav` goes: beside it, same name, `.json`.
pub fn manifest_path(wav: &Path) -> PathBuf {
    wav.with_extension("json")
}

/// Writes a bulletin to `wav` and its manifest beside it. `produce` streams
/// the samples into the WAV and returns the manifest; on any error nothing
/// is left behind. Returns the manifest and where it was written.
pub fn write(
    wav: &Path,
    sample_rate: u32,
    produce: impl FnOnce(&mut Sink) -> Result<Manifest>,
) -> Result<(Manifest, PathBuf)> {
    let manifest_path = manifest_path(wav);
    let name = wav.display().to_string();
    if manifest_path == wav {
        return Err(Error::output(name, "the WAV and its .json manifest would be the same file"));
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
        manifest = Some(produced);
        Ok(())
    })?;
    let mut manifest = manifest.expect("the WAV is written with its manifest");
    manifest.audio = wav.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let json_file = staged(&folder, &manifest_path.display().to_string(), |file| {
        serde_json::to_writer_pretty(&mut *file, &manifest)
            .map_err(|e| Error::output(manifest_path.display().to_string(), e))?;
        file.write_all(b"\n").map_err(|e| Error::output(manifest_path.display().to_string(), io_problem(&e)))
    })?;
    publish(wav_file, wav)?;
    publish(json_file, &manifest_path)?;
    Ok((manifest, manifest_path))
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
