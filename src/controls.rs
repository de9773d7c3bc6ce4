//! Characters that are not text: terminal escape sequences, control
//! characters, noncharacters, and the replacement character decoding puts
//! for a lone surrogate or a broken byte. Articles lose them as they are
//! read; each writer drops them again from text that comes from elsewhere
//! (a `--title`, the show's fields), since XML, ID3 and Vorbis comments
//! cannot carry them; messages show them written out, so that a file name
//! can neither drive the terminal nor break a message's line.

use std::fmt::Display;
use std::iter::Peekable;
use std::str::Chars;

/// The text without escape sequences and characters that are not text;
/// tabs and line breaks stay.
pub fn strip(text: &str) -> String {
    // Most text has none: one quick look rather than a copy char by char.
    if text.chars().all(is_kept) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_kept(c) {
            out.push(c);
        } else if c == '\u{1B}' {
            skip_escape(&mut chars);
        }
    }
    out
}

/// A character [`strip`] keeps: text, tabs and line breaks (an escape, a
/// control, is not kept).
fn is_kept(c: char) -> bool {
    match c.is_ascii() {
        true => !c.is_ascii_control() || matches!(c, '\n' | '\t'),
        false => !is_not_text(c),
    }
}

/// The text on one line, for the fields of a tag or a subtitle cue:
/// stripped, every run of white space one space.
pub fn one_line(text: &str) -> String {
    strip(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A name (a file's, an input's) as messages show it: every control or
/// invisible character written out (`\u{1b}`, `\n`, `\u{ad}`), the rest as
/// it is.
pub fn shown(name: impl Display) -> String {
    let name = name.to_string();
    let hidden = |c: char| c.is_control() || is_invisible(c);
    if !name.chars().any(hidden) {
        return name;
    }
    let escaped = name.chars().map(|c| if hidden(c) { c.escape_debug().to_string() } else { c.to_string() });
    escaped.collect()
}

/// Characters with no glyph and no sound: soft hyphens, zero-width spaces
/// and joiners, direction marks, the byte order mark.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200E}' | '\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

/// C0 and C1 controls, noncharacters (U+FDD0 to U+FDEF, and the last two
/// of every plane) and the replacement character.
fn is_not_text(c: char) -> bool {
    c.is_control() || ('\u{FDD0}'..='\u{FDEF}').contains(&c) || u32::from(c) & 0xFFFE == 0xFFFE || c == '\u{FFFD}'
}

/// Skips the rest of an escape sequence: CSI ("ESC [ 31 m"), OSC ("ESC ]
/// ... BEL" or "ESC ] ... ESC \"), or a two-character sequence.
fn skip_escape(chars: &mut Peekable<Chars>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_removed() {
        assert_eq!(strip("\u{1B}[31mrouge\u{1B}[0m et \u{1B}[1;32mvert"), "rouge et vert");
        assert_eq!(strip("\u{1B}]0;titre\u{7}texte"), "texte");
        assert_eq!(strip("\u{1B}]8;;lien\u{1B}\\mot"), "mot");
        assert_eq!(strip("fin\u{1B}"), "fin");
    }

    #[test]
    fn what_is_not_text_is_removed_but_tabs_and_line_breaks() {
        assert_eq!(strip("a\u{0}b\u{7}c\r\nd\te\u{85}f\u{9F}"), "abc\nd\tef");
        assert_eq!(strip("x\u{FFFE}\u{FFFF}\u{FDD0}\u{1FFFF}\u{FFFD}y"), "xy");
        assert_eq!(strip("L'été à 30 °C, « déjà » — 1/2 👏"), "L'été à 30 °C, « déjà » — 1/2 👏");
        assert_eq!(one_line(" Un\u{1B}[1m\ttitre\n\nsur  deux\u{0} "), "Un titre sur deux");
    }

    #[test]
    fn names_show_control_characters_written_out() {
        assert_eq!(shown("a\u{1B}[31mb\nc\u{7}.txt"), "a\\u{1b}[31mb\\nc\\u{7}.txt");
        assert_eq!(shown(std::path::Path::new("/tmp/été.txt").display()), "/tmp/été.txt");
        assert_eq!(shown(shown("\u{9B}")), "\\u{9b}", "shown twice is shown once");
        assert_eq!(shown("un\u{AD}deux\u{200B}"), "un\\u{ad}deux\\u{200b}");
    }
}
