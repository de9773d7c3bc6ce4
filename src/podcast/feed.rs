//! `feed.xml`: RSS 2.0 with the iTunes tags podcast apps expect, the
//! Podcasting 2.0 tags for chapters and transcripts, and Podlove Simple
//! Chapters inline for the apps that read those instead.

use super::{duration_text, escape, url, Episode, PodcastOptions, EPISODE_FOLDER};
use chrono::DateTime;

/// The Podcasting 2.0 namespace under the address of its specification:
/// gPodder's parser knows it by this one only, and the others read the
/// `podcast:` tags whatever the address.
const PODCAST_NAMESPACE: &str = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md";

pub fn render(options: &PodcastOptions, episodes: &[Episode]) -> String {
    let channel = &options.channel;
    let link = channel.link.clone().unwrap_or_else(|| url(options, "index.html"));
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" \
         xmlns:podcast=\"{PODCAST_NAMESPACE}\" xmlns:psc=\"http://podlove.org/simple-chapters\" \
         xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n"
    ));
    let element =
        |xml: &mut String, name: &str, text: &str| xml.push_str(&format!("  <{name}>{}</{name}>\n", escape(text)));
    element(&mut xml, "title", &channel.title);
    element(&mut xml, "link", &link);
    element(&mut xml, "description", &channel.description);
    element(&mut xml, "language", "fr");
    element(&mut xml, "generator", concat!("briefing ", env!("CARGO_PKG_VERSION")));
    xml.push_str(&format!(
        "  <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        escape(&url(options, "feed.xml"))
    ));
    if let Some(newest) = episodes.first() {
        element(&mut xml, "lastBuildDate", &rfc2822(&newest.published));
    }
    if let Some(author) = &channel.author {
        element(&mut xml, "itunes:author", author);
    }
    element(&mut xml, "itunes:summary", &channel.description);
    element(&mut xml, "itunes:explicit", "false");
    xml.push_str("  <itunes:category text=\"News\"/>\n");
    if let Some(image) = &channel.image {
        xml.push_str(&format!("  <itunes:image href=\"{}\"/>\n", escape(image)));
        xml.push_str(&format!(
            "  <image>\n    <url>{}</url>\n    <title>{}</title>\n    <link>{}</link>\n  </image>\n",
            escape(image),
            escape(&channel.title),
            escape(&link)
        ));
    }
    for episode in episodes {
        item(&mut xml, options, episode);
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

fn item(xml: &mut String, options: &PodcastOptions, episode: &Episode) {
    let file = |name: &str| escape(&url(options, &format!("{EPISODE_FOLDER}/{name}")));
    let description =
        if episode.headlines.is_empty() { episode.title.clone() } else { episode.headlines.join(" — ") };
    xml.push_str("  <item>\n");
    xml.push_str(&format!("    <title>{}</title>\n", escape(&episode.title)));
    xml.push_str(&format!("    <description>{}</description>\n", escape(&description)));
    xml.push_str(&format!("    <guid isPermaLink=\"false\">{}</guid>\n", escape(&episode.guid)));
    xml.push_str(&format!("    <pubDate>{}</pubDate>\n", rfc2822(&episode.published)));
    xml.push_str(&format!(
        "    <enclosure url=\"{}\" length=\"{}\" type=\"{}\"/>\n",
        file(&episode.audio),
        episode.bytes,
        episode.mime
    ));
    xml.push_str(&format!("    <itunes:duration>{}</itunes:duration>\n", duration_text(episode.duration)));
    xml.push_str("    <itunes:episodeType>full</itunes:episodeType>\n");
    xml.push_str(&format!(
        "    <podcast:chapters url=\"{}\" type=\"application/json+chapters\"/>\n",
        file(&format!("{}.chapters.json", episode.id))
    ));
    xml.push_str(&format!(
        "    <podcast:transcript url=\"{}\" type=\"text/vtt\" language=\"fr\"/>\n",
        file(&format!("{}.vtt", episode.id))
    ));
    if !episode.chapters.is_empty() {
        xml.push_str("    <psc:chapters version=\"1.2\">\n");
        for (start, title) in &episode.chapters {
            xml.push_str(&format!(
                "      <psc:chapter start=\"{}\" title=\"{}\"/>\n",
                crate::manifest::clock(*start),
                escape(title)
            ));
        }
        xml.push_str("    </psc:chapters>\n");
    }
    xml.push_str("  </item>\n");
}

/// The GUID a published feed gives the episode `id`: every GUID, of this
/// version or an earlier one, ends with the episode's id.
pub(super) fn published_guid(xml: &str, id: &str) -> Option<String> {
    const OPEN: &str = "<guid isPermaLink=\"false\">";
    xml.split(OPEN)
        .skip(1)
        .filter_map(|rest| rest.split_once("</guid>"))
        .map(|(guid, _)| unescape(guid))
        .find(|guid| guid.strip_suffix(id).is_some_and(|before| before.ends_with(['/', ':'])))
}

/// The text `escape` was given back.
fn unescape(text: &str) -> String {
    [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")]
        .iter()
        .fold(text.to_owned(), |text, (entity, c)| text.replace(entity, c))
}

/// RFC 2822, as RSS dates are written, from the RFC 3339 the state keeps.
fn rfc2822(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339).map_or_else(|_| rfc3339.to_owned(), |t| t.to_rfc2822())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_rss_wants() {
        assert_eq!(rfc2822("2026-11-24T08:00:00+01:00"), "Tue, 24 Nov 2026 08:00:00 +0100");
        assert_eq!(crate::manifest::clock(62.5), "00:01:02.500");
        assert_eq!(crate::manifest::clock(3723.4564), "01:02:03.456");
    }
}
