//! The sentence cache: finished sentences kept between runs, so an hourly
//! bulletin where one article of ten changed makes only the changed
//! sentences again. An entry is named by a hash of everything that shapes
//! it (the engine, voice and options, the exact text sent, how the sentence
//! was finished) and holds a small description (read first, on its own)
//! and the samples (read only when the bulletin is written). Entries are
//! written atomically and carry checksums: a damaged one is made again.
//! Many runs on many machines may share one folder (NFS, Lustre, a mounted
//! bucket): an entry is published whole in one atomic step, never replaced
//! once sound, so concurrent writers of one entry are harmless and no lock
//! (`flock` is unreliable there) is needed.

use crate::error::{io_problem, Error, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// Bumped whenever the entry layout or what is kept in it changes.
const FORMAT: &[u8; 8] = b"BRFC0003";
/// What every entry starts with, whatever its layout: how an entry of ours
/// is told from a file we did not make.
const OURS: &[u8; 4] = b"BRFC";
/// Part of every key: bump it whenever the samples made for the same key
/// change for a reason the key does not show (an engine's code, the
/// resampler, the fades), so that no entry of the old sound is played.
/// A release that leaves the sound alone keeps it, and so every entry.
const AUDIO: &str = "audio 1";
/// Format, description length, samples length, samples checksum,
/// description checksum.
const HEADER: usize = 8 + 4 + 8 + 8 + 8;
/// The standard marker of a cache folder (backup tools skip the folder),
/// written in a folder the cache made.
const TAG: &str = "CACHEDIR.TAG";
const TAG_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
    # This file marks briefing's sentence cache: made again when needed.\n";

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
    /// Entries found damaged, and made again.
    damaged: Mutex<Vec<PathBuf>>,
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
    /// made. [`Cache::get`] checked them already: a difference now means
    /// the entry changed since.
    pub fn read(&self) -> Result<Vec<u8>> {
        let name = self.path.display().to_string();
        let mut file = File::open(&self.path).map_err(|e| Error::reading(&name, e))?;
        file.seek(SeekFrom::Start(self.offset)).map_err(|e| Error::reading(&name, e))?;
        let mut bytes = Vec::with_capacity(usize::try_from(self.len).map_err(|e| Error::input(&name, e))?);
        file.take(self.len).read_to_end(&mut bytes).map_err(|e| Error::reading(&name, e))?;
        if checksum(&bytes) != self.checksum {
            return Err(Error::Cache { name, problem: "changed while the bulletin was made: run again" });
        }
        Ok(bytes)
    }
}

impl Cache {
    /// A cache in `dir`; none without one. The folder is made (marked as a
    /// cache) if missing; staging files a killed run left there are removed.
    pub fn new(dir: Option<&Path>) -> Self {
        if let Some(dir) = dir {
            make_folder(dir);
            remove_stale(dir);
        }
        Cache {
            dir: dir.map(Path::to_path_buf),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            write_failure: Mutex::new(None),
            damaged: Mutex::new(Vec::new()),
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

    /// The entry for `key`, if there is a sound one: the whole entry is
    /// read and checked here, where a damaged one can still be made again
    /// (it counts as missing, and [`Cache::put`] replaces it), and only the
    /// description kept. A hit marks the entry as just used, for
    /// [`prune`].
    pub fn get(&self, key: &str) -> Option<Entry> {
        let found = match self.path(key).map(|path| (read_entry(&path), path)) {
            Some((Lookup::Sound(entry), _)) => Some(entry),
            Some((Lookup::Damaged, path)) => {
                lock(&self.damaged).push(path);
                None
            }
            Some((Lookup::Absent, _)) | None => None,
        };
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
            let make = || tempfile::Builder::new().prefix(STAGING_PREFIX).tempfile_in(folder);
            let (mut file, _registered) = crate::paths::Staging::create(make, tempfile::NamedTempFile::path)?;
            file.write_all(&header)?;
            file.write_all(body)?;
            publish(file, &path)
        });
        match written {
            Ok(true) => {
                Some(Body { path, offset: header.len() as u64, len: body.len() as u64, checksum: body_checksum })
            }
            // Another run's: the sentence keeps its own samples.
            Ok(false) => None,
            Err(e) => {
                lock(&self.write_failure).get_or_insert_with(|| {
                    let dir = self.dir.as_deref().unwrap_or(folder).display();
                    format!("the sentence cache {dir} cannot be written ({}): sentences are not kept", io_problem(&e))
                });
                None
            }
        }
    }

    /// What the user should know once the run is over.
    pub fn warnings(&self) -> Vec<String> {
        let mut damaged = lock(&self.damaged).clone();
        damaged.sort();
        damaged.dedup();
        let repaired = match damaged.as_slice() {
            [] => None,
            [one] => Some(format!("the sentence cache entry {} was damaged: made again", one.display())),
            [first, ..] => Some(format!(
                "{} sentence cache entries were damaged ({} the first): made again",
                damaged.len(),
                first.display()
            )),
        };
        lock(&self.write_failure).iter().cloned().chain(repaired).collect()
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let digest = Sha256::new().chain_update(AUDIO).chain_update([0]).chain_update(key);
        let name: String = crate::hex(&digest.finalize());
        Some(dir.join(&name[..2]).join(name))
    }
}

/// Publishes a staged entry at `path`, unless a sound entry is there
/// already (another run's, perhaps on another machine sharing the folder):
/// a sound entry never changes under a run that found it and reads its
/// samples later, even from an engine whose samples vary from run to run.
/// Whether ours was published. A damaged entry, or one of another layout,
/// is replaced. Both ways are one atomic step (a rename, a link): no lock
/// is needed, and a reader sees a whole entry or none. Where the file
/// system cannot refuse to replace (no hard links: some mounted buckets),
/// the rename replaces.
fn publish(file: tempfile::NamedTempFile, path: &Path) -> std::io::Result<bool> {
    let refused = match file.persist_noclobber(path) {
        Ok(_) => return Ok(true),
        Err(refused) => refused,
    };
    if refused.error.kind() == std::io::ErrorKind::AlreadyExists && matches!(read_entry(path), Lookup::Sound(_)) {
        return Ok(false);
    }
    refused.file.persist(path).map(|_| true).map_err(|e| e.error)
}

/// The lock, even if a thread panicked holding it: what it guards is only
/// ever pushed to or set once.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a lookup found.
enum Lookup {
    Sound(Entry),
    /// No entry, or one of another layout (replaced when made again).
    Absent,
    Damaged,
}

/// The entry at `path`, checked whole: header, description and samples.
fn read_entry(path: &Path) -> Lookup {
    let Ok(mut file) = File::open(path) else { return Lookup::Absent };
    let mut start = [0u8; 8];
    if file.read_exact(&mut start).is_ok() && &start != FORMAT && start.starts_with(OURS) {
        return Lookup::Absent;
    }
    match file.rewind().ok().and_then(|()| sound_entry(path, &mut file)) {
        Some(entry) => {
            // Best effort: without it, prune takes the entry for older.
            let _ = file.set_modified(SystemTime::now());
            Lookup::Sound(entry)
        }
        None => Lookup::Damaged,
    }
}

/// The entry in `file`, if every part matches its checksum.
fn sound_entry(path: &Path, file: &mut File) -> Option<Entry> {
    let mut header = [0u8; HEADER];
    file.read_exact(&mut header).ok()?;
    if &header[..8] != FORMAT {
        return None;
    }
    let word = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().expect("8 bytes"));
    let description_len = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes")) as usize;
    let (len, body_checksum, description_checksum) = (word(12), word(20), word(28));
    let offset = (HEADER + description_len) as u64;
    if Some(file.metadata().ok()?.len()) != offset.checked_add(len) {
        return None;
    }
    let mut description = vec![0; description_len];
    file.read_exact(&mut description).ok()?;
    if checksum_of(&[&header[..28], &description]) != description_checksum {
        return None;
    }
    let mut samples = vec![0; usize::try_from(len).ok()?];
    file.read_exact(&mut samples).ok()?;
    if checksum(&samples) != body_checksum {
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

/// Makes the cache folder if it is missing, with the standard cache
/// marker in it. Best effort: [`Cache::put`] tells a folder it cannot make.
fn make_folder(dir: &Path) {
    if dir.exists() {
        return;
    }
    if let Some(parent) = dir.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    // Only the run that made the folder marks it: never a user's folder.
    if std::fs::create_dir(dir).is_ok() {
        let _ = std::fs::write(dir.join(TAG), TAG_TEXT);
    }
}

/// Whether `name` is `len` lowercase hexadecimal digits, as the cache names
/// its folders and entries.
fn is_hex(name: &str, len: usize) -> bool {
    name.len() == len && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The cache's own subfolders of `dir` (two hexadecimal digits): the only
/// places where anything is ever removed, so that a general folder given
/// as the cache loses nothing of its own. One that vanishes as it is
/// listed is not one.
fn own_folders(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let Some(entry) = vanished_is_none(entry)? else { continue };
        let name = entry.file_name();
        let folder = vanished_is_none(entry.file_type())?.is_some_and(|t| t.is_dir());
        if folder && name.to_str().is_some_and(|n| is_hex(n, 2)) {
            folders.push(entry.path());
        }
    }
    Ok(folders)
}

/// `None` for a file that is not there (any more): on a cache other
/// processes and machines write and prune, an entry listed a moment ago
/// may be gone, which is no error. Other errors stay errors.
fn vanished_is_none<T>(found: std::io::Result<T>) -> std::io::Result<Option<T>> {
    match found {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        found => found.map(Some),
    }
}

/// Entries a killed run left half-written, in the cache's own subfolders.
fn remove_stale(dir: &Path) {
    for folder in own_folders(dir).unwrap_or_default() {
        crate::paths::remove_stale_staging(&folder, &[STAGING_PREFIX]);
    }
}

/// An entry of ours, as prune and stats see it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Kept {
    path: PathBuf,
    bytes: u64,
    /// When it was last made or used.
    used: SystemTime,
}

/// Every entry of ours in `dir`, least recently used first: files named as
/// the cache names them, in its own subfolders, that start as its entries
/// do (of any layout). Nothing else is counted or removed. Entries that
/// other runs publish or prune meanwhile are counted as the listing finds
/// them: one gone by the time it is looked at is not counted. Staging
/// files (hidden names) are never entries.
fn own_entries(dir: &Path) -> Result<Vec<Kept>> {
    let failed = |path: &Path, e| Error::reading(path.display().to_string(), e);
    let Some(folders) = vanished_is_none(own_folders(dir)).map_err(|e| failed(dir, e))? else {
        return Ok(Vec::new());
    };
    let mut kept = Vec::new();
    for folder in folders {
        let prefix = folder.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let Some(entries) = vanished_is_none(std::fs::read_dir(&folder)).map_err(|e| failed(&folder, e))? else {
            continue;
        };
        for entry in entries {
            let Some(entry) = vanished_is_none(entry).map_err(|e| failed(&folder, e))? else { continue };
            let name = entry.file_name();
            let named = name.to_str().is_some_and(|n| is_hex(n, 64) && n.starts_with(&prefix));
            if named && entry.file_type().is_ok_and(|t| t.is_file()) && starts_as_ours(&entry.path()) {
                let path = entry.path();
                let Some(meta) = vanished_is_none(entry.metadata()).map_err(|e| failed(&path, e))? else { continue };
                let used = meta.modified().map_err(|e| failed(&path, e))?;
                kept.push(Kept { path, bytes: meta.len(), used });
            }
        }
    }
    kept.sort_by(|a, b| a.used.cmp(&b.used).then_with(|| a.path.cmp(&b.path)));
    Ok(kept)
}

fn starts_as_ours(path: &Path) -> bool {
    let mut start = [0u8; 4];
    File::open(path).and_then(|mut f| f.read_exact(&mut start)).is_ok() && &start == OURS
}

/// What the cache in a folder holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub entries: usize,
    pub bytes: u64,
    /// When the least and the most recently used entries were last used.
    pub oldest: Option<SystemTime>,
    pub newest: Option<SystemTime>,
}

/// What the cache in `dir` holds (nothing if the folder does not exist).
pub fn stats(dir: &Path) -> Result<Stats> {
    own_entries(dir).map(|kept| summed(&kept))
}

/// Which entries [`prune`] removes: those unused for longer than
/// `older_than`, then the least recently used until at most `max_bytes`
/// are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    pub max_bytes: Option<u64>,
    pub older_than: Option<Duration>,
}

/// What [`prune`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub removed: Stats,
    pub left: Stats,
}

/// Removes entries of the cache in `dir` beyond `limits`, least recently
/// used first, and staging files a killed run left (older than a day: a
/// writer's own is never that old); never a file the cache did not make.
/// An entry another process removed first is not counted as removed; runs
/// reading an entry removed under them make its sentence again.
pub fn prune(dir: &Path, limits: Limits) -> Result<Pruned> {
    remove_stale(dir);
    let mut kept = own_entries(dir)?;
    let now = SystemTime::now();
    let stale = |k: &Kept| limits.older_than.is_some_and(|age| now.duration_since(k.used).is_ok_and(|d| d > age));
    let mut left: u64 = kept.iter().map(|k| k.bytes).sum();
    let over = kept.iter().take_while(|k| {
        let remove = stale(k) || limits.max_bytes.is_some_and(|max| left > max);
        left -= if remove { k.bytes } else { 0 };
        remove
    });
    let removing = over.count();
    let mut removed: Vec<Kept> = Vec::with_capacity(removing);
    for entry in kept.drain(..removing) {
        let gone = vanished_is_none(std::fs::remove_file(&entry.path));
        if gone.map_err(|e| Error::writing(entry.path.display().to_string(), e))?.is_some() {
            removed.push(entry);
        }
    }
    Ok(Pruned { removed: summed(&removed), left: summed(&kept) })
}

/// The count, size and use times of `kept`, least recently used first.
fn summed(kept: &[Kept]) -> Stats {
    Stats {
        entries: kept.len(),
        bytes: kept.iter().map(|k| k.bytes).sum(),
        oldest: kept.first().map(|k| k.used),
        newest: kept.last().map(|k| k.used),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_files(dir: &Path) -> Vec<PathBuf> {
        let folders = own_folders(dir).unwrap();
        folders.iter().flat_map(|f| std::fs::read_dir(f).unwrap().map(|e| e.unwrap().path())).collect()
    }

    fn set_used(path: &Path, ago: Duration) {
        File::options().write(true).open(path).unwrap().set_modified(SystemTime::now() - ago).unwrap();
    }

    const DAY: Duration = Duration::from_secs(24 * 3600);

    /// A cache holding one entry, "un"; the entry's file.
    fn one_entry() -> (tempfile::TempDir, Cache, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path()));
        cache.put("un", b"units", b"samples of the sentence").unwrap();
        let path = entry_files(dir.path()).pop().unwrap();
        (dir, cache, path)
    }

    /// Changes the file at `path` with `change`.
    fn rewrite(path: &Path, change: impl FnOnce(&mut [u8])) {
        let mut bytes = std::fs::read(path).unwrap();
        change(&mut bytes[..]);
        std::fs::write(path, &bytes).unwrap();
    }

    fn flip_last(bytes: &mut [u8]) {
        *bytes.last_mut().unwrap() ^= 1;
    }

    fn repaired(path: &Path) -> String {
        format!("the sentence cache entry {} was damaged: made again", path.display())
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
        let (_dir, cache, path) = one_entry();
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
        assert_eq!(cache.warnings(), [repaired(&path)], "one entry, told once");
    }

    #[test]
    fn damaged_samples_are_a_miss_told_once_and_replaced() {
        let (_dir, cache, path) = one_entry();
        rewrite(&path, flip_last);
        assert_eq!(cache.get("un"), None, "a miss, when it can still be made again");
        assert_eq!(cache.warnings(), [repaired(&path)]);
        cache.put("un", b"units", b"samples of the sentence").unwrap();
        assert_eq!(cache.get("un").unwrap().body.read().unwrap(), b"samples of the sentence");
        assert_eq!(cache.counts(), (1, 1));
    }

    #[test]
    fn the_first_sound_entry_stays_for_the_runs_reading_it() {
        let (_dir, cache, _path) = one_entry();
        let found = cache.get("un").unwrap();
        assert_eq!(cache.put("un", b"units", b"other samples, same key"), None, "not kept: another run's is there");
        assert_eq!(found.body.read().unwrap(), b"samples of the sentence", "what the first run found, unchanged");
    }

    #[test]
    fn samples_changed_after_the_lookup_are_refused() {
        let (_dir, cache, path) = one_entry();
        let entry = cache.get("un").unwrap();
        rewrite(&path, flip_last);
        let error = entry.body.read().unwrap_err();
        assert!(matches!(error, Error::Cache { .. }), "a cache fault, not an input's: {error:?}");
        let error = error.to_string();
        assert!(error.ends_with("changed while the bulletin was made: run again"), "{error}");
    }

    #[test]
    fn an_entry_of_an_older_layout_is_a_quiet_miss() {
        let (_dir, cache, path) = one_entry();
        rewrite(&path, |bytes| bytes[..8].copy_from_slice(b"BRFC0002"));
        assert_eq!(cache.get("un"), None);
        assert!(cache.warnings().is_empty(), "{:?}", cache.warnings());
    }

    #[test]
    fn the_key_names_the_audio_not_the_release() {
        let cache = Cache::new(Some(Path::new("/c")));
        let name = "bb72402f6e03f095449c2e4a3bae27e872678188cc5584da004ba610350a3979";
        assert_eq!(cache.path("un").unwrap(), Path::new("/c").join(&name[..2]).join(name));
    }

    #[test]
    fn a_hit_marks_the_entry_as_just_used() {
        let (_dir, cache, path) = one_entry();
        set_used(&path, 10 * DAY);
        cache.get("un").unwrap();
        let used = std::fs::metadata(&path).unwrap().modified().unwrap();
        assert!(used.elapsed().unwrap() < Duration::from_secs(60));
    }

    #[test]
    fn a_folder_the_cache_makes_is_marked_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let made = dir.path().join("new/sentences");
        Cache::new(Some(&made));
        let tag = std::fs::read_to_string(made.join(TAG)).unwrap();
        assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
        Cache::new(Some(dir.path()));
        assert!(!dir.path().join(TAG).exists(), "a folder that was there is left as it is");
    }

    /// A general folder given as the cache: a user's files, old, some of
    /// them named as staging files, or as entries, beside the entries.
    fn general_folder() -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        let hex = "ab".to_owned() + &"0".repeat(62);
        let theirs =
            [".tmp1234", "notes.txt", "ab/.tmpfile", "ab/notes.txt", &format!("ab/{hex}"), "photos/.briefing-x"];
        let mut paths = Vec::new();
        for name in theirs {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, b"theirs").unwrap();
            set_used(&path, 40 * DAY);
            paths.push(path);
        }
        let folder = dir.path().join(".tmpfolder");
        std::fs::create_dir(&folder).unwrap();
        File::options().read(true).open(&folder).unwrap().set_modified(SystemTime::now() - 40 * DAY).unwrap();
        paths.push(folder);
        (dir, paths)
    }

    #[test]
    fn entries_a_killed_run_left_are_removed_after_a_day_and_nothing_else() {
        let (dir, theirs) = general_folder();
        let folder = dir.path().join("ab");
        let (old, fresh) = (folder.join(".briefing-old"), folder.join(".briefing-fresh"));
        std::fs::write(&old, b"half").unwrap();
        std::fs::write(&fresh, b"half").unwrap();
        set_used(&old, 2 * DAY);
        Cache::new(Some(dir.path()));
        assert!(!old.exists() && fresh.exists());
        assert!(theirs.iter().all(|p| p.exists()), "{theirs:?}");
    }

    #[test]
    fn prune_removes_the_least_recently_used_of_our_entries_only() {
        let (dir, theirs) = general_folder();
        let cache = Cache::new(Some(dir.path()));
        for (key, days) in [("a", 50), ("b", 40), ("c", 20), ("d", 10), ("e", 1)] {
            let body = cache.put(key, b"", &[0; 100]).unwrap();
            set_used(&body.path, u32::try_from(days).unwrap() * DAY);
        }
        let before = stats(dir.path()).unwrap();
        assert_eq!((before.entries, before.bytes), (5, 5 * 136));
        let limits = Limits { older_than: Some(30 * DAY), max_bytes: None };
        let pruned = prune(dir.path(), limits).unwrap();
        assert_eq!((pruned.removed.entries, pruned.left.entries), (2, 3));
        assert_eq!(pruned.left.bytes, 3 * 136);
        let pruned = prune(dir.path(), Limits { older_than: None, max_bytes: Some(300) }).unwrap();
        assert_eq!((pruned.removed.entries, pruned.left.entries), (1, 2), "the least recently used goes first");
        assert!(cache.get("d").is_some() && cache.get("e").is_some() && cache.get("c").is_none());
        assert!(theirs.iter().all(|p| p.exists()), "{theirs:?}");
        assert_eq!(stats(dir.path()).unwrap().entries, 2);
    }

    #[test]
    fn a_missing_folder_holds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let none = stats(&dir.path().join("none")).unwrap();
        assert_eq!((none.entries, none.bytes, none.oldest), (0, 0, None));
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
