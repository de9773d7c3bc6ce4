//! What no newsreader says: terminal escape sequences, control characters
//! and emoji, removed before any rule sees the text. Text pasted from a
//! terminal or a social network carries them; read aloud they come out as
//! "[trente et un m" or as noise. Characters that stand for others are
//! replaced by them here, so that the rules know one form of each.

use super::Rewrite;

/// The text without escape sequences, control characters (other than line
/// breaks), emoji and invisible characters, and with the characters that
/// stand for others replaced. What was replaced or removed is logged when
/// asked for, named "stand-in" or "invisible": `--explain` shows it too.
pub(super) fn clean(text: &str, mut log: Option<&mut Vec<Rewrite>>) -> String {
    let stripped = crate::controls::strip(text);
    if stripped.chars().all(kept_as_is) {
        return stripped;
    }
    let mut out = String::with_capacity(stripped.len());
    let mut chars = stripped.chars().peekable();
    while let Some(c) = chars.next() {
        if kept_as_is(c) {
            out.push(c);
            continue;
        }
        let (said, rule) = match c {
            SOFT_HYPHEN if opens_number(&out, chars.peek().copied()) => ("−", "stand-in"),
            // "35º", "nº": the ordinal indicator stands for the degree sign
            // it looks like, which "n°" (numéro) is written with too.
            'º' => ("°", "stand-in"),
            // Typographic hyphens, non-breaking or not, are the hyphen the
            // rules know: a compound's, a code's or a sign.
            '\u{2010}' | '\u{2011}' => ("-", "stand-in"),
            _ if crate::controls::is_invisible(c) => ("", "invisible"),
            // A tab or an emoji: dropped unlogged.
            _ => continue,
        };
        out.push_str(said);
        if let Some(log) = log.as_deref_mut() {
            log.push(Rewrite { written: c.to_string(), spoken: said.to_owned(), rule });
        }
    }
    out
}

/// A character [`clean`] leaves as it is: most text has no other, and is
/// then given back without a copy. Every other one is replaced or dropped.
fn kept_as_is(c: char) -> bool {
    c != '\t'
        && (c.is_ascii()
            || !(matches!(c, SOFT_HYPHEN | 'º' | '\u{2010}' | '\u{2011}')
                || crate::controls::is_invisible(c)
                || is_emoji(c)))
}

/// A soft hyphen is a hyphenation point, unseen; text converted from a
/// word processor also leaves one where a minus sign was ("il fait \u{AD}5
/// degrés").
const SOFT_HYPHEN: char = '\u{AD}';

/// Whether a mark between `before` and the character `next` starts a
/// number of its own: a digit follows, and a space or an opening bracket
/// comes before.
fn opens_number(before: &str, next: Option<char>) -> bool {
    let spaced = before.chars().next_back().is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '['));
    spaced && next.is_some_and(|c| c.is_ascii_digit())
}

/// Pictographs and the marks that build emoji sequences (joiners,
/// variation selectors, skin tones, flags, keycaps, tags).
fn is_emoji(c: char) -> bool {
    matches!(
        c,
        '\u{1F000}'..='\u{1FAFF}'
            | '\u{2600}'..='\u{27BF}'
            | '\u{2B00}'..='\u{2BFF}'
            | '\u{231A}'..='\u{231B}'
            | '\u{23E9}'..='\u{23FA}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{200D}'
            | '\u{20E3}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

#[cfg(test)]
mod tests {
    use super::Rewrite;

    fn clean(text: &str) -> String {
        super::clean(text, None)
    }

    #[test]
    fn escape_sequences_are_removed() {
        assert_eq!(clean("\u{1B}[31mrouge\u{1B}[0m et\tvert"), "rouge etvert");
    }

    #[test]
    fn emoji_and_controls_are_removed() {
        assert_eq!(clean("Bravo 👏🏽 aux Bleus 🇫🇷 !"), "Bravo  aux Bleus  !");
        assert_eq!(clean("👨‍👩‍👧 famille ❤️"), " famille ");
        assert_eq!(clean("a\u{0}b\u{7}c\nd"), "abc\nd");
        assert_eq!(clean("L'été à 30 °C, « déjà » — 1/2"), "L'été à 30 °C, « déjà » — 1/2");
    }

    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(clean("consti\u{AD}tution\u{200B}nelle\u{FEFF}"), "constitutionnelle");
        assert_eq!(clean("de 12\u{AD}000 à\u{2060}14"), "de 12000 à14");
    }

    #[test]
    fn the_ordinal_indicator_is_a_degree_sign() {
        assert_eq!(clean("35º, nº 4, Nº 5, unº, nºa"), "35°, n° 4, N° 5, un°, n°a");
    }

    #[test]
    fn what_is_replaced_or_removed_is_logged_by_name() {
        let mut log = Vec::new();
        assert_eq!(super::clean("nº 3 \u{AD}5 in\u{200B}visible 👏", Some(&mut log)), "n° 3 −5 invisible ");
        let rewrite =
            |written: &str, spoken: &str, rule| Rewrite { written: written.into(), spoken: spoken.into(), rule };
        assert_eq!(
            log,
            [rewrite("º", "°", "stand-in"), rewrite("\u{AD}", "−", "stand-in"), rewrite("\u{200B}", "", "invisible")]
        );
    }

    #[test]
    fn a_soft_hyphen_opening_a_number_is_a_minus_sign() {
        assert_eq!(clean("il fait \u{AD}7 degrés"), "il fait −7 degrés");
        assert_eq!(clean("(\u{AD}3,5 %)"), "(−3,5 %)");
        assert_eq!(clean("\u{AD}2 points"), "−2 points");
        assert_eq!(clean("Jean\u{2011}Luc à \u{2010}3"), "Jean-Luc à -3");
    }
}
