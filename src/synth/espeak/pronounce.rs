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
use std::sync::LazyLock;

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
/// capital (elsewhere a capital makes a name: "Jean", "Marin"). The text's
/// own marks are dropped.
pub(super) fn hide(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut word, mut first) = (String::new(), true);
    for c in text.chars().filter(|&c| !is_mark(c)).chain(std::iter::once(' ')) {
        if c.is_alphabetic() || ((c == '\'' || c == '-') && !word.is_empty()) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            hide_word(&word, first, &mut out);
            first = false;
        }
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

fn hide_word(word: &str, first: bool, out: &mut String) {
    let (elided, rest) = match word.find('\'') {
        Some(at) if ELISIONS.contains_key(word[..=at].to_lowercase().as_str()) => word.split_at(at + 1),
        _ => ("", word),
    };
    match entry(rest, first && elided.is_empty()) {
        Some(index) => {
            out.push_str(elided);
            out.push(HIDDEN_START);
            out.push_str(&index.to_string());
            out.push(HIDDEN_END);
        }
        None => out.push_str(word),
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
        out.push_str(WORDS[index].1);
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
    fn every_entry_is_a_lower_case_word_with_stressed_phonemes() {
        for (word, phonemes) in WORDS.iter() {
            assert!(word.chars().all(|c| c.is_lowercase() || c == '-' || c == '\''), "{word}");
            assert_eq!(phonemes.matches('\'').count(), 1, "{word}: {phonemes}");
            assert!(!phonemes.contains(['[', ']', ' ']), "{word}: {phonemes}");
        }
    }
}
