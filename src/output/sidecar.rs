//! Files written beside the WAV, each from the manifest: the JSON manifest
//! itself and subtitles. One small trait, so a new format is one type.

use crate::manifest::Manifest;

/// A file derived from the manifest, named like the WAV with its own extension.
pub trait Sidecar {
    fn extension(&self) -> &'static str;
    fn render(&self, manifest: &Manifest) -> String;
}

/// The machine-readable manifest.
pub struct Json;

impl Sidecar for Json {
    fn extension(&self) -> &'static str {
        "json"
    }

    fn render(&self, manifest: &Manifest) -> String {
        let mut json = serde_json::to_string_pretty(manifest).expect("a manifest serializes");
        json.push('\n');
        json
    }
}

/// Subtitle formats: one cue per sentence, with its written text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Subtitles {
    Srt,
    Vtt,
}

impl Subtitles {
    /// "00:01:02,345" (SRT) or "00:01:02.345" (WebVTT), rounded to the millisecond.
    fn timestamp(self, sample: usize, sample_rate: u32) -> String {
        let ms = (sample as u128 * 1000 + u128::from(sample_rate) / 2) / u128::from(sample_rate);
        let separator = match self {
            Subtitles::Srt => ',',
            Subtitles::Vtt => '.',
        };
        format!("{:02}:{:02}:{:02}{separator}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
    }
}

impl Sidecar for Subtitles {
    fn extension(&self) -> &'static str {
        match self {
            Subtitles::Srt => "srt",
            Subtitles::Vtt => "vtt",
        }
    }

    fn render(&self, manifest: &Manifest) -> String {
        let mut out = String::new();
        if *self == Subtitles::Vtt {
            out.push_str("WEBVTT\n\n");
        }
        let sentences = manifest.sentences();
        for (i, sentence) in sentences.enumerate() {
            if *self == Subtitles::Srt {
                out.push_str(&format!("{}\n", i + 1));
            }
            let start = self.timestamp(sentence.span.start_sample, manifest.sample_rate);
            let end = self.timestamp(sentence.span.end_sample, manifest.sample_rate);
            // A blank line ends a cue: the text must not hold one.
            let text = sentence.text.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push_str(&format!("{start} --> {end}\n{text}\n\n"));
        }
        out
    }
}

/// Chapters as Podcasting 2.0 apps read them (`podcast:chapters`): one per
/// article, its title and the manifest's start and end, in seconds.
pub struct PodcastChapters;

impl Sidecar for PodcastChapters {
    fn extension(&self) -> &'static str {
        "chapters.json"
    }

    fn render(&self, manifest: &Manifest) -> String {
        let chapters: Vec<serde_json::Value> = manifest
            .articles
            .iter()
            .map(|article| {
                serde_json::json!({
                    "startTime": article.span.start,
                    "endTime": article.span.end,
                    "title": article.title.as_deref().unwrap_or(&article.source),
                })
            })
            .collect();
        let mut json = serde_json::to_string_pretty(&serde_json::json!({ "version": "1.2.0", "chapters": chapters }))
            .expect("chapters serialize");
        json.push('\n');
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_to_the_millisecond() {
        assert_eq!(Subtitles::Srt.timestamp(0, 22050), "00:00:00,000");
        assert_eq!(Subtitles::Srt.timestamp(22050 * 3723 + 11, 22050), "01:02:03,000");
        assert_eq!(Subtitles::Vtt.timestamp(33075, 22050), "00:00:01.500");
        assert_eq!(Subtitles::Vtt.timestamp(12, 22050), "00:00:00.001");
    }
}
