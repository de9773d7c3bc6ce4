//! A user's pronunciation lexicon: whole-word replacements applied before
//! every rule, for names the voice gets wrong ("Mujao" -> "Moujao").
//!
//! A TOML or JSON table of `word = "replacement"`. A word written in lower
//! case matches it in any case ("gao" matches "Gao" and "GAO"; the
//! replacement then takes the capital of the original); a word with
//! capitals matches only as written.

use super::{Cursor, Reading};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    exact: HashMap<String, String>,
    any_case: HashMap<String, String>,
}

impl Lexicon {
    /// Reads a lexicon file, TOML unless its name ends in `.json`.
    pub fn load(path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::reading(&name, e))?;
        let entries: HashMap<String, String> = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            serde_json::from_str(&text).map_err(|e| Error::input(&name, format!("invalid lexicon: {e}")))?
        } else {
            toml::from_str(&text).map_err(|e| Error::input(&name, format!("invalid lexicon: {}", e.message())))?
        };
        Self::from_entries(entries).map_err(|problem| Error::input(name, problem))
    }

    /// The lexicon at `$XDG_CONFIG_HOME/briefing/lexicon.toml` (or
    /// `~/.config/...`, or `lexicon.json`), if there is one.
    pub fn default_path() -> Option<PathBuf> {
        let config = crate::paths::config_dir()?;
        ["lexicon.toml", "lexicon.json"].iter().map(|f| config.join(f)).find(|p| p.is_file())
    }

    pub fn from_entries(entries: HashMap<String, String>) -> std::result::Result<Self, String> {
        let mut lexicon = Lexicon::default();
        for (word, replacement) in entries {
            if word.is_empty() || !word.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '\'') {
                return Err(format!("{word:?} is not a single word"));
            }
            if word.chars().any(char::is_uppercase) {
                lexicon.exact.insert(word, replacement);
            } else {
                lexicon.any_case.insert(word, replacement);
            }
        }
        Ok(lexicon)
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.any_case.is_empty()
    }

    /// The replacement for the word starting at the cursor, trying the
    /// whole hyphenated word before its first part.
    pub(super) fn replace(&self, cursor: &Cursor) -> Option<Reading> {
        if self.is_empty() || cursor.continues(|_| false) {
            return None;
        }
        let rest = cursor.rest();
        let whole = rest.find(|c: char| !(c.is_alphanumeric() || c == '-')).unwrap_or(rest.len());
        let first = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
        [whole, first].into_iter().filter(|&len| len > 0).find_map(|len| {
            let word = rest[..len].trim_end_matches('-');
            self.lookup(word).map(|spoken| Reading { len: word.len(), spoken })
        })
    }

    fn lookup(&self, word: &str) -> Option<String> {
        if let Some(replacement) = self.exact.get(word) {
            return Some(replacement.clone());
        }
        let replacement = self.any_case.get(&word.to_lowercase())?;
        let capitalized = word.chars().next().is_some_and(char::is_uppercase);
        Some(if capitalized { super::abbreviation::capitalize(replacement) } else { replacement.clone() })
    }
}
