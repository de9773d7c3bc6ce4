//! Command-line interface: flags defined once with clap, mapped onto library
//! options. No pipeline logic lives here.

use crate::announce::{Announcements, Templates};
use crate::article::{self, Format, Input};
use crate::briefing::{self, Options, PartKind, Pauses, Placement, Script, Sink, Synthesis};
use crate::error::Result;
use crate::master::{Bed, LoudnessTarget, Master, MasterOptions, Music};
use crate::normalize::{Dialect, Lexicon, Normalizer, Options as NormalizeOptions, Spelling};
use crate::output::Destination;
use crate::output::{Json, Sidecar, Subtitles};
use crate::{config, output, split, synth};
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(name = "briefing", version, about = "Turn French news articles into a spoken audio bulletin.")]
#[command(args_override_self = true)]
pub struct Cli {
    /// Config file (default: ./briefing.toml, else briefing.toml in the
    /// config folder); flags given here override it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Speak articles into one WAV bulletin, with a JSON manifest beside it.
    Build(Box<BuildArgs>),
    /// Print exactly what `build` would read, article by article.
    Text(ScriptArgs),
    /// Print the sentences of a text, one per line.
    Split(SplitArgs),
    /// Print a text as it is spoken, one output line per input line.
    Normalize(NormalizeCommand),
    /// Print the phonemes an embedded voice says (IPA, as `espeak-ng --ipa`),
    /// one output line per input line.
    Phonemes(PhonemesArgs),
    /// List the available voices.
    Voices,
}

#[derive(Debug, Args)]
struct ScriptArgs {
    /// Articles: .txt, .md or .json files, folders of them, or - for stdin.
    #[arg(required = true, value_name = "ARTICLE")]
    inputs: Vec<String>,
    /// How the inputs are written.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    format: Format,
    /// Read the text as written, without turning numbers and abbreviations into words.
    #[arg(long)]
    no_normalize: bool,
    #[command(flatten)]
    reading: ReadingArgs,
}

/// How written French is read.
#[derive(Debug, Args)]
struct ReadingArgs {
    /// Regional numbers: fr-BE says septante and nonante, fr-CH also huitante.
    #[arg(long, value_enum, default_value_t = Dialect::France)]
    dialect: Dialect,
    /// Number spelling: traditional ("vingt et un") or 1990 ("vingt-et-un").
    #[arg(long, value_enum, default_value_t = Spelling::Traditional)]
    spelling: Spelling,
    /// Pronunciation lexicon (TOML or JSON: word = "replacement"); default:
    /// lexicon.toml in the briefing config folder, if present.
    #[arg(long, value_name = "FILE")]
    lexicon: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct NormalizeCommand {
    /// A text file, or - for stdin.
    #[arg(default_value = "-", value_name = "FILE")]
    input: String,
    /// After each line, every rewritten span and the rule that rewrote it.
    #[arg(long)]
    explain: bool,
    #[command(flatten)]
    reading: ReadingArgs,
}

impl ReadingArgs {
    fn normalizer(&self) -> Result<Normalizer> {
        let lexicon = match self.lexicon.clone().or_else(Lexicon::default_path) {
            Some(path) => Lexicon::load(&path)?,
            None => Lexicon::default(),
        };
        Ok(Normalizer::new(NormalizeOptions { dialect: self.dialect, spelling: self.spelling }, lexicon))
    }
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    script: ScriptArgs,
    /// The WAV file to write, the manifest beside it as .json; - streams the
    /// WAV to stdout. With --each, the folder for the bulletins.
    /// [default: output/briefing.wav, with --each: output]
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// One bulletin per article, named after its file, in the output folder.
    #[arg(long)]
    each: bool,
    /// Print what would be read instead of speaking it.
    #[arg(long)]
    dry_run: bool,
    /// Report on stderr how long each stage took.
    #[arg(long)]
    timings: bool,
    /// Where synthesized sentences are kept for the next run (default: the
    /// briefing cache folder).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Synthesize every sentence, neither reading nor filling the cache.
    #[arg(long)]
    no_cache: bool,
    /// Print nothing but warnings and errors.
    #[arg(short, long)]
    quiet: bool,
    /// Print a summary on stdout as JSON (files, duration, sentences, cache hits, wall time).
    #[arg(long)]
    json: bool,
    /// Also write subtitles beside the WAV: one cue per sentence.
    #[arg(long, value_enum, value_name = "FORMAT")]
    subtitles: Option<Subtitles>,
    /// Synthesis threads (0: one per core), at most 256.
    #[arg(short, long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=256))]
    jobs: u16,
    /// Voice: a name from `briefing voices`, or a Piper model (voice.onnx,
    /// with voice.onnx.json beside it).
    #[arg(long, default_value = synth::DEFAULT_VOICE)]
    voice: String,
    /// Speaking rate relative to normal (0.5 to 3).
    #[arg(long, default_value_t = 1.0, value_parser = ranged(0.5, 3.0))]
    rate: f32,
    /// Voice pitch, 0 to 100 (50 is the voice's own).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    pitch: u8,
    /// Volume in percent of the voice's own level (0 to 400).
    #[arg(long, default_value_t = 100.0, value_parser = ranged(0.0, 400.0))]
    volume: f32,
    #[command(flatten)]
    pauses: PauseArgs,
    #[command(flatten)]
    sound: SoundArgs,
    #[command(flatten)]
    announce: AnnounceArgs,
    #[command(flatten)]
    piper: PiperArgs,
}

/// How the program sounds once the sentences are made.
#[derive(Debug, Args)]
struct SoundArgs {
    /// Sample rate of the WAV (default: the voice's own).
    #[arg(long, value_name = "HZ", value_parser = parse_rate)]
    sample_rate: Option<u32>,
    /// Integrated loudness of the whole program, LUFS (EBU R128).
    #[arg(long, default_value_t = -16.0, value_name = "LUFS", value_parser = ranged(-40.0, -5.0), allow_negative_numbers = true)]
    loudness: f32,
    /// Highest true peak, dBTP: the loudness gain stays below it.
    #[arg(long, default_value_t = -1.0, value_name = "DBTP", value_parser = ranged(-12.0, 0.0), allow_negative_numbers = true)]
    true_peak: f32,
    /// Keep the level the voice gives (with --volume), no loudness normalization.
    #[arg(long)]
    no_loudness: bool,
    /// A WAV played before the bulletin (any rate, mono or stereo).
    #[arg(long, value_name = "FILE")]
    intro: Option<PathBuf>,
    /// A WAV played after the bulletin.
    #[arg(long, value_name = "FILE")]
    outro: Option<PathBuf>,
    /// Music under the opening announcement (needs --announce): alone at
    /// first, then ducked under the voice, then faded out.
    #[arg(long, value_name = "FILE")]
    bed: Option<PathBuf>,
    /// How far the bed goes down under the voice, dB.
    #[arg(long, default_value_t = 18.0, value_name = "DB", value_parser = ranged(0.0, 60.0))]
    bed_duck: f32,
    /// Seconds of bed alone before the voice starts.
    #[arg(long, default_value_t = 2.0, value_name = "S", value_parser = ranged(0.0, 30.0))]
    bed_lead: f32,
}

/// What is said around the articles; templates are usually set in the config file.
#[derive(Debug, Args)]
struct AnnounceArgs {
    /// Open with the date and the headlines, announce each title, close the bulletin.
    #[arg(long)]
    announce: bool,
    /// The bulletin's date and time: 2026-11-24 or 2026-11-24T14:00 (default: now).
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    date: Option<chrono::NaiveDateTime>,
    /// Opening template: {date}, {time}; empty to leave it out.
    #[arg(long, value_name = "TEXT", default_value = Templates::OPENING)]
    opening_template: String,
    /// Summary template, said when articles have titles: {headlines}, {date}, {time}.
    #[arg(long, value_name = "TEXT", default_value = Templates::SUMMARY)]
    summary_template: String,
    /// How each title is announced: {title}.
    #[arg(long, value_name = "TEXT", default_value = Templates::TITLE)]
    title_template: String,
    /// Closing template: {date}, {time}; empty to leave it out.
    #[arg(long, value_name = "TEXT", default_value = Templates::CLOSING)]
    closing_template: String,
}

const SAMPLE_RATES: [u32; 4] = [22050, 24000, 44100, 48000];

fn parse_rate(text: &str) -> std::result::Result<u32, String> {
    let rates: Vec<String> = SAMPLE_RATES.iter().map(u32::to_string).collect();
    text.parse().ok().filter(|r| SAMPLE_RATES.contains(r)).ok_or_else(|| format!("must be one of {}", rates.join(", ")))
}

fn parse_when(text: &str) -> std::result::Result<chrono::NaiveDateTime, String> {
    let text = text.trim();
    let at_midnight =
        || chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN));
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| at_midnight().ok())
        .ok_or_else(|| format!("{text:?} is not a date like 2026-11-24 or 2026-11-24T14:00"))
}

impl AnnounceArgs {
    fn announcements(&self) -> Result<Option<Announcements>> {
        if !self.announce {
            return Ok(None);
        }
        let templates = Templates {
            opening: self.opening_template.clone(),
            summary: self.summary_template.clone(),
            title: self.title_template.clone(),
            closing: self.closing_template.clone(),
        };
        let when = self.date.unwrap_or_else(|| chrono::Local::now().naive_local());
        Announcements::new(templates, when).map(Some)
    }
}

impl SoundArgs {
    fn master(&self, voice_rate: u32, volume: f32) -> MasterOptions {
        let target = LoudnessTarget { integrated: f64::from(self.loudness), true_peak: f64::from(self.true_peak) };
        MasterOptions {
            sample_rate: self.sample_rate.unwrap_or(voice_rate),
            volume,
            loudness: (!self.no_loudness).then_some(target),
            intro: self.intro.clone(),
            outro: self.outro.clone(),
            bed: self.bed.clone().map(|path| Bed { path, duck: self.bed_duck, lead: self.bed_lead }),
        }
    }
}

/// Settings of Piper voices; by default, the voice's own.
#[derive(Debug, Args)]
struct PiperArgs {
    /// ONNX Runtime library (libonnxruntime.so); default: ORT_DYLIB_PATH,
    /// else where scripts/fetch-onnxruntime.sh puts it.
    #[arg(long, value_name = "PATH")]
    onnxruntime: Option<PathBuf>,
    /// Piper phoneme length: above 1 slower, below 1 faster.
    #[arg(long, value_parser = ranged(0.1, 5.0))]
    length_scale: Option<f32>,
    /// Piper voice variation (0 makes synthesis repeatable).
    #[arg(long, value_parser = ranged(0.0, 2.0))]
    noise_scale: Option<f32>,
    /// Piper phoneme-length variation (0 makes synthesis repeatable).
    #[arg(long, value_parser = ranged(0.0, 2.0))]
    noise_w: Option<f32>,
    /// Speaker of a multi-speaker Piper voice: an id or a name.
    #[arg(long)]
    speaker: Option<String>,
}

impl PiperArgs {
    fn options(&self) -> synth::PiperOptions {
        synth::PiperOptions {
            onnxruntime: self.onnxruntime.clone(),
            length_scale: self.length_scale,
            noise_scale: self.noise_scale,
            noise_w: self.noise_w,
            speaker: self.speaker.clone(),
        }
    }
}

/// Defaults are those of `Pauses::default()`, repeated here for `--help`.
#[derive(Debug, Args)]
struct PauseArgs {
    /// Silence after a sentence, in seconds.
    #[arg(long, default_value_t = 0.4, value_parser = ranged(0.0, 10.0))]
    pause_sentence: f32,
    /// Silence after a paragraph, in seconds.
    #[arg(long, default_value_t = 0.75, value_parser = ranged(0.0, 10.0))]
    pause_paragraph: f32,
    /// Silence after an article's title, in seconds.
    #[arg(long, default_value_t = 0.8, value_parser = ranged(0.0, 10.0))]
    pause_title: f32,
    /// Silence between articles, in seconds.
    #[arg(long, default_value_t = 1.5, value_parser = ranged(0.0, 10.0))]
    pause_article: f32,
}

#[derive(Debug, Args)]
struct PhonemesArgs {
    /// A text file, or - for stdin.
    #[arg(default_value = "-", value_name = "FILE")]
    input: String,
    /// An embedded voice: fr-FR, fr-BE or fr-CH.
    #[arg(long, default_value = synth::DEFAULT_VOICE)]
    voice: String,
    /// Read the text as written, without turning numbers and abbreviations into words.
    #[arg(long)]
    no_normalize: bool,
    #[command(flatten)]
    reading: ReadingArgs,
}

#[derive(Debug, Args)]
struct SplitArgs {
    /// A text file, or - for stdin.
    #[arg(default_value = "-", value_name = "FILE")]
    input: String,
}

fn ranged(min: f32, max: f32) -> impl Fn(&str) -> std::result::Result<f32, String> + Clone {
    move |text| {
        let value: f32 = text.parse().map_err(|_| format!("{text:?} is not a number"))?;
        if (min..=max).contains(&value) {
            Ok(value)
        } else {
            Err(format!("must be between {min} and {max}"))
        }
    }
}

impl PauseArgs {
    fn pauses(&self) -> Pauses {
        Pauses {
            sentence: self.pause_sentence,
            paragraph: self.pause_paragraph,
            title: self.pause_title,
            article: self.pause_article,
        }
    }
}

impl ScriptArgs {
    fn options(&self) -> Result<Options> {
        let normalizer = if self.no_normalize { None } else { Some(self.reading.normalizer()?) };
        Ok(Options { normalizer, ..Options::default() })
    }

    fn load(&self) -> Result<Vec<article::Article>> {
        let inputs: Vec<Input> = self.inputs.iter().map(|i| Input::from(i.as_str())).collect();
        let loaded = article::load(&inputs, self.format)?;
        warn_all(&loaded.warnings);
        Ok(loaded.articles)
    }

    fn script(&self, options: &Options) -> Result<Script> {
        Ok(briefing::script(&self.load()?, options))
    }
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match with_config(std::env::args().collect()) {
        Ok(cli) => cli,
        Err(error) => {
            eprintln!("briefing: error: {error}");
            return ExitCode::from(error.exit_code());
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("briefing: error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

/// Parses the command line with the config file's options placed before
/// the user's own, so that the user's flags win.
fn with_config(args: Vec<String>) -> Result<Cli> {
    let cli = Cli::parse_from(&args);
    let Some(path) = config::find(cli.config.as_deref()) else { return Ok(cli) };
    let command = Cli::command();
    let name = cli.command.name();
    let flags = |sub: &str| {
        let sub = command.find_subcommand(sub)?;
        let long = |a: &clap::Arg| a.get_long().map(|l| (l.to_owned(), a.get_action().takes_values()));
        Some(sub.get_arguments().filter_map(long).filter(|(l, _)| l != "help" && l != "config").collect())
    };
    let from_file = config::arguments(&path, name, flags)?;
    // Right after the command's name (not a --config value that reads the same).
    let is_command = |i: usize| args[i] == name && (i == 0 || args[i - 1] != "--config");
    let at = (0..args.len()).find(|&i| is_command(i)).map_or(args.len(), |i| i + 1);
    let merged: Vec<String> = args[..at].iter().cloned().chain(from_file).chain(args[at..].iter().cloned()).collect();
    Ok(Cli::parse_from(merged))
}

impl Command {
    fn name(&self) -> &'static str {
        match self {
            Command::Build(_) => "build",
            Command::Text(_) => "text",
            Command::Split(_) => "split",
            Command::Normalize(_) => "normalize",
            Command::Phonemes(_) => "phonemes",
            Command::Voices => "voices",
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Build(args) => build(&args),
        Command::Text(args) => print_script(&args.script(&args.options()?)?),
        Command::Split(args) => print_sentences(&args),
        Command::Normalize(args) => print_normalized(&args),
        Command::Phonemes(args) => print_phonemes(&args),
        Command::Voices => {
            print_lines(synth::voices().iter().map(|v| format!("{}\t{}\t{}", v.name, v.engine, v.description)))
        }
    }
}

fn build(args: &BuildArgs) -> Result<()> {
    let mut clock = Stopwatch::start();
    args.check()?;
    let options = Options {
        pauses: args.pauses.pauses(),
        announcements: args.announce.announcements()?,
        ..args.script.options()?
    };
    let articles = args.script.load()?;
    let bulletins = args.bulletins(&articles, &options)?;
    if args.dry_run {
        return bulletins.iter().try_for_each(|(_, script)| print_script(script));
    }
    let mut sidecars: Vec<&dyn Sidecar> = vec![&Json];
    sidecars.extend(args.subtitles.as_ref().map(|s| s as &dyn Sidecar));
    bulletins.iter().try_for_each(|(destination, _)| output::check(destination, &sidecars))?;
    clock.lap("read and split");
    let sentences: usize = bulletins.iter().map(|(_, s)| s.segments().count()).sum();
    let threads = match usize::from(args.jobs) {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        jobs => jobs,
    };
    let voice = synth::VoiceOptions {
        rate: args.rate,
        pitch: args.pitch,
        concurrency: threads.min(sentences).max(1),
        piper: args.piper.options(),
    };
    let cache_dir = args.cache_dir.clone().unwrap_or_else(synth::default_cache_dir);
    let cache = (!args.no_cache).then_some(cache_dir.as_path());
    let voice = synth::Voice::open(&args.voice, &voice, cache, args.sound.sample_rate)?;
    let engine = Arc::clone(&voice.engine);
    let master = args.sound.master(engine.sample_rate(), args.volume / 100.0);
    let music = Music::load(&master)?;
    clock.lap("load voice and music");

    let spoken = bulletins.iter().flat_map(|(_, s)| s.segments().map(|s| s.spoken.as_str()));
    let mut synthesis = Synthesis::start(engine.clone(), spoken, usize::from(args.jobs))?;
    let progress = Progress::new(sentences, engine.sample_rate(), args.quiet || args.json);
    let mut written = Written::default();
    for (destination, script) in &bulletins {
        let mut master = Master::new(master.clone(), &music)?;
        let mut manifest =
            briefing::render(script, &mut synthesis, &mut Tracked { sink: &mut master, progress: &progress })?;
        progress.stage("mastering: loudness and peaks");
        let mut program = master.finish(&mut manifest)?;
        progress.stage(&format!("writing {}", destination.name()));
        let beside = output::write(destination, &mut program, &mut manifest, &sidecars)?;
        written.add(destination, beside, &manifest);
    }
    progress.finish();
    clock.lap("synthesize and write");
    warn_all(&engine.warnings());
    if args.timings {
        eprint!("{}", clock.report());
    }
    let (cache_hits, synthesized) = voice.counts();
    if args.json {
        print_lines([written.summary(cache_hits, synthesized, clock.total()).to_string()])?;
    } else if !args.quiet {
        eprintln!(
            "briefing: wrote {} ({:.1} s, {}, {}, {} from the cache)",
            written.files.join(", "),
            written.duration,
            count(written.articles, "article"),
            count(written.sentences, "sentence"),
            cache_hits,
        );
    }
    Ok(())
}

impl BuildArgs {
    /// Options that cannot go together.
    fn check(&self) -> Result<()> {
        let stdout = self.output.as_deref() == Some(Path::new("-"));
        let conflict = if stdout && self.each {
            Some("-o - writes one WAV to stdout: it cannot take --each")
        } else if stdout && self.subtitles.is_some() {
            Some("-o - writes no file beside the WAV: drop --subtitles")
        } else if stdout && self.json {
            Some("-o - puts the WAV on stdout: it cannot take --json")
        } else if self.sound.bed.is_some() && !self.announce.announce {
            Some("--bed plays under the opening announcement: add --announce")
        } else {
            None
        };
        conflict.map_or(Ok(()), |c| Err(crate::Error::Usage(c.into())))
    }

    /// Where each bulletin goes and what it says: all the articles in one,
    /// or with --each one per article.
    fn bulletins(&self, articles: &[article::Article], options: &Options) -> Result<Vec<(Destination, Script)>> {
        if !self.each {
            let output = self.output.clone().unwrap_or_else(|| PathBuf::from("output/briefing.wav"));
            let destination = if output == Path::new("-") { Destination::Stdout } else { Destination::File(output) };
            return Ok(vec![(destination, briefing::script(articles, options))]);
        }
        let folder = self.output.clone().unwrap_or_else(|| PathBuf::from("output"));
        if folder.is_file() {
            return Err(crate::Error::output(folder.display().to_string(), "with --each, -o names a folder"));
        }
        let mut taken = std::collections::HashSet::new();
        let mut bulletins = Vec::new();
        for article in articles {
            let script = briefing::script(std::slice::from_ref(article), options);
            if script.articles().next().is_none() {
                continue;
            }
            let stem = Path::new(&article.source).file_stem().map(|s| s.to_string_lossy().into_owned());
            let stem = stem.filter(|s| !s.is_empty() && s != "-").unwrap_or_else(|| "stdin".into());
            let name = (1..)
                .map(|n| if n == 1 { stem.clone() } else { format!("{stem}-{n}") })
                .find(|n| taken.insert(n.clone()));
            let path = folder.join(format!("{}.wav", name.expect("a free name")));
            bulletins.push((Destination::File(path), script));
        }
        Ok(bulletins)
    }
}

/// What a run wrote, for the closing line or the --json summary.
#[derive(Default)]
struct Written {
    files: Vec<String>,
    duration: f64,
    articles: usize,
    sentences: usize,
}

impl Written {
    fn add(&mut self, destination: &Destination, beside: Vec<PathBuf>, manifest: &briefing::Manifest) {
        self.files.push(destination.name());
        self.files.extend(beside.iter().map(|p| p.display().to_string()));
        self.duration += manifest.duration;
        self.articles += manifest.articles.len();
        self.sentences += manifest.sentences().count();
    }

    fn summary(&self, cache_hits: usize, synthesized: usize, wall_time: f64) -> serde_json::Value {
        serde_json::json!({
            "files": self.files,
            "duration": self.duration,
            "articles": self.articles,
            "sentences": self.sentences,
            "cache_hits": cache_hits,
            "synthesized": synthesized,
            "wall_time": wall_time,
        })
    }
}

/// A sink that moves the progress bar on as sentences are placed.
struct Tracked<'a> {
    sink: &'a mut dyn Sink,
    progress: &'a Progress,
}

impl Sink for Tracked<'_> {
    fn sample_rate(&self) -> u32 {
        self.sink.sample_rate()
    }

    fn place(&mut self, speech: Vec<f32>, placement: Placement) -> Result<(usize, usize)> {
        self.progress.sentence(speech.len());
        self.sink.place(speech, placement)
    }
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A progress bar on stderr: sentences done, audio made, time left. Drawn
/// only on a terminal, and never with `--quiet` or `--json`.
struct Progress {
    bar: indicatif::ProgressBar,
    sample_rate: u32,
    samples: std::cell::Cell<usize>,
    /// Showing a stage after synthesis rather than the sentence count.
    in_stage: std::cell::Cell<bool>,
}

impl Progress {
    fn new(sentences: usize, sample_rate: u32, hidden: bool) -> Self {
        let target =
            if hidden { indicatif::ProgressDrawTarget::hidden() } else { indicatif::ProgressDrawTarget::stderr() };
        Self::drawn_on(target, sentences, sample_rate)
    }

    fn drawn_on(target: indicatif::ProgressDrawTarget, sentences: usize, sample_rate: u32) -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(Some(sentences as u64), target);
        bar.set_style(Self::sentences_style());
        let (samples, in_stage) = (std::cell::Cell::new(0), std::cell::Cell::new(false));
        Progress { bar, sample_rate, samples, in_stage }
    }

    fn sentences_style() -> indicatif::ProgressStyle {
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} sentences, {msg} of audio, {eta} left")
            .expect("a valid template")
    }

    fn sentence(&self, samples: usize) {
        if self.in_stage.replace(false) {
            self.bar.disable_steady_tick();
            self.bar.set_style(Self::sentences_style());
        }
        self.samples.set(self.samples.get() + samples);
        self.bar.set_message(format!("{:.0} s", self.samples.get() as f64 / f64::from(self.sample_rate)));
        self.bar.inc(1);
    }

    /// A stage after synthesis (mastering, writing), which can take most of
    /// a long run: shown with a spinner and the time it has taken.
    fn stage(&self, what: &str) {
        if !self.in_stage.replace(true) {
            let style = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed} so far)")
                .expect("a valid template");
            self.bar.set_style(style);
            self.bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        self.bar.set_message(what.to_owned());
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Wall time of each stage, for `--timings`.
struct Stopwatch {
    laps: Vec<(&'static str, std::time::Duration)>,
    last: std::time::Instant,
}

impl Stopwatch {
    fn start() -> Self {
        Stopwatch { laps: Vec::new(), last: std::time::Instant::now() }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }

    fn total(&self) -> f64 {
        self.laps.iter().map(|(_, d)| d.as_secs_f64()).sum()
    }

    fn report(&self) -> String {
        let total: f64 = self.laps.iter().map(|(_, d)| d.as_secs_f64()).sum();
        let line = |(stage, d): &(&str, std::time::Duration)| {
            let share = 100.0 * d.as_secs_f64() / total.max(f64::EPSILON);
            format!("briefing: timing: {stage:<24} {:>8.3} s {share:>5.1} %\n", d.as_secs_f64())
        };
        self.laps.iter().map(line).collect()
    }
}

fn print_script(script: &Script) -> Result<()> {
    let mut lines = Vec::new();
    for part in &script.parts {
        let heading = match part.kind {
            PartKind::Opening => "(opening)",
            PartKind::Article => &part.source,
            PartKind::Closing => "(closing)",
        };
        lines.push(format!("== {heading} =="));
        let mut previous: Option<(briefing::SegmentKind, Option<usize>)> = None;
        for segment in &part.segments {
            let block = (segment.kind, segment.paragraph);
            if previous.is_some_and(|p| p != block) {
                lines.push(String::new());
            }
            previous = Some(block);
            lines.push(segment.spoken.clone());
        }
        lines.push(String::new());
    }
    print_lines(lines)
}

fn print_sentences(args: &SplitArgs) -> Result<()> {
    let (text, warnings) = article::read_text(&Input::from(args.input.as_str()))?;
    warn_all(&warnings);
    print_lines(article::paragraphs(&text).iter().flat_map(|p| split::sentences(p)))
}

fn print_normalized(args: &NormalizeCommand) -> Result<()> {
    let normalizer = args.reading.normalizer()?;
    let (text, warnings) = article::read_text(&Input::from(args.input.as_str()))?;
    warn_all(&warnings);
    if !args.explain {
        return print_lines(text.lines().map(|line| normalizer.normalize(line)));
    }
    print_lines(text.lines().map(|line| {
        let (said, rewrites) = normalizer.explain(line);
        let spans = rewrites.iter().map(|r| format!("\n  {} → {} [{}]", r.written, r.spoken, r.rule));
        said + &spans.collect::<String>()
    }))
}

fn print_phonemes(args: &PhonemesArgs) -> Result<()> {
    let normalizer = if args.no_normalize { None } else { Some(args.reading.normalizer()?) };
    let voice = synth::VoicePhonemes::open(&args.voice)?;
    let (text, warnings) = article::read_text(&Input::from(args.input.as_str()))?;
    warn_all(&warnings);
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let sentences = split::sentences(line).into_iter().map(|sentence| match &normalizer {
                Some(normalizer) => voice.sentence(&normalizer.normalize(&sentence)),
                None => voice.sentence(&sentence),
            });
            Ok(sentences.collect::<Result<Vec<_>>>()?.join(" "))
        })
        .collect::<Result<_>>()?;
    print_lines(lines)
}

fn warn_all(warnings: &[String]) {
    for warning in warnings {
        eprintln!("briefing: warning: {warning}");
    }
}

/// Prints to stdout; a closed pipe (`| head`) ends output quietly.
fn print_lines(lines: impl IntoIterator<Item = String>) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = lines.into_iter().try_for_each(|line| writeln!(out, "{line}")).and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(crate::Error::output("stdout", e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_the_stages_after_synthesis() {
        let term = indicatif::InMemoryTerm::new(4, 100);
        let progress = Progress::drawn_on(indicatif::ProgressDrawTarget::term_like(Box::new(term.clone())), 2, 10);
        progress.sentence(20);
        progress.bar.tick();
        assert!(term.contents().contains("1/2 sentences, 2 s of audio"), "{}", term.contents());
        progress.stage("mastering: loudness and peaks");
        progress.bar.tick();
        assert!(term.contents().contains("mastering: loudness and peaks"), "{}", term.contents());
        progress.stage("writing out.wav");
        progress.bar.tick();
        assert!(term.contents().contains("writing out.wav"), "{}", term.contents());
        progress.sentence(10);
        progress.bar.tick();
        assert!(term.contents().contains("2/2 sentences, 3 s of audio"), "{}", term.contents());
    }

    #[test]
    fn flags_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn pause_flag_defaults_match_the_library() {
        let cli = Cli::parse_from(["briefing", "build", "a.txt"]);
        let Command::Build(args) = cli.command else { panic!("build expected") };
        assert_eq!(args.pauses.pauses(), Pauses::default());
        assert_eq!(args.script.options().unwrap(), Options::default());
    }
}
