//! Input bounded for an engine. Sentences stay whole through splitting, the
//! plan, the manifest and the subtitles; where an engine needs shorter input
//! than a sentence, the sentence is cut here, for that engine alone, at its
//! strongest clause boundaries, and the pieces are joined with the pause the
//! voice makes at a comma, never a sentence pause.

use crate::audio;
use crate::error::Result;

/// The pause a voice makes at a comma at its normal pace: measured on the
/// embedded espeak-ng voice and on a Piper voice alike (about 0.2 s), and
/// put wherever an engine's input is cut inside a sentence.
pub const CLAUSE_GAP_SECONDS: f32 = 0.2;

/// Cuts `text` into pieces of at most `max_chars` characters at its
/// strongest clause boundaries (";" ":" then dashes then "," and ")"),
/// near the middle, recursively; at spaces if it has no clause boundary,
/// and anywhere as a last resort. Text of `max_chars` or less is one piece.
pub fn cut(text: &str, max_chars: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    cut_into(text.trim(), max_chars.max(1), &mut pieces);
    pieces
}

fn cut_into(text: &str, max_chars: usize, pieces: &mut Vec<String>) {
    let length = text.chars().count();
    if length <= max_chars {
        if !text.is_empty() {
            pieces.push(text.to_owned());
        }
        return;
    }
    let cut = best_cut(text, length, max_chars)
        .unwrap_or_else(|| text.char_indices().nth(max_chars).map_or(text.len(), |(b, _)| b));
    cut_into(text[..cut].trim(), max_chars, pieces);
    cut_into(text[cut..].trim(), max_chars, pieces);
}

/// A place to cut: how strong a boundary it is, where it falls in
/// characters, and the byte offset where the second piece begins.
#[derive(Clone, Copy)]
struct Boundary {
    strength: u8,
    position: usize,
    byte: usize,
}

/// Byte offset of the best place to cut `text`: the strongest boundary
/// that leaves neither piece too short (a quarter of `max_chars`), nearest
/// the middle so that the cuts are few and the pieces even.
fn best_cut(text: &str, length: usize, max_chars: usize) -> Option<usize> {
    let candidates = boundaries(text);
    let middle = length / 2;
    let balanced = |b: &&Boundary| b.position.min(length - b.position) >= max_chars / 4;
    let nearest = |list: Vec<&Boundary>| list.into_iter().min_by_key(|b| b.position.abs_diff(middle)).copied();
    (0..=3u8)
        .rev()
        .find_map(|strength| nearest(candidates.iter().filter(|b| b.strength == strength).filter(balanced).collect()))
        .or_else(|| nearest(candidates.iter().collect()))
        .map(|b| b.byte)
        .filter(|&byte| byte > 0 && byte < text.len())
}

/// Every place `text` may be cut, with its strength: 3 after ";" and ":",
/// 2 before a spaced dash, 1 after "," and ")", 0 at any other space.
fn boundaries(text: &str) -> Vec<Boundary> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    for (k, &(byte, c)) in chars.iter().enumerate() {
        let spaced_after = chars.get(k + 1).is_some_and(|n| n.1.is_whitespace());
        let after = chars.get(k + 1).map_or(text.len(), |n| n.0);
        let spaced_before = k > 0 && chars[k - 1].1.is_whitespace();
        let (strength, position, byte) = match c {
            ';' | ':' if spaced_after => (3, k + 1, after),
            '—' | '–' if spaced_after && spaced_before => (2, k, byte),
            ',' | ')' if spaced_after => (1, k + 1, after),
            c if c.is_whitespace() => (0, k, byte),
            _ => continue,
        };
        found.push(Boundary { strength, position, byte });
    }
    found
}

/// Speaks each piece with `speak` and joins the speech with `gap` samples
/// of silence between pieces, so that a cut sounds like a comma. Each
/// piece's own leading and trailing silence is trimmed first; pieces
/// without speech add nothing.
pub fn speak_joined(pieces: &[String], gap: usize, speak: impl FnMut(&str) -> Result<Vec<f32>>) -> Result<Vec<f32>> {
    let spaced: Vec<(&str, usize)> = pieces.iter().map(|piece| (piece.as_str(), gap)).collect();
    speak_spaced(&spaced, speak)
}

/// Like [`speak_joined`], each piece with the silence (in samples) put
/// before it when something was said before.
pub fn speak_spaced(pieces: &[(&str, usize)], mut speak: impl FnMut(&str) -> Result<Vec<f32>>) -> Result<Vec<f32>> {
    let mut out = Vec::new();
    for &(piece, gap) in pieces {
        let samples = speak(piece)?;
        let speech = audio::trim_silence(&samples);
        if speech.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.resize(out.len() + gap, 0.0);
        }
        out.extend_from_slice(speech);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(cut("Court.", 300), ["Court."]);
        assert!(cut("  ", 300).is_empty());
    }

    #[test]
    fn long_text_is_cut_at_the_strongest_boundary() {
        let sentence = "Le gouvernement a présenté son budget, qui prévoit des économies; l'opposition a dénoncé un texte injuste, et les syndicats appellent à manifester.";
        assert_eq!(
            cut(sentence, 100),
            [
                "Le gouvernement a présenté son budget, qui prévoit des économies;",
                "l'opposition a dénoncé un texte injuste, et les syndicats appellent à manifester."
            ]
        );
    }

    #[test]
    fn every_piece_fits_and_no_text_is_lost() {
        let words = "mot ".repeat(700);
        let commas = "un, deux, trois, quatre, cinq, ".repeat(60);
        let blob = "x".repeat(2000);
        for text in [words.as_str(), commas.as_str(), blob.as_str()] {
            let pieces = cut(text, 120);
            assert!(pieces.iter().all(|p| p.chars().count() <= 120));
            let rejoined: String = pieces.concat().split_whitespace().collect();
            let original: String = text.split_whitespace().collect();
            assert_eq!(rejoined, original, "no text lost");
        }
    }

    #[test]
    fn pieces_are_joined_by_the_gap_alone() {
        let speak = |piece: &str| Ok(if piece == "muet" { vec![0.0; 4] } else { vec![0.0, 0.5, 0.5, 0.0] });
        let pieces: Vec<String> = ["un", "muet", "deux"].map(String::from).into();
        assert_eq!(speak_joined(&pieces, 3, speak).unwrap(), [0.5, 0.5, 0.0, 0.0, 0.0, 0.5, 0.5]);
    }
}
