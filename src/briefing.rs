//! The plan of a bulletin (what is said, in which order, with which pauses),
//! its parallel synthesis and its placement, sentence by sentence, into a
//! [`Sink`]. The manifest is written from the positions the sink reports, so
//! its times are those of the final file and cannot drift.

use crate::announce::Announcements;
use crate::article::Article;
use crate::error::{Error, Result};
use crate::normalize::Normalizer;
use crate::split;
use crate::synth::Engine;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    Announcement,
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

/// Machine-readable description of a bulletin; times are exact sample
/// offsets in the final WAV (after the intro, at the output rate), also
/// given in seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// File name of the WAV this describes, set when it is written.
    pub audio: String,
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
}

impl Manifest {
    /// Every sentence, in the order heard.
    pub fn sentences(&self) -> impl Iterator<Item = &ManifestSentence> {
        self.opening.iter().chain(&self.articles).chain(&self.closing).flat_map(|p| &p.sentences)
    }

    /// Records the program's final length.
    pub fn set_length(&mut self, samples: usize) {
        self.samples = samples;
        self.duration = samples as f64 / f64::from(self.sample_rate);
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

impl Span {
    pub fn new(start_sample: usize, end_sample: usize, sample_rate: u32) -> Self {
        let seconds = |s: usize| s as f64 / f64::from(sample_rate);
        Span { start: seconds(start_sample), end: seconds(end_sample), start_sample, end_sample }
    }
}

/// Where a sentence goes in the program.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub part: PartKind,
    /// The last sentence of its part.
    pub ends_part: bool,
    /// Silence after it, in seconds.
    pub pause: f32,
}

/// Takes the program's sentences in order, as they are made, and says
/// where each one's sound starts and ends in the final file.
pub trait Sink {
    fn sample_rate(&self) -> u32;
    fn place(&mut self, speech: Vec<f32>, placement: Placement) -> Result<(usize, usize)>;
}

/// Every sentence of one or more scripts, synthesized in parallel on a pool
/// of `jobs` threads and handed out in order, each as soon as it and all
/// before it are done: writing overlaps synthesis. At most a few sentences
/// per thread are made ahead of the one awaited, so memory does not grow
/// with the bulletin even when writing is the slower side. The result does
/// not depend on the number of threads. Dropping it stops the work.
pub struct Synthesis {
    engine: Arc<dyn Engine>,
    texts: Arc<Vec<String>>,
    pool: rayon::ThreadPool,
    ahead: usize,
    started: usize,
    done: mpsc::Sender<(usize, Result<Vec<f32>>)>,
    finished: mpsc::Receiver<(usize, Result<Vec<f32>>)>,
    waiting: BTreeMap<usize, Result<Vec<f32>>>,
    next: usize,
    cancelled: Arc<AtomicBool>,
}

/// Sentences each thread may have made ahead of the one awaited.
const AHEAD_PER_THREAD: usize = 4;

impl Synthesis {
    pub fn start<'a>(engine: Arc<dyn Engine>, spoken: impl IntoIterator<Item = &'a str>, jobs: usize) -> Result<Self> {
        let texts: Arc<Vec<String>> = Arc::new(spoken.into_iter().map(|s| engine.prepare(s)).collect());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|e| Error::Usage(format!("cannot start {jobs} synthesis threads: {e}")))?;
        let ahead = pool.current_num_threads() * AHEAD_PER_THREAD;
        let (done, finished) = mpsc::channel();
        let mut synthesis = Synthesis {
            engine,
            texts,
            pool,
            ahead,
            started: 0,
            done,
            finished,
            waiting: BTreeMap::new(),
            next: 0,
            cancelled: Arc::new(AtomicBool::new(false)),
        };
        synthesis.start_more();
        Ok(synthesis)
    }

    /// Keeps `ahead` sentences in the works past the one awaited.
    fn start_more(&mut self) {
        while self.started < self.texts.len() && self.started < self.next + self.ahead {
            let i = self.started;
            let (done, cancelled) = (self.done.clone(), self.cancelled.clone());
            let (engine, texts) = (self.engine.clone(), self.texts.clone());
            self.pool.spawn_fifo(move || {
                if !cancelled.load(Ordering::Relaxed) {
                    // The receiver is gone only once the bulletin has failed.
                    let _ = done.send((i, synthesize_guarded(engine.as_ref(), &texts[i])));
                }
            });
            self.started += 1;
        }
    }

    /// The next sentence in order: what the engine was sent, and its samples.
    fn next(&mut self) -> Result<(String, Vec<f32>)> {
        let i = self.next;
        while !self.waiting.contains_key(&i) {
            let (at, audio) =
                self.finished.recv().map_err(|_| Error::engine(self.engine.describe(), "synthesis stopped"))?;
            self.waiting.insert(at, audio);
        }
        self.next += 1;
        self.start_more();
        let audio = self.waiting.remove(&i).expect("waiting for it")?;
        Ok((self.texts[i].clone(), audio))
    }
}

/// An engine that panics fails its sentence, not the whole process.
fn synthesize_guarded(engine: &dyn Engine, text: &str) -> Result<Vec<f32>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.synthesize(text)))
        .unwrap_or_else(|_| Err(Error::engine(engine.describe(), format!("crashed on {text:?}"))))
}

impl Drop for Synthesis {
    fn drop(&mut self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// Places the next `script`'s sentences from `synthesis` into `sink`, in
/// order, and describes where each one fell.
pub fn render(script: &Script, synthesis: &mut Synthesis, sink: &mut dyn Sink) -> Result<Manifest> {
    let rate = sink.sample_rate();
    let mut manifest = Manifest {
        audio: String::new(),
        engine: synthesis.engine.describe(),
        sample_rate: rate,
        samples: 0,
        duration: 0.0,
        loudness: None,
        intro: None,
        opening: None,
        articles: Vec::new(),
        closing: None,
        outro: None,
    };
    for part in &script.parts {
        let mut sentences = Vec::with_capacity(part.segments.len());
        for (i, segment) in part.segments.iter().enumerate() {
            let (engine_text, audio) = synthesis.next()?;
            let placement =
                Placement { part: part.kind, ends_part: i + 1 == part.segments.len(), pause: segment.pause_after };
            let (start, end) = sink.place(audio, placement)?;
            sentences.push(ManifestSentence {
                kind: segment.kind,
                paragraph: segment.paragraph,
                text: segment.text.clone(),
                spoken: segment.spoken.clone(),
                engine_text,
                span: Span::new(start, end, rate),
            });
        }
        let start = sentences.first().map_or(0, |s| s.span.start_sample);
        let end = sentences.last().map_or(0, |s| s.span.end_sample);
        let placed = ManifestPart {
            source: part.source.clone(),
            title: part.title.clone(),
            span: Span::new(start, end, rate),
            sentences,
        };
        match part.kind {
            PartKind::Opening => manifest.opening = Some(placed),
            PartKind::Article => manifest.articles.push(placed),
            PartKind::Closing => manifest.closing = Some(placed),
        }
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::fake::Fake;

    /// Lays sentences and pauses end to end in memory.
    struct Collect(Vec<f32>);

    impl Sink for Collect {
        fn sample_rate(&self) -> u32 {
            10
        }
        fn place(&mut self, speech: Vec<f32>, placement: Placement) -> Result<(usize, usize)> {
            let start = self.0.len();
            self.0.extend(speech);
            let end = self.0.len();
            self.0.resize(end + (placement.pause * 10.0).round() as usize, 0.0);
            Ok((start, end))
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

    fn render_all(script: &Script, engine: impl Engine + 'static, jobs: usize) -> Result<(Vec<f32>, Manifest)> {
        let spoken = script.segments().map(|s| s.spoken.as_str());
        let mut synthesis = Synthesis::start(Arc::new(engine), spoken, jobs)?;
        let mut sink = Collect(Vec::new());
        let manifest = render(script, &mut synthesis, &mut sink)?;
        Ok((sink.0, manifest))
    }

    #[test]
    fn manifest_times_match_the_samples() {
        let options = Options {
            pauses: Pauses { sentence: 0.5, paragraph: 1.0, title: 2.0, article: 3.0 },
            ..Options::default()
        };
        let script = script(&[article(Some("Ab"), &["Cde. Fg."]), article(None, &["Hij."])], &options);
        let (samples, manifest) = render_all(&script, Fake::new("counting"), 0).unwrap();
        let spans: Vec<(usize, usize)> =
            manifest.sentences().map(|s| (s.span.start_sample, s.span.end_sample)).collect();
        // "Ab" 2, pause 20; "Cde." 4, pause 5; "Fg." 3, pause 30; "Hij." 4.
        assert_eq!(spans, [(0, 2), (22, 26), (31, 34), (64, 68)]);
        assert_eq!(samples.len(), 68);
        assert_eq!(manifest.articles[1].span.start, 6.4);
        assert_eq!(manifest.articles[0].sentences[1].engine_text, "CDE.");
        assert!(samples[2..22].iter().all(|&s| s == 0.0));
    }

    #[test]
    fn engine_and_sink_errors_stop_rendering() {
        let options = Options::default();
        let script = script(&[article(Some("Titre"), &["Un. Deux boom. Trois."])], &options);
        let error = render_all(&script, Fake::new("failing"), 0).unwrap_err();
        assert_eq!(error.to_string(), "voice failing: cannot say boom");
        let crashing = super::script(&[article(None, &["Un crash."])], &options);
        let error = render_all(&crashing, Fake::new("failing"), 0).unwrap_err();
        assert_eq!(error.to_string(), "voice failing: crashed on \"UN CRASH.\"");

        struct Full(usize);
        impl Sink for Full {
            fn sample_rate(&self) -> u32 {
                10
            }
            fn place(&mut self, _: Vec<f32>, _: Placement) -> Result<(usize, usize)> {
                self.0 += 1;
                Err(Error::output("out.wav", "disk full"))
            }
        }
        let mut synthesis =
            Synthesis::start(Arc::new(Fake::new("counting")), script.segments().map(|s| s.spoken.as_str()), 0).unwrap();
        let mut full = Full(0);
        let error = render(&script, &mut synthesis, &mut full).unwrap_err();
        assert_eq!((full.0, error.to_string()), (1, "out.wav: cannot write: disk full".to_owned()));
    }

    #[test]
    fn one_synthesis_feeds_several_scripts_in_order() {
        let options = Options::default();
        let first = script(&[article(None, &["Un. Deux."])], &options);
        let second = script(&[article(None, &["Trois quatre."])], &options);
        let spoken = first.segments().chain(second.segments()).map(|s| s.spoken.as_str());
        let mut synthesis = Synthesis::start(Arc::new(Fake::new("counting")), spoken, 2).unwrap();
        let (mut a, mut b) = (Collect(Vec::new()), Collect(Vec::new()));
        render(&first, &mut synthesis, &mut a).unwrap();
        let manifest = render(&second, &mut synthesis, &mut b).unwrap();
        assert_eq!(manifest.articles[0].sentences[0].engine_text, "TROIS QUATRE.");
        assert_eq!(b.0.len(), 13);
    }

    #[test]
    fn rendering_is_identical_for_any_thread_count() {
        let paragraphs: Vec<String> = (0..40).map(|i| format!("Phrase numéro {i}. Suite {}.", "x".repeat(i))).collect();
        let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
        let script = script(&[article(Some("T"), &refs)], &Options::default());
        assert_eq!(
            render_all(&script, Fake::new("counting"), 1).unwrap(),
            render_all(&script, Fake::new("counting"), 4).unwrap()
        );
    }
}
