//! From placed sentences to a finished program: the intro, short fades at
//! every join, a music bed ducked under the opening, the outro, and one
//! loudness gain for the whole file (EBU R128), with a look-ahead limiter
//! for the speech peaks the gain would push over the true-peak limit.
//!
//! The costly analysis runs where the sentences are made, in parallel: each
//! is faded and analyzed on its synthesis thread (`crate::voicing`), into 5 ms
//! units of K-weighted energy and true peak. The program is spooled to a
//! temporary file as it arrives, with its units beside it; the gain and the
//! limiter's ceiling are then fitted from the units alone, and the audio is
//! read back once, shaped as it is written. Memory does not grow with the
//! program's length.

pub(crate) mod analysis;
pub(crate) mod limiter;
pub(crate) mod loudness;
mod spool;

use crate::audio;
use crate::error::{io_problem, Error, Result};
use crate::manifest::{Loudness, Span};
use crate::schedule::{Placement, Sink};
use crate::script::PartKind;
use crate::voicing::Speech;
use analysis::Unit;
use limiter::{Limited, Limiter};
use loudness::Gating;
use spool::{Spool, SpoolWriter};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// Fades at each end of every clip: long enough to remove a click, too
/// short to hear.
pub(crate) const FADE_SECONDS: f32 = 0.005;
/// The limiter aims this far under the true-peak limit, for the peaks
/// between samples the analysis may miss and the rounding to 16 bits.
pub(crate) const TRUE_PEAK_MARGIN: f64 = 0.5;
/// How close the fitted ceiling comes to the exact one, dB.
const FIT_PRECISION: f64 = 0.005;
/// The most the limiter may hold speech peaks down, dB: beyond, speech
/// sounds crushed, and a program that needs more is left under its target.
pub(crate) const MAX_LIMITING: f64 = 20.0;
/// Tries at the ceiling before settling for the best.
const MAX_FITS: usize = 60;
/// The limiter's gain recovers over about this time after a peak.
const LIMITER_RELEASE_SECONDS: f64 = 0.1;
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
    intro: Option<Clip>,
    outro: Option<Clip>,
    bed: Option<Vec<f32>>,
}

/// A music clip, faded at its edges, with its units.
#[derive(Clone)]
struct Clip {
    samples: Vec<f32>,
    units: Vec<Unit>,
}

impl Music {
    /// Reads the files the options name, at the program's `rate`; a bad one
    /// fails before any synthesis.
    pub fn load(options: &MasterOptions, rate: u32) -> Result<Self> {
        let read = |path: &PathBuf| -> Result<Vec<f32>> {
            let mut samples = audio::read_clip(path, rate)?;
            audio::fade_edges(&mut samples, audio::samples_in(FADE_SECONDS, rate));
            Ok(samples)
        };
        let clip = |path: &PathBuf| -> Result<Clip> {
            let samples = read(path)?;
            let units = if options.loudness.is_some() { analysis::analyze(&samples, rate) } else { Vec::new() };
            Ok(Clip { samples, units })
        };
        Ok(Music {
            intro: options.intro.as_ref().map(clip).transpose()?,
            outro: options.outro.as_ref().map(clip).transpose()?,
            bed: options.bed.as_ref().map(|b| read(&b.path)).transpose()?,
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
    spool: SpoolWriter,
    /// The units of the program, in order, when its loudness is to be set.
    units: Option<BufWriter<File>>,
    position: usize,
    bed: Option<BedPlay>,
    outro: Option<Clip>,
    intro_span: Option<Span>,
}

/// A piece of the program.
enum Piece<'a> {
    /// Samples, with their units.
    Samples(&'a [f32], &'a [Unit]),
    Silence(usize),
    /// A sentence, in memory or kept by the sentence cache.
    Sentence(&'a Speech),
}

impl Piece<'_> {
    fn len(&self) -> usize {
        match self {
            Piece::Samples(samples, _) => samples.len(),
            Piece::Silence(len) => *len,
            Piece::Sentence(speech) => speech.len(),
        }
    }
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
        let units_file = || tempfile::tempfile().map(BufWriter::new).map_err(|e| spool_failed(&e));
        let mut master = Master {
            spool: SpoolWriter::new()?,
            units: options.loudness.is_some().then(units_file).transpose()?,
            position: 0,
            bed,
            outro: music.outro.clone(),
            intro_span: None,
            options,
            sample_rate: rate,
        };
        if let Some(intro) = &music.intro {
            master.push(Piece::Samples(&intro.samples, &intro.units))?;
            master.intro_span = Some(Span::new(0, intro.samples.len(), rate));
            master.silence(MUSIC_GAP_SECONDS)?;
        }
        Ok(master)
    }

    /// Appends a piece to the program, with the bed mixed in, and its units.
    fn push(&mut self, piece: Piece) -> Result<()> {
        let (start, len) = (self.position, piece.len());
        let mut units = Vec::new();
        let units: &[Unit] = match (self.bed.as_ref().filter(|b| b.start.is_some()), &piece) {
            (Some(bed), _) => {
                let samples = match &piece {
                    Piece::Samples(samples, _) => std::borrow::Cow::Borrowed(*samples),
                    Piece::Silence(len) => vec![0.0; *len].into(),
                    Piece::Sentence(speech) => speech.samples()?,
                };
                let mixed: Vec<f32> = samples.iter().enumerate().map(|(i, s)| s + bed.at(start + i)).collect();
                self.spool.samples(&mixed)?;
                if self.units.is_some() {
                    units = analysis::analyze(&mixed, self.sample_rate);
                }
                &units
            }
            (None, Piece::Samples(samples, known)) => {
                self.spool.samples(samples)?;
                known
            }
            (None, Piece::Silence(len)) => {
                self.spool.silence(*len)?;
                if self.units.is_some() {
                    units = analysis::silence(*len, self.sample_rate).collect();
                }
                &units
            }
            (None, Piece::Sentence(speech)) => {
                match &speech.kept {
                    Some(kept) => self.spool.kept(kept.clone())?,
                    None => self.spool.samples(&speech.samples)?,
                }
                &speech.units
            }
        };
        if let Some(spool) = self.units.as_mut() {
            let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_bytes()).collect();
            spool.write_all(&bytes).map_err(|e| spool_failed(&e))?;
        }
        self.position += len;
        if self.bed.as_ref().is_some_and(|b| b.finished(self.position)) {
            self.bed = None;
        }
        Ok(())
    }

    fn silence(&mut self, seconds: f32) -> Result<()> {
        self.silent(audio::samples_in(seconds, self.sample_rate))
    }

    fn silent(&mut self, len: usize) -> Result<()> {
        self.push(Piece::Silence(len))
    }

    /// Ends the program with the outro and sets the loudness gain.
    pub fn finish(mut self) -> Result<(Program, Mastered)> {
        if let Some(bed) = self.bed.as_mut().filter(|b| b.start.is_some()) {
            // The opening was the whole program: let the bed's tail play out.
            let end = *bed.opening_end.get_or_insert(self.position);
            let remaining = (end + bed.tail).saturating_sub(self.position);
            self.silent(remaining)?;
        }
        let mut outro = None;
        if let Some(clip) = self.outro.take() {
            self.silence(MUSIC_GAP_SECONDS)?;
            let start = self.position;
            self.push(Piece::Samples(&clip.samples, &clip.units))?;
            outro = Some(Span::new(start, self.position, self.sample_rate));
        }
        let spool = self.spool.finish()?;
        let units = self.units.map(|u| u.into_inner().map_err(|e| spool_failed(e.error()))).transpose()?;
        let mut program =
            Program { spool, units, samples: self.position, sample_rate: self.sample_rate, gain: 1.0, ceiling: None };
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
    type Speech = Speech;

    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn place(&mut self, speech: Speech, placement: Placement) -> Result<(usize, usize)> {
        let opening = placement.part == PartKind::Opening;
        if let Some(bed) = self.bed.as_mut().filter(|b| opening && b.start.is_none()) {
            bed.start = Some(self.position);
            let lead = bed.lead;
            self.silent(lead)?;
        }
        let start = self.position;
        self.push(Piece::Sentence(&speech))?;
        let end = self.position;
        if let Some(bed) = self.bed.as_mut().filter(|_| opening && placement.ends_part) {
            bed.opening_end = Some(end);
        }
        self.silence(placement.pause)?;
        Ok((start, end))
    }
}

impl audio::Pcm16Source for Program {
    fn samples(&self) -> usize {
        self.samples
    }

    fn pcm16(&mut self, take: &mut dyn FnMut(Vec<u8>) -> Result<()>) -> Result<()> {
        self.write_pcm16(take)
    }
}

/// A finished program, ready to be written as 16-bit PCM.
pub struct Program {
    spool: Spool,
    /// The program's units, when its loudness is set.
    units: Option<File>,
    samples: usize,
    sample_rate: u32,
    gain: f32,
    /// Highest peak the limiter lets through before the gain, if it is needed.
    ceiling: Option<f32>,
}

impl Program {
    /// Fits the gain (and, where speech peaks stand in the way, the limiter
    /// ceiling) that brings the program to `target`, from its units.
    /// `None` for a program too quiet to measure, left as it is.
    fn normalize(&mut self, target: LoudnessTarget) -> Result<Option<Loudness>> {
        let (measured, peak) = self.fit(None)?;
        let measured_true_peak = 20.0 * f64::from(peak).log10();
        if !measured.is_finite() || !measured_true_peak.is_finite() {
            return Ok(None);
        }
        let peak_limit = target.true_peak - TRUE_PEAK_MARGIN;
        let mut gain = target.integrated - measured;
        let (mut integrated, mut ceiling) = (measured, None);
        if measured_true_peak + gain > peak_limit {
            // The ceiling c (before the gain) where the gain that brings the
            // limited program to the target puts c exactly at the peak limit:
            // c + target - L(c) = peak_limit, the left side growing with c.
            let excess = |c: f64| -> Result<(f64, f64)> {
                let (limited, _) = self.fit(Some(linear(c) as f32))?;
                Ok((c + target.integrated - limited - peak_limit, limited))
            };
            // At the program's peak the limiter does nothing; were the
            // loudness not to move, the ceiling would be where the first
            // guess puts it.
            let at_peak = (measured_true_peak, measured_true_peak + target.integrated - measured - peak_limit);
            let floor = measured_true_peak - MAX_LIMITING;
            let guess = measured + peak_limit - target.integrated;
            let (best, best_loudness) = match solve(excess, at_peak, guess, floor)? {
                Some(found) => found,
                // Out of reach without crushing the speech: limited as far
                // as allowed, peaks at the limit, quieter than the target.
                None => (floor, self.fit(Some(linear(floor) as f32))?.0),
            };
            integrated = best_loudness;
            gain = (target.integrated - integrated).min(peak_limit - best);
            ceiling = Some(best);
        }
        self.gain = linear(gain) as f32;
        self.ceiling = ceiling.map(|c| linear(c) as f32);
        Ok(Some(Loudness {
            measured,
            measured_true_peak,
            target: target.integrated,
            max_true_peak: target.true_peak,
            gain,
            limiter_ceiling: ceiling.map(|c| c + gain),
            integrated: integrated + gain,
            true_peak: ceiling.unwrap_or(measured_true_peak) + gain,
        }))
    }

    /// The program's integrated loudness before the gain, with the limiter
    /// at `ceiling` if any, and its highest peak before the limiter.
    fn fit(&self, ceiling: Option<f32>) -> Result<(f64, f32)> {
        let mut gating = Gating::new(self.sample_rate);
        let mut peak = 0f32;
        let mut limiter = ceiling.map(|c| Limiter::new(c, release_units()));
        let Some(units) = &self.units else { return Ok((f64::NEG_INFINITY, 0.0)) };
        each_unit(units, |unit| {
            peak = peak.max(unit.peak);
            match limiter.as_mut() {
                Some(limiter) => limiter.push(unit, &mut |l: Limited| gating.add(l.unit.len, l.energy())),
                None => gating.add(unit.len, f64::from(unit.energy)),
            }
        })?;
        if let Some(limiter) = limiter {
            limiter.finish(&mut |l: Limited| gating.add(l.unit.len, l.energy()));
        }
        Ok((gating.integrated(), peak))
    }

    /// Hands the program to `write` in blocks of 16-bit little-endian
    /// samples, in order, with its gain and limiter applied.
    fn write_pcm16(&mut self, write: &mut dyn FnMut(Vec<u8>) -> Result<()>) -> Result<()> {
        let (gain, ceiling, units) = (self.gain, self.ceiling, self.units.as_ref());
        self.spool.read_ahead(|samples| {
            let mut out = Pcm { block: Vec::with_capacity(2 * PCM_BLOCK), write, gain };
            let (Some(ceiling), Some(units)) = (ceiling, units) else {
                while let Some(block) = samples.next_block(PCM_BLOCK)? {
                    out.push(block, None)?;
                }
                return out.flush();
            };
            // The limiter's gain, sample by sample, for the samples not yet
            // written: shaped a block at a time.
            let mut gains = Vec::with_capacity(2 * PCM_BLOCK);
            let mut failure = None;
            let mut shape = |limited: Limited, last: bool| {
                gains.extend(limited.gains());
                if failure.is_none() && (gains.len() >= PCM_BLOCK || last) {
                    failure = out.shape(samples, &gains).err();
                    gains.clear();
                }
            };
            let mut limiter = Limiter::new(ceiling, release_units());
            each_unit(units, |unit| limiter.push(unit, &mut |limited| shape(limited, false)))?;
            limiter.finish(&mut |limited| shape(limited, false));
            shape(Limited { unit: Unit::default(), from: 1.0, to: 1.0 }, true);
            failure.map_or(Ok(()), Err)?;
            out.flush()
        })
    }
}

/// The root of `excess`, a function growing with its argument (at most as
/// fast), known to be positive at `high`, from a first `guess` below it:
/// secant steps from above until the root is bracketed, then false
/// position (Illinois). Returns the best argument found at or below the
/// root, with the second value `excess` gave there.
fn solve(
    mut excess: impl FnMut(f64) -> Result<(f64, f64)>,
    mut high: (f64, f64),
    guess: f64,
    floor: f64,
) -> Result<Option<(f64, f64)>> {
    let mut low: Option<(f64, f64, f64)> = None;
    let (mut c, mut side) = (guess.clamp(floor, high.0 - FIT_PRECISION), 0);
    for _ in 0..MAX_FITS {
        let (value, other) = excess(c)?;
        if value > 0.0 {
            let previous = high;
            high = (c, value);
            if side == 1 {
                // The same side twice: halve the other end's weight.
                low.iter_mut().for_each(|l| l.1 /= 2.0);
            }
            side = 1;
            if low.is_none() {
                if c <= floor {
                    return Ok(None);
                }
                // Still above the root: a secant step down, at least as far
                // as the value (the slope is at most one).
                let slope = ((previous.1 - value) / (previous.0 - c)).clamp(0.05, 1.0);
                c = (c - value / slope - FIT_PRECISION).max(floor);
                continue;
            }
        } else {
            if side == -1 {
                high.1 /= 2.0;
            }
            side = -1;
            low = Some((c, value, other));
        }
        let (l, l_value, _) = low.expect("bracketed");
        if high.0 - l <= FIT_PRECISION || l_value.abs() <= FIT_PRECISION {
            break;
        }
        c = (l * high.1 - high.0 * l_value) / (high.1 - l_value);
    }
    Ok(low.map(|(c, _, other)| (c, other)))
}

/// Samples converted to 16 bits per block handed to the writer.
const PCM_BLOCK: usize = 1 << 16;

/// The limiter's release in units.
pub(crate) fn release_units() -> f32 {
    (LIMITER_RELEASE_SECONDS / analysis::UNIT_SECONDS) as f32
}

/// Hands out the units of a spool, in order.
fn each_unit(file: &File, mut each: impl FnMut(Unit)) -> Result<()> {
    let mut file = file;
    file.seek(SeekFrom::Start(0)).map_err(|e| spool_failed(&e))?;
    let mut bytes = vec![0u8; Unit::BYTES * 4096];
    let mut filled = 0;
    loop {
        let read = file.read(&mut bytes[filled..]).map_err(|e| spool_failed(&e))?;
        filled += read;
        let whole = filled - filled % Unit::BYTES;
        bytes[..whole].chunks_exact(Unit::BYTES).for_each(|unit| each(Unit::from_bytes(unit)));
        bytes.copy_within(whole..filled, 0);
        filled -= whole;
        if read == 0 {
            return Ok(());
        }
    }
}

/// 16-bit samples (little-endian bytes) on their way to the writer, in
/// blocks.
struct Pcm<'a> {
    block: Vec<u8>,
    write: &'a mut dyn FnMut(Vec<u8>) -> Result<()>,
    gain: f32,
}

impl Pcm<'_> {
    /// Adds `samples` with the gain, each also times its own limiter gain
    /// in `shaped` if given.
    fn push(&mut self, samples: &[f32], shaped: Option<&[f32]>) -> Result<()> {
        let start = self.block.len();
        self.block.resize(start + 2 * samples.len(), 0);
        let (out, gain) = (self.block[start..].chunks_exact_mut(2), self.gain);
        match shaped {
            None => {
                for (pcm, &s) in out.zip(samples) {
                    pcm.copy_from_slice(&audio::to_pcm16(s * gain).to_le_bytes());
                }
            }
            Some(shaped) => {
                for ((pcm, &s), &g) in out.zip(samples).zip(shaped) {
                    pcm.copy_from_slice(&audio::to_pcm16(s * g * gain).to_le_bytes());
                }
            }
        }
        if self.block.len() >= 2 * PCM_BLOCK {
            self.flush()?;
        }
        Ok(())
    }

    /// As many samples from `spool` as there are `shaped` limiter gains,
    /// with them.
    fn shape(&mut self, spool: &mut spool::ReadAhead, shaped: &[f32]) -> Result<()> {
        let mut done = 0;
        while done < shaped.len() {
            let Some(block) = spool.next_block(shaped.len() - done)? else { break };
            self.push(block, Some(&shaped[done..done + block.len()]))?;
            done += block.len();
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let block = std::mem::replace(&mut self.block, Vec::with_capacity(2 * PCM_BLOCK));
        (self.write)(block)
    }
}

pub(crate) fn linear(decibels: f64) -> f64 {
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
    fn the_ceiling_is_found_in_a_few_tries_below_the_root() {
        // Shaped like the limiter's excess: slope one far below the peak,
        // flattening as the ceiling nears it.
        let excess = |c: f64| c + 0.3 * (c + 4.0).max(0.0).powi(2) / 4.0 + 6.0;
        let mut tries = 0;
        let (c, seen) = solve(
            |c| {
                tries += 1;
                Ok((excess(c), c * 10.0))
            },
            (0.0, excess(0.0)),
            -3.0,
            -40.0,
        )
        .unwrap()
        .unwrap();
        assert!(excess(c) <= 0.0 && excess(c) > -2.0 * FIT_PRECISION, "{c}: {}", excess(c));
        assert_eq!(seen, c * 10.0);
        assert!(tries <= 8, "{tries} tries");
    }

    #[test]
    fn a_root_below_the_floor_is_not_sought() {
        let found = solve(|c| Ok((c + 30.0, 0.0)), (0.0, 30.0), -3.0, -12.0).unwrap();
        assert_eq!(found, None);
    }

    #[test]
    fn a_full_disk_says_how_much_room_a_run_needs() {
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let message = spool_failed(&full).to_string();
        assert!(message.starts_with("temporary program file: cannot write: "), "{message}");
        assert!(message.contains("about 317 MB an hour of audio"), "{message}");
    }
}
