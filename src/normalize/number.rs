//! Cardinal numbers and what follows them: thousands separators, decimal
//! comma, signs, leading zeros, currencies, percentages, units and the
//! gender of the noun counted; ranges ("10-15 ans") and fractions ("1/3").

mod decimals;
mod named;

pub(super) use decimals::{half, hundredths, say_hundredths};
pub(super) use named::named;

use super::tables::{self, Measure};
use super::words::{self, cardinal, Gender, Style};
use super::{Cursor, Reading};
use regex::Regex;
use std::sync::LazyLock;

/// A number as written.
struct Written<'a> {
    sign: Option<&'static str>,
    /// Digits of the integer part, separators removed.
    integer: String,
    fraction: Option<&'a str>,
    /// Decimals after a point rather than a comma.
    point: bool,
    len: usize,
}

impl Written<'_> {
    /// The integer part, when it is small enough to read as a number.
    fn value(&self) -> Option<u64> {
        self.integer.parse().ok().filter(|&v| v <= words::MAX_CARDINAL)
    }

    /// French puts the plural from 2 upward: "1,5 kilomètre".
    fn is_plural(&self) -> bool {
        self.value().is_none_or(|v| v >= 2)
    }
}

/// Thousands grouped by spaces, dots or apostrophes (all one kind), or by
/// commas when there are several groups ("6,492,000"), or plain digits; then an optional decimal comma, or a decimal point that
/// cannot be a thousands dot ("Web 2.0", "1.5").
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:([-−+])\s?)?([0-9]{1,3}(?:[ \u{A0}\u{202F}][0-9]{3})+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:['’][0-9]{3})+|[0-9]{1,3}(?:,[0-9]{3}){2,}|[0-9]+)(?:,([0-9]+)|\.([0-9]{1,2}|[0-9]{4,})\b)?")
        .unwrap()
});

fn ends_word(text: &str) -> bool {
    !text.starts_with(|c: char| c.is_alphanumeric())
}

fn read_written<'a>(cursor: &Cursor<'a>) -> Option<Written<'a>> {
    let written = parse_written(cursor.rest())?;
    match written.sign {
        Some(_) if !is_sign(cursor, &written) => None,
        _ => Some(written),
    }
}

/// A number as written at the start of `text`, its sign included.
fn parse_written(text: &str) -> Option<Written<'_>> {
    let captures = NUMBER.captures(text)?;
    let sign = match captures.get(1).map(|m| m.as_str()) {
        Some("+") => Some("plus"),
        Some(_) => Some("moins"),
        None => None,
    };
    let integer: String = captures[2].chars().filter(char::is_ascii_digit).collect();
    let point = captures.get(4).is_some();
    let fraction = captures.get(3).or(captures.get(4)).map(|m| m.as_str());
    Some(Written { sign, integer, fraction, point, len: captures[0].len() })
}

/// A closing dash later in the text: "des tarifs -100 francs la page-
/// demandés" is an incise between dashes, not a negative number.
static CLOSING_DASH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[^\s\-–—][-–](?:\s|$)").unwrap());

/// Whether the mark before a number is a sign. Not after a word ("Paris-3");
/// a dash and a space are a minus only between numbers ("7 - 2"), else they
/// open a list item or a line of dialogue; a dash glued to the number is no
/// sign when it opens an incise or an ordinal ("-1er février").
fn is_sign(cursor: &Cursor, written: &Written) -> bool {
    if cursor.continues(|c| matches!(c, ')' | '-')) {
        return false;
    }
    let rest = cursor.rest();
    if !rest.starts_with('-') {
        return true;
    }
    if rest[1..].starts_with(char::is_whitespace) {
        let before = cursor.written_before();
        return before.ends_with(char::is_whitespace)
            && before.trim_end().ends_with(|c: char| c.is_ascii_digit() || c == ')');
    }
    let after = &rest[written.len..];
    super::ordinal::suffix_at(after, false).is_none() && !CLOSING_DASH.is_match(after)
}

/// Digits as a number, each leading zero said ("007" -> "zéro zéro sept"),
/// digit by digit when too long for a number.
pub(super) fn say_digits(digits: &str, gender: Gender, style: &Style) -> String {
    let significant = digits.trim_start_matches('0');
    if significant.len() > 15 {
        return words::digits(digits, style);
    }
    let zeros = digits.len() - significant.len();
    let mut said: Vec<String> = Vec::new();
    let leading = if significant.is_empty() { zeros.saturating_sub(1) } else { zeros };
    said.extend(std::iter::repeat_n("zéro".to_owned(), leading));
    if !significant.is_empty() || said.is_empty() {
        said.push(cardinal(significant.parse().unwrap_or(0), gender, style));
    }
    said.join(" ")
}

/// After the decimal comma: as a number up to three digits, else digit by digit.
fn say_fraction(digits: &str, style: &Style) -> String {
    if digits.len() > 3 {
        words::digits(digits, style)
    } else {
        say_digits(digits, Gender::Masculine, style)
    }
}

fn say_number(number: &Written, gender: Gender, style: &Style) -> String {
    let mut said = String::new();
    if let Some(sign) = number.sign {
        said.push_str(sign);
        said.push(' ');
    }
    // The integer part of a decimal is a number on its own: masculine.
    let gender = if number.fraction.is_some() { Gender::Masculine } else { gender };
    said.push_str(&say_digits(&number.integer, gender, style));
    if let Some(fraction) = number.fraction {
        said.push_str(if number.point { " point " } else { " virgule " });
        said.push_str(&say_fraction(fraction, style));
    }
    said
}

/// "de" or "d'" before `word`, as after "un million".
fn de(word: &str) -> &'static str {
    let elides = word.chars().next().is_some_and(|c| "aeiouyéèêàâîôûhAEIOUYÉÈÊÀÂÎÔÛH".contains(c));
    if elides {
        "d'"
    } else {
        "de "
    }
}

/// Nouns of large numbers, followed by "de" before what they count.
const LARGE_NOUNS: [&str; 6] = ["million", "millions", "milliard", "milliards", "billion", "billions"];

fn ends_with_large_noun(said: &str) -> bool {
    LARGE_NOUNS.iter().any(|noun| said.ends_with(noun))
}

/// A unit counted in millions or billions, said in words too: "9 millions
/// de km²" -> "neuf millions de kilomètres carrés". The length of the
/// large noun, "de" and the unit, and what is said.
fn large_unit(number: &Written, text: &str, style: &Style) -> Option<(usize, String)> {
    let (noun, (len, unit)) = LARGE_NOUNS.iter().find_map(|noun| Some((noun, de_unit(text.strip_prefix(*noun)?)?)))?;
    let said = say_number(number, Gender::Masculine, style);
    Some((noun.len() + len, format!("{said} {noun} {unit}")))
}

/// " de km²" after a large noun ("millions", "million et demi"): its
/// length and "de kilomètres carrés".
fn de_unit(after: &str) -> Option<(usize, String)> {
    let after_space = after.strip_prefix(' ')?;
    let unit_text = ["de ", "d'", "d’"].iter().find_map(|de| after_space.strip_prefix(de))?;
    let unit = tables::unit_at(unit_text)?;
    let len = after.len() - unit_text.len() + unit.symbol.len();
    Some((len, format!("{}{}", de(unit.plural), unit.plural)))
}

/// Rule "unit named": a unit symbol no word is spelt like, after an
/// article or "par" with no number ("40 € le MWh", "le prix du kWh"):
/// its name. See `data/fr/units.tsv` for which symbols.
pub(super) fn unit_named(cursor: &Cursor) -> Option<Reading> {
    let rest = cursor.rest();
    if !rest.starts_with(|c: char| c.is_alphabetic()) || cursor.continues(|_| false) {
        return None;
    }
    let elided = matches!(cursor.before().rsplit(' ').next(), Some("l'" | "l’" | "L'" | "L’"));
    if !elided
        && !matches!(cursor.previous_word(), "le" | "la" | "du" | "par" | "au" | "Le" | "La" | "Du" | "Par" | "Au")
    {
        return None;
    }
    let unit = tables::unit_at(rest).filter(|unit| no_word_is_spelt(unit.symbol))?;
    Reading::new(unit.symbol.len(), unit.singular)
}

/// A capital after the first letter beside a lowercase letter ("kWh",
/// "MWh"), or a superscript ("km²"): no French word is written so.
fn no_word_is_spelt(symbol: &str) -> bool {
    let inner_capital = symbol.chars().skip(1).any(char::is_uppercase);
    let lower = symbol.chars().any(char::is_lowercase);
    inner_capital && lower || symbol.contains(['²', '³'])
}

/// Spaces French puts between a number and its unit.
fn skip_spaces(text: &str) -> (usize, &str) {
    let trimmed = text.trim_start_matches([' ', '\u{A0}', '\u{202F}']);
    (text.len() - trimmed.len(), trimmed)
}

/// A number, and whatever it counts.
pub(super) fn number(cursor: &Cursor) -> Option<Reading> {
    if !cursor.rest().starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '−')) {
        return None;
    }
    let number = read_written(cursor)?;
    let after = &cursor.rest()[number.len..];
    let (space, unit_text) = skip_spaces(after);
    let style = cursor.style;
    if let Some(reading) = money(&number, unit_text, style) {
        return per(number.len + space + reading.len, reading.spoken, cursor);
    }
    if let Some((len, said)) = percent(unit_text) {
        return Reading::new(
            number.len + space + len,
            format!("{} {said}", say_number(&number, Gender::Masculine, style)),
        );
    }
    if let Some(unit) = tables::unit_at(unit_text) {
        let name = unit.name(number.is_plural());
        let said = say_number(&number, unit.gender, style);
        let stop =
            if unit.symbol.ends_with('.') && unit_text[unit.symbol.len()..].trim().is_empty() { "." } else { "" };
        return per(number.len + space + unit.symbol.len(), format!("{said} {name}{stop}"), cursor);
    }
    if let Some((len, said)) = large_unit(&number, unit_text, style) {
        return per(number.len + space + len, said, cursor);
    }
    if !ends_word(after) {
        // "5G", "3D": the number alone; the letters stay.
        return Reading::new(number.len, say_number(&number, Gender::Masculine, style));
    }
    let next = cursor.next_word(number.len);
    let noun = counted_noun(cursor, number.len);
    let said = say_number(&number, noun.map_or(Gender::Masculine, noun_gender), style);
    if number.fraction.is_none() && ends_with_large_noun(&said) && takes_de(next) {
        return Reading::new(number.len + space, format!("{said} {}", de(next)));
    }
    let by_lexicon = noun.is_some_and(|noun| tables::lexicon_gender(noun).is_some()) && agrees(&said);
    let reading = Reading::new(number.len, said)?;
    Some(if by_lexicon { reading.named("noun gender") } else { reading })
}

/// Whether a number said `said` agrees with its noun: it ends in "un" or
/// "une" ("vingt et une", not "vingt-deux").
fn agrees(said: &str) -> bool {
    matches!(said.rsplit([' ', '-']).next(), Some("un" | "une"))
}

/// A quantity, and "par" what follows a slash: "10 €/mois" -> "dix euros
/// par mois", "120 g/km" -> "cent vingt grammes par kilomètre".
fn per(len: usize, said: String, cursor: &Cursor) -> Option<Reading> {
    let Some(after) = cursor.rest()[len..].strip_prefix('/') else { return Reading::new(len, said) };
    if let Some(unit) = tables::unit_at(after) {
        return Reading::new(len + 1 + unit.symbol.len(), format!("{said} par {}", unit.singular));
    }
    // "80 mg/100 ml": per so many units.
    if let Some(number) = parse_written(after).filter(|n| n.sign.is_none()) {
        let (space, unit_text) = skip_spaces(&after[number.len..]);
        if let Some(unit) = tables::unit_at(unit_text) {
            let quantity = say_number(&number, unit.gender, cursor.style);
            let name = unit.name(number.is_plural());
            return Reading::new(
                len + 1 + number.len + space + unit.symbol.len(),
                format!("{said} par {quantity} {name}"),
            );
        }
    }
    let word = after.split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    if word.is_empty() || !word.chars().all(char::is_lowercase) {
        return Reading::new(len, said);
    }
    Reading::new(len + 1 + word.len(), format!("{said} par {word}"))
}

/// "un million d'habitants", but not "un million et demi".
fn takes_de(next: &str) -> bool {
    next.starts_with(|c: char| c.is_alphabetic()) && !tables::is_not_noun(next)
}

/// The gender of the noun counted by the number ending `len` bytes after
/// the cursor (see `counted_noun`).
fn counted_gender(cursor: &Cursor, len: usize) -> Gender {
    counted_noun(cursor, len).map_or(Gender::Masculine, noun_gender)
}

fn noun_gender(noun: &str) -> Gender {
    if tables::is_feminine_noun(noun) {
        Gender::Feminine
    } else {
        Gender::Masculine
    }
}

/// The noun counted by the number ending `len` bytes after the cursor,
/// skipping one adjective ("21 nouvelles personnes"). Before a word that
/// is no noun, or none, it is the noun an earlier number of its clause
/// counted ("par 312 voix contre 241", "une personne est décédée et 21 ont
/// été blessées"), else none ("3-1 face à Lens"). Four digits after a
/// month's name are a year, which counts nothing: "le 24 septembre 2021
/// précise" keeps "vingt et un".
fn counted_noun<'a>(cursor: &Cursor<'a>, len: usize) -> Option<&'a str> {
    let written = &cursor.rest()[..len];
    if written.len() == 4 && written.bytes().all(|b| b.is_ascii_digit()) && tables::is_month(cursor.previous_word()) {
        return None;
    }
    let next = cursor.next_word(len);
    if next.is_empty() || tables::is_not_noun(next) {
        return earlier_noun(cursor.written_before());
    }
    if !tables::is_feminine_noun(next) && tables::is_adjective_before_noun(next) {
        let rest = &cursor.rest()[len..];
        let after_adjective = rest.find(next).map_or(len, |i| len + i + next.len());
        return Some(cursor.next_word(after_adjective));
    }
    Some(next)
}

/// The noun the last number of the clause ending `before` counted: "312
/// voix contre", not across a comma ("En 24 heures, 21 ont été
/// interpellés") but after "dont".
fn earlier_noun(before: &str) -> Option<&str> {
    let mut clauses = before.rsplit(['.', ',', ';', ':', '!', '?', '(', ')']);
    let clause = clauses.next().unwrap_or("");
    // "231 licences, dont 81 à des jeunes filles": "dont" takes up the
    // noun of the clause before.
    let clause = if clause.trim() == "dont" { clauses.next().unwrap_or("") } else { clause };
    let words: Vec<&str> = clause.split_whitespace().collect();
    let counted = words.windows(2).rev().find(|pair| pair[0].bytes().all(|b| b.is_ascii_digit()));
    counted.map(|pair| pair[1])
}

fn percent(text: &str) -> Option<(usize, &'static str)> {
    [("%", "pour cent"), ("‰", "pour mille"), ("pour cent", "pour cent")]
        .into_iter()
        .find(|(symbol, _)| text.starts_with(symbol) && ends_word(&text[symbol.len()..]))
        .map(|(symbol, said)| (symbol.len(), said))
}

/// Scales written before a currency symbol: "5 M€", "2,5 Md€", "3 k€".
const SCALES: [(&str, &str, &str); 7] = [
    ("Mds", "milliard", "milliards"),
    ("Mrd", "milliard", "milliards"),
    ("Md", "milliard", "milliards"),
    ("M", "million", "millions"),
    ("G", "milliard", "milliards"),
    ("k", "", ""),
    ("K", "", ""),
];

/// An amount of money: "12,50 €" -> "douze euros cinquante".
fn money(number: &Written, text: &str, style: &Style) -> Option<Reading> {
    for (prefix, singular, plural) in SCALES {
        let Some(after_prefix) = text.strip_prefix(prefix) else { continue };
        let (space, symbol_text) = skip_spaces(after_prefix);
        let Some(currency) = tables::currency_at(symbol_text) else { continue };
        let len = prefix.len() + space + currency.symbol.len();
        if singular.is_empty() {
            // Thousands: "3 k€" is three thousand euros, "1,5 k€" one
            // thousand five hundred.
            let decimals = number.fraction.filter(|f| f.len() <= 3 && !number.point).unwrap_or("");
            let integer = format!("{}{decimals:0<3}", number.integer);
            let thousands = Written { integer, fraction: None, ..*number };
            let said = say_number(&thousands, currency.gender, style);
            return Reading::new(len, format!("{said} {}", currency.plural));
        }
        let noun = if number.is_plural() { plural } else { singular };
        let said = decimals::say_large(number, noun, style);
        return Reading::new(len, format!("{said} {}{}", de(currency.plural), currency.plural));
    }
    let currency = tables::currency_at(text)?;
    Reading::new(currency.symbol.len(), say_money(number, currency, style))
}

fn say_money(number: &Written, currency: &Measure, style: &Style) -> String {
    let (cent_singular, cent_plural) = currency.cents.unwrap_or(("", ""));
    let cents =
        number.fraction.filter(|f| f.len() <= 2).map(|f| if f.len() == 1 { format!("{f}0") } else { f.to_owned() });
    let whole = Written { fraction: None, integer: number.integer.clone(), ..*number };
    match cents {
        Some(cents) => {
            let cents: u64 = cents.parse().unwrap_or(0);
            let value = whole.value().unwrap_or(1);
            if value == 0 && cents > 0 {
                let noun = if cents >= 2 { cent_plural } else { cent_singular };
                return format!("{} {noun}", cardinal(cents, Gender::Masculine, style));
            }
            let noun = currency.name(whole.is_plural());
            let amount = format!("{} {noun}", say_number(&whole, currency.gender, style));
            if cents == 0 {
                amount
            } else {
                format!("{amount} {}", cardinal(cents, Gender::Masculine, style))
            }
        }
        None => {
            let noun = currency.name(number.is_plural());
            let said = say_number(number, currency.gender, style);
            if number.fraction.is_none() && ends_with_large_noun(&said) {
                format!("{said} {}{noun}", de(noun))
            } else {
                format!("{said} {noun}")
            }
        }
    }
}

/// A currency before its amount: "£12 000" -> "douze mille livres", "$5
/// millions" -> "cinq millions de dollars".
pub(super) fn money_before(cursor: &Cursor) -> Option<Reading> {
    if cursor.continues(|_| false) {
        return None;
    }
    let currency = tables::currency_before(cursor.rest())?;
    let (space, amount) = skip_spaces(&cursor.rest()[currency.symbol.len()..]);
    let number = parse_written(amount).filter(|n| n.sign.is_none())?;
    let after = &amount[number.len..];
    let joined = after.strip_prefix(['-', '–', '/']).is_some_and(|rest| !rest.starts_with(' '));
    if !ends_word(after) || joined {
        return None;
    }
    let len = currency.symbol.len() + space + number.len;
    let (gap, next) = skip_spaces(after);
    let large = cursor.next_word(len);
    if LARGE_NOUNS.contains(&large) && next.starts_with(large) {
        let said = decimals::say_large(&number, large, cursor.style);
        return Reading::new(len + gap + large.len(), format!("{said} {}{}", de(currency.plural), currency.plural));
    }
    Reading::new(len, say_money(&number, currency, cursor.style))
}

static POWER: LazyLock<Regex> = LazyLock::new(|| Regex::new("^([0-9]+)([⁻⁺]?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)").unwrap());

/// "10¹²" -> "dix puissance douze", "10⁻³" -> "dix puissance moins trois",
/// "2⁶⁴" -> "deux puissance soixante-quatre". A lone superscript figure
/// after another number is a footnote call ("en 2010¹"), left alone.
pub(super) fn power(cursor: &Cursor) -> Option<Reading> {
    if !cursor.at_digit() || cursor.continues(|_| false) {
        return None;
    }
    let captures = POWER.captures(cursor.rest())?;
    let base = &captures[1];
    let exponent: String = captures[3]
        .chars()
        .filter_map(|c| "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|d| d == c))
        .map(|d| char::from(b'0' + d as u8))
        .collect();
    let sign = if &captures[2] == "⁻" { "moins " } else { "" };
    if !(matches!(base, "10" | "2") || exponent.len() >= 2 || !sign.is_empty()) {
        return None;
    }
    let base = say_digits(base, Gender::Masculine, cursor.style);
    let said = say_digits(&exponent, Gender::Masculine, cursor.style);
    Reading::new(captures[0].len(), format!("{base} puissance {sign}{said}"))
}

static RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]+(?:,[0-9]+)?)\s?[-–]\s?([0-9]+(?:,[0-9]+)?)").unwrap());

/// "10-15 ans" -> "dix à quinze ans", "3-1" -> "trois à un". Says the first
/// number and "à"; the second is read by the number rule, with its unit.
pub(super) fn range(cursor: &Cursor) -> Option<Reading> {
    if !cursor.at_digit() {
        return None;
    }
    if cursor.continues(|c| matches!(c, '-' | '/' | '.' | ',')) {
        return None;
    }
    let captures = RANGE.captures(cursor.rest())?;
    let after = &cursor.rest()[captures[0].len()..];
    if !ends_word(after) && tables::unit_at(after).is_none() || after.starts_with(['-', '–', '/']) {
        return None;
    }
    let second_start = captures.get(2).expect("two numbers").start();
    let joiner = match pair_kind(cursor, &captures[1], &captures[2], after)? {
        Pair::Range => "à",
        Pair::Identifier => "tiret",
    };
    let first = Written {
        sign: None,
        point: false,
        integer: captures[1].split(',').next().unwrap_or("0").to_owned(),
        fraction: captures[1].split_once(',').map(|(_, f)| f),
        len: captures[1].len(),
    };
    let gender = counted_gender(cursor, captures[0].len());
    Reading::new(second_start, format!("{} {joiner} ", say_number(&first, gender, cursor.style)))
}

/// What two numbers joined by a dash are.
enum Pair {
    /// "10-15 ans", "3-1": from one to the other, "à".
    Range,
    /// "L. 642-3", "642-3": a code, its dash said "tiret".
    Identifier,
}

fn is_year(digits: &str) -> bool {
    digits.len() == 4 && digits.parse::<u64>().is_ok_and(|y| (1000..=2199).contains(&y))
}

/// "7 - 2 = 5": an equation, read by the number rule ("moins").
static EQUATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*[=≠<>≤≥]").unwrap());

fn pair_kind(cursor: &Cursor, first: &str, second: &str, after: &str) -> Option<Pair> {
    if EQUATION.is_match(after) {
        return None;
    }
    let value = |digits: &str| digits.parse::<u64>().ok();
    let (a, b) = (value(first), value(second));
    let written = cursor.written_before().trim_end();
    let code_letter = written
        .trim_end_matches('.')
        .rsplit([' ', '('])
        .next()
        .is_some_and(|w| w.chars().count() == 1 && w.starts_with(|c: char| c.is_ascii_uppercase()));
    let numbered = tables::numbers_identifiers(cursor.previous_word());
    // "1990-95", "1974-1975": years, from one to the other; "1112-2" is an
    // article's number.
    let years = is_year(first) && matches!(second.len(), 2 | 4);
    if code_letter || numbered || a.zip(b).is_some_and(|(a, b)| a >= 100 && b < a && !years) {
        return Some(Pair::Identifier);
    }
    // Life dates "(1802-1885)", seasons "2025-2026", pages "12-15": "à".
    Some(Pair::Range)
}

static FRACTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:([0-9]+)[ \u{A0}])?([0-9]{1,2})/([0-9]{1,2})").unwrap());

const FRACTION_CHARACTERS: [(char, &str); 6] = [
    ('½', "un demi"),
    ('¼', "un quart"),
    ('¾', "trois quarts"),
    ('⅓', "un tiers"),
    ('⅔', "deux tiers"),
    ('⅛', "un huitième"),
];

/// A whole number in figures and the unit or noun it counts, ending the
/// text before a "½": "1 litre ", "3 kg ".
static COUNTED_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9,.])[0-9]+[ \u{A0}\u{202F}]+([\p{L}²³]+\.?)[ \u{A0}\u{202F}]*$").unwrap());

/// "½" after a number and what it counts is the half of one more: "1 litre
/// ½" -> "un litre et demi", "2 heures ½" -> "deux heures et demie"; "demi"
/// agrees with the noun's gender, never its number.
fn half_after_measure(cursor: &Cursor) -> Option<Reading> {
    let counted = COUNTED_BEFORE.captures(cursor.written_tail(40))?.get(1)?.as_str();
    let gender = match tables::unit_at(counted).filter(|unit| unit.symbol.len() == counted.len()) {
        Some(unit) => unit.gender,
        None => noun_gender(counted),
    };
    let half = if gender == Gender::Feminine { "et demie" } else { "et demi" };
    Reading::new('½'.len_utf8(), half)
}

/// "1/3" -> "un tiers", "15/20" -> "quinze sur vingt", "½" -> "un demi";
/// a day and month ("24/11") is a date.
pub(super) fn fraction(cursor: &Cursor) -> Option<Reading> {
    let rest = cursor.rest();
    if rest.starts_with('½') {
        if let Some(reading) = half_after_measure(cursor) {
            return Some(reading);
        }
    }
    if let Some(&(c, said)) = FRACTION_CHARACTERS.iter().find(|(c, _)| rest.starts_with(*c)) {
        return Reading::new(c.len_utf8(), said);
    }
    if !cursor.at_digit() || cursor.continues(|c| c == '/') {
        return None;
    }
    let captures = FRACTION.captures(rest)?;
    // "dossier 12/34", "n° 21/10": a reference, read part by part.
    if tables::numbers_identifiers(cursor.previous_word()) {
        return None;
    }
    let after = &rest[captures[0].len()..];
    if !ends_word(after)
        || after.starts_with(|c: char| c == '/' || c == '.' && after[1..].starts_with(|d: char| d.is_ascii_digit()))
    {
        return None;
    }
    let (top, bottom) = (&captures[2], &captures[3]);
    let (a, b): (u64, u64) = (top.parse().ok()?, bottom.parse().ok()?);
    let style = cursor.style;
    let leading_zero = top.starts_with('0') || bottom.starts_with('0');
    if let Some(whole) = captures.get(1) {
        // "1 1/2": "un et demi".
        if leading_zero || a >= b || b > 10 {
            return None;
        }
        let whole = cardinal(whole.as_str().parse().ok()?, Gender::Masculine, style);
        let part = if (a, b) == (1, 2) { "demi".to_owned() } else { say_fraction_of(a, b, style) };
        return Reading::new(captures[0].len(), format!("{whole} et {part}"));
    }
    if leading_zero || a > b {
        let month = tables::month_name(b).filter(|_| (1..=31).contains(&a))?;
        return Reading::new(captures[0].len(), format!("{} {month}", super::date::say_day(a, style)));
    }
    let said = match b {
        0 => return None,
        2..=10 => say_fraction_of(a, b, style),
        _ => format!("{} sur {}", cardinal(a, Gender::Masculine, style), cardinal(b, Gender::Masculine, style)),
    };
    Reading::new(captures[0].len(), said)
}

/// "un demi", "deux tiers", "trois quarts", "cinq huitièmes".
fn say_fraction_of(a: u64, b: u64, style: &Style) -> String {
    let name = match b {
        2 => "demi".to_owned(),
        3 => "tiers".to_owned(),
        4 => "quart".to_owned(),
        b => words::ordinal(b, Gender::Masculine, style),
    };
    let plural = if a > 1 && !name.ends_with('s') { "s" } else { "" };
    format!("{} {name}{plural}", cardinal(a, Gender::Masculine, style))
}
