//! The synthesis schedule: every sentence synthesized in parallel, handed
//! out in order with bounded read-ahead, and placed into a [`Sink`] (the
//! mastering stage). Where each sentence fell is
//! taken from the positions the sink reports, so the manifest's times are
//! those of the final file and cannot drift.

use crate::error::{Error, Result};
use crate::manifest::{ManifestPart, ManifestSentence, Span};
use crate::script::{PartKind, Script};
use crate::synth::Engine;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

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
    /// A sentence as the synthesis threads finish it for this sink.
    type Speech;
    fn sample_rate(&self) -> u32;
    fn place(&mut self, speech: Self::Speech, placement: Placement) -> Result<(usize, usize)>;
}

/// How a synthesis thread makes a sentence for the sink, given the text
/// prepared for the engine and a way to have the engine speak it: so that
/// the sink's own per-sentence work (fades, analysis, the sentence cache)
/// runs in parallel too, and the engine only speaks when it must.
pub type Finish<T> = Arc<dyn Fn(&str, &dyn Fn() -> Result<Vec<f32>>) -> Result<T> + Send + Sync>;

/// Every sentence of one or more scripts, synthesized in parallel on a pool
/// of `jobs` threads and handed out in order, each as soon as it and all
/// before it are done: writing overlaps synthesis. At most a few sentences
/// per thread are made ahead of the one awaited, so memory does not grow
/// with the bulletin even when writing is the slower side. The result does
/// not depend on the number of threads. Dropping it stops the work.
pub struct Synthesis<T> {
    engine: Arc<dyn Engine>,
    finish: Finish<T>,
    texts: Arc<Vec<String>>,
    pool: rayon::ThreadPool,
    ahead: usize,
    started: usize,
    done: mpsc::Sender<(usize, Made<T>)>,
    finished: mpsc::Receiver<(usize, Made<T>)>,
    waiting: BTreeMap<usize, Made<T>>,
    next: usize,
    cancelled: Arc<AtomicBool>,
    /// The caller's: once cancelled, no sentence is started.
    cancel: Cancel,
}

/// A sentence as a thread made it: the text the engine was sent, and the
/// sentence.
type Made<T> = Result<(String, T)>;

/// Sentences each thread may have made ahead of the one awaited.
const AHEAD_PER_THREAD: usize = 4;

/// Stops a run part-way, from another thread: a server whose client went
/// away or whose time for the request is up should not go on holding the
/// voice for a bulletin no one will take. Once [`Cancel::cancel`] is
/// called, no more sentence is started and the run ends with
/// [`Error::Stopped`] at its next sentence or stage. Clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Asks the runs holding this handle (or a clone) to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// [`Error::Stopped`] once cancelled: where a run checks before going on.
    pub(crate) fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            return Err(Error::Stopped);
        }
        Ok(())
    }
}

/// Any two are equal: the handle a run may be stopped by is no part of
/// what the run makes.
impl PartialEq for Cancel {
    fn eq(&self, _: &Cancel) -> bool {
        true
    }
}

impl<T: Send + 'static> Synthesis<T> {
    /// Starts on `spoken`, each sentence made by `engine` then `finish`,
    /// unless `cancel` is cancelled by then.
    pub fn start<'a>(
        engine: Arc<dyn Engine>,
        finish: Finish<T>,
        spoken: impl IntoIterator<Item = &'a str>,
        jobs: usize,
        cancel: Cancel,
    ) -> Result<Self> {
        let texts: Arc<Vec<String>> = Arc::new(spoken.into_iter().map(str::to_owned).collect());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|e| Error::Usage(format!("cannot start {jobs} synthesis threads: {e}")))?;
        let ahead = pool.current_num_threads() * AHEAD_PER_THREAD;
        let (done, finished) = mpsc::channel();
        let mut synthesis = Synthesis {
            engine,
            finish,
            texts,
            pool,
            ahead,
            started: 0,
            done,
            finished,
            waiting: BTreeMap::new(),
            next: 0,
            cancelled: Arc::new(AtomicBool::new(false)),
            cancel,
        };
        synthesis.start_more();
        Ok(synthesis)
    }

    /// Keeps `ahead` sentences in the works past the one awaited.
    fn start_more(&mut self) {
        while self.started < self.texts.len() && self.started < self.next + self.ahead {
            let i = self.started;
            let (done, cancelled, cancel) = (self.done.clone(), self.cancelled.clone(), self.cancel.clone());
            let (engine, texts, finish) = (self.engine.clone(), self.texts.clone(), self.finish.clone());
            self.pool.spawn_fifo(move || {
                if !cancelled.load(Ordering::Relaxed) {
                    // A sentence not made is still answered for: the one
                    // waiting for it learns that the run stopped.
                    let made = cancel.check().and_then(|()| {
                        let prepared = engine.prepare(&texts[i]);
                        finish(&prepared, &|| synthesize_guarded(engine.as_ref(), &prepared))
                            .map(|made| (prepared, made))
                    });
                    // The receiver is gone only once the bulletin has failed.
                    let _ = done.send((i, made));
                }
            });
            self.started += 1;
        }
    }

    /// How many sentences were handed out.
    pub(crate) fn position(&self) -> usize {
        self.next
    }

    /// Drops the sentences before `position` still to be handed out: the
    /// rest of a bulletin that failed, so that the next one starts at its
    /// own first sentence. A cancelled run has nothing left to skip to.
    pub(crate) fn skip_to(&mut self, position: usize) {
        while self.next < position.min(self.texts.len()) && !self.cancel.is_cancelled() {
            // Made or failed, it is not wanted.
            let _ = self.next();
        }
    }

    /// The next sentence in order: what the engine was sent, and the sentence.
    pub(crate) fn next(&mut self) -> Result<(String, T)> {
        self.cancel.check()?;
        let i = self.next;
        while !self.waiting.contains_key(&i) {
            let (at, audio) =
                self.finished.recv().map_err(|_| Error::engine(self.engine.describe(), "synthesis stopped"))?;
            self.waiting.insert(at, audio);
        }
        self.next += 1;
        self.start_more();
        self.waiting.remove(&i).expect("waiting for it")
    }
}

/// The engine's samples for prepared text (prepared on the synthesis
/// thread too: the shields take time). An engine that panics fails its
/// sentence, not the whole process.
fn synthesize_guarded(engine: &dyn Engine, prepared: &str) -> Result<Vec<f32>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.synthesize(prepared)))
        .unwrap_or_else(|_| Err(Error::engine(engine.describe(), format!("crashed on {prepared:?}"))))
}

impl<T> Drop for Synthesis<T> {
    fn drop(&mut self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// Where a script's parts fell in the program, in the manifest's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub opening: Option<ManifestPart>,
    pub articles: Vec<ManifestPart>,
    pub closing: Option<ManifestPart>,
}

/// Places the next `script`'s sentences from `synthesis` into `sink`, in
/// order, and says where each one fell.
pub fn place<T: Send + 'static>(
    script: &Script,
    synthesis: &mut Synthesis<T>,
    sink: &mut dyn Sink<Speech = T>,
) -> Result<Placed> {
    let rate = sink.sample_rate();
    let mut placed = Placed { opening: None, articles: Vec::new(), closing: None };
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
        let part_placed = ManifestPart {
            source: part.source.clone(),
            title: part.title.clone(),
            span: Span::new(start, end, rate),
            sentences,
        };
        match part.kind {
            PartKind::Opening => placed.opening = Some(part_placed),
            PartKind::Article => placed.articles.push(part_placed),
            PartKind::Closing => placed.closing = Some(part_placed),
        }
    }
    Ok(placed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::tests::article;
    use crate::script::{script, Options, Pauses};
    use crate::synth::fake::Fake;

    /// Sentences as the engine made them.
    fn as_is() -> Finish<Vec<f32>> {
        Arc::new(|_, synthesize| synthesize())
    }

    /// Lays sentences and pauses end to end in memory.
    struct Collect(Vec<f32>);

    impl Sink for Collect {
        type Speech = Vec<f32>;
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

    fn place_all(script: &Script, engine: impl Engine + 'static, jobs: usize) -> Result<(Vec<f32>, Placed)> {
        let spoken = script.segments().map(|s| s.spoken.as_str());
        let mut synthesis = Synthesis::start(Arc::new(engine), as_is(), spoken, jobs, Cancel::new())?;
        let mut sink = Collect(Vec::new());
        let placed = place(script, &mut synthesis, &mut sink)?;
        Ok((sink.0, placed))
    }

    #[test]
    fn manifest_times_match_the_samples() {
        let options = Options {
            pauses: Pauses { sentence: 0.5, paragraph: 1.0, title: 2.0, article: 3.0 },
            ..Options::default()
        };
        let script = script(&[article(Some("Ab"), &["Cde. Fg."]), article(None, &["Hij."])], &options);
        let (samples, manifest) = place_all(&script, Fake::new("counting"), 0).unwrap();
        let spans: Vec<(usize, usize)> = manifest
            .articles
            .iter()
            .flat_map(|p| &p.sentences)
            .map(|s| (s.span.start_sample, s.span.end_sample))
            .collect();
        // "Ab" 2, pause 20; "Cde." 4, pause 5; "Fg." 3, pause 30; "Hij." 4.
        assert_eq!(spans, [(0, 2), (22, 26), (31, 34), (64, 68)]);
        assert_eq!(samples.len(), 68);
        assert_eq!(manifest.articles[1].span.start, 6.4);
        assert_eq!(manifest.articles[0].sentences[1].engine_text, "CDE.");
        assert!(samples[2..22].iter().all(|&s| s == 0.0));
    }

    #[test]
    fn engine_and_sink_errors_stop_the_schedule() {
        let options = Options::default();
        let script = script(&[article(Some("Titre"), &["Un. Deux boom. Trois."])], &options);
        let error = place_all(&script, Fake::new("failing"), 0).unwrap_err();
        assert_eq!(error.to_string(), "voice failing: cannot say boom");
        let crashing = crate::script::script(&[article(None, &["Un crash."])], &options);
        let error = place_all(&crashing, Fake::new("failing"), 0).unwrap_err();
        assert_eq!(error.to_string(), "voice failing: crashed on \"UN CRASH.\"");

        struct Full(usize);
        impl Sink for Full {
            type Speech = Vec<f32>;
            fn sample_rate(&self) -> u32 {
                10
            }
            fn place(&mut self, _: Vec<f32>, _: Placement) -> Result<(usize, usize)> {
                self.0 += 1;
                Err(Error::output("out.wav", "disk full"))
            }
        }
        let mut synthesis = Synthesis::start(
            Arc::new(Fake::new("counting")),
            as_is(),
            script.segments().map(|s| s.spoken.as_str()),
            0,
            Cancel::new(),
        )
        .unwrap();
        let mut full = Full(0);
        let error = place(&script, &mut synthesis, &mut full).unwrap_err();
        assert_eq!((full.0, error.to_string()), (1, "out.wav: cannot write: disk full".to_owned()));
    }

    #[test]
    fn one_synthesis_feeds_several_scripts_in_order() {
        let options = Options::default();
        let first = script(&[article(None, &["Un. Deux."])], &options);
        let second = script(&[article(None, &["Trois quatre."])], &options);
        let spoken = first.segments().chain(second.segments()).map(|s| s.spoken.as_str());
        let mut synthesis =
            Synthesis::start(Arc::new(Fake::new("counting")), as_is(), spoken, 2, Cancel::new()).unwrap();
        let (mut a, mut b) = (Collect(Vec::new()), Collect(Vec::new()));
        place(&first, &mut synthesis, &mut a).unwrap();
        let manifest = place(&second, &mut synthesis, &mut b).unwrap();
        assert_eq!(manifest.articles[0].sentences[0].engine_text, "TROIS QUATRE.");
        assert_eq!(b.0.len(), 13);
    }

    #[test]
    fn rendering_is_identical_for_any_thread_count() {
        let paragraphs: Vec<String> = (0..40).map(|i| format!("Phrase numéro {i}. Suite {}.", "x".repeat(i))).collect();
        let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
        let script = script(&[article(Some("T"), &refs)], &Options::default());
        assert_eq!(
            place_all(&script, Fake::new("counting"), 1).unwrap(),
            place_all(&script, Fake::new("counting"), 4).unwrap()
        );
    }
}
