//! The folders briefing reads and keeps things in, by the XDG base
//! directory rules: one place, so that every stage and every test agrees.

use std::path::PathBuf;

/// An absolute path from an environment variable; relative ones are
/// ignored, as the XDG rules say.
fn absolute_var(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).map(PathBuf::from).filter(|p| p.is_absolute())
}

/// `$VAR`, else `~/fallback`.
fn base(var: &str, fallback: &str) -> Option<PathBuf> {
    absolute_var(var).or_else(|| absolute_var("HOME").map(|home| home.join(fallback)))
}

/// `$XDG_CONFIG_HOME/briefing` (or `~/.config/briefing`): the config file
/// and the lexicon. `None` without a home.
pub fn config_dir() -> Option<PathBuf> {
    base("XDG_CONFIG_HOME", ".config").map(|dir| dir.join("briefing"))
}

/// `$XDG_CACHE_HOME/briefing` (or `~/.cache/briefing`, or a folder in the
/// temporary directory without a home): voice data, sentences, ONNX Runtime.
pub fn cache_dir() -> PathBuf {
    base("XDG_CACHE_HOME", ".cache").unwrap_or_else(|| std::env::temp_dir().join("briefing-cache")).join("briefing")
}

/// `$XDG_DATA_HOME/briefing` (or `~/.local/share/briefing`, or a folder in
/// the temporary directory without a home): downloaded voices. Data, not
/// cache: clearing a cache must not delete what took minutes to download.
pub fn data_dir() -> PathBuf {
    base("XDG_DATA_HOME", ".local/share").unwrap_or_else(|| std::env::temp_dir().join("briefing-data")).join("briefing")
}

/// Where `briefing voices download` installs ONNX Runtime, beside the
/// voices: `$XDG_DATA_HOME/briefing/onnxruntime/libonnxruntime.so` (the
/// platform's library name).
pub fn onnxruntime_library() -> PathBuf {
    let name = format!("{}onnxruntime{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    data_dir().join("onnxruntime").join(name)
}

/// How old a staging file must be to be taken for one a killed run left.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Removes from `folder` the staging files (names starting with one of
/// `prefixes`) older than a day: what a killed run left behind. A run in
/// progress never has one that old. Best effort: what cannot be removed
/// stays.
pub fn remove_stale_staging(folder: &std::path::Path, prefixes: &[&str]) {
    remove_staging_older_than(folder, prefixes, STALE_AFTER);
}

/// Removes from `folder` the staging files and folders (names starting
/// with one of `prefixes`) older than `age`: with no age, every one, for a
/// caller that holds the folder's lock and so knows no run is under way.
pub fn remove_staging_older_than(folder: &std::path::Path, prefixes: &[&str], age: std::time::Duration) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !prefixes.iter().any(|p| name.to_string_lossy().starts_with(p)) {
            continue;
        }
        let elapsed = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
        if age.is_zero() || elapsed.is_some_and(|elapsed| elapsed > age) {
            let path = entry.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
        }
    }
}

/// Staging files being written now, removed if the run is interrupted.
static STAGING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn staging_list() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    STAGING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A staging file known to the interruption handler for as long as this
/// lives: once the file is published or dropped, it is forgotten.
pub struct Staging(PathBuf);

impl Staging {
    /// Makes a staging file or folder with `make` and registers the path
    /// `path_of` gives, both under the registry's lock: the interruption
    /// handler, which takes the same lock, never misses one made before it
    /// runs, and none is made after (see [`remove_staging`]).
    pub fn create<T>(
        make: impl FnOnce() -> std::io::Result<T>,
        path_of: impl FnOnce(&T) -> &std::path::Path,
    ) -> std::io::Result<(T, Self)> {
        let mut staging = staging_list();
        let made = make()?;
        let path = path_of(&made).to_path_buf();
        staging.push(path.clone());
        Ok((made, Staging(path)))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let mut staging = staging_list();
        if let Some(i) = staging.iter().position(|p| *p == self.0) {
            staging.swap_remove(i);
        }
    }
}

/// Removes every staging file or folder being written: what an
/// interrupted run (Ctrl-C, a termination signal) must not leave behind.
/// The registry stays locked for good, so that no thread still running
/// makes another before the process ends: only for a caller about to exit.
pub fn remove_staging() {
    let staging = staging_list();
    for path in staging.iter() {
        let _ = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
    }
    std::mem::forget(staging);
}
