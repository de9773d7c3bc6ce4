//! The phonemes piper-tts gives a Piper voice, from those of the espeak-ng
//! crate: piper-tts keeps a clause's own punctuation but no quote or
//! bracket, its C espeak-ng writes a glide the crate does not, and says a
//! French word before an English one as inside its clause (see
//! `data/espeak/piper.tsv`). Measured against piper-tts by
//! tests/piper_oracle.rs.

use std::sync::OnceLock;

const PIPER_TSV: &str = include_str!("../../../data/espeak/piper.tsv");

/// Marks the crate keeps in its phonemes and piper-tts never sends.
const UNSAID_MARKS: &[char] = &['"', '«', '»', '“', '”', '„', '‹', '›', '(', ')', '[', ']', '{', '}'];

/// Punctuation that ends a clause: written against the word before it.
const CLAUSE_ENDS: &[char] = &[',', '.', ';', ':', '!', '?', '…'];

/// Stress marks, which stand before a syllable's vowel.
const STRESS: &[char] = &['ˈ', 'ˌ'];

struct Glide {
    glide: String,
    vowels: Vec<char>,
    liquids: Vec<char>,
    stand_in: String,
    english_stand_in: String,
    /// (written, said), the written form in lower case.
    elisions: Vec<(String, String)>,
}

fn glide_data() -> &'static Glide {
    static DATA: OnceLock<Glide> = OnceLock::new();
    DATA.get_or_init(|| {
        let field = |name: &str| {
            let line = PIPER_TSV.lines().find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix('\t')));
            line.unwrap_or_else(|| panic!("data/espeak/piper.tsv has no {name}")).split(' ').collect::<Vec<_>>()
        };
        let chars = |name: &str| field(name).iter().flat_map(|s| s.chars()).collect();
        Glide {
            glide: field("glide").concat(),
            vowels: chars("vowels"),
            liquids: chars("liquids"),
            stand_in: field("stand-in").concat(),
            english_stand_in: field("english-stand-in").concat(),
            elisions: field("elisions")
                .iter()
                .filter_map(|pair| pair.split_once(':'))
                .map(|(written, said)| (written.to_owned(), said.to_owned()))
                .collect(),
        }
    })
}

/// One run's phonemes without the marks piper-tts never sends.
pub(super) fn without_marks(phonemes: &str) -> String {
    phonemes.chars().filter(|c| !UNSAID_MARKS.contains(c)).collect()
}

/// A sentence's runs joined as piper-tts writes them: one space between
/// words, none before a clause's punctuation.
pub(super) fn joined(runs: &[String]) -> String {
    let words: Vec<&str> = runs.iter().flat_map(|r| r.split_whitespace()).collect();
    let mut out = String::new();
    for word in words {
        if !out.is_empty() && !word.starts_with(CLAUSE_ENDS) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// French phonemes with the glide after a word's final /i/ before a word
/// that begins with a vowel, unless a consonant and a liquid come before
/// the /i/.
pub(super) fn with_glides(phonemes: &str) -> String {
    let data = glide_data();
    let chars: Vec<char> = phonemes.chars().collect();
    let mut out = String::new();
    for (k, &c) in chars.iter().enumerate() {
        out.push(c);
        let final_i = c == 'i' && chars.get(k + 1) == Some(&' ');
        if final_i && next_word_has_vowel(&chars[k + 2..], data) && !after_cluster(&chars[..k], data) {
            out.push_str(&data.glide);
        }
    }
    out
}

/// Whether the word at the start of `rest` begins with a vowel.
fn next_word_has_vowel(rest: &[char], data: &Glide) -> bool {
    rest.iter().find(|c| !STRESS.contains(c)).is_some_and(|c| data.vowels.contains(c))
}

/// Whether `before` (the phonemes before an /i/) ends with a consonant and a
/// liquid, its stress mark aside.
fn after_cluster(before: &[char], data: &Glide) -> bool {
    let mut back = before.iter().rev().filter(|c| !STRESS.contains(c));
    let liquid = back.next().is_some_and(|c| data.liquids.contains(c));
    liquid && back.next().is_some_and(|c| c.is_alphabetic() && !data.vowels.contains(c))
}

/// A French run's phonemes without the stress the crate puts after an
/// elision on a word that has none of its own ("jusqu'à" ʒyskˌa becomes
/// ʒyska, "d'avant la crise" dˌavˌɑ̃ davˌɑ̃).
pub(super) fn without_elision_stress(run: &str, phonemes: &str) -> String {
    word_by_word(run, phonemes, |word, said| word_without_elision_stress(word.written, said))
}

/// What [`word_by_word`] tells of a word besides its phonemes.
pub(super) struct Word<'a> {
    pub(super) written: &'a str,
    /// The written word before it in the run.
    pub(super) before: Option<&'a str>,
    /// Whether it is the run's last.
    pub(super) last: bool,
}

/// A French run's phonemes, each word's changed by `change` (given the
/// word and its phonemes). Words and phonemes are matched one to one; when
/// they cannot be (the engine said a word as several), the phonemes are
/// left as they are.
pub(super) fn word_by_word(run: &str, phonemes: &str, change: impl Fn(Word, &str) -> String) -> String {
    let words: Vec<&str> = run.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect();
    let said: Vec<&str> = phonemes.split_whitespace().collect();
    if said.iter().filter(|p| p.chars().any(char::is_alphabetic)).count() != words.len() {
        return phonemes.to_owned();
    }
    let mut k: usize = 0;
    let changed: Vec<String> = said
        .iter()
        .map(|&p| {
            if !p.chars().any(char::is_alphabetic) {
                return p.to_owned();
            }
            let before = k.checked_sub(1).map(|b| words[b]);
            let word = Word { written: words[k], before, last: k + 1 == words.len() };
            k += 1;
            change(word, p)
        })
        .collect();
    changed.join(" ")
}

/// A word's phonemes with its primary stresses made secondary.
pub(super) fn secondary(said: &str) -> String {
    said.replace('ˈ', "ˌ")
}

/// A word's phonemes unstressed, as espeak says a word flagged so: no
/// stress for one vowel, a secondary one for more ("sont" sɔ̃, "suis"
/// syˌi).
pub(super) fn unstressed(said: &str) -> String {
    let vowels = said.chars().filter(|c| glide_data().vowels.contains(c)).count();
    if vowels > 1 {
        secondary(said)
    } else {
        said.replace('ˈ', "")
    }
}

/// One word's phonemes, `said`, without a secondary stress right after its
/// elision when it has no primary one.
fn word_without_elision_stress(word: &str, said: &str) -> String {
    let word = word.to_lowercase();
    let elision = glide_data().elisions.iter().find(|(written, _)| {
        word.strip_prefix(written.as_str()).is_some_and(|rest| rest.starts_with(char::is_alphabetic))
    });
    match elision {
        Some((_, sound)) if !said.contains('ˈ') && said[sound.len().min(said.len())..].starts_with('ˌ') => {
            format!("{sound}{}", &said[sound.len() + 'ˌ'.len_utf8()..])
        }
        _ => said.to_owned(),
    }
}

/// A word said after a run that another run follows in its clause, so
/// that the run's last word is said as inside its clause; then dropped.
#[derive(Debug, Clone, Copy)]
pub(super) enum StandIn {
    /// After a French run that an English word follows.
    French,
    /// After an English run that a word follows.
    English,
}

impl StandIn {
    /// `run` with the stand-in after it.
    pub(super) fn after(self, run: &str) -> String {
        let data = glide_data();
        let word = match self {
            StandIn::French => &data.stand_in,
            StandIn::English => &data.english_stand_in,
        };
        format!("{} {word}", run.trim_end())
    }
}

/// The phonemes of a run that follows a hyphen added to `last`, those of
/// the run before it: the first of their words ends the word the hyphen is
/// in, as C writes it ("ʃˈɛk-" and "ˌʌp" make "ʃˈɛkˌʌp").
pub(super) fn join_hyphenated(last: &mut String, phonemes: &str) {
    let (first, rest) = phonemes.split_once(' ').unwrap_or((phonemes, ""));
    last.truncate(last.trim_end().trim_end_matches('-').len());
    last.push_str(first);
    if !rest.is_empty() {
        last.push(' ');
        last.push_str(rest);
    }
}

/// The phonemes of a run said with a [`StandIn`], without the stand-in's.
pub(super) fn without_stand_in(phonemes: &str) -> String {
    let phonemes = phonemes.trim_end();
    phonemes.rfind(' ').map_or(String::new(), |end| phonemes[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glide_after_a_final_i_before_a_vowel() {
        assert_eq!(with_glides("lœ̃dˈi apʁˌɛmidˈi"), "lœ̃dˈiʲ apʁˌɛmidˈi");
        assert_eq!(with_glides("ki ˈa"), "kiʲ ˈa");
        assert_eq!(with_glides("la- ɔ̃ɡʁˈi a pʁˈi"), "la- ɔ̃ɡʁˈi a pʁˈi", "consonant and liquid");
        assert_eq!(with_glides("maʁˈi a"), "maʁˈiʲ a", "liquid after a vowel");
        assert_eq!(with_glides("ʁˈi ˈɛ"), "ʁˈiʲ ˈɛ", "liquid starting the word");
        assert_eq!(with_glides("sɔʁtˈi də"), "sɔʁtˈi də", "consonant next");
        assert_eq!(with_glides("ɛ̃dystʁiˈɛl"), "ɛ̃dystʁiˈɛl", "inside a word");
    }

    #[test]
    fn marks_go_and_punctuation_holds_to_its_word() {
        let runs = [without_marks("\" nu ɛmˈɔ̃ ɡʁˈɑ̃ \","), without_marks("( yn) ʃˈoz.")];
        assert_eq!(joined(&runs), "nu ɛmˈɔ̃ ɡʁˈɑ̃, yn ʃˈoz.");
    }

    #[test]
    fn no_stress_after_an_elision_on_a_word_without_one() {
        assert_eq!(without_elision_stress("jusqu'à Paris", "ʒyskˌa paʁˈi"), "ʒyska paʁˈi");
        assert_eq!(without_elision_stress("d'avant la crise", "dˌavˌɑ̃ la- kʁˈiz"), "davˌɑ̃ la- kʁˈiz");
        assert_eq!(without_elision_stress("« Lorsqu'il vient", "loʁskˌil vjˈɛ̃"), "loʁskil vjˈɛ̃");
        assert_eq!(without_elision_stress("d'abord", "dabˈɔʁ"), "dabˈɔʁ", "a stress of its own");
        assert_eq!(without_elision_stress("l'avant", "lˈavˌɑ̃"), "lˈavˌɑ̃", "a primary stress");
        assert_eq!(without_elision_stress("à Paris", "ˌa paʁˈi"), "ˌa paʁˈi", "no elision");
        assert_eq!(without_elision_stress("jusqu'à 21", "ʒyskˌa vˈɛ̃t e ˈœ̃"), "ʒyskˌa vˈɛ̃t e ˈœ̃", "not one to one");
    }

    #[test]
    fn words_are_changed_one_by_one() {
        let inside = |word: Word, said: &str| if word.last { said.to_owned() } else { secondary(said) };
        assert_eq!(word_by_word("« les mois difficiles", "le- mwˈa difisˈil", inside), "le- mwˌa difisˈil");
        assert_eq!(word_by_word("21 ans", "vˈɛ̃t e ˈœ̃ ɑ̃", inside), "vˈɛ̃t e ˈœ̃ ɑ̃", "not one to one");
        let before = |word: Word, _: &str| word.before.unwrap_or("-").to_owned();
        assert_eq!(word_by_word("ils se sont", "il sə- sˈɔ̃", before), "- ils se");
    }

    #[test]
    fn unstressed_words_keep_a_secondary_stress_on_two_vowels() {
        assert_eq!(unstressed("sˈɔ̃t"), "sɔ̃t");
        assert_eq!(unstressed("syˈi"), "syˌi");
    }

    #[test]
    fn a_word_of_two_runs_is_one_word() {
        let mut said = "œ̃ ʃˈɛk-".to_owned();
        join_hyphenated(&mut said, "ˌʌp kɔ̃plˈɛ");
        assert_eq!(said, "œ̃ ʃˈɛkˌʌp kɔ̃plˈɛ");
        let mut said = "lə- fˈast-".to_owned();
        join_hyphenated(&mut said, "fˈuːd");
        assert_eq!(said, "lə- fˈastfˈuːd");
    }

    #[test]
    fn a_stand_in_is_said_then_dropped() {
        assert_eq!(StandIn::French.after("la "), "la tac");
        assert_eq!(StandIn::English.after("start-up"), "start-up bar");
        assert_eq!(without_stand_in("la- tˈak"), "la-");
        assert_eq!(without_stand_in("tˈak"), "");
    }
}
