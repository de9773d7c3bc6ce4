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
pub fn chunks(manifest: &Manifest) -> Vec<u8> {
    if manifest.articles.is_empty() {
        return Vec::new();
    }
    let mut cues = (manifest.articles.len() as u32).to_le_bytes().to_vec();
    let mut labels = b"adtl".to_vec();
    for (i, article) in manifest.articles.iter().enumerate() {
        let id = i as u32 + 1;
        let start = article.span.start_sample as u32;
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

    #[test]
    fn labels_end_with_their_only_nul() {
        let manifest = Manifest::of_articles(&[("Un\u{0} titre\u{1B}[1m\n".into(), vec!["Texte.".into()])]);
        let chunks = chunks(&manifest);
        let at = chunks.windows(4).position(|w| w == b"labl").unwrap();
        assert_eq!(&chunks[at + 12..at + 21], b"Un titre\0");
    }
}
