//! Words the engine's letter-to-sound rules say wrong, and C espeak-ng's
//! too ("respect" with its /kt/, "jadis" without its /s/), given to the
//! engine as phonemes: `[[mnemonics]]`, which the espeak-ng crate reads as
//! C espeak-ng does, liaison into the word included ("un aspect" keeps its
//! /n/). The words are in `data/fr/pronunciations.tsv`, derived from Lexique
//! 3.83 by `scripts/pronunciation.py` where the engine disagrees with it.
//!
//! The words are first hidden behind a mark (a private use character and
//! the entry's number), so that respelling and the English-word check,
//! which run after, never see them, then written out as phonemes.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use super::homograph::{self, Context, Reading};

const WORDS_TSV: &str = include_str!("../../../data/fr/pronunciations.tsv");
const ELISIONS_TSV: &str = include_str!("../../../data/fr/elisions.tsv");

/// Starts a hidden word; its entry's number follows, then [`HIDDEN_END`].
const HIDDEN_START: char = '\u{E010}';
const HIDDEN_END: char = '\u{E011}';

/// The words, in order, with their phonemes (mnemonics, stressed).
static WORDS: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    crate::language_data::lines(WORDS_TSV)
        .map(|line| {
            let fields = crate::language_data::fields(line, 2, "fr/pronunciations.tsv");
            (fields[0], fields[1])
        })
        .collect()
});

/// Each word's entry number, by the word as the engine-safe text spells it
/// ("vis-à-vis" is "vis-a-vis" there: the layer runs on that text).
static INDEX: LazyLock<HashMap<String, usize>> =
    LazyLock::new(|| WORDS.iter().enumerate().map(|(i, (word, _))| (super::safe_text::engine_safe(word), i)).collect());

/// Elided words ("l'", "qu'") and their consonants in mnemonics: the
/// elision goes inside the phonemes, since the engine spells a letter left
/// alone before them.
static ELISIONS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    crate::language_data::lines(ELISIONS_TSV)
        .map(|line| {
            let fields = crate::language_data::fields(line, 2, "fr/elisions.tsv");
            (fields[0], fields[1])
        })
        .collect()
});

/// Whether `c` is one of the marks of hidden words.
pub(super) fn is_mark(c: char) -> bool {
    c == HIDDEN_START || c == HIDDEN_END
}

/// `text` (a sentence) with each listed word hidden behind its mark: in
/// lower case, after an elision too, or as the sentence's first word with a
/// capital (elsewhere a capital makes a name: "Jean", "Marin"). A homograph
/// is hidden with the reading its context decides, if any. The text's own
/// marks are dropped.
pub(super) fn hide(text: &str) -> String {
    let text: String = text.chars().filter(|&c| !is_mark(c)).collect();
    let words = word_spans(&text);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (n, span) in words.iter().enumerate() {
        out.push_str(&text[last..span.start]);
        hide_word(&text, &words, n, &mut out);
        last = span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Where the words of `text` are: letters, with the apostrophes and
/// hyphens inside them.
fn word_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut open: Option<usize> = None;
    for (at, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        if c.is_alphabetic() || (open.is_some() && (c == '\'' || c == '-')) {
            open.get_or_insert(at);
        } else if let Some(start) = open.take() {
            spans.push(start..at);
        }
    }
    spans
}

fn hide_word(text: &str, words: &[Range<usize>], n: usize, out: &mut String) {
    let word = &text[words[n].clone()];
    let (elided, rest) = match word.find('\'') {
        Some(at) if ELISIONS.contains_key(word[..=at].to_lowercase().as_str()) => word.split_at(at + 1),
        _ => ("", word),
    };
    let lower = rest.to_lowercase();
    let index = match homograph::is_homograph(&lower).then(|| homograph::reading(&lower, &context(text, words, n))) {
        Some(Some(Reading::Engine)) => None,
        Some(Some(Reading::Rule(rule))) => Some(WORDS.len() + rule),
        _ => entry(rest, n == 0 && elided.is_empty()),
    };
    match index {
        Some(index) => {
            out.push_str(elided);
            out.push(HIDDEN_START);
            out.push_str(&index.to_string());
            out.push(HIDDEN_END);
        }
        None => out.push_str(word),
    }
}

/// The words around the `n`th of `words` in `text` that only spaces part
/// from it, in lower case (an elided word before it is the nearest), and
/// what follows it.
fn context(text: &str, words: &[Range<usize>], n: usize) -> Context {
    let spaced = |from: usize, to: usize| text[from..to].chars().all(|c| c == ' ');
    let lower = |span: &Range<usize>| text[span.clone()].to_lowercase();
    let mut before: Vec<String> = Vec::new();
    let mut at = n;
    while at > 0 && spaced(words[at - 1].end, words[at].start) && before.len() < 3 {
        at -= 1;
        before.insert(0, lower(&words[at]));
    }
    let word = lower(&words[n]);
    if let Some((elided, _)) = word.split_once('\'').filter(|(e, _)| ELISIONS.contains_key(format!("{e}'").as_str())) {
        before.push(format!("{elided}'"));
    }
    let after = (n + 1..words.len().min(n + 4))
        .take_while(|&next| spaced(words[next - 1].end, words[next].start))
        .map(|next| lower(&words[next]))
        .collect();
    let following = text[words[n].end..].trim_start_matches(' ');
    Context {
        before,
        after,
        ends_clause: !following.starts_with(char::is_alphanumeric),
        figures_after: following.starts_with(|c: char| c.is_ascii_digit()),
    }
}

/// The entry of `word` as written or, for a sentence's `first` word whose
/// first letter only is a capital, in lower case ("JADIS" is left).
fn entry(word: &str, first: bool) -> Option<usize> {
    INDEX.get(word).copied().or_else(|| {
        let mut chars = word.chars();
        let capitalized = chars.next()?.is_uppercase() && chars.all(|c| !c.is_uppercase());
        (first && capitalized).then(|| INDEX.get(word.to_lowercase().as_str()).copied()).flatten()
    })
}

/// `hidden` with each hidden word written as its phonemes, an elision
/// before it taken inside them: "l'" and a mark become `[[l…]]`.
pub(super) fn phonemes(hidden: &str) -> String {
    let mut out = String::with_capacity(hidden.len() + 16);
    let mut rest = hidden;
    while let Some(start) = rest.find(HIDDEN_START) {
        let (before, after) = rest.split_at(start);
        let end = after.find(HIDDEN_END).expect("a hidden word is closed");
        let index: usize = after[HIDDEN_START.len_utf8()..end].parse().expect("an entry's number");
        let (before, consonant) = split_elision(before);
        out.push_str(before);
        out.push_str("[[");
        out.push_str(consonant);
        out.push_str(WORDS.get(index).map_or_else(|| homograph::phonemes(index - WORDS.len()), |word| word.1));
        out.push_str("]]");
        rest = &after[end + HIDDEN_END.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// `text` without the elided word it ends with, and that word's consonant.
fn split_elision(text: &str) -> (&str, &'static str) {
    let start = text.rfind(|c: char| !c.is_alphabetic() && c != '\'').map_or(0, |i| i + 1);
    match ELISIONS.get(text[start..].to_lowercase().as_str()) {
        Some(consonant) => (&text[..start], consonant),
        None => (text, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(text: &str) -> String {
        phonemes(&hide(text))
    }

    #[test]
    fn listed_words_become_phonemes_with_their_elision_and_capital() {
        let (respect, jadis) = (WORDS[INDEX["respect"]].1, WORDS[INDEX["jadis"]].1);
        let safe = super::super::safe_text::engine_safe("vis-à-vis");
        assert_eq!(through(&safe), format!("[[{}]]", WORDS[INDEX["vis-a-vis"]].1));
        assert_eq!(through("Le respect, jadis."), format!("Le [[{respect}]], [[{jadis}]]."));
        assert_eq!(through("« Respect"), format!("« [[{respect}]]"));
        assert_eq!(through("Le Respect"), "Le Respect", "a capital inside a sentence makes a name");
        assert_eq!(through("l'aspect"), format!("[[l{}]]", WORDS[INDEX["aspect"]].1));
        assert_eq!(through("qu'aspect"), format!("[[k{}]]", WORDS[INDEX["aspect"]].1));
    }

    #[test]
    fn other_words_and_other_forms_stay_as_written() {
        for text in ["RESPECT", "respectueux", "respecter", "le respect-là", "la table", "d'accord"] {
            assert_eq!(through(text), text);
        }
        assert_eq!(hide("a\u{E010}3\u{E011}b"), "a3b", "the text's own marks are dropped");
    }

    #[test]
    fn liaison_into_a_listed_word_stays_and_none_is_made_out_of_one() {
        use crate::synth::Engine;
        let voice = super::super::open("fr-FR", &Default::default()).unwrap().unwrap();
        let said = |text: &str| voice.phonemes(&voice.prepare(text)).unwrap().replace(['ˈ', 'ˌ'], "");
        assert_eq!(said("un aspect important"), "œ̃n aspɛ ɛ̃pɔʁtɑ̃");
        assert_eq!(said("les aspects"), "le-z aspɛ");
        assert_eq!(said("le respect absolu"), "lə- ʁɛspɛ absoly");
        assert_eq!(said("un porc"), "œ̃ pɔʁ");
        assert_eq!(said("les hôpitaux"), "le-z opito");
        assert_eq!(said("des zoos"), "de- zoo");
    }

    #[test]
    fn piper_voices_get_the_same_phonemes() {
        let phonemizer = super::super::Phonemizer::new("fr").unwrap();
        let said = phonemizer.phonemes(&phonemizer.prepare("Le respect, jadis.")).unwrap();
        assert_eq!(said.replace(['ˈ', 'ˌ'], ""), "lə- ʁɛspɛ, ʒadis.");
    }

    #[test]
    fn a_homograph_is_said_as_the_words_around_it_decide() {
        use crate::synth::Engine;
        let said = |text: &str| {
            let voice = super::super::open("fr-FR", &Default::default()).unwrap().unwrap();
            voice.phonemes(&voice.prepare(text)).unwrap().replace(['ˈ', 'ˌ'], "")
        };
        assert_eq!(said("Le fils de Paul"), "lə- fis də- pɔl");
        assert_eq!(said("des fils électriques"), "de- filz elɛktʁik", "the engine's, liaison kept");
        assert_eq!(said("Ils président. Le président."), "il pʁezid lə- pʁezidɑ̃");
        assert_eq!(said("Il vient de l'est, il l'est"), "il vjɛ̃ də- lɛst il lɛ");
        assert_eq!(said("Nous portions les portions"), "nu pɔʁtjɔ̃ le- pɔʁsjɔ̃");
        assert_eq!(said("De plus, deux plus deux"), "də- plys dø plys dø");
        assert_eq!(said("de plus en plus"), "də- plyz ɑ̃ ply");
        assert_eq!(said("Ils président, président"), "il pʁezid pʁezidɑ̃", "a comma breaks the context");
    }

    #[test]
    fn piper_voices_get_the_homographs_reading_too() {
        let phonemizer = super::super::Phonemizer::new("fr").unwrap();
        let said = phonemizer.phonemes(&phonemizer.prepare("Son fils est à l'est.")).unwrap();
        assert_eq!(said.replace(['ˈ', 'ˌ'], ""), "sɔ̃ fis ɛt a lɛst.");
    }

    #[test]
    fn every_entry_is_a_lower_case_word_with_stressed_phonemes() {
        for (word, phonemes) in WORDS.iter() {
            assert!(word.chars().all(|c| c.is_lowercase() || c == '-' || c == '\''), "{word}");
            assert_eq!(phonemes.matches('\'').count(), 1, "{word}: {phonemes}");
            assert!(!phonemes.contains(['[', ']', ' ']), "{word}: {phonemes}");
        }
    }
}
