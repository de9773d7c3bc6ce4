//! Sample buffers: silence trimming, gain and conversion to 16-bit PCM.

/// Below this a sample counts as silence (about -60 dBFS): engines pad their
/// output with near-zero noise that would lengthen every pause.
const SILENCE: f32 = 0.001;

/// The part of `samples` between the first and last audible sample.
pub fn trim_silence(samples: &[f32]) -> &[f32] {
    let audible = |s: &f32| s.abs() > SILENCE;
    match (samples.iter().position(audible), samples.iter().rposition(audible)) {
        (Some(first), Some(last)) => &samples[first..=last],
        _ => &[],
    }
}

/// A sample of 16-bit PCM, with `gain` applied and clipped to the range.
pub fn to_pcm16(sample: f32, gain: f32) -> i16 {
    (sample * gain * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

/// Whole samples in `seconds` at `sample_rate`.
pub fn samples_in(seconds: f32, sample_rate: u32) -> usize {
    (f64::from(seconds) * f64::from(sample_rate)).round() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_keeps_the_audible_span() {
        assert_eq!(trim_silence(&[0.0, 0.0005, 0.2, 0.0, -0.3, 0.0002, 0.0]), &[0.2, 0.0, -0.3]);
        assert!(trim_silence(&[0.0, 0.0001]).is_empty());
        assert!(trim_silence(&[]).is_empty());
    }

    #[test]
    fn pcm_conversion_applies_gain_and_clips() {
        assert_eq!(to_pcm16(0.5, 1.0), 16384);
        assert_eq!(to_pcm16(0.5, 0.5), 8192);
        assert_eq!(to_pcm16(0.9, 2.0), 32767);
        assert_eq!(to_pcm16(-1.5, 1.0), -32768);
    }

    #[test]
    fn durations_round_to_whole_samples() {
        assert_eq!(samples_in(0.5, 22050), 11025);
        assert_eq!(samples_in(0.0, 22050), 0);
    }
}
