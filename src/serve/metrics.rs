//! What `/metrics` tells, in Prometheus' text format: requests by route
//! and status, their latency, the audio made, the sentence cache's hits,
//! the queue, and syntheses stopped because their client went away or
//! their time was up.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds, in seconds, of the latency histograms' buckets.
const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    /// Until the response's head leaves (for speech: its first audio).
    latency: Histogram,
    /// Until the first audio bytes of a response (a bulletin's once made).
    first_byte: Histogram,
    /// Audio made, in milliseconds.
    audio_ms: AtomicU64,
    cache_hits: AtomicU64,
    synthesized: AtomicU64,
    /// Requests waiting for a synthesis slot.
    pub waiting: AtomicUsize,
    /// Syntheses under way.
    pub running: AtomicUsize,
    /// Syntheses stopped because their client went away or stopped reading,
    /// or their time was up.
    cancelled: AtomicU64,
}

#[derive(Default)]
struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    total: AtomicU64,
    /// Sum of the observations, in microseconds.
    sum_us: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|&b| seconds <= b) {
            self.counts[bucket].fetch_add(1, Ordering::Relaxed);
        }
        self.total.fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(&self.counts) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let total = self.total.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {total}");
        let _ = writeln!(out, "{name}_sum {}", self.sum_us.load(Ordering::Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {total}");
    }
}

impl Metrics {
    pub fn request(&self, route: &'static str, status: u16, elapsed: Duration) {
        *self.requests.lock().unwrap_or_else(|e| e.into_inner()).entry((route, status)).or_default() += 1;
        self.latency.observe(elapsed);
    }

    pub fn first_byte(&self, elapsed: Duration) {
        self.first_byte.observe(elapsed);
    }

    /// A synthesis that ended: the audio it made and where its sentences
    /// came from; `cancelled` if its client left before the end.
    pub fn synthesis(&self, seconds: f64, cache_hits: usize, synthesized: usize, cancelled: bool) {
        self.audio_ms.fetch_add((seconds * 1000.0) as u64, Ordering::Relaxed);
        self.cache_hits.fetch_add(cache_hits as u64, Ordering::Relaxed);
        self.synthesized.fetch_add(synthesized as u64, Ordering::Relaxed);
        if cancelled {
            self.cancelled.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Everything, in the text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP briefing_requests_total Requests answered, by route and status.\n# TYPE briefing_requests_total counter"
        );
        for ((route, status), count) in self.requests.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(out, "briefing_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}");
        }
        self.latency.write(&mut out, "briefing_request_seconds", "Time until a response's head left.");
        self.first_byte.write(&mut out, "briefing_first_byte_seconds", "Time until a response's first audio.");
        let audio = self.audio_ms.load(Ordering::Relaxed) as f64 / 1000.0;
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let rows: [(&str, &str, &str, String); 6] = [
            ("briefing_audio_seconds_total", "counter", "Seconds of audio made.", audio.to_string()),
            (
                "briefing_cache_hits_total",
                "counter",
                "Sentences read from the sentence cache.",
                load(&self.cache_hits).to_string(),
            ),
            (
                "briefing_sentences_synthesized_total",
                "counter",
                "Sentences the voice spoke.",
                load(&self.synthesized).to_string(),
            ),
            (
                "briefing_queue_length",
                "gauge",
                "Requests waiting for a synthesis slot.",
                self.waiting.load(Ordering::Relaxed).to_string(),
            ),
            (
                "briefing_syntheses_running",
                "gauge",
                "Syntheses under way.",
                self.running.load(Ordering::Relaxed).to_string(),
            ),
            (
                "briefing_syntheses_cancelled_total",
                "counter",
                "Syntheses stopped because the client went away or the time was up.",
                load(&self.cancelled).to_string(),
            ),
        ];
        for (name, kind, help, value) in rows {
            row(&mut out, name, kind, help, value);
        }
        out
    }
}

/// One metric of one value, with its help and type.
pub fn row(out: &mut String, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
}
