//! A cache of synthesized sentences, in front of any engine: an hourly
//! bulletin where one article of ten changed re-synthesizes only the changed
//! sentences. An entry is named by a hash of everything that shapes the
//! samples (engine, voice, options, the exact text sent) and holds the
//! engine's own float samples, so a bulletin built from the cache is
//! byte-identical to one built without it. Entries are written atomically
//! and carry a checksum: a corrupt one is detected and made again.

use super::Engine;
use crate::error::{io_problem, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Bumped whenever the entry layout or what engines return changes.
const FORMAT: &[u8; 8] = b"BRFC0001";

pub struct Cached {
    inner: Box<dyn Engine>,
    /// `None`: nothing is read or kept, sentences are only counted.
    dir: Option<PathBuf>,
    key: String,
    counts: Arc<CacheCounts>,
    /// Why the cache could not be written, the first time it could not.
    write_failure: Mutex<Option<String>>,
}

/// Sentences a cache answered, and those made anew.
#[derive(Debug, Default)]
pub struct CacheCounts {
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl CacheCounts {
    /// (read from the cache, synthesized) so far.
    pub fn get(&self) -> (usize, usize) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}

/// The default cache folder: `$XDG_CACHE_HOME/briefing/sentences`.
pub fn default_dir() -> PathBuf {
    crate::paths::cache_dir().join("sentences")
}

impl Cached {
    pub fn new(inner: Box<dyn Engine>, dir: Option<&Path>) -> Self {
        let key = format!("briefing {} | {}", env!("CARGO_PKG_VERSION"), inner.cache_key());
        let dir = dir.map(Path::to_path_buf);
        if let Some(dir) = &dir {
            remove_stale(dir);
        }
        Cached { inner, dir, key, counts: Arc::default(), write_failure: Mutex::new(None) }
    }

    /// Sentences read from the cache, and made anew, so far.
    pub fn counts(&self) -> (usize, usize) {
        self.counts.get()
    }

    /// The counts, readable after the cache is wrapped in other engines.
    pub fn counts_handle(&self) -> Arc<CacheCounts> {
        Arc::clone(&self.counts)
    }

    fn entry(&self, prepared: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let digest =
            Sha256::new().chain_update(self.key.as_bytes()).chain_update([0]).chain_update(prepared).finalize();
        let name = hex(&digest);
        Some(dir.join(&name[..2]).join(name))
    }

    fn read(path: &Path) -> Option<Vec<f32>> {
        let bytes = std::fs::read(path).ok()?;
        let (body, checksum) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
        let samples = body.strip_prefix(FORMAT.as_slice())?;
        if Sha256::digest(body).as_slice() != checksum || samples.len() % 4 != 0 {
            return None;
        }
        Some(samples.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
    }

    /// Best effort: a cache that cannot be written only costs time, and
    /// the first failure is kept to be told once.
    fn write(&self, path: &Path, samples: &[f32]) {
        let mut body = FORMAT.to_vec();
        body.extend(samples.iter().flat_map(|s| s.to_le_bytes()));
        let checksum = Sha256::digest(&body);
        body.extend_from_slice(&checksum);
        let Some(folder) = path.parent() else { return };
        let written = std::fs::create_dir_all(folder).and_then(|()| {
            let mut file = tempfile::Builder::new().prefix(STAGING_PREFIX).tempfile_in(folder)?;
            let _registered = crate::paths::Staging::register(file.path());
            std::io::Write::write_all(&mut file, &body)?;
            file.persist(path).map(drop).map_err(|e| e.error)
        });
        if let Err(e) = written {
            let mut failure = self.write_failure.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            failure.get_or_insert_with(|| {
                let dir = self.dir.as_deref().unwrap_or(folder).display();
                format!("the sentence cache {dir} cannot be written ({}): sentences are not kept", io_problem(&e))
            });
        }
    }
}

/// Names of entries being written.
const STAGING_PREFIX: &str = ".briefing-";

/// Entries a killed run left half-written, in any of the cache's folders.
fn remove_stale(dir: &Path) {
    let Ok(folders) = std::fs::read_dir(dir) else { return };
    for folder in folders.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())) {
        crate::paths::remove_stale_staging(&folder.path(), &[STAGING_PREFIX, ".tmp"]);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Engine for Cached {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate()
    }

    fn cache_key(&self) -> String {
        self.inner.cache_key()
    }

    fn prepare(&self, text: &str) -> String {
        self.inner.prepare(text)
    }

    fn synthesize(&self, prepared: &str) -> Result<Vec<f32>> {
        let path = self.entry(prepared);
        if let Some(samples) = path.as_deref().and_then(Self::read) {
            self.counts.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(samples);
        }
        let samples = self.inner.synthesize(prepared)?;
        self.counts.misses.fetch_add(1, Ordering::Relaxed);
        if let Some(path) = path {
            self.write(&path, &samples);
        }
        Ok(samples)
    }

    fn warnings(&self) -> Vec<String> {
        let failure = self.write_failure.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.inner.warnings().into_iter().chain(failure.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::fake::Fake;

    #[test]
    fn second_time_comes_from_the_cache_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let cached = Cached::new(Box::new(Fake::at("echo", 8000)), Some(dir.path()));
        let first = cached.synthesize("bonjour").unwrap();
        let again = cached.synthesize("bonjour").unwrap();
        assert_eq!(first, again);
        assert_eq!(cached.counts(), (1, 1));
        cached.synthesize("autre").unwrap();
        assert_eq!(cached.counts(), (1, 2));
    }

    #[test]
    fn corrupt_entries_are_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let cached = Cached::new(Box::new(Fake::at("echo", 8000)), Some(dir.path()));
        let fresh = cached.synthesize("bonjour").unwrap();
        let entry = cached.entry("bonjour").unwrap();
        let mut bytes = std::fs::read(&entry).unwrap();
        bytes[10] ^= 0xff;
        std::fs::write(&entry, &bytes).unwrap();
        assert_eq!(cached.synthesize("bonjour").unwrap(), fresh);
        assert_eq!(cached.counts(), (0, 2));
        std::fs::write(&entry, b"short").unwrap();
        assert_eq!(cached.synthesize("bonjour").unwrap(), fresh);
        assert_eq!(cached.synthesize("bonjour").unwrap(), fresh);
        assert_eq!(cached.counts(), (1, 3));
    }

    #[test]
    fn the_engine_identity_is_part_of_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let first = Cached::new(Box::new(Fake::at("echo", 8000)), Some(dir.path())).synthesize("x").unwrap();
        let other = Fake::at("another echo", 8000);
        let expected = other.synthesize("X").unwrap();
        assert_ne!(first, expected);
        assert_eq!(Cached::new(Box::new(other), Some(dir.path())).synthesize("x").unwrap(), expected);
        let off = Cached::new(Box::new(Fake::at("echo", 8000)), None);
        off.synthesize("x").unwrap();
        off.synthesize("x").unwrap();
        assert_eq!(off.counts(), (0, 2));
    }

    #[test]
    fn an_unwritable_cache_is_told_once() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, b"not a folder").unwrap();
        let cached = Cached::new(Box::new(Fake::at("echo", 8000)), Some(&blocked));
        assert_eq!(cached.synthesize("un").unwrap(), cached.synthesize("un").unwrap());
        cached.synthesize("deux").unwrap();
        let warnings = cached.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with(&format!("the sentence cache {} cannot be written", blocked.display())));
    }

    #[test]
    fn entries_a_killed_run_left_are_removed_after_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("ab");
        std::fs::create_dir(&folder).unwrap();
        let (old, fresh) = (folder.join(".briefing-old"), folder.join(".tmpfresh"));
        std::fs::write(&old, b"half").unwrap();
        std::fs::write(&fresh, b"half").unwrap();
        let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(48 * 3600);
        std::fs::File::options().write(true).open(&old).unwrap().set_modified(two_days_ago).unwrap();
        Cached::new(Box::new(Fake::at("echo", 8000)), Some(dir.path()));
        assert!(!old.exists() && fresh.exists());
    }
}
