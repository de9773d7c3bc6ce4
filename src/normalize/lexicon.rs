//! A user's pronunciation lexicon: whole-word replacements applied before
//! every rule, for names the voice gets wrong ("Mujao" -> "Moujao").
//!
//! A TOML or JSON table of `word = "replacement"`, or a text file (`.tsv`,
//! `.txt`) of `written<TAB>spoken` lines, which takes accented words as
//! they are written (TOML wants those quoted). A word written in lower
//! case matches it in any case ("gao" matches "Gao" and "GAO"; the
//! replacement then takes the capital of the original); a word with
//! capitals matches only as written.

use super::{Cursor, Reading};
use crate::error::{line_of, Error, Result};
use crate::language_data::Map;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    exact: Map<String, String>,
    any_case: Map<String, String>,
}

/// One entry as the file gives it, with its line for messages.
struct Entry {
    line: usize,
    written: String,
    spoken: String,
}

/// What a file holds, or the line (from 1) where it goes wrong and why.
type Located<T> = std::result::Result<T, (usize, String)>;

impl Lexicon {
    /// Reads a lexicon file: JSON if its name ends in `.json`, lines of
    /// `written<TAB>spoken` in `.tsv` or `.txt`, TOML otherwise. Any
    /// problem is one line naming the file and the line.
    pub fn load(path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::reading(&name, e))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        let entries = match extension.as_deref() {
            Some("json") => json_entries(text),
            Some("tsv" | "txt") => tsv_entries(text),
            _ => toml_entries(text),
        };
        let at = |line: usize, problem: String| {
            Error::input(format!("{name}:{line}"), format!("invalid lexicon: {problem}"))
        };
        let mut lexicon = Lexicon::default();
        for entry in entries.map_err(|(line, problem)| at(line, problem))? {
            lexicon.insert(entry.written, entry.spoken).map_err(|problem| at(entry.line, problem))?;
        }
        Ok(lexicon)
    }

    /// The lexicon at `$XDG_CONFIG_HOME/briefing/lexicon.toml` (or
    /// `~/.config/...`, or `lexicon.tsv`, or `lexicon.json`), if there is one.
    pub fn default_path() -> Option<PathBuf> {
        let config = crate::paths::config_dir()?;
        ["lexicon.toml", "lexicon.tsv", "lexicon.json"].iter().map(|f| config.join(f)).find(|p| p.is_file())
    }

    pub fn from_entries(entries: HashMap<String, String>) -> std::result::Result<Self, String> {
        let mut lexicon = Lexicon::default();
        for (word, replacement) in entries {
            lexicon.insert(word, replacement)?;
        }
        Ok(lexicon)
    }

    fn insert(&mut self, word: String, replacement: String) -> std::result::Result<(), String> {
        if word.is_empty() || !word.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '\'') {
            return Err(format!("{word:?} is not a single word"));
        }
        if word.chars().any(char::is_uppercase) {
            self.exact.insert(word, replacement);
        } else {
            self.any_case.insert(word, replacement);
        }
        Ok(())
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
            self.lookup(word).and_then(|spoken| Reading::new(word.len(), spoken))
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

/// `word = "replacement"` pairs, in the order of the file.
fn toml_entries(text: &str) -> Located<Vec<Entry>> {
    let table: HashMap<toml::Spanned<String>, String> = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_of(text, span.start));
        (line, format!("{}{}", e.message().trim(), accent_hint(text, line)))
    })?;
    let mut entries: Vec<Entry> = table
        .into_iter()
        .map(|(word, spoken)| Entry { line: line_of(text, word.span().start), written: word.into_inner(), spoken })
        .collect();
    entries.sort_by_key(|e| e.line);
    Ok(entries)
}

/// TOML takes a bare key in ASCII only: a line whose word has accents is
/// told how to write it.
fn accent_hint(text: &str, line: usize) -> &'static str {
    let written = text.lines().nth(line - 1).unwrap_or_default();
    let word = written.split('=').next().unwrap_or_default().trim();
    if word.is_ascii() || word.starts_with(['"', '\'']) {
        ""
    } else {
        " (write a word with accents in quotes, \"été\" = \"...\", or use a .tsv lexicon)"
    }
}

/// A JSON object of `"word": "replacement"`, each at the line of its key.
fn json_entries(text: &str) -> Located<Vec<Entry>> {
    let table: HashMap<String, String> = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message.find(" at line ").map_or(message.as_str(), |cut| &message[..cut]).to_owned();
        (e.line().max(1), message)
    })?;
    let line = |word: &str| {
        let quoted = serde_json::to_string(word).unwrap_or_default();
        text.find(&quoted).map_or(1, |at| line_of(text, at))
    };
    let mut entries: Vec<Entry> =
        table.into_iter().map(|(written, spoken)| Entry { line: line(&written), written, spoken }).collect();
    entries.sort_by_key(|e| e.line);
    Ok(entries)
}

/// Lines of `written<TAB>spoken`; blank lines and `#` comments skipped.
fn tsv_entries(text: &str) -> Located<Vec<Entry>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut entries = Vec::new();
    for (at, raw) in text.lines().enumerate() {
        let line = at + 1;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let (written, spoken) = raw
            .split_once('\t')
            .map(|(w, s)| (w.trim(), s.trim()))
            .ok_or((line, "no tab between the written word and how it is said".to_owned()))?;
        if spoken.is_empty() {
            return Err((line, format!("nothing to say for {written:?} after the tab")));
        }
        if let Some(first) = seen.insert(written.to_owned(), line) {
            return Err((line, format!("{written:?} is already on line {first}")));
        }
        entries.push(Entry { line, written: written.to_owned(), spoken: spoken.to_owned() });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads `text` as the lexicon file `name`; the error with the
    /// folder's path left out.
    fn load(name: &str, text: &str) -> std::result::Result<Lexicon, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        Lexicon::load(&path).map_err(|e| e.to_string().replace(&format!("{}/", dir.path().display()), ""))
    }

    #[test]
    fn a_tab_separated_file_takes_accented_words_as_written() {
        let lexicon = load("lexique.tsv", "# nom\tprononciation\n\nÉlysée\tÉlizé\nœuvre\t  euvre \r\n").unwrap();
        assert_eq!(lexicon.lookup("Élysée").as_deref(), Some("Élizé"));
        assert_eq!(lexicon.lookup("Œuvre").as_deref(), Some("Euvre"));
        assert_eq!(lexicon, load("lexique.txt", "Élysée\tÉlizé\nœuvre\teuvre\n").unwrap());
    }

    #[test]
    fn every_problem_names_the_file_and_the_line() {
        let cases = [
            (
                "l.tsv",
                "gao\tGaô\n\nÉlysée Élizé\n",
                "l.tsv:3: invalid lexicon: no tab between the written word and how it is said",
            ),
            ("l.tsv", "gao\t\n", "l.tsv:1: invalid lexicon: nothing to say for \"gao\" after the tab"),
            ("l.tsv", "gao\tGaô\n# x\ngao\tGao\n", "l.tsv:3: invalid lexicon: \"gao\" is already on line 1"),
            ("l.tsv", "gao\tGaô\ndeux mots\tx\n", "l.tsv:2: invalid lexicon: \"deux mots\" is not a single word"),
            (
                "l.toml",
                "gao = \"Gaô\"\n\"deux mots\" = \"x\"\n",
                "l.toml:2: invalid lexicon: \"deux mots\" is not a single word",
            ),
            (
                "l.toml",
                "gao = \"Gaô\"\nmujao = 3\n",
                "l.toml:2: invalid lexicon: invalid type: integer `3`, expected a string",
            ),
            (
                "l.json",
                "{\n  \"gao\": \"Gaô\",\n  \"a b\": \"x\"\n}",
                "l.json:3: invalid lexicon: \"a b\" is not a single word",
            ),
            ("l.json", "{\n  \"gao\": 3\n}", "l.json:2: invalid lexicon: invalid type: integer `3`, expected a string"),
        ];
        for (name, text, expected) in cases {
            assert_eq!(load(name, text).unwrap_err(), expected);
        }
    }

    #[test]
    fn a_toml_word_with_accents_is_told_how_to_be_written() {
        let error = load("l.toml", "gao = \"Gaô\"\nÉlysée = \"Élizé\"\n").unwrap_err();
        assert!(error.starts_with("l.toml:2: invalid lexicon: "), "{error}");
        assert!(error.contains("\"été\" = ") && error.contains(".tsv") && !error.contains('\n'), "{error}");
        let quoted = load("l.toml", "\"Élysée\" = \"Élizé\"\n").unwrap();
        assert_eq!(quoted, load("l.tsv", "Élysée\tÉlizé\n").unwrap());
    }
}
