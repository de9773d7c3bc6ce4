//! Any engine at the program's sample rate: each sentence is resampled on
//! the synthesis thread that made it, so conversion runs in parallel.

use super::Engine;
use crate::audio::Resampler;
use crate::error::Result;
use std::sync::Arc;

pub struct AtRate {
    /// Shared: `serve` keeps a voice open for every request, each at its rate.
    inner: Arc<dyn Engine>,
    resampler: Resampler,
}

impl AtRate {
    /// `rate`: the output rate; `None` keeps the engine's own.
    pub fn new(inner: Arc<dyn Engine>, rate: Option<u32>) -> Self {
        let from = inner.sample_rate();
        AtRate { resampler: Resampler::new(from, rate.unwrap_or(from)), inner }
    }
}

impl Engine for AtRate {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn sample_rate(&self) -> u32 {
        self.resampler.output_rate()
    }

    fn cache_key(&self) -> String {
        format!("{} at {} Hz", self.inner.cache_key(), self.sample_rate())
    }

    fn prepare(&self, text: &str) -> String {
        self.inner.prepare(text)
    }

    fn synthesize(&self, prepared: &str) -> Result<Vec<f32>> {
        self.resampler.resample(&self.inner.synthesize(prepared)?)
    }

    fn warnings(&self) -> Vec<String> {
        self.inner.warnings()
    }
}
