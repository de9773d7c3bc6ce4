//! Dates ("24/11/2026", "24.11.2026", "2026-11-24", "1 mai") and decades
//! ("les années 80"). Years need no rule of their own: "2012" is read as
//! the number it is.

use super::tables;
use super::words::{cardinal, nominal, ordinal, Gender, Style};
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

static DAY_MONTH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,2})([/.-])([0-9]{1,2})([/.-])([0-9]{4}|[0-9]{2})").unwrap());
/// "17.06": a day and a month, the month on two digits.
static DAY_DOT_MONTH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([0-9]{1,2})\.([0-9]{2})").unwrap());
/// "les 17/18 juin", "17-18-19 juin": several days of one month.
static DAYS_OF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,2}(?:[/-][0-9]{1,2})+[ \u{A0}]+(\p{L}+)").unwrap());
static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})").unwrap());
static FIRST_OF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^0?1(?:[ \u{A0}]+)(\p{L}+)").unwrap());

/// The day of a date: "premier", "deux"... "trente et un".
pub(super) fn say_day(day: u64, style: &Style) -> String {
    if day == 1 {
        ordinal(1, Gender::Masculine, style)
    } else {
        cardinal(day, Gender::Masculine, style)
    }
}

fn say_date(day: u64, month: u64, year: Option<u64>, style: &Style) -> Option<String> {
    let month = tables::month_name(month)?;
    if !(1..=31).contains(&day) {
        return None;
    }
    let mut said = format!("{} {month}", say_day(day, style));
    if let Some(year) = year {
        said.push(' ');
        said.push_str(&nominal(year, style));
    }
    Some(said)
}

/// Two-digit years: "26" is 2026, "98" is 1998.
fn full_year(digits: &str) -> Option<u64> {
    let year: u64 = digits.parse().ok()?;
    Some(match digits.len() {
        2 if year < 50 => 2000 + year,
        2 => 1900 + year,
        _ => year,
    })
}

fn followed_by_word_end(text: &str) -> bool {
    let joined = text.starts_with(|c: char| c.is_alphanumeric() || c == '/' || c == '-');
    let decimal = text.starts_with('.') && text[1..].starts_with(|c: char| c.is_ascii_digit());
    !joined && !decimal
}

pub(super) fn date(cursor: &Cursor) -> Option<Reading> {
    if !cursor.at_digit() {
        return None;
    }
    if cursor.continues(|c| matches!(c, '/' | '.' | '-')) {
        return None;
    }
    let rest = cursor.rest();
    let style = cursor.style;
    if let Some(c) = DAY_MONTH_YEAR.captures(rest) {
        let same_separator = c[2] == c[4];
        if same_separator && followed_by_word_end(&rest[c[0].len()..]) {
            let said = say_date(c[1].parse().ok()?, c[3].parse().ok()?, full_year(&c[5]), style)?;
            return Reading::new(c[0].len(), said);
        }
    }
    if let Some(c) = ISO.captures(rest) {
        if followed_by_word_end(&rest[c[0].len()..]) {
            let said = say_date(c[3].parse().ok()?, c[2].parse().ok()?, c[1].parse().ok(), style)?;
            return Reading::new(c[0].len(), said);
        }
    }
    if let Some(c) = DAY_DOT_MONTH.captures(rest) {
        let (day, month) = (c[1].parse().ok()?, c[2].parse().ok()?);
        if followed_by_word_end(&rest[c[0].len()..]) && (1..=12).contains(&month) {
            if let Some(said) = say_date(day, month, None, style) {
                return Reading::new(c[0].len(), said);
            }
        }
    }
    if let Some(c) = DAYS_OF.captures(rest) {
        if tables::is_month(&c[1]) {
            let days_len = c.get(1).expect("month").start();
            let days: Option<Vec<String>> = rest[..days_len]
                .split(['/', '-'])
                .map(|d| d.trim().parse().ok().filter(|d| (1..=31).contains(d)).map(|d| say_day(d, style)))
                .collect();
            return Reading::new(days_len, format!("{} ", days?.join(" ")));
        }
    }
    if let Some(c) = FIRST_OF.captures(rest) {
        if tables::is_month(&c[1]) {
            let day_len = c.get(1).expect("month").start();
            return Reading::new(day_len, format!("{} ", say_day(1, style)));
        }
    }
    None
}

/// "les années 80" -> "les années quatre-vingt": a decade takes no plural s.
pub(super) fn decade(cursor: &Cursor) -> Option<Reading> {
    if !cursor.at_digit() || !cursor.previous_word().eq_ignore_ascii_case("années") {
        return None;
    }
    let rest = cursor.rest();
    let len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let digits = &rest[..len];
    if !matches!(len, 2 | 4) || !digits.ends_with('0') || rest[len..].starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let said = nominal(digits.parse().ok()?, cursor.style);
    // "les années 1990-2000": from one decade to the other.
    let after = &rest[len..];
    match after.strip_prefix(['-', '–']).filter(|next| next.starts_with(|c: char| c.is_ascii_digit())) {
        Some(next) => Reading::new(rest.len() - next.len(), format!("{said} à ")),
        None => Reading::new(len, said),
    }
}
