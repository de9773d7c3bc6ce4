//! EBU R128 measurement: integrated loudness by one meter over the whole
//! program, and true peak, the costly part (it oversamples), on every core.
//! For the peaks the program is cut into chunks of a fixed length (so the
//! result does not depend on the number of threads), each measured by its
//! own meter warmed up on the end of the chunk before, then dropped: memory
//! stays the same however long the program.

use crate::error::{Error, Result};
use ebur128::{EbuR128, Mode};
use rayon::prelude::*;

/// Chunk length, seconds; a whole number of 100 ms gating steps.
const CHUNK_SECONDS: u32 = 10;
/// Chunks measured at once.
const BATCH: usize = 4;

pub struct Meter {
    rate: u32,
    chunk: usize,
    overlap: usize,
    seed: usize,
    /// The chunk being filled, with the end of the one before in front.
    pending: Vec<f32>,
    /// Whether `pending` starts with such an overlap.
    overlapped: bool,
    batch: Vec<(bool, Vec<f32>)>,
    loudness: EbuR128,
    /// Highest true peak so far, linear.
    peak: f64,
}

impl Meter {
    pub fn new(rate: u32) -> Result<Self> {
        let tenth = rate as usize / 10;
        Ok(Meter {
            rate,
            chunk: rate as usize * CHUNK_SECONDS as usize,
            overlap: 4 * tenth,
            seed: tenth,
            pending: Vec::new(),
            overlapped: false,
            batch: Vec::new(),
            loudness: EbuR128::new(1, rate, Mode::I).map_err(|e| failed(&e))?,
            peak: 0.0,
        })
    }

    pub fn add(&mut self, mut samples: &[f32]) -> Result<()> {
        self.loudness.add_frames_f32(samples).map_err(|e| failed(&e))?;
        while !samples.is_empty() {
            let full = self.chunk + if self.overlapped { self.overlap } else { 0 };
            let take = samples.len().min(full - self.pending.len());
            self.pending.extend_from_slice(&samples[..take]);
            samples = &samples[take..];
            if self.pending.len() == full {
                let next = self.pending[full - self.overlap..].to_vec();
                self.batch.push((self.overlapped, std::mem::replace(&mut self.pending, next)));
                self.overlapped = true;
                if self.batch.len() == BATCH {
                    self.measure_batch()?;
                }
            }
        }
        Ok(())
    }

    fn measure_batch(&mut self) -> Result<()> {
        let (rate, seed) = (self.rate, self.seed);
        let peaks: Vec<Result<f64>> = self
            .batch
            .par_iter()
            .map(|(overlapped, chunk)| true_peak(rate, chunk, overlapped.then_some(seed)))
            .collect();
        self.batch.clear();
        for peak in peaks {
            self.peak = self.peak.max(peak?);
        }
        Ok(())
    }

    /// Integrated loudness (LUFS) and true peak (dBTP) of all that was added.
    pub fn finish(mut self) -> Result<(f64, f64)> {
        if self.pending.len() > if self.overlapped { self.overlap } else { 0 } {
            let last = std::mem::take(&mut self.pending);
            self.batch.push((self.overlapped, last));
        }
        self.measure_batch()?;
        let integrated = self.loudness.loudness_global().map_err(|e| failed(&e))?;
        Ok((integrated, 20.0 * self.peak.log10()))
    }
}

/// True peak of a chunk (linear), the first `seed` samples only warming up.
fn true_peak(rate: u32, chunk: &[f32], seed: Option<usize>) -> Result<f64> {
    let mut meter = EbuR128::new(1, rate, Mode::TRUE_PEAK).map_err(|e| failed(&e))?;
    let seed = seed.unwrap_or(0).min(chunk.len());
    meter.seed_frames_f32(&chunk[..seed]).map_err(|e| failed(&e))?;
    meter.add_frames_f32(&chunk[seed..]).map_err(|e| failed(&e))?;
    meter.true_peak(0).map_err(|e| failed(&e))
}

fn failed(error: &ebur128::Error) -> Error {
    Error::Usage(format!("loudness measurement: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Speech-like: a tone that comes and goes, with silences.
    fn program(rate: u32, seconds: usize) -> Vec<f32> {
        (0..rate as usize * seconds)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let envelope = ((t * 0.7).sin().max(0.0) * (t * 3.1).sin().abs()).powi(2);
                0.6 * envelope * (std::f32::consts::TAU * 220.0 * t).sin()
            })
            .collect()
    }

    #[test]
    fn chunked_measurement_matches_one_meter() {
        let samples = program(22050, 95);
        let mut whole = EbuR128::new(1, 22050, Mode::I | Mode::TRUE_PEAK).unwrap();
        whole.add_frames_f32(&samples).unwrap();
        let expected = (whole.loudness_global().unwrap(), 20.0 * whole.true_peak(0).unwrap().log10());
        let mut meter = Meter::new(22050).unwrap();
        for block in samples.chunks(10_000) {
            meter.add(block).unwrap();
        }
        let (integrated, peak) = meter.finish().unwrap();
        assert!((integrated - expected.0).abs() < 0.01, "{integrated} vs {}", expected.0);
        assert!((peak - expected.1).abs() < 0.01, "{peak} vs {}", expected.1);
    }
}
