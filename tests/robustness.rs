//! No input makes splitting or normalizing panic. A seeded generator builds
//! hostile text from the pieces that trip parsers: long digit runs with
//! every suffix, punctuation storms, combining marks, mixed scripts,
//! control characters, escape sequences and emoji. 10,000 inputs run in
//! `cargo test`; `scripts/fuzz.sh` runs 1,000,000.

use briefing::Normalizer;

use std::panic::{catch_unwind, AssertUnwindSafe};

/// xorshift64*: the same inputs on every machine, no dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

const SUFFIXES: &[&str] = &[
    "",
    "e",
    "er",
    "ère",
    "ème",
    "es",
    "nd",
    "ᵉ",
    "ᵉʳ",
    "%",
    " %",
    "€",
    " €",
    " M€",
    "h",
    " h ",
    "h30",
    ":",
    ":30",
    "/",
    "/12",
    "-",
    "-12",
    "–3",
    ".",
    ".5",
    ",",
    ",50",
    " km",
    " km/h",
    "°C",
    " °C",
    "²",
    "¹²",
    "⁻³",
    " av. J.-C.",
    " F",
    " $",
    "k€",
    " Ma",
    "x",
    " x ",
    "e siècle",
    " ans",
    " heures",
    "'",
    "’",
    "-t-il",
    "…",
];
const WORDS: &[&str] = &[
    "M.",
    "MM.",
    "Mme",
    "Me",
    "Dr",
    "p.",
    "n°",
    "art.",
    "etc.",
    "J.-C.",
    "av.",
    "apr.",
    "XIV",
    "Ier",
    "XVIIIe",
    "I",
    "MIX",
    "L.",
    "SNCF",
    "ONU",
    "le",
    "la",
    "l'",
    "s'",
    "qu'",
    "Louis",
    "Napoléon",
    "saison",
    "article",
    "tome",
    "années",
    "www.exemple.fr",
    "a@b.fr",
    "#tag",
    "@compte",
    "US$",
    "£",
    "$",
    "€",
    "&",
    "=",
    "±",
    "γ",
    "½",
    "Jean-Paul",
    "Covid-19",
    "«",
    "»",
    "\"",
    "(",
    ")",
    "[",
    "]",
    "—",
    "–",
    "-",
    "+",
    "−",
    "…",
    "...",
    "!",
    "?",
    ";",
    ":",
    ",",
    ".",
];
const STORMS: &[&str] =
    &["!?!?", "...", "?!…", "--", "—–-", "«»«", "(((", ")))", "''", "::", ";;", ",,", "./.", "°°", "%%"];
const SCRIPTS: &[&str] = &[
    "Москва",
    "القاهرة",
    "東京",
    "서울",
    "Ελλάδα",
    "עברית",
    "हिन्दी",
    "ไทย",
    "ǅemal",
    "ﬁn",
    "Ⅻ",
    "𝐀𝐁𝐂",
    "İstanbul",
    "ß",
    "Ωmega",
];
const MARKS: &[&str] = &["\u{301}", "\u{300}", "\u{308}", "\u{327}", "\u{20D7}", "\u{36F}", "\u{FE0F}", "\u{200D}"];
const CONTROLS: &[&str] = &[
    "\u{0}",
    "\u{7}",
    "\u{8}",
    "\t",
    "\r",
    "\n",
    "\u{1B}",
    "\u{1B}[31m",
    "\u{1B}[0m",
    "\u{1B}]0;x\u{7}",
    "\u{85}",
    "\u{2028}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{AD}",
    "\u{A0}",
    "\u{202F}",
];
const EMOJI: &[&str] = &["😀", "👏🏽", "🇫🇷", "👨‍👩‍👧", "❤️", "1️⃣", "🏳️‍🌈", "⭐"];

/// One hostile text of a few dozen pieces.
fn hostile(random: &mut Random) -> String {
    let mut text = String::new();
    for _ in 0..1 + random.below(24) {
        match random.below(9) {
            0 | 1 => {
                let digits = 1 + random.below(26);
                (0..digits).for_each(|_| text.push(char::from(b'0' + random.below(10) as u8)));
                text.push_str(random.pick(SUFFIXES));
            }
            2 | 3 => text.push_str(random.pick(WORDS)),
            4 => text.push_str(random.pick(STORMS)),
            5 => text.push_str(random.pick(SCRIPTS)),
            6 => text.push_str(random.pick(MARKS)),
            7 => text.push_str(random.pick(CONTROLS)),
            _ => text.push_str(random.pick(EMOJI)),
        }
        if random.below(3) > 0 {
            text.push(' ');
        }
    }
    text
}

/// Runs `count` inputs through split and normalize; fails on the first
/// panic, naming the input.
fn survive(count: usize, seed: u64) {
    let normalizer = Normalizer::default();
    let mut random = Random(seed);
    for i in 0..count {
        let text = hostile(&mut random);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            for sentence in briefing::sentences(&text) {
                normalizer.normalize(&sentence);
            }
            normalizer.normalize(&text)
        }));
        let said = outcome.unwrap_or_else(|_| panic!("input {i} panicked: {text:?}"));
        assert!(!said.contains('\u{1B}'), "input {i}: an escape sequence is left in {said:?}");
    }
}

/// 10,000 inputs, or as many as `BRIEFING_FUZZ_INPUTS` says (scripts/fuzz.sh
/// asks a million, with another seed, in release mode).
#[test]
fn hostile_texts() {
    match std::env::var("BRIEFING_FUZZ_INPUTS").ok().and_then(|n| n.parse().ok()) {
        Some(inputs) => survive(inputs, 0xD1B5_4A32_D192_ED03),
        None => survive(10_000, 0x9E37_79B9_7F4A_7C15),
    }
}

#[test]
fn long_digit_runs_with_any_suffix() {
    let normalizer = Normalizer::default();
    for digits in 1..=26 {
        let number: String = "6770531817602321987654321".chars().cycle().take(digits).collect();
        for suffix in SUFFIXES {
            let text = format!("{number}{suffix}");
            let said = catch_unwind(|| normalizer.normalize(&text)).unwrap_or_else(|_| panic!("{text:?} panicked"));
            assert!(!said.contains(|c: char| c.is_ascii_digit()) || said.contains(['²', '¹']), "{text:?} -> {said:?}");
        }
    }
}

#[test]
fn inputs_that_once_panicked() {
    let normalizer = Normalizer::default();
    for text in ["6770531817602321e", "12345678901234567890ème", "x\u{202F}Me Dupont", "5 €–", "Hh-XC0"] {
        catch_unwind(|| normalizer.normalize(text)).unwrap_or_else(|_| panic!("{text:?} panicked"));
    }
}
