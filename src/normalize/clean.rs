//! What no newsreader says: terminal escape sequences, control characters
//! and emoji, removed before any rule sees the text. Text pasted from a
//! terminal or a social network carries them; read aloud they come out as
//! "[trente et un m" or as noise.

/// The text without escape sequences, control characters (other than line
/// breaks) and emoji.
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1B}' {
            skip_escape(&mut chars);
        } else if c == '\n' || !(c.is_control() || is_emoji(c)) {
            out.push(c);
        }
    }
    out
}

/// Skips the rest of an escape sequence: CSI ("ESC [ 31 m"), OSC ("ESC ]
/// ... BEL" or "ESC ] ... ESC \"), or a two-character sequence.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars>) {
    match chars.next() {
        Some('[') => {
            // Parameters and intermediates, then one final byte.
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7E}').contains(&c) {
                    break;
                }
            }
        }
        Some(']') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' || (c == '\u{1B}' && chars.next_if_eq(&'\\').is_some()) {
                    break;
                }
            }
        }
        _ => {}
    }
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
    use super::clean;

    #[test]
    fn escape_sequences_are_removed() {
        assert_eq!(clean("\u{1B}[31mrouge\u{1B}[0m et \u{1B}[1;32mvert"), "rouge et vert");
        assert_eq!(clean("\u{1B}]0;titre\u{7}texte"), "texte");
        assert_eq!(clean("\u{1B}]8;;lien\u{1B}\\mot"), "mot");
        assert_eq!(clean("fin\u{1B}"), "fin");
    }

    #[test]
    fn emoji_and_controls_are_removed() {
        assert_eq!(clean("Bravo 👏🏽 aux Bleus 🇫🇷 !"), "Bravo  aux Bleus  !");
        assert_eq!(clean("👨‍👩‍👧 famille ❤️"), " famille ");
        assert_eq!(clean("a\u{0}b\u{7}c\nd"), "abc\nd");
        assert_eq!(clean("L'été à 30 °C, « déjà » — 1/2"), "L'été à 30 °C, « déjà » — 1/2");
    }
}
