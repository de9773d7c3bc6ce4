//! Numbers as French words: cardinals up to 999 999 999 999 999 and
//! ordinals, in traditional or 1990 spelling, for France, Belgium or
//! Switzerland, masculine or feminine.

/// Where the French is spoken: Belgium and Switzerland say septante and
/// nonante, Switzerland also huitante.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Dialect {
    #[default]
    #[cfg_attr(feature = "cli", value(name = "fr-FR"))]
    France,
    #[cfg_attr(feature = "cli", value(name = "fr-BE"))]
    Belgium,
    #[cfg_attr(feature = "cli", value(name = "fr-CH"))]
    Switzerland,
}

impl Dialect {
    /// The dialect of a voice, from the region its name gives: "fr-BE",
    /// or a Piper model named like `fr_BE-…onnx`. France for any other.
    pub fn of_voice(voice: &str) -> Dialect {
        let name = std::path::Path::new(voice).file_name().map_or(voice.into(), |n| n.to_string_lossy());
        let region = name.get(..5).map(|tag| tag.replace('_', "-"));
        match region.as_deref() {
            Some("fr-BE") => Dialect::Belgium,
            Some("fr-CH") => Dialect::Switzerland,
            _ => Dialect::France,
        }
    }
}

/// Traditional spelling ("vingt et un", "deux cent un") or the 1990
/// rectification, which joins every numeral with hyphens ("vingt-et-un").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Spelling {
    #[default]
    Traditional,
    #[cfg_attr(feature = "cli", value(name = "1990"))]
    Rectified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Masculine,
    Feminine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub dialect: Dialect,
    pub spelling: Spelling,
}

/// The largest number read as a number; longer ones are read digit by digit.
pub const MAX_CARDINAL: u64 = 999_999_999_999_999;

const UNITS: [&str; 20] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize",
    "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
];
const TENS: [&str; 10] =
    ["", "dix", "vingt", "trente", "quarante", "cinquante", "soixante", "septante", "huitante", "nonante"];
/// Nouns, not numerals: they take a plural and are never hyphenated.
const LARGE: [(u64, &str); 3] = [(1_000_000_000_000, "billion"), (1_000_000_000, "milliard"), (1_000_000, "million")];

impl Style {
    fn join(&self) -> &'static str {
        match self.spelling {
            Spelling::Traditional => " ",
            Spelling::Rectified => "-",
        }
    }

    /// "vingt et un" or "vingt-et-un".
    fn and_one(&self, tens: &str, one: &str) -> String {
        match self.spelling {
            Spelling::Traditional => format!("{tens} et {one}"),
            Spelling::Rectified => format!("{tens}-et-{one}"),
        }
    }
}

/// `n` in words. Numbers above [`MAX_CARDINAL`] are read digit by digit.
pub fn cardinal(n: u64, gender: Gender, style: &Style) -> String {
    if n > MAX_CARDINAL {
        return digits(&n.to_string(), style);
    }
    let words = masculine(n, style);
    match gender {
        Gender::Masculine => words,
        Gender::Feminine => feminine(words),
    }
}

/// `n` naming rather than counting ("page 280", "l'an 800"): as in an
/// ordinal, a final "vingt" or "cent" takes no plural s ("deux cent
/// quatre-vingt").
pub fn nominal(n: u64, style: &Style) -> String {
    let mut words = cardinal(n, Gender::Masculine, style);
    if words.ends_with("vingts") || words.ends_with("cents") {
        words.pop();
    }
    words
}

/// Each digit as a word: phone numbers, codes, digit strings too long to
/// read as a number.
pub fn digits(digits: &str, style: &Style) -> String {
    let words: Vec<String> = digits
        .chars()
        .filter_map(|d| d.to_digit(10))
        .map(|d| cardinal(u64::from(d), Gender::Masculine, style))
        .collect();
    words.join(" ")
}

fn masculine(n: u64, style: &Style) -> String {
    if n == 0 {
        return UNITS[0].to_owned();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut rest = n;
    for (size, noun) in LARGE {
        let count = rest / size;
        rest %= size;
        if count > 0 {
            let plural = if count > 1 { "s" } else { "" };
            parts.push(format!("{} {noun}{plural}", below_thousand(count, true, style)));
        }
    }
    let mut small: Vec<String> = Vec::new();
    let thousands = rest / 1000;
    rest %= 1000;
    if thousands == 1 {
        small.push("mille".to_owned());
    } else if thousands > 1 {
        small.push(format!("{}{}mille", below_thousand(thousands, false, style), style.join()));
    }
    if rest > 0 {
        small.push(below_thousand(rest, true, style));
    }
    if !small.is_empty() {
        parts.push(small.join(style.join()));
    }
    parts.join(" ")
}

/// 1 to 999. `last`: nothing follows, so "cents" and "quatre-vingts" take
/// their plural s (they lose it before "mille" or another numeral).
fn below_thousand(n: u64, last: bool, style: &Style) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    let tail = (rest > 0).then(|| below_hundred(rest, last, style));
    let head = match hundreds {
        0 => return tail.unwrap_or_default(),
        1 => "cent".to_owned(),
        h => {
            let plural = if rest == 0 && last { "s" } else { "" };
            format!("{}{}cent{plural}", UNITS[h as usize], style.join())
        }
    };
    match tail {
        Some(tail) => format!("{head}{}{tail}", style.join()),
        None => head,
    }
}

fn below_hundred(n: u64, last: bool, style: &Style) -> String {
    if n < 20 {
        return UNITS[n as usize].to_owned();
    }
    let (tens, units) = ((n / 10) as usize, (n % 10) as usize);
    let regional = match style.dialect {
        Dialect::France => 6,
        Dialect::Belgium => 7,
        Dialect::Switzerland => 9,
    };
    let skips_eighty = style.dialect == Dialect::Belgium;
    match tens {
        t if t <= regional && !(skips_eighty && t == 8) => simple_tens(TENS[t], units, style),
        7 => {
            // soixante-dix, soixante et onze, soixante-douze...
            let teen = UNITS[10 + units];
            if units == 1 {
                style.and_one("soixante", teen)
            } else {
                format!("soixante-{teen}")
            }
        }
        8 if units == 0 => format!("quatre-vingt{}", if last { "s" } else { "" }),
        8 => format!("quatre-vingt-{}", UNITS[units]),
        _ if style.dialect == Dialect::Belgium => simple_tens(TENS[tens], units, style),
        _ => format!("quatre-vingt-{}", UNITS[10 + units]),
    }
}

/// "trente", "trente et un", "trente-deux".
fn simple_tens(tens: &str, units: usize, style: &Style) -> String {
    match units {
        0 => tens.to_owned(),
        1 => style.and_one(tens, "un"),
        u => format!("{tens}-{}", UNITS[u]),
    }
}

/// The final "un" agrees with a feminine noun: "vingt et une heures".
fn feminine(words: String) -> String {
    match words.strip_suffix("un") {
        Some(head) if head.is_empty() || head.ends_with([' ', '-']) => format!("{head}une"),
        _ => words,
    }
}

/// `n` as an ordinal: "premier", "deuxième", "vingt et unième".
/// Beyond [`MAX_CARDINAL`] there is no ordinal word: the digits are read.
pub fn ordinal(n: u64, gender: Gender, style: &Style) -> String {
    if n > MAX_CARDINAL {
        return digits(&n.to_string(), style);
    }
    if n == 1 {
        return match gender {
            Gender::Masculine => "premier".to_owned(),
            Gender::Feminine => "première".to_owned(),
        };
    }
    let words = masculine(n, style);
    // "un million" gives "millionième", not "un millionième".
    let words = match words.strip_prefix("un ") {
        Some(noun) if !noun.contains([' ', '-']) => noun.to_owned(),
        _ => words,
    };
    let cut = words.rfind([' ', '-']).map_or(0, |i| i + 1);
    let (head, last) = words.split_at(cut);
    let last = last
        .strip_suffix('s')
        .filter(|l| ["vingt", "cent", "million", "milliard", "billion"].contains(l))
        .unwrap_or(last);
    let stem = match last {
        "cinq" => "cinqu".to_owned(),
        "neuf" => "neuv".to_owned(),
        l => l.strip_suffix('e').unwrap_or(l).to_owned(),
    };
    format!("{head}{stem}ième")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FR: Style = Style { dialect: Dialect::France, spelling: Spelling::Traditional };

    fn m(n: u64) -> String {
        cardinal(n, Gender::Masculine, &FR)
    }

    #[test]
    fn a_nominal_number_keeps_cent_and_vingt_invariable() {
        assert_eq!(nominal(800, &FR), "huit cent");
        assert_eq!(nominal(280, &FR), "deux cent quatre-vingt");
        assert_eq!(nominal(1900, &FR), "mille neuf cent");
        assert_eq!(nominal(21, &FR), "vingt et un");
        assert_eq!(nominal(200_000, &FR), "deux cent mille");
        assert_eq!(cardinal(800, Gender::Masculine, &FR), "huit cents");
    }

    #[test]
    fn small_numbers() {
        let expected = [
            (0, "zéro"),
            (1, "un"),
            (16, "seize"),
            (17, "dix-sept"),
            (20, "vingt"),
            (21, "vingt et un"),
            (22, "vingt-deux"),
            (30, "trente"),
            (41, "quarante et un"),
            (61, "soixante et un"),
            (70, "soixante-dix"),
            (71, "soixante et onze"),
            (72, "soixante-douze"),
            (79, "soixante-dix-neuf"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (89, "quatre-vingt-neuf"),
            (90, "quatre-vingt-dix"),
            (91, "quatre-vingt-onze"),
            (99, "quatre-vingt-dix-neuf"),
        ];
        for (n, words) in expected {
            assert_eq!(m(n), words, "{n}");
        }
    }

    #[test]
    fn hundreds_and_thousands() {
        let expected = [
            (100, "cent"),
            (101, "cent un"),
            (180, "cent quatre-vingts"),
            (200, "deux cents"),
            (201, "deux cent un"),
            (280, "deux cent quatre-vingts"),
            (1000, "mille"),
            (1001, "mille un"),
            (1200, "mille deux cents"),
            (1945, "mille neuf cent quarante-cinq"),
            (2000, "deux mille"),
            (2012, "deux mille douze"),
            (21000, "vingt et un mille"),
            (80000, "quatre-vingt mille"),
            (200000, "deux cent mille"),
            (2700000, "deux millions sept cent mille"),
            (1000000, "un million"),
            (80000000, "quatre-vingts millions"),
            (200000000, "deux cents millions"),
            (2000000000, "deux milliards"),
            (1000000000000, "un billion"),
            (999_999_999_999_999, "neuf cent quatre-vingt-dix-neuf billions neuf cent quatre-vingt-dix-neuf milliards neuf cent quatre-vingt-dix-neuf millions neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf"),
        ];
        for (n, words) in expected {
            assert_eq!(m(n), words, "{n}");
        }
    }

    #[test]
    fn feminine_agrees_only_on_a_final_un() {
        let f = |n| cardinal(n, Gender::Feminine, &FR);
        assert_eq!(f(1), "une");
        assert_eq!(f(21), "vingt et une");
        assert_eq!(f(81), "quatre-vingt-une");
        assert_eq!(f(101), "cent une");
        assert_eq!(f(31), "trente et une");
        assert_eq!(f(71), "soixante et onze");
        assert_eq!(f(1_000_000), "un million");
        assert_eq!(f(2), "deux");
    }

    #[test]
    fn rectified_spelling_hyphenates_numerals_not_nouns() {
        let style = Style { spelling: Spelling::Rectified, ..FR };
        let r = |n| cardinal(n, Gender::Masculine, &style);
        assert_eq!(r(21), "vingt-et-un");
        assert_eq!(r(71), "soixante-et-onze");
        assert_eq!(r(201), "deux-cent-un");
        assert_eq!(r(1200), "mille-deux-cents");
        assert_eq!(r(21000), "vingt-et-un-mille");
        assert_eq!(r(2_300_000), "deux millions trois-cent-mille");
    }

    #[test]
    fn regional_tens() {
        let be = Style { dialect: Dialect::Belgium, ..FR };
        let ch = Style { dialect: Dialect::Switzerland, ..FR };
        let read = |n, s: &Style| cardinal(n, Gender::Masculine, s);
        assert_eq!(read(70, &be), "septante");
        assert_eq!(read(71, &be), "septante et un");
        assert_eq!(read(75, &be), "septante-cinq");
        assert_eq!(read(80, &be), "quatre-vingts");
        assert_eq!(read(81, &be), "quatre-vingt-un");
        assert_eq!(read(91, &be), "nonante et un");
        assert_eq!(read(99, &be), "nonante-neuf");
        assert_eq!(read(80, &ch), "huitante");
        assert_eq!(read(81, &ch), "huitante et un");
        assert_eq!(read(1980, &ch), "mille neuf cent huitante");
        assert_eq!(read(97, &ch), "nonante-sept");
    }

    #[test]
    fn ordinals() {
        let o = |n| ordinal(n, Gender::Masculine, &FR);
        assert_eq!(o(1), "premier");
        assert_eq!(ordinal(1, Gender::Feminine, &FR), "première");
        assert_eq!(o(2), "deuxième");
        assert_eq!(o(4), "quatrième");
        assert_eq!(o(5), "cinquième");
        assert_eq!(o(9), "neuvième");
        assert_eq!(o(11), "onzième");
        assert_eq!(o(21), "vingt et unième");
        assert_eq!(o(80), "quatre-vingtième");
        assert_eq!(o(81), "quatre-vingt-unième");
        assert_eq!(o(100), "centième");
        assert_eq!(o(200), "deux centième");
        assert_eq!(o(1000), "millième");
        assert_eq!(o(2000), "deux millième");
        assert_eq!(o(1_000_000), "millionième");
        assert_eq!(o(3_000_000), "trois millionième");
    }

    #[test]
    fn huge_numbers_are_read_digit_by_digit() {
        assert_eq!(
            m(1_000_000_000_000_000),
            "un zéro zéro zéro zéro zéro zéro zéro zéro zéro zéro zéro zéro zéro zéro zéro"
        );
        assert_eq!(digits("0612", &FR), "zéro six un deux");
    }

    /// Reads French number words back, independently of how they were made.
    fn parse(words: &str) -> u64 {
        let value = |w: &str| -> Option<u64> {
            let w = w
                .strip_suffix('s')
                .filter(|s| ["vingt", "cent", "million", "milliard", "billion"].contains(s))
                .unwrap_or(w);
            Some(match w {
                "zéro" => 0,
                "un" | "une" => 1,
                "deux" => 2,
                "trois" => 3,
                "quatre" => 4,
                "cinq" => 5,
                "six" => 6,
                "sept" => 7,
                "huit" => 8,
                "neuf" => 9,
                "dix" => 10,
                "onze" => 11,
                "douze" => 12,
                "treize" => 13,
                "quatorze" => 14,
                "quinze" => 15,
                "seize" => 16,
                "vingt" => 20,
                "trente" => 30,
                "quarante" => 40,
                "cinquante" => 50,
                "soixante" => 60,
                "septante" => 70,
                "huitante" => 80,
                "nonante" => 90,
                "cent" => 100,
                "mille" => 1000,
                "million" => 1_000_000,
                "milliard" => 1_000_000_000,
                "billion" => 1_000_000_000_000,
                "et" => return None,
                other => panic!("not a number word: {other}"),
            })
        };
        let (mut total, mut group, mut small) = (0u64, 0u64, 0u64);
        for w in words.split([' ', '-']).filter_map(value) {
            match w {
                100 => small = small.max(1) * 100,
                1000 => {
                    group += small.max(1) * 1000;
                    small = 0;
                }
                w if w >= 1_000_000 => {
                    total += (group + small) * w;
                    group = 0;
                    small = 0;
                }
                // "quatre-vingt": four twenties.
                20 if small % 100 == 4 => small = small - 4 + 80,
                w => small += w,
            }
        }
        total + group + small
    }

    #[test]
    fn cardinals_round_trip() {
        let styles = [
            FR,
            Style { spelling: Spelling::Rectified, ..FR },
            Style { dialect: Dialect::Belgium, ..FR },
            Style { dialect: Dialect::Switzerland, ..FR },
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let random = (0..3000).map(move |_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % (MAX_CARDINAL + 1)) >> (seed % 40)
        });
        for n in (0..10_000).chain(random) {
            for style in &styles {
                let words = cardinal(n, Gender::Masculine, style);
                assert_eq!(parse(&words), n, "{n} read {words:?}");
            }
        }
    }

    #[test]
    fn plural_s_only_at_the_very_end() {
        for n in 0..100_000 {
            let words = m(n);
            let parts: Vec<&str> = words.split([' ', '-']).collect();
            for (i, part) in parts.iter().enumerate() {
                let last = i + 1 == parts.len();
                let next_is_noun = parts.get(i + 1).is_some_and(|p| p.starts_with("million"));
                if *part == "vingts" || *part == "cents" {
                    assert!(last || next_is_noun, "{n}: {words}");
                }
            }
        }
    }
}
