//! References to legal texts, read as a clerk reads them aloud: the letter
//! of a code's article without its full stop ("article L. 121-3" -> "L cent
//! vingt et un tiret trois"), the letter of a court case with its dash
//! ("affaire C-311/18" -> "C tiret trois cent onze barre dix-huit"), the
//! point of "49.3" unsaid, and a number that names rather than counts left
//! invariable ("article 700" -> "sept cent", like "page quatre-vingt").

use super::number::say_digits;
use super::tables;
use super::words::Gender;
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

/// "L. 121", "R. 4127": a capital, its full stop, a number.
static CODE_LETTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-Z])\.[ \u{A0}]+[0-9]").unwrap());
/// "C-311": a capital glued by a dash to a number.
static CASE_LETTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-Z])-[0-9]+(/[0-9])?").unwrap());
/// "49.3": two numbers joined by a point, not a date or a decimal run.
static POINTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([0-9]{1,4})\.([0-9]{1,2})\b").unwrap());
/// A plain number: "700" in "article 700 du code".
static PLAIN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[1-9][0-9]*").unwrap());
/// A list of references going on: "L. 12 et" before "L. 14".
static LISTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9](?:,| et| ou| à) $").unwrap());
/// A number with a dash or slash after it: the shape of a reference.
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]+[-/][0-9]").unwrap());

pub(super) fn reference(cursor: &Cursor) -> Option<Reading> {
    let rest = cursor.rest();
    // Only a capital glued to a stop or dash, or a digit, starts one: the
    // cheap test first, as rules run at every word.
    let letter = rest.as_bytes().get(..2).is_some_and(|b| b[0].is_ascii_uppercase() && matches!(b[1], b'.' | b'-'));
    if !(letter || may_name(rest)) || cursor.continues(|_| false) {
        return None;
    }
    let after_reference_word = tables::numbers_identifiers(cursor.previous_word());
    if let Some(found) = CODE_LETTER.captures(rest) {
        let number = rest[found[0].len() - 1..].trim_start();
        if after_reference_word || NUMBERED.is_match(number) || LISTED.is_match(cursor.written_tail(8)) {
            return Reading::new(2, &found[1]);
        }
    }
    if let Some(found) = CASE_LETTER.captures(rest) {
        if after_reference_word || found.get(2).is_some() {
            return Reading::new(2, format!("{} tiret", &found[1]));
        }
    }
    if !after_reference_word {
        return None;
    }
    let style = cursor.style;
    if let Some(found) = POINTED.captures(rest).filter(|f| stands_alone(&rest[f[0].len()..])) {
        let said = [&found[1], &found[2]].map(|n| say_digits(n, Gender::Masculine, style)).join(" ");
        return Reading::new(found[0].len(), said);
    }
    let number = PLAIN.find(rest)?.as_str();
    if !stands_alone(&rest[number.len()..]) {
        return None;
    }
    // Only "cents" and "vingts" change: any other number keeps the number
    // rule's reading, its agreement included.
    let said = say_digits(number, Gender::Masculine, style);
    let named = invariable(&said)?;
    Reading::new(number.len(), named)
}

/// Whether the digits starting `text` may be read otherwise after a
/// reference word: followed by a point ("49.3"), or ending in "00" or "80",
/// whose "cents" or "vingts" a reference drops.
fn may_name(text: &str) -> bool {
    let run = text.bytes().take_while(u8::is_ascii_digit).count();
    let digits = &text[..run];
    run > 0 && (text[run..].starts_with('.') || digits.ends_with("00") || digits.ends_with("80"))
}

/// Whether a number followed by `after` is whole and measures nothing:
/// not "49-3", "2016/679", "1,5", "5G", "12 %", "40 €" or "3 km", which
/// other rules read.
fn stands_alone(after: &str) -> bool {
    let mut chars = after.chars();
    let first = chars.next();
    let continued =
        matches!(first, Some('-' | '–' | '/' | '.' | ',')) && chars.next().is_some_and(|c| c.is_ascii_digit());
    if continued || first.is_some_and(char::is_alphanumeric) {
        return false;
    }
    let next = after.trim_start_matches([' ', '\u{A0}', '\u{202F}']);
    let measured = tables::unit_at(next).is_some() || tables::currency_at(next).is_some();
    !measured && !next.starts_with(['%', '‰'])
}

/// "sept cents" -> "sept cent": a number that names takes no plural.
/// `None` when there is none to drop.
fn invariable(said: &str) -> Option<String> {
    let stem = said.strip_suffix('s')?;
    (stem.ends_with("cent") || stem.ends_with("vingt")).then(|| stem.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::tests::norm;

    #[test]
    fn a_code_letter_is_said_without_its_stop() {
        assert_eq!(norm("l'article R. 312-8 du code"), "l'article R trois cent douze tiret huit du code");
        assert_eq!(norm("selon le D. 215-4"), "selon le D deux cent quinze tiret quatre");
        // An initial before a name, a letter ending a sentence: as written.
        assert_eq!(norm("V. Hugo"), "V. Hugo");
        assert_eq!(norm("le plan B. 12 élus"), "le plan B. douze élus");
    }

    #[test]
    fn a_case_letter_keeps_its_dash_as_tiret() {
        assert_eq!(norm("l'affaire C-402/05"), "l'affaire C tiret quatre cent deux barre zéro cinq");
        assert_eq!(norm("l'arrêt T-77/21"), "l'arrêt T tiret soixante-dix-sept barre vingt et un");
        // Not a reference: a name of a model.
        assert_eq!(norm("la RN-12 et le B-52"), "la R N-douze et le B-cinquante-deux");
    }

    #[test]
    fn a_referenced_number_names_rather_than_counts() {
        assert_eq!(norm("l'article 380 du code"), "l'article trois cent quatre-vingt du code");
        assert_eq!(norm("l'article 200."), "l'article deux cent.");
        assert_eq!(norm("l'article 58.1 de la loi"), "l'article cinquante-huit un de la loi");
        // Counting, it agrees.
        assert_eq!(norm("les 200 articles"), "les deux cents articles");
        assert_eq!(norm("le dossier 21 pièces"), "le dossier vingt et une pièces");
        assert_eq!(norm("article 3 : 80 €"), "article trois : quatre-vingts euros");
    }
}
