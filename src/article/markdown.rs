//! Markdown articles: the leading heading (or a front-matter `title:`) is the
//! title; markup is not read aloud, links are read by their text, images,
//! code blocks and raw HTML are skipped.

use super::{clutter, text};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

#[derive(Default)]
struct Blocks {
    front_title: Option<String>,
    blocks: Vec<(bool, String)>,
    current: String,
    /// Inside an image, code block, HTML block or metadata: text is not read.
    muted: usize,
    in_metadata: bool,
}

impl Blocks {
    fn flush(&mut self, is_heading: bool) {
        let block = std::mem::take(&mut self.current);
        let block = block.split_whitespace().collect::<Vec<_>>().join(" ");
        if !block.is_empty() {
            self.blocks.push((is_heading, block));
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_metadata {
            self.front_title = front_matter_title(text);
        } else if self.muted == 0 {
            self.current.push_str(text);
        }
    }
}

fn front_matter_title(yaml: &str) -> Option<String> {
    yaml.lines().find_map(|line| {
        let value = line.strip_prefix("title:")?.trim();
        let value = value.trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then(|| value.to_owned())
    })
}

/// Title and paragraphs of a Markdown article, clutter removed.
pub fn parse(markdown: &str) -> (Option<String>, Vec<String>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_FOOTNOTES;
    let mut state = Blocks::default();
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Image { .. } | Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::FootnoteDefinition(_)) => {
                state.muted += 1
            }
            Event::End(TagEnd::Image | TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::FootnoteDefinition) => {
                state.muted -= 1
            }
            Event::Start(Tag::MetadataBlock(_)) => state.in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => state.in_metadata = false,
            Event::Start(Tag::Paragraph | Tag::Item | Tag::Heading { .. } | Tag::TableRow | Tag::TableHead) => {
                state.flush(false)
            }
            Event::End(TagEnd::Heading(_)) => state.flush(true),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead) => state.flush(false),
            Event::End(TagEnd::TableCell) => state.text(", "),
            Event::Text(t) | Event::Code(t) => state.text(&t),
            Event::SoftBreak | Event::HardBreak => state.text(" "),
            // "un<br>deux": a line break between words, other tags nothing.
            Event::InlineHtml(html) if is_line_break(&html) => state.text(" "),
            _ => {}
        }
    }
    state.flush(false);
    into_article(state)
}

/// `<br>`, `<br/>`, `<BR />`.
fn is_line_break(html: &str) -> bool {
    let tag: String = html.chars().filter(|c| !c.is_whitespace() && *c != '/').collect();
    tag.eq_ignore_ascii_case("<br>")
}

/// The same title, whatever its case and spacing.
fn same_title(a: &str, b: &str) -> bool {
    let words = |t: &str| t.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    words(a) == words(b)
}

fn into_article(state: Blocks) -> (Option<String>, Vec<String>) {
    let mut blocks: Vec<(bool, String)> = state
        .blocks
        .into_iter()
        .filter_map(|(heading, b)| Some((heading, clutter::clean_line(b.trim_end_matches([',', ' ']))?)))
        .collect();
    let title = match (state.front_title, blocks.first()) {
        // The page repeats its front-matter title as a heading: said once.
        (Some(title), Some((true, heading))) if same_title(&title, heading) => {
            blocks.remove(0);
            Some(title)
        }
        (Some(title), _) => Some(title),
        (None, Some((true, _))) => Some(blocks.remove(0).1),
        _ => None,
    };
    let title = title.map(|t| clutter::strip_label(&t).to_owned());
    let paragraphs = blocks.into_iter().flat_map(|(_, b)| text::paragraphs(&b)).collect();
    (title, paragraphs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_is_title_and_markup_is_silent() {
        let md = "# PHOTOS - La crue\n\nLa Seine a **atteint** _6 mètres_, selon [Vigicrues](https://vigicrues.fr).\n\n![carte](carte.png)\n\n## Les quais fermés\n\nLa mairie `ferme` les quais.\n\n```\ncode ignoré\n```\n";
        let (title, paragraphs) = parse(md);
        assert_eq!(title.as_deref(), Some("La crue"));
        assert_eq!(
            paragraphs,
            ["La Seine a atteint 6 mètres, selon Vigicrues.", "Les quais fermés", "La mairie ferme les quais."]
        );
    }

    #[test]
    fn list_items_quotes_and_tables_become_paragraphs() {
        let md = "Intro.\n\n- un\n- deux\n\n> Citation.\n\n| Ville | Morts |\n|---|---|\n| Gao | 5 |\n";
        let (title, paragraphs) = parse(md);
        assert_eq!(title, None);
        assert_eq!(paragraphs, ["Intro.", "un", "deux", "Citation.", "Ville, Morts", "Gao, 5"]);
    }

    #[test]
    fn front_matter_gives_the_title_and_is_not_read() {
        let md = "---\ntitle: \"Budget 2026\"\ndate: 2026-11-24\n---\n\nLe texte.\n";
        assert_eq!(parse(md), (Some("Budget 2026".to_owned()), vec!["Le texte.".to_owned()]));
    }

    #[test]
    fn line_breaks_footnotes_and_repeated_titles() {
        let md = "---\ntitle: Le budget\n---\n\n# Le budget\n\nUn<br>deux<br/>trois[^1].\n\n## Suite\n\nFin.\n\n[^1]: Source : le ministère.\n";
        let (title, paragraphs) = parse(md);
        assert_eq!(title.as_deref(), Some("Le budget"));
        assert_eq!(paragraphs, ["Un deux trois.", "Suite", "Fin."]);
    }

    #[test]
    fn cross_links_and_html_are_dropped() {
        let md = "# Titre\n\nTexte.\n\n**À lire aussi :** [autre article](x.html)\n\n<div class=\"ad\">pub</div>\n";
        assert_eq!(parse(md), (Some("Titre".to_owned()), vec!["Texte.".to_owned()]));
    }
}
