//! Integrated loudness (EBU R128 / BS.1770) from the units of a program:
//! the units' K-weighted energies fill 100 ms steps, 400 ms blocks overlap
//! by three steps, and blocks are gated (absolute at -70 LUFS, then 10 LU
//! under the loudness of the blocks kept). Blocks are counted in a
//! histogram of their loudness, so memory does not grow with the program.

/// Histogram resolution, LU, and its range.
const STEP_LU: f64 = 0.01;
const LOWEST: f64 = -70.0;
const HIGHEST: f64 = 10.0;

pub struct Gating {
    /// Samples in a 100 ms step.
    step: u64,
    /// Samples heard so far.
    position: u64,
    /// Where the step being filled ends, in samples (kept rather than
    /// divided out for every unit: the fit adds units by the million).
    step_end: u64,
    /// Energy of the last three complete steps and of the one being filled.
    steps: [f64; 4],
    complete: u64,
    /// Per loudness bin: blocks, and the sum of their mean squares.
    histogram: Vec<(u64, f64)>,
}

impl Gating {
    pub fn new(rate: u32) -> Self {
        let bins = ((HIGHEST - LOWEST) / STEP_LU).ceil() as usize;
        Gating {
            step: u64::from(rate) / 10,
            position: 0,
            step_end: u64::from(rate) / 10,
            steps: [0.0; 4],
            complete: 0,
            histogram: vec![(0, 0.0); bins],
        }
    }

    /// Adds `len` samples whose K-weighted squares sum to `energy`, counted
    /// in the step where they start.
    pub fn add(&mut self, len: u32, energy: f64) {
        while self.position >= self.step_end {
            self.close_step();
        }
        self.steps[3] += energy;
        self.position += u64::from(len);
    }

    fn close_step(&mut self) {
        self.complete += 1;
        self.step_end += self.step;
        if self.complete >= 4 {
            let mean_square = self.steps.iter().sum::<f64>() / (4 * self.step) as f64;
            let loudness = block_loudness(mean_square);
            if loudness > LOWEST {
                let bin = (((loudness - LOWEST) / STEP_LU) as usize).min(self.histogram.len() - 1);
                self.histogram[bin].0 += 1;
                self.histogram[bin].1 += mean_square;
            }
        }
        self.steps.rotate_left(1);
        self.steps[3] = 0.0;
    }

    /// Integrated loudness, LUFS: minus infinity for a program too quiet to
    /// have a block above the absolute gate. Blocks still incomplete at the
    /// end are not counted, as the standard says.
    pub fn integrated(mut self) -> f64 {
        while self.position >= self.step_end {
            self.close_step();
        }
        let mean = |from: usize| {
            let (count, sum) =
                self.histogram[from..].iter().fold((0u64, 0.0), |(c, s), &(count, sum)| (c + count, s + sum));
            if count == 0 {
                f64::NEG_INFINITY
            } else {
                block_loudness(sum / count as f64)
            }
        };
        let relative_gate = mean(0) - 10.0;
        if !relative_gate.is_finite() {
            return f64::NEG_INFINITY;
        }
        let from = (((relative_gate - LOWEST) / STEP_LU).max(0.0) as usize).min(self.histogram.len());
        mean(from)
    }
}

fn block_loudness(mean_square: f64) -> f64 {
    -0.691 + 10.0 * mean_square.log10()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::master::analysis::analyze;
    use ebur128::{EbuR128, Mode};

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
    fn loudness_from_units_matches_an_independent_meter() {
        for rate in [22050, 48000] {
            let samples = program(rate, 60);
            let mut meter = EbuR128::new(1, rate, Mode::I).unwrap();
            meter.add_frames_f32(&samples).unwrap();
            let expected = meter.loudness_global().unwrap();
            let mut gating = Gating::new(rate);
            // Pieces of different lengths, as sentences and pauses come.
            for piece in samples.chunks(7919) {
                for unit in analyze(piece, rate) {
                    gating.add(unit.len, f64::from(unit.energy));
                }
            }
            let integrated = gating.integrated();
            assert!((integrated - expected).abs() < 0.05, "{rate} Hz: {integrated} vs {expected}");
        }
    }

    #[test]
    fn silence_has_no_loudness() {
        let mut gating = Gating::new(22050);
        gating.add(22050 * 3, 0.0);
        assert_eq!(gating.integrated(), f64::NEG_INFINITY);
    }
}
