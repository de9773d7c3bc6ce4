//! Symbols read as words ("&" -> "et", "3 x 4" -> "trois fois quatre"),
//! web addresses ("www.exemple.fr" -> "w w w point exemple point fr") and
//! e-mail addresses ("arobase").

use super::tables;
use super::words::{self, Gender, Style};
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

/// A web address ending in one of the domains of `data/fr/web-domains.txt`.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    let domains: Vec<String> = tables::web_domains().iter().map(|d| regex::escape(d)).collect();
    let pattern = format!(
        r"^(?:https?://)?(?:www\.)?[a-zA-Z0-9][a-zA-Z0-9-]*(?:\.[a-zA-Z0-9-]+)*\.(?:{})(?:/[^\s]*[^\s.,;:!?»)])?",
        domains.join("|")
    );
    Regex::new(&pattern).unwrap()
});
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+").unwrap());

/// An address said piece by piece: words as written, numbers in words,
/// dots, slashes and other marks by name.
fn say_address(address: &str, style: &Style) -> String {
    let mut said: Vec<String> = Vec::new();
    let mut chars = address.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let mark = match c {
            '.' => "point",
            '/' => "slash",
            '@' => "arobase",
            '_' => "tiret bas",
            '-' => "tiret",
            c if c.is_alphanumeric() => {
                let digit = c.is_ascii_digit();
                let mut end = start + c.len_utf8();
                while let Some(&(i, n)) = chars.peek() {
                    if !n.is_alphanumeric() || n.is_ascii_digit() != digit {
                        break;
                    }
                    end = i + n.len_utf8();
                    chars.next();
                }
                let run = &address[start..end];
                // Addresses ignore case; in lower case no rule reads them again.
                said.push(if digit { say_code(run, style) } else { run.to_lowercase() });
                continue;
            }
            _ => continue,
        };
        said.push(mark.to_owned());
    }
    said.join(" ")
}

/// Digits in an address: a number, or one by one when it starts with zero
/// or is too long.
fn say_code(digits: &str, style: &Style) -> String {
    match digits.parse::<u64>() {
        Ok(n) if !digits.starts_with('0') && n <= words::MAX_CARDINAL => words::cardinal(n, Gender::Masculine, style),
        _ => words::digits(digits, style),
    }
}

/// Whether an address with `mark` may start here: none is inside a word,
/// and its mark (a dot, an "@") comes before the next space; a quick look
/// that spares most words the address patterns.
fn starts_address(cursor: &Cursor, mark: char) -> bool {
    let mut word = cursor.rest().bytes().take_while(|b| !b.is_ascii_whitespace());
    word.any(|b| char::from(b) == mark) && !cursor.continues(|c| matches!(c, '.' | '@' | '-' | '/'))
}

pub(super) fn url(cursor: &Cursor) -> Option<Reading> {
    if !starts_address(cursor, '.') {
        return None;
    }
    let found = URL.find(cursor.rest())?.as_str();
    if cursor.rest()[found.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '@') {
        return None;
    }
    let host = found.trim_start_matches("https://").trim_start_matches("http://");
    let (www, host) = match host.strip_prefix("www.") {
        Some(rest) => ("w w w point ", rest),
        None => ("", host),
    };
    Reading::new(found.len(), format!("{www}{}", say_address(host, cursor.style)))
}

pub(super) fn email(cursor: &Cursor) -> Option<Reading> {
    if !starts_address(cursor, '@') {
        return None;
    }
    let found = EMAIL.find(cursor.rest())?.as_str();
    Reading::new(found.len(), say_address(found, cursor.style))
}

pub(super) fn symbol(cursor: &Cursor) -> Option<Reading> {
    let rest = cursor.rest();
    if let Some((symbol, said)) = tables::symbol_at(rest) {
        return Reading::new(symbol.len(), said);
    }
    let previous_is_digit = cursor.written_before().trim_end().ends_with(|c: char| c.is_ascii_digit());
    let next_is_digit = |len: usize| rest[len..].trim_start().starts_with(|c: char| c.is_ascii_digit());
    match rest.chars().next()? {
        // "3 x 4", "4x4": a times sign between numbers.
        'x' | 'X' if previous_is_digit && next_is_digit(1) => Reading::new(1, " fois "),
        // "2 + 2", "Canal+", "C++": what no sign rule took is "plus".
        '+' => Reading::new(1, "plus"),
        // "#MeToo": a hashtag; "@Elysee": an account.
        '#' if rest[1..].starts_with(char::is_alphanumeric) => Reading::new(1, "hashtag "),
        '@' if rest[1..].starts_with(char::is_alphanumeric) => Reading::new(1, "arobase "),
        '#' => Reading::new(1, "dièse"),
        '@' => Reading::new(1, "arobase"),
        _ => None,
    }
}
