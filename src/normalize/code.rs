//! Long strings of digits that are codes, not amounts: an ISBN, an ISSN, a
//! SIRET, a run of ten digits or more. Read as a clerk spells them out,
//! never as billions: digit by digit, or group by group as written, the
//! groups apart ("ISBN 978-2-07-036024-5" -> "neuf sept huit, deux, zéro
//! sept, zéro trois six zéro deux quatre, cinq").

use super::number::say_digits;
use super::tables::{self, CodeReading};
use super::words::{digits, Gender};
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

/// Groups of digits joined by dashes or spaces.
static GROUPS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]+(?:[-\u{2010}\u{2011} \u{A0}\u{202F}][0-9]+)*").unwrap());
/// Space-grouped digits whose last group cannot be thousands: "552 081 317
/// 00018".
static MISGROUPED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]{1,3}(?: [0-9]{3})+ [0-9]{4,}").unwrap());

/// The shortest code read as one: an ISSN or an EAN-8 has eight digits,
/// fewer are a plain number even after "ISBN" ("l'ISBN de 2015").
const SHORTEST_CODE: usize = 8;
/// How many bytes the first eight digits of a code take at most, with
/// their separators ("0-2-1-3-4-5-6-7" is fifteen).
const CODE_SPAN: usize = 16;
/// From ten digits unbroken, a string is a code wherever it stands.
const LONGEST_NUMBER: usize = 9;
/// How many words back a code word still announces the code ("le numéro
/// SIRET de l'établissement est le ...").
const CODE_WORD_REACH: usize = 6;
/// How many bytes back those words are looked for.
const CLAUSE_REACH: usize = 120;

pub(super) fn code(cursor: &Cursor) -> Option<Reading> {
    if !cursor.at_digit() || cursor.continues(|c| matches!(c, '-' | '.' | ',' | '/')) {
        return None;
    }
    let rest = cursor.rest();
    // Every code has eight digits at least, written within a few bytes:
    // the cheap test first, as most numbers are short.
    if rest.bytes().take(CODE_SPAN).filter(u8::is_ascii_digit).count() < SHORTEST_CODE {
        return None;
    }
    let ends = |len: usize| !rest[len..].starts_with(|c: char| c.is_alphanumeric());
    if let Some(reading) = code_word_before(cursor.written_tail(CLAUSE_REACH)) {
        let found = GROUPS.find(rest)?.as_str().trim_end();
        let count = found.bytes().filter(u8::is_ascii_digit).count();
        if count >= SHORTEST_CODE && ends(found.len()) && !measures(&rest[found.len()..]) {
            return Reading::new(found.len(), say_groups(found, reading, cursor));
        }
    }
    if let Some(found) = MISGROUPED.find(rest).filter(|m| ends(m.end())) {
        return Reading::new(found.end(), say_groups(found.as_str(), CodeReading::Groups, cursor));
    }
    let run = rest.bytes().take_while(u8::is_ascii_digit).count();
    let decimal = rest[run..].starts_with([',', '.']) && rest[run + 1..].starts_with(|c: char| c.is_ascii_digit());
    if run > LONGEST_NUMBER && ends(run) && !decimal {
        return Reading::new(run, digits(&rest[..run], cursor.style));
    }
    None
}

/// Whether a unit, a currency or a percent follows: "12 000 000 €".
fn measures(after: &str) -> bool {
    let next = after.trim_start_matches([' ', '\u{A0}', '\u{202F}']);
    tables::unit_at(next).is_some() || tables::currency_at(next).is_some() || next.starts_with(['%', '‰'])
}

/// How the code word in the clause before the cursor says its code ("tél."
/// keeps its clause: its full stop is no end).
fn code_word_before(written: &str) -> Option<CodeReading> {
    let clause = written.rsplit([',', ';', '(', ')', '!', '?', '«', '»']).next().unwrap_or(written);
    let words = clause.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
    words.rev().take(CODE_WORD_REACH).find_map(tables::code_reading)
}

/// The groups as written, apart: "978-2-07" -> "neuf sept huit, deux, zéro sept".
fn say_groups(found: &str, reading: CodeReading, cursor: &Cursor) -> String {
    let groups = found.split(|c: char| !c.is_ascii_digit()).filter(|g| !g.is_empty());
    let said: Vec<String> = groups
        .map(|group| match reading {
            // "000" is three zeros, as written.
            CodeReading::Digits => digits(group, cursor.style),
            CodeReading::Groups if group.bytes().all(|b| b == b'0') => digits(group, cursor.style),
            CodeReading::Groups => say_digits(group, Gender::Masculine, cursor.style),
        })
        .collect();
    said.join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::tests::norm;

    #[test]
    fn isbn_and_issn_are_read_digit_by_digit_in_their_groups() {
        assert_eq!(
            norm("ISBN 979-10-90636-07-1"),
            "I S B N neuf sept neuf, un zéro, neuf zéro six trois six, zéro sept, un"
        );
        assert_eq!(norm("l'ISSN : 1254-8836"), "l'I S S N : un deux cinq quatre, huit huit trois six");
        assert_eq!(
            norm("EAN 3017620422003"),
            "E A N trois zéro un sept six deux zéro quatre deux deux zéro zéro trois"
        );
    }

    #[test]
    fn siren_and_siret_are_read_in_their_groups() {
        assert_eq!(
            norm("sous le SIREN 401 237 008."),
            "sous le Siren quatre cent un, deux cent trente-sept, zéro zéro huit."
        );
        assert_eq!(
            norm("Le SIRET du siège est le 314 115 004 00061"),
            "Le Siret du siège est le trois cent quatorze, cent quinze, zéro zéro quatre, zéro zéro zéro soixante et un"
        );
    }

    #[test]
    fn a_phone_number_not_in_pairs_is_read_in_its_groups() {
        assert_eq!(norm("le tél. 0800 130 000"), "le téléphone zéro huit cents, cent trente, zéro zéro zéro");
        // An amount after the word is no code.
        assert_eq!(norm("fax et 12 000 000 €"), "fax et douze millions d'euros");
    }

    #[test]
    fn long_runs_of_digits_are_codes() {
        assert_eq!(norm("contrat 4839201175"), "contrat quatre huit trois neuf deux zéro un un sept cinq");
        assert_eq!(norm("n° 20231187654"), "Numéro deux zéro deux trois un un huit sept six cinq quatre");
    }

    #[test]
    fn amounts_and_short_numbers_stay_numbers() {
        // After a code word but too short to be the code: a year.
        assert_eq!(norm("l'ISBN de l'édition de 2015"), "l'I S B N de l'édition de deux mille quinze");
        // Grouped as thousands: an amount, even far after a code word.
        assert_eq!(norm("1 200 000 euros"), "un million deux cent mille euros");
        assert_eq!(
            norm("123456789 habitants"),
            "cent vingt-trois millions quatre cent cinquante-six mille sept cent quatre-vingt-neuf habitants"
        );
        assert_eq!(norm("3,14159265358"), "trois virgule un quatre un cinq neuf deux six cinq trois cinq huit");
    }
}
