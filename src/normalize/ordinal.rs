//! Ordinals in figures: "1er", "1re", "2e", "2ème", "2nd", "3es", "1ᵉʳ".

use super::words::{ordinal as say_ordinal, Gender};
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

/// Longest suffixes first within each alternative.
static ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]+)(ères|ère|ers|er|res|re|èmes|ème|es|è|e|ᵉʳˢ|ᵉʳ|ʳᵉˢ|ʳᵉ|ᵉˢ|ᵉ|ndes|nde|nds|nd)").unwrap()
});

/// What a suffix says of the ordinal: feminine, plural, "second".
struct Suffix {
    feminine: bool,
    plural: bool,
    second: bool,
}

fn suffix(written: &str) -> Suffix {
    let plural = written.ends_with('s') || written.ends_with('ˢ');
    let feminine = matches!(written.trim_end_matches(['s', 'ˢ']), "ère" | "re" | "ʳᵉ" | "nde");
    let second = written.starts_with('n');
    Suffix { feminine, plural, second }
}

pub(super) fn ordinal(cursor: &Cursor) -> Option<Reading> {
    if cursor.continues(|c| matches!(c, ',' | '.')) {
        return None;
    }
    let captures = ORDINAL.captures(cursor.rest())?;
    let len = captures[0].len();
    if cursor.rest()[len..].starts_with(char::is_alphabetic) {
        return None;
    }
    let n: u64 = captures[1].parse().ok()?;
    let suffix = suffix(&captures[2]);
    let gender = if suffix.feminine { Gender::Feminine } else { Gender::Masculine };
    let first_form = matches!(&captures[2], "er" | "ers" | "re" | "res" | "ère" | "ères" | "ᵉʳ" | "ᵉʳˢ" | "ʳᵉ" | "ʳᵉˢ");
    if n == 0 || (n == 1) != first_form && !suffix.second || suffix.second && n != 2 {
        return None;
    }
    let mut said = if suffix.second {
        if suffix.feminine { "seconde" } else { "second" }.to_owned()
    } else {
        say_ordinal(n, gender, cursor.style)
    };
    if suffix.plural {
        said.push('s');
    }
    Reading::new(len, said)
}
