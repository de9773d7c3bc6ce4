//! Files written beside the WAV, each from the manifest: the JSON manifest
//! itself and subtitles. One small trait, so a new format is one type.

use crate::controls;
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
    /// Every format, for those that name one by its extension (`serve`).
    pub const ALL: [Subtitles; 2] = [Subtitles::Srt, Subtitles::Vtt];

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
        let cues = manifest.sentences().filter_map(|sentence| Some((sentence, self.cue_text(&sentence.text)?)));
        for (i, (sentence, text)) in cues.enumerate() {
            if *self == Subtitles::Srt {
                out.push_str(&format!("{}\n", i + 1));
            }
            let start = self.timestamp(sentence.span.start_sample, manifest.sample_rate);
            let end = self.timestamp(sentence.span.end_sample, manifest.sample_rate);
            out.push_str(&format!("{start} --> {end}\n{text}\n\n"));
        }
        out
    }
}

impl Subtitles {
    /// A sentence as one line of cue text; `None` if nothing is left of it.
    /// A blank line would end the cue and `-->` read as timings: the text is
    /// put on one line, and WebVTT's markup characters escaped; SRT has no
    /// escapes, so its arrows lose a dash.
    fn cue_text(self, text: &str) -> Option<String> {
        let mut line = controls::one_line(text);
        match self {
            Subtitles::Vtt => line = line.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"),
            Subtitles::Srt => {
                while line.contains("-->") {
                    line = line.replace("-->", "->");
                }
            }
        }
        (!line.is_empty()).then_some(line)
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

    #[test]
    fn cue_text_is_one_line_that_cannot_end_or_time_a_cue() {
        let texts = ["A --> B", "\u{7}\u{1B}[1m", "R&D <b>\n\nfin--->x\u{0}"].map(String::from);
        let manifest = Manifest::of_articles(&[("Titre".into(), texts.to_vec())]);
        assert_eq!(
            Subtitles::Srt.render(&manifest),
            "1\n00:00:00,000 --> 00:00:01,000\nA -> B\n\n2\n00:00:02,000 --> 00:00:03,000\nR&D <b> fin->x\n\n"
        );
        assert_eq!(
            Subtitles::Vtt.render(&manifest),
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nA --&gt; B\n\n\
             00:00:02.000 --> 00:00:03.000\nR&amp;D &lt;b&gt; fin---&gt;x\n\n"
        );
    }
}
