//! What the loudness fit needs to know of a piece of audio, computed once,
//! where the piece is made (on the synthesis threads for sentences): for
//! every 5 ms unit, the energy of its K-weighted signal (ITU-R BS.1770) and
//! its peak including the peaks between samples. The program's loudness at
//! any gain and limiter ceiling then follows from these few numbers, without
//! reading the audio again.

use std::f64::consts::PI;
use std::sync::LazyLock;

/// Length of a unit: the resolution of the limiter's gain and of the
/// loudness fit.
pub const UNIT_SECONDS: f64 = 0.005;

/// One unit of a piece of audio.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Unit {
    /// Samples in the unit: the unit length, less for a piece's last unit.
    pub len: u32,
    /// Sum of the squares of the K-weighted samples.
    pub energy: f32,
    /// Highest absolute value of the signal, between samples included.
    pub peak: f32,
}

impl Unit {
    /// Bytes of a unit in a spool.
    pub const BYTES: usize = 12;

    pub fn to_bytes(self) -> [u8; Self::BYTES] {
        let mut bytes = [0; Self::BYTES];
        bytes[..4].copy_from_slice(&self.len.to_le_bytes());
        bytes[4..8].copy_from_slice(&self.energy.to_le_bytes());
        bytes[8..].copy_from_slice(&self.peak.to_le_bytes());
        bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> Self {
        let word = |i: usize| [bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]];
        Unit {
            len: u32::from_le_bytes(word(0)),
            energy: f32::from_le_bytes(word(4)),
            peak: f32::from_le_bytes(word(8)),
        }
    }
}

/// Samples in a unit at `rate`.
pub fn unit_len(rate: u32) -> usize {
    (f64::from(rate) * UNIT_SECONDS).round().max(1.0) as usize
}

/// The units of `samples`, a piece heard at `rate` after silence (the
/// weighting filter starts at rest).
pub fn analyze(samples: &[f32], rate: u32) -> Vec<Unit> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, as just checked.
        return unsafe { analyze_avx2(samples, rate) };
    }
    analyze_anywhere(samples, rate)
}

/// [`analyze`] compiled for processors with AVX2: twice the lanes per
/// instruction. The same operations in the same order (AVX2 brings no fused
/// multiply-add), so the same units to the bit.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn analyze_avx2(samples: &[f32], rate: u32) -> Vec<Unit> {
    analyze_anywhere(samples, rate)
}

#[inline(always)]
fn analyze_anywhere(samples: &[f32], rate: u32) -> Vec<Unit> {
    let len = unit_len(rate);
    let energies = weighted_energies(samples, rate, len);
    let peaks = true_peaks(samples, len);
    let lens = samples.chunks(len).map(|chunk| chunk.len() as u32);
    lens.zip(energies).zip(peaks).map(|((len, energy), peak)| Unit { len, energy: energy as f32, peak }).collect()
}

/// The K-weighted energy of each unit of `len` samples. The filter is a
/// chain of recursions, each sample waiting for the one before; to keep the
/// processor busy, the piece is cut into [`LANES`] stretches of whole units
/// filtered side by side, each warmed up on the [`WARM_UP_SECONDS`] before
/// it (the first starts at rest, as the piece does).
#[inline(always)]
fn weighted_energies(samples: &[f32], rate: u32, len: usize) -> Vec<f64> {
    let units = samples.len().div_ceil(len);
    let warm_up = (WARM_UP_SECONDS * f64::from(rate)) as usize;
    // Short pieces in one stretch: warming up would cost more than it saves.
    let lanes = if samples.len() >= LANES * warm_up { LANES } else { 1 };
    let units_per_lane = units.div_ceil(lanes);
    let per_lane = units_per_lane * len;
    // Step i of stretch `lane` reads sample lane * per_lane + i - warm_up:
    // silence before the piece (the first stretch's warm-up) and after it.
    // Between `warm_up` and `all_inside`, every stretch reads inside.
    let all_inside = (samples.len() + warm_up).saturating_sub((LANES - 1) * per_lane).max(warm_up);
    let checked = |i: usize| -> [f32; LANES] {
        std::array::from_fn(|lane| {
            (lane * per_lane + i).checked_sub(warm_up).and_then(|k| samples.get(k)).copied().unwrap_or(0.0)
        })
    };
    let inside = |i: usize| -> [f32; LANES] { std::array::from_fn(|lane| samples[lane * per_lane + i - warm_up]) };
    let mut weighting = Weighting::new(rate);
    weighting.run(0..warm_up, checked, &mut [0.0; LANES]);
    let mut energies = vec![0.0; units_per_lane * lanes];
    for unit in 0..units_per_lane {
        let (start, end) = (warm_up + unit * len, warm_up + (unit + 1) * len);
        let middle = all_inside.clamp(start, end);
        let mut sums = [0f32; LANES];
        weighting.run(start..middle, inside, &mut sums);
        weighting.run(middle..end, checked, &mut sums);
        for lane in 0..lanes {
            energies[lane * units_per_lane + unit] = f64::from(sums[lane]);
        }
    }
    energies.truncate(units);
    energies
}

/// The K-weighting filters of [`LANES`] stretches and their states.
struct Weighting {
    shelf: Biquad,
    high_pass: Biquad,
    shelf_state: [[f32; LANES]; 2],
    high_pass_state: [[f32; LANES]; 2],
}

impl Weighting {
    fn new(rate: u32) -> Self {
        let (shelf, high_pass) = k_weighting(rate);
        Weighting { shelf, high_pass, shelf_state: [[0.0; LANES]; 2], high_pass_state: [[0.0; LANES]; 2] }
    }

    /// Filters the samples `read` gives for `steps`, adding the squares of
    /// the results to `sums`. Generic in `read`, so that it is inlined
    /// into the loop.
    #[inline(always)]
    fn run(&mut self, steps: std::ops::Range<usize>, read: impl Fn(usize) -> [f32; LANES], sums: &mut [f32; LANES]) {
        // The states in locals, so that they stay in registers.
        let (mut shelf_state, mut high_pass_state) = (self.shelf_state, self.high_pass_state);
        for i in steps {
            // A signal far below hearing at half the sample rate, which both
            // filters pass: in silence their states would otherwise fade
            // into subnormal numbers, which processors work out many times
            // slower.
            let floor = if i % 2 == 0 { SUBNORMAL_GUARD } else { -SUBNORMAL_GUARD };
            let shelved = self.shelf.filter(read(i).map(|x| x + floor), &mut shelf_state);
            let y = self.high_pass.filter(shelved, &mut high_pass_state);
            for lane in 0..LANES {
                sums[lane] += y[lane] * y[lane];
            }
        }
        (self.shelf_state, self.high_pass_state) = (shelf_state, high_pass_state);
    }
}

/// Stretches of a piece filtered side by side.
const LANES: usize = 8;
/// Level of the guard against subnormal numbers: about -360 dBFS.
const SUBNORMAL_GUARD: f32 = 1e-18;
/// How long a stretch's filter runs on what comes before it: the K-weighting
/// forgets its past to a few thousandths in this time.
const WARM_UP_SECONDS: f64 = 0.03;

/// The units of `len` samples of silence.
pub fn silence(len: usize, rate: u32) -> impl Iterator<Item = Unit> {
    let unit = unit_len(rate);
    (0..len.div_ceil(unit)).map(move |i| Unit { len: (len - i * unit).min(unit) as u32, energy: 0.0, peak: 0.0 })
}

/// The K-weighting of BS.1770: a high shelf (the head's effect) then a high
/// pass (the ear's low-frequency roll-off), designed for any sample rate
/// from the standard's analog prototypes.
fn k_weighting(rate: u32) -> (Biquad, Biquad) {
    let rate = f64::from(rate);
    // Shelf: +4 dB above about 1.7 kHz.
    let (f0, gain_db, q) = (1_681.974_450_955_533, 3.999_843_853_973_347, 0.707_175_236_955_419_6);
    let k = (PI * f0 / rate).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(0.499_666_774_154_541_6);
    let a0 = 1.0 + k / q + k * k;
    let shelf = Biquad::new(
        [(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0],
        [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    );
    // High pass: about 38 Hz.
    let (f0, q) = (38.135_470_876_024_44, 0.500_327_037_323_877_3);
    let k = (PI * f0 / rate).tan();
    let a0 = 1.0 + k / q + k * k;
    let high_pass = Biquad::new([1.0, -2.0, 1.0], [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]);
    (shelf, high_pass)
}

/// A second-order filter (transposed direct form II) run on [`LANES`]
/// signals at once, in single precision: ample for an energy, and twice
/// the lanes per instruction.
#[derive(Clone, Copy)]
struct Biquad {
    b: [f32; 3],
    a: [f32; 2],
}

impl Biquad {
    fn new(b: [f64; 3], a: [f64; 2]) -> Self {
        Biquad { b: b.map(|c| c as f32), a: a.map(|c| c as f32) }
    }

    #[inline(always)]
    fn filter(&self, x: [f32; LANES], state: &mut [[f32; LANES]; 2]) -> [f32; LANES] {
        let [b0, b1, b2] = self.b;
        let [a1, a2] = self.a;
        let mut y = [0.0; LANES];
        for lane in 0..LANES {
            y[lane] = b0 * x[lane] + state[0][lane];
            // The terms that do not wait for y first, to shorten the chain.
            state[0][lane] = (b1 * x[lane] + state[1][lane]) - a1 * y[lane];
            state[1][lane] = b2 * x[lane] - a2 * y[lane];
        }
        y
    }
}

/// For each unit of `len` samples, the highest absolute value of its
/// samples and of the signal between each of them and the next (a quarter,
/// half and three quarters of the way).
#[inline(always)]
fn true_peaks(samples: &[f32], len: usize) -> Vec<f32> {
    let before = TAPS / 2 - 1;
    let mut edge = Vec::new();
    let units = samples.len().div_ceil(len);
    // A plain loop rather than an iterator: the iterator's code would be
    // compiled apart, without the processor features of `analyze_avx2`.
    let mut peaks = Vec::with_capacity(units);
    for unit in 0..units {
        let start = unit * len;
        let end = (start + len).min(samples.len());
        // The samples the unit's points read: those of the unit and a
        // few each side, silence beyond the piece.
        let taps = match (start.checked_sub(before), samples.get(start.saturating_sub(before)..end + TAPS - 1 - before))
        {
            (Some(_), Some(inside)) => inside,
            _ => {
                edge.clear();
                edge.extend(
                    (start..end + TAPS - 1)
                        .map(|k| k.checked_sub(before).and_then(|k| samples.get(k)).copied().unwrap_or(0.0)),
                );
                &edge[..]
            }
        };
        peaks.push(peak_around(taps));
    }
    peaks
}

/// The true peak of the samples `taps` holds but its first `TAPS / 2 - 1`
/// and last `TAPS / 2`: [`LANES`] samples side by side (which vectorizes),
/// the rest one by one.
#[inline(always)]
fn peak_around(taps: &[f32]) -> f32 {
    let count = taps.len() + 1 - TAPS;
    let mut top = [0f32; LANES];
    let whole = count - count % LANES;
    for n in (0..whole).step_by(LANES) {
        let window: &[f32; TAPS - 1 + LANES] = taps[n..n + TAPS - 1 + LANES].try_into().expect("a window");
        let at = |t: usize| -> [f32; LANES] { std::array::from_fn(|lane| window[t + lane]) };
        let points = points_after(at);
        let x = at(TAPS / 2 - 1);
        for lane in 0..LANES {
            top[lane] = points.iter().fold(larger(top[lane], x[lane].abs()), |m, p| larger(m, p[lane].abs()));
        }
    }
    let rest = (whole..count).map(|n| {
        let points = points_after(|t| [taps[n + t]]);
        points.iter().fold(taps[n + TAPS / 2 - 1].abs(), |m, [p]| larger(m, p.abs()))
    });
    rest.chain(top).fold(0f32, larger)
}

/// The points a quarter, half and three quarters of the way from sample
/// `TAPS / 2 - 1` to the next, for `N` samples side by side, `at(t)` giving
/// tap `t` of each. The weights mirror each other (the half point's about
/// its middle, the three-quarter point's those of the quarter point), so
/// the taps are added and subtracted in mirror pairs first: 12 products a
/// point instead of 24.
#[inline(always)]
fn points_after<const N: usize>(at: impl Fn(usize) -> [f32; N]) -> [[f32; N]; PHASES] {
    let [half, even, odd] = &*MIRRORED;
    let (mut h, mut e, mut o) = ([0f32; N], [0f32; N], [0f32; N]);
    for t in 0..TAPS / 2 {
        let (x, mirror) = (at(t), at(TAPS - 1 - t));
        for lane in 0..N {
            let (sum, difference) = (x[lane] + mirror[lane], x[lane] - mirror[lane]);
            h[lane] += half[t] * sum;
            e[lane] += even[t] * sum;
            o[lane] += odd[t] * difference;
        }
    }
    [std::array::from_fn(|lane| e[lane] + o[lane]), h, std::array::from_fn(|lane| e[lane] - o[lane])]
}

/// The larger of two numbers, as one instruction (`f32::max` also sorts
/// out NaN, which costs a few more and keeps loops from vectorizing).
#[inline(always)]
fn larger(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else {
        b
    }
}

/// Samples each side of a point between two.
const TAPS: usize = 8;
/// Points between two samples: four times oversampling, as the true-peak
/// meter of BS.1770 does.
const PHASES: usize = 3;

/// The weights of the samples around a point between two: a windowed
/// sinc, for the point `offset` of the way from sample `TAPS / 2 - 1` to the
/// next.
fn between(offset: f64) -> [f64; TAPS] {
    let raw: [f64; TAPS] = std::array::from_fn(|k| {
        let t = offset - (k as f64 - (TAPS / 2 - 1) as f64);
        let window = 0.5 + 0.5 * (PI * t / (TAPS / 2) as f64).cos();
        (PI * t).sin() / (PI * t) * window
    });
    let sum: f64 = raw.iter().sum();
    raw.map(|r| r / sum)
}

/// The weights [`points_after`] uses on the mirror pairs of taps: the half
/// point's on their sums; and the quarter point's, made even and odd, on
/// their sums and differences.
static MIRRORED: LazyLock<[[f32; TAPS / 2]; 3]> = LazyLock::new(|| {
    let (quarter, half) = (between(0.25), between(0.5));
    [
        std::array::from_fn(|t| half[t] as f32),
        std::array::from_fn(|t| ((quarter[t] + quarter[TAPS - 1 - t]) / 2.0) as f32),
        std::array::from_fn(|t| ((quarter[t] - quarter[TAPS - 1 - t]) / 2.0) as f32),
    ]
});

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: u32, seconds: f64, amplitude: f64) -> Vec<f32> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n).map(|i| (amplitude * (2.0 * PI * freq * i as f64 / f64::from(rate)).sin()) as f32).collect()
    }

    /// Loudness of a whole steady signal from its units, without gating.
    fn loudness(units: &[Unit]) -> f64 {
        let energy: f64 = units.iter().map(|u| f64::from(u.energy)).sum();
        let samples: u32 = units.iter().map(|u| u.len).sum();
        -0.691 + 10.0 * (energy / f64::from(samples)).log10()
    }

    #[test]
    fn a_full_scale_1khz_tone_reads_as_the_standard_says() {
        // BS.1770: a 0 dBFS 1 kHz sine on one channel reads -3.01 LKFS.
        for rate in [22050, 24000, 44100, 48000] {
            let units = analyze(&sine(1000.0, rate, 2.0, 1.0), rate);
            let l = loudness(&units[units.len() / 2..]);
            assert!((l + 3.01).abs() < 0.05, "{rate} Hz: {l}");
        }
    }

    #[test]
    fn the_weighting_lifts_highs_and_cuts_lows() {
        let at = |freq| loudness(&analyze(&sine(freq, 48000, 1.0, 0.5), 48000)[100..]);
        assert!((at(4000.0) - at(1000.0) - 3.6).abs() < 0.5, "{} {}", at(4000.0), at(1000.0));
        assert!(at(20.0) < at(1000.0) - 10.0);
    }

    #[test]
    fn peaks_between_samples_are_found() {
        // A tone at a quarter of the rate, sampled off its crests: every
        // sample reads 0.707 of the true amplitude.
        let rate = 24000;
        let samples: Vec<f32> =
            (0..2400).map(|i| (2.0 * PI * 6000.0 * i as f64 / f64::from(rate) + PI / 4.0).sin() as f32).collect();
        let units = analyze(&samples, rate);
        let sample_peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
        assert!(sample_peak < 0.71);
        let peak = units[5].peak;
        assert!(peak > 0.97 && peak < 1.03, "{peak}");
    }

    /// The peaks side by side and mirrored give what the plain sum of
    /// weighted samples gives, at the edges of units and pieces too.
    #[test]
    fn peaks_match_the_plain_interpolation() {
        let weights = [between(0.25), between(0.5), between(0.75)];
        for len in [1, 5, 9, 110, 333, 1000] {
            let samples: Vec<f32> =
                (0..len).map(|i| (i as f32 * 1.7).sin() * 0.8 + (i as f32 * 0.23).cos() * 0.3).collect();
            let at = |k: isize| usize::try_from(k).ok().and_then(|k| samples.get(k)).map_or(0.0, |&s| f64::from(s));
            let plain: Vec<f64> = samples
                .chunks(110)
                .enumerate()
                .map(|(unit, chunk)| {
                    let start = unit * 110;
                    (start..start + chunk.len())
                        .flat_map(|n| {
                            let point = |w: &[f64; TAPS]| {
                                (0..TAPS).map(|t| w[t] * at(n as isize + t as isize - 3)).sum::<f64>().abs()
                            };
                            [at(n as isize).abs(), point(&weights[0]), point(&weights[1]), point(&weights[2])]
                        })
                        .fold(0.0, f64::max)
                })
                .collect();
            let peaks = true_peaks(&samples, 110);
            assert_eq!(peaks.len(), plain.len());
            for (peak, plain) in peaks.iter().zip(&plain) {
                assert!((f64::from(*peak) - plain).abs() < 1e-5, "{len} samples: {peak} vs {plain}");
            }
        }
    }

    /// Output must not depend on the processor it is made on. Without AVX2
    /// there is no second build to compare: the test says so.
    #[test]
    fn the_avx2_build_gives_the_portable_build_s_bits() {
        let samples: Vec<f32> = (0..50_000).map(|i| (i as f32 * 0.9).sin() * (i as f32 * 0.001).cos()).collect();
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            for rate in [22050, 48000] {
                // SAFETY: the processor has AVX2, as just checked.
                assert_eq!(unsafe { analyze_avx2(&samples, rate) }, analyze_anywhere(&samples, rate));
            }
            return;
        }
        eprintln!("this processor lacks AVX2: only the portable build runs here, nothing to compare");
    }

    #[test]
    fn units_cover_the_piece_and_survive_a_spool() {
        let units = analyze(&vec![0.1; 1000], 22050);
        assert_eq!(units.iter().map(|u| u.len).collect::<Vec<_>>(), [110, 110, 110, 110, 110, 110, 110, 110, 110, 10]);
        assert_eq!(Unit::from_bytes(&units[3].to_bytes()), units[3]);
        let quiet: Vec<Unit> = silence(230, 22050).collect();
        assert_eq!(quiet.iter().map(|u| u.len).collect::<Vec<_>>(), [110, 110, 10]);
    }
}
