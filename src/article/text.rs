//! Plain-text articles: the first line is the title, blank lines separate
//! paragraphs, and lines broken only for width are joined back.

use super::clutter;

/// Title and paragraphs of a plain-text article, clutter removed.
pub fn parse(text: &str) -> (Option<String>, Vec<String>) {
    let lines: Vec<Option<String>> = text.lines().map(clean).collect();
    let Some(first) = lines.iter().position(|l| l.as_deref().is_some_and(|t| !t.is_empty())) else {
        return (None, Vec::new());
    };
    let title = lines[first].clone().map(|t| clutter::strip_label(&t).to_owned());
    (title, paragraphs_of_lines(&lines[first + 1..]))
}

/// Paragraphs of a body with no title line (JSON bodies, `briefing split`).
pub fn paragraphs(text: &str) -> Vec<String> {
    let lines: Vec<Option<String>> = text.lines().map(clean).collect();
    paragraphs_of_lines(&lines)
}

/// A blank line stays blank (`Some("")`): it separates paragraphs. A clutter
/// line disappears (`None`) without splitting the paragraph around it.
fn clean(line: &str) -> Option<String> {
    if line.trim().is_empty() {
        Some(String::new())
    } else {
        clutter::clean_line(line)
    }
}

fn paragraphs_of_lines(lines: &[Option<String>]) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in lines.iter().flatten() {
        let (is_item, line) = strip_bullet(line);
        let breaks = line.is_empty() || is_item || !continues(&current, line);
        if breaks && !current.is_empty() {
            paragraphs.push(std::mem::take(&mut current));
        }
        if !line.is_empty() {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// List markers are layout, not words.
fn strip_bullet(line: &str) -> (bool, &str) {
    for marker in ["- ", "* ", "• ", "– ", "— ", "· ", "▪ ", "◦ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return (true, rest.trim_start());
        }
    }
    (false, line)
}

/// Whether `next` carries on the sentence of `previous`, i.e. the line break
/// was only wrapping. Extracted news text puts one paragraph per line, and
/// headlines have no final full stop, so a break counts as a paragraph
/// unless the text plainly runs on.
fn continues(previous: &str, next: &str) -> bool {
    let Some(last) = previous.chars().last() else {
        return false;
    };
    if matches!(last, '.' | '!' | '?' | '…' | ':' | '»' | '"' | '”') {
        return false;
    }
    let next_starts_low = next.chars().next().is_some_and(char::is_lowercase);
    next_starts_low || matches!(last, ',' | ';' | '(' | '«' | '-' | '\'' | '’')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_is_title_and_lines_are_paragraphs() {
        let (title, paragraphs) =
            parse("\n\nVIDEO - Mali : combats à Gao\n\nPremier paragraphe.\nSous-titre\nDeuxième paragraphe.\n");
        assert_eq!(title.as_deref(), Some("Mali : combats à Gao"));
        assert_eq!(paragraphs, ["Premier paragraphe.", "Sous-titre", "Deuxième paragraphe."]);
    }

    #[test]
    fn wrapped_lines_are_joined() {
        let body =
            "Le ministre a annoncé, jeudi soir,\nune baisse des prix de\nl'énergie pour 2025.\n\nNouveau paragraphe.";
        assert_eq!(
            paragraphs(body),
            ["Le ministre a annoncé, jeudi soir, une baisse des prix de l'énergie pour 2025.", "Nouveau paragraphe."]
        );
    }

    #[test]
    fn clutter_lines_vanish_without_splitting() {
        let body = "Les combats ont repris,\n>> A lire aussi - Mali\nselon une source militaire.";
        assert_eq!(paragraphs(body), ["Les combats ont repris, selon une source militaire."]);
    }

    #[test]
    fn list_items_are_paragraphs_without_bullets() {
        let body = "Au programme :\n- la réforme des retraites\n- le budget 2026\n• la santé";
        assert_eq!(paragraphs(body), ["Au programme :", "la réforme des retraites", "le budget 2026", "la santé"]);
    }

    #[test]
    fn blank_runs_and_trailing_spaces_are_ignored() {
        assert_eq!(paragraphs("Un.   \n\n\n\n  Deux.  \n\n"), ["Un.", "Deux."]);
        assert_eq!(parse(" \n\t\n"), (None, Vec::new()));
    }
}
