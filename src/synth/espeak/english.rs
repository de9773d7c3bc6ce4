//! Words with English spellings. Where its French spelling rules meet an
//! English spelling ("Trump", "football", "meeting"), C espeak-ng switches to
//! its English rules and phoneme table for the word; the crate cuts the word
//! off there instead ("tʁ", "fbal", "mt"), or drops its first letters when
//! the switch comes first ("Wembanyama" read "ɑ̃bama", "easyJet" "s ʒɛ").
//! Such words are found by asking the French rules themselves (their
//! phonemes hold a language switch, or no vowel at all for a word that has
//! some) and marked in the text, so that the voice says them with the
//! bundled English voice, as C does: the text is cut into [`runs`] of one
//! language each.

use espeak_ng::dictionary::stress::StressOpts;
use espeak_ng::dictionary::Dictionary;
use espeak_ng::phoneme::PHON_SWITCH;
use espeak_ng::translate::{word_to_phonemes, LangOptions};
use espeak_ng::PhonemeData;
use std::path::Path;

/// Marks an English word (or several in a row) in prepared text: a private
/// use character before, another after (any the text brings is dropped),
/// which the engine is never given.
const ENGLISH_START: char = '\u{E000}';
const ENGLISH_END: char = '\u{E001}';

/// Whether `c` is one of the marks of English words.
pub(super) fn is_mark(c: char) -> bool {
    c == ENGLISH_START || c == ENGLISH_END
}

/// The language of a run of prepared text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Language {
    French,
    English,
}

/// Prepared text cut where the language changes, marks removed, in order.
/// A run with nothing to say (a comma, a closing quote after an English
/// word) goes with the run before it, so that it still gives its
/// intonation.
pub(super) fn runs(text: &str) -> Vec<(String, Language)> {
    let mut runs: Vec<(String, Language)> = Vec::new();
    let mut push = |run: &str, language: Language| {
        // Its marks up to its first word go with the run before.
        let marks = run.find(char::is_alphanumeric).unwrap_or(run.len());
        let (leading, rest) = run.split_at(marks);
        // With no run before, they stay with this one ("[[" of phonemes too).
        let run = match runs.last_mut().filter(|_| !leading.trim().is_empty()) {
            Some((last, _)) => {
                if leading.starts_with(char::is_whitespace) {
                    last.push(' ');
                }
                last.push_str(leading.trim());
                rest
            }
            None => run,
        };
        let run = run.trim();
        if !run.is_empty() {
            runs.push((run.to_owned(), language));
        }
    };
    // A piece cut from a longer text may hold one mark of a pair: what
    // comes before an end mark, or after a start mark, is English all the same.
    let (mut language, mut current) = (Language::French, String::new());
    for c in text.chars() {
        match c {
            ENGLISH_START => {
                push(&current, language);
                language = Language::English;
            }
            ENGLISH_END => {
                push(&current, Language::English);
                language = Language::French;
            }
            c => {
                current.push(c);
                continue;
            }
        }
        current.clear();
    }
    push(&current, language);
    runs
}

/// The French rules, asked word by word.
pub(super) struct EnglishWords {
    dictionary: Dictionary,
    phonemes: PhonemeData,
    stress: StressOpts,
    language: LangOptions,
    /// The answers so far: news repeats its words, and asking the rules
    /// costs a few microseconds a word.
    known: std::sync::Mutex<std::collections::HashMap<String, bool>>,
}

/// Answers kept at most; past this many the store starts again, so that a
/// long-lived engine does not grow without end.
const KNOWN_WORDS: usize = 100_000;

impl EnglishWords {
    pub(super) fn new(data: &Path, language: &str) -> Result<Self, espeak_ng::Error> {
        let dictionary = Dictionary::load("fr", data)?;
        let mut phonemes = PhonemeData::load(data)?;
        espeak_ng::translate::select_phoneme_table(&mut phonemes, data, language)?;
        let stress = StressOpts::for_lang_in(language, data);
        Ok(EnglishWords {
            dictionary,
            phonemes,
            stress,
            language: LangOptions::for_lang(language),
            known: Default::default(),
        })
    }

    /// Whether C espeak-ng says `word` in English: its French rules (or its
    /// dictionary entry) switch to English. Also a word of three letters or
    /// more with vowel letters of which the crate says no vowel at all: it
    /// would be lost, and the English rules read it whole.
    fn is_english(&self, word: &str) -> bool {
        if let Some(&answer) = self.known().get(word) {
            return answer;
        }
        let answer = self.ask_the_rules(word);
        let mut store = self.known();
        if store.len() >= KNOWN_WORDS {
            store.clear();
        }
        store.insert(word.to_owned(), answer);
        answer
    }

    fn known(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, bool>> {
        self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn ask_the_rules(&self, word: &str) -> bool {
        let said =
            word_to_phonemes(&word.to_lowercase(), &self.dictionary, &self.phonemes, &self.stress, &self.language);
        let said: Vec<u8> = said.phonemes.into_iter().take_while(|&c| c != 0).collect();
        let vowel_letters =
            word.chars().count() >= 3 && word.chars().any(|c| "aeiouyAEIOUY".contains(c) || !c.is_ascii());
        let vowels = said.iter().filter(|&&code| self.phonemes.get(code).is_some_and(|ph| ph.typ == PH_VOWEL)).count();
        said.contains(&PHON_SWITCH) || (vowel_letters && vowels == 0)
    }

    /// `text` with every word C says in English marked.
    pub(super) fn mark(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        // The text's own private use characters are dropped: they would
        // be taken for marks.
        for c in text.chars().filter(|&c| !is_mark(c)).chain(std::iter::once(' ')) {
            if c.is_alphabetic() || ((c == '\'' || c == '-') && !word.is_empty()) {
                word.push(c);
                continue;
            }
            self.push_word(&word, &mut out);
            word.clear();
            out.push(c);
        }
        out.pop();
        // Two English words in a row make one run: "Wall Street",
        // "week-end".
        out.replace(&format!("{ENGLISH_END} {ENGLISH_START}"), " ")
            .replace(&format!("{ENGLISH_END}-{ENGLISH_START}"), "-")
    }

    fn push_word(&self, word: &str, out: &mut String) {
        // No word is that long: whatever it is, it is not English.
        if word.is_empty() || word.chars().count() > LONGEST_WORD_CHARS {
            out.push_str(word);
            return;
        }
        let english = |w: &str, out: &mut String| {
            out.push(ENGLISH_START);
            out.push_str(w);
            out.push(ENGLISH_END);
        };
        for (i, part) in word.split('-').enumerate() {
            if i > 0 {
                out.push('-');
            }
            // After an elision ("l'", "d'", "qu'") the word itself is asked;
            // C then says the elision in English with it ("d'Elizabeth").
            let rest = part.rfind('\'').map_or(part, |at| &part[at + 1..]);
            if rest.chars().any(char::is_alphabetic) && self.is_english(rest) {
                english(part, out);
            } else {
                out.push_str(part);
            }
        }
    }
}

/// Longer "words" are left as they are.
const LONGEST_WORD_CHARS: usize = 60;

/// espeak's phoneme type of a vowel.
const PH_VOWEL: u8 = 2;

#[cfg(test)]
mod tests {
    use super::super::voice_data;
    use super::*;

    fn words() -> EnglishWords {
        EnglishWords::new(&voice_data::data_dir().unwrap(), "fr").unwrap()
    }

    #[test]
    fn words_the_french_rules_hand_to_english_are_english() {
        let words = words();
        for word in [
            "Trump",
            "football",
            "parking",
            "meeting",
            "Boeing",
            "Facebook",
            "Street",
            "Beach",
            "Wembanyama",
            "easyJet",
            "Wembley",
            "week-end",
        ] {
            assert!(words.is_english(word), "{word}");
        }
        for word in ["maison", "gouvernement", "Paris", "jeudi", "Beauvais", "l", "qu", "s"] {
            assert!(!words.is_english(word), "{word}");
        }
    }

    #[test]
    fn english_words_are_marked_and_cut_into_runs() {
        let words = words();
        let marked = words.mark("Le parking de Donald Trump, l'easyJet et Wall Street.");
        let said = runs(&marked);
        let english = Language::English;
        let french = Language::French;
        let expected = [
            ("Le", french),
            ("parking", english),
            ("de Donald", french),
            ("Trump,", english),
            ("l'easyJet", english),
            ("et", french),
            ("Wall Street.", english),
        ];
        let expected: Vec<(String, Language)> = expected.iter().map(|&(t, l)| (t.to_owned(), l)).collect();
        assert_eq!(said, expected);
        assert_eq!(runs("une maison"), [("une maison".to_owned(), french)]);
        assert_eq!(words.mark("une \u{E000}maison"), "une maison");
        let cut = ["le \u{E000}Wall", "Street\u{E001} ferme"].map(runs);
        assert_eq!(cut[0], [("le".to_owned(), french), ("Wall".to_owned(), english)]);
        assert_eq!(cut[1], [("Street".to_owned(), english), ("ferme".to_owned(), french)]);
    }
}
