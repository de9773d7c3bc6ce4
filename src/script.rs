//! The plan of a bulletin: what is said, in which order, with which
//! pauses. Articles are split into sentences and each sentence normalized
//! into what is said, with the announcements around them if asked.

use crate::announce::Announcements;
use crate::article::Article;
pub use crate::manifest::SegmentKind;
use crate::normalize::Normalizer;
use crate::split;

/// Silences between the parts of a bulletin, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pauses {
    pub sentence: f32,
    pub paragraph: f32,
    pub title: f32,
    pub article: f32,
}

impl Default for Pauses {
    /// A newsreader's rhythm: a breath between sentences, a beat more between
    /// paragraphs and after a headline, a clear break between stories.
    fn default() -> Self {
        Pauses { sentence: 0.4, paragraph: 0.75, title: 0.8, article: 1.5 }
    }
}

/// How a bulletin is written and spoken.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub pauses: Pauses,
    /// How written forms become spoken French; `None` reads them as written.
    pub normalizer: Option<Normalizer>,
    /// Opening, titles and closing; `None` reads the articles alone.
    pub announcements: Option<Announcements>,
}

impl Default for Options {
    fn default() -> Self {
        Options { pauses: Pauses::default(), normalizer: Some(Normalizer::default()), announcements: None }
    }
}

/// One sentence to be spoken, and the silence after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub kind: SegmentKind,
    /// Paragraph number within the article body, from 0.
    pub paragraph: Option<usize>,
    /// As written in the article.
    pub text: String,
    /// As it is to be said.
    pub spoken: String,
    pub pause_after: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    Opening,
    Article,
    Closing,
}

/// The opening, one article, or the closing.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub kind: PartKind,
    /// The article's file, empty for announcements.
    pub source: String,
    pub title: Option<String>,
    pub segments: Vec<Segment>,
}

/// Everything a bulletin will say, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub parts: Vec<Part>,
}

impl Script {
    pub fn articles(&self) -> impl Iterator<Item = &Part> {
        self.parts.iter().filter(|p| p.kind == PartKind::Article)
    }

    pub fn segments(&self) -> impl Iterator<Item = &Segment> {
        self.parts.iter().flat_map(|p| &p.segments)
    }
}

/// Splits and normalizes the articles into the bulletin's script, with the
/// announcements around them if asked.
pub fn script(articles: &[Article], options: &Options) -> Script {
    let mut parts: Vec<Part> = articles.iter().map(|a| script_article(a, options)).collect();
    parts.retain(|a| !a.segments.is_empty());
    if let Some(announcements) = &options.announcements {
        let titles: Vec<&str> = parts.iter().filter_map(|p| p.title.as_deref()).collect();
        let opening = announcement(PartKind::Opening, &announcements.opening(&titles), options);
        let closing = announcement(PartKind::Closing, &announcements.closing(), options);
        parts = opening.into_iter().chain(parts).chain(closing).collect();
    }
    let count = parts.len();
    for (i, part) in parts.iter_mut().enumerate() {
        if let Some(last) = part.segments.last_mut() {
            last.pause_after = if i + 1 == count { 0.0 } else { options.pauses.article };
        }
    }
    Script { parts }
}

fn announcement(kind: PartKind, text: &str, options: &Options) -> Option<Part> {
    let mut segments = Vec::new();
    let pause = options.pauses.sentence;
    push_block(&mut segments, split::sentences(text), SegmentKind::Announcement, None, pause, pause, options);
    (!segments.is_empty()).then(|| Part { kind, source: String::new(), title: None, segments })
}

fn script_article(article: &Article, options: &Options) -> Part {
    let pauses = &options.pauses;
    let mut segments = Vec::new();
    let announced = |title: &String| match &options.announcements {
        Some(announcements) => announcements.title(title),
        None => title.clone(),
    };
    let title_sentences = article.title.iter().flat_map(|t| split::sentences(&announced(t)));
    push_block(&mut segments, title_sentences, SegmentKind::Title, None, pauses.sentence, pauses.title, options);
    for (i, paragraph) in article.paragraphs.iter().enumerate() {
        let body = split::sentences(paragraph);
        push_block(&mut segments, body, SegmentKind::Body, Some(i), pauses.sentence, pauses.paragraph, options);
    }
    Part { kind: PartKind::Article, source: article.source.clone(), title: article.title.clone(), segments }
}

fn push_block(
    segments: &mut Vec<Segment>,
    sentences: impl IntoIterator<Item = String>,
    kind: SegmentKind,
    paragraph: Option<usize>,
    between: f32,
    after: f32,
    options: &Options,
) {
    let first = segments.len();
    for text in sentences {
        let spoken = match &options.normalizer {
            Some(normalizer) => normalizer.normalize(&text),
            None => text.clone(),
        };
        if spoken.chars().any(char::is_alphanumeric) {
            segments.push(Segment { kind, paragraph, text, spoken, pause_after: between });
        }
    }
    if segments.len() > first {
        if let Some(last) = segments.last_mut() {
            last.pause_after = after;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An article from a file "a.txt".
    pub(crate) fn article(title: Option<&str>, paragraphs: &[&str]) -> Article {
        Article {
            source: "a.txt".into(),
            title: title.map(Into::into),
            paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn pauses_follow_the_structure() {
        let options = Options::default();
        let p = options.pauses;
        let script = script(&[article(Some("Titre"), &["Un. Deux.", "Trois."]), article(None, &["Quatre."])], &options);
        let pauses: Vec<f32> = script.segments().map(|s| s.pause_after).collect();
        assert_eq!(pauses, [p.title, p.sentence, p.paragraph, p.article, 0.0]);
        let first = &script.parts[0].segments;
        assert_eq!(first[0].kind, SegmentKind::Title);
        assert_eq!(first[2].paragraph, Some(0));
        assert_eq!(first[3].paragraph, Some(1));
    }

    #[test]
    fn long_sentences_stay_one_segment() {
        let long = format!("Le conseil a siégé{}, puis il a voté.", ", tard dans la nuit".repeat(50));
        let script = script(&[article(None, &[&format!("{long} Fin.")])], &Options::default());
        let texts: Vec<&str> = script.segments().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, [long.as_str(), "Fin."]);
    }

    #[test]
    fn announcements_open_and_close_the_bulletin() {
        let when = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(14, 0, 0).unwrap();
        let templates = crate::announce::Templates { title: "À la une : {title}".into(), ..Default::default() };
        let announcements = Some(Announcements::new(templates, when).unwrap());
        let options = Options { announcements, ..Options::default() };
        let script = script(&[article(Some("Grève à la SNCF"), &["Un."]), article(None, &["Deux."])], &options);
        let kinds: Vec<PartKind> = script.parts.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [PartKind::Opening, PartKind::Article, PartKind::Article, PartKind::Closing]);
        let opening: Vec<&str> = script.parts[0].segments.iter().map(|s| s.spoken.as_str()).collect();
        assert_eq!(
            opening,
            ["Bulletin du mardi vingt-quatre novembre deux mille vingt-six.", "Au sommaire : Grève à la S N C F."]
        );
        assert_eq!(script.parts[1].segments[0].text, "À la une : Grève à la SNCF");
        assert_eq!(script.parts[3].segments[0].kind, SegmentKind::Announcement);
        assert_eq!(script.parts[2].segments[0].pause_after, options.pauses.article, "a break before the closing");
    }

    #[test]
    fn unspeakable_sentences_and_articles_are_left_out() {
        let script = script(&[article(Some("…"), &["—"]), article(None, &["Oui."])], &Options::default());
        assert_eq!(script.parts.len(), 1);
        assert_eq!(script.parts[0].segments.len(), 1);
    }
}
