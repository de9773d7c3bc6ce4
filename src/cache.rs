//! The sentence cache: finished sentences kept between runs, so an hourly
//! bulletin where one article of ten changed makes only the changed
//! sentences again. An entry is named by a hash of everything that shapes
//! it (the engine, voice and options, the exact text sent, how the sentence
//! was finished) and holds a small description (read first, on its own)
//! and the samples (read only when the bulletin is written). Entries are
//! written atomically and carry checksums: a damaged one is made again.

use crate::error::{io_problem, Error, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Bumped whenever the entry layout or what is kept in it changes.
const FORMAT: &[u8; 8] = b"BRFC0003";
/// Format, description length, samples length, samples checksum,
/// description checksum.
const HEADER: usize = 8 + 4 + 8 + 8 + 8;

/// The default cache folder: `$XDG_CACHE_HOME/briefing/sentences`.
pub fn default_dir() -> PathBuf {
    crate::paths::cache_dir().join("sentences")
}

pub struct Cache {
    /// `None`: nothing is read or kept, sentences are only counted.
    dir: Option<PathBuf>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    /// Why the cache could not be written, the first time it could not.
    write_failure: Mutex<Option<String>>,
}

/// An entry as found: its description, and where its samples are.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub description: Vec<u8>,
    pub body: Body,
}

/// The samples part of an entry, read when needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub path: PathBuf,
    pub offset: u64,
    pub len: u64,
    pub checksum: u64,
}

impl Body {
    /// The bytes, checked against the checksum taken when the entry was
    /// made.
    pub fn read(&self) -> Result<Vec<u8>> {
        let name = self.path.display().to_string();
        let mut file = File::open(&self.path).map_err(|e| Error::reading(&name, e))?;
        file.seek(SeekFrom::Start(self.offset)).map_err(|e| Error::reading(&name, e))?;
        let mut bytes = Vec::with_capacity(usize::try_from(self.len).map_err(|e| Error::input(&name, e))?);
        file.take(self.len).read_to_end(&mut bytes).map_err(|e| Error::reading(&name, e))?;
        if checksum(&bytes) != self.checksum {
            return Err(Error::input(name, "a sentence cache entry changed while the bulletin was made: run again"));
        }
        Ok(bytes)
    }
}

impl Cache {
    /// A cache in `dir`; none without one. Staging files a killed run left
    /// there are removed.
    pub fn new(dir: Option<&Path>) -> Self {
        if let Some(dir) = dir {
            remove_stale(dir);
        }
        Cache {
            dir: dir.map(Path::to_path_buf),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            write_failure: Mutex::new(None),
        }
    }

    /// Whether sentences are kept at all.
    pub fn keeps(&self) -> bool {
        self.dir.is_some()
    }

    /// (sentences found, sentences made anew) so far: every [`Cache::get`]
    /// counts one or the other.
    pub fn counts(&self) -> (usize, usize) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// The entry for `key`, if there is a sound one: the header and the
    /// description are read and checked, the samples left on disk.
    pub fn get(&self, key: &str) -> Option<Entry> {
        let found = self.path(key).and_then(|path| read_entry(&path));
        let count = if found.is_some() { &self.hits } else { &self.misses };
        count.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Keeps `description` and `body` under `key`; where the body now is,
    /// or `None` if it could not be kept. Best effort: a cache that cannot
    /// be written only costs time, and the first failure is told once.
    pub fn put(&self, key: &str, description: &[u8], body: &[u8]) -> Option<Body> {
        let path = self.path(key)?;
        let folder = path.parent()?;
        let body_checksum = checksum(body);
        let mut header = Vec::with_capacity(HEADER + description.len());
        header.extend_from_slice(FORMAT);
        header.extend_from_slice(&u32::try_from(description.len()).ok()?.to_le_bytes());
        header.extend_from_slice(&(body.len() as u64).to_le_bytes());
        header.extend_from_slice(&body_checksum.to_le_bytes());
        header.extend_from_slice(&checksum_of(&[&header[..], description]).to_le_bytes());
        header.extend_from_slice(description);
        let written = std::fs::create_dir_all(folder).and_then(|()| {
            let mut file = tempfile::Builder::new().prefix(STAGING_PREFIX).tempfile_in(folder)?;
            let _registered = crate::paths::Staging::register(file.path());
            file.write_all(&header)?;
            file.write_all(body)?;
            file.persist(&path).map(drop).map_err(|e| e.error)
        });
        match written {
            Ok(()) => Some(Body { path, offset: header.len() as u64, len: body.len() as u64, checksum: body_checksum }),
            Err(e) => {
                let mut failure = self.write_failure.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                failure.get_or_insert_with(|| {
                    let dir = self.dir.as_deref().unwrap_or(folder).display();
                    format!("the sentence cache {dir} cannot be written ({}): sentences are not kept", io_problem(&e))
                });
                None
            }
        }
    }

    /// What the user should know once the run is over.
    pub fn warnings(&self) -> Vec<String> {
        let failure = self.write_failure.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        failure.iter().cloned().collect()
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let digest = Sha256::new().chain_update(env!("CARGO_PKG_VERSION")).chain_update([0]).chain_update(key);
        let name: String = digest.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Some(dir.join(&name[..2]).join(name))
    }
}

/// The header and description of the entry at `path`, if sound.
fn read_entry(path: &Path) -> Option<Entry> {
    let mut file = File::open(path).ok()?;
    let mut header = [0u8; HEADER];
    file.read_exact(&mut header).ok()?;
    if &header[..8] != FORMAT {
        return None;
    }
    let word = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().expect("8 bytes"));
    let description_len = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes")) as usize;
    let (len, body_checksum, description_checksum) = (word(12), word(20), word(28));
    let mut description = vec![0; description_len];
    file.read_exact(&mut description).ok()?;
    if checksum_of(&[&header[..28], &description]) != description_checksum {
        return None;
    }
    let offset = (HEADER + description_len) as u64;
    if file.metadata().ok()?.len() != offset + len {
        return None;
    }
    Some(Entry { description, body: Body { path: path.to_path_buf(), offset, len, checksum: body_checksum } })
}

/// A 64-bit checksum of `bytes`: a multiply-rotate mix over 8-byte words,
/// in four independent lanes so the processor overlaps them; fast enough to
/// check every sample read back (a damaged entry must not be played), not
/// meant to resist an adversary.
fn checksum(bytes: &[u8]) -> u64 {
    checksum_of(&[bytes])
}

fn checksum_of(parts: &[&[u8]]) -> u64 {
    const MIX: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |hash: u64, word: u64| (hash.rotate_left(23) ^ word).wrapping_mul(MIX);
    let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
    let mut lanes = [0x2545_f491_4f6c_dd1d_u64, 1, 2, 3];
    for part in parts {
        let blocks = part.chunks_exact(32);
        let rest = blocks.remainder();
        for block in blocks {
            for (lane, bytes) in lanes.iter_mut().zip(block.chunks_exact(8)) {
                *lane = mix(*lane, word(bytes));
            }
        }
        let words = rest.chunks_exact(8);
        let tail = words.remainder();
        for bytes in words {
            lanes[0] = mix(lanes[0], word(bytes));
        }
        let mut last = [0u8; 8];
        last[..tail.len()].copy_from_slice(tail);
        lanes[0] = mix(lanes[0], u64::from_le_bytes(last) ^ (part.len() as u64) << 56);
    }
    let hash = lanes.iter().fold(0, |hash, &lane| mix(hash, lane));
    hash ^ (hash >> 29)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_files(dir: &Path) -> Vec<PathBuf> {
        let folders = std::fs::read_dir(dir).unwrap().map(|d| d.unwrap().path());
        folders.flat_map(|f| std::fs::read_dir(f).unwrap().map(|e| e.unwrap().path())).collect()
    }

    #[test]
    fn an_entry_comes_back_as_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path()));
        assert_eq!(cache.get("un"), None);
        let body = cache.put("un", b"units", b"samples of the sentence").unwrap();
        let entry = cache.get("un").unwrap();
        assert_eq!((entry.description.as_slice(), &entry.body), (b"units".as_slice(), &body));
        assert_eq!(entry.body.read().unwrap(), b"samples of the sentence");
        assert_eq!(cache.get("deux"), None, "another key, another entry");
        assert_eq!(cache.counts(), (1, 2));
    }

    #[test]
    fn damaged_entries_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path()));
        cache.put("un", b"units", b"samples of the sentence").unwrap();
        let path = entry_files(dir.path()).pop().unwrap();
        let good = std::fs::read(&path).unwrap();
        // Anywhere in the header or the description: the entry is not found.
        for at in [3, 10, 15, 25, 30, HEADER + 2] {
            let mut bytes = good.clone();
            bytes[at] ^= 0x40;
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(cache.get("un"), None, "byte {at}");
        }
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert_eq!(cache.get("un"), None, "cut short");
        // In the samples: found, but refused when read.
        let mut bytes = good.clone();
        *bytes.last_mut().unwrap() ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let error = cache.get("un").unwrap().body.read().unwrap_err().to_string();
        assert!(error.ends_with("changed while the bulletin was made: run again"), "{error}");
    }

    #[test]
    fn without_a_folder_nothing_is_kept() {
        let cache = Cache::new(None);
        assert_eq!(cache.put("un", b"", b"x"), None);
        assert_eq!(cache.get("un"), None);
        assert_eq!(cache.counts(), (0, 1));
        assert!(cache.warnings().is_empty());
    }

    #[test]
    fn an_unwritable_cache_is_told_once() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, b"not a folder").unwrap();
        let cache = Cache::new(Some(&blocked));
        assert_eq!(cache.put("un", b"", b"x"), None);
        assert_eq!(cache.put("deux", b"", b"y"), None);
        let warnings = cache.warnings();
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
        Cache::new(Some(dir.path()));
        assert!(!old.exists() && fresh.exists());
    }

    #[test]
    fn the_checksum_sees_every_byte_and_the_length() {
        let bytes: Vec<u8> = (0..=255).collect();
        let base = checksum(&bytes);
        for at in [0, 7, 8, 100, 255] {
            let mut changed = bytes.clone();
            changed[at] ^= 1;
            assert_ne!(checksum(&changed), base, "byte {at}");
        }
        assert_ne!(checksum(&bytes[..255]), base);
        assert_ne!(checksum(&[0]), checksum(&[0, 0]));
    }

    proptest::proptest! {
        /// An entry damaged anywhere is either not found, or refused when
        /// its samples are read, or (damage past its end) read as kept.
        #[test]
        fn a_damaged_entry_never_gives_other_samples(at in 0usize..120, flip in 1u8..=255) {
            let dir = tempfile::tempdir().unwrap();
            let cache = Cache::new(Some(dir.path()));
            let body: Vec<u8> = (0..64).collect();
            cache.put("k", b"description", &body).unwrap();
            let path = entry_files(dir.path()).pop().unwrap();
            let mut bytes = std::fs::read(&path).unwrap();
            let at = at % bytes.len();
            bytes[at] ^= flip;
            std::fs::write(&path, &bytes).unwrap();
            if let Some(entry) = cache.get("k") {
                proptest::prop_assert_eq!(entry.description.as_slice(), b"description".as_slice());
                if let Ok(read) = entry.body.read() {
                    proptest::prop_assert_eq!(read, body);
                }
            }
        }
    }
}
