//! The sound card, through cpal: the default output device at its own rate
//! and channel count (the bulletin is mono, so every channel plays it).
//! The device's callback runs on the audio thread, where waiting for a lock
//! can make the sound drop out: it takes samples from a lock-free ring
//! buffer and tells what it played through atomics, never a `Mutex`.

use super::Player;
use crate::error::{Error, Result};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the callback tells the speaking loop, and the one thing it is told
/// back (pause). Counts are of samples per channel.
struct Shared {
    /// Samples taken from the ring, played or dropped.
    taken: AtomicU64,
    /// Samples played so far, silence while paused not counted.
    played: AtomicU64,
    /// The ring's samples up to this count are dropped unplayed ([`Player::clear`]).
    drop_until: AtomicU64,
    /// Nanoseconds after `epoch` at which the first sound was heard, plus
    /// one; 0 until then.
    first_sound: AtomicU64,
    paused: AtomicBool,
    /// How long a sample handed to the device takes to be heard, in ns.
    latency: AtomicU64,
    epoch: Instant,
}

impl Shared {
    fn new() -> Self {
        Shared {
            taken: AtomicU64::new(0),
            played: AtomicU64::new(0),
            drop_until: AtomicU64::new(0),
            first_sound: AtomicU64::new(0),
            paused: AtomicBool::new(false),
            latency: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }
}

/// The device's buffer: 20 ms.
const BUFFERS_PER_SECOND: u32 = 50;
/// The ring holds this many seconds; the rest of a long sentence waits on
/// the speaking loop's side and is moved in as the device plays.
const RING_SECONDS: u32 = 4;

pub struct Device {
    stream: cpal::Stream,
    shared: Arc<Shared>,
    ring: RefCell<rtrb::Producer<f32>>,
    /// Samples queued that the ring had no room for yet.
    waiting: RefCell<VecDeque<f32>>,
    /// Samples put in the ring so far.
    pushed: Cell<u64>,
    rate: u32,
    started: bool,
}

/// A problem of ours with the sound card.
fn problem(problem: impl std::fmt::Display) -> Error {
    Error::output("the sound card", problem)
}

/// cpal's error, kept as the cause.
fn failed(e: impl Into<crate::error::Cause>) -> Error {
    Error::failed("the sound card", "cannot play", e)
}

impl Device {
    /// The default output device, playing.
    pub fn open() -> Result<Self> {
        let host = cpal::default_host();
        let device = host.default_output_device().ok_or_else(|| problem("no output device"))?;
        let config = device.default_output_config().map_err(failed)?;
        let mut stream_config: cpal::StreamConfig = config.config();
        // A short buffer: the device's default can hold seconds of the
        // silence played before the first sentence is ready.
        if let cpal::SupportedBufferSize::Range { min, max } = *config.buffer_size() {
            let frames = (stream_config.sample_rate / BUFFERS_PER_SECOND).clamp(min, max);
            stream_config.buffer_size = cpal::BufferSize::Fixed(frames);
        }
        let (rate, channels) = (stream_config.sample_rate, usize::from(stream_config.channels));
        let shared = Arc::new(Shared::new());
        let (producer, mut ring) = rtrb::RingBuffer::new((rate * RING_SECONDS) as usize);
        let feed = Arc::clone(&shared);
        let report = |e: cpal::Error| eprintln!("briefing: the sound card: {e}");
        let latency = |info: &cpal::OutputCallbackInfo| {
            let stamp = info.timestamp();
            stamp.playback.duration_since(stamp.callback)
        };
        let stream = match config.sample_format() {
            cpal::SampleFormat::F32 => device.build_output_stream(
                stream_config,
                move |out: &mut [f32], info: &cpal::OutputCallbackInfo| {
                    fill(&feed, &mut ring, out, latency(info), channels, |s| s)
                },
                report,
                None,
            ),
            cpal::SampleFormat::I16 => device.build_output_stream(
                stream_config,
                move |out: &mut [i16], info: &cpal::OutputCallbackInfo| {
                    fill(&feed, &mut ring, out, latency(info), channels, crate::audio::to_pcm16)
                },
                report,
                None,
            ),
            other => return Err(problem(format!("plays {other} samples; briefing plays f32 or i16"))),
        }
        .map_err(failed)?;
        // Started with the first sentence: the device's first buffer then
        // holds speech, not the silence of the wait for it.
        Ok(Device {
            stream,
            shared,
            ring: RefCell::new(producer),
            waiting: RefCell::new(VecDeque::new()),
            pushed: Cell::new(0),
            rate,
            started: false,
        })
    }

    /// Moves what waits into the ring, as far as it has room.
    fn top_up(&self) {
        let (mut ring, mut waiting) = (self.ring.borrow_mut(), self.waiting.borrow_mut());
        let room = ring.slots().min(waiting.len());
        if room == 0 {
            return;
        }
        let chunk = ring.write_chunk_uninit(room).expect("room was counted");
        let moved = chunk.fill_from_iter(waiting.drain(..room));
        self.pushed.set(self.pushed.get() + moved as u64);
    }
}

/// The callback: the next samples from the ring on every channel, silence
/// when there are none or while paused. No lock, no allocation.
fn fill<T: Copy>(
    shared: &Shared,
    ring: &mut rtrb::Consumer<f32>,
    out: &mut [T],
    latency: Duration,
    channels: usize,
    convert: impl Fn(f32) -> T,
) {
    shared.latency.store(latency.as_nanos() as u64, Ordering::Relaxed);
    let mut taken = shared.taken.load(Ordering::Relaxed);
    let drop_until = shared.drop_until.load(Ordering::Acquire);
    while taken < drop_until && ring.pop().is_ok() {
        taken += 1;
    }
    let paused = shared.paused.load(Ordering::Relaxed);
    let mut played = 0;
    let silence = convert(0.0);
    for frame in out.chunks_mut(channels) {
        let sample = if paused { None } else { ring.pop().ok() };
        if let Some(sample) = sample {
            played += 1;
            if sample != 0.0 && shared.first_sound.load(Ordering::Relaxed) == 0 {
                // Heard once the device's buffer ahead of it has played.
                let heard = shared.epoch.elapsed() + latency;
                shared.first_sound.store(heard.as_nanos() as u64 + 1, Ordering::Relaxed);
            }
        }
        frame.fill(sample.map_or(silence, &convert));
    }
    shared.played.fetch_add(played, Ordering::Relaxed);
    shared.taken.store(taken + played, Ordering::Release);
}

impl Player for Device {
    fn sample_rate(&self) -> u32 {
        self.rate
    }

    fn queue(&mut self, samples: &[f32]) -> Result<()> {
        self.waiting.borrow_mut().extend(samples);
        self.top_up();
        if !std::mem::replace(&mut self.started, true) {
            self.stream.play().map_err(failed)?;
        }
        Ok(())
    }

    fn queued(&self) -> f64 {
        self.top_up();
        let taken = self.shared.taken.load(Ordering::Acquire).max(self.shared.drop_until.load(Ordering::Relaxed));
        let in_ring = self.pushed.get().saturating_sub(taken);
        (in_ring + self.waiting.borrow().len() as u64) as f64 / f64::from(self.rate)
    }

    fn played(&self) -> f64 {
        self.shared.played.load(Ordering::Relaxed) as f64 / f64::from(self.rate)
    }

    fn first_sound(&self) -> Option<Instant> {
        let nanos = self.shared.first_sound.load(Ordering::Relaxed).checked_sub(1)?;
        Some(self.shared.epoch + Duration::from_nanos(nanos))
    }

    fn finish(&mut self) {
        while self.queued() > 0.0 {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_nanos(self.shared.latency.load(Ordering::Relaxed)));
    }

    fn clear(&mut self) {
        self.waiting.borrow_mut().clear();
        self.shared.drop_until.store(self.pushed.get(), Ordering::Release);
    }

    fn set_paused(&mut self, paused: bool) -> Result<()> {
        self.shared.paused.store(paused, Ordering::Relaxed);
        if paused {
            self.stream.pause().map_err(failed)
        } else {
            self.stream.play().map_err(failed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(samples: &[f32]) -> (rtrb::Producer<f32>, rtrb::Consumer<f32>) {
        let (mut producer, consumer) = rtrb::RingBuffer::new(16);
        samples.iter().for_each(|&s| producer.push(s).unwrap());
        (producer, consumer)
    }

    #[test]
    fn the_callback_plays_the_ring_on_every_channel_then_silence() {
        let shared = Shared::new();
        let (_producer, mut consumer) = ring(&[0.0, 0.5, -0.5]);
        let mut out = [9.0f32; 8];
        fill(&shared, &mut consumer, &mut out, Duration::from_millis(5), 2, |s| s);
        assert_eq!(out, [0.0, 0.0, 0.5, 0.5, -0.5, -0.5, 0.0, 0.0]);
        assert_eq!(shared.played.load(Ordering::Relaxed), 3);
        assert_eq!(shared.taken.load(Ordering::Relaxed), 3);
        // The first sound is the first sample that is not silence.
        assert!(shared.first_sound.load(Ordering::Relaxed) > Duration::from_millis(5).as_nanos() as u64);
    }

    #[test]
    fn paused_it_plays_silence_and_keeps_the_ring() {
        let shared = Shared::new();
        shared.paused.store(true, Ordering::Relaxed);
        let (_producer, mut consumer) = ring(&[0.5, 0.5]);
        let mut out = [9i16; 2];
        fill(&shared, &mut consumer, &mut out, Duration::ZERO, 1, crate::audio::to_pcm16);
        assert_eq!(out, [0, 0]);
        assert_eq!((shared.played.load(Ordering::Relaxed), consumer.slots()), (0, 2));
        assert_eq!(shared.first_sound.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn cleared_samples_are_dropped_unplayed() {
        let shared = Shared::new();
        let (mut producer, mut consumer) = ring(&[0.1, 0.2, 0.3]);
        shared.drop_until.store(3, Ordering::Relaxed);
        producer.push(0.4).unwrap();
        let mut out = [9.0f32; 2];
        fill(&shared, &mut consumer, &mut out, Duration::ZERO, 1, |s| s);
        assert_eq!(out, [0.4, 0.0]);
        assert_eq!((shared.played.load(Ordering::Relaxed), shared.taken.load(Ordering::Relaxed)), (1, 4));
    }
}
