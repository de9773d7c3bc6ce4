//! The command line: parses flags and the config file into library
//! options, runs one library call per command, and prints what it returns.
//! No pipeline logic lives here.

mod args;
mod config;
mod progress;
#[cfg(any(feature = "playback", feature = "os-voice"))]
mod terminal;
mod voices;

use args::{
    BuildArgs, CacheAction, CacheArgs, Cli, Command, GatherArgs, NormalizeCommand, PhonemesArgs, PodcastArgs,
    SpeakArgs, SplitArgs,
};
use briefing::{Error, Input, Observer, PartKind, Result, Script, SegmentKind};
use progress::Progress;
use std::io::Write;
use std::process::ExitCode;

/// Puts the terminal back as it was, should a signal end the run while
/// `speak` reads keys.
pub fn restore_terminal() {
    #[cfg(any(feature = "playback", feature = "os-voice"))]
    terminal::restore();
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    match config::parse(std::env::args_os().collect()).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("briefing: error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Build(args) => build(&args),
        Command::Podcast(args) => podcast(&args),
        Command::Speak(args) => speak(&args),
        Command::Text(args) => {
            let bulletins = briefing::plan(&args.options(briefing::DEFAULT_VOICE)?, &mut Warnings)?;
            bulletins.iter().try_for_each(|b| print_script(&b.script))
        }
        Command::Split(args) => print_sentences(&args),
        Command::Normalize(args) => print_normalized(&args),
        Command::Phonemes(args) => print_phonemes(&args),
        Command::Voices(args) => voices::run(&args),
        Command::Cache(args) => cache(&args),
        Command::Gather(args) => gather(&args),
    }
}

/// `briefing gather`: the index written, the totals told, every failure
/// listed (and then an error, so that a batch's last step fails).
fn gather(args: &GatherArgs) -> Result<()> {
    let index = briefing::gather(&args.folder)?;
    if args.json {
        print_lines([serde_json::to_string(&index).expect("an index serializes")])?;
    }
    let totals = &index.totals;
    eprintln!(
        "briefing: {} ({:.1} s, {}) and {} in {}",
        count(totals.bulletins, "bulletin"),
        totals.duration,
        size(totals.bytes),
        count(totals.failures, "failure"),
        args.folder.join("index.json").display()
    );
    for failure in &index.failures {
        eprintln!("briefing: failed: {}", failure.reason);
    }
    match totals.failures {
        0 => Ok(()),
        n => Err(Error::input(args.folder.display().to_string(), format!("{} failed", count(n, "article")))),
    }
}

/// `briefing cache stats` and `briefing cache prune`.
fn cache(args: &CacheArgs) -> Result<()> {
    let folder = args.folder();
    let shown = folder.display().to_string();
    match &args.action {
        CacheAction::Stats { json } => print_stats(&shown, &briefing::cache_stats(&folder)?, *json),
        CacheAction::Prune(prune) => {
            let pruned = briefing::prune_cache(&folder, prune.limits()?)?;
            let (removed, left) = (&pruned.removed, &pruned.left);
            if prune.json {
                let (removed, left) = (stats_json(removed), stats_json(left));
                return print_lines([
                    serde_json::json!({ "folder": shown, "removed": removed, "left": left }).to_string()
                ]);
            }
            eprintln!(
                "briefing: removed from {shown}: {} entries ({}); left: {} entries ({})",
                removed.entries,
                size(removed.bytes),
                left.entries,
                size(left.bytes)
            );
            Ok(())
        }
    }
}

/// What the cache in `folder` holds, one line each, or as JSON.
fn print_stats(folder: &str, stats: &briefing::CacheStats, json: bool) -> Result<()> {
    if json {
        let mut json = stats_json(stats);
        json["folder"] = folder.into();
        return print_lines([json.to_string()]);
    }
    let when = |t: Option<std::time::SystemTime>| {
        t.map_or("-".into(), |t| chrono::DateTime::<chrono::Local>::from(t).format("%Y-%m-%d %H:%M").to_string())
    };
    print_lines([
        format!("folder   {folder}"),
        format!("entries  {}", stats.entries),
        format!("size     {}", size(stats.bytes)),
        format!("oldest   {} (last use)", when(stats.oldest)),
        format!("newest   {} (last use)", when(stats.newest)),
    ])
}

/// Stats as JSON: times in RFC 3339, UTC.
fn stats_json(stats: &briefing::CacheStats) -> serde_json::Value {
    let when = |t: Option<std::time::SystemTime>| {
        t.map(|t| chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    serde_json::json!({
        "entries": stats.entries,
        "bytes": stats.bytes,
        "oldest_use": when(stats.oldest),
        "newest_use": when(stats.newest),
    })
}

/// A size as `--max-size` takes it: K, M and G are 1024, 1024², 1024³.
fn size(bytes: u64) -> String {
    let units = [(1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")];
    match units.iter().find(|(unit, _)| bytes >= *unit) {
        Some((unit, letter)) => format!("{:.1}{letter}", bytes as f64 / *unit as f64),
        None => format!("{bytes} bytes"),
    }
}

/// An observer that only prints the warnings.
struct Warnings;

impl Observer for Warnings {
    fn warning(&mut self, message: &str) {
        warn(message);
    }
}

fn build(args: &BuildArgs) -> Result<()> {
    let options = args.options()?;
    if args.dry_run {
        let bulletins = briefing::plan(&options, &mut Warnings)?;
        return bulletins.iter().try_for_each(|b| print_script(&b.script));
    }
    let (quiet, json) = (args.bulletin.quiet, args.bulletin.json);
    let mut progress = Progress::new(quiet || json);
    let report = briefing::build(&options, &mut progress);
    progress.finish();
    let report = report?;
    if args.timings {
        for (stage, seconds) in &report.timings {
            let share = 100.0 * seconds / report.wall_time.max(f64::EPSILON);
            eprintln!("briefing: timing: {stage:<24} {seconds:>8.3} s {share:>5.1} %");
        }
    }
    if json {
        let json = serde_json::to_string(&report).expect("a report serializes");
        print_lines([json])
    } else {
        for (name, bytes) in &report.cut_short {
            warn(&format!("{name}: the reader stopped after {bytes} bytes; the rest of the bulletin was dropped"));
        }
        if !quiet && args.warm_cache {
            eprintln!(
                "briefing: the cache holds {} ({} already there, {} synthesized)",
                count(report.sentences, "sentence"),
                report.cache_hits,
                report.synthesized
            );
        } else if !quiet && report.cut_short.is_empty() && !report.files.is_empty() {
            eprintln!(
                "briefing: wrote {} ({:.1} s, {}, {}, {} from the cache)",
                report.files.join(", "),
                report.duration,
                count(report.articles, "article"),
                count(report.sentences, "sentence"),
                report.cache_hits,
            );
        }
        if !quiet && !report.kept.is_empty() {
            eprintln!("briefing: kept {} made from the same input and options", count(report.kept.len(), "bulletin"));
        }
        Ok(())
    }
}

fn podcast(args: &PodcastArgs) -> Result<()> {
    let (podcast, options) = args.options()?;
    let mut progress = Progress::new(args.bulletin.quiet || args.bulletin.json);
    let report = briefing::podcast::publish(&podcast, &options, &mut progress);
    progress.finish();
    let report = report?;
    if args.bulletin.json {
        print_lines([serde_json::to_string(&report).expect("a report serializes")])
    } else {
        if !args.bulletin.quiet {
            eprintln!(
                "briefing: published {} ({:.1} s) in {}",
                report.files.join(", "),
                report.duration,
                podcast.folder.join("feed.xml").display()
            );
        }
        Ok(())
    }
}

/// `briefing speak`: through the sound card, or with `--voice os` the
/// system's voice.
#[cfg(any(feature = "playback", feature = "os-voice"))]
fn speak(args: &SpeakArgs) -> Result<()> {
    let options = args.bulletin.options()?;
    let keys = terminal::Keys::start();
    let mut shown = terminal::Shown { quiet: args.bulletin.quiet || args.bulletin.json, raw: keys.is_raw() };
    let report = match briefing::system_voice(&options.voice) {
        Some(name) => speak_with_system(&options, name, &keys, &mut shown),
        None => speak_through_device(&options, &keys, &mut shown),
    };
    drop(keys);
    let report = report?;
    if args.bulletin.json {
        return print_lines([serde_json::to_string(&report).expect("a report serializes")]);
    }
    if !args.bulletin.quiet {
        eprintln!("briefing: spoke {} ({:.1} s)", count(report.sentences, "sentence"), report.seconds_played);
    }
    Ok(())
}

#[cfg(feature = "os-voice")]
fn speak_with_system(
    options: &briefing::BuildOptions,
    name: Option<&str>,
    keys: &terminal::Keys,
    shown: &mut terminal::Shown,
) -> Result<briefing::speak::SpeakReport> {
    let mut voice = briefing::speak::system::SystemVoice::open(name)?;
    briefing::speak::speak_with_system(options, &mut voice, keys.commands(), shown)
}

#[cfg(all(feature = "playback", not(feature = "os-voice")))]
fn speak_with_system(
    _: &briefing::BuildOptions,
    _: Option<&str>,
    _: &terminal::Keys,
    _: &mut terminal::Shown,
) -> Result<briefing::speak::SpeakReport> {
    Err(briefing::speak::unavailable("os-voice"))
}

#[cfg(feature = "playback")]
fn speak_through_device(
    options: &briefing::BuildOptions,
    keys: &terminal::Keys,
    shown: &mut terminal::Shown,
) -> Result<briefing::speak::SpeakReport> {
    let mut device = briefing::speak::device::Device::open()?;
    briefing::speak::speak(options, &mut device, keys.commands(), shown)
}

#[cfg(all(feature = "os-voice", not(feature = "playback")))]
fn speak_through_device(
    _: &briefing::BuildOptions,
    _: &terminal::Keys,
    _: &mut terminal::Shown,
) -> Result<briefing::speak::SpeakReport> {
    Err(briefing::speak::unavailable("playback"))
}

#[cfg(not(any(feature = "playback", feature = "os-voice")))]
fn speak(args: &SpeakArgs) -> Result<()> {
    let options = args.bulletin.options()?;
    let feature = if briefing::system_voice(&options.voice).is_some() { "os-voice" } else { "playback" };
    Err(briefing::speak::unavailable(feature))
}

/// The system's French voices, when the `os-voice` feature is on.
#[cfg(feature = "os-voice")]
fn system_voices() -> Result<()> {
    match briefing::speak::system::french_voices() {
        Ok(voices) => print_lines(voices.iter().map(|(name, language)| format!("os:{name}\tos\t{language}"))),
        Err(e) => {
            warn(&format!("the system's voices: {e}"));
            Ok(())
        }
    }
}

#[cfg(not(feature = "os-voice"))]
fn system_voices() -> Result<()> {
    Ok(())
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn print_script(script: &Script) -> Result<()> {
    let mut lines = Vec::new();
    for part in &script.parts {
        let heading = match part.kind {
            PartKind::Opening => "(opening)",
            PartKind::Article => &briefing::shown(&part.source),
            PartKind::Closing => "(closing)",
        };
        lines.push(format!("== {heading} =="));
        let mut previous: Option<(SegmentKind, Option<usize>)> = None;
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
    let (text, warnings) = briefing::read_text(&Input::from(args.input.as_str()))?;
    warnings.iter().for_each(|w| warn(w));
    print_lines(briefing::paragraphs(&text).iter().flat_map(|p| briefing::sentences(p)))
}

fn print_normalized(args: &NormalizeCommand) -> Result<()> {
    let normalizer = args.reading.normalizer(briefing::DEFAULT_VOICE)?;
    let (text, warnings) = briefing::read_text(&Input::from(args.input.as_str()))?;
    warnings.iter().for_each(|w| warn(w));
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
    let normalizer = if args.no_normalize { None } else { Some(args.reading.normalizer(&args.voice)?) };
    let voice = briefing::VoicePhonemes::open(&args.voice)?;
    let (text, warnings) = briefing::read_text(&Input::from(args.input.as_str()))?;
    warnings.iter().for_each(|w| warn(w));
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let sentences = briefing::sentences(line).into_iter().map(|sentence| match &normalizer {
                Some(normalizer) => voice.sentence(&normalizer.normalize(&sentence)),
                None => voice.sentence(&sentence),
            });
            Ok(sentences.collect::<Result<Vec<_>>>()?.join(" "))
        })
        .collect::<Result<_>>()?;
    print_lines(lines)
}

/// A warning on stderr, on its own line: a name in it cannot break the
/// line or drive the terminal.
pub(crate) fn warn(message: &str) {
    eprintln!("briefing: warning: {}", briefing::shown(message));
}

/// Prints to stdout; a closed pipe (`| head`) ends output quietly.
fn print_lines(lines: impl IntoIterator<Item = String>) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = lines.into_iter().try_for_each(|line| writeln!(out, "{line}")).and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::output("stdout", e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use briefing::{Pauses, ScriptOptions as Options};
    use clap::{CommandFactory, Parser};

    #[test]
    fn flags_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn pause_flag_defaults_match_the_library() {
        let cli = Cli::parse_from(["briefing", "build", "a.txt"]);
        let Command::Build(args) = cli.command else { panic!("build expected") };
        assert_eq!(args.bulletin.pauses.pauses(), Pauses::default());
        assert_eq!(args.options().unwrap().script, Options::default());
    }
}
