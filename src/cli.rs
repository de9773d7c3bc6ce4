//! Command-line interface: flags defined once with clap, mapped onto library
//! options. No pipeline logic lives here.

use crate::article::{self, Format, Input};
use crate::briefing::{self, Options, Pauses, Script};
use crate::error::Result;
use crate::normalize::{Dialect, Lexicon, Normalizer, Options as NormalizeOptions, Spelling};
use crate::output::{Json, Sidecar, Subtitles};
use crate::synth::Engine;
use crate::{config, output, split, synth};
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

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
    Build(BuildArgs),
    /// Print exactly what `build` would read, article by article.
    Text(ScriptArgs),
    /// Print the sentences of a text, one per line.
    Split(SplitArgs),
    /// Print a text as it is spoken, one output line per input line.
    Normalize(NormalizeCommand),
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
    /// Longest sentence sent to the voice, in characters; longer ones are cut at clause boundaries.
    #[arg(long, default_value_t = split::DEFAULT_MAX_CHARS as u16, value_parser = clap::value_parser!(u16).range(40..))]
    max_sentence_chars: u16,
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
    /// The WAV file to write; the manifest goes beside it with a .json extension.
    #[arg(short, long, default_value = "output/briefing.wav")]
    output: PathBuf,
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
    /// Synthesis threads (0: one per core).
    #[arg(short, long, default_value_t = 0)]
    jobs: usize,
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
    piper: PiperArgs,
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
struct SplitArgs {
    /// A text file, or - for stdin.
    #[arg(default_value = "-", value_name = "FILE")]
    input: String,
    /// Longest sentence, in characters; longer ones are cut at clause boundaries.
    #[arg(long, default_value_t = split::DEFAULT_MAX_CHARS as u16, value_parser = clap::value_parser!(u16).range(40..))]
    max_sentence_chars: u16,
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
        Ok(Options { max_sentence_chars: usize::from(self.max_sentence_chars), normalizer, ..Options::default() })
    }

    fn script(&self, options: &Options) -> Result<Script> {
        let inputs: Vec<Input> = self.inputs.iter().map(|i| Input::from(i.as_str())).collect();
        let loaded = article::load(&inputs, self.format)?;
        warn_all(&loaded.warnings);
        Ok(briefing::script(&loaded.articles, options))
    }
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match with_config(std::env::args().collect()) {
        Ok(cli) => cli,
        Err(error) => {
            eprintln!("briefing: error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("briefing: error: {error}");
            ExitCode::FAILURE
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
        Command::Voices => {
            print_lines(synth::voices().iter().map(|v| format!("{}\t{}\t{}", v.name, v.engine, v.description)))
        }
    }
}

fn build(args: &BuildArgs) -> Result<()> {
    let options =
        Options { pauses: args.pauses.pauses(), gain: args.volume / 100.0, jobs: args.jobs, ..args.script.options()? };
    let mut clock = Stopwatch::start();
    let script = args.script.script(&options)?;
    if args.dry_run {
        return print_script(&script);
    }
    clock.lap("read and split");
    let sentences: usize = script.articles.iter().map(|a| a.segments.len()).sum();
    let threads = if args.jobs == 0 { std::thread::available_parallelism().map_or(1, usize::from) } else { args.jobs };
    let voice = synth::VoiceOptions {
        rate: args.rate,
        pitch: args.pitch,
        concurrency: threads.min(sentences).max(1),
        piper: args.piper.options(),
    };
    let cache_dir = args.cache_dir.clone().unwrap_or_else(synth::default_cache_dir);
    let engine = synth::Cached::new(synth::open(&args.voice, &voice)?, (!args.no_cache).then_some(cache_dir.as_path()));
    clock.lap("load voice");
    let mut sidecars: Vec<&dyn Sidecar> = vec![&Json];
    if let Some(subtitles) = &args.subtitles {
        sidecars.push(subtitles);
    }
    let progress = Progress::new(sentences, engine.sample_rate(), args.quiet || args.json);
    let (manifest, written) = output::write(&args.output, engine.sample_rate(), &sidecars, |sink| {
        let mut sink = |pcm: &[i16]| {
            progress.sentence(pcm.len());
            sink(pcm)
        };
        let manifest = briefing::render(&script, &engine, &options, &mut sink);
        progress.finish();
        clock.lap("synthesize and stream");
        manifest
    })?;
    clock.lap("finish files");
    warn_all(&engine.warnings());
    if args.timings {
        eprint!("{}", clock.report());
    }
    let (cache_hits, synthesized) = engine.counts();
    let files: Vec<String> = std::iter::once(&args.output).chain(&written).map(|p| p.display().to_string()).collect();
    let sentences_made: usize = manifest.articles.iter().map(|a| a.sentences.len()).sum();
    if args.json {
        let summary = serde_json::json!({
            "files": files,
            "duration": manifest.duration,
            "articles": manifest.articles.len(),
            "sentences": sentences_made,
            "cache_hits": cache_hits,
            "synthesized": synthesized,
            "wall_time": clock.total(),
        });
        print_lines([summary.to_string()])?;
    } else if !args.quiet {
        eprintln!(
            "briefing: wrote {} ({:.1} s, {}, {}, {} from the cache) and {}",
            files[0],
            manifest.duration,
            count(manifest.articles.len(), "article"),
            count(sentences_made, "sentence"),
            cache_hits,
            files[1..].join(", ")
        );
    }
    Ok(())
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
}

impl Progress {
    fn new(sentences: usize, sample_rate: u32, hidden: bool) -> Self {
        let bar = if hidden {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::with_draw_target(Some(sentences as u64), indicatif::ProgressDrawTarget::stderr())
        };
        let style =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} sentences, {msg} of audio, {eta} left")
                .expect("a valid template");
        bar.set_style(style);
        Progress { bar, sample_rate, samples: std::cell::Cell::new(0) }
    }

    fn sentence(&self, samples: usize) {
        self.samples.set(self.samples.get() + samples);
        self.bar.set_message(format!("{:.0} s", self.samples.get() as f64 / f64::from(self.sample_rate)));
        self.bar.inc(1);
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
    for article in &script.articles {
        lines.push(format!("== {} ==", article.source));
        let mut previous: Option<(briefing::SegmentKind, Option<usize>)> = None;
        for segment in &article.segments {
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
    let max = usize::from(args.max_sentence_chars);
    let sentences = article::paragraphs(&text)
        .iter()
        .flat_map(|p| split::sentences(p))
        .flat_map(|s| split::cut_long(&s, max))
        .collect::<Vec<_>>();
    print_lines(sentences)
}

fn print_normalized(args: &NormalizeCommand) -> Result<()> {
    let normalizer = args.reading.normalizer()?;
    let (text, warnings) = article::read_text(&Input::from(args.input.as_str()))?;
    warn_all(&warnings);
    print_lines(text.lines().map(|line| normalizer.normalize(line)))
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
