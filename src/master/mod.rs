//! From placed sentences to a finished program: the intro, short fades at
//! every join, a music bed ducked under the opening, the outro, and one
//! loudness gain for the whole file (EBU R128), with a look-ahead limiter
//! for the few speech peaks the gain would push over the true-peak limit.
//! The program is spooled to a temporary file as it arrives, measured, and
//! read back with the gain applied, so memory does not grow with its length.

mod limiter;
mod meter;

use crate::audio;
use crate::error::{io_problem, Error, Result};
use crate::manifest::{Loudness, Span};
use crate::render::{Placement, Sink};
use crate::script::PartKind;
use limiter::Limiter;
use meter::Meter;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// Fades at each end of every clip: long enough to remove a click, too
/// short to hear.
const FADE_SECONDS: f32 = 0.005;
/// The limiter aims this far under the true-peak limit, for the peaks
/// between samples and the rounding to 16 bits.
const TRUE_PEAK_MARGIN: f64 = 0.3;
/// Close enough to the loudness target, LU.
const LOUDNESS_TOLERANCE: f64 = 0.1;
/// Tries at gain and ceiling before settling for the last one.
const MAX_PASSES: usize = 4;
/// Look-ahead of the limiter: the gain ramps down over this time before a peak.
const LIMITER_WINDOW_SECONDS: f32 = 0.005;
const LIMITER_RELEASE_SECONDS: f32 = 0.1;
/// Silence between the intro and the first words, and before the outro.
const MUSIC_GAP_SECONDS: f32 = 0.5;
/// The bed goes down to its ducked level over this time before the voice.
const DUCK_RAMP_SECONDS: f32 = 0.5;
/// After the opening, the bed fades out over this time.
const BED_TAIL_SECONDS: f32 = 1.0;

/// The loudness the whole program is brought to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoudnessTarget {
    /// Integrated loudness, LUFS.
    pub integrated: f64,
    /// Highest true peak allowed, dBTP.
    pub true_peak: f64,
}

impl Default for LoudnessTarget {
    /// The usual target for spoken podcasts and streaming.
    fn default() -> Self {
        LoudnessTarget { integrated: -16.0, true_peak: -1.0 }
    }
}

/// Music under the opening announcement.
#[derive(Debug, Clone, PartialEq)]
pub struct Bed {
    pub path: PathBuf,
    /// How far the bed goes down under the voice, dB.
    pub duck: f32,
    /// Seconds of bed alone before the voice starts.
    pub lead: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MasterOptions {
    /// Linear gain on the voice, before loudness normalization.
    pub volume: f32,
    /// `None` leaves the level as the engine made it.
    pub loudness: Option<LoudnessTarget>,
    pub intro: Option<PathBuf>,
    pub outro: Option<PathBuf>,
    pub bed: Option<Bed>,
}

impl Default for MasterOptions {
    /// The voice as it is, brought to the usual loudness, no music.
    fn default() -> Self {
        MasterOptions { volume: 1.0, loudness: Some(LoudnessTarget::default()), intro: None, outro: None, bed: None }
    }
}

/// The music files, read once for every bulletin of a run, faded at their
/// edges and at the program's rate.
pub struct Music {
    intro: Option<Vec<f32>>,
    outro: Option<Vec<f32>>,
    bed: Option<Vec<f32>>,
}

impl Music {
    /// Reads the files the options name, at the program's `rate`; a bad one
    /// fails before any synthesis.
    pub fn load(options: &MasterOptions, rate: u32) -> Result<Self> {
        let clip = |path: &PathBuf| -> Result<Vec<f32>> {
            let mut clip = audio::read_clip(path, rate)?;
            audio::fade_edges(&mut clip, audio::samples_in(FADE_SECONDS, rate));
            Ok(clip)
        };
        Ok(Music {
            intro: options.intro.as_ref().map(clip).transpose()?,
            outro: options.outro.as_ref().map(clip).transpose()?,
            bed: options.bed.as_ref().map(|b| clip(&b.path)).transpose()?,
        })
    }
}

/// The bed as it plays: where it began and where the opening ended.
struct BedPlay {
    clip: Vec<f32>,
    duck: f32,
    lead: usize,
    ramp: usize,
    tail: usize,
    start: Option<usize>,
    opening_end: Option<usize>,
}

impl BedPlay {
    /// The bed's sample at program position `at`, with its level.
    fn at(&self, at: usize) -> f32 {
        let Some(start) = self.start else { return 0.0 };
        let Some(&sample) = at.checked_sub(start).and_then(|k| self.clip.get(k)) else { return 0.0 };
        let voice = start + self.lead;
        let mut level = if at + self.ramp <= voice {
            1.0
        } else if at < voice {
            let progress = (at + self.ramp - voice) as f32 / self.ramp as f32;
            1.0 + (self.duck - 1.0) * progress
        } else {
            self.duck
        };
        if let Some(end) = self.opening_end {
            level *= 1.0 - (at.saturating_sub(end) as f32 / self.tail as f32).min(1.0);
        }
        sample * level
    }

    fn finished(&self, at: usize) -> bool {
        let past_clip = self.start.is_some_and(|s| at >= s + self.clip.len());
        let past_tail = self.opening_end.is_some_and(|e| at >= e + self.tail);
        past_clip || past_tail
    }
}

/// Builds the program: a [`Sink`] for the sentences, then [`Master::finish`].
pub struct Master {
    options: MasterOptions,
    sample_rate: u32,
    spool: BufWriter<File>,
    position: usize,
    bed: Option<BedPlay>,
    outro: Option<Vec<f32>>,
    intro_span: Option<Span>,
    mixed: Vec<f32>,
}

impl Master {
    /// Starts the program, at `rate`, with the intro.
    pub fn new(options: MasterOptions, rate: u32, music: &Music) -> Result<Self> {
        let bed = match (&options.bed, &music.bed) {
            (Some(bed), Some(clip)) => Some(BedPlay {
                clip: clip.clone(),
                duck: 10f32.powf(-bed.duck.abs() / 20.0),
                lead: audio::samples_in(bed.lead, rate),
                ramp: audio::samples_in(DUCK_RAMP_SECONDS.min(bed.lead), rate),
                tail: audio::samples_in(BED_TAIL_SECONDS, rate),
                start: None,
                opening_end: None,
            }),
            _ => None,
        };
        let spool = tempfile::tempfile().map_err(|e| spool_failed(&e))?;
        let mut master = Master {
            spool: BufWriter::new(spool),
            position: 0,
            bed,
            outro: music.outro.clone(),
            intro_span: None,
            mixed: Vec::new(),
            options,
            sample_rate: rate,
        };
        if let Some(intro) = &music.intro {
            master.push(intro)?;
            master.intro_span = Some(Span::new(0, intro.len(), rate));
            master.silence(MUSIC_GAP_SECONDS)?;
        }
        Ok(master)
    }

    /// Appends samples to the program, with the bed mixed in, measuring them.
    fn push(&mut self, samples: &[f32]) -> Result<()> {
        self.mixed.clear();
        match &self.bed {
            Some(bed) => {
                let start = self.position;
                self.mixed.extend(samples.iter().enumerate().map(|(i, s)| s + bed.at(start + i)));
            }
            None => self.mixed.extend_from_slice(samples),
        }
        self.position += samples.len();
        if self.bed.as_ref().is_some_and(|b| b.finished(self.position)) {
            self.bed = None;
        }
        let bytes: Vec<u8> = self.mixed.iter().flat_map(|s| s.to_le_bytes()).collect();
        self.spool.write_all(&bytes).map_err(|e| spool_failed(&e))
    }

    fn silence(&mut self, seconds: f32) -> Result<()> {
        let silence = vec![0.0; audio::samples_in(seconds, self.sample_rate)];
        self.push(&silence)
    }

    /// Ends the program with the outro and sets the loudness gain.
    pub fn finish(mut self) -> Result<(Program, Mastered)> {
        if let Some(bed) = self.bed.as_mut().filter(|b| b.start.is_some()) {
            // The opening was the whole program: let the bed's tail play out.
            let end = *bed.opening_end.get_or_insert(self.position);
            let remaining = (end + bed.tail).saturating_sub(self.position);
            self.push(&vec![0.0; remaining])?;
        }
        let mut outro = None;
        if let Some(clip) = self.outro.take() {
            self.silence(MUSIC_GAP_SECONDS)?;
            let start = self.position;
            self.push(&clip)?;
            outro = Some(Span::new(start, self.position, self.sample_rate));
        }
        let spool = self.spool.into_inner().map_err(|e| spool_failed(e.error()))?;
        let mut program =
            Program { spool, samples: self.position, sample_rate: self.sample_rate, gain: 1.0, ceiling: None };
        let loudness = match self.options.loudness {
            Some(target) => program.normalize(target)?,
            None => None,
        };
        let mastered =
            Mastered { sample_rate: self.sample_rate, samples: self.position, intro: self.intro_span, outro, loudness };
        Ok((program, mastered))
    }
}

/// What mastering did, for the manifest: the program's length and rate,
/// where the music plays, and how its level was set.
#[derive(Debug, Clone, PartialEq)]
pub struct Mastered {
    pub sample_rate: u32,
    pub samples: usize,
    pub intro: Option<Span>,
    pub outro: Option<Span>,
    pub loudness: Option<Loudness>,
}

impl Sink for Master {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn place(&mut self, mut speech: Vec<f32>, placement: Placement) -> Result<(usize, usize)> {
        let opening = placement.part == PartKind::Opening;
        if let Some(bed) = self.bed.as_mut().filter(|b| opening && b.start.is_none()) {
            bed.start = Some(self.position);
            let lead = bed.lead;
            self.push(&vec![0.0; lead])?;
        }
        for sample in &mut speech {
            *sample *= self.options.volume;
        }
        audio::fade_edges(&mut speech, audio::samples_in(FADE_SECONDS, self.sample_rate));
        let start = self.position;
        self.push(&speech)?;
        let end = self.position;
        if let Some(bed) = self.bed.as_mut().filter(|_| opening && placement.ends_part) {
            bed.opening_end = Some(end);
        }
        self.silence(placement.pause)?;
        Ok((start, end))
    }
}

/// A finished program, ready to be written as 16-bit PCM.
pub struct Program {
    spool: File,
    pub samples: usize,
    sample_rate: u32,
    gain: f32,
    /// Highest sample value the limiter lets through, if it is needed.
    ceiling: Option<f32>,
}

impl Program {
    /// Finds the gain (and, where speech peaks stand in the way, the limiter
    /// ceiling) that brings the program to `target`, checking each try by
    /// measuring the processed program again. `None` for a program too
    /// quiet to measure, left as it is.
    fn normalize(&mut self, target: LoudnessTarget) -> Result<Option<Loudness>> {
        let (measured, measured_true_peak) = self.measure()?;
        if !measured.is_finite() || !measured_true_peak.is_finite() {
            return Ok(None);
        }
        let peak_limit = target.true_peak - TRUE_PEAK_MARGIN;
        let mut gain = target.integrated - measured;
        let mut ceiling = (measured_true_peak + gain > peak_limit).then_some(peak_limit);
        let (mut integrated, mut true_peak) = (measured + gain, measured_true_peak + gain);
        for _ in 0..MAX_PASSES {
            self.gain = linear(gain) as f32;
            self.ceiling = ceiling.map(|c| linear(c) as f32);
            if ceiling.is_none() {
                break;
            }
            (integrated, true_peak) = self.measure()?;
            let loud_enough = (integrated - target.integrated).abs() <= LOUDNESS_TOLERANCE;
            if loud_enough && true_peak <= peak_limit + LOUDNESS_TOLERANCE {
                break;
            }
            if true_peak > peak_limit {
                ceiling = ceiling.map(|c| c - (true_peak - peak_limit));
            }
            gain += target.integrated - integrated;
        }
        Ok(Some(Loudness {
            measured,
            measured_true_peak,
            target: target.integrated,
            max_true_peak: target.true_peak,
            gain,
            limiter_ceiling: ceiling,
            integrated,
            true_peak,
        }))
    }

    /// Integrated loudness and true peak of the program as it would be written.
    fn measure(&mut self) -> Result<(f64, f64)> {
        let mut meter = Meter::new(self.sample_rate)?;
        self.process(&mut |block| meter.add(block))?;
        meter.finish()
    }

    /// The program with its gain and limiter, handed out in blocks, in order.
    fn process(&mut self, each: &mut dyn FnMut(&[f32]) -> Result<()>) -> Result<()> {
        let window = audio::samples_in(LIMITER_WINDOW_SECONDS, self.sample_rate);
        let release = audio::samples_in(LIMITER_RELEASE_SECONDS, self.sample_rate);
        let mut limiter = self.ceiling.map(|c| Limiter::new(c, window, release));
        self.spool.seek(SeekFrom::Start(0)).map_err(|e| spool_failed(&e))?;
        let mut reader = BufReader::new(&self.spool);
        let mut bytes = vec![0u8; 1 << 16];
        let (mut gained, mut limited) = (Vec::new(), Vec::new());
        let mut left = self.samples * 4;
        while left > 0 {
            let block = &mut bytes[..left.min(1 << 16)];
            reader.read_exact(block).map_err(|e| spool_failed(&e))?;
            left -= block.len();
            gained.clear();
            let floats = block.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            gained.extend(floats.map(|s| s * self.gain));
            let Some(limiter) = &mut limiter else {
                each(&gained)?;
                continue;
            };
            limited.clear();
            limiter.process(&gained, &mut limited);
            if left == 0 {
                limiter.flush(&mut limited);
            }
            each(&limited)?;
        }
        Ok(())
    }

    /// Hands the program to `write` in blocks of 16-bit samples, in order.
    pub fn pcm16(&mut self, write: &mut dyn FnMut(&[i16]) -> Result<()>) -> Result<()> {
        let mut pcm = Vec::new();
        self.process(&mut |block| {
            pcm.clear();
            pcm.extend(block.iter().map(|&s| audio::to_pcm16(s)));
            write(&pcm)
        })
    }
}

fn linear(decibels: f64) -> f64 {
    10f64.powf(decibels / 20.0)
}

/// The temporary program file could not be written. When the disk is
/// full, say how much room a run needs and where: the program is spooled
/// as 32-bit floats in the temporary folder, then written as 16-bit samples
/// beside the output.
fn spool_failed(error: &std::io::Error) -> Error {
    let mut problem = io_problem(error);
    if error.kind() == std::io::ErrorKind::StorageFull {
        problem.push_str(&format!(
            ": a bulletin needs about {} MB an hour of audio at 22.05 kHz in {} (TMPDIR chooses it), and half as much again beside the output",
            SPOOL_BYTES_PER_SAMPLE * 22_050 * 3600 / 1_000_000,
            std::env::temp_dir().display()
        ));
    }
    Error::output("temporary program file", problem)
}

/// Bytes the spool takes for one sample.
const SPOOL_BYTES_PER_SAMPLE: u64 = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_says_how_much_room_a_run_needs() {
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let message = spool_failed(&full).to_string();
        assert!(message.starts_with("temporary program file: cannot write: "), "{message}");
        assert!(message.contains("about 317 MB an hour of audio"), "{message}");
    }
}
