//! The manifest: a machine-readable description of a bulletin, written
//! beside the audio as JSON and read for chapters and subtitles. Only types
//! live here, depending on no other module, so every stage can describe
//! its part of the bulletin in them and the pipeline assembles it once.

use serde::Serialize;

/// What a sentence is in the bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    Announcement,
    Title,
    Body,
}

/// Machine-readable description of a bulletin; times are exact sample
/// offsets in the final WAV (after the intro, at the output rate), also
/// given in seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// File name of the audio this describes, without its folder (empty
    /// for a bulletin written to stdout).
    pub audio: String,
    /// The audio file's length in bytes and the SHA-256 of its bytes as
    /// written, filled by the output stage once the file is finished:
    /// where no lock keeps a bulletin's files together (a network file
    /// system), a re-run checks the audio against them, so that an audio
    /// and a manifest published by two runs are not taken for one bulletin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_sha256: Option<String>,
    pub engine: String,
    pub sample_rate: u32,
    pub samples: usize,
    pub duration: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loudness: Option<Loudness>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intro: Option<Span>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening: Option<ManifestPart>,
    pub articles: Vec<ManifestPart>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closing: Option<ManifestPart>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outro: Option<Span>,
    /// With `build --each`: a digest of the input and options that made
    /// the bulletin, so that a run again finds it made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// An article that could not be made into its bulletin, and why: written
/// beside the bulletins by `build --each`, read by `gather`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Failure {
    /// The article's file.
    pub source: String,
    /// The problem, on one line.
    pub reason: String,
}

impl Manifest {
    /// Every sentence, in the order heard.
    pub fn sentences(&self) -> impl Iterator<Item = &ManifestSentence> {
        self.opening.iter().chain(&self.articles).chain(&self.closing).flat_map(|p| &p.sentences)
    }
}

/// How the program's level was set: one gain for the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Loudness {
    /// Integrated loudness (EBU R128) before the gain, LUFS.
    pub measured: f64,
    /// True peak before the gain, dBTP.
    pub measured_true_peak: f64,
    pub target: f64,
    pub max_true_peak: f64,
    /// The gain applied, dB.
    pub gain: f64,
    /// Where the limiter held speech peaks, dBFS, if it was needed.
    pub limiter_ceiling: Option<f64>,
    /// Integrated loudness and true peak of the file as written.
    pub integrated: f64,
    pub true_peak: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManifestPart {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(flatten)]
    pub span: Span,
    pub sentences: Vec<ManifestSentence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManifestSentence {
    pub kind: SegmentKind,
    pub paragraph: Option<usize>,
    pub text: String,
    pub spoken: String,
    /// Exactly what the engine was sent.
    pub engine_text: String,
    #[serde(flatten)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Span {
    pub start: f64,
    pub end: f64,
    pub start_sample: usize,
    pub end_sample: usize,
}

/// The audio a manifest describes, if `json` has a manifest's shape (an
/// object with its own keys): so that a folder read for articles skips the
/// manifests written into it, and one bulletin does not take another's.
pub fn described_audio(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let object = value.as_object()?;
    let own_keys = ["engine", "sample_rate", "samples", "duration", "articles"];
    if !own_keys.iter().all(|key| object.contains_key(*key)) {
        return None;
    }
    object.get("audio")?.as_str().map(str::to_owned)
}

/// "01:02:03.456": a time in seconds as chapters and players write it.
pub fn clock(seconds: f64) -> String {
    let millis = (seconds * 1000.0).round() as u64;
    format!("{:02}:{:02}:{:02}.{:03}", millis / 3_600_000, millis / 60_000 % 60, millis / 1000 % 60, millis % 1000)
}

impl Span {
    pub fn new(start_sample: usize, end_sample: usize, sample_rate: u32) -> Self {
        let seconds = |s: usize| s as f64 / f64::from(sample_rate);
        Span { start: seconds(start_sample), end: seconds(end_sample), start_sample, end_sample }
    }
}

#[cfg(test)]
impl Manifest {
    /// A bulletin of one article per title, each with its sentences (body
    /// text), one second each at 1 kHz: what the writers' tests describe.
    pub fn of_articles(articles: &[(String, Vec<String>)]) -> Self {
        let rate = 1000;
        let mut parts = Vec::new();
        let mut at = 0;
        for (i, (title, texts)) in articles.iter().enumerate() {
            let start = at;
            let mut sentences = Vec::new();
            for text in texts {
                let span = Span::new(at, at + rate as usize, rate);
                at += rate as usize;
                sentences.push(ManifestSentence {
                    kind: SegmentKind::Body,
                    paragraph: Some(0),
                    text: text.clone(),
                    spoken: text.clone(),
                    engine_text: text.clone(),
                    span,
                });
            }
            let (source, title) = (format!("{}.txt", i + 1), Some(title.clone()));
            parts.push(ManifestPart { source, title, span: Span::new(start, at, rate), sentences });
        }
        Manifest {
            audio: "b.wav".to_owned(),
            audio_bytes: None,
            audio_sha256: None,
            engine: "fake".to_owned(),
            sample_rate: rate,
            samples: at,
            duration: at as f64 / f64::from(rate),
            loudness: None,
            intro: None,
            opening: None,
            articles: parts,
            closing: None,
            outro: None,
            digest: None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_manifest_is_known_by_its_keys_and_names_its_audio() {
        let manifest =
            r#"{"audio": "b.wav", "engine": "e", "sample_rate": 22050, "samples": 0, "duration": 0.0, "articles": []}"#;
        assert_eq!(super::described_audio(manifest).as_deref(), Some("b.wav"));
        assert_eq!(super::described_audio(r#"{"title": "b.wav", "body": "Texte."}"#), None);
        assert_eq!(super::described_audio("[1, 2]"), None);
    }
}
