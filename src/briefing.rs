//! The plan of a bulletin (what is said, in which order, with which pauses),
//! its parallel synthesis and its assembly into one program. The manifest is
//! written from the same plan as the audio, so its times cannot drift.

use crate::article::Article;
use crate::audio;
use crate::error::{Error, Result};
use crate::normalize::Normalizer;
use crate::split;
use crate::synth::Engine;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

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
    /// Longest sentence handed to the engine, in characters.
    pub max_sentence_chars: usize,
    /// How written forms become spoken French; `None` reads them as written.
    pub normalizer: Option<Normalizer>,
    /// Linear gain on the whole program (1.0 leaves it as the engine made it).
    pub gain: f32,
    /// Synthesis threads; 0 uses every core.
    pub jobs: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pauses: Pauses::default(),
            max_sentence_chars: split::DEFAULT_MAX_CHARS,
            normalizer: Some(Normalizer::default()),
            gain: 1.0,
            jobs: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    Title,
    Body,
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

#[derive(Debug, Clone, PartialEq)]
pub struct ScriptArticle {
    pub source: String,
    pub title: Option<String>,
    pub segments: Vec<Segment>,
}

/// Everything a bulletin will say, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub articles: Vec<ScriptArticle>,
}

/// Splits and normalizes the articles into the bulletin's script.
pub fn script(articles: &[Article], options: &Options) -> Script {
    let pauses = &options.pauses;
    let mut script = Script { articles: articles.iter().map(|a| script_article(a, options)).collect() };
    script.articles.retain(|a| !a.segments.is_empty());
    let count = script.articles.len();
    for (i, article) in script.articles.iter_mut().enumerate() {
        if let Some(last) = article.segments.last_mut() {
            last.pause_after = if i + 1 == count { 0.0 } else { pauses.article };
        }
    }
    script
}

fn script_article(article: &Article, options: &Options) -> ScriptArticle {
    let pauses = &options.pauses;
    let mut segments = Vec::new();
    let title_sentences = article.title.iter().flat_map(|t| sentences(t, options));
    push_block(&mut segments, title_sentences, SegmentKind::Title, None, pauses.sentence, pauses.title, options);
    for (i, paragraph) in article.paragraphs.iter().enumerate() {
        let body = sentences(paragraph, options);
        push_block(&mut segments, body, SegmentKind::Body, Some(i), pauses.sentence, pauses.paragraph, options);
    }
    ScriptArticle { source: article.source.clone(), title: article.title.clone(), segments }
}

fn sentences(text: &str, options: &Options) -> Vec<String> {
    split::sentences(text).iter().flat_map(|s| split::cut_long(s, options.max_sentence_chars)).collect()
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

/// Machine-readable description of a bulletin; times are exact sample
/// offsets in the WAV, also given in seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// File name of the WAV this describes, set when it is written.
    pub audio: String,
    pub engine: String,
    pub sample_rate: u32,
    pub samples: usize,
    pub duration: f64,
    pub articles: Vec<ManifestArticle>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManifestArticle {
    pub source: String,
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

impl Span {
    fn new(start_sample: usize, end_sample: usize, sample_rate: u32) -> Self {
        let seconds = |s: usize| s as f64 / f64::from(sample_rate);
        Span { start: seconds(start_sample), end: seconds(end_sample), start_sample, end_sample }
    }
}

/// Receives the program's 16-bit samples in order, as they are made: one
/// call per sentence, with the pause after it.
pub type Sink<'a> = dyn FnMut(&[i16]) -> Result<()> + 'a;

/// Synthesizes every sentence in parallel and streams the program to `sink`
/// in order, each sentence as soon as it and all before it are done, so
/// writing overlaps synthesis and memory does not grow with the bulletin.
/// The result does not depend on the number of threads.
pub fn render(script: &Script, engine: &dyn Engine, options: &Options, sink: &mut Sink) -> Result<Manifest> {
    let segments: Vec<(usize, &Segment)> =
        script.articles.iter().enumerate().flat_map(|(i, a)| a.segments.iter().map(move |s| (i, s))).collect();
    let prepared: Vec<String> = segments.iter().map(|(_, s)| engine.prepare(&s.spoken)).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {} synthesis threads: {e}", options.jobs)))?;
    let mut timeline = Timeline::new(script, engine.sample_rate(), options.gain);
    synthesize_in_order(&pool, engine, &prepared, |i, audio| {
        let (article, segment) = segments[i];
        timeline.place(article, segment, &prepared[i], &audio, sink)
    })?;
    Ok(timeline.finish(engine.describe()))
}

/// Runs the engine on every text in the pool, handing results to `deliver`
/// on this thread in input order. Stops at the first error.
fn synthesize_in_order(
    pool: &rayon::ThreadPool,
    engine: &dyn Engine,
    texts: &[String],
    mut deliver: impl FnMut(usize, Vec<f32>) -> Result<()>,
) -> Result<()> {
    let cancelled = AtomicBool::new(false);
    let (done, finished) = mpsc::channel();
    pool.in_place_scope_fifo(|scope| {
        for (i, text) in texts.iter().enumerate() {
            let (done, cancelled) = (done.clone(), &cancelled);
            scope.spawn_fifo(move |_| {
                if !cancelled.load(Ordering::Relaxed) {
                    // The receiver is gone only once delivery has failed.
                    let _ = done.send((i, engine.synthesize(text)));
                }
            });
        }
        drop(done);
        let delivered = deliver_in_order(finished, texts.len(), &mut deliver);
        if delivered.is_err() {
            cancelled.store(true, Ordering::Relaxed);
        }
        delivered
    })
}

fn deliver_in_order(
    finished: mpsc::Receiver<(usize, Result<Vec<f32>>)>,
    count: usize,
    deliver: &mut impl FnMut(usize, Vec<f32>) -> Result<()>,
) -> Result<()> {
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    for (i, audio) in finished {
        waiting.insert(i, audio?);
        while let Some(audio) = waiting.remove(&next) {
            deliver(next, audio)?;
            next += 1;
        }
    }
    assert_eq!(next, count, "every sentence is synthesized once");
    Ok(())
}

/// Lays sentences and pauses end to end and records where each one falls.
struct Timeline {
    sample_rate: u32,
    gain: f32,
    position: usize,
    articles: Vec<ManifestArticle>,
    pcm: Vec<i16>,
}

impl Timeline {
    fn new(script: &Script, sample_rate: u32, gain: f32) -> Self {
        let articles = script
            .articles
            .iter()
            .map(|a| ManifestArticle {
                source: a.source.clone(),
                title: a.title.clone(),
                span: Span::new(0, 0, sample_rate),
                sentences: Vec::with_capacity(a.segments.len()),
            })
            .collect();
        Timeline { sample_rate, gain, position: 0, articles, pcm: Vec::new() }
    }

    fn place(
        &mut self,
        article: usize,
        segment: &Segment,
        engine_text: &str,
        audio: &[f32],
        sink: &mut Sink,
    ) -> Result<()> {
        self.pcm.clear();
        self.pcm.extend(audio.iter().map(|&s| audio::to_pcm16(s, self.gain)));
        let start = self.position;
        let end = start + self.pcm.len();
        let pause = audio::samples_in(segment.pause_after, self.sample_rate);
        self.pcm.resize(self.pcm.len() + pause, 0);
        sink(&self.pcm)?;
        self.position = end + pause;
        self.articles[article].sentences.push(ManifestSentence {
            kind: segment.kind,
            paragraph: segment.paragraph,
            text: segment.text.clone(),
            spoken: segment.spoken.clone(),
            engine_text: engine_text.to_owned(),
            span: Span::new(start, end, self.sample_rate),
        });
        Ok(())
    }

    fn finish(mut self, engine: String) -> Manifest {
        for article in &mut self.articles {
            let start = article.sentences.first().map_or(0, |s| s.span.start_sample);
            let end = article.sentences.last().map_or(0, |s| s.span.end_sample);
            article.span = Span::new(start, end, self.sample_rate);
        }
        Manifest {
            audio: String::new(),
            engine,
            sample_rate: self.sample_rate,
            samples: self.position,
            duration: self.position as f64 / f64::from(self.sample_rate),
            articles: self.articles,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine that "speaks" one sample per character, so timings are known.
    struct Counting;

    impl Engine for Counting {
        fn describe(&self) -> String {
            "counting".into()
        }
        fn sample_rate(&self) -> u32 {
            10
        }
        fn cache_key(&self) -> String {
            "counting".into()
        }
        fn prepare(&self, text: &str) -> String {
            text.to_uppercase()
        }
        fn synthesize(&self, prepared: &str) -> Result<Vec<f32>> {
            Ok(prepared.chars().map(|_| 0.5).collect())
        }
    }

    fn article(title: Option<&str>, paragraphs: &[&str]) -> Article {
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
        let pauses: Vec<f32> = script.articles.iter().flat_map(|a| a.segments.iter().map(|s| s.pause_after)).collect();
        assert_eq!(pauses, [p.title, p.sentence, p.paragraph, p.article, 0.0]);
        let first = &script.articles[0].segments;
        assert_eq!(first[0].kind, SegmentKind::Title);
        assert_eq!(first[2].paragraph, Some(0));
        assert_eq!(first[3].paragraph, Some(1));
    }

    #[test]
    fn unspeakable_sentences_and_articles_are_left_out() {
        let script = script(&[article(Some("…"), &["—"]), article(None, &["Oui."])], &Options::default());
        assert_eq!(script.articles.len(), 1);
        assert_eq!(script.articles[0].segments.len(), 1);
    }

    fn render_all(script: &Script, engine: &dyn Engine, options: &Options) -> (Vec<i16>, Manifest) {
        let mut samples = Vec::new();
        let mut collect = |pcm: &[i16]| {
            samples.extend_from_slice(pcm);
            Ok(())
        };
        let manifest = render(script, engine, options, &mut collect).unwrap();
        (samples, manifest)
    }

    #[test]
    fn manifest_times_match_the_samples() {
        let options = Options {
            pauses: Pauses { sentence: 0.5, paragraph: 1.0, title: 2.0, article: 3.0 },
            ..Options::default()
        };
        let script = script(&[article(Some("Ab"), &["Cde. Fg."]), article(None, &["Hij."])], &options);
        let (samples, manifest) = render_all(&script, &Counting, &options);
        let spans: Vec<(usize, usize)> = manifest
            .articles
            .iter()
            .flat_map(|a| a.sentences.iter().map(|s| (s.span.start_sample, s.span.end_sample)))
            .collect();
        // "Ab" 2, pause 20; "Cde." 4, pause 5; "Fg." 3, pause 30; "Hij." 4.
        assert_eq!(spans, [(0, 2), (22, 26), (31, 34), (64, 68)]);
        assert_eq!((samples.len(), manifest.samples), (68, 68));
        assert_eq!(manifest.articles[1].span.start, 6.4);
        assert_eq!(manifest.articles[0].sentences[1].engine_text, "CDE.");
        assert!(samples[2..22].iter().all(|&s| s == 0));
        assert_eq!(samples[0], 16384);
    }

    #[test]
    fn engine_and_sink_errors_stop_rendering() {
        struct Failing;
        impl Engine for Failing {
            fn describe(&self) -> String {
                "failing".into()
            }
            fn sample_rate(&self) -> u32 {
                10
            }
            fn cache_key(&self) -> String {
                "failing".into()
            }
            fn synthesize(&self, prepared: &str) -> Result<Vec<f32>> {
                if prepared.contains("boom") {
                    Err(Error::engine("failing", "cannot say boom"))
                } else {
                    Ok(vec![0.5; 3])
                }
            }
        }
        let options = Options::default();
        let script = script(&[article(Some("Titre"), &["Un. Deux boom. Trois."])], &options);
        let error = render(&script, &Failing, &options, &mut |_| Ok(())).unwrap_err();
        assert_eq!(error.to_string(), "voice failing: cannot say boom");
        let mut calls = 0;
        let error = render(&script, &Counting, &options, &mut |_| {
            calls += 1;
            Err(Error::output("out.wav", "disk full"))
        })
        .unwrap_err();
        assert_eq!((calls, error.to_string()), (1, "out.wav: cannot write: disk full".to_owned()));
    }

    #[test]
    fn rendering_is_identical_for_any_thread_count() {
        let paragraphs: Vec<String> = (0..40).map(|i| format!("Phrase numéro {i}. Suite {}.", "x".repeat(i))).collect();
        let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
        let script = script(&[article(Some("T"), &refs)], &Options::default());
        let one = render_all(&script, &Counting, &Options { jobs: 1, ..Options::default() });
        let four = render_all(&script, &Counting, &Options { jobs: 4, ..Options::default() });
        assert_eq!(one, four);
    }
}
