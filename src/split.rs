//! French sentence boundaries, and cutting of over-long sentences at clause
//! boundaries so that no engine receives an unbounded run of text.
//! Pure functions of text.

use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Default longest piece, in characters, handed on as one sentence.
pub const DEFAULT_MAX_CHARS: usize = 300;

static NON_FINAL: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/abbreviations-nonfinal.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// "J", "J.-Y", "A.B": initials whose full stop is not a sentence end.
static INITIALS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:\p{Lu}\.-?)*\p{Lu}$").unwrap());

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Closing marks that belong to the sentence they follow.
fn is_closer(c: char) -> bool {
    matches!(c, '»' | '"' | '”' | '’' | '\'' | ')' | ']' | '›')
}

/// What may begin a new sentence.
fn is_starter(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(c, '«' | '"' | '“' | '‘' | '(' | '[' | '—' | '–' | '-' | '¿' | '¡' | '\'' | '‹' | '…')
}

/// Splits one paragraph into sentences.
pub fn sentences(paragraph: &str) -> Vec<String> {
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(paragraph.len(), |&(b, _)| b);
    let mut found = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if !is_terminator(chars[i].1) {
            i += 1;
            continue;
        }
        let terminator_start = i;
        while i < chars.len() && is_terminator(chars[i].1) {
            i += 1;
        }
        let end = skip_closers(&chars, i);
        i = end;
        let next = skip_whitespace(&chars, end);
        if next == end || next == chars.len() || !is_starter(chars[next].1) {
            continue;
        }
        let before = &paragraph[byte_at(start)..byte_at(terminator_start)];
        let terminator = &paragraph[byte_at(terminator_start)..byte_at(end)];
        if ends_sentence(before, terminator) {
            push_trimmed(&mut found, &paragraph[byte_at(start)..byte_at(end)]);
            start = next;
            i = next;
        }
    }
    push_trimmed(&mut found, &paragraph[byte_at(start)..]);
    found
}

fn push_trimmed(found: &mut Vec<String>, sentence: &str) {
    let sentence = sentence.trim();
    if !sentence.is_empty() {
        found.push(sentence.to_owned());
    }
}

fn skip_whitespace(chars: &[(usize, char)], mut i: usize) -> usize {
    while i < chars.len() && chars[i].1.is_whitespace() {
        i += 1;
    }
    i
}

/// Past closing quotes and brackets, including the (no-break) space French
/// typography puts before "»".
fn skip_closers(chars: &[(usize, char)], mut end: usize) -> usize {
    loop {
        let j = skip_whitespace(chars, end);
        if j < chars.len() && is_closer(chars[j].1) {
            end = j + 1;
        } else {
            return end;
        }
    }
}

/// Whether the terminator after `before` (the sentence so far) ends it.
fn ends_sentence(before: &str, terminator: &str) -> bool {
    let full_stop = terminator.trim_end_matches(|c: char| is_closer(c) || c.is_whitespace());
    if full_stop == "." {
        let word = last_word(before);
        if is_era(before, word) {
            return true;
        }
        return !(is_non_final(word) || INITIALS.is_match(word) || is_list_number(before));
    }
    if full_stop.starts_with("..") || full_stop.starts_with('…') {
        // "(...)" and "[…]" mark a cut in a quotation, not an end.
        return !before.ends_with(['(', '[']);
    }
    true
}

fn last_word(before: &str) -> &str {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    word.trim_start_matches(['(', '[', '«', '"', '“', '\'', '’'])
}

/// "av. J.-C." often ends a sentence, where "J.-C. Decaux" is initials.
fn is_era(before: &str, word: &str) -> bool {
    let previous = before.trim_end().strip_suffix(word).unwrap_or("");
    let previous = previous.split_whitespace().last().unwrap_or("");
    word == "J.-C" && matches!(previous.to_lowercase().as_str(), "av." | "apr." | "avant" | "après")
}

fn is_non_final(word: &str) -> bool {
    if NON_FINAL.contains(word) {
        return true;
    }
    let lower = word.to_lowercase();
    lower != word && NON_FINAL.contains(lower.as_str()) && word.chars().skip(1).all(char::is_lowercase)
}

/// "1. " at the start of a list item.
fn is_list_number(before: &str) -> bool {
    let before = before.trim();
    !before.is_empty() && before.chars().all(|c| c.is_ascii_digit())
}

/// Cuts a sentence longer than `max_chars` at its strongest clause
/// boundaries (";" ":" then dashes then ","), near the middle, recursively;
/// at spaces if it has no clause boundary, and anywhere as a last resort.
pub fn cut_long(sentence: &str, max_chars: usize) -> Vec<String> {
    let max_chars = max_chars.max(1);
    let mut pieces = Vec::new();
    cut_into(sentence.trim(), max_chars, &mut pieces);
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

/// Byte offset of the best place to cut `text`, if it has any space in it.
fn best_cut(text: &str, length: usize, max_chars: usize) -> Option<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // (strength, char position, byte offset of the cut)
    let mut candidates: Vec<(u8, usize, usize)> = Vec::new();
    for (k, &(byte, c)) in chars.iter().enumerate() {
        let spaced = chars.get(k + 1).is_some_and(|n| n.1.is_whitespace());
        let after = chars.get(k + 1).map_or(text.len(), |n| n.0);
        let spaced_before = k > 0 && chars[k - 1].1.is_whitespace();
        match c {
            ';' | ':' if spaced => candidates.push((3, k + 1, after)),
            '—' | '–' if spaced && spaced_before => candidates.push((2, k, byte)),
            ',' | ')' if spaced => candidates.push((1, k + 1, after)),
            c if c.is_whitespace() => candidates.push((0, k, byte)),
            _ => {}
        }
    }
    let middle = length / 2;
    let balanced = |&(_, pos, _): &(u8, usize, usize)| pos.min(length - pos) >= max_chars / 4;
    let nearest =
        |list: &mut dyn Iterator<Item = (u8, usize, usize)>| list.min_by_key(|&(_, pos, _)| pos.abs_diff(middle));
    (0..=3u8)
        .rev()
        .find_map(|strength| nearest(&mut candidates.iter().copied().filter(|c| c.0 == strength).filter(balanced)))
        .or_else(|| nearest(&mut candidates.iter().copied()))
        .map(|(_, _, byte)| byte)
        .filter(|&byte| byte > 0 && byte < text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(paragraph: &str, expected: &[&str]) {
        assert_eq!(sentences(paragraph), expected, "{paragraph}");
    }

    #[test]
    fn plain_sentences() {
        check("Il pleut. Il vente! Viendra-t-il ? Oui.", &["Il pleut.", "Il vente!", "Viendra-t-il ?", "Oui."]);
    }

    #[test]
    fn titles_and_abbreviations_do_not_end_sentences() {
        check(
            "M. Le Drian et Mme Dupont sont là. MM. Durand aussi.",
            &["M. Le Drian et Mme Dupont sont là.", "MM. Durand aussi."],
        );
        check(
            "Voir p. 12 et art. 3 du code. Cf. Dupont, op. cit. Fin.",
            &["Voir p. 12 et art. 3 du code.", "Cf. Dupont, op. cit. Fin."],
        );
        check("Le Dr. Martin opère. Le Pr. Petit aussi.", &["Le Dr. Martin opère.", "Le Pr. Petit aussi."]);
        check("Il mesure 5 m. Elle aussi.", &["Il mesure 5 m.", "Elle aussi."]);
    }

    #[test]
    fn etc_and_era_can_end_a_sentence() {
        check("Des pommes, des poires, etc. Le marché ferme.", &["Des pommes, des poires, etc.", "Le marché ferme."]);
        check("César meurt en 44 av. J.-C. Rome change.", &["César meurt en 44 av. J.-C.", "Rome change."]);
        check("En 52 av. J.-C. les Gaulois perdent.", &["En 52 av. J.-C. les Gaulois perdent."]);
        check("Selon J.-C. Decaux, oui.", &["Selon J.-C. Decaux, oui."]);
    }

    #[test]
    fn initials_are_not_ends() {
        check("J.-Y. Le Drian est arrivé. J. Chirac aussi.", &["J.-Y. Le Drian est arrivé.", "J. Chirac aussi."]);
        check("Selon J. R. R. Tolkien, non.", &["Selon J. R. R. Tolkien, non."]);
    }

    #[test]
    fn numbers_urls_and_emails_keep_their_dots() {
        check("À 1.200 km, 3,5 % et 2.700.000 euros. Fin.", &["À 1.200 km, 3,5 % et 2.700.000 euros.", "Fin."]);
        check(
            "Écrivez à info@exemple.fr ou sur www.exemple.fr. Merci.",
            &["Écrivez à info@exemple.fr ou sur www.exemple.fr.", "Merci."],
        );
        check("Voir https://exemple.fr/a.b?c=1. Ensuite.", &["Voir https://exemple.fr/a.b?c=1.", "Ensuite."]);
    }

    #[test]
    fn ellipses() {
        check("Il hésite... Puis il part.", &["Il hésite...", "Puis il part."]);
        check("Il hésite… puis il part.", &["Il hésite… puis il part."]);
        check("« Nous allons (...) Gagner », dit-il.", &["« Nous allons (...) Gagner », dit-il."]);
    }

    #[test]
    fn quotes_and_brackets_after_final_punctuation() {
        check("« La bataille commence. » Le Mujao l'affirme.", &["« La bataille commence. »", "Le Mujao l'affirme."]);
        check("« Où vas-tu ? » demanda-t-il.", &["« Où vas-tu ? » demanda-t-il."]);
        check("Il l'a dit (hier.) Puis non.", &["Il l'a dit (hier.)", "Puis non."]);
        check("\"C'est fini.\" Il sort.", &["\"C'est fini.\"", "Il sort."]);
        check("Quoi ?! Non !", &["Quoi ?!", "Non !"]);
    }

    #[test]
    fn headline_and_list_numbers() {
        check("Combats dans le centre de Gao", &["Combats dans le centre de Gao"]);
        check("1. Le budget", &["1. Le budget"]);
    }

    #[test]
    fn lowercase_after_stop_does_not_split() {
        check("Il est 3 h. du matin.", &["Il est 3 h. du matin."]);
    }

    #[test]
    fn short_sentences_are_not_cut() {
        assert_eq!(cut_long("Court.", 300), ["Court."]);
    }

    #[test]
    fn long_sentences_are_cut_at_the_strongest_boundary() {
        let sentence = "Le gouvernement a présenté son budget, qui prévoit des économies; l'opposition a dénoncé un texte injuste, et les syndicats appellent à manifester.";
        let pieces = cut_long(sentence, 100);
        assert_eq!(
            pieces,
            [
                "Le gouvernement a présenté son budget, qui prévoit des économies;",
                "l'opposition a dénoncé un texte injuste, et les syndicats appellent à manifester."
            ]
        );
    }

    #[test]
    fn every_piece_fits() {
        let words = "mot ".repeat(700);
        let commas = "un, deux, trois, quatre, cinq, ".repeat(60);
        let blob = "x".repeat(2000);
        for text in [words.as_str(), commas.as_str(), blob.as_str()] {
            let pieces = cut_long(text, 120);
            assert!(pieces.iter().all(|p| p.chars().count() <= 120));
            let rejoined: String = pieces.concat().split_whitespace().collect();
            let original: String = text.split_whitespace().collect();
            assert_eq!(rejoined, original, "no text lost");
        }
    }
}
