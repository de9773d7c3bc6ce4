//! The whole pipeline in one call: [`build`] reads the articles, plans each
//! bulletin, opens the voice, synthesizes every sentence of every bulletin
//! on one pool of threads, masters and writes each bulletin, and fills its
//! manifest once from what each stage reports. Progress goes to an
//! [`Observer`]; the result is a [`Report`].

use crate::article::{self, Format, Input};
use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::manifest::{Failure, Manifest};
use crate::master::{Master, MasterOptions, Music};
use crate::output::{self, AudioFormat, Destination, Encoding, Json, PodcastChapters, Sidecar, Subtitles};
use crate::resume;
use crate::schedule::{self, Cancel, Placement, Sink, Synthesis};
use crate::script::{self, Script};
use crate::shard::Shard;
use crate::synth::{self, VoiceOptions};
use crate::voicing::{Speech, Voicing};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where the bulletins go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// One bulletin: the audio, with its manifest (and subtitles) beside it.
    File(PathBuf),
    /// One bulletin on standard output; nothing is written beside it.
    Stdout,
    /// One bulletin per article in this folder, named after the article's file.
    Each(PathBuf),
}

/// Everything a run needs to know. Made with [`BuildOptions::new`] and the
/// setters named after the fields (`.voice("fr-BE").jobs(2)`), or from
/// [`BuildOptions::default`] with its fields set; new options may come in
/// later versions, so it cannot be written as a struct literal.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BuildOptions {
    pub inputs: Vec<Input>,
    pub format: Format,
    /// How the articles are read and what is said around them.
    pub script: script::Options,
    pub output: Output,
    /// Subtitles written beside each bulletin, besides its manifest.
    pub subtitles: Option<Subtitles>,
    /// Also write Podcasting 2.0 chapters beside each bulletin (NAME.chapters.json).
    pub podcast_chapters: bool,
    /// Synthesis threads; 0 for one per core.
    pub jobs: usize,
    /// A name from [`crate::voices`] or the path of a Piper model.
    pub voice: String,
    /// Voice settings; `concurrency` is set from `jobs` by [`build`].
    pub voice_options: VoiceOptions,
    /// Where synthesized sentences are kept between runs; `None` keeps none.
    pub cache: Option<PathBuf>,
    /// The program's sample rate; `None` for the voice's own.
    pub sample_rate: Option<u32>,
    pub master: MasterOptions,
    /// How the audio is encoded and tagged.
    pub audio: AudioFormat,
    /// Only this part of the work: with [`Output::Each`], of the articles
    /// (by bulletin name); with `warm_cache`, of the sentences.
    pub shard: Option<Shard>,
    /// Only synthesize the sentences into the cache: no bulletin is written.
    pub warm_cache: bool,
    /// With [`Output::Each`], make again the bulletins already made from
    /// the same input and options (by default they are kept).
    pub force: bool,
    /// Stops the run part-way when cancelled from another thread (a
    /// server's client gone, its time up): no sentence is started after,
    /// and the bulletin under way is not published (with [`Output::Each`],
    /// those finished before stay). Clones of the options share it. The
    /// command line uses none (Ctrl-C ends the process).
    pub cancel: Cancel,
}

/// The defaults touch none of the user's folders: no cache (the command
/// line gives the XDG one), the bulletin on standard output (the command
/// line gives `output/briefing.wav`).
impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            inputs: Vec::new(),
            format: Format::Auto,
            script: script::Options::default(),
            output: Output::Stdout,
            subtitles: None,
            podcast_chapters: false,
            jobs: 0,
            voice: synth::DEFAULT_VOICE.into(),
            voice_options: VoiceOptions::default(),
            cache: None,
            sample_rate: None,
            master: MasterOptions::default(),
            audio: AudioFormat::default(),
            shard: None,
            warm_cache: false,
            force: false,
            cancel: Cancel::default(),
        }
    }
}

/// A setter for each field: `options.field(value)` returns the options with
/// the field set.
macro_rules! setters {
    ($($field:ident: $type:ty),* $(,)?) => {
        $(
            #[doc = concat!("These options with `", stringify!($field), "` set.")]
            pub fn $field(mut self, $field: impl Into<$type>) -> Self {
                self.$field = $field.into();
                self
            }
        )*
    };
}

impl BuildOptions {
    /// The bulletins of `inputs` (files, folders, `-` for standard input),
    /// written to `output`, with every other option at its default.
    pub fn new(inputs: impl IntoIterator<Item = impl Into<Input>>, output: Output) -> Self {
        BuildOptions { inputs: inputs.into_iter().map(Into::into).collect(), output, ..BuildOptions::default() }
    }

    setters! {
        format: Format,
        script: script::Options,
        output: Output,
        subtitles: Option<Subtitles>,
        podcast_chapters: bool,
        jobs: usize,
        voice: String,
        voice_options: VoiceOptions,
        cache: Option<PathBuf>,
        sample_rate: Option<u32>,
        master: MasterOptions,
        audio: AudioFormat,
        shard: Option<Shard>,
        warm_cache: bool,
        force: bool,
        cancel: Cancel,
    }
}

impl BuildOptions {
    /// Options that cannot go together.
    fn check(&self) -> Result<()> {
        let stdout = self.output == Output::Stdout;
        let conflict = if stdout && self.subtitles.is_some() {
            Some("-o - writes no file beside the WAV: drop --subtitles")
        } else if self.master.bed.is_some() && self.script.announcements.is_none() {
            Some("--bed plays under the opening announcement: add --announce")
        } else {
            self.batch_conflict()
        };
        conflict.map_or(Ok(()), |c| Err(Error::Usage(c.into())))
    }

    /// Batch options that cannot go together.
    fn batch_conflict(&self) -> Option<&'static str> {
        let each = matches!(self.output, Output::Each(_));
        if self.warm_cache && self.cache.is_none() {
            Some("--warm-cache fills the sentence cache: drop --no-cache")
        } else if self.warm_cache && each {
            Some("--warm-cache fills the cache for one bulletin: drop --each (with --each, --shard shares out the articles)")
        } else if self.shard.is_some() && !each && !self.warm_cache {
            Some("--shard shares out the articles of build --each, or with --warm-cache the sentences of one bulletin")
        } else if self.force && !each {
            Some("--force makes again the bulletins build --each finds made: it needs --each")
        } else {
            None
        }
    }
}

/// Synthesis threads for `--jobs`: 0 for one per core.
pub(crate) fn threads(jobs: usize) -> usize {
    match jobs {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        jobs => jobs,
    }
}

/// Told what a run is doing, as it does it. Every method does nothing by
/// default.
pub trait Observer {
    /// Synthesis starts: this many sentences, at this sample rate.
    fn started(&mut self, _sentences: usize, _sample_rate: u32) {}
    /// One more sentence is placed in its bulletin, this many samples long.
    fn sentence(&mut self, _samples: usize) {}
    /// A stage after synthesis begins.
    fn stage(&mut self, _stage: Stage) {}
    /// Something the user should know that does not stop the run.
    fn warning(&mut self, _message: &str) {}
    /// `speak`: this sentence (as written) is the next one heard.
    fn speaking(&mut self, _text: &str) {}
    /// A voice's `file` is being downloaded: `done` of `total` bytes.
    fn download(&mut self, _file: &str, _done: u64, _total: u64) {}
}

/// An observer that ignores everything.
impl Observer for () {}

/// The stages after synthesis, which can take most of a long run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Loudness and peaks of one bulletin.
    Mastering,
    /// Writing one bulletin to this destination.
    Writing(String),
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Stage::Mastering => write!(f, "mastering: loudness and peaks"),
            Stage::Writing(name) => write!(f, "writing {name}"),
        }
    }
}

/// What a run made. New facts may come in later versions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Every file written (or "stdout"), each bulletin's WAV then the files beside it.
    pub files: Vec<String>,
    /// Seconds of audio, all bulletins together.
    pub duration: f64,
    pub articles: usize,
    pub sentences: usize,
    /// Sentences read from the cache, and synthesized.
    pub cache_hits: usize,
    pub synthesized: usize,
    /// Seconds the run took.
    pub wall_time: f64,
    /// Seconds each part of the run took.
    #[serde(skip)]
    pub timings: Vec<(&'static str, f64)>,
    /// Each bulletin's manifest, as written beside it.
    #[serde(skip)]
    pub manifests: Vec<Manifest>,
    /// Streams whose reader went away before the end (`-o - | head`), each
    /// with the bytes it took: those bulletins were not written whole.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cut_short: Vec<(String, u64)>,
    /// With `--each`: bulletins found made from the same input and
    /// options, and kept.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<String>,
    /// With `--each`: articles that could not be made, each recorded
    /// beside the bulletins.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<Failure>,
}

/// One bulletin to make: where it goes and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Bulletin {
    pub destination: Destination,
    pub script: Script,
}

/// Reads the articles and plans the bulletins, without speaking them
/// (what `build --dry-run` shows). Warnings on the articles go to `observer`.
pub fn plan(options: &BuildOptions, observer: &mut dyn Observer) -> Result<Vec<Bulletin>> {
    planned(options, observer).map(|(bulletins, _)| bulletins)
}

/// An article that could not be read, with the name of the bulletin it
/// would have made, which its failure record takes.
type Unread = (String, Failure);

/// The bulletins to make and, with `--each`, the articles that could not
/// be read that this run records as failed.
fn planned(options: &BuildOptions, observer: &mut dyn Observer) -> Result<(Vec<Bulletin>, Vec<Unread>)> {
    options.check()?;
    let loaded = match &options.output {
        Output::Each(folder) => return each(folder, options, observer),
        _ => article::load(&options.inputs, options.format)?,
    };
    loaded.warnings.iter().for_each(|w| observer.warning(w));
    match &options.output {
        Output::File(path) => Ok((vec![one(Destination::at(path), &loaded.articles, options)], Vec::new())),
        _ => Ok((vec![one(Destination::Stdout, &loaded.articles, options)], Vec::new())),
    }
}

/// One bulletin per article in `folder`, named after its file (see
/// [`resume::names`]), with the failures to record; with a shard, only
/// those of the files it takes. Names and parts come from the inputs'
/// names alone, before any file is read: a shard reads only its own files.
fn each(folder: &Path, options: &BuildOptions, observer: &mut dyn Observer) -> Result<(Vec<Bulletin>, Vec<Unread>)> {
    // A name like "x.mp3" is taken for the file it looks like, not a folder.
    if folder.is_file() || (!folder.is_dir() && Encoding::of(folder).is_some()) {
        let problem = "with --each, -o names a folder (the encoding is chosen with --encoding)";
        return Err(Error::Usage(format!("{}: {problem}", folder.display())));
    }
    let (listed, problems) = article::list(&options.inputs);
    let files: Vec<String> = listed.iter().map(article::Listed::name).collect();
    let names = resume::names(&files.iter().map(|f| resume::stem(f)).collect::<Vec<_>>());
    let (loaded, origins) = article::load_listed(&listed, sharded(&names, options.shard), options.format, problems)?;
    loaded.warnings.iter().for_each(|w| observer.warning(w));
    if loaded.articles.is_empty() && options.shard.is_none() {
        return Err(article::nothing_to_say(&options.inputs, loaded.skipped));
    }
    let name = |at: usize, source: &str| resume::article_name(&names[at], &files[at], source);
    let extension = options.audio.encoding.unwrap_or(Encoding::Wav).extension();
    let mut bulletins = Vec::new();
    for (article, at) in loaded.articles.into_iter().zip(origins.articles) {
        let script = script::script(std::slice::from_ref(&article), &options.script);
        if script.articles().next().is_some() {
            let path = folder.join(format!("{}.{extension}", name(at, &article.source)));
            bulletins.push(Bulletin { destination: Destination::at(&path), script });
        }
    }
    let failed = loaded.failed.into_iter().zip(origins.failed).map(|(f, at)| (name(at, &f.source), f)).collect();
    Ok((bulletins, failed))
}

/// The places of the `names` that `shard` takes (all without one), in
/// their order: one in N of them sorted by name.
fn sharded(names: &[String], shard: Option<Shard>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]).then(a.cmp(&b)));
    let mut taken = crate::shard::taken(order, shard);
    taken.sort_unstable();
    taken
}

/// Refuses, before anything is made, a destination whose encoding cannot be
/// told, one that would overwrite an input or be read as one, and files
/// asked for beside a stream.
fn check_destinations(bulletins: &[Bulletin], options: &BuildOptions) -> Result<()> {
    let sidecars = sidecars(options);
    for bulletin in bulletins {
        output::check_inputs(&bulletin.destination.paths(&sidecars), &options.inputs)?;
        options.audio.encoding_for(&bulletin.destination)?;
        let beside_asked = options.subtitles.is_some() || options.podcast_chapters;
        if let (Destination::Stream(path), true) = (&bulletin.destination, beside_asked) {
            return Err(Error::Usage(format!(
                "{}: not a regular file: the audio is streamed into it, with nothing beside it: drop --subtitles",
                path.display()
            )));
        }
    }
    Ok(())
}

/// The files written beside each bulletin: its manifest, then what is asked.
fn sidecars(options: &BuildOptions) -> Vec<&dyn Sidecar> {
    let mut sidecars: Vec<&dyn Sidecar> = vec![&Json];
    sidecars.extend(options.subtitles.as_ref().map(|s| s as &dyn Sidecar));
    if options.podcast_chapters {
        sidecars.push(&PodcastChapters);
    }
    sidecars
}

fn one(destination: Destination, articles: &[article::Article], options: &BuildOptions) -> Bulletin {
    Bulletin { destination, script: script::script(articles, &options.script) }
}

/// Makes the bulletins `options` asks for and writes them, each with its
/// files beside it. Nothing is written if the destinations cannot be, or
/// if the voice or the music cannot be opened. With `--each`, a bulletin
/// already made from the same input and options is kept (unless `force`),
/// and an article that fails is recorded and told, and the others made.
/// Another thread may stop it part-way through `options.cancel`.
pub fn build(options: &BuildOptions, observer: &mut dyn Observer) -> Result<Report> {
    build_opened(options, observer, &synth::opened)
}

/// [`build`], the voice got from `open` (`serve` keeps voices open).
pub(crate) fn build_opened(options: &BuildOptions, observer: &mut dyn Observer, open: synth::Opener) -> Result<Report> {
    let mut clock = Stopwatch::start();
    let (bulletins, failed) = planned(options, observer)?;
    let sidecars = sidecars(options);
    if !options.warm_cache {
        check_destinations(&bulletins, options)?;
        bulletins.iter().try_for_each(|b| output::check(&b.destination, &sidecars))?;
    }
    clock.lap("read and split");
    options.cancel.check()?;

    let sentences: usize = bulletins.iter().map(|b| b.script.segments().count()).sum();
    let threads = threads(options.jobs);
    let voice_options = VoiceOptions { concurrency: threads.min(sentences).max(1), ..options.voice_options.clone() };
    let encodings = bulletins.iter().map(|b| options.audio.encoding_for(&b.destination)).collect::<Result<Vec<_>>>()?;
    let chosen = |own: u32| options.sample_rate.unwrap_or_else(|| encodings.iter().fold(own, |r, e| e.rate_for(r)));
    crate::catalog::provide(&options.voice, &voice_options, observer)?;
    let engine = synth::voice(open, &options.voice, &voice_options, chosen)?;
    let rate = engine.sample_rate();
    encodings.iter().try_for_each(|e| e.check_rate(rate))?;
    encodings.iter().try_for_each(|e| e.check_bitrate(rate, options.audio.bitrate))?;
    build_with(options, (bulletins, failed), engine, observer, clock)
}

/// The run once the voice is open (the fake engine, in the unit tests):
/// the cache warmed, or each bulletin made unless already made.
fn build_with(
    options: &BuildOptions,
    (bulletins, failed): (Vec<Bulletin>, Vec<Unread>),
    engine: Arc<dyn synth::Engine>,
    observer: &mut dyn Observer,
    mut clock: Stopwatch,
) -> Result<Report> {
    let (sidecars, rate) = (sidecars(options), engine.sample_rate());
    let cache = Arc::new(Cache::new(options.cache.as_deref()));
    let voicing = Voicing::new(&options.master, rate, cache.keeps());
    let (key, kept, again) = (engine.cache_key(), Arc::clone(&cache), Arc::clone(&engine));
    let finish: schedule::Finish<Speech> =
        Arc::new(move |prepared: &str, synthesize: &dyn Fn() -> Result<Vec<f32>>| {
            voicing.make(&kept, &key, prepared, synthesize, Some(&again))
        });
    if options.warm_cache {
        return warm(&bulletins, options, (engine, finish, &cache), observer, clock);
    }
    let music = Music::load(&options.master, rate)?;
    clock.lap("load voice and music");

    let mut report = Report::default();
    let todo = match &options.output {
        Output::Each(folder) => resume(bulletins, failed, folder, options, engine.as_ref(), &mut report)?,
        _ => bulletins.into_iter().map(|b| (b, None)).collect(),
    };
    let spoken = todo.iter().flat_map(|(b, _)| b.script.segments().map(|s| s.spoken.as_str()));
    let mut synthesis = Synthesis::start(engine.clone(), finish, spoken, options.jobs, options.cancel.clone())?;
    observer.started(todo.iter().map(|(b, _)| b.script.segments().count()).sum(), rate);
    let run = Run { options, engine: engine.as_ref(), music: &music, sidecars: &sidecars };
    let mut unlocked_told = std::collections::HashSet::new();
    for (bulletin, digest) in &todo {
        let end = synthesis.position() + bulletin.script.segments().count();
        let made = run.make(bulletin, digest.clone(), &mut synthesis, observer, &mut clock);
        match (made, &options.output) {
            (Ok((written, manifest)), _) => {
                if let Some(folder) = written.unlocked.as_ref().filter(|f| unlocked_told.insert(f.to_path_buf())) {
                    observer.warning(&unlocked(folder));
                }
                report.add(&bulletin.destination, written, &manifest);
            }
            (Err(e), Output::Each(folder)) if !matches!(e, Error::Stopped) => {
                synthesis.skip_to(end);
                let source = sources(bulletin);
                let failure = Failure { reason: format!("{source}: {e}"), source };
                observer.warning(&format!("{} (skipped)", failure.reason));
                resume::record(folder, &record_name(bulletin), &failure)?;
                report.failed.push(failure);
            }
            (Err(e), _) => return Err(e),
        }
    }
    Ok(finished(report, engine.as_ref(), &cache, observer, &clock))
}

/// A run's report completed: the engine's and the cache's warnings told,
/// the cache's counts and the times kept.
fn finished(
    mut report: Report,
    engine: &dyn synth::Engine,
    cache: &Cache,
    observer: &mut dyn Observer,
    clock: &Stopwatch,
) -> Report {
    engine.warnings().iter().chain(&cache.warnings()).for_each(|w| observer.warning(w));
    (report.cache_hits, report.synthesized) = cache.counts();
    report.wall_time = clock.total();
    report.timings = clock.laps.iter().map(|&(stage, d)| (stage, d.as_secs_f64())).collect();
    report
}

/// The warning, once a run, that bulletins were published into `folder`
/// without the lock that keeps each one's files from a single run.
fn unlocked(folder: &Path) -> String {
    format!(
        "{}: the file system refuses locks: bulletins published there without one (a re-run checks each audio against its manifest)",
        folder.display()
    )
}

/// The name of a bulletin of `--each`, which its failure record takes: its
/// audio file's, without the extension.
fn record_name(bulletin: &Bulletin) -> String {
    let file = bulletin.destination.file_name();
    Path::new(&file).file_stem().map_or(file.clone(), |stem| stem.to_string_lossy().into_owned())
}

/// The article files a bulletin reads.
fn sources(bulletin: &Bulletin) -> String {
    let sources: Vec<&str> = bulletin.script.articles().map(|p| p.source.as_str()).collect();
    sources.join(", ")
}

/// With `--each`: the failures recorded, the bulletins already made with
/// the same digest kept (counted in `report`) and their failure records
/// cleared, and the others to make, each with its digest.
fn resume(
    bulletins: Vec<Bulletin>,
    failed: Vec<Unread>,
    folder: &Path,
    options: &BuildOptions,
    engine: &dyn synth::Engine,
    report: &mut Report,
) -> Result<Vec<(Bulletin, Option<String>)>> {
    for (name, failure) in failed {
        resume::record(folder, &name, &failure)?;
        report.failed.push(failure);
    }
    let fingerprint = resume::Fingerprint::of_run(options, engine)?;
    let sidecars = sidecars(options);
    let mut todo = Vec::new();
    for bulletin in bulletins {
        let encoding = options.audio.encoding_for(&bulletin.destination)?;
        let digest = fingerprint.of(&bulletin.script, encoding, &options.audio);
        if !options.force && resume::made(&bulletin.destination.paths(&sidecars), &digest) {
            resume::clear(folder, &record_name(&bulletin))?;
            report.kept.push(bulletin.destination.name());
        } else {
            todo.push((bulletin, Some(digest)));
        }
    }
    Ok(todo)
}

/// Fills the cache with the sentences of `bulletins` that the shard takes
/// (every one without a shard), in order, and writes nothing else.
fn warm(
    bulletins: &[Bulletin],
    options: &BuildOptions,
    (engine, finish, cache): (Arc<dyn synth::Engine>, schedule::Finish<Speech>, &Cache),
    observer: &mut dyn Observer,
    mut clock: Stopwatch,
) -> Result<Report> {
    let spoken = bulletins.iter().flat_map(|b| b.script.segments().map(|s| s.spoken.as_str()));
    let spoken = crate::shard::taken(spoken, options.shard);
    let mut synthesis =
        Synthesis::start(engine.clone(), finish, spoken.iter().copied(), options.jobs, options.cancel.clone())?;
    observer.started(spoken.len(), engine.sample_rate());
    for _ in &spoken {
        let (_, speech) = synthesis.next()?;
        observer.sentence(speech.len());
    }
    clock.lap("synthesize into the cache");
    let report = Report { sentences: spoken.len(), ..Report::default() };
    Ok(finished(report, engine.as_ref(), cache, observer, &clock))
}

/// What every bulletin of a run shares.
struct Run<'a> {
    options: &'a BuildOptions,
    engine: &'a dyn synth::Engine,
    music: &'a Music,
    sidecars: &'a [&'a dyn Sidecar],
}

impl Run<'_> {
    /// Places, masters and writes one bulletin from `synthesis`; its
    /// manifest keeps `digest`. Its failure record, if any, goes.
    fn make(
        &self,
        bulletin: &Bulletin,
        digest: Option<String>,
        synthesis: &mut Synthesis<Speech>,
        observer: &mut dyn Observer,
        clock: &mut Stopwatch,
    ) -> Result<(output::Written, Manifest)> {
        let (options, rate) = (self.options, self.engine.sample_rate());
        let mut master = Master::new(options.master.clone(), rate, self.music)?;
        let placed = schedule::place(&bulletin.script, synthesis, &mut Observed { sink: &mut master, observer })?;
        clock.lap("synthesize and place");
        options.cancel.check()?;
        observer.stage(Stage::Mastering);
        let (mut program, mastered) = master.finish()?;
        if let Some(level) = mastered.loudness.filter(|l| l.integrated < l.target - 0.5) {
            observer.warning(&format!(
                "{}: {} LUFS is out of reach under a true peak of {} dBTP without crushing the speech; the bulletin is at {:.1} LUFS",
                bulletin.destination.name(),
                level.target,
                level.max_true_peak,
                level.integrated
            ));
        }
        clock.lap("fit the loudness");
        let mut manifest = Manifest {
            audio: bulletin.destination.file_name(),
            audio_bytes: None,
            audio_sha256: None,
            engine: self.engine.describe(),
            sample_rate: mastered.sample_rate,
            samples: mastered.samples,
            duration: mastered.samples as f64 / f64::from(mastered.sample_rate),
            loudness: mastered.loudness,
            intro: mastered.intro,
            opening: placed.opening,
            articles: placed.articles,
            closing: placed.closing,
            outro: mastered.outro,
            digest,
        };
        options.cancel.check()?;
        observer.stage(Stage::Writing(bulletin.destination.name()));
        let written = output::write(&bulletin.destination, &options.audio, &mut program, &mut manifest, self.sidecars)?;
        if let Output::Each(folder) = &options.output {
            resume::clear(folder, &record_name(bulletin))?;
        }
        clock.lap("write");
        Ok((written, manifest))
    }
}

impl Report {
    fn add(&mut self, destination: &Destination, written: output::Written, manifest: &Manifest) {
        self.files.push(destination.name());
        self.files.extend(written.beside.iter().map(|p| p.display().to_string()));
        self.cut_short.extend(written.cut_short.map(|bytes| (destination.name(), bytes)));
        self.duration += manifest.duration;
        self.articles += manifest.articles.len();
        self.sentences += manifest.sentences().count();
        self.manifests.push(manifest.clone());
    }
}

/// A sink that tells the observer of each sentence it places.
struct Observed<'a> {
    sink: &'a mut dyn Sink<Speech = Speech>,
    observer: &'a mut dyn Observer,
}

impl Sink for Observed<'_> {
    type Speech = Speech;

    fn sample_rate(&self) -> u32 {
        self.sink.sample_rate()
    }

    fn place(&mut self, speech: Speech, placement: Placement) -> Result<(usize, usize)> {
        self.observer.sentence(speech.len());
        self.sink.place(speech, placement)
    }
}

/// Wall time of each part of a run.
struct Stopwatch {
    laps: Vec<(&'static str, Duration)>,
    last: Instant,
}

impl Stopwatch {
    fn start() -> Self {
        Stopwatch { laps: Vec::new(), last: Instant::now() }
    }

    /// Counts the time since the last lap to `stage`, added up if it has
    /// come before (once per bulletin).
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        match self.laps.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, time)) => *time += now - self.last,
            None => self.laps.push((stage, now - self.last)),
        }
        self.last = now;
    }

    fn total(&self) -> f64 {
        self.laps.iter().map(|(_, d)| d.as_secs_f64()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::fake::Fake;

    /// Three articles of a few sentences in `dir`/in; the second says
    /// `second`.
    fn articles(dir: &Path, second: &str) -> PathBuf {
        let folder = dir.join("in");
        std::fs::create_dir_all(&folder).unwrap();
        let texts = [
            "Premier titre\n\nUne phrase. Une autre phrase. Encore une.",
            second,
            "Troisième titre\n\nLe marché ouvre. Il ferme tard.",
        ];
        for (i, text) in texts.iter().enumerate() {
            std::fs::write(folder.join(format!("{}.txt", i + 1)), text).unwrap();
        }
        folder
    }

    /// Options with the level left as the fake engine makes it (its 10 Hz
    /// are no rate to measure loudness at).
    fn options(input: &Path, output: Output) -> BuildOptions {
        BuildOptions::new([input], output).master(MasterOptions { loudness: None, ..MasterOptions::default() })
    }

    fn run(options: &BuildOptions) -> Report {
        let planned = planned(options, &mut ()).unwrap();
        build_with(options, planned, Arc::new(Fake::new("counting")), &mut (), Stopwatch::start()).unwrap()
    }

    #[test]
    fn a_bulletin_assembled_from_a_cache_warmed_in_shards_is_the_one_made_alone() {
        let dir = tempfile::tempdir().unwrap();
        let input = articles(dir.path(), "Deuxième titre\n\nLa fin. Vraiment la fin.");
        let (alone, shared, cache) =
            (dir.path().join("alone.wav"), dir.path().join("shared.wav"), dir.path().join("c"));
        let made = run(&options(&input, Output::File(alone.clone())));
        let shared_options = options(&input, Output::File(shared.clone())).cache(Some(cache));
        let mut warmed = 0;
        for k in 1..=3 {
            let shard = Some(Shard::new(k, 3).unwrap());
            let report = run(&shared_options.clone().warm_cache(true).shard(shard));
            assert!(report.files.is_empty() && !shared.exists(), "no bulletin from a warm-up");
            assert_eq!(report.synthesized, report.sentences, "each sentence in one shard only");
            warmed += report.sentences;
        }
        assert_eq!(warmed, made.sentences);
        let assembled = run(&shared_options);
        assert_eq!((assembled.cache_hits, assembled.synthesized), (made.sentences, 0));
        assert!(std::fs::read(&alone).unwrap() == std::fs::read(&shared).unwrap(), "byte-identical");
    }

    #[test]
    fn a_cancelled_build_stops_at_once_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("long.txt");
        let text: String = (1..=200).map(|n| format!("Voici la phrase {n}. ")).collect();
        std::fs::write(&input, format!("Un long titre\n\n{text}")).unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let cancel = Cancel::new();
        let options = options(&input, Output::File(out.join("long.wav"))).jobs(2usize).cancel(cancel.clone());
        let planned = planned(&options, &mut ()).unwrap();
        assert!(planned.0[0].script.segments().count() > 200);
        // Five seconds of synthesis on two threads, cancelled after 0.3 s.
        let slow = Arc::new(Fake::slow("slow", Duration::from_millis(50)));
        let cancelling = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            cancel.cancel();
            Instant::now()
        });
        let error = build_with(&options, planned, slow, &mut (), Stopwatch::start()).unwrap_err();
        let after = cancelling.join().unwrap().elapsed();
        assert!(matches!(error, Error::Stopped), "{error}");
        assert!(after < Duration::from_secs(1), "stopped {after:?} after the cancel");
        let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(left.is_empty(), "nothing published, nothing staged: {left:?}");
    }

    #[test]
    fn a_bulletin_of_each_stopped_is_not_recorded_as_failed() {
        let dir = tempfile::tempdir().unwrap();
        let input = articles(dir.path(), "Deuxième titre\n\nLa fin.");
        let (cancel, each) = (Cancel::new(), dir.path().join("each"));
        let options = options(&input, Output::Each(each.clone())).jobs(1usize).cancel(cancel.clone());
        let planned = planned(&options, &mut ()).unwrap();
        cancel.cancel();
        let slow = Arc::new(Fake::slow("slow", Duration::from_millis(50)));
        let error = build_with(&options, planned, slow, &mut (), Stopwatch::start()).unwrap_err();
        assert!(matches!(error, Error::Stopped), "{error}");
        let left: Vec<_> = std::fs::read_dir(&each).into_iter().flatten().map(|e| e.unwrap().file_name()).collect();
        assert!(left.is_empty(), "no bulletin, no failure record: {left:?}");
    }

    #[test]
    fn an_article_that_fails_is_recorded_and_the_others_made_then_it_alone_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let input = articles(dir.path(), "Un titre\n\nIl dit boom. Puis rien.");
        let report = run(&options(&input, Output::Each(out.clone())));
        assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
        let named = format!("{}: ", input.join("2.txt").display());
        let reason = &report.failed[0].reason;
        assert!(reason.starts_with(&named) && reason.contains("cannot say boom"), "{reason}");
        assert!(out.join("2.failed").is_file() && !out.join("2.wav").exists());
        let third = std::fs::read(out.join("3.wav")).unwrap();

        // The bulletin after a failed one starts at its own sentences.
        let alone = dir.path().join("3.wav");
        run(&options(&input.join("3.txt"), Output::File(alone.clone())));
        assert!(std::fs::read(&alone).unwrap() == third);

        articles(dir.path(), "Un titre\n\nIl dit bonjour. Puis rien.");
        let report = run(&options(&input, Output::Each(out.clone())));
        assert_eq!(report.kept.len(), 2, "{:?}", report.kept);
        assert!(report.failed.is_empty() && out.join("2.wav").is_file() && !out.join("2.failed").exists());
        let report = run(&options(&input, Output::Each(out.clone())).force(true));
        assert_eq!((report.kept.len(), report.articles), (0, 3), "--force makes them all");
    }
}
