//! What no newsreader says: terminal escape sequences, control characters
//! and emoji, removed before any rule sees the text. Text pasted from a
//! terminal or a social network carries them; read aloud they come out as
//! "[trente et un m" or as noise.

/// The text without escape sequences, control characters (other than line
/// breaks) and emoji.
pub(super) fn clean(text: &str) -> String {
    crate::controls::strip(text).chars().filter(|&c| c != '\t' && !is_emoji(c)).collect()
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
        assert_eq!(clean("\u{1B}[31mrouge\u{1B}[0m et\tvert"), "rouge etvert");
    }

    #[test]
    fn emoji_and_controls_are_removed() {
        assert_eq!(clean("Bravo 👏🏽 aux Bleus 🇫🇷 !"), "Bravo  aux Bleus  !");
        assert_eq!(clean("👨‍👩‍👧 famille ❤️"), " famille ");
        assert_eq!(clean("a\u{0}b\u{7}c\nd"), "abc\nd");
        assert_eq!(clean("L'été à 30 °C, « déjà » — 1/2"), "L'été à 30 °C, « déjà » — 1/2");
    }
}
