//! Words with English spellings. Where its French spelling rules meet an
//! English spelling ("Trump", "football", "meeting"), C espeak-ng switches to
//! its English rules for the word; the crate cuts the word off there instead
//! ("tʁ", "fbal", "mt"). Such words are found by asking the French rules
//! themselves (their phonemes hold a language switch, or no vowel at all
//! for a word that has some), phonemized by the
//! bundled English voice as C does, and respelled in French letters that say
//! those sounds ([`data/espeak/english-sounds.tsv`]), which the French
//! voice reads whole: "Trump" is said "Treumhpe", "meeting" "mitinng".

use espeak_ng::dictionary::stress::StressOpts;
use espeak_ng::dictionary::Dictionary;
use espeak_ng::phoneme::PHON_SWITCH;
use espeak_ng::translate::{word_to_phonemes, LangOptions};
use espeak_ng::{PhonemeData, Translator};
use std::path::Path;
use std::sync::LazyLock;

const SOUNDS_TSV: &str = include_str!("../../../data/espeak/english-sounds.tsv");

/// (English sound in IPA, French letters, is a vowel), longest sound first.
static SOUNDS: LazyLock<Vec<(&'static str, &'static str, bool)>> = LazyLock::new(|| parse_sounds(SOUNDS_TSV));

fn parse_sounds(data: &'static str) -> Vec<(&'static str, &'static str, bool)> {
    let mut sounds: Vec<_> = data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(fields.len() == 3 && matches!(fields[2], "V" | "C"), "english-sounds.tsv: sound, letters, V or C");
            (fields[0], fields[1], fields[2] == "V")
        })
        .collect();
    sounds.sort_by_key(|(sound, ..)| std::cmp::Reverse(sound.chars().count()));
    sounds
}

/// The French rules, asked word by word, and the English voice.
pub(super) struct EnglishWords {
    dictionary: Dictionary,
    phonemes: PhonemeData,
    stress: StressOpts,
    language: LangOptions,
    english: Translator,
}

impl EnglishWords {
    pub(super) fn new(data: &Path, language: &str) -> Result<Self, String> {
        let dictionary = Dictionary::load("fr", data).map_err(|e| e.to_string())?;
        let mut phonemes = PhonemeData::load(data).map_err(|e| e.to_string())?;
        espeak_ng::translate::select_phoneme_table(&mut phonemes, data, language).map_err(|e| e.to_string())?;
        let stress = StressOpts::for_lang_in(language, data);
        let english = Translator::new("en", Some(data)).map_err(|e| e.to_string())?;
        Ok(EnglishWords { dictionary, phonemes, stress, language: LangOptions::for_lang(language), english })
    }

    /// Whether the crate would cut `word` off: its French rules hand it to
    /// English part way, which the crate cannot follow, or it says no vowel
    /// of a word of three letters or more that has some. A word the dictionary
    /// lists ("and", "week-end": English) is read properly.
    fn cut_off(&self, word: &str) -> bool {
        if self.listed(word) {
            return false;
        }
        let said = self.french_codes(word);
        let vowel_letters =
            word.chars().count() >= 3 && word.chars().any(|c| "aeiouyAEIOUY".contains(c) || !c.is_ascii());
        let vowels = said.iter().filter(|&&code| self.phonemes.get(code).is_some_and(|ph| ph.typ == PH_VOWEL)).count();
        said.contains(&PHON_SWITCH) || (vowel_letters && vowels == 0)
    }

    /// Whether the dictionary gives the whole word.
    fn listed(&self, word: &str) -> bool {
        let said =
            word_to_phonemes(&word.to_lowercase(), &self.dictionary, &self.phonemes, &self.stress, &self.language);
        let codes = said.phonemes.iter().take_while(|&&c| c != 0).count();
        said.found_in_list || (said.phonemes.first() == Some(&PHON_SWITCH) && codes > 1)
    }

    fn french_codes(&self, word: &str) -> Vec<u8> {
        let said =
            word_to_phonemes(&word.to_lowercase(), &self.dictionary, &self.phonemes, &self.stress, &self.language);
        said.phonemes.into_iter().take_while(|&c| c != 0).collect()
    }

    /// `text` with every word the French rules would cut off respelled.
    pub(super) fn shield(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if c.is_alphabetic() || ((c == '\'' || c == '-') && !word.is_empty()) {
                word.push(c);
                continue;
            }
            self.push_word(&word, &mut out);
            word.clear();
            out.push(c);
        }
        out.pop();
        out
    }

    fn push_word(&self, word: &str, out: &mut String) {
        // No word is that long: whatever it is, it is not English.
        if word.is_empty() || word.chars().count() > LONGEST_WORD_CHARS || self.listed(word) {
            out.push_str(word);
            return;
        }
        for (i, part) in word.split('-').enumerate() {
            if i > 0 {
                out.push('-');
            }
            // After an elision ("l'", "d'", "qu'") only the word itself.
            let (elided, rest) = part.rfind('\'').map_or(("", part), |at| part.split_at(at + 1));
            out.push_str(elided);
            if rest.chars().any(char::is_alphabetic) && self.cut_off(rest) {
                out.push_str(&self.respelled(rest));
            } else {
                out.push_str(rest);
            }
        }
    }

    /// The word as the English voice says it, in French letters: the first
    /// spelling the French rules read whole of the plain one, the one
    /// without its final "e", with its last consonant doubled ("spotte"),
    /// or cut into syllables with hyphens.
    fn respelled(&self, word: &str) -> String {
        let ipa = self.english.text_to_ipa(&word.to_lowercase()).unwrap_or_default();
        let french = french_letters(&ipa);
        if french.is_empty() {
            return word.to_owned();
        }
        let mut candidates = vec![french.clone()];
        if let Some(stem) = french.strip_suffix('e') {
            candidates.push(stem.to_owned());
            if let Some(last) = stem.chars().last().filter(|c| c.is_ascii_alphabetic() && !is_vowel_letter(*c)) {
                candidates.push(format!("{stem}{last}e"));
            }
        }
        candidates.push(syllables(&french));
        let chosen = candidates.iter().find(|c| !self.cut_off(c)).unwrap_or(&candidates[candidates.len() - 1]).clone();
        match word.chars().next() {
            Some(first) if first.is_uppercase() => {
                let mut chars = chosen.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            }
            _ => chosen,
        }
    }
}

/// Longer "words" are left as they are.
const LONGEST_WORD_CHARS: usize = 60;

/// espeak's phoneme type of a vowel.
const PH_VOWEL: u8 = 2;

fn is_vowel_letter(c: char) -> bool {
    "aeiouyéèïê".contains(c)
}

/// French letters cut with hyphens before each consonant that starts a
/// syllable: "i-li-ze-bes".
fn syllables(letters: &str) -> String {
    let chars: Vec<char> = letters.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let starts = i > 0
            && is_vowel_letter(chars[i - 1])
            && !is_vowel_letter(c)
            && chars.get(i + 1).is_some_and(|&n| is_vowel_letter(n));
        if starts {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// English IPA in French letters, with the French rules of context: "nh"
/// or a doubled "n" where a single one would make a nasal vowel, "ss"
/// between vowels, "gu" before e and i, "h" between two vowels, and a final "e"
/// so that a last consonant is said.
pub(super) fn french_letters(ipa: &str) -> String {
    let mut sounds: Vec<(&str, bool)> = Vec::new();
    let mut rest = ipa;
    while let Some(c) = rest.chars().next() {
        match SOUNDS.iter().find(|(sound, ..)| rest.starts_with(sound)) {
            Some((sound, letters, vowel)) => {
                sounds.push((letters, *vowel));
                rest = &rest[sound.len()..];
            }
            None => rest = &rest[c.len_utf8()..],
        }
    }
    sounds.retain(|(letters, _)| !letters.is_empty());
    let mut out = String::new();
    for (i, &(letters, vowel)) in sounds.iter().enumerate() {
        let after_vowel = i > 0 && sounds[i - 1].1;
        let next = sounds.get(i + 1);
        let before_vowel = next.is_some_and(|n| n.1);
        let last = next.is_none();
        let ends_in_vowel =
            out.chars().last().is_some_and(is_vowel_letter) && !out.ends_with("gu") && !out.ends_with("qu");
        if vowel {
            if letters == "e" && last {
                out.push_str("eu");
            } else if ends_in_vowel && letters.starts_with('i') {
                // Two vowels, not one: "boing" would be read /bwɛ̃/.
                out.push('h');
                out.push_str(letters);
            } else {
                out.push_str(letters);
            }
            continue;
        }
        match letters {
            // Not nasal: "nh" before a consonant, "nne" at the end.
            "m" | "n" | "nng" if after_vowel && !last && !before_vowel => {
                out.push_str(&letters[..1]);
                out.push('h');
            }
            "m" | "n" if after_vowel && last => {
                out.push_str(letters);
                out.push_str(letters);
            }
            "s" if after_vowel && before_vowel => out.push_str("ss"),
            "g" if next.is_some_and(|n| n.0.starts_with(['e', 'i', 'é', 'è', 'ï', 'y'])) => out.push_str("gu"),
            _ => out.push_str(letters),
        }
        if last && letters != "nng" {
            out.push('e');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::data;
    use super::*;

    fn words() -> EnglishWords {
        EnglishWords::new(&data::data_dir().unwrap(), "fr").unwrap()
    }

    #[test]
    fn english_sounds_in_french_letters() {
        assert_eq!(french_letters("tɹˈʌmp"), "treumhpe");
        assert_eq!(french_letters("hˈaŋks"), "hanhkse");
        assert_eq!(french_letters("dʒˈɒnsən"), "djonhsenne");
        assert_eq!(french_letters("mˈiːtɪŋ"), "mitinng");
        assert_eq!(french_letters("bˈəʊɪŋ"), "bohinng");
        assert_eq!(french_letters("dʒˈɒɡɪŋ"), "djoguinng");
        assert_eq!(french_letters("skˈuːtə"), "skouteu");
    }

    #[test]
    fn only_words_the_french_rules_cut_off_are_respelled() {
        let words = words();
        for word in
            ["Trump", "football", "parking", "meeting", "Boeing", "Facebook", "Street", "Beach", "Modrow", "Avilly"]
        {
            assert!(words.cut_off(word), "{word}");
        }
        for word in ["maison", "gouvernement", "week-end", "Paris", "jeudi", "and", "l", "qu", "s"] {
            assert!(!words.cut_off(word), "{word}");
        }
        let said = words.shield("Le parking de Donald Trump, l'UMP et le week-end.");
        assert!(said.starts_with("Le pakinng de Donald Treumhpe, l'") && said.ends_with(" et le week-end."), "{said}");
    }

    /// Respelled, no word is cut off any more: each says at least as many
    /// sounds as it has syllables in English.
    #[test]
    fn respelled_words_are_read_whole() {
        let words = words();
        let french = Translator::new("fr", Some(&data::data_dir().unwrap())).unwrap();
        for word in [
            "Trump",
            "football",
            "parking",
            "meeting",
            "Boeing",
            "Facebook",
            "Street",
            "Beach",
            "Modrow",
            "Avilly",
            "Nomeny",
            "Johnson",
            "Wall",
            "scooter",
            "Hastings",
            "Elizabeth",
            "spot",
            "burn",
        ] {
            let respelled = words.respelled(word);
            assert!(!words.cut_off(&respelled), "{word} → {respelled} still cut off");
            let english = words.english.text_to_ipa(&word.to_lowercase()).unwrap();
            let said = french.text_to_ipa(&respelled).unwrap();
            let sounds = |ipa: &str| ipa.chars().filter(|c| c.is_alphabetic()).count();
            assert!(4 * sounds(&said) >= 3 * sounds(&english), "{word} → {respelled}: {said} for {english}");
        }
    }
}
