//! Page furniture left in extracted news text: cross-links, share buttons,
//! headline labels such as "VIDÉO -", and lines of stray dashes. Rules are
//! general; the phrases live in `data/clutter.txt`.

use regex::Regex;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

struct Phrases {
    cross_links: Vec<String>,
    furniture: Vec<String>,
    labels: Vec<String>,
}

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| parse_phrases(include_str!("../../data/clutter.txt")));

fn parse_phrases(data: &'static str) -> Phrases {
    let mut phrases = Phrases { cross_links: Vec::new(), furniture: Vec::new(), labels: Vec::new() };
    for (section, line) in crate::language_data::sectioned(data, "clutter.txt") {
        let list = match section {
            "cross-link" => &mut phrases.cross_links,
            "furniture" => &mut phrases.furniture,
            "label" => &mut phrases.labels,
            other => panic!("data/clutter.txt: unknown section [{other}]"),
        };
        list.push(fold(line.trim()));
    }
    // Longest first, so "a lire aussi" wins over "a lire".
    for list in [&mut phrases.cross_links, &mut phrases.labels] {
        list.sort_by_key(|p| std::cmp::Reverse(p.len()));
    }
    phrases
}

/// Lowercase without accents, typographic apostrophes made plain: the form
/// phrases are compared in.
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c == '’' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Arrows, bullets and chevrons that sites put before a cross-link.
fn strip_markers(line: &str) -> &str {
    line.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '>' | '»' | '•' | '▶' | '►' | '→' | '-' | '–' | '—' | '*' | '|')
    })
}

/// `folded` starts with `phrase` followed by a word boundary.
fn starts_with_phrase(folded: &str, phrase: &str) -> bool {
    folded.strip_prefix(phrase).is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
}

static TRAILING_DASHES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:\s+[-–—•*|]+)+\s*$").unwrap());

/// A line as it should be read, or `None` when the whole line is clutter.
pub fn clean_line(line: &str) -> Option<String> {
    let line = TRAILING_DASHES.replace(line.trim(), "");
    if !line.chars().any(char::is_alphanumeric) {
        return None;
    }
    let folded = fold(strip_markers(&line));
    let folded = folded.trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
    let phrases = &*PHRASES;
    if phrases.furniture.iter().any(|p| p == folded) {
        return None;
    }
    if phrases.cross_links.iter().any(|p| starts_with_phrase(folded, p)) {
        return None;
    }
    Some(line.into_owned())
}

/// Drops a leading label such as "VIDÉO -" or "Infographie :" from a headline.
pub fn strip_label(title: &str) -> &str {
    let folded = fold(title);
    for label in &PHRASES.labels {
        if !starts_with_phrase(&folded, label) {
            continue;
        }
        // Folding keeps one char per char, so char counts line up.
        let rest_start = title.char_indices().nth(label.chars().count()).map_or(title.len(), |(i, _)| i);
        let rest = title[rest_start..].trim_start();
        if let Some(after) = rest.strip_prefix(['-', '–', '—', ':', '|']) {
            let after = after.trim_start();
            if after.chars().any(char::is_alphanumeric) {
                return after;
            }
        }
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_links_are_dropped() {
        for line in [
            ">> A lire aussi - Mali : Violents affrontements à Gao",
            "À lire aussi : le récit de la journée",
            "LIRE AUSSI. Les chiffres du chômage",
            "• Voir aussi notre carte",
            "→ Sur le même sujet",
            "Lire la suite",
        ] {
            assert_eq!(clean_line(line), None, "{line}");
        }
    }

    #[test]
    fn text_that_merely_contains_the_phrase_stays() {
        let line = "Il faut lire aussi les notes de bas de page, dit-il.";
        assert_eq!(clean_line(line).as_deref(), Some(line));
        assert_eq!(clean_line("Alire est un prénom.").as_deref(), Some("Alire est un prénom."));
    }

    #[test]
    fn furniture_lines_are_dropped() {
        for line in ["Publicité", "PARTAGER", "Partager sur Facebook", "Commentaires :"] {
            assert_eq!(clean_line(line), None, "{line}");
        }
        assert!(clean_line("Publicité mensongère : l'enquête avance").is_some());
    }

    #[test]
    fn punctuation_only_lines_are_dropped() {
        for line in ["- -", "***", "—", "  . . .  ", "|"] {
            assert_eq!(clean_line(line), None, "{line:?}");
        }
    }

    #[test]
    fn trailing_dash_runs_are_trimmed() {
        assert_eq!(
            clean_line("Les combats continuaient à Gao. - -").as_deref(),
            Some("Les combats continuaient à Gao.")
        );
        assert_eq!(clean_line("Jean-Yves Le Drian").as_deref(), Some("Jean-Yves Le Drian"));
    }

    #[test]
    fn headline_labels_are_stripped() {
        assert_eq!(strip_label("VIDEO - Mali : des combats à Gao"), "Mali : des combats à Gao");
        assert_eq!(strip_label("VIDÉO – Le discours"), "Le discours");
        assert_eq!(strip_label("Photos : la crue de la Seine"), "la crue de la Seine");
        assert_eq!(strip_label("EN IMAGES - Le défilé"), "Le défilé");
        assert_eq!(strip_label("INFOGRAPHIE. Le budget"), "INFOGRAPHIE. Le budget");
        assert_eq!(strip_label("Vidéosurveillance : le débat"), "Vidéosurveillance : le débat");
        assert_eq!(strip_label("Mali - Gao reprise"), "Mali - Gao reprise");
        assert_eq!(strip_label("Vidéo -"), "Vidéo -");
    }
}
