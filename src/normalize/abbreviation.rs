//! Abbreviations and titles read in full ("M." -> "monsieur", "p. 12" ->
//! "page douze"), on whole words only, from `data/fr/abbreviations.tsv`.

use super::tables::{self, Condition};
use super::{Cursor, Reading};
use crate::language_data::Stop;

pub(super) fn abbreviation(cursor: &Cursor) -> Option<Reading> {
    if cursor.continues(|c| c == '.') {
        return None;
    }
    let rest = cursor.rest();
    tables::abbreviations_at(rest).iter().find_map(|a| {
        let spoken = a.spoken?;
        let after = rest.strip_prefix(a.written)?;
        // A whole word: "Me" is not the start of "Mesure", "M." not of
        // "M.A."; "n°." ends a sentence.
        let initials = a.written.ends_with(|c: char| c.is_ascii_alphabetic()) && after.starts_with('.');
        if after.starts_with(char::is_alphabetic) || initials {
            return None;
        }
        if !allowed(a.condition, cursor, after) {
            return None;
        }
        // A sentence still starts with a capital: "Madame Lefèvre a dit".
        let starts_text = cursor.before().trim().is_empty();
        let mut spoken = if starts_text { capitalize(spoken) } else { spoken.to_owned() };
        if a.stop == Stop::MayEnd && a.written.ends_with('.') && ends_text(after) {
            spoken.push('.');
        }
        Reading::new(a.written.len(), spoken)
    })
}

/// Whether the abbreviation's condition holds at the cursor, `after` being
/// the text that follows it.
fn allowed(condition: Condition, cursor: &Cursor, after: &str) -> bool {
    let next = after.trim_start_matches([' ', '\u{A0}', '\u{202F}', '-']);
    let spaced = after.starts_with([' ', '\u{A0}', '\u{202F}', '-']);
    // "V M. V" is spelled letters, not a title; "à M. Dupont" is one.
    let previous = cursor.previous_word();
    let after_letter = previous.chars().count() == 1 && previous.starts_with(char::is_uppercase);
    let before_name = || {
        let titled = tables::civility_followers().iter().any(|word| {
            let glued = word.ends_with(['\'', '’', '-']);
            next.strip_prefix(word).is_some_and(|rest| glued || rest.starts_with(' '))
        });
        !after_letter && spaced && (next.starts_with(char::is_uppercase) || titled)
    };
    match condition {
        Condition::Always => true,
        Condition::BeforeName => before_name(),
        Condition::BeforeNameNotEnglish => {
            let name = next.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
            before_name() && !after_capitalized_word(cursor) && !tables::is_english_word(name)
        }
        Condition::BeforeNumber => next.starts_with(|c: char| c.is_ascii_digit()),
        Condition::Era => {
            let written = cursor.written_before().trim_end();
            let previous = cursor.previous_word().to_lowercase();
            written.ends_with(|c: char| c.is_ascii_digit())
                || ["avant", "après", "av", "apr"].contains(&previous.as_str())
        }
    }
}

/// A capitalized word stands right before, and it does not start the text.
fn after_capitalized_word(cursor: &Cursor) -> bool {
    let written = cursor.written_before().trim_end();
    let word_start = written.char_indices().rfind(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
    let word = &written[word_start..];
    word.starts_with(char::is_uppercase) && !written[..word_start].trim().is_empty()
}

/// Nothing but closing marks and spaces follows: the end of the sentence.
fn ends_text(after: &str) -> bool {
    after.chars().all(|c| c.is_whitespace() || matches!(c, '»' | '"' | '”' | ')' | ']' | '’' | '\''))
}

pub(super) fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}
