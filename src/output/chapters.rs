//! Chapter markers inside the WAV: a `cue ` chunk with one point per article
//! and a `LIST`/`adtl` chunk with a `labl` title for each, which audio
//! editors show as markers. Written after the audio.

use crate::manifest::Manifest;

fn chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 9);
    out.extend_from_slice(id);
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(body);
    // Chunks start on even offsets; the pad byte is not counted.
    if body.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// The `cue ` and `LIST` chunks for the manifest's articles, empty if none.
/// A cue point holds its sample offset on 32 bits, even in an RF64 file:
/// an article starting past 4 Gi samples (a day at 48 kHz) gets no marker
/// rather than one that wraps to the start.
pub fn chunks(manifest: &Manifest) -> Vec<u8> {
    let starts = manifest.articles.iter().map(|article| u32::try_from(article.span.start_sample));
    let marked: Vec<(&crate::manifest::ManifestPart, u32)> =
        manifest.articles.iter().zip(starts).filter_map(|(article, start)| Some((article, start.ok()?))).collect();
    if marked.is_empty() {
        return Vec::new();
    }
    let mut cues = (marked.len() as u32).to_le_bytes().to_vec();
    let mut labels = b"adtl".to_vec();
    for (i, (article, start)) in marked.into_iter().enumerate() {
        let id = i as u32 + 1;
        for field in [id, start] {
            cues.extend_from_slice(&field.to_le_bytes());
        }
        cues.extend_from_slice(b"data");
        for field in [0u32, 0, start] {
            cues.extend_from_slice(&field.to_le_bytes());
        }
        let mut label = id.to_le_bytes().to_vec();
        // A NUL ends the label: titles go on one line without controls.
        let title = crate::controls::one_line(article.title.as_deref().unwrap_or(&article.source));
        label.extend_from_slice(title.as_bytes());
        label.push(0);
        labels.extend(chunk(b"labl", &label));
    }
    let mut out = chunk(b"cue ", &cues);
    out.extend(chunk(b"LIST", &labels));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{ManifestPart, Span};

    fn part(title: &str, start_sample: usize) -> ManifestPart {
        ManifestPart {
            source: String::new(),
            title: Some(title.into()),
            span: Span::new(start_sample, start_sample + 10, 48000),
            sentences: Vec::new(),
        }
    }

    #[test]
    fn an_article_past_4_gi_samples_gets_no_marker_rather_than_a_wrapped_one() {
        let manifest = Manifest {
            audio: "long.wav".into(),
            audio_bytes: None,
            audio_sha256: None,
            engine: "test".into(),
            sample_rate: 48000,
            samples: 1 << 33,
            duration: 0.0,
            loudness: None,
            intro: None,
            opening: None,
            articles: vec![part("Un", 100), part("Deux", (1 << 32) + 100)],
            closing: None,
            outro: None,
            digest: None,
        };
        let chunks = chunks(&manifest);
        assert_eq!(&chunks[..4], b"cue ");
        // One point: its count, then its id and position.
        assert_eq!(u32::from_le_bytes(chunks[8..12].try_into().unwrap()), 1);
        assert_eq!(u32::from_le_bytes(chunks[16..20].try_into().unwrap()), 100);
        let text = String::from_utf8_lossy(&chunks);
        assert!(text.contains("Un") && !text.contains("Deux"), "{text}");
    }

    #[test]
    fn labels_end_with_their_only_nul() {
        let manifest = Manifest::of_articles(&[("Un\u{0} titre\u{1B}[1m\n".into(), vec!["Texte.".into()])]);
        let chunks = chunks(&manifest);
        let at = chunks.windows(4).position(|w| w == b"labl").unwrap();
        assert_eq!(&chunks[at + 12..at + 21], b"Un titre\0");
    }
}
