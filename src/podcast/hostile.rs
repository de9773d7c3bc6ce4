//! Property tests: whatever the titles and texts hold (controls, escape
//! sequences, markup, `-->`, blank lines, noncharacters), the feed parses
//! with a real XML parser, the page passes a strict HTML check, and the
//! transcript passes a strict WebVTT check, each giving back the text.

use super::*;
use crate::controls::one_line;
use crate::output::Sidecar;
use proptest::prelude::*;

/// Text built from the pieces that break writers, and any character.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        "[a-zé ]{1,8}",
        Just("-->".to_owned()),
        Just("\u{1B}[31m".to_owned()),
        Just("&amp;".to_owned()),
        Just("<b>".to_owned()),
        Just("]]>".to_owned()),
        Just("\n\n".to_owned()),
        Just("\u{0}\u{7}\u{85}\u{FFFF}\u{FFFE}".to_owned()),
        Just("\"'".to_owned()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// The episode the feed and page show for `manifest`, as `describe` makes it.
fn episode(title: &str, manifest: &Manifest) -> Episode {
    let articles = &manifest.articles;
    Episode {
        id: "2026-12-03-0800".to_owned(),
        guid: "briefing:test:2026-12-03-0800".to_owned(),
        title: title.to_owned(),
        published: "2026-12-03T08:00:00+01:00".to_owned(),
        audio: "2026-12-03-0800.mp3".to_owned(),
        bytes: 1000,
        mime: "audio/mpeg".to_owned(),
        duration: manifest.duration,
        headlines: articles.iter().filter_map(|a| a.title.clone()).collect(),
        chapters: articles.iter().map(|a| (a.span.start, a.title.clone().unwrap_or_default())).collect(),
        transcript: articles.iter().flat_map(|a| paragraphs(&a.sentences)).collect(),
    }
}

/// What a reader should get back of `text` in an element: its characters
/// that are text, as they are.
fn kept(text: &str) -> String {
    crate::controls::strip(text)
}

/// Checks a WebVTT file as the W3C syntax has it, strictly: the signature,
/// then cues of a timings line (`00:00:01.000 --> 00:00:02.000`, in order)
/// and at least one line of text holding no `-->`, no markup (only the
/// escapes `&amp;`, `&lt;`, `&gt;`) and no control character, blocks
/// separated by blank lines. Returns the cues' text, unescaped.
fn check_vtt(vtt: &str) -> Result<Vec<String>, String> {
    let body = vtt.strip_prefix("WEBVTT\n\n").ok_or("no WEBVTT signature line")?;
    let mut texts = Vec::new();
    let mut last_start = String::new();
    for block in body.split("\n\n").filter(|b| !b.is_empty()) {
        let mut lines = block.split('\n');
        let timings = lines.next().ok_or("empty cue")?;
        let (start, end) = timings.split_once(" --> ").ok_or(format!("no timings: {timings:?}"))?;
        for time in [start, end] {
            let shape = time.len() == 12
                && time.chars().enumerate().all(|(i, c)| match i {
                    2 | 5 => c == ':',
                    8 => c == '.',
                    _ => c.is_ascii_digit(),
                });
            if !shape {
                return Err(format!("bad timestamp {time:?}"));
            }
        }
        if end < start || start < last_start.as_str() {
            return Err(format!("cue out of order: {timings}"));
        }
        last_start = start.to_owned();
        let text: Vec<&str> = lines.collect();
        if text.is_empty() {
            return Err(format!("cue without text at {timings}"));
        }
        for line in &text {
            let bad = line.contains("-->")
                || line.contains(['<', '>'])
                || line.chars().any(|c| c.is_control() && c != '\t')
                || line
                    .match_indices('&')
                    .any(|(at, _)| !["&amp;", "&lt;", "&gt;"].iter().any(|e| line[at..].starts_with(e)));
            if bad || line.trim().is_empty() {
                return Err(format!("bad cue text {line:?}"));
            }
        }
        texts.push(unescape(&text.join("\n")));
    }
    Ok(texts)
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Checks the page strictly: every `<` opens a known kind of tag whose
/// attributes are double-quoted and escaped, elements close in order
/// (void ones excepted), text holds no `<`, `>`, bare `&` or control
/// character but tabs and line breaks. Returns the text of each `<h2>`, unescaped.
fn check_html(html: &str) -> Result<Vec<String>, String> {
    const VOID: [&str; 3] = ["meta", "link", "track"];
    let rest = html.strip_prefix("<!doctype html>\n").ok_or("no doctype")?;
    let (mut stack, mut headings, mut at) = (Vec::<String>::new(), Vec::new(), 0);
    while at < rest.len() {
        let Some(open) = rest[at..].find('<').map(|i| at + i) else {
            check_text(&rest[at..])?;
            break;
        };
        let text = &rest[at..open];
        check_text(text)?;
        if stack.last().is_some_and(|top| top == "h2") {
            headings.push(unescape(text));
        }
        let close = rest[open..].find('>').map(|i| open + i).ok_or("unclosed tag")?;
        let tag = &rest[open + 1..close];
        at = close + 1;
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name) {
                return Err(format!("</{name}> closes nothing open"));
            }
            continue;
        }
        let (name, attributes) = tag.split_once(' ').unwrap_or((tag, ""));
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("bad tag <{tag}>"));
        }
        check_attributes(attributes)?;
        if matches!(name, "script" | "style") {
            let end = rest[at..].find(&format!("</{name}>")).ok_or("unclosed raw text")?;
            at += end + name.len() + 3;
        } else if !VOID.contains(&name) {
            stack.push(name.to_owned());
        }
    }
    if stack.is_empty() {
        Ok(headings)
    } else {
        Err(format!("left open: {stack:?}"))
    }
}

fn check_text(text: &str) -> Result<(), String> {
    let entity = |at: usize| ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| text[at..].starts_with(e));
    let bad = text.contains('>')
        || text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        || text.match_indices('&').any(|(at, _)| !entity(at));
    if bad {
        Err(format!("bad text {text:?}"))
    } else {
        Ok(())
    }
}

/// ` name="value"` pairs or bare names; values hold no quote and are text.
fn check_attributes(mut attributes: &str) -> Result<(), String> {
    while !attributes.is_empty() {
        let (name, after) = attributes.split_once('=').unwrap_or((attributes, ""));
        if !after.is_empty() {
            let value = after.strip_prefix('"').ok_or(format!("unquoted value in {attributes:?}"))?;
            let end = value.find('"').ok_or("unclosed value")?;
            check_text(&value[..end])?;
            attributes = value[end + 1..].trim_start();
        } else {
            attributes = "";
        }
        if !name.trim().chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ') {
            return Err(format!("bad attribute name {name:?}"));
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn any_titles_and_texts_give_a_feed_a_page_and_a_transcript_that_parse(
        show in hostile(),
        title in hostile(),
        articles in prop::collection::vec((hostile(), prop::collection::vec(hostile(), 1..4)), 1..4),
    ) {
        let manifest = Manifest::of_articles(&articles);
        let episode = episode(&title, &manifest);
        let channel = Channel { title: show.clone(), description: show.clone(), ..Channel::default() };
        let options = PodcastOptions {
            folder: PathBuf::from("feed"),
            base_url: "https://example.org/podcast".to_owned(),
            channel: channel.clone(),
            keep: 10,
            when: NaiveDateTime::default(),
        };

        let xml = feed::render(&options, std::slice::from_ref(&episode));
        let document = roxmltree::Document::parse(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        let texts = |name: &str| -> Vec<String> {
            document.descendants().filter(|n| n.has_tag_name(name)).map(|n| n.text().unwrap_or("").to_owned()).collect()
        };
        prop_assert_eq!(texts("title"), [kept(&show), kept(&title)]);

        let html = page::render(&channel, std::slice::from_ref(&episode));
        let headings = check_html(&html).map_err(|e| TestCaseError::fail(format!("{e}\n{html}")))?;
        prop_assert_eq!(headings, [kept(&title)]);

        let vtt = Subtitles::Vtt.render(&manifest);
        let cues = check_vtt(&vtt).map_err(|e| TestCaseError::fail(format!("{e}\n{vtt}")))?;
        let said: Vec<String> = manifest.sentences().map(|s| one_line(&s.text)).filter(|t| !t.is_empty()).collect();
        prop_assert_eq!(cues, said);
    }
}

#[test]
fn the_checkers_refuse_what_they_should() {
    assert!(check_vtt("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na<b\n\n").is_err());
    assert!(check_vtt("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na --> b\n\n").is_err());
    assert!(check_vtt("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n\n").is_err());
    assert!(check_vtt("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nR&D\n\n").is_err());
    assert_eq!(check_vtt("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nR&amp;D\n\n").unwrap(), ["R&D"]);
    assert!(check_html("<!doctype html>\n<h2>a<b</h2>").is_err());
    assert!(check_html("<!doctype html>\n<h2>a\u{1B}</h2>").is_err());
    assert!(check_html("<!doctype html>\n<p title=\"a\"b\">x</p>").is_err());
    assert!(check_html("<!doctype html>\n<p><h2>x</p></h2>").is_err());
    assert_eq!(check_html("<!doctype html>\n<h2>R&amp;D</h2>").unwrap(), ["R&D"]);
}
