//! Words with English spellings. Where its French spelling rules meet an
//! English spelling ("Trump", "football", "meeting"), C espeak-ng switches to
//! its English rules and phoneme table for the word; the crate cuts the word
//! off there instead ("tʁ", "fbal", "mt"), or drops its first letters when
//! the switch comes first ("Wembanyama" read "ɑ̃bama", "easyJet" "s ʒɛ").
//! Such words are found by asking the French rules themselves (their
//! phonemes hold a language switch, or no vowel at all for a word that has
//! some) and marked in the text, so that the voice says them with the
//! bundled English voice, as C does: the text is cut into [`runs`] of one
//! language each. The same French dictionary, asked word by word, also
//! tells the Piper path the French words C leaves unstressed where the
//! crate stresses them ("mois", "sont" after "ils").

use espeak_ng::dictionary::stress::StressOpts;
use espeak_ng::dictionary::Dictionary;
use espeak_ng::dictionary::{lookup, DictFlags1, LookupCtx, LookupResult};
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

    /// A word after an elision that C says in French although the word
    /// alone is English ("d'Open", "l'Apple"), spelled so that the engine
    /// says it as C does. C says a word alone in English through its
    /// dictionary entry, which it consults for the word alone only; after
    /// an elision it reads the word by its French rules. The crate consults
    /// the entry there too, and cuts the word off after the elision
    /// ("d'OpenAI" read "d AI"). Written without its apostrophe, in small
    /// letters, the word is read by the French rules as C reads it
    /// ("dopen" dopˈɛn, as C says "d'Open"); unless those rules too say it
    /// in English ("d'Outlook").
    fn french_after_elision(&self, word: &str, rest: &str) -> Option<String> {
        let elision = &word[..word.len() - rest.len()];
        if elision.is_empty() || !elision.starts_with(char::is_alphabetic) || rest.is_empty() {
            return None;
        }
        let entry = lookup(&self.dictionary, &rest.to_lowercase(), &LookupCtx::default())?;
        let alone_only = entry.flags2.only_form() || entry.flags2.only_s_form();
        if !alone_only || !entry.phonemes.contains(&PHON_SWITCH) {
            return None;
        }
        let joined = format!("{}{rest}", elision.trim_end_matches('\'')).to_lowercase();
        (!self.is_english(&joined)).then_some(joined)
    }

    /// Whether C says `word` with a secondary stress inside its clause,
    /// where the crate stresses it fully: a plural the dictionary does not
    /// hold, whose singular it holds as unstressed but stressed at a
    /// clause's end ($u+ $strend: "mois" through "moi", mwˌa before another
    /// word), with no noun of that spelling (the noun "points" is stressed
    /// after "les"). The crate drops the singular's flags once it has taken
    /// the -s off.
    pub(super) fn unstressed_plural(&self, word: &str) -> bool {
        let word = word.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase();
        let Some(singular) = word.strip_suffix('s').filter(|s| !s.is_empty()) else {
            return false;
        };
        let entry =
            |expect_noun| lookup(&self.dictionary, singular, &LookupCtx { expect_noun, ..LookupCtx::default() });
        let unstressed = |entry: Option<LookupResult>| entry.is_some_and(|e| unstressed_but_at_the_end(&e));
        lookup(&self.dictionary, &word, &LookupCtx::default()).is_none()
            && unstressed(entry(false))
            && unstressed(entry(true))
    }

    /// Whether C says `word` unstressed inside its clause as the verb a
    /// word before it announces, where the crate stresses it: a word the
    /// dictionary holds only as an unstressed verb ($u+ $strend $verb:
    /// "sont", "ont", "ai", "suis"), after a word that announces a verb
    /// ($verbf: "ils", "se", "qui") or its own elision ("j'ai", "n'ai",
    /// an elided word being its letters and "e"). The crate does not heed
    /// French verb announcements.
    pub(super) fn unstressed_verb(&self, before: Option<&str>, word: &str) -> bool {
        let letters = |w: &str| w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase();
        let word = letters(word);
        let (announcer, verb) = match word.rsplit_once('\'') {
            Some((elision, verb)) => (format!("{elision}e"), verb.to_owned()),
            None => (before.map(letters).unwrap_or_default(), word),
        };
        let announces = lookup(&self.dictionary, &announcer, &LookupCtx::default())
            .is_some_and(|e| e.flags2.contains(VERB_FOLLOWS));
        let as_verb = lookup(&self.dictionary, &verb, &LookupCtx { expect_verb: true, ..LookupCtx::default() });
        announces
            && lookup(&self.dictionary, &verb, &LookupCtx::default()).is_none()
            && as_verb.is_some_and(|e| e.flags2.is_verb() && unstressed_but_at_the_end(&e))
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
        // "week-end", "l'iPadPro".
        out.replace(&format!("{ENGLISH_END} {ENGLISH_START}"), " ")
            .replace(&format!("{ENGLISH_END}-{ENGLISH_START}"), "-")
            .replace(&format!("{ENGLISH_END}{ENGLISH_START}"), "")
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
            for word in words_after_elision(part) {
                // After an elision ("l'", "d'", "jusqu'") the word itself is
                // asked; C then says the elision in English with it
                // ("d'Elizabeth").
                let rest = word.rfind('\'').map_or(word, |at| &word[at + 1..]);
                if let Some(joined) = self.french_after_elision(word, rest) {
                    out.push_str(&joined);
                } else if rest.chars().any(char::is_alphabetic) && self.is_english(rest) {
                    english(word, out);
                } else {
                    out.push_str(word);
                }
            }
        }
    }
}

/// The words to ask about in a written word: the word itself, or, after
/// an elision, the words the engine makes of it. Like C espeak-ng, it
/// starts a word at a capital after a small letter ("d'OpenAI": "d'Open",
/// "AI"; "d'iPad": "d'i", "Pad") and at the last capital of a run that a
/// small letter and another letter follow ("l'HTMLParser": "l'HTML",
/// "Parser"). Each is asked on its own: the rules that hand "Open" to
/// English are not asked about "openai", and the engine would cut "d'Open"
/// off after its elision. Without an elision the engine switches language
/// inside the word as C does ("OpenAI" said "ˈəʊpən aˈi"), and an
/// acronym that ends it stays with the word before ("OpenAI." spelled).
fn words_after_elision(word: &str) -> Vec<&str> {
    if !word.contains('\'') {
        return vec![word];
    }
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let upper = |k: usize| chars.get(k).is_some_and(|(_, c)| c.is_uppercase());
    let lower = |k: usize| chars.get(k).is_some_and(|(_, c)| c.is_lowercase());
    let letter = |k: usize| chars.get(k).is_some_and(|(_, c)| c.is_alphabetic());
    let starts = (1..chars.len())
        .filter(|&k| upper(k) && (lower(k - 1) || (upper(k - 1) && lower(k + 1) && letter(k + 2))))
        .map(|k| chars[k].0);
    let mut words = Vec::new();
    let mut from = 0;
    for start in starts {
        words.push(&word[from..start]);
        from = start;
    }
    words.push(&word[from..]);
    words
}

/// Longer "words" are left as they are.
const LONGEST_WORD_CHARS: usize = 60;

/// espeak's phoneme type of a vowel.
const PH_VOWEL: u8 = 2;

/// The stress bits of a dictionary entry flagged `$u+`.
const STRESS_U_PLUS: u32 = 0xc;

/// The flag of a dictionary entry that announces a verb (`$verbf`).
const VERB_FOLLOWS: u32 = 0x1;

/// Whether a dictionary entry is flagged unstressed but at a clause's end
/// (`$u+ $strend`).
fn unstressed_but_at_the_end(entry: &LookupResult) -> bool {
    entry.flags1.stress_bits() == STRESS_U_PLUS && entry.flags1.contains(DictFlags1::STRESS_END)
}

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
    fn words_after_an_elision_are_cut_where_the_engine_cuts_them() {
        assert_eq!(words_after_elision("d'OpenAI"), ["d'Open", "AI"]);
        assert_eq!(words_after_elision("l'iPhone"), ["l'i", "Phone"]);
        assert_eq!(words_after_elision("l'HTMLParser"), ["l'HTML", "Parser"]);
        assert_eq!(words_after_elision("qu'Instagram"), ["qu'Instagram"]);
        assert_eq!(words_after_elision("OpenAI"), ["OpenAI"], "no elision: the engine switches inside the word");
    }

    /// C says "d'Open" by its French rules (dopˈɛn), "d'Elizabeth" and
    /// "d'Outlook" in English: the rules themselves switch there.
    #[test]
    fn a_word_after_an_elision_is_asked_as_c_asks_it() {
        let words = words();
        assert_eq!(words.mark("Le patron d'OpenAI a parlé."), "Le patron dopenAI a parlé.");
        assert_eq!(words.mark("lorsqu'Apple et l'open"), "lorsquapple et lopen");
        assert_eq!(words.mark("d'Elizabeth"), "\u{E000}d'Elizabeth\u{E001}");
        assert_eq!(words.mark("d'Outlook"), "\u{E000}d'Outlook\u{E001}");
        assert_eq!(words.mark("l'iPad"), "l'i\u{E000}Pad\u{E001}");
        let whole = "l'iPhone, d'Airbnb, l'Uber, qu'Instagram, l'Eurostar, jusqu'Uber";
        assert_eq!(words.mark(whole), whole, "French words: the engine says them whole");
    }

    #[test]
    fn plurals_of_words_unstressed_inside_a_clause_are_found() {
        let words = words();
        assert!(words.unstressed_plural("mois"));
        assert!(words.unstressed_plural("Mois,"));
        for word in ["moi", "points", "fois", "maisons", "s", "tous"] {
            assert!(!words.unstressed_plural(word), "{word}");
        }
    }

    #[test]
    fn verbs_a_word_before_announces_are_found() {
        let words = words();
        for (before, word) in
            [(Some("ils"), "sont"), (Some("se"), "sont"), (Some("qui"), "ont"), (None, "j'ai"), (None, "n'ai")]
        {
            assert!(words.unstressed_verb(before, word), "{before:?} {word}");
        }
        for (before, word) in [(Some("loups"), "sont"), (Some("ce"), "sont"), (Some("ils"), "vont"), (None, "l'a")] {
            assert!(!words.unstressed_verb(before, word), "{before:?} {word}");
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
            ("l'easy", english),
            ("Jet et", french),
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
