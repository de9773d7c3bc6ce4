//! The ID3v2.4 tag at the head of an MP3: the bulletin's title, date and
//! artist, and one chapter per article (`CHAP` frames under a `CTOC` table
//! of contents, the ID3 chapter addendum), which podcast apps show as
//! chapters. Written before the audio, its size known from the manifest.

use super::Tags;
use crate::manifest::{Manifest, Span};

/// The whole tag: header then frames.
pub fn tag(tags: &Tags, manifest: &Manifest) -> Vec<u8> {
    let mut frames = text_frame(b"TIT2", &tags.title);
    if !tags.date.is_empty() {
        frames.extend(text_frame(b"TDRC", &tags.date));
    }
    if let Some(artist) = &tags.artist {
        frames.extend(text_frame(b"TPE1", artist));
    }
    if let Some(publisher) = &tags.publisher {
        frames.extend(text_frame(b"TPUB", publisher));
    }
    let chapters: Vec<(String, &Span, String)> = manifest
        .articles
        .iter()
        .enumerate()
        .map(|(i, article)| {
            let title = article.title.clone().unwrap_or_else(|| article.source.clone());
            (format!("chp{}", i + 1), &article.span, title)
        })
        .collect();
    if !chapters.is_empty() {
        frames.extend(table_of_contents(&tags.title, chapters.iter().map(|(id, ..)| id.as_str())));
        for (id, span, title) in &chapters {
            frames.extend(chapter(id, milliseconds(span.start), milliseconds(span.end), title));
        }
    }
    let mut tag = b"ID3\x04\x00\x00".to_vec();
    tag.extend(syncsafe(frames.len()));
    tag.extend(frames);
    tag
}

fn milliseconds(seconds: f64) -> u32 {
    (seconds * 1000.0).round() as u32
}

/// A 28-bit size as ID3v2.4 writes it: seven bits a byte.
fn syncsafe(size: usize) -> [u8; 4] {
    let size = u32::try_from(size).expect("a tag under 256 MB");
    [(size >> 21) as u8 & 0x7f, (size >> 14) as u8 & 0x7f, (size >> 7) as u8 & 0x7f, size as u8 & 0x7f]
}

fn frame(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.extend(syncsafe(body.len()));
    out.extend([0, 0]);
    out.extend_from_slice(body);
    out
}

/// A text frame, in UTF-8 (encoding byte 3), on one line: a NUL would end
/// the text early, other controls and line breaks are no title's.
fn text_frame(id: &[u8; 4], text: &str) -> Vec<u8> {
    let mut body = vec![3];
    body.extend_from_slice(crate::controls::one_line(text).as_bytes());
    frame(id, &body)
}

/// A NUL-terminated element ID.
fn element_id(id: &str) -> Vec<u8> {
    let mut out = id.as_bytes().to_vec();
    out.push(0);
    out
}

/// The top-level, ordered table of contents, listing every chapter.
fn table_of_contents<'a>(title: &str, children: impl ExactSizeIterator<Item = &'a str>) -> Vec<u8> {
    let mut body = element_id("toc");
    body.push(0b11); // top level, ordered
    body.push(u8::try_from(children.len()).unwrap_or(u8::MAX));
    children.take(usize::from(u8::MAX)).for_each(|child| body.extend(element_id(child)));
    body.extend(text_frame(b"TIT2", title));
    frame(b"CTOC", &body)
}

/// A chapter from `start` to `end` milliseconds, with its title. Byte
/// offsets are left unset (all ones), as the addendum allows.
fn chapter(id: &str, start: u32, end: u32, title: &str) -> Vec<u8> {
    let mut body = element_id(id);
    for field in [start, end, u32::MAX, u32::MAX] {
        body.extend(field.to_be_bytes());
    }
    body.extend(text_frame(b"TIT2", title));
    frame(b"CHAP", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_syncsafe() {
        assert_eq!(syncsafe(0x7f), [0, 0, 0, 0x7f]);
        assert_eq!(syncsafe(0x80), [0, 0, 1, 0]);
        assert_eq!(syncsafe(300_000), [0, 0x12, 0x27, 0x60]);
    }

    #[test]
    fn a_chapter_holds_its_times_and_title() {
        let chapter = chapter("chp1", 1500, 61_000, "Météo");
        assert_eq!(&chapter[..4], b"CHAP");
        assert_eq!(&chapter[10..15], b"chp1\0");
        assert_eq!(&chapter[15..19], 1500u32.to_be_bytes());
        assert_eq!(&chapter[19..23], 61_000u32.to_be_bytes());
        assert_eq!(&chapter[31..35], b"TIT2");
        assert_eq!(&chapter[41..], "\u{3}Météo".as_bytes());
    }

    #[test]
    fn text_frames_are_one_line_without_controls() {
        let frame = text_frame(b"TIT2", "Le\u{0} journal\u{1B}[31m\n\tdu\u{85} soir");
        assert_eq!(&frame[10..], "\u{3}Le journal du soir".as_bytes());
    }
}
