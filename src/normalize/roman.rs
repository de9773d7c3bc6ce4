//! Roman numerals, which are also ordinary capital letters: read only when
//! the context says so. With an ordinal suffix ("XXIe siècle", "IIIe
//! République", "François Ier"), after a regnal name or a capitalized title
//! ("Louis XIV", "Jean-Paul II", "Rocky III"), or after a counting word
//! ("tome III").

use super::ordinal::{say as say_ordinal, suffix_at};
use super::tables;
use super::words::{cardinal, Gender, Style};
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

static NUMERAL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[IVXLCDM]+").unwrap());

/// The value of a Roman numeral written the standard way, else `None`.
pub fn value(numeral: &str) -> Option<u64> {
    let digit = |c| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let values: Vec<u64> = numeral.chars().map(digit).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, &v) in values.iter().enumerate() {
        if values.get(i + 1).is_some_and(|&next| next > v) {
            total -= v as i64;
        } else {
            total += v as i64;
        }
    }
    let total = u64::try_from(total).ok().filter(|&t| (1..4000).contains(&t))?;
    (to_roman(total) == numeral).then_some(total)
}

fn to_roman(mut n: u64) -> String {
    const PARTS: [(u64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in PARTS {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase) && word.chars().skip(1).any(char::is_lowercase)
}

/// "L. 642-3" (a code), "V. Hugo" (an initial): a lone letter with a
/// full stop and more text after it is not a numeral ("Charles V." ending
/// a sentence is).
fn is_letter_with_stop(numeral: &str, after: &str) -> bool {
    let Some(next) = after.strip_prefix('.') else { return false };
    numeral.len() == 1 && !next.trim().is_empty()
}

pub(super) fn roman(cursor: &Cursor) -> Option<Reading> {
    if cursor.continues(|_| false) {
        return None;
    }
    let rest = cursor.rest();
    let numeral = NUMERAL.find(rest)?.as_str();
    let after = &rest[numeral.len()..];
    let n = value(numeral)?;
    let style = cursor.style;
    // "Le", "De", "Ces", "Me" are words, not numbers.
    let word_like = numeral.len() == 1 && "LCDM".contains(numeral);
    if let Some((len, suffix)) = suffix_at(after, numeral.len() > 1).filter(|_| !word_like) {
        return Reading::new(numeral.len() + len, say_ordinal(n, suffix, style)?);
    }
    if after.starts_with(char::is_alphabetic) || is_letter_with_stop(numeral, after) {
        return None;
    }
    if tables::is_never_roman(numeral) {
        return None;
    }
    let previous = cursor.previous_word();
    let regnal = tables::is_regnal_name(previous) || (numeral.len() >= 2 && is_capitalized(previous));
    if regnal {
        let said = if n == 1 { "premier".to_owned() } else { cardinal(n, Gender::Masculine, style) };
        return Reading::new(numeral.len(), said);
    }
    // "article L" is the letter of a code, not fifty.
    if word_like || !tables::counts_in_roman(previous) {
        return None;
    }
    say_counted(numeral, n, after, style)
}

/// A numeral that goes on a list or range of counted numerals: "II" and
/// "III" in "tomes I, II et III", "VIII" in "chapitres VI-VIII".
pub(super) fn listed(cursor: &Cursor) -> Option<Reading> {
    let rest = cursor.rest();
    // The cheap test first, as rules run at every word: a list goes on
    // with I, V or X, or with two numeral letters ("LX", "CC"), never with
    // "Le" or "Des".
    let numeral_letter = |b: Option<&u8>| b.is_some_and(|b| b"IVXLCDM".contains(b));
    let bytes = rest.as_bytes();
    let may_start = rest.starts_with(['I', 'V', 'X']) || numeral_letter(bytes.get(1)) && numeral_letter(bytes.first());
    if !may_start || cursor.continues(|_| false) {
        return None;
    }
    let numeral = NUMERAL.find(rest)?.as_str();
    let after = &rest[numeral.len()..];
    let word_like = matches!(numeral, "L" | "C" | "D" | "M") || tables::is_never_roman(numeral);
    if word_like || after.starts_with(char::is_alphabetic) || is_letter_with_stop(numeral, after) {
        return None;
    }
    let n = value(numeral)?;
    if !continues_list(cursor.written_before()) {
        return None;
    }
    say_counted(numeral, n, after, cursor.style)
}

/// A counted numeral as a cardinal; before a dash and another numeral,
/// "à": "chapitres VI-VIII" -> "six à huit".
fn say_counted(numeral: &str, n: u64, after: &str, style: &Style) -> Option<Reading> {
    let said = cardinal(n, Gender::Masculine, style);
    match after.strip_prefix(['-', '–']).and_then(|next| NUMERAL.find(next)) {
        Some(next) if value(next.as_str()).is_some() => Reading::new(numeral.len() + 1, format!("{said} à ")),
        _ => Reading::new(numeral.len(), said),
    }
}

/// Words and marks that join the numerals of a list or range.
const LIST_JOINERS: [&str; 6] = [",", "et", "à", "ou", "-", "–"];

/// Whether `before` ends with a Roman numeral that counts, and a joiner:
/// "tomes I, II et" before "III", "annexes II à" before "V", "chapitres
/// VI-" before "VIII". Single letters that are also words or initials (L,
/// C, D, M) do not carry a list on.
fn continues_list(before: &str) -> bool {
    let mut text = before;
    // A list of a dozen numerals at most: the walk back is bounded.
    for _ in 0..12 {
        let trimmed = text.trim_end();
        let Some(joined) = LIST_JOINERS.iter().find_map(|j| strip_word(trimmed, j)) else { return false };
        let joined = joined.trim_end();
        let start = word_start(joined, |c| c.is_ascii_uppercase());
        let numeral = &joined[start..];
        if value(numeral).is_none() || tables::is_never_roman(numeral) || matches!(numeral, "L" | "C" | "D" | "M") {
            return false;
        }
        let head = &joined[..start];
        let head_trimmed = head.trim_end();
        if tables::counts_in_roman(&head_trimmed[word_start(head_trimmed, char::is_alphabetic)..]) {
            return true;
        }
        text = head;
    }
    false
}

/// Where the run of characters `belongs` accepts ends `text`.
fn word_start(text: &str, belongs: fn(char) -> bool) -> usize {
    text.char_indices().rfind(|&(_, c)| !belongs(c)).map_or(0, |(i, c)| i + c.len_utf8())
}

/// `text` without `joiner` at its end, a word joiner standing as a word.
fn strip_word<'a>(text: &'a str, joiner: &str) -> Option<&'a str> {
    let rest = text.strip_suffix(joiner)?;
    let is_word = joiner.chars().all(char::is_alphabetic);
    (!is_word || rest.ends_with(' ')).then_some(rest)
}
