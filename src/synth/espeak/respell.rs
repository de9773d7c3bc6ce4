//! Spellings the espeak-ng crate reads differently from C espeak-ng
//! ("dix-huit" with /s/, "a-t-il" as "a-té-il", "nord-est" without /st/),
//! respelled so that it says what C says. The rules live in
//! [`data/espeak/respellings.tsv`].

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

const RULES_TSV: &str = include_str!("../../../data/espeak/respellings.tsv");

static RULES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| parse_rules(RULES_TSV));

fn parse_rules(data: &'static str) -> Vec<(Regex, &'static str)> {
    crate::language_data::lines(data)
        .map(|line| {
            let fields = crate::language_data::fields(line, 2, "espeak/respellings.tsv");
            (Regex::new(fields[0]).expect("respellings.tsv: a valid regular expression"), fields[1])
        })
        .collect()
}

/// `text` with every rule applied, in order.
pub(super) fn respell(text: &str) -> String {
    let mut text = Cow::Borrowed(text);
    for (pattern, replacement) in RULES.iter() {
        if let Cow::Owned(changed) = pattern.replace_all(&text, *replacement) {
            text = Cow::Owned(changed);
        }
    }
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use espeak_ng::Translator;

    fn say(text: &str) -> String {
        let french = Translator::new("fr", Some(&super::super::voice_data::data_dir().unwrap())).unwrap();
        french.text_to_ipa(&respell(text)).unwrap().replace(['ˈ', 'ˌ'], "")
    }

    #[test]
    fn rules_respell() {
        assert_eq!(
            respell("Dix-huit, quatre-vingt-dix-huit, dix-huitième"),
            "Diz-huit, quatre-vingt-diz-huit, diz-huitième"
        );
        assert_eq!(respell("a-t-il, va-t-on, A-t-elle"), "a-til, va-ton, A-telle");
        assert_eq!(respell("se souvient-il, sembleraient-ils"), "se souvient-til, sembleraient-tils");
        assert_eq!(respell("doit-il, fait-elle, peut-on"), "doit-til, fait-telle, peut-ton");
        assert_eq!(respell("le Nord-Est et le sud-est"), "le Naurd-èst et le sud-èst");
        assert_eq!(respell("Guy et Tanguy, Guyane"), "Gui et Tangui, Guyane");
        assert_eq!(respell("l'Olympia, olympique"), "l'Ôlympia, ôlympique");
        assert_eq!(
            respell("analyser, analysé, Élysée, physique, analyse"),
            "analyzé, analyzé, Élyzée, phyzique, analyse"
        );
        assert_eq!(respell("moyen, citoyens, moyenne"), "moyin, citoyins, moyenne");
        assert_eq!(respell("une maison"), "une maison");
    }

    /// What C espeak-ng says (`espeak-ng -q -v fr --ipa`, stress removed).
    #[test]
    fn the_crate_then_says_what_c_says() {
        assert_eq!(say("dix-huit personnes"), "dizyi pɛʁsɔn");
        assert_eq!(say("quatre-vingt-dix-huit ans"), "katʁvɛ̃dizyit ɑ̃");
        assert_eq!(say("a-t-il dit"), "atil di");
        assert_eq!(say("se souvient-il"), "sə- suvjɛ̃til");
        assert_eq!(say("doit-il"), "dwatil");
        assert_eq!(say("au nord-est"), "o noʁɛst");
        assert_eq!(say("olympique"), "olɛ̃pik");
        assert_eq!(say("Guy"), "ɡi");
        assert_eq!(say("analyser"), "analize");
        assert_eq!(say("un moyen"), "œ̃ mwajɛ̃");
    }
}
