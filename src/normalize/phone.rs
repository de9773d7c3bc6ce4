//! French phone numbers, read in pairs as people say them: "01 23 45 67
//! 89" -> "zéro un, vingt-trois, quarante-cinq, soixante-sept,
//! quatre-vingt-neuf".

use super::words::{cardinal, Gender};
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\+33[ \u{A0}.]?(?:\(0\))?([1-9])|(0[1-9]))((?:[ \u{A0}.-]?[0-9]{2}){4})").unwrap()
});

pub(super) fn phone(cursor: &Cursor) -> Option<Reading> {
    if !cursor.rest().starts_with(['0', '+']) {
        return None;
    }
    if cursor.continues(|_| false) {
        return None;
    }
    let captures = PHONE.captures(cursor.rest())?;
    let len = captures[0].len();
    if cursor.rest()[len..].starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let style = cursor.style;
    let mut groups: Vec<String> = Vec::new();
    if let Some(digit) = captures.get(1) {
        groups.push("plus trente-trois".to_owned());
        groups.push(cardinal(digit.as_str().parse().ok()?, Gender::Masculine, style));
    }
    if let Some(first) = captures.get(2) {
        groups.push(format!("zéro {}", cardinal(first.as_str()[1..].parse().ok()?, Gender::Masculine, style)));
    }
    let digits: String = captures[3].chars().filter(char::is_ascii_digit).collect();
    for pair in digits.as_bytes().chunks(2) {
        let pair = std::str::from_utf8(pair).ok()?;
        let said = cardinal(pair.parse().ok()?, Gender::Masculine, style);
        // "00" is "zéro zéro", as it is written.
        groups.push(if pair.starts_with('0') { format!("zéro {said}") } else { said });
    }
    Reading::new(len, groups.join(", "))
}
