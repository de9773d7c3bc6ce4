//! Resume: `build --each` run again (a node died, a task was cancelled, the
//! job was resubmitted) keeps the bulletins already made from the same
//! input and options, told by a digest of both kept in each manifest, and
//! makes the rest. The articles that could not be made are recorded beside
//! the bulletins (`NAME.failed`, read by `gather`); a record goes once its
//! article is made.

use crate::error::{Error, Result};
use crate::manifest::Failure;
use crate::output::{AudioFormat, Encoding};
use crate::pipeline::BuildOptions;
use crate::script::Script;
use crate::synth::Engine;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The extension of a failure record.
pub const FAILED: &str = "failed";

/// What shapes every bulletin of a run, hashed once: the program's
/// version (a release may change the sound), the engine as the sentence
/// cache names it (voice and its options), the rate, the mastering and the
/// bytes of its music, the files written beside. Not the threads: they
/// change no byte.
pub struct Fingerprint {
    run: Sha256,
}

impl Fingerprint {
    pub fn of_run(options: &BuildOptions, engine: &dyn Engine) -> Result<Self> {
        let mut run = Sha256::new();
        run.update(format!(
            "briefing {} | {} | {} Hz | {:?} | {:?} | {:?} | {}",
            env!("CARGO_PKG_VERSION"),
            engine.cache_key(),
            engine.sample_rate(),
            options.master,
            options.sample_rate,
            options.subtitles,
            options.podcast_chapters
        ));
        let bed = options.master.bed.as_ref().map(|b| &b.path);
        for path in options.master.intro.iter().chain(&options.master.outro).chain(bed) {
            let bytes = std::fs::read(path).map_err(|e| Error::reading(path.display().to_string(), e))?;
            run.update((bytes.len() as u64).to_le_bytes());
            run.update(bytes);
        }
        Ok(Fingerprint { run })
    }

    /// The digest of one bulletin: the run's, its encoding (with its tags
    /// and bitrate, which a WAV does not hold) and everything it says.
    pub fn of(&self, script: &Script, encoding: Encoding, audio: &AudioFormat) -> String {
        let mut digest = self.run.clone();
        digest.update(format!(" | {encoding:?}"));
        if encoding != Encoding::Wav {
            digest.update(format!(" | {audio:?}"));
        }
        digest.update(format!(" | {script:?}"));
        crate::hex(&digest.finalize())
    }
}

/// Whether a bulletin was made with `digest`: its audio and every file
/// beside it are there (`paths`: the audio, then the manifest, then the
/// others), its manifest names this audio and this digest, and the audio
/// is the very file the manifest describes (its length, then its hash).
/// Files are only ever published whole, so being there is being finished;
/// but where the file system takes no lock, two runs may each publish one
/// of the pair, and only the audio's own bytes tell.
pub fn made(paths: &[PathBuf], digest: &str) -> bool {
    let [audio, manifest, ..] = paths else { return false };
    let read = || -> Option<bool> {
        let value: serde_json::Value = serde_json::from_slice(&std::fs::read(manifest).ok()?).ok()?;
        let named = audio.file_name()?.to_str()? == value.get("audio")?.as_str()?;
        Some(named && value.get("digest")?.as_str()? == digest && described(audio, &value)?)
    };
    paths.iter().all(|p| p.is_file()) && read() == Some(true)
}

/// Whether `audio` is the file `manifest` describes: its length first,
/// which tells most strangers without reading them, then its SHA-256.
/// A manifest without them describes no file that can be checked.
fn described(audio: &Path, manifest: &serde_json::Value) -> Option<bool> {
    let bytes = manifest.get("audio_bytes")?.as_u64()?;
    let sha256 = manifest.get("audio_sha256")?.as_str()?;
    if std::fs::metadata(audio).ok()?.len() != bytes {
        return Some(false);
    }
    let (read, hash) = crate::output::audio_check(audio).ok()?;
    Some(read == bytes && hash == sha256)
}

/// The name an article's file starts from (see [`names`]): the file's stem.
pub fn stem(source: &str) -> String {
    let stem = Path::new(source).file_stem().map(|s| s.to_string_lossy().into_owned());
    stem.filter(|s| !s.is_empty() && s != "-").unwrap_or_else(|| "stdin".into())
}

/// What joins a file's name to an article's place in it, for the articles
/// after the first of a file holding several (a JSON list): `feed`,
/// `feed~2`, `feed~3`.
const PLACE: char = '~';

/// The bulletin name of each of a batch's inputs, from their `stems`
/// alone (no file read, so that every shard agrees without reading the
/// others' files): the stem, or `-2`, `-3`... after it once taken. Each
/// name keeps `NAME~N` (N a number) for the articles after the first of
/// its file: a stem of that shape whose NAME is taken, or a NAME whose
/// `NAME~N` is, goes on to `-2`.
pub fn names(stems: &[String]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    let mut placed_on = std::collections::HashSet::new();
    let mut names = Vec::with_capacity(stems.len());
    for stem in stems {
        let free = |name: &String| {
            !taken.contains(name) && !placed_on.contains(name) && placed_base(name).is_none_or(|b| !taken.contains(b))
        };
        let candidates = (1..).map(|n| if n == 1 { stem.clone() } else { format!("{stem}-{n}") });
        let name = candidates.into_iter().find(free).expect("a free name");
        placed_on.extend(placed_base(&name).map(str::to_owned));
        taken.insert(name.clone());
        names.push(name);
    }
    names
}

/// `NAME` of a name shaped `NAME~N`.
fn placed_base(name: &str) -> Option<&str> {
    let (base, place) = name.rsplit_once(PLACE)?;
    (!base.is_empty() && !place.is_empty() && place.bytes().all(|b| b.is_ascii_digit())).then_some(base)
}

/// The name of the article read from `source` (`in/feed.json#2`, the
/// second of its file, or `in/a.txt`) whose file is named `name`.
pub fn article_name(name: &str, file: &str, source: &str) -> String {
    let place = source.strip_prefix(file).and_then(|p| p.strip_prefix('#')).and_then(|p| p.parse::<usize>().ok());
    match place {
        Some(place) if place > 1 => format!("{name}{PLACE}{place}"),
        _ => name.to_owned(),
    }
}

/// The failure record of the bulletin `name`: one an article, so that
/// one article of a file made does not clear another's record.
fn record_path(folder: &Path, name: &str) -> PathBuf {
    folder.join(format!("{name}.{FAILED}"))
}

/// Records, beside the bulletins, that `failure`'s article, whose
/// bulletin would be `name`, was not made.
pub fn record(folder: &Path, name: &str, failure: &Failure) -> Result<()> {
    let mut json = serde_json::to_string_pretty(failure).expect("a failure serializes");
    json.push('\n');
    crate::output::write_small(&record_path(folder, name), json.as_bytes())
}

/// Removes the failure record of the bulletin `name`, now made, if any.
pub fn clear(folder: &Path, name: &str) -> Result<()> {
    let path = record_path(folder, name);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::writing(path.display().to_string(), e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A manifest naming `audio`, with `digest` and the length and hash of
    /// `bytes`.
    fn manifest(audio: &str, digest: &str, bytes: &[u8]) -> String {
        let sha256: String = crate::hex(&Sha256::digest(bytes));
        serde_json::json!({"audio": audio, "audio_bytes": bytes.len(), "audio_sha256": sha256, "digest": digest})
            .to_string()
    }

    #[test]
    fn a_bulletin_is_made_when_its_files_are_there_and_its_manifest_has_the_digest() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [dir.path().join("a.wav"), dir.path().join("a.json")];
        assert!(!made(&paths, "d1"));
        std::fs::write(&paths[0], b"RIFF").unwrap();
        std::fs::write(&paths[1], manifest("a.wav", "d1", b"RIFF")).unwrap();
        assert!(made(&paths, "d1"));
        assert!(!made(&paths, "d2"), "another input or option");
        std::fs::write(&paths[1], manifest("b.wav", "d1", b"RIFF")).unwrap();
        assert!(!made(&paths, "d1"), "another audio's manifest");
        std::fs::write(&paths[1], br#"{"audio": "a.wav", "#).unwrap();
        assert!(!made(&paths, "d1"), "a manifest that does not read");
        std::fs::write(&paths[1], br#"{"audio": "a.wav", "digest": "d1"}"#).unwrap();
        assert!(!made(&paths, "d1"), "a manifest that cannot vouch for its audio");
    }

    #[test]
    fn an_audio_that_is_not_the_one_its_manifest_describes_is_not_made() {
        let dir = tempfile::tempdir().unwrap();
        let paths = [dir.path().join("a.wav"), dir.path().join("a.json")];
        std::fs::write(&paths[1], manifest("a.wav", "d1", b"RIFF one run")).unwrap();
        std::fs::write(&paths[0], b"RIFF one run").unwrap();
        assert!(made(&paths, "d1"));
        std::fs::write(&paths[0], b"RIFF two run").unwrap();
        assert!(!made(&paths, "d1"), "another run's audio, of the same length");
        std::fs::write(&paths[0], b"RIFF one").unwrap();
        assert!(!made(&paths, "d1"), "a truncated audio");
    }

    fn named(stems: &[&str]) -> Vec<String> {
        names(&stems.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn names_come_from_the_stems_alone_and_never_meet_an_article_s() {
        assert_eq!(named(&["a", "b", "a", "a-2"]), ["a", "b", "a-2", "a-2-2"]);
        // feed~2 is the second article of feed: a file of that name waits.
        assert_eq!(named(&["feed", "feed~2", "feed~x", "~3"]), ["feed", "feed~2-2", "feed~x", "~3"]);
        assert_eq!(named(&["feed~2", "feed", "feed"]), ["feed~2", "feed-2", "feed-3"]);
        assert_eq!(article_name("feed", "in/feed.json", "in/feed.json#1"), "feed");
        assert_eq!(article_name("feed-2", "in/feed.json", "in/feed.json#12"), "feed-2~12");
        assert_eq!(article_name("a#2", "in/a#2.txt", "in/a#2.txt"), "a#2", "a # in the file's name");
    }

    #[test]
    fn a_failure_record_is_named_after_the_bulletin_and_cleared_once_made() {
        let dir = tempfile::tempdir().unwrap();
        let failure = Failure { source: "in/feed.json#2".into(), reason: "in/feed.json#2: no speakable text".into() };
        record(dir.path(), "feed~2", &failure).unwrap();
        let written: Failure =
            serde_json::from_slice(&std::fs::read(dir.path().join("feed~2.failed")).unwrap()).unwrap();
        assert_eq!(written, failure);
        clear(dir.path(), "feed").unwrap();
        assert!(dir.path().join("feed~2.failed").exists(), "another article's bulletin made");
        clear(dir.path(), "feed~2").unwrap();
        clear(dir.path(), "feed~2").unwrap();
        assert!(!dir.path().join("feed~2.failed").exists());
    }
}
