//! A sentence finished for the program ([`Speech`]): at the program's rate
//! and volume, faded at its edges, analyzed for loudness, and kept in the
//! sentence cache, or found there. [`Voicing`] makes it on the synthesis
//! threads, so that the analysis and the cache's reads and writes run in
//! parallel; mastering and live playback take it from there.

use crate::audio;
use crate::cache::{Body, Cache};
use crate::error::{Error, Result};
use crate::master::analysis::{self, Unit};
use crate::master::{MasterOptions, FADE_SECONDS};
use crate::synth::Engine;
use std::sync::Arc;

/// A sentence ready to be placed: at the program's rate and volume, faded
/// at its edges, and analyzed if the program's loudness is to be set.
pub struct Speech {
    /// The samples, unless they wait in the sentence cache.
    pub(crate) samples: Vec<f32>,
    len: usize,
    pub(crate) units: Vec<Unit>,
    /// Where the sentence cache keeps the samples, if it does.
    pub(crate) kept: Option<Kept>,
}

/// A sentence's samples as the sentence cache keeps them, read when the
/// bulletin is written, with the way to say it again: on a cache other
/// runs prune, the entry may be gone (or replaced) by then, and the
/// sentence is then made again rather than the bulletin lost.
#[derive(Clone)]
pub(crate) struct Kept {
    body: Body,
    again: Option<Arc<Again>>,
}

/// What says a sentence again as it was first made.
struct Again {
    engine: Arc<dyn Engine>,
    prepared: String,
    voicing: Voicing,
}

/// Samples the cache keeps, with no way to say them again.
impl From<Body> for Kept {
    fn from(body: Body) -> Self {
        Kept { body, again: None }
    }
}

impl Kept {
    /// The samples' bytes (32-bit floats, little-endian): the entry's, else
    /// the sentence said and voiced again. Said again, it must be as long
    /// as it was: a voice that varies from run to run may not be, and the
    /// run must then be made again.
    pub(crate) fn read(&self) -> Result<Vec<u8>> {
        let again = match (self.body.read(), &self.again) {
            (Ok(bytes), _) => return Ok(bytes),
            (Err(e), None) => return Err(e),
            (Err(_), Some(again)) => again,
        };
        let samples = again.voicing.voiced(again.engine.synthesize(&again.prepared)?);
        if samples.len() as u64 * 4 != self.body.len {
            let name = self.body.path.display().to_string();
            let problem = "went away while the bulletin was made, and the voice now says it otherwise: run again";
            return Err(Error::Cache { name, problem });
        }
        let mut bytes = Vec::with_capacity(samples.len() * 4);
        audio::extend_bytes(&mut bytes, &samples);
        Ok(bytes)
    }
}

impl Speech {
    /// Samples in the sentence.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The samples, read from the sentence cache if they wait there.
    pub(crate) fn samples(&self) -> Result<std::borrow::Cow<'_, [f32]>> {
        match &self.kept {
            Some(kept) if self.samples.len() != self.len => {
                let mut samples = Vec::with_capacity(self.len);
                audio::extend_samples(&mut samples, &kept.read()?);
                Ok(samples.into())
            }
            _ => Ok(self.samples.as_slice().into()),
        }
    }

    /// What the sentence cache keeps beside the samples: their number,
    /// then the units.
    fn description(&self) -> Vec<u8> {
        let mut bytes = (self.len as u64).to_le_bytes().to_vec();
        bytes.extend(self.units.iter().flat_map(|u| u.to_bytes()));
        bytes
    }

    /// A sentence the cache keeps, from its description; `None` if it does
    /// not read as one.
    fn kept(description: &[u8], body: Body) -> Option<Self> {
        let (len, units) = description.split_at_checked(8)?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        if units.len() % Unit::BYTES != 0 || body.len != len as u64 * 4 {
            return None;
        }
        let units = units.chunks_exact(Unit::BYTES).map(Unit::from_bytes).collect();
        Some(Speech { samples: Vec::new(), len, units, kept: Some(body.into()) })
    }
}

/// Makes [`Speech`] of synthesized sentences, or finds them in the sentence
/// cache. Meant to run on the synthesis threads, so that the analysis and
/// the cache's reads and writes run in parallel.
#[derive(Debug, Clone)]
pub struct Voicing {
    volume: f32,
    fade: usize,
    rate: u32,
    analyze: bool,
}

impl Voicing {
    /// With `keeping`, sentences go to the sentence cache, and are always
    /// analyzed so that any later run can use them.
    pub fn new(options: &MasterOptions, rate: u32, keeping: bool) -> Self {
        Voicing {
            volume: options.volume,
            fade: audio::samples_in(FADE_SECONDS, rate),
            rate,
            analyze: options.loudness.is_some() || keeping,
        }
    }

    /// The sentence the engine says for `prepared` (`synthesize` has it
    /// speak), from `cache` if it keeps it; `engine` names the engine, its
    /// voice and options. The key's "voicing" number goes up whenever the
    /// samples or units kept for the same text change. With `again`, the
    /// engine, a sentence whose entry goes away before it is read is said
    /// again (see [`Kept`]).
    pub fn make(
        &self,
        cache: &Cache,
        engine: &str,
        prepared: &str,
        synthesize: &dyn Fn() -> Result<Vec<f32>>,
        again: Option<&Arc<dyn Engine>>,
    ) -> Result<Speech> {
        let key = format!("{engine} | voicing 2, volume {}, fade {} | {prepared}", self.volume, self.fade);
        let found = cache.get(&key).and_then(|entry| Speech::kept(&entry.description, entry.body));
        let mut speech = match found {
            Some(speech) => speech,
            None => self.kept(cache, &key, synthesize()?),
        };
        if let (Some(kept), Some(engine)) = (speech.kept.as_mut(), again) {
            let (engine, prepared, voicing) = (Arc::clone(engine), prepared.to_owned(), self.clone());
            kept.again = Some(Arc::new(Again { engine, prepared, voicing }));
        }
        Ok(speech)
    }

    /// The sentence voiced from `samples`, put in the cache if it keeps one.
    fn kept(&self, cache: &Cache, key: &str, samples: Vec<f32>) -> Speech {
        let mut speech = self.voice(samples);
        if cache.keeps() {
            let mut body = Vec::new();
            audio::extend_bytes(&mut body, &speech.samples);
            speech.kept = cache.put(key, &speech.description(), &body).map(Kept::from);
        }
        speech
    }

    fn voice(&self, samples: Vec<f32>) -> Speech {
        let samples = self.voiced(samples);
        let units = if self.analyze { analysis::analyze(&samples, self.rate) } else { Vec::new() };
        Speech { len: samples.len(), samples, units, kept: None }
    }

    /// `samples` at the program's volume, faded at their edges.
    fn voiced(&self, mut samples: Vec<f32>) -> Vec<f32> {
        if self.volume != 1.0 {
            samples.iter_mut().for_each(|s| *s *= self.volume);
        }
        audio::fade_edges(&mut samples, self.fade);
        samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::fake::Fake;

    #[test]
    fn a_sentence_whose_entry_goes_away_before_it_is_read_is_said_again_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path()));
        let engine: Arc<dyn Engine> = Arc::new(Fake::new("again"));
        let voicing = Voicing::new(&MasterOptions { volume: 0.5, ..MasterOptions::default() }, 10, true);
        let prepared = engine.prepare("Une phrase assez longue pour un fondu.");
        let synthesize = || engine.synthesize(&prepared);
        let made = voicing.make(&cache, "fake", &prepared, &synthesize, Some(&engine)).unwrap();
        let found = voicing.make(&cache, "fake", &prepared, &synthesize, Some(&engine)).unwrap();
        let alone = voicing.make(&cache, "fake", &prepared, &synthesize, None).unwrap();
        assert_eq!(cache.counts(), (2, 1), "found in the cache twice");
        let expected = found.samples().unwrap().into_owned();
        assert_eq!(expected, made.samples);

        // Another machine's prune removes the entry.
        let entry = found.kept.as_ref().unwrap().body.path.clone();
        std::fs::remove_file(&entry).unwrap();
        assert_eq!(found.samples().unwrap().into_owned(), expected, "said again, the same");
        assert!(matches!(alone.samples(), Err(Error::Read { .. })), "without the engine, the entry is missed");
    }
}
