//! Elision before a number said "un" or "une": "de 1 km" -> "d'un
//! kilomètre", "que 1 seul" -> "qu'un seul". French elides before the
//! vowel the reader hears, which the figure hides; the words that elide
//! are in `data/fr/elided-before-un.tsv`. "de 11" keeps "de onze" (no
//! elision before onze), "le 1" stays, "de 1er" is "de premier".

use super::tables;
use super::{Cursor, Reading, RULES};

/// The word at the cursor elided with the number after it, when that number
/// is said from "un" or "une". The number is read by the rules that would
/// read it anyway (units, money, ranges, times), as if the word were said.
pub(super) fn elision(cursor: &Cursor) -> Option<Reading> {
    let rest = cursor.rest();
    // The words that elide are in ASCII letters, and only a number written
    // from a 1 is said from "un": checked first, on bytes, as this rule is
    // tried at every word.
    let longest = tables::longest_elision();
    let word_len = rest.bytes().take(longest + 1).position(|b| !b.is_ascii_alphabetic())?;
    let after = &rest[word_len..];
    let number = after.trim_start_matches([' ', '\u{A0}', '\u{202F}']);
    if word_len == 0 || number.len() == after.len() || !said_from_un(number) || cursor.continues(is_elision) {
        return None;
    }
    let word = &rest[..word_len];
    let elided = elided(word)?;
    let said = format!("{}{word} ", cursor.before());
    let at = cursor.at + rest.len() - number.len();
    let next = Cursor { at, said: &said, ..*cursor };
    let reading = RULES.iter().find_map(|(_, rule)| rule(&next))?;
    let first = reading.spoken.split([' ', '-']).next();
    if !matches!(first, Some("un" | "une")) {
        return None;
    }
    Reading::new(rest.len() - number.len() + reading.len, format!("{elided}{}", reading.spoken))
}

/// Whether the figures starting `text` may be said from "un": a lone 1
/// ("1", "1,5", "1er"), or a 1 before groups of millions ("1 200 000");
/// not "10", "1 000" nor "1990". The rules that read the number decide.
fn said_from_un(text: &str) -> bool {
    if !text.starts_with('1') {
        return false;
    }
    let mut digits = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let grouping = matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '.') && chars.peek().is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() {
            digits += 1;
        } else if !grouping {
            break;
        }
    }
    digits == 1 || digits >= 7 && digits % 3 == 1
}

fn is_elision(c: char) -> bool {
    matches!(c, '\'' | '’' | '-')
}

/// "d'" for "de", "D'" for "De".
fn elided(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    let elided = tables::elided(&lower)?;
    if word == lower {
        return Some(elided.to_owned());
    }
    let mut chars = elided.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use crate::normalize::tests::check;
    use crate::normalize::Normalizer;

    #[test]
    fn a_word_elides_before_a_number_said_un_or_une() {
        check(&[
            ("à moins de 1 km", "à moins d'un kilomètre"),
            ("une hausse de 1 %", "une hausse d'un pour cent"),
            ("plus que 1 seul", "plus qu'un seul"),
            ("près de 1 million", "près d'un million"),
            ("près de 1,3 million", "près d'un virgule trois million"),
            ("de 1 200 000 euros", "d'un million deux cent mille euros"),
            ("de 1 000 000 000 d'euros", "d'un milliard d'euros"),
            ("une peine de 1 an", "une peine d'un an"),
            ("un retard de 1 h", "un retard d'une heure"),
            ("de 1 à 4", "d'un à quatre"),
            ("De 1 à 4", "D'un à quatre"),
            ("lorsque 1 élu", "lorsqu'un élu"),
        ]);
    }

    #[test]
    fn no_elision_before_another_number() {
        check(&[
            ("de 11 ans", "de onze ans"),
            ("de 8 jours", "de huit jours"),
            ("de 1 000 euros", "de mille euros"),
            ("de 1990 à 1995", "de mille neuf cent quatre-vingt-dix à mille neuf cent quatre-vingt-quinze"),
            ("de 10 000 000 d'euros", "de dix millions d'euros"),
            ("de 100 ans", "de cent ans"),
            ("de 1er rang", "de premier rang"),
            ("le 1 et le 2", "le un et le deux"),
            ("page 1", "page un"),
            ("de 01", "de zéro un"),
            ("de-1", "de-un"),
        ]);
    }

    #[test]
    fn explain_names_the_elision() {
        let (_, rewrites) = Normalizer::default().explain("à moins de 1 km");
        let elision = rewrites.iter().find(|r| r.rule == "elision").expect("an elision");
        assert_eq!((elision.written.as_str(), elision.spoken.as_str()), ("de 1 km", "d'un kilomètre"));
    }
}
