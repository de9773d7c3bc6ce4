//! The sound card, through cpal: the default output device at its own rate
//! and channel count (the bulletin is mono, so every channel plays it).
//! The device's callback takes samples from a queue the speaking loop fills.

use super::Player;
use crate::error::{Error, Result};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What the callback and the speaking loop share.
#[derive(Default)]
struct Shared {
    queue: VecDeque<f32>,
    /// Samples (per channel) played so far, silence while paused not counted.
    played: u64,
    first_sound: Option<Instant>,
    paused: bool,
    /// How long a sample handed to the device takes to be heard.
    latency: std::time::Duration,
}

/// The device's buffer: 20 ms.
const BUFFERS_PER_SECOND: u32 = 50;

pub struct Device {
    stream: cpal::Stream,
    shared: Arc<Mutex<Shared>>,
    rate: u32,
    started: bool,
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::output("the sound card", e.to_string())
}

impl Device {
    /// The default output device, playing.
    pub fn open() -> Result<Self> {
        let host = cpal::default_host();
        let device = host.default_output_device().ok_or_else(|| failed("no output device"))?;
        let config = device.default_output_config().map_err(failed)?;
        let mut stream_config: cpal::StreamConfig = config.config();
        // A short buffer: the device's default can hold seconds of the
        // silence played before the first sentence is ready.
        if let cpal::SupportedBufferSize::Range { min, max } = *config.buffer_size() {
            let frames = (stream_config.sample_rate / BUFFERS_PER_SECOND).clamp(min, max);
            stream_config.buffer_size = cpal::BufferSize::Fixed(frames);
        }
        let (rate, channels) = (stream_config.sample_rate, usize::from(stream_config.channels));
        let shared = Arc::new(Mutex::new(Shared::default()));
        let feed = Arc::clone(&shared);
        let report = |e: cpal::Error| eprintln!("briefing: the sound card: {e}");
        let stream = match config.sample_format() {
            cpal::SampleFormat::F32 => device.build_output_stream(
                stream_config,
                move |out: &mut [f32], info: &cpal::OutputCallbackInfo| fill(&feed, out, info, channels, |s| s),
                report,
                None,
            ),
            cpal::SampleFormat::I16 => device.build_output_stream(
                stream_config,
                move |out: &mut [i16], info: &cpal::OutputCallbackInfo| {
                    fill(&feed, out, info, channels, crate::audio::to_pcm16)
                },
                report,
                None,
            ),
            other => return Err(failed(format!("plays {other} samples; briefing plays f32 or i16"))),
        }
        .map_err(failed)?;
        // Started with the first sentence: the device's first buffer then
        // holds speech, not the silence of the wait for it.
        Ok(Device { stream, shared, rate, started: false })
    }

    fn shared(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The callback: the next samples from the queue on every channel, silence
/// when there are none or while paused.
fn fill<T: Copy>(
    shared: &Mutex<Shared>,
    out: &mut [T],
    info: &cpal::OutputCallbackInfo,
    channels: usize,
    convert: impl Fn(f32) -> T,
) {
    let mut shared = shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let stamp = info.timestamp();
    shared.latency = stamp.playback.duration_since(stamp.callback);
    let silence = convert(0.0);
    for frame in out.chunks_mut(channels) {
        let sample = if shared.paused { None } else { shared.queue.pop_front() };
        if let Some(sample) = sample {
            shared.played += 1;
            if sample != 0.0 && shared.first_sound.is_none() {
                // Heard once the device's buffer ahead of it has played.
                shared.first_sound = Some(Instant::now() + shared.latency);
            }
        }
        frame.fill(sample.map_or(silence, &convert));
    }
}

impl Player for Device {
    fn sample_rate(&self) -> u32 {
        self.rate
    }

    fn queue(&mut self, samples: &[f32]) -> Result<()> {
        self.shared().queue.extend(samples);
        if !std::mem::replace(&mut self.started, true) {
            self.stream.play().map_err(failed)?;
        }
        Ok(())
    }

    fn queued(&self) -> f64 {
        self.shared().queue.len() as f64 / f64::from(self.rate)
    }

    fn played(&self) -> f64 {
        self.shared().played as f64 / f64::from(self.rate)
    }

    fn first_sound(&self) -> Option<Instant> {
        self.shared().first_sound
    }

    fn finish(&mut self) {
        while self.queued() > 0.0 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let latency = self.shared().latency;
        std::thread::sleep(latency);
    }

    fn clear(&mut self) {
        self.shared().queue.clear();
    }

    fn set_paused(&mut self, paused: bool) -> Result<()> {
        self.shared().paused = paused;
        if paused {
            self.stream.pause().map_err(failed)
        } else {
            self.stream.play().map_err(failed)
        }
    }
}
