//! Language data for the rules, from the files in `data/fr/`.

use std::sync::LazyLock;

use super::words::Gender;
use crate::language_data::{fields, lines, word_set, Map, Set};
pub use crate::language_data::{Abbreviation, Condition};

fn gender(field: &str) -> Gender {
    if field == "f" {
        Gender::Feminine
    } else {
        Gender::Masculine
    }
}

/// A file of two tab-separated fields, the first the key of the second.
/// Split in place, without a vector a line: the noun genders have 44,000.
fn field_map(data: &'static str, file: &str) -> Map<&'static str, &'static str> {
    lines(data)
        .map(|line| {
            let (key, rest) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("data/{file}: 2 tab-separated fields expected in {line:?}"));
            (key, rest.split_once('\t').map_or(rest, |(value, _)| value))
        })
        .collect()
}

static FEMININE: LazyLock<Set<&'static str>> =
    LazyLock::new(|| word_set(include_str!("../../data/fr/feminine-nouns.txt")));

static MASCULINE: LazyLock<Set<&'static str>> =
    LazyLock::new(|| word_set(include_str!("../../data/fr/masculine-nouns.txt")));

static FEMININE_ENDINGS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut endings: Vec<&str> = lines(include_str!("../../data/fr/feminine-endings.txt")).map(str::trim).collect();
    endings.sort_by_key(|e| std::cmp::Reverse(e.len()));
    endings
});

/// Nouns with one gender in Lexique 3.83 (see scripts/noun-gender.py).
static NOUN_GENDERS: LazyLock<Map<&'static str, &'static str>> =
    LazyLock::new(|| field_map(include_str!("../../data/fr/noun-genders.tsv"), "noun-genders.tsv"));

/// The one gender Lexique gives `word`, if it gives one: what `--explain`
/// names apart from the lists and endings that decide the rest.
pub fn lexicon_gender(word: &str) -> Option<Gender> {
    NOUN_GENDERS.get(word).map(|&said| gender(said))
}

/// Whether a number before `word` takes the feminine ("une heure"). A
/// lower-case word is looked up in the lexicon first, which knows most
/// nouns ("41 initiatives", not "21 atomes"); then come the lists, kept
/// for what the lexicon leaves out (names in capitals, forms it gives
/// both genders), and last a feminine ending that is not a listed
/// masculine noun ("requêtes", "joueuses", not "musées").
pub fn is_feminine_noun(word: &str) -> bool {
    if let Some(said) = lexicon_gender(word) {
        return said == Gender::Feminine;
    }
    let lower = word.to_lowercase();
    if FEMININE.contains(word) || FEMININE.contains(lower.as_str()) {
        return true;
    }
    if word != lower || word.chars().count() < 4 {
        return false;
    }
    let singular = lower.strip_suffix(['s', 'x']).unwrap_or(&lower);
    !MASCULINE.contains(singular) && FEMININE_ENDINGS.iter().any(|ending| singular.ends_with(ending))
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
    /// Also written before the amount ("£12", "$5").
    pub before: bool,
}

impl Measure {
    /// The name said after a quantity: agreed when the author wrote a
    /// symbol, as written when the author wrote the word ("1,335 euros").
    pub fn name(&self, plural: bool) -> &'static str {
        if self.symbol == self.singular || self.symbol == self.plural {
            self.symbol
        } else if plural {
            self.plural
        } else {
            self.singular
        }
    }
}

/// Entries of a list by their first character, longest first within each:
/// a rule tries only the entries that can start where it stands, which
/// keeps normalizing fast as the lists grow.
pub struct ByFirst<T: 'static> {
    entries: Map<char, Vec<&'static T>>,
}

impl<T> ByFirst<T> {
    fn new(list: &'static [T], key: fn(&T) -> &str) -> Self {
        let mut entries: Map<char, Vec<&T>> = Map::default();
        for entry in list {
            if let Some(first) = key(entry).chars().next() {
                entries.entry(first).or_default().push(entry);
            }
        }
        for group in entries.values_mut() {
            group.sort_by_key(|entry| std::cmp::Reverse(key(entry).len()));
        }
        ByFirst { entries }
    }

    /// The entries that may start `text`, longest first.
    pub fn starting(&self, text: &str) -> &[&'static T] {
        text.chars().next().and_then(|c| self.entries.get(&c)).map_or(&[], Vec::as_slice)
    }
}

static UNITS: LazyLock<Vec<Measure>> = LazyLock::new(|| {
    lines(include_str!("../../data/fr/units.tsv"))
        .map(|line| {
            let f = fields(line, 4, "units.tsv");
            Measure { symbol: f[0], singular: f[1], plural: f[2], gender: gender(f[3]), cents: None, before: false }
        })
        .collect()
});

static CURRENCIES: LazyLock<Vec<Measure>> = LazyLock::new(|| {
    lines(include_str!("../../data/fr/currencies.tsv"))
        .map(|line| {
            let f = fields(line, 7, "currencies.tsv");
            let cents = Some((f[4], f[5]));
            let before = f[6] == "both";
            Measure { symbol: f[0], singular: f[1], plural: f[2], gender: gender(f[3]), cents, before }
        })
        .collect()
});

static UNIT_INDEX: LazyLock<ByFirst<Measure>> = LazyLock::new(|| ByFirst::new(&UNITS, |m| m.symbol));
static CURRENCY_INDEX: LazyLock<ByFirst<Measure>> = LazyLock::new(|| ByFirst::new(&CURRENCIES, |m| m.symbol));

/// The longest measure from `index` that `text` starts with, as a whole
/// token: "s" is no second in "s'intensifie", nor "m" a metre in "mois".
fn starting(index: &ByFirst<Measure>, text: &str) -> Option<&'static Measure> {
    let whole = |rest: &str| !rest.starts_with(|c: char| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '_'));
    index.starting(text).iter().copied().find(|m| text.strip_prefix(m.symbol).is_some_and(whole))
}

pub fn unit_at(text: &str) -> Option<&'static Measure> {
    starting(&UNIT_INDEX, text)
}

pub fn currency_at(text: &str) -> Option<&'static Measure> {
    starting(&CURRENCY_INDEX, text)
}

/// A currency written before an amount: "£12", "US$ 3", "€ 20".
pub fn currency_before(text: &str) -> Option<&'static Measure> {
    CURRENCY_INDEX.starting(text).iter().copied().filter(|m| m.before).find(|m| text.starts_with(m.symbol))
}

static ABBREVIATIONS: LazyLock<ByFirst<Abbreviation>> = LazyLock::new(|| {
    let said: &'static [Abbreviation] = crate::language_data::abbreviations();
    ByFirst::new(said, |a| a.written)
});

/// The abbreviations that may start `text`, longest first (those the
/// normalizer leaves as written included: it checks `spoken`).
pub fn abbreviations_at(text: &str) -> &'static [&'static Abbreviation] {
    ABBREVIATIONS.starting(text)
}

static ACRONYMS: LazyLock<Map<&'static str, &'static str>> =
    LazyLock::new(|| field_map(include_str!("../../data/fr/acronyms.tsv"), "acronyms.tsv"));

pub fn acronym_reading(acronym: &str) -> Option<&'static str> {
    ACRONYMS.get(acronym).copied()
}

struct RomanContext {
    names: Set<&'static str>,
    before: Set<&'static str>,
    not: Set<&'static str>,
}

static ROMAN: LazyLock<RomanContext> = LazyLock::new(|| {
    let mut context = RomanContext { names: Set::default(), before: Set::default(), not: Set::default() };
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

/// Which ordinal word a suffix stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdinalForm {
    /// "er", "re": premier, première; after 1 only.
    First,
    /// "nd", "nde": second, seconde; after 2 only.
    Second,
    /// "e", "ème": any other number.
    Nth,
}

/// An ordinal suffix as written, and what it says.
#[derive(Debug)]
pub struct OrdinalSuffix {
    pub spelling: &'static str,
    pub form: OrdinalForm,
    pub feminine: bool,
    pub plural: bool,
    /// Also a word ("de"): an ordinal only written against its number.
    pub joined: bool,
}

static ORDINAL_SUFFIXES: LazyLock<Vec<OrdinalSuffix>> = LazyLock::new(|| {
    let mut list: Vec<OrdinalSuffix> = lines(include_str!("../../data/fr/ordinal-suffixes.tsv"))
        .map(|line| {
            let f = fields(line, 4, "ordinal-suffixes.tsv");
            let form = match f[1] {
                "first" => OrdinalForm::First,
                "second" => OrdinalForm::Second,
                "nth" => OrdinalForm::Nth,
                other => panic!("data/fr/ordinal-suffixes.tsv: unknown form {other:?}"),
            };
            let joined = f.get(4) == Some(&"joined");
            OrdinalSuffix { spelling: f[0], form, feminine: f[2] == "f", plural: f[3] == "p", joined }
        })
        .collect();
    list.sort_by_key(|s| std::cmp::Reverse(s.spelling.len()));
    list
});

/// Ordinal suffixes, longest first.
pub fn ordinal_suffixes() -> &'static [OrdinalSuffix] {
    &ORDINAL_SUFFIXES
}

static SYMBOL_LIST: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    lines(include_str!("../../data/fr/symbols.tsv"))
        .map(|line| {
            let f = fields(line, 2, "symbols.tsv");
            (f[0], f[1])
        })
        .collect()
});

static SYMBOLS: LazyLock<ByFirst<(&'static str, &'static str)>> = LazyLock::new(|| ByFirst::new(&SYMBOL_LIST, |s| s.0));

/// The symbol starting `text` and how it is said: "&" -> "et", "γ" -> "gamma".
pub fn symbol_at(text: &str) -> Option<(&'static str, &'static str)> {
    SYMBOLS.starting(text).iter().find(|(symbol, _)| text.starts_with(symbol)).map(|&&s| s)
}

static CIVILITY_FOLLOWERS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| lines(include_str!("../../data/fr/civility-followers.txt")).map(str::trim).collect());

static WEB_DOMAINS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| lines(include_str!("../../data/fr/web-domains.txt")).map(str::trim).collect());

/// Domain endings of web addresses, as listed (longer ones first).
pub fn web_domains() -> &'static [&'static str] {
    &WEB_DOMAINS
}

/// Lower-case words after which a civility is still a title ("M. le
/// maire", "M. de Villepin").
pub fn civility_followers() -> &'static [&'static str] {
    &CIVILITY_FOLLOWERS
}

static IDENTIFIER_WORDS: LazyLock<Set<&'static str>> =
    LazyLock::new(|| word_set(include_str!("../../data/fr/identifier-words.txt")));

/// Whether two numbers joined by a dash after `word` are an identifier
/// ("article 49-3").
pub fn numbers_identifiers(word: &str) -> bool {
    IDENTIFIER_WORDS.contains(word) || IDENTIFIER_WORDS.contains(word.to_lowercase().as_str())
}

static ENGLISH_WORDS: LazyLock<Set<&'static str>> =
    LazyLock::new(|| word_set(include_str!("../../data/en/common-words.txt")));

/// A common English word ("Too", "The"): what follows "Me" in English.
pub fn is_english_word(word: &str) -> bool {
    ENGLISH_WORDS.contains(word.to_lowercase().as_str())
}

static NOT_NOUNS: LazyLock<Set<&'static str>> = LazyLock::new(|| word_set(include_str!("../../data/fr/not-nouns.txt")));
static ADJECTIVES: LazyLock<Set<&'static str>> =
    LazyLock::new(|| word_set(include_str!("../../data/fr/adjectives-before-nouns.txt")));

/// "et" in "un million et demi": no noun, so no "de".
pub fn is_not_noun(word: &str) -> bool {
    NOT_NOUNS.contains(word.to_lowercase().as_str())
}

/// "nouvelles" in "21 nouvelles personnes": the noun comes after it.
pub fn is_adjective_before_noun(word: &str) -> bool {
    ADJECTIVES.contains(word)
}

static ELISIONS: LazyLock<Map<&'static str, &'static str>> =
    LazyLock::new(|| field_map(include_str!("../../data/fr/elided-before-un.tsv"), "elided-before-un.tsv"));

static LONGEST_ELISION: LazyLock<usize> = LazyLock::new(|| ELISIONS.keys().map(|w| w.len()).max().unwrap_or(0));

/// The length in bytes of the longest word that elides ("lorsque"): no
/// need to read further.
pub fn longest_elision() -> usize {
    *LONGEST_ELISION
}

/// "d'" for "de": how a word that elides is written before a vowel.
pub fn elided(word: &str) -> Option<&'static str> {
    ELISIONS.get(word).copied()
}

/// "personnes", "vidéos": a plural the lexicon knows as a noun, which a
/// number before it counts.
pub fn is_plural_noun(word: &str) -> bool {
    word.ends_with(['s', 'x']) && NOUN_GENDERS.contains_key(word)
}

static NUMBERING_NOUNS: LazyLock<Set<&'static str>> =
    LazyLock::new(|| word_set(include_str!("../../data/fr/numbering-nouns.txt")));

/// "article" in "article 700": the number after it names, not counts.
pub fn is_numbering_noun(word: &str) -> bool {
    let capitalized = || word.chars().any(char::is_uppercase);
    NUMBERING_NOUNS.contains(word) || capitalized() && NUMBERING_NOUNS.contains(word.to_lowercase().as_str())
}

/// How a unit's quantities with two decimals are said
/// (`data/fr/unit-hundredths.tsv`).
#[derive(Debug, Clone, Copy)]
pub struct Hundredths {
    /// Said so below this whole number only.
    pub limit: u64,
    /// "zéro cinq" rather than "cinq" for ",05".
    pub as_digits: bool,
}

static HUNDREDTHS: LazyLock<Map<&'static str, Hundredths>> = LazyLock::new(|| {
    lines(include_str!("../../data/fr/unit-hundredths.tsv"))
        .map(|line| {
            let f = fields(line, 3, "unit-hundredths.tsv");
            let limit = f[1].parse().unwrap_or_else(|_| panic!("data/fr/unit-hundredths.tsv: bad limit {:?}", f[1]));
            (f[0], Hundredths { limit, as_digits: f[2] == "digits" })
        })
        .collect()
});

/// Whether two decimals of `unit` are its hundredths ("1,85 m" -> "un
/// mètre quatre-vingt-cinq"), and how they are said.
pub fn hundredths(unit: &Measure) -> Option<Hundredths> {
    HUNDREDTHS.get(unit.singular).copied()
}

static SLASH_PHRASES: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    lines(include_str!("../../data/fr/slash-phrases.tsv"))
        .map(|line| {
            let f = fields(line, 2, "slash-phrases.tsv");
            (f[0], f[1])
        })
        .collect()
});

/// A set phrase with a slash starting `text`, in any case, its length and
/// how it is said: "et/ou" -> "et ou".
pub fn slash_phrase_at(text: &str) -> Option<(usize, &'static str)> {
    // Most words start with no phrase's letter: the cheap test first.
    let first = text.bytes().next()?.to_ascii_lowercase();
    SLASH_PHRASES
        .iter()
        .filter(|(written, _)| written.as_bytes()[0] == first)
        .find(|(written, _)| text.get(..written.len()).is_some_and(|start| start.eq_ignore_ascii_case(written)))
        .map(|&(written, said)| (written.len(), said))
}

/// How the digits after a code word are said (`data/fr/code-words.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeReading {
    /// Digit by digit, group by group: an ISBN.
    Digits,
    /// Each group as a number: a SIRET.
    Groups,
}

static CODE_WORDS: LazyLock<Map<&'static str, CodeReading>> = LazyLock::new(|| {
    lines(include_str!("../../data/fr/code-words.tsv"))
        .map(|line| {
            let f = fields(line, 2, "code-words.tsv");
            let reading = match f[1] {
                "digits" => CodeReading::Digits,
                "groups" => CodeReading::Groups,
                other => panic!("data/fr/code-words.tsv: unknown reading {other:?}"),
            };
            (f[0], reading)
        })
        .collect()
});

/// How the code announced by `word` ("ISBN", "SIRET") is said.
pub fn code_reading(word: &str) -> Option<CodeReading> {
    CODE_WORDS.get(word).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tests::check;

    /// The acronym rule passes over words in lower case without a look.
    #[test]
    fn every_listed_acronym_starts_with_a_capital() {
        for acronym in ACRONYMS.keys() {
            assert!(acronym.starts_with(char::is_uppercase), "data/fr/acronyms.tsv: {acronym}");
        }
    }

    #[test]
    fn the_lexicon_knows_nouns_no_list_has() {
        for feminine in ["initiatives", "rédactions", "licences", "voix", "malfaçons", "doléances", "brebis"] {
            assert!(is_feminine_noun(feminine), "{feminine}");
        }
        for masculine in ["atomes", "ans", "lycées", "squelettes", "parapluies"] {
            assert!(!is_feminine_noun(masculine), "{masculine}");
        }
    }

    #[test]
    fn a_number_agrees_with_the_lexicon_s_gender() {
        check(&[
            ("41 pétitions", "quarante et une pétitions"),
            ("31 brebis", "trente et une brebis"),
            ("21 atomes", "vingt et un atomes"),
            ("61 nouvelles recrues", "soixante et une nouvelles recrues"),
            ("1 fourmi", "une fourmi"),
            ("s'imposer 21-11 face à Lyon", "s'imposer vingt et un à onze face à Lyon"),
            // With no noun of its own, a number counts the clause's earlier one.
            ("par 290 voix contre 261.", "par deux cent quatre-vingt-dix voix contre deux cent soixante et une."),
            ("12 voix pour et 31 contre", "douze voix pour et trente et une contre"),
            (
                "4 fillettes sont sorties et 21 sont restées",
                "quatre fillettes sont sorties et vingt et une sont restées",
            ),
            ("En 48 heures, 21 ont été arrêtés.", "En quarante-huit heures, vingt et un ont été arrêtés."),
            ("gagner 2-1 contre Nice", "gagner deux à un contre Nice"),
            // A capitalized word is a name, not a noun the lexicon gives.
            ("21 Initiatives", "vingt et un Initiatives"),
        ]);
    }
}
