//! Abbreviations and titles read in full ("M." -> "monsieur", "p. 12" ->
//! "page douze"), on whole words only, from `data/fr/abbreviations.tsv`.

use super::data::{Condition, ABBREVIATIONS};
use super::{Cursor, Reading};

pub(super) fn abbreviation(cursor: &Cursor) -> Option<Reading> {
    if cursor.continues(|c| c == '.') {
        return None;
    }
    let rest = cursor.rest();
    // "V M. V" is spelled letters, not a title.
    let after_letter = cursor.previous_word().chars().count() == 1;
    ABBREVIATIONS.iter().find_map(|a| {
        let after = rest.strip_prefix(a.written)?;
        // A whole word: "Me" is not the start of "Mesure", "M." not of "M.A.".
        if after.starts_with(char::is_alphabetic) || (!a.written.ends_with('.') && after.starts_with('.')) {
            return None;
        }
        let next = after.trim_start_matches([' ', '\u{A0}', '\u{202F}', '-']);
        let allowed = match a.condition {
            Condition::Always => true,
            Condition::BeforeName => {
                !after_letter
                    && after.starts_with([' ', '\u{A0}', '\u{202F}', '-'])
                    && next.starts_with(char::is_uppercase)
            }
            Condition::BeforeNumber => next.starts_with(|c: char| c.is_ascii_digit()),
        };
        // A sentence still starts with a capital: "Madame Lefèvre a dit".
        let starts_text = cursor.before().trim().is_empty();
        let spoken = if starts_text { capitalize(a.spoken) } else { a.spoken.to_owned() };
        allowed.then_some(Reading { len: a.written.len(), spoken })
    })
}

pub(super) fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}
