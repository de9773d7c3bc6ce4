//! A look-ahead peak limiter working on units (5 ms): the loudness gain may
//! push speech peaks over the true-peak ceiling, and this brings them down
//! smoothly instead of clipping. The gain a unit needs is the smallest over
//! it, the unit before and the next [`LOOKAHEAD`]; these are averaged over
//! [`LOOKAHEAD`] + 1 units, which ramps the gain down before a peak, and the
//! gain then recovers slowly (release). Within a unit the gain moves in a
//! straight line from one unit boundary to the next, each boundary taking
//! the lower gain of the units on either side, so no sample of a unit is
//! ever let through above the ceiling. Working on units, the same limiter
//! predicts the program's loudness for the fit and shapes the samples as
//! they are written.

use super::analysis::Unit;

/// Units the gain looks ahead: it starts going down this long before a peak.
pub const LOOKAHEAD: usize = 2;

/// A unit with the limiter's gain at its start and at its end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limited {
    pub unit: Unit,
    pub from: f32,
    pub to: f32,
}

impl Limited {
    /// The limiter's gain for each sample of the unit: a straight line from
    /// `from` to `to`, taken at the middle of each sample.
    pub fn gains(&self) -> impl Iterator<Item = f32> {
        let len = self.unit.len as usize;
        let step = (self.to - self.from) / len as f32;
        let from = self.from + 0.5 * step;
        (0..len).map(move |i| from + step * i as f32)
    }

    /// The unit's energy once its gain is applied, the energy taken as
    /// spread evenly over the unit.
    pub fn energy(&self) -> f64 {
        let (a, b) = (f64::from(self.from), f64::from(self.to));
        f64::from(self.unit.energy) * (a * a + a * b + b * b) / 3.0
    }
}

/// Units from the one before a unit being decided to the newest.
const WINDOW: usize = LOOKAHEAD + 2;

pub struct Limiter {
    ceiling: f32,
    release: f32,
    /// The last [`WINDOW`] units pushed and the gain each needs, by push
    /// number modulo the window (before the first unit: none, gain 1).
    units: [Unit; WINDOW],
    needed: [f32; WINDOW],
    /// The lowest needed gains of the last units decided, for the average.
    lowest: [f32; LOOKAHEAD + 1],
    /// The gains of the last two units decided.
    gains: [f32; 2],
    pushed: usize,
}

impl Limiter {
    /// `ceiling`: the highest peak let through (linear); `release`: units
    /// over which the gain recovers by about two thirds of the way.
    pub fn new(ceiling: f32, release: f32) -> Self {
        let mut limiter = Limiter {
            ceiling,
            release: 1.0 - (-1.0 / release.max(1.0)).exp(),
            units: [Unit::default(); WINDOW],
            needed: [1.0; WINDOW],
            lowest: [1.0; LOOKAHEAD + 1],
            gains: [1.0; 2],
            pushed: 0,
        };
        // Silence before the program, as units of no length: the gain of
        // the first units is averaged over windows that reach them, as
        // everywhere else.
        for _ in 0..=LOOKAHEAD {
            limiter.push(Unit::default(), &mut |_| {});
        }
        limiter
    }

    /// Takes the next unit; gives out, in order, each unit whose gains are
    /// now known.
    pub fn push(&mut self, unit: Unit, out: &mut impl FnMut(Limited)) {
        let newest = self.pushed;
        self.pushed += 1;
        self.units[newest % WINDOW] = unit;
        self.needed[newest % WINDOW] = if unit.peak > self.ceiling { self.ceiling / unit.peak } else { 1.0 };
        // The unit LOOKAHEAD back from the newest can now be decided: its
        // window runs from the unit before it to the newest.
        let Some(decided) = newest.checked_sub(LOOKAHEAD) else { return };
        let lowest = self.needed.iter().copied().fold(1.0, f32::min);
        self.lowest[decided % (LOOKAHEAD + 1)] = lowest;
        let average = self.lowest.iter().sum::<f32>() / (LOOKAHEAD + 1) as f32;
        let [before, last] = self.gains;
        let gain = average.min(last + (1.0 - last) * self.release);
        // The unit before the one decided now has gains on both sides.
        if let Some(ready) = decided.checked_sub(1).map(|ready| self.units[ready % WINDOW]) {
            // Units of no length stand for silence around the program.
            if ready.len > 0 {
                out(Limited { unit: ready, from: before.min(last), to: last.min(gain) });
            }
        }
        self.gains = [last, gain];
    }

    /// Gives out the units still waiting, the program having ended (silence after it).
    pub fn finish(mut self, out: &mut impl FnMut(Limited)) {
        for _ in 0..=LOOKAHEAD {
            self.push(Unit::default(), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(peak: f32) -> Unit {
        Unit { len: 10, energy: peak * peak * 10.0, peak }
    }

    fn limit(peaks: &[f32], ceiling: f32) -> Vec<Limited> {
        let mut limiter = Limiter::new(ceiling, 20.0);
        let mut out = Vec::new();
        for &peak in peaks {
            limiter.push(unit(peak), &mut |l| out.push(l));
        }
        limiter.finish(&mut |l| out.push(l));
        out
    }

    #[test]
    fn every_unit_comes_out_once_in_order() {
        let peaks: Vec<f32> = (0..50).map(|i| i as f32 / 50.0).collect();
        let out = limit(&peaks, 0.5);
        assert_eq!(out.iter().map(|l| l.unit.peak).collect::<Vec<_>>(), peaks);
        assert_eq!(limit(&[0.1], 0.5).len(), 1);
        assert!(limit(&[], 0.5).is_empty());
    }

    #[test]
    fn no_unit_goes_over_the_ceiling_and_quiet_ones_pass() {
        let peaks: Vec<f32> = (0..200).map(|i| if (90..100).contains(&i) { 1.5 } else { 0.3 }).collect();
        let out = limit(&peaks, 0.5);
        for l in &out {
            assert!(l.unit.peak * l.from.max(l.to) <= 0.5 + 1e-6, "{l:?}");
        }
        assert!(out[..80].iter().all(|l| l.from == 1.0 && l.to == 1.0), "untouched before the peak");
        assert!(out[199].to > 0.99, "recovered after it");
    }

    #[test]
    fn a_peak_at_the_very_start_or_end_is_held() {
        for peaks in [vec![2.0, 0.1, 0.1, 0.1], vec![0.1, 0.1, 0.1, 2.0], vec![2.0]] {
            for l in limit(&peaks, 0.5) {
                assert!(l.unit.peak * l.from.max(l.to) <= 0.5 + 1e-6, "{peaks:?}: {l:?}");
            }
        }
    }

    #[test]
    fn the_gain_ramps_down_before_a_peak_and_joins_at_boundaries() {
        let mut peaks = vec![0.2; 40];
        peaks[20] = 1.0;
        let out = limit(&peaks, 0.5);
        let ramp: Vec<f32> = out[15..21].iter().map(|l| l.from).collect();
        assert!(ramp.windows(2).all(|w| w[1] <= w[0]), "{ramp:?}");
        assert!(ramp[0] == 1.0 && out[20].from <= 0.5);
        assert!(out.windows(2).all(|w| w[0].to == w[1].from), "continuous gain");
    }
}
