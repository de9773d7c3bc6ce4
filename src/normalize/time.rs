//! Times of day and durations: "14h30", "14 h 30", "8h05", "21h", "14:30".
//! Hours agree with "heure" (feminine): "vingt et une heures", "une heure".

use super::words::{cardinal, Gender, Style};
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

static HOURS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,2})[ \u{A0}\u{202F}]?[hH](?:[ \u{A0}\u{202F}]?([0-9]{2}))?").unwrap());
static CLOCK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?").unwrap());

fn say_time(hours: u64, minutes: u64, seconds: Option<u64>, style: &Style) -> Option<String> {
    if hours > 24 || minutes > 59 || seconds.is_some_and(|s| s > 59) {
        return None;
    }
    let hour_word = if hours >= 2 { "heures" } else { "heure" };
    let mut said = format!("{} {hour_word}", cardinal(hours, Gender::Feminine, style));
    if minutes > 0 || seconds.is_some() {
        said.push(' ');
        // Minutes are understood: "quatorze heures vingt et une".
        said.push_str(&cardinal(minutes, Gender::Feminine, style));
    }
    if let Some(seconds) = seconds.filter(|&s| s > 0) {
        let minute_word = if minutes >= 2 { "minutes" } else { "minute" };
        let second_word = if seconds >= 2 { "secondes" } else { "seconde" };
        said = format!("{said} {minute_word} {} {second_word}", cardinal(seconds, Gender::Feminine, style));
    }
    Some(said)
}

pub(super) fn time(cursor: &Cursor) -> Option<Reading> {
    if !cursor.at_digit() {
        return None;
    }
    if cursor.continues(|c| matches!(c, ':' | ',' | '.')) {
        return None;
    }
    let rest = cursor.rest();
    let (captures, seconds) = match HOURS.captures(rest) {
        Some(c) => (c, None),
        None => {
            let c = CLOCK.captures(rest)?;
            let seconds = c.get(3).and_then(|s| s.as_str().parse().ok());
            (c, seconds)
        }
    };
    let len = captures[0].len();
    if rest[len..].starts_with(|c: char| c.is_alphabetic() || c == ':') {
        return None;
    }
    let hours = captures[1].parse().ok()?;
    let minutes = captures.get(2).map_or(Some(0), |m| m.as_str().parse().ok())?;
    let mut said = say_time(hours, minutes, seconds, cursor.style)?;
    // "2 h 15 min": a duration, its minutes named.
    let len = match MINUTES.find(&rest[len..]) {
        Some(unit) if captures.get(2).is_some() && seconds.is_none() => {
            said.push_str(if minutes >= 2 { " minutes" } else { " minute" });
            len + unit.end()
        }
        _ => len,
    };
    // "14h30-16h": the second time follows "à".
    match UNTIL.find(&rest[len..]) {
        Some(dash) if HOURS.is_match(&rest[len + dash.end()..]) || CLOCK.is_match(&rest[len + dash.end()..]) => {
            Reading::new(len + dash.end(), format!("{said} à "))
        }
        _ => Reading::new(len, said),
    }
}

static MINUTES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[ \u{A0}\u{202F}]?(?:min|mn)\b").unwrap());
static UNTIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[ \u{A0}]?[-–][ \u{A0}]?").unwrap());
