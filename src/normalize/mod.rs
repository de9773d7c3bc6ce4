//! Written French to the words a newsreader says: numbers, ordinals, dates,
//! times, money, units, Roman numerals, abbreviations, acronyms and symbols.
//!
//! The text is walked once. At each token start, a user lexicon is tried
//! first, then an ordered list of small rules, each a class of its own
//! module; the first that recognises what starts there says it in words.
//! Anything else passes through untouched, so the output of a pass holds
//! nothing a rule recognises: normalizing is idempotent.

mod abbreviation;
mod acronym;
mod clean;
mod code;
mod date;
mod elision;
mod lexicon;
mod number;
mod ordinal;
mod phone;
mod reference;
mod roman;
mod slash;
mod symbol;
mod tables;
mod time;
pub mod words;

pub use lexicon::Lexicon;
pub use words::{Dialect, Spelling};

use std::cell::Cell;
use words::Style;

/// How to read numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub dialect: Dialect,
    pub spelling: Spelling,
}

/// Normalizes text with the given options and lexicon.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Normalizer {
    style: Style,
    lexicon: Lexicon,
}

/// What a rule recognised at the cursor: how many bytes, said how.
#[derive(Debug, PartialEq)]
struct Reading {
    len: usize,
    spoken: String,
    /// A finer name than the rule's for `--explain`, when one of its
    /// classes decided the reading ("noun gender" within "number").
    class: Option<&'static str>,
}

impl Reading {
    fn new(len: usize, spoken: impl Into<String>) -> Option<Self> {
        Some(Reading { len, spoken: spoken.into(), class: None })
    }

    /// The reading, explained under the name of the class that decided it.
    fn named(self, class: &'static str) -> Self {
        Reading { class: Some(class), ..self }
    }
}

/// The text and a position in it, as rules see them. Rules look ahead in
/// the text and behind in what has been said so far, so that a second pass
/// sees the same context behind as the first.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
    said: &'a str,
    style: &'a Style,
    /// The whole text is written in capitals: leave capitalized words be.
    in_capitals: bool,
    /// Capitalized words the acronym rule read by its own judgement.
    guessed_acronyms: &'a Cell<usize>,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    /// Whether a digit starts here: most rules read only from one.
    fn at_digit(&self) -> bool {
        self.rest().starts_with(|c: char| c.is_ascii_digit())
    }

    /// What has been said before the cursor.
    fn before(&self) -> &'a str {
        self.said
    }

    /// The text as written before the cursor, for the rare rule that needs
    /// the figures themselves ("3 x 4").
    fn written_before(&self) -> &'a str {
        &self.text[..self.at]
    }

    /// The last `bytes` or so of the text before the cursor: what a rule
    /// that looks a few words back matches a pattern on, rather than the
    /// whole text at every step.
    fn written_tail(&self, bytes: usize) -> &'a str {
        let written = self.written_before();
        let start = (written.len().saturating_sub(bytes)..=written.len()).find(|&i| written.is_char_boundary(i));
        &written[start.unwrap_or(written.len())..]
    }

    /// Whether the cursor continues a word: what was said ends with a
    /// letter or digit, or with a character `joins` accepts.
    fn continues(&self, joins: impl Fn(char) -> bool) -> bool {
        self.before().ends_with(|c: char| c.is_alphanumeric() || joins(c))
    }

    /// The word just before the cursor, skipping spaces and a full stop.
    /// Letters only: digits glued to it are read apart.
    fn previous_word(&self) -> &'a str {
        let before = self.before().trim_end().trim_end_matches('.');
        let is_letter = |c: char| c.is_alphabetic() || c == '-';
        let start = before.char_indices().rev().find(|&(_, c)| !is_letter(c)).map_or(0, |(i, c)| i + c.len_utf8());
        &before[start..]
    }

    /// The word right after `len` bytes from the cursor, skipping spaces.
    fn next_word(&self, len: usize) -> &'a str {
        let after = self.rest()[len..].trim_start();
        let end = after.find(|c: char| !is_word_char(c)).unwrap_or(after.len());
        &after[..end]
    }
}

type Rule = fn(&Cursor) -> Option<Reading>;

/// In order: the first rule that recognises what starts at the cursor wins.
const RULES: [(&str, Rule); 26] = [
    ("url", symbol::url),
    ("email", symbol::email),
    ("phone", phone::phone),
    ("code", code::code),
    ("date", date::date),
    ("decade", date::decade),
    ("race time", time::race_time),
    ("time", time::time),
    ("ordinal", ordinal::ordinal),
    ("roman", roman::roman),
    ("roman list", roman::listed),
    ("reference", reference::reference),
    ("money", number::money_before),
    ("power", number::power),
    ("fraction", number::fraction),
    ("range", number::range),
    ("named", number::named),
    ("hundredths", number::hundredths),
    ("half", number::half),
    ("number", number::number),
    ("unit named", number::unit_named),
    ("elision", elision::elision),
    ("slash", slash::slash),
    ("abbreviation", abbreviation::abbreviation),
    ("acronym", acronym::acronym),
    ("symbol", symbol::symbol),
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

/// Rules may start where a word starts, where digits follow letters
/// ("A380"), or on any other character.
fn is_token_start(text: &str, at: usize) -> bool {
    let Some(previous) = text[..at].chars().next_back() else { return true };
    starts_token(previous, text[at..].chars().next().unwrap_or(' '))
}

fn starts_token(previous: char, current: char) -> bool {
    !previous.is_alphanumeric() || !current.is_alphanumeric() || (current.is_ascii_digit() && !previous.is_numeric())
}

impl Normalizer {
    pub fn new(options: Options, lexicon: Lexicon) -> Self {
        Normalizer { style: Style { dialect: options.dialect, spelling: options.spelling }, lexicon }
    }

    /// The same normalizer reading numbers as `dialect` says them: for a
    /// service whose requests each choose their voice, and so its region.
    pub fn with_dialect(mut self, dialect: Dialect) -> Self {
        self.style.dialect = dialect;
        self
    }

    /// The spoken form of `text`.
    pub fn normalize(&self, text: &str) -> String {
        self.run(text, None)
    }

    /// The spoken form of `text`, and every span a rule rewrote, in order:
    /// what a newsroom needs to see why a reading happened.
    pub fn explain(&self, text: &str) -> (String, Vec<Rewrite>) {
        let mut rewrites = Vec::new();
        let said = self.run(text, Some(&mut rewrites));
        (said, rewrites)
    }

    /// The spoken form of `text`, the rewrites logged only when asked for:
    /// plain normalizing keeps no copy of each span.
    fn run(&self, text: &str, mut rewrites: Option<&mut Vec<Rewrite>>) -> String {
        let text = collapse_spaces(clean::clean(&text.replace('\t', " "), rewrites.as_deref_mut()));
        let cleaned = rewrites.as_deref().map_or(0, Vec::len);
        let guessed_acronyms = Cell::new(0);
        let said = self.say(&text, false, &guessed_acronyms, rewrites.as_deref_mut());
        if guessed_acronyms.get() < acronym::HEADLINE_CAPITALS {
            return said;
        }
        // Many unknown words in capitals: a headline written in capitals.
        if let Some(log) = rewrites.as_deref_mut() {
            log.truncate(cleaned);
        }
        self.say(&text, true, &guessed_acronyms, rewrites)
    }

    /// The first reading at the cursor: the lexicon's, else the first rule's.
    fn read(&self, cursor: &Cursor) -> Option<(Reading, &'static str)> {
        if let Some(reading) = self.lexicon.replace(cursor) {
            return Some((reading, "lexicon"));
        }
        RULES.iter().find_map(|(name, rule)| {
            rule(cursor).map(|reading| {
                let name = reading.class.unwrap_or(name);
                (reading, name)
            })
        })
    }

    fn say(
        &self,
        text: &str,
        in_capitals: bool,
        guessed_acronyms: &Cell<usize>,
        mut rewrites: Option<&mut Vec<Rewrite>>,
    ) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 4);
        let mut at = 0;
        let mut after_reading = true;
        while at < text.len() {
            if (after_reading || is_token_start(text, at)) && !text[at..].starts_with(' ') {
                let cursor = Cursor { text, at, said: &out, style: &self.style, in_capitals, guessed_acronyms };
                if let Some((reading, rule)) = self.read(&cursor) {
                    let start = at;
                    at += reading.len.max(1);
                    at = (at..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
                    if let Some(log) = rewrites.as_deref_mut() {
                        log.push(Rewrite { written: text[start..at].to_owned(), spoken: reading.spoken.clone(), rule });
                    }
                    // "A380" -> "A trois cent quatre-vingts", "5G" -> "cinq G";
                    // and no new address from "$.fr". A hyphen stays glued:
                    // "Covid-19" is no minus sign.
                    let next = text[at..].chars().take(2).collect::<Vec<_>>();
                    let joins = |c: &char| matches!(c, '.' | '@' | '/' | '_');
                    let glued_after = match next.as_slice() {
                        [c, ..] if c.is_alphanumeric() => true,
                        [c, d] => joins(c) && d.is_alphanumeric(),
                        _ => false,
                    };
                    push_word(&mut out, &reading.spoken, glued_after);
                    after_reading = true;
                    continue;
                }
            }
            after_reading = false;
            // The character, and the rest of its word up to where a rule
            // may start again, copied as written.
            let mut previous = None;
            for c in text[at..].chars() {
                if previous.is_some_and(|p| starts_token(p, c)) {
                    break;
                }
                out.push(c);
                at += c.len_utf8();
                previous = Some(c);
            }
        }
        collapse_spaces(out)
    }
}

/// A span of the text a rule rewrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub written: String,
    pub spoken: String,
    /// The rule's name ("time", "number", "lexicon"...).
    pub rule: &'static str,
}

/// Appends spoken words, kept apart from letters on either side.
fn push_word(out: &mut String, spoken: &str, glued_after: bool) {
    let alphanumeric_edge = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    if alphanumeric_edge(out.chars().next_back()) && alphanumeric_edge(spoken.chars().next()) {
        out.push(' ');
    }
    out.push_str(spoken);
    if glued_after && alphanumeric_edge(spoken.chars().next_back()) {
        out.push(' ');
    }
}

/// Runs of spaces as one: what rules leave doubled, and what they would
/// otherwise see differently on a second pass.
fn collapse_spaces(text: String) -> String {
    if !text.contains("  ") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests;
