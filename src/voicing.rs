//! A sentence finished for the program ([`Speech`]): at the program's rate
//! and volume, faded at its edges, analyzed for loudness, and kept in the
//! sentence cache, or found there. [`Voicing`] makes it on the synthesis
//! threads, so that the analysis and the cache's reads and writes run in
//! parallel; mastering and live playback take it from there.

use crate::audio;
use crate::cache::{Body, Cache};
use crate::error::Result;
use crate::master::analysis::{self, Unit};
use crate::master::{MasterOptions, FADE_SECONDS};

/// A sentence ready to be placed: at the program's rate and volume, faded
/// at its edges, and analyzed if the program's loudness is to be set.
pub struct Speech {
    /// The samples, unless they wait in the sentence cache.
    pub(crate) samples: Vec<f32>,
    len: usize,
    pub(crate) units: Vec<Unit>,
    /// Where the sentence cache keeps the samples, if it does.
    pub(crate) kept: Option<Body>,
}

impl Speech {
    /// Samples in the sentence.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The samples, read from the sentence cache if they wait there.
    pub(crate) fn samples(&self) -> Result<std::borrow::Cow<'_, [f32]>> {
        match &self.kept {
            Some(body) if self.samples.len() != self.len => {
                let mut samples = Vec::with_capacity(self.len);
                audio::extend_samples(&mut samples, &body.read()?);
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
        Some(Speech { samples: Vec::new(), len, units, kept: Some(body) })
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
    /// samples or units kept for the same text change.
    pub fn make(
        &self,
        cache: &Cache,
        engine: &str,
        prepared: &str,
        synthesize: &dyn Fn() -> Result<Vec<f32>>,
    ) -> Result<Speech> {
        let key = format!("{engine} | voicing 2, volume {}, fade {} | {prepared}", self.volume, self.fade);
        if let Some(speech) = cache.get(&key).and_then(|entry| Speech::kept(&entry.description, entry.body)) {
            return Ok(speech);
        }
        let mut speech = self.voice(synthesize()?);
        if cache.keeps() {
            let mut body = Vec::new();
            audio::extend_bytes(&mut body, &speech.samples);
            speech.kept = cache.put(&key, &speech.description(), &body);
        }
        Ok(speech)
    }

    fn voice(&self, mut samples: Vec<f32>) -> Speech {
        if self.volume != 1.0 {
            samples.iter_mut().for_each(|s| *s *= self.volume);
        }
        audio::fade_edges(&mut samples, self.fade);
        let units = if self.analyze { analysis::analyze(&samples, self.rate) } else { Vec::new() };
        Speech { len: samples.len(), samples, units, kept: None }
    }
}
