//! Language data for the rules, from the files in `data/fr/`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::words::Gender;

/// Data lines: not empty, not comments.
fn lines(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

fn fields(line: &'static str, count: usize, file: &str) -> Vec<&'static str> {
    let fields: Vec<&str> = line.split('\t').collect();
    assert!(fields.len() >= count, "data/fr/{file}: {count} tab-separated fields expected in {line:?}");
    fields
}

fn gender(field: &str) -> Gender {
    if field == "f" {
        Gender::Feminine
    } else {
        Gender::Masculine
    }
}

static FEMININE: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lines(include_str!("../../data/fr/feminine-nouns.txt")).map(str::trim).collect());

/// Whether a number before `word` takes the feminine ("une heure").
pub fn is_feminine_noun(word: &str) -> bool {
    FEMININE.contains(word) || FEMININE.contains(word.to_lowercase().as_str())
}

/// Something measured or counted after a number: a unit or a currency.
#[derive(Debug)]
pub struct Measure {
    pub symbol: &'static str,
    pub singular: &'static str,
    pub plural: &'static str,
    pub gender: Gender,
    /// Currencies only: the name of a hundredth (centime, cent, penny).
    pub cents: Option<(&'static str, &'static str)>,
}

fn by_length(mut list: Vec<Measure>) -> Vec<Measure> {
    list.sort_by_key(|m| std::cmp::Reverse(m.symbol.len()));
    list
}

static UNITS: LazyLock<Vec<Measure>> = LazyLock::new(|| {
    by_length(
        lines(include_str!("../../data/fr/units.tsv"))
            .map(|line| {
                let f = fields(line, 4, "units.tsv");
                Measure { symbol: f[0], singular: f[1], plural: f[2], gender: gender(f[3]), cents: None }
            })
            .collect(),
    )
});

static CURRENCIES: LazyLock<Vec<Measure>> = LazyLock::new(|| {
    by_length(
        lines(include_str!("../../data/fr/currencies.tsv"))
            .map(|line| {
                let f = fields(line, 6, "currencies.tsv");
                Measure { symbol: f[0], singular: f[1], plural: f[2], gender: gender(f[3]), cents: Some((f[4], f[5])) }
            })
            .collect(),
    )
});

/// The longest measure from `list` that `text` starts with, as a whole word.
fn starting(list: &'static [Measure], text: &str) -> Option<&'static Measure> {
    list.iter().find(|m| text.strip_prefix(m.symbol).is_some_and(|rest| !rest.starts_with(char::is_alphabetic)))
}

pub fn unit_at(text: &str) -> Option<&'static Measure> {
    starting(&UNITS, text)
}

pub fn currency_at(text: &str) -> Option<&'static Measure> {
    starting(&CURRENCIES, text)
}

/// An abbreviation and when it may be expanded.
#[derive(Debug)]
pub struct Abbreviation {
    pub written: &'static str,
    pub spoken: &'static str,
    pub condition: Condition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    /// A capitalized word follows ("M. Dupont").
    BeforeName,
    /// A number follows ("p. 12").
    BeforeNumber,
}

pub static ABBREVIATIONS: LazyLock<Vec<Abbreviation>> = LazyLock::new(|| {
    let mut list: Vec<Abbreviation> = lines(include_str!("../../data/fr/abbreviations.tsv"))
        .map(|line| {
            let f = fields(line, 2, "abbreviations.tsv");
            let condition = match f.get(2).copied().unwrap_or("") {
                "name" => Condition::BeforeName,
                "number" => Condition::BeforeNumber,
                "" => Condition::Always,
                other => panic!("data/fr/abbreviations.tsv: unknown condition {other:?}"),
            };
            Abbreviation { written: f[0], spoken: f[1], condition }
        })
        .collect();
    list.sort_by_key(|a| std::cmp::Reverse(a.written.len()));
    list
});

static ACRONYMS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    lines(include_str!("../../data/fr/acronyms.tsv"))
        .map(|line| {
            let f = fields(line, 2, "acronyms.tsv");
            (f[0], f[1])
        })
        .collect()
});

pub fn acronym_reading(acronym: &str) -> Option<&'static str> {
    ACRONYMS.get(acronym).copied()
}

struct RomanContext {
    names: HashSet<&'static str>,
    before: HashSet<&'static str>,
    not: HashSet<&'static str>,
}

static ROMAN: LazyLock<RomanContext> = LazyLock::new(|| {
    let mut context = RomanContext { names: HashSet::new(), before: HashSet::new(), not: HashSet::new() };
    for line in lines(include_str!("../../data/fr/roman.tsv")) {
        let f = fields(line, 2, "roman.tsv");
        let set = match f[0] {
            "name" => &mut context.names,
            "before" => &mut context.before,
            "not" => &mut context.not,
            other => panic!("data/fr/roman.tsv: unknown kind {other:?}"),
        };
        set.insert(f[1]);
    }
    context
});

/// "Louis" in "Louis XIV".
pub fn is_regnal_name(word: &str) -> bool {
    ROMAN.names.contains(word)
}

/// "tome" in "tome III".
pub fn counts_in_roman(word: &str) -> bool {
    ROMAN.before.contains(word) || ROMAN.before.contains(word.to_lowercase().as_str())
}

/// "CD", "MIX": capital words that are never numbers.
pub fn is_never_roman(word: &str) -> bool {
    ROMAN.not.contains(word)
}

static MONTHS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| lines(include_str!("../../data/fr/months.txt")).collect());

/// The name of month `n` (1 to 12).
pub fn month_name(n: u64) -> Option<&'static str> {
    usize::try_from(n).ok().and_then(|n| n.checked_sub(1)).and_then(|i| MONTHS.get(i).copied())
}

/// Whether `word` is a month name.
pub fn is_month(word: &str) -> bool {
    let lower = word.to_lowercase();
    MONTHS.iter().any(|m| *m == lower)
}
