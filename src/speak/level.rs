//! The level of a bulletin heard as it is made.

use crate::audio;
use crate::error::Result;
use crate::master::analysis::Unit;
use crate::master::limiter::{Limited, Limiter};
use crate::master::loudness::Gating;
use crate::master::{linear, release_units, LoudnessTarget, MasterOptions, MAX_LIMITING, TRUE_PEAK_MARGIN};
use crate::voicing::Speech;

/// The level of a program heard as it is made: one gain over many
/// sentences, never a gain per sentence, and the limiter over each sentence
/// under the true-peak limit. The gain comes from the loudness of the whole
/// bulletin when every sentence is known before it is heard (from the
/// sentence cache). Otherwise it follows the loudness of the sentences made
/// so far, set again before each sentence (in the pause before it, so no
/// change is heard within one) until [`SETTLED_SECONDS`] of speech have been
/// measured, then holds: a first sentence alone is a poor guess when it is
/// short ("Bonsoir." came out 1.4 LU under `build`'s level, the whole text
/// at its gain).
pub struct LiveLevel {
    target: Option<LoudnessTarget>,
    rate: u32,
    gain: Option<f32>,
    /// The sentences measured so far, while the gain still follows them.
    heard: Vec<Vec<Unit>>,
    /// Whether the gain no longer moves: the whole bulletin was measured,
    /// or enough of it.
    settled: bool,
}

/// Seconds of speech after which the running gain holds: enough for the
/// integrated loudness to be that of the voice, not of a few words, and a
/// bound on the measuring each sentence costs.
const SETTLED_SECONDS: f64 = 30.0;

impl LiveLevel {
    pub fn new(options: &MasterOptions, rate: u32) -> Self {
        LiveLevel { target: options.loudness, rate, gain: None, heard: Vec::new(), settled: false }
    }

    /// Sets the gain from the whole bulletin: its sentences in order, each
    /// with the pause after it, measured as `build` measures a program,
    /// the limiter's effect at that gain included (a few rounds).
    pub fn measure_whole<'a>(&mut self, sentences: impl IntoIterator<Item = (&'a Speech, f32)>) {
        let units = sentences.into_iter().map(|(speech, pause)| (speech.units.as_slice(), pause));
        self.gain = self.fit(&units.collect::<Vec<_>>());
        self.settled = true;
    }

    /// The gain that brings `sentences` (units, then the pause after) to
    /// the target, the limiter's effect included.
    fn fit(&self, sentences: &[(&[Unit], f32)]) -> Option<f32> {
        let target = self.target?;
        let mut gain = live_gain(target, self.loudness(sentences, None));
        for _ in 0..LIVE_FITS {
            gain = live_gain(target, self.loudness(sentences, Some(live_ceiling(target, gain))));
        }
        Some(gain)
    }

    /// Measures one more sentence into the running gain, until it settles.
    fn follow(&mut self, speech: &Speech) {
        if self.settled {
            return;
        }
        self.heard.push(speech.units.clone());
        let heard: Vec<(&[Unit], f32)> = self.heard.iter().map(|units| (units.as_slice(), 0.0)).collect();
        self.gain = self.fit(&heard);
        let samples: u64 = self.heard.iter().flatten().map(|u| u64::from(u.len)).sum();
        if samples as f64 >= SETTLED_SECONDS * f64::from(self.rate) {
            self.settled = true;
            self.heard = Vec::new();
        }
    }

    /// Integrated loudness of `sentences` and their pauses, each sentence
    /// through the limiter at `ceiling` if any, as [`LiveLevel::shape`]
    /// limits it.
    fn loudness(&self, sentences: &[(&[Unit], f32)], ceiling: Option<f32>) -> f64 {
        let mut gating = Gating::new(self.rate);
        for &(units, pause) in sentences {
            match ceiling {
                Some(ceiling) => {
                    let mut limiter = Limiter::new(ceiling, release_units());
                    let add = &mut |l: Limited| gating.add(l.unit.len, l.energy());
                    units.iter().for_each(|&u| limiter.push(u, add));
                    limiter.finish(add);
                }
                None => units.iter().for_each(|u| gating.add(u.len, f64::from(u.energy))),
            }
            gating.add(audio::samples_in(pause, self.rate) as u32, 0.0);
        }
        gating.integrated()
    }

    /// The sentence's samples, at the bulletin's level.
    pub fn shape(&mut self, speech: &Speech) -> Result<Vec<f32>> {
        let samples = speech.samples()?.into_owned();
        let Some(target) = self.target else { return Ok(samples) };
        self.follow(speech);
        let gain = self.gain.unwrap_or(1.0);
        let ceiling = live_ceiling(target, gain);
        let mut gains = Vec::with_capacity(samples.len());
        let mut limiter = Limiter::new(ceiling, release_units());
        speech.units.iter().for_each(|&unit| limiter.push(unit, &mut |l: Limited| gains.extend(l.gains())));
        limiter.finish(&mut |l: Limited| gains.extend(l.gains()));
        Ok(samples.iter().zip(gains.iter().chain(std::iter::repeat(&1.0))).map(|(s, g)| s * g * gain).collect())
    }
}

/// Rounds of the live fit: the limiter's effect shrinks each time.
const LIVE_FITS: usize = 3;

/// The limiter's ceiling before `gain` that puts peaks under the target's.
fn live_ceiling(target: LoudnessTarget, gain: f32) -> f32 {
    linear(target.true_peak - TRUE_PEAK_MARGIN) as f32 / gain
}

/// The gain that brings `measured` LUFS to the target, within the limits
/// of the limiter's reach; none for a silent bulletin.
fn live_gain(target: LoudnessTarget, measured: f64) -> f32 {
    if measured.is_finite() {
        linear((target.integrated - measured).clamp(-MAX_LIMITING, MAX_LIMITING)) as f32
    } else {
        1.0
    }
}
