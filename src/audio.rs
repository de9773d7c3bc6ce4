//! Sample buffers: silence trimming, fades, resampling, reading sound
//! files and conversion to 16-bit PCM.

use crate::error::{Error, Result};
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler as _};
use std::path::Path;
use std::sync::Mutex;

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

/// Appends `samples` to `bytes` as little-endian 32-bit floats, the form
/// the spool and the sentence cache keep them in.
pub fn extend_bytes(bytes: &mut Vec<u8>, samples: &[f32]) {
    let start = bytes.len();
    bytes.resize(start + samples.len() * 4, 0);
    for (word, sample) in bytes[start..].chunks_exact_mut(4).zip(samples) {
        word.copy_from_slice(&sample.to_le_bytes());
    }
}

/// Appends the samples `bytes` holds (see [`extend_bytes`]) to `samples`.
pub fn extend_samples(samples: &mut Vec<f32>, bytes: &[u8]) {
    samples.extend(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])));
}

/// A finished program as the writers take it: how many samples, then the
/// samples as 16-bit little-endian blocks, in order, as they are made.
/// Mastering's program is one; the writers know nothing else of it.
pub trait Pcm16Source {
    fn samples(&self) -> usize;
    /// Hands every block to `take`, stopping at its first error.
    fn pcm16(&mut self, take: &mut dyn FnMut(Vec<u8>) -> Result<()>) -> Result<()>;
}

/// A sample of 16-bit PCM, rounded half away from zero and clipped to the
/// range. Worked out with integers: the float rounding function is a call
/// into the C library on the baseline x86-64, a costly one per sample.
pub fn to_pcm16(sample: f32) -> i16 {
    let scaled = sample * 32768.0;
    // Truncated toward zero, saturating; the fraction left is exact.
    let whole = scaled as i32;
    let fraction = scaled - whole as f32;
    let rounded = whole + i32::from(fraction >= 0.5) - i32::from(fraction <= -0.5);
    rounded.clamp(-32768, 32767) as i16
}

/// Whole samples in `seconds` at `sample_rate`.
pub fn samples_in(seconds: f32, sample_rate: u32) -> usize {
    (f64::from(seconds) * f64::from(sample_rate)).round() as usize
}

/// Fades the first and last `len` samples in and out along a raised
/// cosine, so that a clip starts and ends at zero and joins never click.
pub fn fade_edges(samples: &mut [f32], len: usize) {
    let len = len.min(samples.len() / 2);
    for i in 0..len {
        let gain = 0.5 - 0.5 * (std::f32::consts::PI * (i as f32 + 0.5) / len as f32).cos();
        samples[i] *= gain;
        let last = samples.len() - 1 - i;
        samples[last] *= gain;
    }
}

/// Converts whole clips from one sample rate to another with rubato's
/// band-limited FFT resampler. Each clip is resampled on its own, from a
/// reset state, so the result depends only on the clip: the same in any
/// order, on any thread. Resamplers are kept for reuse across threads.
pub struct Resampler {
    from: u32,
    to: u32,
    idle: Mutex<Vec<Fft<f32>>>,
}

impl Resampler {
    pub fn new(from: u32, to: u32) -> Self {
        Resampler { from, to, idle: Mutex::new(Vec::new()) }
    }

    pub fn output_rate(&self) -> u32 {
        self.to
    }

    /// The clip at the output rate: `len * to / from` samples, rounded, and
    /// aligned with the input (the resampler's delay is removed).
    pub fn resample(&self, clip: &[f32]) -> Result<Vec<f32>> {
        if self.from == self.to || clip.is_empty() {
            return Ok(clip.to_vec());
        }
        let reused = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut fft = match reused {
            Some(fft) => fft,
            None => self.fft()?,
        };
        let input = InterleavedSlice::new(clip, 1, clip.len()).map_err(|e| self.failed(e))?;
        let output = fft.process_all(&input, clip.len(), None).map_err(|e| self.failed(e))?;
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(fft);
        let mut samples = output.take_data();
        samples.truncate(self.output_len(clip.len()));
        Ok(samples)
    }

    /// A clip resampled as it is read, for clips too long to hold at their
    /// own rate (music at 192 kHz): only the output is kept.
    pub fn stream(&self) -> Result<Stream<'_>> {
        let fft = if self.from == self.to { None } else { Some(self.fft()?) };
        let skip = fft.as_ref().map_or(0, |f| f.output_delay());
        let out = vec![0.0; fft.as_ref().map_or(0, |f| f.output_frames_max())];
        Ok(Stream { resampler: self, fft, pending: Vec::new(), chunk: out, samples: Vec::new(), skip, len: 0 })
    }

    fn fft(&self) -> Result<Fft<f32>> {
        Fft::new(self.from as usize, self.to as usize, 1024, 1, FixedSync::Input).map_err(|e| self.failed(e))
    }

    /// The resampler's error, kept as the cause: a fault of the program's,
    /// not of the user's options.
    fn failed(&self, e: impl Into<crate::error::Cause>) -> Error {
        Error::failed(format!("resampling {} Hz to {} Hz", self.from, self.to), "failed", e)
    }

    /// Samples at the output rate for `len` at the input rate, rounded.
    fn output_len(&self, len: usize) -> usize {
        let (from, to) = (u64::from(self.from), u64::from(self.to));
        ((len as u64 * to + from / 2) / from) as usize
    }
}

/// A clip fed to the resampler a block at a time: the samples
/// [`Resampler::resample`] gives for the whole clip, the input's chunks
/// cut and the resampler's delay dropped the same way.
pub struct Stream<'a> {
    resampler: &'a Resampler,
    /// `None` when the rates are the same.
    fft: Option<Fft<f32>>,
    /// Input not yet resampled: less than a chunk, or just one.
    pending: Vec<f32>,
    chunk: Vec<f32>,
    samples: Vec<f32>,
    /// Output still to drop: the resampler's delay.
    skip: usize,
    /// Input samples so far.
    len: usize,
}

impl Stream<'_> {
    /// Resamples the chunks `samples` completes, keeping one whole chunk
    /// back, as the last is resampled on its own.
    pub fn push(&mut self, samples: &[f32]) -> Result<()> {
        self.len += samples.len();
        let Some(next) = self.fft.as_ref().map(|f| f.input_frames_next()) else {
            self.samples.extend_from_slice(samples);
            return Ok(());
        };
        self.pending.extend_from_slice(samples);
        let mut used = 0;
        while self.pending.len() - used > next {
            used += self.process(used, None)?;
        }
        self.pending.drain(..used);
        Ok(())
    }

    /// The whole clip resampled.
    pub fn finish(mut self) -> Result<Vec<f32>> {
        let Some(fft) = &self.fft else { return Ok(self.samples) };
        let expected = (fft.resample_ratio() * self.len as f64).ceil() as usize;
        if !self.pending.is_empty() {
            self.process(0, Some(self.pending.len()))?;
        }
        while self.samples.len() < expected {
            self.process(0, Some(0))?;
        }
        self.samples.truncate(self.resampler.output_len(self.len));
        Ok(self.samples)
    }

    /// Resamples one chunk of the pending input from `at` (only `partial`
    /// samples of it, the rest silence, if given); returns the input used.
    fn process(&mut self, at: usize, partial: Option<usize>) -> Result<usize> {
        let resampler = self.resampler;
        let fft = self.fft.as_mut().expect("resampling");
        let input =
            InterleavedSlice::new(&self.pending[at..], 1, self.pending.len() - at).map_err(|e| resampler.failed(e))?;
        let frames = self.chunk.len();
        let mut output = InterleavedSlice::new_mut(&mut self.chunk, 1, frames).map_err(|e| resampler.failed(e))?;
        let indexing = Indexing { input_offset: 0, output_offset: 0, active_channels_mask: None, partial_len: partial };
        let (used, made) =
            fft.process_into_buffer(&input, &mut output, Some(&indexing)).map_err(|e| resampler.failed(e))?;
        let dropped = self.skip.min(made);
        self.skip -= dropped;
        self.samples.extend_from_slice(&self.chunk[dropped..made]);
        Ok(used)
    }
}

/// The longest music file (intro, outro, bed) read, seconds.
pub const MAX_CLIP_SECONDS: u64 = 3600;
/// The sample rates a music file may declare, Hz: below, no music; above,
/// no recording. A header outside is damaged, and resampling from 1 Hz
/// would make 22,050 samples of every one.
pub const CLIP_RATES: std::ops::RangeInclusive<u32> = 8000..=384_000;

/// A sound file (intro, outro, music bed) as mono samples at `rate`: any
/// WAV sample format, channels averaged and resampled a block at a time as
/// they are read, so that only the clip at `rate` is held. Its header is
/// checked before a sample is read (see [`check_clip`]).
pub fn read_clip(path: &Path, rate: u32) -> Result<Vec<f32>> {
    let name = crate::controls::shown(path.display());
    let problem = |e: hound::Error| match e {
        hound::Error::IoError(io) => Error::reading(&name, io),
        other => Error::failed(name.as_str(), "not a readable WAV file", other),
    };
    let file = std::fs::File::open(path).map_err(|e| Error::reading(&name, e))?;
    let file_bytes = file.metadata().map_err(|e| Error::reading(&name, e))?.len();
    let mut reader = hound::WavReader::new(std::io::BufReader::new(file)).map_err(problem)?;
    check_clip(&reader, file_bytes).map_err(|p| Error::input(&name, p))?;
    let resampler = Resampler::new(reader.spec().sample_rate, rate);
    let mut stream = resampler.stream()?;
    let channels = usize::from(reader.spec().channels.max(1));
    let mut samples = samples(&mut reader);
    loop {
        let block: Vec<f32> =
            samples.by_ref().take(CLIP_BLOCK * channels).collect::<Result<_, _>>().map_err(problem)?;
        if block.is_empty() {
            break;
        }
        let mono: Vec<f32> = block.chunks_exact(channels).map(|f| f.iter().sum::<f32>() / channels as f32).collect();
        stream.push(&mono)?;
    }
    let clip = stream.finish()?;
    if clip.is_empty() {
        return Err(Error::input(&name, "holds no sound"));
    }
    Ok(clip)
}

/// Frames read from a music file at a time.
const CLIP_BLOCK: usize = 65536;

/// The file's samples as floats, whatever their format.
fn samples<R: std::io::Read>(reader: &mut hound::WavReader<R>) -> Box<dyn Iterator<Item = hound::Result<f32>> + '_> {
    let spec = reader.spec();
    match spec.sample_format {
        hound::SampleFormat::Float => Box::new(reader.samples::<f32>()),
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            Box::new(reader.samples::<i32>().map(move |s| s.map(|s| s as f32 * scale)))
        }
    }
}

/// Why a WAV header does not describe music that can be read: a rate out
/// of [`CLIP_RATES`], more than [`MAX_CLIP_SECONDS`], or more sound than
/// the file has bytes for.
fn check_clip<R: std::io::Read>(reader: &hound::WavReader<R>, file_bytes: u64) -> Result<(), String> {
    let spec = reader.spec();
    if !CLIP_RATES.contains(&spec.sample_rate) {
        return Err(format!("declares {} Hz, outside the 8 to 384 kHz a music file may have", spec.sample_rate));
    }
    let seconds = u64::from(reader.duration()) / u64::from(spec.sample_rate);
    if seconds > MAX_CLIP_SECONDS {
        return Err(format!("declares {seconds} s of sound, more than the hour a music file may last"));
    }
    let declared = u64::from(reader.len()) * u64::from(spec.bits_per_sample.div_ceil(8));
    if declared > file_bytes {
        return Err(format!("declares {declared} bytes of sound, more than the {file_bytes} the file has"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f32, rate: u32, seconds: f32) -> Vec<f32> {
        let len = (rate as f32 * seconds) as usize;
        (0..len).map(|i| 0.5 * (std::f32::consts::TAU * freq * i as f32 / rate as f32).sin()).collect()
    }

    #[test]
    fn resampling_keeps_length_tone_and_alignment() {
        let input = sine(440.0, 22050, 1.0);
        let resampler = Resampler::new(22050, 48000);
        let output = resampler.resample(&input).unwrap();
        assert_eq!(output.len(), 48000);
        let expected = sine(440.0, 48000, 1.0);
        // Away from the edges, the tone is the same tone at the same phase.
        let error =
            output[4000..44000].iter().zip(&expected[4000..44000]).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(error < 0.01, "{error}");
        assert_eq!(resampler.resample(&input).unwrap(), output, "reused resamplers start afresh");
        assert_eq!(Resampler::new(22050, 22050).resample(&input).unwrap(), input);
    }

    #[test]
    fn a_clip_resampled_as_it_is_read_is_the_clip_resampled_whole() {
        let input = sine(440.0, 44100, 0.7);
        for (from, to) in [(44100, 22050), (44100, 48000), (22050, 22050)] {
            let resampler = Resampler::new(from, to);
            for len in [0, 1, 700, 1024, 1025, 2048, 5000, input.len()] {
                let clip = &input[..len];
                let mut stream = resampler.stream().unwrap();
                clip.chunks(333).for_each(|block| stream.push(block).unwrap());
                assert_eq!(stream.finish().unwrap(), resampler.resample(clip).unwrap(), "{from} to {to}, {len}");
            }
        }
    }

    #[test]
    fn fades_start_and_end_at_silence() {
        let mut clip = vec![1.0; 100];
        fade_edges(&mut clip, 10);
        assert!(clip[0] < 0.05 && clip[99] < 0.05);
        assert!(clip[0] < clip[5] && clip[5] < clip[9] && clip[10] == 1.0 && clip[89] == 1.0);
        let mut short = vec![1.0; 3];
        fade_edges(&mut short, 10);
        assert_eq!(short[1], 1.0);
    }

    #[test]
    fn clips_of_any_format_are_read_as_mono_at_the_rate_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stereo.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 44100,
            bits_per_sample: 24,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(&path, spec).unwrap();
        for _ in 0..44100 {
            writer.write_sample(1 << 22).unwrap();
            writer.write_sample(0).unwrap();
        }
        writer.finalize().unwrap();
        let clip = read_clip(&path, 22050).unwrap();
        assert_eq!(clip.len(), 22050);
        assert!((clip[11025] - 0.25).abs() < 0.01, "{}", clip[11025]);
        std::fs::write(&path, b"RIFF garbage").unwrap();
        let error = read_clip(&path, 22050).unwrap_err();
        let told = error.to_string();
        assert!(told.starts_with(&format!("{}: not a readable WAV file", path.display())), "{told}");
        // The decoder's own error is kept as the cause; a bad file is no misused option.
        let cause = std::error::Error::source(&error).expect("the decoder's error");
        assert!(cause.downcast_ref::<hound::Error>().is_some(), "{cause:?}");
        assert_eq!(error.exit_code(), 1);
    }

    #[test]
    fn a_resampler_failure_keeps_its_cause_and_is_no_usage_error() {
        let resampler = Resampler::new(22050, 48000);
        let error = resampler.failed(std::io::Error::other("no room"));
        assert_eq!(error.to_string(), "resampling 22050 Hz to 48000 Hz: failed: no room");
        assert!(std::error::Error::source(&error).is_some());
        assert_eq!(error.exit_code(), 1);
    }

    #[test]
    fn trimming_keeps_the_audible_span() {
        assert_eq!(trim_silence(&[0.0, 0.0005, 0.2, 0.0, -0.3, 0.0002, 0.0]), &[0.2, 0.0, -0.3]);
        assert!(trim_silence(&[0.0, 0.0001]).is_empty());
        assert!(trim_silence(&[]).is_empty());
    }

    #[test]
    fn pcm_conversion_rounds_and_clips() {
        assert_eq!(to_pcm16(0.5), 16384);
        assert_eq!(to_pcm16(0.25), 8192);
        assert_eq!(to_pcm16(1.8), 32767);
        assert_eq!(to_pcm16(-1.5), -32768);
        assert_eq!(to_pcm16(f32::NAN), 0);
        for k in -40..40 {
            // Exact halves round away from zero.
            let half = (k as f32 + 0.5) / 32768.0;
            assert_eq!(to_pcm16(half), (half * 32768.0).round() as i16, "{k}");
        }
    }

    proptest::proptest! {
        #[test]
        fn pcm_conversion_rounds_like_the_float_rounding(x in -2.0f32..2.0) {
            let reference = (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
            proptest::prop_assert_eq!(to_pcm16(x), reference);
        }
    }

    #[test]
    fn durations_round_to_whole_samples() {
        assert_eq!(samples_in(0.5, 22050), 11025);
        assert_eq!(samples_in(0.0, 22050), 0);
    }

    /// A WAV header (PCM, 16 bits) declaring `rate` and `data_bytes` of
    /// sound, followed by `real_bytes` of silence.
    fn wav_with_header(rate: u32, data_bytes: u32, real_bytes: usize) -> Vec<u8> {
        let mut wav = b"RIFF".to_vec();
        wav.extend(data_bytes.saturating_add(36).to_le_bytes());
        wav.extend(b"WAVEfmt ");
        wav.extend(16u32.to_le_bytes());
        wav.extend([1, 0, 1, 0]); // PCM, mono
        wav.extend(rate.to_le_bytes());
        wav.extend((rate * 2).to_le_bytes());
        wav.extend([2, 0, 16, 0]);
        wav.extend(b"data");
        wav.extend(data_bytes.to_le_bytes());
        wav.resize(wav.len() + real_bytes, 0);
        wav
    }

    #[test]
    fn absurd_headers_are_refused_before_any_sample_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let error = |rate: u32, data_bytes: u32, real_bytes: usize| {
            let path = dir.path().join("musique.wav");
            std::fs::write(&path, wav_with_header(rate, data_bytes, real_bytes)).unwrap();
            let message = read_clip(&path, 22050).unwrap_err().to_string();
            message.strip_prefix(&format!("{}: ", path.display())).unwrap().to_owned()
        };
        assert_eq!(error(1, 2_000_000, 2_000_000), "declares 1 Hz, outside the 8 to 384 kHz a music file may have");
        assert_eq!(error(1_000_000, 100, 100), "declares 1000000 Hz, outside the 8 to 384 kHz a music file may have");
        assert_eq!(
            error(44100, 0xFFFF_FFF0, 100),
            "declares 48695 s of sound, more than the hour a music file may last"
        );
        assert_eq!(error(44100, 200_000_000, 100), "declares 200000000 bytes of sound, more than the 144 the file has");
        let path = dir.path().join("juste.wav");
        std::fs::write(&path, wav_with_header(8000, 16000, 16000)).unwrap();
        assert_eq!(read_clip(&path, 8000).map(|clip| clip.len()).unwrap(), 8000, "a header within bounds is read");
    }
}
