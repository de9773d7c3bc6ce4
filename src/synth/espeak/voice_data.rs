//! The espeak-ng crate reads its data from a directory, not from memory. The
//! data bundled in the binary is extracted once into a cache directory,
//! keeping only the French files (and English, which phonemizes the English
//! test voice): with every language present the engine scans them all on
//! each call (~15 ms instead of ~1 ms).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Named after the crate version so an upgrade never reads stale data.
const DATA_DIR_NAME: &str = "espeak-ng-0.2.0-fr-en";
/// Written last: a directory without it is incomplete.
const COMPLETE_MARK: &str = ".complete";
/// What synthesis and phonemizing read, relative to the data directory.
const KEPT: [&str; 11] = [
    "phontab",
    "phonindex",
    "phondata",
    "intonations",
    "fr_dict",
    "lang/roa/fr",
    "lang/roa/fr-BE",
    "lang/roa/fr-CH",
    "en_dict",
    "lang/gmw/en",
    "lang/gmw/en-US",
];

/// espeak voices the kept files can speak or phonemize.
pub const LANGUAGES: [&str; 5] = ["fr", "fr-be", "fr-ch", "en", "en-us"];

/// The extracted data directory, extracting it on first use. Safe
/// when several processes start at once: each extracts into its own
/// temporary directory and the first rename wins.
pub fn data_dir() -> io::Result<PathBuf> {
    match ensure_in(&crate::paths::cache_dir()) {
        Ok(dir) => Ok(dir),
        // An unwritable cache (read-only home, say) must not stop the program.
        Err(_) => ensure_in(&std::env::temp_dir().join("briefing-cache")),
    }
}

fn ensure_in(root: &Path) -> io::Result<PathBuf> {
    let dir = root.join(DATA_DIR_NAME);
    if dir.join(COMPLETE_MARK).exists() {
        return Ok(dir);
    }
    fs::create_dir_all(root)?;
    let make = || tempfile::Builder::new().prefix(".extract-").tempdir_in(root);
    // One value: the folder is dropped (removed) before its registration.
    let staged = crate::paths::Staging::create(make, tempfile::TempDir::path)?;
    extract_french(staged.0.path())?;
    match fs::rename(staged.0.path(), &dir) {
        Ok(()) => {
            // Renamed away: nothing left for the guard to delete.
            let _ = staged.0.keep();
            Ok(dir)
        }
        // Another process finished first; ours is dropped with `staged`.
        Err(_) if dir.join(COMPLETE_MARK).exists() => Ok(dir),
        Err(e) => Err(e),
    }
}

/// Writes the kept files straight from the data embedded in the binary: the
/// crate's own installer writes some 400 files, which costs a quarter of a
/// second on a fresh ext4 directory.
fn extract_french(target: &Path) -> io::Result<()> {
    let bundled = || {
        espeak_ng_data_phonemes::ALL_FILES
            .iter()
            .chain(espeak_ng_data_dict_fr::ALL_FILES)
            .chain(espeak_ng_data_dict_en::ALL_FILES)
    };
    for file in KEPT {
        let (_, bytes) = bundled()
            .find(|(path, _)| *path == file)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{file} is not in the bundled data")))?;
        let to = target.join(file);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(to, bytes)?;
    }
    fs::write(target.join(COMPLETE_MARK), b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extraction_keeps_only_french_files() {
        let root = tempfile::tempdir().unwrap();
        let dir = ensure_in(root.path()).unwrap();
        let mut files: Vec<String> = walk(&dir).into_iter().collect();
        files.sort();
        let mut expected: Vec<String> = KEPT.iter().map(|f| f.to_string()).chain([COMPLETE_MARK.to_owned()]).collect();
        expected.sort();
        assert_eq!(files, expected);
        // Second call reuses it.
        assert_eq!(ensure_in(root.path()).unwrap(), dir);
    }

    #[test]
    fn concurrent_extractions_agree() {
        let root = tempfile::tempdir().unwrap();
        let dirs: Vec<PathBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| ensure_in(root.path()).unwrap())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(dirs.windows(2).all(|w| w[0] == w[1]));
        let leftovers = fs::read_dir(root.path()).unwrap().count();
        assert_eq!(leftovers, 1, "staging directories are cleaned up");
    }

    fn walk(dir: &Path) -> Vec<String> {
        let mut found = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(
                    walk(&path).into_iter().map(|f| format!("{}/{f}", path.file_name().unwrap().to_string_lossy())),
                );
            } else {
                found.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
        found
    }
}
