//! A look-ahead peak limiter: the loudness gain may push a few speech peaks
//! over the ceiling, and this brings them down smoothly instead of clipping.
//! The gain needed at each sample is the smallest over the next `window`
//! samples, then averaged over `window` samples, which ramps the gain down
//! before a peak and never lets a sample through above the ceiling; it then
//! recovers slowly (release). The audio is delayed by `window - 1` samples
//! inside and flushed at the end, so the output is exactly as long as the
//! input and aligned with it.

use std::collections::VecDeque;

pub struct Limiter {
    ceiling: f32,
    window: usize,
    release: f32,
    /// (index, gain needed) candidates for the running minimum.
    minimum: VecDeque<(usize, f32)>,
    /// The last `window` minimums and their sum.
    recent: VecDeque<f32>,
    sum: f64,
    delayed: VecDeque<f32>,
    gain: f32,
    seen: usize,
    inputs: usize,
    emitted: usize,
}

impl Limiter {
    /// `ceiling`: highest absolute sample value; `window` and `release` in
    /// samples.
    pub fn new(ceiling: f32, window: usize, release: usize) -> Self {
        let window = window.max(1);
        Limiter {
            ceiling,
            window,
            release: 1.0 - (-1.0 / release.max(1) as f32).exp(),
            minimum: VecDeque::new(),
            recent: VecDeque::from(vec![1.0; window]),
            sum: window as f64,
            delayed: VecDeque::from(vec![0.0; window - 1]),
            gain: 1.0,
            seen: 0,
            inputs: 0,
            emitted: 0,
        }
    }

    /// Limits `input`, appending to `output` what has come through the
    /// delay; [`Limiter::flush`] gives the rest, so that in all the output
    /// is as long as the input.
    pub fn process(&mut self, input: &[f32], output: &mut Vec<f32>) {
        for &sample in input {
            self.inputs += 1;
            self.emit(sample, output);
        }
    }

    /// The last delayed samples, once the input has ended.
    pub fn flush(&mut self, output: &mut Vec<f32>) {
        while self.emitted < self.inputs {
            self.emit(0.0, output);
        }
    }

    /// One step; its output is the input `window - 1` steps back, if any.
    fn emit(&mut self, sample: f32, output: &mut Vec<f32>) {
        let limited = self.step(sample);
        if self.seen >= self.window {
            output.push(limited);
            self.emitted += 1;
        }
    }

    fn step(&mut self, sample: f32) -> f32 {
        let needed = if sample.abs() > self.ceiling { self.ceiling / sample.abs() } else { 1.0 };
        while self.minimum.back().is_some_and(|&(_, g)| g >= needed) {
            self.minimum.pop_back();
        }
        self.minimum.push_back((self.seen, needed));
        if self.minimum.front().is_some_and(|&(i, _)| i + self.window <= self.seen) {
            self.minimum.pop_front();
        }
        self.seen += 1;
        let lowest = self.minimum.front().map_or(1.0, |&(_, g)| g);
        self.recent.push_back(lowest);
        self.sum += f64::from(lowest) - f64::from(self.recent.pop_front().unwrap_or(1.0));
        let smoothed = (self.sum / self.window as f64) as f32;
        self.gain = smoothed.min(self.gain + (1.0 - self.gain) * self.release);
        self.delayed.push_back(sample);
        self.delayed.pop_front().unwrap_or(0.0) * self.gain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(input: &[f32], ceiling: f32, window: usize) -> Vec<f32> {
        let mut limiter = Limiter::new(ceiling, window, 50);
        let mut output = Vec::new();
        limiter.process(input, &mut output);
        limiter.flush(&mut output);
        output
    }

    #[test]
    fn peaks_stay_under_the_ceiling_and_quiet_parts_pass() {
        let input: Vec<f32> =
            (0..2000).map(|i| (i as f32 * 0.05).sin() * if (900..1000).contains(&i) { 1.5 } else { 0.3 }).collect();
        let output = limit(&input, 0.5, 16);
        assert_eq!(output.len(), input.len());
        assert!(output.iter().all(|s| s.abs() <= 0.5 + 1e-6));
        assert!(output[..800].iter().zip(&input).all(|(o, i)| (o - i).abs() < 1e-6), "untouched before the peak");
        assert!((output[1999] - input[1999]).abs() < 0.01, "recovered after it");
    }

    #[test]
    fn output_is_as_long_as_input_even_when_short() {
        assert_eq!(limit(&[0.1, 0.2, 0.3], 0.5, 16), [0.1, 0.2, 0.3]);
        assert!(limit(&[], 0.5, 16).is_empty());
    }

    #[test]
    fn the_gain_ramps_down_before_a_peak_instead_of_jumping() {
        let mut input = vec![0.2; 100];
        input[60] = 1.0;
        let output = limit(&input, 0.5, 10);
        assert!((output[60] - 0.5).abs() < 1e-6);
        let gains: Vec<f32> = output[50..60].iter().map(|o| o / 0.2).collect();
        assert!(gains.windows(2).all(|w| w[1] <= w[0]), "{gains:?}");
        assert!(output[49] == 0.2 && gains[9] < 0.6);
    }
}
