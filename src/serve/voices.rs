//! The voices the service keeps open between requests: a Piper voice
//! takes seconds to load (ONNX Runtime reads and optimizes its model),
//! which every request would otherwise wait for. Engines are shared across
//! threads by design (the [`Engine`] trait is `Send + Sync`; a Piper voice
//! keeps a pool of sessions behind a lock, one per sentence made at once).

use crate::error::Result;
use crate::synth::{self, Engine, VoiceOptions};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Engines kept open, by voice and options, the least recently used
/// closed first past `limit`.
pub(crate) struct Voices {
    /// Most recently used last. Each key's engine is opened once, under its
    /// own lock, so that a load holds up only the requests for that voice.
    open: Mutex<Vec<(String, Arc<Slot>)>>,
    limit: usize,
    /// Every engine is opened for this many sentences at once (the
    /// service's threads per synthesis), whatever a request's length.
    concurrency: usize,
    pub loads: AtomicU64,
    pub hits: AtomicU64,
}

type Slot = Mutex<Option<Arc<dyn Engine>>>;

impl Voices {
    pub fn new(limit: usize, concurrency: usize) -> Self {
        Voices {
            open: Mutex::new(Vec::new()),
            limit: limit.max(1),
            concurrency,
            loads: AtomicU64::new(0),
            hits: AtomicU64::new(0),
        }
    }

    /// The engine of `name` with `options`: the one kept, or opened now.
    pub fn get(&self, name: &str, options: &VoiceOptions) -> Result<Arc<dyn Engine>> {
        let options = self.normal(options);
        let key = key(name, &options);
        let slot = self.slot(key.clone());
        let mut engine = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(engine) = engine.as_ref() {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(Arc::clone(engine));
        }
        match synth::opened(name, &options) {
            Ok(opened) => {
                self.loads.fetch_add(1, Ordering::Relaxed);
                let mut open = self.lock();
                let past = open.len().saturating_sub(self.limit);
                open.drain(..past);
                Ok(Arc::clone(engine.insert(opened)))
            }
            Err(error) => {
                // A voice that cannot be opened takes no place from one that can.
                self.lock().retain(|(k, s)| *k != key || !Arc::ptr_eq(s, &slot));
                Err(error)
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, Arc<Slot>)>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The options an engine is opened with: for this many sentences at
    /// once, and offline (the service downloads nothing).
    fn normal(&self, options: &VoiceOptions) -> VoiceOptions {
        VoiceOptions { concurrency: self.concurrency, offline: true, ..options.clone() }
    }

    /// The slot of `key`, made the most recently used. Once a new engine is
    /// open in it, the least recently used are dropped past the limit
    /// (requests using one keep it until they end).
    fn slot(&self, key: String) -> Arc<Slot> {
        let mut open = self.lock();
        let slot = match open.iter().position(|(k, _)| *k == key) {
            Some(at) => open.remove(at).1,
            None => Arc::default(),
        };
        open.push((key, Arc::clone(&slot)));
        slot
    }

    /// Puts `engine` in the place of `name` with `options` (a test's fake voice).
    #[cfg(test)]
    pub fn keep(&self, name: &str, options: &VoiceOptions, engine: Arc<dyn Engine>) {
        let options = self.normal(options);
        *self.slot(key(name, &options)).lock().unwrap() = Some(engine);
    }
}

/// Everything that makes an engine differ: the voice, and its options.
fn key(name: &str, options: &VoiceOptions) -> String {
    format!("{name}\n{options:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_voice_is_opened_once_and_the_least_recently_used_closed() {
        let voices = Voices::new(2, 1);
        let options = VoiceOptions::default();
        let first = voices.get("fr-FR", &options).unwrap();
        let again = voices.get("fr-FR", &VoiceOptions { concurrency: 7, ..options.clone() }).unwrap();
        assert!(Arc::ptr_eq(&first, &again), "the same engine, whatever a request's length");
        voices.get("fr-BE", &options).unwrap();
        voices.get("fr-FR", &VoiceOptions { rate: 1.5, ..options.clone() }).unwrap();
        assert_eq!((voices.loads.load(Ordering::Relaxed), voices.hits.load(Ordering::Relaxed)), (3, 1));
        // Three kept past a limit of two: fr-FR at its normal rate went.
        let reopened = voices.get("fr-FR", &options).unwrap();
        assert!(!Arc::ptr_eq(&first, &reopened));
        assert_eq!(voices.loads.load(Ordering::Relaxed), 4);
        assert!(voices.get("nobody", &options).is_err());
        assert_eq!(voices.lock().len(), 2, "no place kept for a voice that cannot be opened");
    }
}
