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
