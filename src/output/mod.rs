//! Writing a bulletin: the audio (a WAV with chapter markers, or an MP3
//! with its tag and chapters) and the files beside it, each written to a
//! temporary file in the destination folder and renamed into place, so a
//! failure never leaves a partial file behind.

mod chapters;
mod guard;
mod id3;
mod mp3;
mod opus;
mod sidecar;

pub use guard::check_inputs;
#[cfg(feature = "serve")]
pub(crate) use mp3::DEFAULT_BITRATE as MP3_BITRATE;
#[cfg(feature = "serve")]
pub(crate) use opus::{COMPLEXITY as OPUS_COMPLEXITY, DEFAULT_BITRATE as OPUS_BITRATE};
pub use sidecar::{Json, PodcastChapters, Sidecar, Subtitles};

use crate::audio::Pcm16Source;
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// How the audio is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Encoding {
    /// 16-bit PCM, with chapter markers.
    Wav,
    /// MP3 with an ID3v2.4 tag and chapters, for podcast apps.
    Mp3,
    /// Ogg Opus with Vorbis comments and chapters: half MP3's size.
    Opus,
}

impl Encoding {
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Wav => "wav",
            Encoding::Mp3 => "mp3",
            Encoding::Opus => "opus",
        }
    }

    const ALL: [Encoding; 3] = [Encoding::Wav, Encoding::Mp3, Encoding::Opus];

    /// The encoding a file name asks for by its extension, if any.
    pub fn of(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|e| e.extension() == extension)
    }

    /// The encoding a file's extension names; `None` without an extension.
    /// Any other extension is refused rather than written as WAV under a
    /// name that says otherwise (`.ogg`, `.flac`, `.txt`).
    fn named(path: &Path) -> Result<Option<Self>> {
        if path.extension().is_none() {
            return Ok(None);
        }
        Self::of(path).map(Some).ok_or_else(|| {
            let known: Vec<String> = Self::ALL.iter().map(|e| format!(".{}", e.extension())).collect();
            Error::Usage(format!(
                "{}: not an audio file briefing writes: name a {} file",
                path.display(),
                known.join(", ")
            ))
        })
    }

    /// The sample rates the encoding can carry; `None` for any.
    pub fn rates(self) -> Option<&'static [u32]> {
        match self {
            Encoding::Wav => None,
            Encoding::Mp3 => Some(&mp3::RATES),
            Encoding::Opus => Some(&opus::RATES),
        }
    }

    /// The rate to make a program at for this encoding when none is asked
    /// for: the voice's own if it can carry it, else the next one up.
    pub fn rate_for(self, voice: u32) -> u32 {
        match self.rates() {
            Some(rates) if !rates.contains(&voice) => {
                rates.iter().copied().find(|&r| r > voice).unwrap_or(rates[rates.len() - 1])
            }
            _ => voice,
        }
    }

    /// Fails unless the encoding can carry `rate`; names the rates among
    /// those a program is made at ([`SAMPLE_RATES`]) that it can.
    pub fn check_rate(self, rate: u32) -> Result<()> {
        match self.rates() {
            Some(rates) if !rates.contains(&rate) => {
                let rates: Vec<String> =
                    SAMPLE_RATES.iter().filter(|r| rates.contains(r)).map(u32::to_string).collect();
                Err(Error::Usage(format!(
                    "{} cannot carry {rate} Hz: choose --sample-rate among {}",
                    self.extension(),
                    rates.join(", ")
                )))
            }
            _ => Ok(()),
        }
    }

    /// Fails if the encoder would not make `bitrate` kb/s at `rate` (it
    /// would use another without a word).
    pub fn check_bitrate(self, rate: u32, bitrate: Option<u32>) -> Result<()> {
        match (self, bitrate) {
            (Encoding::Mp3, Some(bitrate)) => mp3::check_bitrate(rate, bitrate),
            _ => Ok(()),
        }
    }
}

/// The sample rates a program can be asked to be made at (`--sample-rate`),
/// besides the voice's own.
pub const SAMPLE_RATES: [u32; 4] = [22050, 24000, 44100, 48000];

/// What an encoded bulletin says of itself (the MP3's tag).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    pub title: String,
    /// The bulletin's date, as ISO 8601 writes it ("2026-11-29").
    pub date: String,
    pub artist: Option<String>,
    pub publisher: Option<String>,
}

/// The title `build` tags a bulletin with unless told another.
pub const DEFAULT_TITLE: &str = "Bulletin du {date}";

impl Tags {
    /// The tags of a bulletin made `when`: `title` with its `{date}` and
    /// `{time}` written out ("9h00"), and the date; no artist or publisher.
    pub fn dated(title: &str, when: chrono::NaiveDateTime) -> Tags {
        Tags {
            title: title
                .replace("{date}", &crate::announce::written_date(when))
                .replace("{time}", &crate::announce::written_time(when)),
            date: when.format("%Y-%m-%d").to_string(),
            artist: None,
            publisher: None,
        }
    }
}

/// How bulletins are encoded and tagged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AudioFormat {
    /// `None`: from the destination's extension, WAV if it names none.
    pub encoding: Option<Encoding>,
    /// kb/s for a compressed encoding; `None` for its default.
    pub bitrate: Option<u32>,
    pub tags: Tags,
}

impl AudioFormat {
    /// The encoding of the bulletin written to `destination`: the one its
    /// extension names; an encoding asked for that contradicts it, or an
    /// extension no encoding has, is refused.
    pub fn encoding_for(&self, destination: &Destination) -> Result<Encoding> {
        let (named, path) = match destination {
            Destination::File(path) | Destination::Stream(path) => (Encoding::named(path)?, Some(path)),
            Destination::Stdout => (None, None),
        };
        match (self.encoding, named, path) {
            (Some(asked), Some(named), Some(path)) if asked != named => Err(Error::Usage(format!(
                "{}: the extension says {}, --encoding says {}: drop --encoding or rename the file",
                path.display(),
                named.extension(),
                asked.extension()
            ))),
            _ => Ok(self.encoding.or(named).unwrap_or(Encoding::Wav)),
        }
    }
}

/// Where the audio goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    File(PathBuf),
    /// Standard output, for piping into an encoder; nothing is written beside it.
    Stdout,
    /// A device or a FIFO (`/dev/null`, a named pipe, `/dev/stdout`): the
    /// audio is written into it as on stdout, nothing beside it.
    Stream(PathBuf),
}

impl Destination {
    pub fn name(&self) -> String {
        match self {
            Destination::File(path) | Destination::Stream(path) => path.display().to_string(),
            Destination::Stdout => "stdout".into(),
        }
    }

    /// The file's name without its folder, as the manifest gives it; empty
    /// for a stream, which has no manifest beside it.
    pub fn file_name(&self) -> String {
        match self {
            Destination::File(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            Destination::Stdout | Destination::Stream(_) => String::new(),
        }
    }
}

/// What writing one bulletin did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// The files written beside the audio.
    pub beside: Vec<PathBuf>,
    /// For a stream whose reader went away before the end (`-o - | head`):
    /// the bytes it took. The rest was dropped.
    pub cut_short: Option<u64>,
    /// The folder the files were published into without a lock, its file
    /// system refusing them (a network mount), if so.
    pub unlocked: Option<PathBuf>,
}

/// Writes a finished program in `format` (a WAV with chapter markers, an
/// MP3 with its tag), and each sidecar file beside it (the JSON manifest,
/// subtitles). On any error nothing is left behind; the files are
/// published together, one run at a time in a folder where the file system
/// takes locks. The manifest is given the audio file's length and hash.
pub fn write(
    destination: &Destination,
    format: &AudioFormat,
    program: &mut dyn Pcm16Source,
    manifest: &mut Manifest,
    sidecars: &[&dyn Sidecar],
) -> Result<Written> {
    let encoding = format.encoding_for(destination)?;
    let wav = match destination {
        Destination::File(path) => path,
        Destination::Stdout => return stream(std::io::stdout(), "stdout", encoding, format, program, manifest),
        Destination::Stream(path) => {
            let name = path.display().to_string();
            let device = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::writing(&name, e))?;
            return stream(device, &name, encoding, format, program, manifest);
        }
    };
    let name = wav.display().to_string();
    let sidecar_paths: Vec<PathBuf> = destination.paths(sidecars).split_off(1);
    if sidecar_paths.iter().any(|p| p == wav) {
        return Err(Error::output(name, "the audio would have the name of a file written beside it"));
    }
    let folder = prepare_folder(wav)?;
    let wav_file = staged(&folder, &name, |file| {
        if let Some(finishing) = write_audio(file, &name, encoding, format, program, manifest)? {
            let failed = |e: std::io::Error| Error::writing(&name, e);
            file.seek(SeekFrom::Start(finishing.at)).map_err(failed)?;
            file.write_all(&finishing.frame).map_err(failed)?;
        }
        Ok(())
    })?;
    let (bytes, sha256) = audio_check(wav_file.file.path()).map_err(|e| Error::writing(&name, e))?;
    (manifest.audio_bytes, manifest.audio_sha256) = (Some(bytes), Some(sha256));
    let mut staged_sidecars = Vec::with_capacity(sidecars.len());
    for (sidecar, path) in sidecars.iter().zip(&sidecar_paths) {
        let path_name = path.display().to_string();
        let file = staged(&folder, &path_name, |file| {
            file.write_all(sidecar.render(manifest).as_bytes()).map_err(|e| Error::writing(&path_name, e))
        })?;
        staged_sidecars.push(file);
    }
    let staged_files = std::iter::once(wav_file).chain(staged_sidecars);
    // The registrations last until the files are published.
    let (files, _registered): (Vec<_>, Vec<_>) = staged_files.map(|f| (f.file.into_temp_path(), f.registered)).unzip();
    let lock = guard::lock_folder(&folder)?;
    guard::check_beside(destination, sidecars)?;
    publish_all(files.into_iter().zip(std::iter::once(wav.clone()).chain(sidecar_paths.iter().cloned())).collect())?;
    Ok(Written { beside: sidecar_paths, cut_short: None, unlocked: lock.is_none().then_some(folder) })
}

/// The length of the file at `path` and the SHA-256 of its bytes, in hex:
/// what a manifest keeps of its finished audio (read back once written,
/// an MP3's header being finished after its frames), and what a re-run
/// checks the audio against.
pub(crate) fn audio_check(path: &Path) -> std::io::Result<(u64, String)> {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    let bytes = std::io::copy(&mut std::fs::File::open(path)?, &mut hash)?;
    Ok((bytes, crate::hex(&hash.finalize())))
}

/// Writes a small file (a failure record, an index) staged beside `path`
/// and published by rename: a reader never sees it half-written.
pub fn write_small(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.display().to_string();
    let folder = prepare_folder(path)?;
    let staged = staged(&folder, &name, |file| file.write_all(bytes).map_err(|e| Error::writing(&name, e)))?;
    let StagedFile { file, registered: _registered } = staged;
    publish_all(vec![(file.into_temp_path(), path.to_path_buf())])
}

/// Writes the audio into a stream (stdout, a device, a FIFO), which cannot
/// go back: an MP3 keeps its placeholder Info frame. Nothing goes beside it.
fn stream(
    out: impl Write + Send,
    name: &str,
    encoding: Encoding,
    format: &AudioFormat,
    program: &mut dyn Pcm16Source,
    manifest: &Manifest,
) -> Result<Written> {
    let mut out = ClosedPipeIsFine { out, closed: false, delivered: 0 };
    write_audio(&mut out, name, encoding, format, program, manifest)?;
    out.flush().map_err(|e| Error::writing(name, e))?;
    Ok(Written { beside: Vec::new(), cut_short: out.closed.then_some(out.delivered), unlocked: None })
}

/// Checks, before any synthesis, that the bulletin and its sidecars can be
/// written where they are going: the folder can be made and written in, no
/// destination is a folder, no manifest there is another bulletin's. A
/// long run must not fail only at its end.
pub fn check(destination: &Destination, sidecars: &[&dyn Sidecar]) -> Result<()> {
    let Destination::File(wav) = destination else { return Ok(()) };
    let folder = prepare_folder(wav)?;
    if let Some(folder_path) = destination.paths(sidecars).into_iter().find(|p| p.is_dir()) {
        return Err(Error::output(folder_path.display().to_string(), "is a folder"));
    }
    guard::check_beside(destination, sidecars)?;
    let probe = || tempfile::Builder::new().prefix(STAGING_PREFIX).suffix(".probe").tempfile_in(&folder);
    crate::paths::Staging::create(probe, NamedTempFile::path)
        .map_err(|e| Error::writing(wav.display().to_string(), e))?;
    Ok(())
}

/// Standard output that a reader may close early (`| head -c 100`): the
/// rest is dropped and the run ends quietly, as Unix tools do, telling how
/// much the reader took.
struct ClosedPipeIsFine<W> {
    out: W,
    closed: bool,
    /// Bytes the reader was given.
    delivered: u64,
}

impl<W: Write> Write for ClosedPipeIsFine<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.out.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            Ok(written) => {
                self.delivered += written as u64;
                Ok(written)
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.out.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            _ if self.closed => Ok(()),
            other => other,
        }
    }
}

/// Checks that `wav` can be a file and creates its folder; returns the folder.
fn prepare_folder(wav: &Path) -> Result<PathBuf> {
    if wav.is_dir() {
        return Err(Error::output(wav.display().to_string(), "is a folder"));
    }
    let folder = match wav.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder).map_err(|e| Error::writing(folder.display().to_string(), e))?;
    crate::paths::remove_stale_staging(&folder, &[STAGING_PREFIX]);
    Ok(folder)
}

type Staging<'a> = BufWriter<&'a mut std::fs::File>;

/// Names of the files a run stages beside its outputs.
const STAGING_PREFIX: &str = ".briefing-";

/// A file being written beside its destination, known to the interruption
/// handler until it is published.
struct StagedFile {
    file: NamedTempFile,
    registered: crate::paths::Staging,
}

fn staged(folder: &Path, name: &str, fill: impl FnOnce(&mut Staging) -> Result<()>) -> Result<StagedFile> {
    let problem = |e: std::io::Error| Error::writing(name, e);
    let make = || tempfile::Builder::new().prefix(STAGING_PREFIX).suffix(".part").tempfile_in(folder);
    let (mut file, registered) = crate::paths::Staging::create(make, NamedTempFile::path).map_err(problem)?;
    make_shareable(file.as_file()).map_err(problem)?;
    let mut writer = BufWriter::new(file.as_file_mut());
    fill(&mut writer)?;
    writer.into_inner().map_err(|e| problem(e.into_error()))?;
    Ok(StagedFile { file, registered })
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

/// One audio format: writes a program to `out`, and returns the bytes to
/// write back at a place once the length is known, if any (a file can; a
/// pipe keeps what was written first).
trait AudioWriter {
    fn write(
        &self,
        out: &mut (dyn Write + Send),
        name: &str,
        program: &mut dyn Pcm16Source,
        manifest: &Manifest,
    ) -> Result<Option<Finishing>>;
}

/// Bytes to write at `at` once the rest is written.
struct Finishing {
    at: u64,
    frame: Vec<u8>,
}

/// The program in `encoding`.
fn write_audio(
    out: &mut (dyn Write + Send),
    name: &str,
    encoding: Encoding,
    format: &AudioFormat,
    program: &mut dyn Pcm16Source,
    manifest: &Manifest,
) -> Result<Option<Finishing>> {
    let tags = &format.tags;
    let writer: Box<dyn AudioWriter> = match encoding {
        Encoding::Wav => Box::new(Wav),
        Encoding::Mp3 => Box::new(mp3::Mp3 { tags, bitrate: format.bitrate.unwrap_or(mp3::DEFAULT_BITRATE) }),
        Encoding::Opus => Box::new(opus::Opus { tags, bitrate: format.bitrate.unwrap_or(opus::DEFAULT_BITRATE) }),
    };
    writer.write(out, name, program, manifest)
}

/// 16-bit PCM in a WAV, with chapter markers.
struct Wav;

impl AudioWriter for Wav {
    fn write(
        &self,
        out: &mut (dyn Write + Send),
        name: &str,
        program: &mut dyn Pcm16Source,
        manifest: &Manifest,
    ) -> Result<Option<Finishing>> {
        write_wav(out, name, program, manifest).map(|()| None)
    }
}

/// The whole WAV in one pass, header first: the length is known, so the
/// same bytes go to a file or down a pipe. The samples are made on this
/// thread while another writes the blocks made before: writing a large file
/// costs about as much as making it.
fn write_wav(
    out: &mut (dyn Write + Send),
    name: &str,
    program: &mut dyn Pcm16Source,
    manifest: &Manifest,
) -> Result<()> {
    let chapters = chapters::chunks(manifest);
    let failed = |e: std::io::Error| Error::writing(name, e);
    let data_bytes = program.samples() as u64 * 2;
    out.write_all(&wav_header(manifest.sample_rate, data_bytes, chapters.len() as u64)).map_err(failed)?;
    let writing = &mut *out;
    beside(name, program, move |blocks| blocks.iter().try_for_each(|block| writing.write_all(&block)).map_err(failed))?;
    out.write_all(&chapters).map_err(failed)
}

/// Hands the program's 16-bit blocks, as they are made on this thread, to
/// `take` on a thread of its own (a writer, an encoder): making the samples
/// and what is done with them run side by side, a few blocks apart.
fn beside<R: Send>(
    name: &str,
    program: &mut dyn Pcm16Source,
    take: impl FnOnce(std::sync::mpsc::Receiver<Vec<u8>>) -> Result<R> + Send,
) -> Result<R> {
    std::thread::scope(|scope| {
        let (blocks, received) = std::sync::mpsc::sync_channel::<Vec<u8>>(BLOCKS_IN_FLIGHT);
        let taker = scope.spawn(move || take(received));
        let made = program.pcm16(&mut |bytes| {
            // Refused only once the taker has stopped on an error, told below.
            blocks.send(bytes).map_err(|_| Error::output(name, "the output stopped"))
        });
        drop(blocks);
        let taken = taker.join().expect("writing does not panic")?;
        made.map(|()| taken)
    })
}

/// Blocks of samples made ahead of the writer or encoder: enough to keep
/// both busy, few enough that memory stays small.
const BLOCKS_IN_FLIGHT: usize = 4;

/// The size field that says "see the ds64 chunk" in an RF64 file.
const SEE_DS64: u32 = u32::MAX;

/// RIFF header, `fmt ` chunk (mono 16-bit PCM) and the `data` chunk header,
/// with room counted for `trailing` bytes of chunks after the samples.
/// Past the 4 GiB a RIFF size can count (about 27 hours at 22 kHz), an RF64
/// header (EBU Tech 3306, read by broadcast tools) carries the sizes on 64
/// bits in a `ds64` chunk.
fn wav_header(sample_rate: u32, data_bytes: u64, trailing: u64) -> Vec<u8> {
    let fmt = fmt_chunk(sample_rate);
    let classic_size = 4 + fmt.len() as u64 + 8 + data_bytes + trailing;
    let mut header = Vec::with_capacity(80);
    match (u32::try_from(classic_size), u32::try_from(data_bytes)) {
        (Ok(riff_size), Ok(data_size)) => {
            header.extend_from_slice(b"RIFF");
            header.extend_from_slice(&riff_size.to_le_bytes());
            header.extend_from_slice(b"WAVE");
            header.extend_from_slice(&fmt);
            header.extend_from_slice(b"data");
            header.extend_from_slice(&data_size.to_le_bytes());
        }
        _ => {
            header.extend_from_slice(b"RF64");
            header.extend_from_slice(&SEE_DS64.to_le_bytes());
            header.extend_from_slice(b"WAVEds64");
            header.extend_from_slice(&28u32.to_le_bytes());
            header.extend_from_slice(&(classic_size + 8 + 28).to_le_bytes());
            header.extend_from_slice(&data_bytes.to_le_bytes());
            header.extend_from_slice(&(data_bytes / 2).to_le_bytes()); // samples, mono
            header.extend_from_slice(&0u32.to_le_bytes()); // no other sizes in the table
            header.extend_from_slice(&fmt);
            header.extend_from_slice(b"data");
            header.extend_from_slice(&SEE_DS64.to_le_bytes());
        }
    }
    header
}

/// The `fmt ` chunk of mono 16-bit PCM.
fn fmt_chunk(sample_rate: u32) -> Vec<u8> {
    let mut chunk = b"fmt ".to_vec();
    chunk.extend_from_slice(&16u32.to_le_bytes());
    chunk.extend_from_slice(&1u16.to_le_bytes()); // PCM
    chunk.extend_from_slice(&1u16.to_le_bytes()); // mono
    chunk.extend_from_slice(&sample_rate.to_le_bytes());
    chunk.extend_from_slice(&(sample_rate * 2).to_le_bytes()); // bytes per second
    chunk.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
    chunk.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    chunk
}

/// Publishes staged files together: every destination is checked first,
/// the files already there are set aside, and if any rename fails the new
/// files are removed and the old ones put back, so that a failure leaves
/// every previous output as it was.
pub(crate) fn publish_all(files: Vec<(tempfile::TempPath, PathBuf)>) -> Result<()> {
    let failed = |to: &Path, e: std::io::Error| Error::writing(to.display().to_string(), e);
    if let Some((_, to)) = files.iter().find(|(_, to)| to.is_dir()) {
        return Err(Error::output(to.display().to_string(), "is a folder"));
    }
    let mut set_aside: Vec<(tempfile::TempPath, PathBuf)> = Vec::new();
    let mut published: Vec<PathBuf> = Vec::new();
    let mut outcome = Ok(());
    for (staged, to) in files {
        let folder = to.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if to.exists() {
            let aside = tempfile::Builder::new().prefix(STAGING_PREFIX).suffix(".old").tempfile_in(folder);
            match aside.map(NamedTempFile::into_temp_path) {
                Ok(aside) => match std::fs::rename(&to, &aside) {
                    Ok(()) => set_aside.push((aside, to.clone())),
                    Err(e) => outcome = Err(failed(&to, e)),
                },
                Err(e) => outcome = Err(failed(&to, e)),
            }
        }
        if outcome.is_ok() {
            outcome = staged.persist(&to).map(drop).map_err(|e| failed(&to, e.error));
        }
        if outcome.is_err() {
            break;
        }
        published.push(to);
    }
    if outcome.is_err() {
        published.iter().for_each(|path| drop(std::fs::remove_file(path)));
        for (aside, to) in set_aside {
            drop(aside.persist(&to));
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    fn u64_at(bytes: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn a_wav_under_4_gib_has_the_classic_header() {
        let header = wav_header(22050, 1000, 10);
        assert_eq!(header.len(), 44);
        assert_eq!(&header[..4], b"RIFF");
        assert_eq!(u32_at(&header, 4), 36 + 1000 + 10);
        assert_eq!(&header[36..40], b"data");
        assert_eq!(u32_at(&header, 40), 1000);
    }

    #[test]
    fn a_longer_one_is_rf64_with_its_sizes_in_ds64() {
        let data = 5_000_000_000u64;
        let header = wav_header(22050, data, 10);
        assert_eq!(&header[..4], b"RF64");
        assert_eq!(u32_at(&header, 4), u32::MAX);
        assert_eq!(&header[8..16], b"WAVEds64");
        assert_eq!(u32_at(&header, 16), 28);
        // The file's size less 8: everything after the RIFF size field.
        assert_eq!(u64_at(&header, 20), header.len() as u64 - 8 + data + 10);
        assert_eq!(u64_at(&header, 28), data);
        assert_eq!(u64_at(&header, 36), data / 2);
        assert_eq!(&header[48..52], b"fmt ");
        assert_eq!(&header[header.len() - 8..header.len() - 4], b"data");
        assert_eq!(u32_at(&header, header.len() - 4), u32::MAX);
    }
}
