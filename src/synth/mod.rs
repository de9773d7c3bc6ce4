//! Voice engines: text in, mono samples out. The pipeline only sees the
//! [`Engine`] trait; engines are chosen by voice name through [`open`], so
//! adding one touches this module and its own, nothing else.

mod espeak;
#[cfg(test)]
pub(crate) mod fake;
mod pieces;
mod piper;
mod rate;

pub use piper::{chosen_onnxruntime, is_piper, PiperOptions};
pub use rate::AtRate;

use crate::error::Result;
use std::sync::Arc;

/// A voice that speaks one sentence at a time. Engines are shared across
/// threads and must give the same samples for the same text every time.
pub trait Engine: Send + Sync {
    /// Engine and voice, as shown in the manifest: "espeak-ng fr-FR".
    fn describe(&self) -> String;

    /// Sample rate of what [`Engine::synthesize`] returns.
    fn sample_rate(&self) -> u32;

    /// Everything besides the text that shapes the samples (engine version,
    /// voice, every option): cached sentences are found by it.
    fn cache_key(&self) -> String;

    /// The text as this engine should receive it, shielding its known
    /// defects. Recorded in the manifest as what the engine was sent.
    fn prepare(&self, text: &str) -> String {
        text.to_owned()
    }

    /// Mono samples in [-1, 1] for prepared text, without leading or
    /// trailing silence.
    fn synthesize(&self, prepared: &str) -> Result<Vec<f32>>;

    /// What the user should know after synthesis (text the voice skipped).
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Voice settings: engine-neutral ones, then each engine's own.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceOptions {
    /// Speaking rate relative to the voice's normal pace (1.0).
    pub rate: f32,
    /// Pitch, 0 to 100; 50 is the voice's own (espeak-ng voices).
    pub pitch: u8,
    /// How many sentences will be synthesized at once, so an engine can
    /// share the cores between them.
    pub concurrency: usize,
    pub piper: PiperOptions,
    /// A catalogue voice that is not installed is an error, not a download.
    pub offline: bool,
}

impl Default for VoiceOptions {
    fn default() -> Self {
        VoiceOptions { rate: 1.0, pitch: 50, concurrency: 1, piper: PiperOptions::default(), offline: false }
    }
}

/// A voice `briefing voices` lists and `--voice` accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceInfo {
    pub engine: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

/// What an embedded voice says, as phonemes: `briefing phonemes`.
pub struct VoicePhonemes {
    engine: espeak::Espeak,
}

impl VoicePhonemes {
    /// The embedded voice called `voice` ("fr-FR", "fr-BE", "fr-CH").
    pub fn open(voice: &str) -> Result<Self> {
        match espeak::open(voice, &VoiceOptions::default())? {
            Some(engine) => Ok(VoicePhonemes { engine }),
            None => {
                let known: Vec<&str> = espeak::voices().iter().map(|v| v.name).collect();
                Err(crate::Error::engine(voice, format!("no phonemes for this voice (embedded: {})", known.join(", "))))
            }
        }
    }

    /// IPA of a sentence (already normalized, if it is to be) exactly as the
    /// voice says it: made engine-safe, then clause by clause, in the
    /// notation of `espeak-ng -q --ipa` with clause breaks as spaces.
    pub fn sentence(&self, text: &str) -> Result<String> {
        self.engine.phonemes(&self.engine.prepare(text))
    }
}

/// A Piper voice alone, without trimming, resampling or mastering: the
/// phoneme ids and samples `build` gets from it for a sentence, so that
/// they can be checked against the reference implementation (Python
/// `piper-tts`).
pub struct PiperSpeech {
    engine: piper::Piper,
}

impl PiperSpeech {
    /// The Piper model at `model` (its config beside it) with `options`.
    pub fn open(model: &str, options: &VoiceOptions) -> Result<Self> {
        Ok(PiperSpeech { engine: piper::open(model, options)? })
    }

    /// The phoneme ids of a sentence, one list per inference (one, unless
    /// the sentence is longer than the voice takes at once).
    pub fn phoneme_ids(&self, sentence: &str) -> Result<Vec<Vec<i64>>> {
        self.engine.sentence_ids(&self.engine.prepare(sentence))
    }

    /// The samples the model makes of a sentence, one list per inference,
    /// at its own sample rate, untrimmed.
    pub fn samples(&self, sentence: &str) -> Result<Vec<Vec<f32>>> {
        self.engine.sentence_samples(&self.engine.prepare(sentence))
    }
}

/// The default voice: embedded, needs nothing installed.
pub const DEFAULT_VOICE: &str = "fr-FR";

/// Every voice available, and the kinds of voice file accepted.
pub fn voices() -> Vec<VoiceInfo> {
    let mut voices = espeak::voices();
    voices.push(VoiceInfo {
        engine: "piper",
        name: "natural",
        description: "the recommended French Piper voice of the catalogue, downloaded on first use",
    });
    voices.push(VoiceInfo {
        engine: "piper",
        name: "NAME",
        description: "a Piper voice installed or in the catalogue (below), downloaded on first use",
    });
    voices.push(VoiceInfo {
        engine: "piper",
        name: "PATH.onnx",
        description: "a Piper neural voice file, its PATH.onnx.json config beside it",
    });
    voices
}

/// How a run gets the engine of a voice: [`opened`] anew, or from the
/// engines `serve` keeps open between requests (a Piper voice takes
/// seconds to load).
pub(crate) type Opener<'a> = &'a dyn Fn(&str, &VoiceOptions) -> Result<Arc<dyn Engine>>;

/// The engine of `name`, opened now.
pub(crate) fn opened(name: &str, options: &VoiceOptions) -> Result<Arc<dyn Engine>> {
    open(name, options).map(Arc::from)
}

/// A voice ready to speak: the engine speaking `name` with `options` (got
/// from `open`), at `sample_rate` (the voice's own without one), resampled
/// on the thread that made each sentence.
pub(crate) fn voice(
    open: Opener,
    name: &str,
    options: &VoiceOptions,
    sample_rate: impl FnOnce(u32) -> u32,
) -> Result<Arc<dyn Engine>> {
    let engine = open(name, options)?;
    let rate = sample_rate(engine.sample_rate());
    Ok(Arc::new(AtRate::new(engine, Some(rate))))
}

/// Whether `voice` names the operating system's voice (`os`, or `os:NAME`
/// for one of its voices), and which.
pub fn system_voice(voice: &str) -> Option<Option<&str>> {
    match voice.strip_prefix("os") {
        Some("") => Some(None),
        Some(rest) => rest.strip_prefix(':').map(Some),
        None => None,
    }
}

/// Whether `voice` names an embedded voice.
pub fn is_embedded(voice: &str) -> bool {
    espeak::voices().iter().any(|v| v.name == voice)
}

/// Opens the engine that speaks `voice`: an embedded voice name, the path
/// of a Piper model, or the name of an installed Piper voice (`natural`
/// for the recommended one).
pub fn open(voice: &str, options: &VoiceOptions) -> Result<Box<dyn Engine>> {
    if system_voice(voice).is_some() {
        return Err(crate::Error::Usage(format!(
            "--voice {voice}: the system's voice speaks aloud only (briefing speak --voice {voice}); it cannot make a file"
        )));
    }
    if piper::is_piper(voice) {
        return Ok(Box::new(piper::open(voice, options)?));
    }
    if let Some(engine) = espeak::open(voice, options)? {
        return Ok(Box::new(engine));
    }
    if let Some(model) = crate::catalog::installed_model(voice) {
        return Ok(Box::new(piper::open(&model.to_string_lossy(), options)?));
    }
    if let Some(missing) = crate::catalog::missing(voice) {
        return Err(missing);
    }
    let known: Vec<&str> = espeak::voices().iter().map(|v| v.name).collect();
    Err(crate::Error::engine(
        voice,
        format!(
            "unknown voice (available: {}, a Piper voice of briefing voices, or a Piper .onnx file)",
            known.join(", ")
        ),
    ))
}
