//! Times of day and durations: "14h30", "14 h 30", "8h05", "21h", "14:30".
//! Hours agree with "heure" (feminine): "vingt et une heures", "une heure".
//! Race and lap times with prime marks: "1'56"40", "1h02'14"", "41"78".

use super::number::say_hundredths;
use super::tables;
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

/// A time in minutes and seconds marked with primes, hours before and
/// hundredths after perhaps: "1'56"40", "1h02'14"", "3′05″". The second
/// mark is required: "2'30" alone may be anything.
static LAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^(?:([0-9]{1,2})[hH])?([0-9]{1,2})['′’]([0-9]{2})["″”]([0-9]{2})?"#).unwrap());

/// Seconds and their hundredths ("41"78"), or seconds with the double
/// prime, which is never a quotation mark ("9″"). A straight or curly
/// quote after a number alone ("à 9" du record") may close a quotation:
/// left as it is.
static SECONDS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"^([0-9]{1,2})(?:["″”]([0-9]{2})|″)"#).unwrap());

/// Rule "race time": a time marked with primes, each part named and the
/// hundredths said as after "9,58 s": "une minute cinquante-six secondes
/// quarante", "quarante et une secondes soixante-dix-huit".
pub(super) fn race_time(cursor: &Cursor) -> Option<Reading> {
    if !cursor.at_digit() || cursor.continues(|c| matches!(c, ',' | '.' | ':' | '\'' | '’' | '"')) {
        return None;
    }
    let rest = cursor.rest();
    let (len, parts) = match LAP.captures(rest) {
        Some(c) => (c[0].len(), [c.get(1), c.get(2), c.get(3), c.get(4)]),
        None => {
            let c = SECONDS.captures(rest)?;
            (c[0].len(), [None, None, c.get(1), c.get(2)])
        }
    };
    if rest[len..].starts_with(|c: char| c.is_alphanumeric() || "'’\"″”′".contains(c)) {
        return None;
    }
    let value = |i: usize| parts[i].and_then(|m| m.as_str().parse::<u64>().ok());
    let (hours, minutes, seconds) = (value(0), value(1), value(2)?);
    if seconds > 59 || minutes.is_some_and(|m| m > 59) {
        return None;
    }
    let style = cursor.style;
    let mut said: Vec<String> = [(hours, "heure"), (minutes, "minute"), (Some(seconds), "seconde")]
        .into_iter()
        .filter_map(|(n, name)| n.map(|n| format!("{} {name}{}", cardinal(n, Gender::Feminine, style), plural(n))))
        .collect();
    if let Some(fraction) = parts[3] {
        let unit = tables::unit_at("s")?;
        said.push(say_hundredths(fraction.as_str(), tables::hundredths(unit)?, style)?);
    }
    Reading::new(len, said.join(" "))
}

fn plural(n: u64) -> &'static str {
    if n >= 2 {
        "s"
    } else {
        ""
    }
}
