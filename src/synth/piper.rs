//! Piper neural voices: VITS models exported to ONNX (`voice.onnx` with its
//! `voice.onnx.json` config), run by ONNX Runtime loaded at run time.
//!
//! Phonemes come from the embedded espeak-ng (the config names the espeak
//! voice), mapped through the config's `phoneme_id_map` as Piper voices were
//! trained: BOS, then each phoneme followed by the pad symbol, then EOS.

use super::espeak::Phonemizer;
use super::pieces::{self, CLAUSE_GAP_SECONDS};
use super::{Engine, VoiceOptions};
use crate::audio;
use crate::error::{Error, Result};
use ort::session::Session;
use ort::value::Tensor;
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use unicode_normalization::UnicodeNormalization;

/// Piper settings a user may change; `None` keeps the voice's own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PiperOptions {
    /// `libonnxruntime.so`; else `ORT_DYLIB_PATH`, else the one `briefing voices download`
    /// installs in the data folder.
    pub onnxruntime: Option<PathBuf>,
    pub length_scale: Option<f32>,
    pub noise_scale: Option<f32>,
    pub noise_w: Option<f32>,
    /// Speaker of a multi-speaker voice: an id or a name.
    pub speaker: Option<String>,
}

/// The ONNX Runtime library the user chose: the flag, else `ORT_DYLIB_PATH`.
pub fn chosen_onnxruntime(flag: &Option<PathBuf>) -> Option<PathBuf> {
    flag.clone().or_else(|| std::env::var_os("ORT_DYLIB_PATH").map(PathBuf::from))
}

#[derive(Debug, Deserialize)]
struct Config {
    audio: AudioConfig,
    espeak: EspeakConfig,
    #[serde(default)]
    inference: InferenceConfig,
    phoneme_id_map: HashMap<String, Vec<i64>>,
    #[serde(default)]
    phoneme_type: Option<String>,
    #[serde(default)]
    num_speakers: u32,
    #[serde(default)]
    speaker_id_map: HashMap<String, i64>,
}

#[derive(Debug, Deserialize)]
struct AudioConfig {
    sample_rate: u32,
}

#[derive(Debug, Deserialize)]
struct EspeakConfig {
    voice: String,
}

#[derive(Debug, Deserialize)]
struct InferenceConfig {
    noise_scale: f32,
    length_scale: f32,
    noise_w: f32,
}

impl Default for InferenceConfig {
    /// Piper's own defaults.
    fn default() -> Self {
        InferenceConfig { noise_scale: 0.667, length_scale: 1.0, noise_w: 0.8 }
    }
}

/// Symbols every Piper voice has: beginning, end, and the pad between phonemes.
const BOS: &str = "^";
const EOS: &str = "$";
const PAD: &str = "_";

/// Longest text one inference is given. A Piper voice speaks long input
/// whole (measured to 4,000 characters: nothing dropped), but its memory
/// grows with the input, about 140 MB and 0.8 MB a character (550 MB at
/// 500, 1 GB at 1,000, 5.6 GB at 4,000), and its time faster than the
/// input beyond a few hundred characters (1.4 times the time of the same
/// text in pieces at 1,000). Longer sentences are cut for it.
const LONGEST_PIECE_CHARS: usize = 500;

/// The loaded ONNX Runtime; it can be loaded once per process.
static RUNTIME: OnceLock<std::result::Result<ort::environment::Environment, RuntimeFailure>> = OnceLock::new();

pub struct Piper {
    name: String,
    model: PathBuf,
    config: Config,
    phonemizer: Phonemizer,
    /// [noise_scale, length_scale, noise_w], as the model takes them.
    scales: [f32; 3],
    speaker: Option<i64>,
    /// Silence where a sentence is cut for the voice, in samples.
    clause_gap: usize,
    /// Sessions not in use; one is made per concurrent sentence.
    idle: Mutex<Vec<Session>>,
    intra_threads: usize,
    missing: Mutex<BTreeSet<char>>,
}

/// Whether `voice` names a Piper model.
pub fn is_piper(voice: &str) -> bool {
    voice.ends_with(".onnx")
}

pub fn open(voice: &str, options: &VoiceOptions) -> Result<Piper> {
    let model = PathBuf::from(voice);
    let failed = |problem: String| Error::engine(voice, problem);
    if !model.is_file() {
        return Err(failed("model not found".into()));
    }
    let config_path = PathBuf::from(format!("{voice}.json"));
    let text = std::fs::read_to_string(&config_path).map_err(|e| {
        failed(format!("cannot read its config {}: {}", config_path.display(), crate::error::io_problem(&e)))
    })?;
    let config: Config =
        serde_json::from_str(&text).map_err(|e| failed(format!("invalid config {}: {e}", config_path.display())))?;
    if config.phoneme_type.as_deref().is_some_and(|t| t != "espeak") {
        return Err(failed(format!("phoneme type {:?} is not supported (only espeak)", config.phoneme_type)));
    }
    for symbol in [BOS, EOS, PAD] {
        if !config.phoneme_id_map.contains_key(symbol) {
            return Err(failed(format!("invalid config: phoneme_id_map has no {symbol:?}")));
        }
    }
    let piper = &options.piper;
    let inference = &config.inference;
    let length_scale = piper.length_scale.unwrap_or(inference.length_scale) / options.rate;
    let scales =
        [piper.noise_scale.unwrap_or(inference.noise_scale), length_scale, piper.noise_w.unwrap_or(inference.noise_w)];
    let speaker = speaker_id(&config, piper.speaker.as_deref()).map_err(failed)?;
    let clause_gap = audio::samples_in(CLAUSE_GAP_SECONDS * length_scale, config.audio.sample_rate);
    let phonemizer = Phonemizer::new(&config.espeak.voice)?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let intra_threads = (cores / options.concurrency.max(1)).max(1);
    let engine = Piper {
        name: voice.to_owned(),
        model,
        config,
        phonemizer,
        scales,
        speaker,
        clause_gap,
        idle: Mutex::new(Vec::new()),
        intra_threads,
        missing: Mutex::new(BTreeSet::new()),
    };
    // Load one session now, so a broken model is reported before any work.
    let session = engine.new_session(&piper.onnxruntime)?;
    engine.idle.lock().expect("no panic holds it").push(session);
    Ok(engine)
}

fn speaker_id(config: &Config, speaker: Option<&str>) -> std::result::Result<Option<i64>, String> {
    if config.num_speakers <= 1 {
        return match speaker {
            Some(_) => Err("this voice has a single speaker".into()),
            None => Ok(None),
        };
    }
    let Some(speaker) = speaker else { return Ok(Some(0)) };
    if let Some(&id) = config.speaker_id_map.get(speaker) {
        return Ok(Some(id));
    }
    match speaker.parse::<i64>() {
        Ok(id) if (0..i64::from(config.num_speakers)).contains(&id) => Ok(Some(id)),
        _ => {
            let mut names: Vec<&str> = config.speaker_id_map.keys().map(String::as_str).collect();
            names.sort_unstable();
            Err(format!("unknown speaker {speaker:?} (0 to {}, or {})", config.num_speakers - 1, names.join(", ")))
        }
    }
}

/// The ONNX Runtime library to load: the one the user chose, else the one
/// `briefing voices download` installs.
fn runtime_path(flag: &Option<PathBuf>) -> PathBuf {
    chosen_onnxruntime(flag).unwrap_or_else(crate::paths::onnxruntime_library)
}

fn runtime(path: &Path) -> Result<&'static ort::environment::Environment> {
    let loaded = RUNTIME.get_or_init(|| {
        if !path.is_file() {
            return Err(RuntimeFailure::Missing(path.to_path_buf()));
        }
        let failed = RuntimeFailure::Failed;
        let builder = ort::init_from(path).map_err(|e| failed("cannot load ONNX Runtime", Arc::new(e)))?;
        builder.build().map_err(|e| failed("cannot start ONNX Runtime", Arc::new(e)))
    });
    loaded.as_ref().map_err(|failure| match failure {
        RuntimeFailure::Missing(path) => Error::engine(
            "piper",
            format!(
                "ONNX Runtime not found at {}: run `briefing voices download` with a voice's name, or give --onnxruntime PATH or ORT_DYLIB_PATH",
                path.display()
            ),
        ),
        RuntimeFailure::Failed(doing, e) => Error::engine_failed("piper", doing, Arc::clone(e)),
    })
}

/// Why ONNX Runtime could not be had, kept for every voice that asks again.
#[derive(Debug)]
enum RuntimeFailure {
    Missing(PathBuf),
    Failed(&'static str, Arc<dyn std::error::Error + Send + Sync>),
}

impl Piper {
    /// A session of the model as it is. Measured and rejected (test voice,
    /// 25-sentence French bulletin, 2 cores, 5 runs each, other work
    /// paused): the model's one-dimensional convolutions rewritten as
    /// two-dimensional ones, which ONNX Runtime runs in its blocked layout,
    /// took 17 % less CPU in one session alone (14.2 s against 17.0 s) but
    /// loaded 0.5 s slower, and with two sessions at once the bulletin took
    /// as long (12.33 s against 12.42 s wall, 19.7 s against 20.5 s of CPU).
    fn new_session(&self, onnxruntime: &Option<PathBuf>) -> Result<Session> {
        let environment = runtime(&runtime_path(onnxruntime))?;
        let failed = |e| Error::engine_failed(&self.name, "cannot load the model", e);
        let builder = Session::builder(environment).map_err(failed)?;
        let builder = builder.with_intra_threads(self.intra_threads).map_err(|e| failed(e.into()))?;
        // Workers sleep rather than spin between operators, leaving the
        // cores to the other sessions, phonemization and mastering
        // (measured on a 25-sentence bulletin, 2 cores: 8.4 s wall and
        // 15.0 s of CPU instead of 9.0 s and 15.9 s).
        let mut builder = builder.with_intra_op_spinning(false).map_err(|e| failed(e.into()))?;
        builder.commit_from_file(&self.model).map_err(failed)
    }

    /// Phoneme ids as the voice was trained on them. Phonemes the voice does
    /// not know are skipped and remembered for a warning.
    fn phoneme_ids(&self, phonemes: &str) -> Vec<i64> {
        let map = &self.config.phoneme_id_map;
        let mut ids = map[BOS].clone();
        ids.extend(&map[PAD]);
        let mut missing = Vec::new();
        for phoneme in phonemes.nfd() {
            match map.get(phoneme.encode_utf8(&mut [0; 4]) as &str) {
                Some(phoneme_ids) => {
                    ids.extend(phoneme_ids);
                    ids.extend(&map[PAD]);
                }
                None => missing.push(phoneme),
            }
        }
        ids.extend(&map[EOS]);
        if !missing.is_empty() {
            self.missing.lock().expect("no panic holds it").extend(missing);
        }
        ids
    }

    /// One sentence (or piece) per run. Several in one run (the model takes
    /// a batch, padded, with its lengths) was measured and is slower: on 26
    /// French sentences with one thread, batches of 4 or 8 sentences of
    /// similar length took 11 to 32 % more CPU than one at a time (17.1 to
    /// 19.7 s against 15.0 to 15.3 s): the decoder, where most of the time
    /// goes (convolutions: 78 %), decodes the padding too; and the model
    /// returns the batch's audio padded to the longest, without each one's
    /// length, with sound (up to 0.035) past a shorter sentence's end.
    fn infer(&self, session: &mut Session, ids: Vec<i64>) -> std::result::Result<Vec<f32>, ort::Error> {
        let length = ids.len() as i64;
        let mut inputs = ort::inputs![
            "input" => Tensor::from_array((vec![1, length], ids))?,
            "input_lengths" => Tensor::from_array((vec![1i64], vec![length]))?,
            "scales" => Tensor::from_array((vec![3i64], self.scales.to_vec()))?,
        ];
        if let Some(speaker) = self.speaker {
            inputs.push(("sid".into(), Tensor::from_array((vec![1i64], vec![speaker]))?.into()));
        }
        let outputs = session.run(inputs)?;
        let (_, samples) = outputs[0].try_extract_tensor::<f32>()?;
        Ok(samples.to_vec())
    }

    /// Phoneme ids of one piece of prepared text: what one inference is given.
    fn piece_ids(&self, piece: &str) -> Result<Vec<i64>> {
        Ok(self.phoneme_ids(&self.phonemizer.phonemes(piece)?))
    }

    /// Phoneme ids of each inference a prepared sentence is spoken in, as
    /// [`Engine::synthesize`] gives them to the model: what the reference
    /// implementation's ids are checked against.
    pub fn sentence_ids(&self, prepared: &str) -> Result<Vec<Vec<i64>>> {
        pieces::cut(prepared, LONGEST_PIECE_CHARS).iter().map(|piece| self.piece_ids(piece)).collect()
    }

    /// Samples of one piece of prepared text.
    fn speak(&self, session: &mut Session, piece: &str) -> Result<Vec<f32>> {
        let ids = self.piece_ids(piece)?;
        self.infer(session, ids).map_err(|e| Error::engine_failed(&self.name, "inference failed", e))
    }

    /// The model's own samples of each inference a prepared sentence is
    /// spoken in, untrimmed: what the reference implementation's are
    /// checked against.
    pub fn sentence_samples(&self, prepared: &str) -> Result<Vec<Vec<f32>>> {
        let pieces = pieces::cut(prepared, LONGEST_PIECE_CHARS);
        self.with_session(|session| pieces.iter().map(|piece| self.speak(session, piece)).collect())
    }

    /// Runs `work` on an idle session, or a new one, and keeps it for the
    /// next sentence.
    fn with_session<T>(&self, work: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().expect("no panic holds it").pop();
        let mut session = match idle {
            Some(session) => session,
            None => self.new_session(&None)?,
        };
        let done = work(&mut session);
        self.idle.lock().expect("no panic holds it").push(session);
        done
    }
}

impl Engine for Piper {
    fn describe(&self) -> String {
        let name = self.model.file_stem().map_or_else(|| self.name.clone(), |s| s.to_string_lossy().into_owned());
        format!("piper {name}")
    }

    fn sample_rate(&self) -> u32 {
        self.config.audio.sample_rate
    }

    /// The model file as it is now (a new download changes it), every
    /// setting sent with the text, and the phonemization (phonemes as
    /// piper-tts 1.8.0 gives them).
    fn cache_key(&self) -> String {
        let stamp = |path: &Path| {
            let meta = std::fs::metadata(path).ok();
            let modified = meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            format!("{}:{}:{}", path.display(), meta.map_or(0, |m| m.len()), modified.map_or(0, |d| d.as_nanos()))
        };
        let config = PathBuf::from(format!("{}.json", self.name));
        let (scales, speaker) = (self.scales, self.speaker);
        format!(
            "piper {} {} scales={scales:?} speaker={speaker:?} piece={LONGEST_PIECE_CHARS} phonemes=piper-tts-1.8.0 shields=6",
            stamp(&self.model),
            stamp(&config)
        )
    }

    /// French quotation marks become the plain quote the phonemizer knows,
    /// where no liaison crosses; piper-tts sends the voice no quote.
    fn prepare(&self, text: &str) -> String {
        let plain: String = text.chars().map(|c| if "«»“”„‹›".contains(c) { '"' } else { c }).collect();
        self.phonemizer.prepare(&plain)
    }

    /// One inference per piece of at most [`LONGEST_PIECE_CHARS`], on one
    /// session; the pieces are joined with the pause of a comma.
    fn synthesize(&self, prepared: &str) -> Result<Vec<f32>> {
        let pieces = pieces::cut(prepared, LONGEST_PIECE_CHARS);
        self.with_session(|session| pieces::speak_joined(&pieces, self.clause_gap, |piece| self.speak(session, piece)))
    }

    fn warnings(&self) -> Vec<String> {
        let missing = self.missing.lock().expect("no panic holds it");
        if missing.is_empty() {
            return Vec::new();
        }
        let symbols: String = missing.iter().map(|c| format!(" {c:?}")).collect();
        vec![format!("{}: phonemes the voice does not know were skipped:{symbols}", self.name)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(json: &str) -> Config {
        serde_json::from_str(json).unwrap()
    }

    const SMALL: &str = r#"{"audio": {"sample_rate": 16000}, "espeak": {"voice": "fr"},
        "phoneme_id_map": {"_": [0], "^": [1], "$": [2], " ": [3], "a": [4], "b": [5], "\u0303": [6], "ˈ": [7]},
        "num_speakers": 3, "speaker_id_map": {"alice": 2}}"#;

    #[test]
    fn config_defaults_and_speakers() {
        let c = config(SMALL);
        assert_eq!(c.inference.noise_scale, 0.667);
        assert_eq!(speaker_id(&c, None), Ok(Some(0)));
        assert_eq!(speaker_id(&c, Some("alice")), Ok(Some(2)));
        assert_eq!(speaker_id(&c, Some("1")), Ok(Some(1)));
        assert!(speaker_id(&c, Some("3")).unwrap_err().contains("alice"));
        let single = config(&SMALL.replace("\"num_speakers\": 3", "\"num_speakers\": 1"));
        assert_eq!(speaker_id(&single, None), Ok(None));
        assert!(speaker_id(&single, Some("0")).is_err());
    }

    #[test]
    fn phonemes_map_to_ids_with_pads_and_skip_unknown_symbols() {
        let piper = Piper {
            name: "test".into(),
            model: PathBuf::from("test.onnx"),
            config: config(SMALL),
            phonemizer: Phonemizer::new("fr").unwrap(),
            scales: [0.0, 1.0, 0.0],
            speaker: None,
            clause_gap: 0,
            idle: Mutex::new(Vec::new()),
            intra_threads: 1,
            missing: Mutex::new(BTreeSet::new()),
        };
        // "ã" decomposes (NFD) into "a" and a combining tilde, each a phoneme.
        assert_eq!(piper.phoneme_ids("ˈbã z"), [1, 0, 7, 0, 5, 0, 4, 0, 6, 0, 3, 0, 2]);
        assert_eq!(piper.warnings(), ["test: phonemes the voice does not know were skipped: 'z'"]);
    }
}
