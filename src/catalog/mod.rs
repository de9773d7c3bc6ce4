//! Piper voices by name: the catalogue of the Piper voices repository (its
//! own `voices.json` format; the French entries at a pinned revision are
//! embedded from `data/voices/`), the voices installed in
//! `$XDG_DATA_HOME/briefing/voices/NAME/`, and their download.
//!
//! `BRIEFING_VOICES_CATALOG` (a path or an http(s) URL) replaces the
//! embedded catalogue and `BRIEFING_VOICES_URL` the download base: how an
//! organization uses its own mirror, and how the tests run offline.

mod download;
mod runtime;

use crate::error::{Error, Result};
use crate::language_data;
use crate::pipeline::Observer;
use crate::synth::VoiceOptions;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The embedded catalogue: the French voices, in the upstream format.
const EMBEDDED: &str = include_str!("../../data/voices/piper-fr.json");
/// Where the embedded facts come from: revision, download base, `natural`.
const SOURCE: &str = include_str!("../../data/voices/piper-fr.source");

/// `--voice natural`: the recommended French voice (see the README).
pub const NATURAL: &str = "natural";

/// A voice as the catalogue describes it.
#[derive(Debug, Deserialize)]
struct Entry {
    language: Language,
    quality: String,
    #[serde(default)]
    num_speakers: u32,
    #[serde(default)]
    speaker_id_map: BTreeMap<String, i64>,
    files: BTreeMap<String, Facts>,
}

#[derive(Debug, Deserialize)]
struct Language {
    code: String,
}

/// One file of a voice: its size and MD5, checked before it is used.
#[derive(Debug, Clone, Deserialize)]
struct Facts {
    size_bytes: u64,
    md5_digest: String,
}

/// A catalogue voice, as `briefing voices` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogVoice {
    pub name: String,
    /// Language code, as the catalogue writes it: "fr_FR".
    pub language: String,
    /// The catalogue's quality tier: x_low, low, medium or high.
    pub quality: String,
    pub speakers: u32,
    /// Bytes to download: the model and its config.
    pub download_bytes: u64,
    pub installed: bool,
}

/// A voice installed in the data folder, as `briefing voices` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstalledVoice {
    pub name: String,
    /// The model; its config is beside it (`PATH.json`).
    pub path: PathBuf,
    pub sample_rate: u32,
    /// Its speakers, by id, with their names where the voice has them.
    pub speakers: Vec<Speaker>,
}

/// One speaker of a voice: `--speaker` takes the id or the name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Speaker {
    pub id: i64,
    pub name: Option<String>,
}

/// What an installed voice's config says of it.
#[derive(Debug, Deserialize)]
struct InstalledConfig {
    audio: InstalledAudio,
    #[serde(default)]
    num_speakers: u32,
    #[serde(default)]
    speaker_id_map: BTreeMap<String, i64>,
}

#[derive(Debug, Deserialize)]
struct InstalledAudio {
    sample_rate: u32,
}

/// The catalogue in use, with the base its relative paths are fetched from.
struct Catalog {
    voices: BTreeMap<String, Entry>,
    base: String,
}

/// A `key<TAB>value` line of the embedded source file.
fn source_value(key: &str) -> &'static str {
    let line = language_data::lines(SOURCE).find(|l| l.split('\t').next() == Some(key));
    let line = line.unwrap_or_else(|| panic!("data/voices/piper-fr.source: no {key} line"));
    language_data::fields(line, 2, "voices/piper-fr.source")[1]
}

/// A replacement catalogue's text, from a path or an http(s) address.
fn read_catalog(place: &str) -> Result<String> {
    if place.starts_with("http://") || place.starts_with("https://") {
        download::text(place)
    } else {
        std::fs::read_to_string(place).map_err(|e| Error::reading(place, e))
    }
}

impl Catalog {
    /// `BRIEFING_VOICES_CATALOG` if set, else the embedded one.
    fn load() -> Result<Catalog> {
        let base = std::env::var("BRIEFING_VOICES_URL").unwrap_or_else(|_| source_value("base").to_owned());
        let Some(place) = std::env::var_os("BRIEFING_VOICES_CATALOG") else {
            let voices = serde_json::from_str(EMBEDDED).expect("data/voices/piper-fr.json is a valid catalogue");
            return Ok(Catalog { voices, base });
        };
        let place = place.to_string_lossy().into_owned();
        let voices = serde_json::from_str(&read_catalog(&place)?)
            .map_err(|e| Error::input(&place, format!("not a voice catalogue (voices.json format): {e}")))?;
        Ok(Catalog { voices, base })
    }

    fn entry(&self, name: &str) -> Result<&Entry> {
        self.voices.get(name).ok_or_else(|| Error::engine(name, "not in the voice catalogue (see briefing voices)"))
    }
}

/// The voice a name stands for: `natural` is the recommended voice.
fn resolved(voice: &str) -> &str {
    if voice == NATURAL {
        source_value("natural")
    } else {
        voice
    }
}

/// Whether `name` can be a voice's folder name: no path in it.
fn plain_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// Where the voices are installed.
fn voices_dir() -> PathBuf {
    crate::paths::data_dir().join("voices")
}

/// The model of voice `name` as installed: `voices/NAME/NAME.onnx`.
fn model_path(name: &str) -> PathBuf {
    voices_dir().join(name).join(format!("{name}.onnx"))
}

/// The config beside a model: `voice.onnx.json`.
fn config_path(model: &Path) -> PathBuf {
    let mut path = model.as_os_str().to_owned();
    path.push(".json");
    PathBuf::from(path)
}

/// The model of the installed voice `voice` (`natural` included), if it is
/// installed: both files in place, the config written last.
pub fn installed_model(voice: &str) -> Option<PathBuf> {
    let name = resolved(voice);
    let model = model_path(name);
    (plain_name(name) && model.is_file() && config_path(&model).is_file()).then_some(model)
}

/// The error for `voice` if it names a catalogue voice that is not
/// installed: it says the command that installs it.
pub fn missing(voice: &str) -> Option<Error> {
    let name = resolved(voice);
    let catalog = Catalog::load().ok()?;
    (catalog.voices.contains_key(name) && installed_model(voice).is_none()).then(|| not_installed(voice, name))
}

/// Makes sure a Piper voice can speak before it is opened: a catalogue
/// voice named by `voice` is downloaded unless `options.offline` (then the
/// error says the command that installs it), and ONNX Runtime is provided
/// when none is given or installed. Any other voice (embedded, system,
/// unknown) is left to the engines.
pub fn provide(voice: &str, options: &VoiceOptions, observer: &mut dyn Observer) -> Result<()> {
    let engines_own = crate::synth::is_embedded(voice) || crate::synth::system_voice(voice).is_some();
    if engines_own {
        return Ok(());
    }
    let piper = crate::synth::is_piper(voice) || provide_voice(voice, options.offline, observer)?;
    if !piper {
        return Ok(());
    }
    let chosen = crate::synth::chosen_onnxruntime(&options.piper.onnxruntime);
    runtime::provide(chosen.as_deref(), options.offline, observer)
}

/// Installs the catalogue voice `voice` unless it is installed; whether it
/// is a catalogue voice.
fn provide_voice(voice: &str, offline: bool, observer: &mut dyn Observer) -> Result<bool> {
    if !plain_name(voice) {
        return Ok(false);
    }
    if installed_model(voice).is_some() {
        return Ok(true);
    }
    let name = resolved(voice);
    let catalog = Catalog::load()?;
    if !catalog.voices.contains_key(name) {
        return Ok(false);
    }
    if offline {
        return Err(not_installed(voice, name));
    }
    download::voice(&catalog, name, observer).map(|_| true)
}

fn not_installed(voice: &str, name: &str) -> Error {
    Error::engine(voice, format!("not installed: run `briefing voices download {name}`"))
}

/// Downloads the catalogue voice `voice` (`natural` included) into the data
/// folder, unless it is there already, and ONNX Runtime unless one is given
/// (`onnxruntime`, `ORT_DYLIB_PATH`) or installed; returns the voice's
/// model. Every file is checked (size and MD5, SHA-256) before it is put in
/// place.
pub fn download_voice(voice: &str, onnxruntime: &Option<PathBuf>, observer: &mut dyn Observer) -> Result<PathBuf> {
    let name = resolved(voice);
    if !plain_name(name) {
        return Err(Error::engine(voice, "not a voice's name (letters, digits, _, - and . only)"));
    }
    let model = download::voice(&Catalog::load()?, name, observer)?;
    runtime::provide(crate::synth::chosen_onnxruntime(onnxruntime).as_deref(), false, observer)?;
    Ok(model)
}

/// The catalogue's voices, French first, then by name.
pub fn catalog() -> Result<Vec<CatalogVoice>> {
    let catalog = Catalog::load()?;
    let mut voices: Vec<CatalogVoice> = catalog
        .voices
        .iter()
        .map(|(name, entry)| CatalogVoice {
            name: name.clone(),
            language: entry.language.code.clone(),
            quality: entry.quality.clone(),
            speakers: entry.num_speakers.max(1),
            download_bytes: entry.files.values().map(|f| f.size_bytes).sum(),
            installed: installed_model(name).is_some(),
        })
        .collect();
    voices.sort_by_key(|v| (!v.language.starts_with("fr"), v.name.clone()));
    Ok(voices)
}

/// The voices installed in the data folder, by name. A folder whose config
/// cannot be read is an error naming it.
pub fn installed_voices() -> Result<Vec<InstalledVoice>> {
    let Ok(entries) = std::fs::read_dir(voices_dir()) else { return Ok(Vec::new()) };
    let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names.iter().filter_map(|name| installed_model(name).map(|model| installed(name, model))).collect()
}

fn installed(name: &str, model: PathBuf) -> Result<InstalledVoice> {
    let path = config_path(&model);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::reading(path.display().to_string(), e))?;
    let config: InstalledConfig = serde_json::from_str(&text)
        .map_err(|e| Error::input(path.display().to_string(), format!("invalid voice config: {e}")))?;
    let speakers = speakers_of(config.num_speakers, &config.speaker_id_map);
    Ok(InstalledVoice { name: name.to_owned(), path: model, sample_rate: config.audio.sample_rate, speakers })
}

/// Every speaker id from 0, named where the map names it.
fn speakers_of(count: u32, names: &BTreeMap<String, i64>) -> Vec<Speaker> {
    (0..i64::from(count.max(1)))
        .map(|id| Speaker { id, name: names.iter().find(|(_, &n)| n == id).map(|(name, _)| name.clone()) })
        .collect()
}

/// The speakers of voice `voice`: from its config if it is installed, else
/// from the catalogue.
pub fn speakers(voice: &str) -> Result<Vec<Speaker>> {
    let name = resolved(voice);
    if let Some(model) = installed_model(name) {
        return Ok(installed(name, model)?.speakers);
    }
    let catalog = Catalog::load()?;
    let entry = catalog.entry(name)?;
    Ok(speakers_of(entry.num_speakers, &entry.speaker_id_map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalogue_has_every_french_voice_and_the_recommended_one() {
        let voices: BTreeMap<String, Entry> = serde_json::from_str(EMBEDDED).unwrap();
        assert!(voices.contains_key(source_value("natural")));
        assert!(voices.keys().all(|k| k.starts_with("fr_")), "French voices only");
        for (name, entry) in &voices {
            assert!(entry.files.keys().any(|f| f.ends_with(&format!("{name}.onnx"))), "{name}");
            assert!(entry.files.keys().any(|f| f.ends_with(&format!("{name}.onnx.json"))), "{name}");
            assert!(entry.files.values().all(|f| f.md5_digest.len() == 32 && f.size_bytes > 0), "{name}");
        }
        assert!(
            source_value("base").starts_with("https://") && source_value("base").contains(source_value("revision"))
        );
    }

    #[test]
    fn names_with_a_path_in_them_are_never_a_voice_folder() {
        assert!(plain_name("fr_FR-siwis-low"));
        for name in ["", ".", "..", "../x", "a/b", ".hidden", "voice.onnx/x"] {
            assert!(!plain_name(name), "{name}");
        }
        assert_eq!(resolved(NATURAL), source_value("natural"));
    }

    #[test]
    fn speakers_are_listed_by_id_with_their_names() {
        let names = BTreeMap::from([("anne".to_owned(), 1), ("paul".to_owned(), 0)]);
        let speakers = speakers_of(3, &names);
        let shown: Vec<(i64, Option<&str>)> = speakers.iter().map(|s| (s.id, s.name.as_deref())).collect();
        assert_eq!(shown, [(0, Some("paul")), (1, Some("anne")), (2, None)]);
        assert_eq!(speakers_of(0, &BTreeMap::new()).len(), 1, "a single-speaker voice has speaker 0");
    }
}
