//! Text the espeak-ng crate can read without mangling it. Its known defects:
//! French rules stop at letters they do not cover ("maîtrisé" is read "ma"),
//! control characters start embedded commands, decomposed accents garble,
//! and a typographic apostrophe makes "l’homme" read as the letter L.

use std::collections::HashMap;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// Letters that cut words off, each with a spelling read the same way.
static LETTERS: LazyLock<HashMap<char, &'static str>> = LazyLock::new(|| parse_letters(LETTERS_TSV));

pub(super) const LETTERS_TSV: &str = include_str!("../../../data/espeak-letters.tsv");

pub(super) fn parse_letters(data: &'static str) -> HashMap<char, &'static str> {
    crate::language_data::lines(data)
        .map(|line| {
            let fields = crate::language_data::fields(line, 2, "espeak-letters.tsv");
            let (letter, replacement) = (fields[0], fields[1]);
            let mut chars = letter.chars();
            let letter = chars.next().filter(|_| chars.next().is_none()).expect("one letter per line");
            (letter, replacement)
        })
        .collect()
}

/// The Latin blocks whose letters were tested one by one against the engine
/// (see `data/espeak-letters.tsv`); letters outside them are transliterated.
fn is_tested_latin(c: char) -> bool {
    c.is_ascii() || matches!(c, '\u{C0}'..='\u{24F}' | '\u{250}'..='\u{2AF}' | '\u{1E00}'..='\u{1EFF}')
}

/// Zero-width and direction marks: invisible, and nothing to say.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}'
    )
}

/// `text` made safe for the espeak-ng crate's French voice.
pub fn engine_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfc() {
        match c {
            '’' | '‘' | '‛' | 'ʼ' | '′' | '´' | '`' => out.push('\''),
            '\u{2010}' | '\u{2011}' => out.push('-'),
            // Square brackets would give the engine phonemes ("[[...]]"):
            // round ones are said alike.
            '[' => out.push('('),
            ']' => out.push(')'),
            c if is_invisible(c) => {}
            c if c.is_control() || c.is_whitespace() => out.push(' '),
            c => push_letter(c, &mut out),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push_letter(c: char, out: &mut String) {
    if let Some(replacement) = LETTERS.get(&c) {
        out.push_str(replacement);
    } else if c.is_alphanumeric() && !is_tested_latin(c) {
        let latin = deunicode::deunicode_char(c).unwrap_or("");
        out.extend(latin.chars().filter(|l| l.is_ascii_alphanumeric() || *l == ' '));
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncovered_letters_are_respelled() {
        assert_eq!(engine_safe("maîtrisé"), "maitrisé");
        assert_eq!(engine_safe("Déjà là, où ?"), "Déja la, ou ?");
        assert_eq!(engine_safe("Erdoğan à Łódź"), "Erdogan a Lodz");
        assert_eq!(engine_safe("ex æquo, Søren, Straße"), "ex équo, Seuren, Strasse");
    }

    #[test]
    fn covered_french_letters_stay() {
        let french = "Noël, garçon, être, fenêtre, élève, naïf, cœur, août, Ça, À, ÉTÉ";
        assert_eq!(engine_safe(french), french.replace('À', "A"));
    }

    #[test]
    fn controls_and_invisibles_are_removed() {
        assert_eq!(engine_safe("x\u{1}5S y"), "x 5S y");
        assert_eq!(engine_safe("a\tb\r\nc\u{200B}d\u{AD}e"), "a b cde");
    }

    #[test]
    fn decomposed_accents_are_composed() {
        assert_eq!(engine_safe("cafe\u{301} ba\u{302}teau"), "café bâteau");
    }

    #[test]
    fn typographic_apostrophes_and_hyphens_are_plain() {
        assert_eq!(engine_safe("l’homme aujourd’hui"), "l'homme aujourd'hui");
        assert_eq!(engine_safe("Jean\u{2011}Yves"), "Jean-Yves");
    }

    #[test]
    fn other_scripts_are_transliterated() {
        assert_eq!(engine_safe("Ζεύς et Москва"), "Zeus et Moskva");
    }
}
