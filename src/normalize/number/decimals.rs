//! Decimals said the way a newsreader says them rather than with
//! "virgule": a height or a race time in the unit and its hundredths
//! ("1,85 m" -> "un mètre quatre-vingt-cinq", "9,58 s" -> "neuf secondes
//! cinquante-huit"), and a half of a million or a billion ("1,5 million"
//! -> "un million et demi").

use super::{
    de_unit, money, per, read_written, say_digits, say_number, skip_spaces, tables, Gender, Measure, Style, Written,
};
use super::{LARGE_NOUNS, SCALES};
use crate::normalize::tables::Hundredths;
use crate::normalize::words::cardinal;
use crate::normalize::{Cursor, Reading};

/// Rule "hundredths": a quantity of a unit said with its hundredths.
pub(in crate::normalize) fn hundredths(cursor: &Cursor) -> Option<Reading> {
    // Below a thousand, so no thousands separator: a decimal comma right
    // after the digits, checked before the number is parsed.
    if !decimal_comma_after_digits(cursor.rest()) {
        return None;
    }
    let number = read_written(cursor)?;
    let (space, text) = skip_spaces(&cursor.rest()[number.len..]);
    let unit = tables::unit_at(text)?;
    let said = in_hundredths(&number, unit, cursor.style)?;
    per(number.len + space + unit.symbol.len(), said, cursor)
}

/// Rule "half": "1,5 million" -> "un million et demi", "12,5 M€" ->
/// "douze millions et demi d'euros".
pub(in crate::normalize) fn half(cursor: &Cursor) -> Option<Reading> {
    if !decimal_comma_after_digits(cursor.rest()) {
        return None;
    }
    let number = read_written(cursor).filter(is_and_a_half)?;
    let (space, text) = skip_spaces(&cursor.rest()[number.len..]);
    if SCALES.iter().any(|(prefix, noun, _)| !noun.is_empty() && text.starts_with(prefix)) {
        let reading = money(&number, text, cursor.style)?;
        return Reading::new(number.len + space + reading.len, reading.spoken);
    }
    let noun = cursor.next_word(number.len);
    if !LARGE_NOUNS.contains(&noun) || !text.starts_with(noun) {
        return None;
    }
    let said = say_large(&number, noun, cursor.style);
    // "1,5 million de km": the unit said too, as after "millions de".
    let len = number.len + space + noun.len();
    match de_unit(&text[noun.len()..]) {
        Some((unit_len, unit)) => Reading::new(len + unit_len, format!("{said} {unit}")),
        None => Reading::new(len, said),
    }
}

/// "21,34": digits, then a decimal comma. Both rules are tried at every
/// figure, most of which are no decimal.
fn decimal_comma_after_digits(text: &str) -> bool {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && text[digits..].starts_with(',')
}

/// "1,85 m" -> "un mètre quatre-vingt-cinq", "21,34 s" -> "vingt et une
/// secondes trente-quatre": two decimals of a unit listed in
/// `data/fr/unit-hundredths.tsv`, from 1 up to its limit. `None` for any
/// other quantity, said with "virgule".
fn in_hundredths(number: &Written, unit: &Measure, style: &Style) -> Option<String> {
    let hundredths = tables::hundredths(unit)?;
    let fraction = number.fraction.filter(|f| f.len() == 2 && !number.point && number.sign.is_none())?;
    let whole = number.value().filter(|v| (1..hundredths.limit).contains(v))?;
    let part = say_hundredths(fraction, hundredths, style)?;
    let name = unit.name(whole >= 2);
    Some(format!("{} {name} {part}", cardinal(whole, unit.gender, style)))
}

/// Two figures of hundredths said after their unit as `hundredths` says
/// ("cinquante-huit", "zéro cinq"): shared by "9,58 s" and "41"78".
pub(in crate::normalize) fn say_hundredths(fraction: &str, hundredths: Hundredths, style: &Style) -> Option<String> {
    Some(if hundredths.as_digits {
        say_digits(fraction, Gender::Masculine, style)
    } else {
        cardinal(fraction.parse().ok()?, Gender::Masculine, style)
    })
}

/// A number before "million", "milliard" or "billion" (`noun`, as the
/// author wrote it) and the noun: "2,5 milliards" -> "deux milliards et
/// demi", as said; any other decimal keeps "virgule" ("1,2 million" -> "un
/// virgule deux million").
pub(super) fn say_large(number: &Written, noun: &str, style: &Style) -> String {
    if is_and_a_half(number) {
        let whole = Written { fraction: None, integer: number.integer.clone(), ..*number };
        return format!("{} {noun} et demi", say_number(&whole, Gender::Masculine, style));
    }
    format!("{} {noun}", say_number(number, Gender::Masculine, style))
}

/// "2,5", not "0,5" ("zéro million et demi" says nothing) nor "2.5".
fn is_and_a_half(number: &Written) -> bool {
    number.fraction == Some("5") && !number.point && number.value().is_some_and(|v| v >= 1)
}

#[cfg(test)]
mod tests {
    use crate::normalize::tests::check;

    #[test]
    fn heights_and_times_in_the_unit_and_its_hundredths() {
        check(&[
            ("Elle mesure 1,72 m.", "Elle mesure un mètre soixante-douze."),
            ("un saut à 8,95 m", "un saut à huit mètres quatre-vingt-quinze"),
            ("la Garonne à 3,05 m", "la Garonne à trois mètres cinq"),
            ("haut de 2,80 m", "haut de deux mètres quatre-vingts"),
            ("en 10,49 s", "en dix secondes quarante-neuf"),
            ("en 21,07 s", "en vingt et une secondes zéro sept"),
            ("en 1,02 s", "en une seconde zéro deux"),
        ]);
    }

    #[test]
    fn other_decimals_keep_virgule() {
        check(&[
            ("avec 0,12 s d'avance", "avec zéro virgule douze seconde d'avance"),
            ("à 3 612,47 m d'altitude", "à trois mille six cent douze virgule quarante-sept mètres d'altitude"),
            ("1,5 m de haut", "un virgule cinq mètre de haut"),
            ("en 9,581 s", "en neuf virgule cinq cent quatre-vingt-un secondes"),
            ("à 12,75 km", "à douze virgule soixante-quinze kilomètres"),
            ("un vent de 1,75 m/s", "un vent d'un virgule soixante-quinze mètre par seconde"),
        ]);
    }

    #[test]
    fn a_half_of_a_large_noun_is_said_et_demi() {
        check(&[
            ("3,5 millions d'habitants", "trois millions et demi d'habitants"),
            ("1,5 milliard", "un milliard et demi"),
            ("un déficit de 4,5 Md€", "un déficit de quatre milliards et demi d'euros"),
            ("7,5 M€", "sept millions et demi d'euros"),
            ("$2,5 milliards", "deux milliards et demi de dollars"),
            ("1,7 million de visiteurs", "un virgule sept million de visiteurs"),
            ("2,25 milliards", "deux virgule vingt-cinq milliards"),
            ("0,5 million", "zéro virgule cinq million"),
            ("6,5 k€", "six mille cinq cents euros"),
        ]);
    }
}
