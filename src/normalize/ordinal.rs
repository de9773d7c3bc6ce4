//! Ordinals in figures: "1er", "1re", "2e", "2ème", "2nd", "2de", "3es", "1ᵉʳ".
//! The suffix grammar (`data/fr/ordinal-suffixes.tsv`) is shared with
//! Roman numerals ("XXIe", "Ier", "XVIII ème").

use super::tables::{self, OrdinalForm, OrdinalSuffix};
use super::words::{self, Gender, Style};
use super::{Cursor, Reading};
use std::sync::LazyLock;

/// Digits, perhaps grouped by thousands ("1 000e").
static DIGITS: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new("^(?:[0-9]{1,3}(?:[ \u{A0}\u{202F}][0-9]{3})+|[0-9]+)").unwrap());

/// The suffix starting `text` and how many bytes it takes, spaces before
/// it included. It must end a word. A space may stand before it where the
/// numeral is a Roman one of several letters (`roman`: "XVIII e siècle")
/// or the suffix is long enough to be unmistakable ("18 ème"), unless the
/// suffix is also a word ("II de").
pub(super) fn suffix_at(text: &str, roman: bool) -> Option<(usize, &'static OrdinalSuffix)> {
    let (space, rest) = match text.strip_prefix([' ', '\u{A0}', '\u{202F}']) {
        Some(rest) => (text.len() - rest.len(), rest),
        None => (0, text),
    };
    tables::ordinal_suffixes().iter().find_map(|suffix| {
        let after = rest.strip_prefix(suffix.spelling)?;
        let spaced_ok = space == 0 || !suffix.joined && (roman || suffix.spelling.chars().count() >= 3);
        let ends = !after.starts_with(|c: char| c.is_alphabetic() || c == '\'' || c == '’');
        (spaced_ok && ends).then_some((space + suffix.spelling.len(), suffix))
    })
}

/// `n` said as the ordinal `suffix` marks, if the suffix fits the number
/// ("1er" yes, "2er" no; "2nd" is "second").
pub(super) fn say(n: u64, suffix: &OrdinalSuffix, style: &Style) -> Option<String> {
    if n == 0 || n > words::MAX_CARDINAL {
        return None;
    }
    let gender = if suffix.feminine { Gender::Feminine } else { Gender::Masculine };
    let mut said = match suffix.form {
        OrdinalForm::First if n == 1 => words::ordinal(1, gender, style),
        OrdinalForm::Second if n == 2 => if suffix.feminine { "seconde" } else { "second" }.to_owned(),
        OrdinalForm::Nth if n != 1 => words::ordinal(n, gender, style),
        _ => return None,
    };
    if suffix.plural {
        said.push('s');
    }
    Some(said)
}

pub(super) fn ordinal(cursor: &Cursor) -> Option<Reading> {
    if !cursor.at_digit() {
        return None;
    }
    if cursor.continues(|c| matches!(c, ',' | '.')) {
        return None;
    }
    let digits = DIGITS.find(cursor.rest())?;
    let (len, suffix) = suffix_at(&cursor.rest()[digits.end()..], false)?;
    let value: String = digits.as_str().chars().filter(char::is_ascii_digit).collect();
    let said = say(value.parse().ok()?, suffix, cursor.style)?;
    Reading::new(digits.end() + len, said)
}
