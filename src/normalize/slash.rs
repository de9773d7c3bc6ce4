//! The slash, which no newsreader leaves unsaid. Units ("km/h"), fractions
//! ("1/3"), dates ("24/11/2026") and addresses have their rules before
//! this one; what is left is a slash between words or in a reference
//! ("recherche/développement", "règlement 2019/1937/UE", "dossier
//! 12/345"), read "barre" as a reader of such a text says it. A few set
//! phrases are read as words (`data/fr/slash-phrases.tsv`: "et/ou").

use super::number::say_digits;
use super::tables;
use super::words::Gender;
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

pub(super) fn slash(cursor: &Cursor) -> Option<Reading> {
    let rest = cursor.rest();
    if let Some((len, said)) = tables::slash_phrase_at(rest) {
        let whole = !cursor.continues(|_| false) && !rest[len..].starts_with(char::is_alphanumeric);
        return if whole { Reading::new(len, said) } else { None };
    }
    if !rest.starts_with('/') {
        return None;
    }
    if let Some(reading) = after_quantity(cursor) {
        return Some(reading);
    }
    // "a//b": one "barre" for the run.
    let len = rest.len() - rest.trim_start_matches('/').len();
    Reading::new(len, "barre")
}

/// The figures a quantity was written with: "24" in "24h", "7" in "7 j".
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[^0-9])([0-9]+) ?[a-z]{1,3}$").unwrap());

/// After a quantity: "24h/24", "7 j/7" are so many out of as many, "sur";
/// "1h/jour" is so much "par" day.
fn after_quantity(cursor: &Cursor) -> Option<Reading> {
    let figures = QUANTITY.captures(cursor.written_tail(24))?.get(1)?.as_str();
    let after = &cursor.rest()[1..];
    if after.strip_prefix(figures).is_some_and(|rest| !rest.starts_with(char::is_alphanumeric)) {
        let whole = say_digits(figures, Gender::Masculine, cursor.style);
        return Reading::new(1 + figures.len(), format!("sur {whole}"));
    }
    if after.starts_with(char::is_lowercase) {
        Reading::new(1, "par")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::norm;

    #[test]
    fn a_slash_between_words_is_barre() {
        assert_eq!(norm("la recherche/développement"), "la recherche barre développement");
        assert_eq!(norm("le Conseil/la Commission"), "le Conseil barre la Commission");
        assert_eq!(norm("Lyon / Paris"), "Lyon barre Paris");
    }

    #[test]
    fn a_slash_in_a_reference_is_barre() {
        assert_eq!(norm("le dossier 14/678"), "le dossier quatorze barre six cent soixante-dix-huit");
        assert_eq!(norm("l'affaire 12/34"), "l'affaire douze barre trente-quatre");
        assert_eq!(
            norm("la directive 2008/98/CE"),
            "la directive deux mille huit barre quatre-vingt-dix-huit barre C E"
        );
    }

    #[test]
    fn et_ou_is_two_words() {
        assert_eq!(norm("vendre et/ou louer"), "vendre et ou louer");
        assert_eq!(norm("ET/OU"), "et ou");
        // Not inside a longer word.
        assert_eq!(norm("Bet/Outil"), "Bet barre Outil");
    }

    #[test]
    fn units_fractions_and_dates_keep_their_reading() {
        assert_eq!(norm("50 km/h"), "cinquante kilomètres par heure");
        assert_eq!(norm("2/3 des voix"), "deux tiers des voix");
        assert_eq!(norm("le 05/04/2023"), "le cinq avril deux mille vingt-trois");
        assert_eq!(
            norm("ouvert 24h/24 et 7 j/7"),
            "ouvert vingt-quatre heures sur vingt-quatre et sept jours sur sept"
        );
    }
}
