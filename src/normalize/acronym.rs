//! Words in capitals: acronyms spelled when they cannot be said ("SNCF" ->
//! "S N C F"), said as words when they can ("ONU", "UNESCO"), from
//! `data/fr/acronyms.tsv` and, for the rest, a pronounceability rule. A run
//! of capitalized words is a headline in capitals, not acronyms: its words
//! are left as written.

use super::roman;
use super::tables;
use super::{Cursor, Reading};

/// The Latin letters starting `text`; digits after them are a number of
/// their own ("MP3", "COP21"), and letters of another script a word of
/// their own ("Α" is Greek alpha).
fn capitals_word(text: &str) -> &str {
    let latin = |c: char| c.is_alphabetic() && u32::from(c) < 0x370;
    let end = text.find(|c: char| !latin(c)).unwrap_or(text.len());
    &text[..end]
}

/// At least two letters, every letter a capital that has a small form
/// (caseless scripts and mathematical letters are not capitals).
fn is_capitals(word: &str) -> bool {
    let letters = || word.chars().filter(|c| c.is_alphabetic());
    let capital =
        |c: char| c.is_uppercase() && c.to_lowercase().ne(std::iter::once(c)) && c.to_lowercase().count() == 1;
    letters().count() >= 2 && letters().all(capital)
}

const VOWELS: &str = "AEIOUYÉÈÊÀÂÎÔÛ";

/// A pronounceable acronym has vowels and no cluster of consonants French
/// could not say: "UNESCO", "OTAN" yes; "SNCF", "PSG" no.
fn is_pronounceable(word: &str) -> bool {
    const ONSETS: [&str; 16] =
        ["BR", "CR", "DR", "FR", "GR", "PR", "TR", "VR", "BL", "CL", "FL", "GL", "PL", "CH", "PH", "ST"];
    let letters: Vec<char> = word.chars().collect();
    if letters.len() < 4 || !letters.iter().all(|c| c.is_alphabetic()) {
        return false;
    }
    let is_vowel = |c: &char| VOWELS.contains(*c);
    let leading: String = letters.iter().take_while(|c| !is_vowel(c)).collect();
    let onset_ok = leading.len() <= 1 || ONSETS.contains(&leading.as_str());
    let mut run = 0;
    let mut longest = 0;
    for c in &letters {
        run = if is_vowel(c) { 0 } else { run + 1 };
        longest = longest.max(run);
    }
    onset_ok && longest <= 2 && letters.iter().any(is_vowel)
}

fn spelled(word: &str) -> String {
    let letters: Vec<String> = word.chars().map(|c| c.to_string()).collect();
    letters.join(" ")
}

/// Title-case, as a pronounceable acronym is said: "Unesco".
fn as_word(word: &str) -> String {
    let mut chars = word.chars();
    let first = chars.next().map(|c| c.to_string()).unwrap_or_default();
    first + &chars.as_str().to_lowercase()
}

pub(super) fn acronym(cursor: &Cursor) -> Option<Reading> {
    if cursor.continues(|_| false) {
        return None;
    }
    let word = capitals_word(cursor.rest());
    // Most words: no acronym starts in lower case, in the table either.
    if !word.starts_with(char::is_uppercase) {
        return None;
    }
    if let Some(reading) = tables::acronym_reading(word) {
        return Reading::new(word.len(), reading);
    }
    let numeral = roman::value(word).is_some() && !tables::is_never_roman(word);
    if !is_capitals(word) || numeral {
        return None;
    }
    cursor.guessed_acronyms.set(cursor.guessed_acronyms.get() + 1);
    if cursor.in_capitals {
        // Left as written: voices read capitalized words as words.
        return None;
    }
    let said = if is_pronounceable(word) { as_word(word) } else { spelled(word) };
    Reading::new(word.len(), said)
}

/// Unknown words in capitals that mark a text as written in capitals
/// ("LE PRÉSIDENT A PARLÉ"): its capitalized words are then words, not
/// acronyms, and are left as written. A pass leaves those words as they
/// are, so a second pass counts and decides the same.
pub(super) const HEADLINE_CAPITALS: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pronounceability() {
        for word in ["UNESCO", "OTAN", "NASA", "FRONTEX", "ALENA"] {
            assert!(is_pronounceable(word), "{word}");
        }
        for word in ["SNCF", "PSG", "CNRS", "RTL", "HCR", "FNSEA"] {
            assert!(!is_pronounceable(word), "{word}");
        }
    }
}
