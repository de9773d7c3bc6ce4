//! Speaking a bulletin aloud as it is made: the same plan as `build`
//! (reading, splitting, normalizing, announcements, pauses), synthesized in
//! parallel and handed in order to a [`Player`] (the sound card, with the
//! `playback` feature) while later sentences are still being made. The
//! listener can pause, skip to the next article, go back one, or stop.

#[cfg(feature = "playback")]
pub mod device;
mod level;
#[cfg(feature = "os-voice")]
pub mod system;

use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::pipeline::{plan, BuildOptions, Observer};
use crate::schedule::{Finish, Synthesis};
use crate::script::Segment;
use crate::synth::{self, VoiceOptions};
use crate::voicing::{Speech, Voicing};
use level::LiveLevel;
use serde::Serialize;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where the sound goes: a queue that a device plays from in real time.
pub trait Player {
    /// The rate the device plays at; the voice is made at it.
    fn sample_rate(&self) -> u32;
    /// Adds samples to the queue.
    fn queue(&mut self, samples: &[f32]) -> Result<()>;
    /// Seconds queued and not yet played.
    fn queued(&self) -> f64;
    /// Seconds played so far.
    fn played(&self) -> f64;
    /// When the first sample was played, if it has been.
    fn first_sound(&self) -> Option<Instant>;
    /// Waits until everything queued has been heard (the device's own
    /// buffer included).
    fn finish(&mut self);
    /// Drops what is queued, at once.
    fn clear(&mut self);
    fn set_paused(&mut self, paused: bool) -> Result<()>;
}

/// What the listener asks for while the bulletin plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Pause, or resume if paused.
    Pause,
    /// Skip to the next article.
    Next,
    /// Go back to the start of the previous article.
    Previous,
    Quit,
}

/// What was spoken, for `--json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SpeakReport {
    /// Sentences heard (or begun) in order, with the second of the bulletin
    /// at which each was queued.
    pub spoken: Vec<Spoken>,
    pub sentences: usize,
    /// Seconds of sound played, pauses included.
    pub seconds_played: f64,
    /// Seconds from the start of the run until the device took the first
    /// sound (its own output latency comes on top).
    pub first_sound: Option<f64>,
    /// Seconds from the start of the run until the voice was ready to speak:
    /// with a Piper voice, ONNX Runtime's load of the model, which is most
    /// of the wait for the first sound (none for the system's voice).
    pub voice_loaded: Option<f64>,
    /// Sentences read from the sentence cache, and synthesized.
    pub cache_hits: usize,
    pub synthesized: usize,
    pub wall_time: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Spoken {
    pub text: String,
    pub at: f64,
}

/// How far ahead of the device sentences are queued: enough to ride over
/// a slow sentence, short enough that a command is heard at once.
const QUEUE_AHEAD_SECONDS: f64 = 1.0;
/// How often commands are looked at while the queue is full.
const POLL: Duration = Duration::from_millis(20);

/// Speaks the bulletin `options` describe into `player`, taking the
/// listener's `commands` as it goes. Returns when the bulletin has been
/// heard to its end, or on `Quit`.
pub fn speak(
    options: &BuildOptions,
    player: &mut dyn Player,
    commands: &Receiver<Command>,
    observer: &mut dyn Observer,
) -> Result<SpeakReport> {
    speak_opened(options, player, commands, observer, &synth::opened)
}

/// [`speak`], the voice got from `open` (`serve` keeps voices open).
pub(crate) fn speak_opened(
    options: &BuildOptions,
    player: &mut dyn Player,
    commands: &Receiver<Command>,
    observer: &mut dyn Observer,
    open: synth::Opener,
) -> Result<SpeakReport> {
    let started = Instant::now();
    let segments = segments(options, observer)?;
    let rate = player.sample_rate();
    let threads = crate::pipeline::threads(options.jobs);
    let voice_options =
        VoiceOptions { concurrency: threads.min(segments.len()).max(1), ..options.voice_options.clone() };
    crate::catalog::provide(&options.voice, &voice_options, observer)?;
    let engine = synth::voice(open, &options.voice, &voice_options, |_| rate)?;
    let voice_loaded = started.elapsed().as_secs_f64();
    let cache = Arc::new(Cache::new(options.cache.as_deref()));
    let voicing = Voicing::new(&options.master, rate, cache.keeps());
    let mut level = LiveLevel::new(&options.master, rate);
    if let Some(kept) = all_kept(&segments, engine.as_ref(), &cache, &voicing) {
        level.measure_whole(kept.iter().map(|(speech, pause)| (speech, *pause)));
    }
    let (key, kept, again) = (engine.cache_key(), Arc::clone(&cache), Arc::clone(&engine));
    let finish: Finish<Speech> = Arc::new(move |prepared: &str, synthesize: &dyn Fn() -> Result<Vec<f32>>| {
        voicing.make(&kept, &key, prepared, synthesize, Some(&again))
    });
    let mut report = SpeakReport { voice_loaded: Some(voice_loaded), ..SpeakReport::default() };
    let mut at = 0;
    'bulletin: while at < segments.len() {
        let texts = segments[at..].iter().map(|(_, s)| s.spoken.as_str());
        let mut synthesis =
            Synthesis::start(engine.clone(), finish.clone(), texts, options.jobs, options.cancel.clone())?;
        let mut jumped = None;
        for (part, segment) in &segments[at..] {
            let (_, speech) = synthesis.next()?;
            observer.speaking(&segment.text);
            report.spoken.push(Spoken { text: segment.text.clone(), at: player.played() + player.queued() });
            report.sentences += 1;
            player.queue(&level.shape(&speech)?)?;
            player.queue(&vec![0.0; crate::audio::samples_in(segment.pause_after, rate)])?;
            match wait(player, commands, QUEUE_AHEAD_SECONDS)? {
                None => {}
                Some(Command::Quit) => {
                    player.clear();
                    break 'bulletin;
                }
                Some(jump) => {
                    player.clear();
                    jumped = Some(target(&segments, *part, jump));
                    break;
                }
            }
        }
        if let Some(next) = jumped {
            at = next;
            continue;
        }
        // All queued: wait until it has been heard.
        match wait(player, commands, 0.0)? {
            None => {
                player.finish();
                break;
            }
            Some(Command::Quit) => break,
            Some(jump) => {
                player.clear();
                let (part, _) = segments[segments.len() - 1];
                at = target(&segments, part, jump);
            }
        }
    }
    engine.warnings().iter().chain(&cache.warnings()).for_each(|w| observer.warning(w));
    (report.cache_hits, report.synthesized) = cache.counts();
    report.seconds_played = player.played();
    report.first_sound = player.first_sound().map(|t| t.duration_since(started).as_secs_f64());
    report.wall_time = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Every sentence of the bulletin, with the pause after it, if the sentence
/// cache keeps them all: then the whole bulletin's level is known before
/// the first is heard.
fn all_kept(
    segments: &[(usize, Segment)],
    engine: &dyn synth::Engine,
    cache: &Cache,
    voicing: &Voicing,
) -> Option<Vec<(Speech, f32)>> {
    if !cache.keeps() {
        return None;
    }
    let key = engine.cache_key();
    let not_kept = || Err(Error::engine("cache", "not kept"));
    segments
        .iter()
        .map(|(_, s)| {
            voicing.make(cache, &key, &engine.prepare(&s.spoken), &not_kept, None).ok().map(|k| (k, s.pause_after))
        })
        .collect()
}

/// The bulletin's sentences in order, each with the number of its part.
fn segments(options: &BuildOptions, observer: &mut dyn Observer) -> Result<Vec<(usize, Segment)>> {
    let bulletins = plan(options, observer)?;
    let parts = bulletins.into_iter().flat_map(|b| b.script.parts);
    Ok(parts.enumerate().flat_map(|(part, p)| p.segments.into_iter().map(move |s| (part, s))).collect())
}

/// Speaks the bulletin `options` describe with the operating system's own
/// voice, sentence by sentence, our pauses between them, taking the
/// listener's `commands` between sentences.
#[cfg(feature = "os-voice")]
pub fn speak_with_system(
    options: &BuildOptions,
    voice: &mut system::SystemVoice,
    commands: &Receiver<Command>,
    observer: &mut dyn Observer,
) -> Result<SpeakReport> {
    let started = Instant::now();
    let segments = segments(options, observer)?;
    let mut report = SpeakReport::default();
    let mut at = 0;
    while let Some((part, segment)) = segments.get(at) {
        observer.speaking(&segment.text);
        report.spoken.push(Spoken { text: segment.text.clone(), at: started.elapsed().as_secs_f64() });
        report.sentences += 1;
        voice.say(&segment.spoken)?;
        match pause(commands, segment.pause_after) {
            None => at += 1,
            Some(Command::Quit) => break,
            Some(jump) => at = target(&segments, *part, jump),
        }
    }
    report.first_sound = voice.first_sound().map(|t| t.duration_since(started).as_secs_f64());
    report.wall_time = started.elapsed().as_secs_f64();
    report.seconds_played = report.wall_time - report.first_sound.unwrap_or(report.wall_time);
    Ok(report)
}

/// A pause of `seconds` between sentences, listening for commands; a pause
/// command holds it until the next one.
#[cfg(feature = "os-voice")]
fn pause(commands: &Receiver<Command>, seconds: f32) -> Option<Command> {
    let end = Instant::now() + Duration::from_secs_f32(seconds);
    let mut paused = false;
    loop {
        match commands.try_recv() {
            Ok(Command::Pause) => paused = !paused,
            Ok(command) => return Some(command),
            Err(_) if !paused && Instant::now() >= end => return None,
            Err(_) => std::thread::sleep(
                POLL.min(end.saturating_duration_since(Instant::now())).max(Duration::from_millis(1)),
            ),
        }
    }
}

/// Waits until no more than `ahead` seconds are queued, handling pauses;
/// returns a command that moves or stops the bulletin.
fn wait(player: &mut dyn Player, commands: &Receiver<Command>, ahead: f64) -> Result<Option<Command>> {
    let mut paused = false;
    loop {
        match commands.try_recv() {
            Ok(Command::Pause) => {
                paused = !paused;
                player.set_paused(paused)?;
                continue;
            }
            Ok(command) => {
                player.set_paused(false)?;
                return Ok(Some(command));
            }
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => {}
        }
        if !paused && player.queued() <= ahead {
            return Ok(None);
        }
        std::thread::sleep(POLL);
    }
}

/// The first segment of the article `jump` leads to from `part`: the next
/// part, or the previous one (the first at the start).
fn target(segments: &[(usize, Segment)], part: usize, jump: Command) -> usize {
    let wanted = match jump {
        Command::Next => part + 1,
        _ => part.saturating_sub(1),
    };
    segments.iter().position(|(p, _)| *p >= wanted).unwrap_or(segments.len())
}

/// `speak` without the feature it needs (`playback` or `os-voice`): how to
/// get it.
pub fn unavailable(feature: &str) -> Error {
    let (what, packages) = match feature {
        "os-voice" => ("speaks with the system's voice", "libspeechd-dev and clang, and a running speech-dispatcher"),
        _ => ("plays through the sound card", "libasound2-dev and pkg-config"),
    };
    Error::Usage(format!(
        "speak {what} with the `{feature}` feature: on Debian, install {packages}, then from briefing's source \
         folder: {}",
        install_command(feature)
    ))
}

/// The command that installs the program with `feature`, run from its
/// source folder.
fn install_command(feature: &str) -> String {
    format!("cargo install --path . --features {feature}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Output;
    use std::sync::mpsc::channel;

    #[test]
    fn the_install_hint_is_a_command_cargo_takes() {
        for feature in ["playback", "os-voice"] {
            let message = unavailable(feature).to_string();
            let command = message.split(": ").last().unwrap();
            assert_eq!(command, install_command(feature), "{message}");
            let words: Vec<&str> = command.split(' ').collect();
            assert_eq!(words[..5], ["cargo", "install", "--path", ".", "--features"], "{command}");
            // The same package and features resolved by cargo, which refuses
            // a feature the package does not have.
            let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(words[3]).join("Cargo.toml");
            let resolved = std::process::Command::new(env!("CARGO"))
                .args(["tree", "--offline", "--depth", "0", "--manifest-path"])
                .arg(&manifest)
                .args(&words[4..])
                .output()
                .unwrap();
            assert!(resolved.status.success(), "{command}: {}", String::from_utf8_lossy(&resolved.stderr));
        }
        let wrong = std::process::Command::new(env!("CARGO"))
            .args(["tree", "--offline", "--depth", "0", "--features", "no-such-feature", "--manifest-path"])
            .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .output()
            .unwrap();
        assert!(!wrong.status.success(), "cargo checks the feature's name");
    }

    /// A device that plays everything at once.
    #[derive(Default)]
    struct AtOnce {
        played: usize,
        paused: Vec<bool>,
        samples: Vec<f32>,
    }

    impl Player for AtOnce {
        fn sample_rate(&self) -> u32 {
            22050
        }
        fn queue(&mut self, samples: &[f32]) -> Result<()> {
            self.played += samples.len();
            self.samples.extend_from_slice(samples);
            Ok(())
        }
        fn queued(&self) -> f64 {
            0.0
        }
        fn played(&self) -> f64 {
            self.played as f64 / 22050.0
        }
        fn first_sound(&self) -> Option<Instant> {
            None
        }
        fn finish(&mut self) {}
        fn clear(&mut self) {}
        fn set_paused(&mut self, paused: bool) -> Result<()> {
            self.paused.push(paused);
            Ok(())
        }
    }

    fn articles() -> (tempfile::TempDir, BuildOptions) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in
            [("a.txt", "Premier titre\n\nUne phrase. Deux phrases."), ("b.txt", "Second titre\n\nTrois phrases.")]
        {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let options = BuildOptions {
            inputs: vec![dir.path().to_str().unwrap().into()],
            output: Output::Stdout,
            cache: None,
            ..BuildOptions::default()
        };
        (dir, options)
    }

    fn spoken(commands: &[Command]) -> (Vec<String>, Vec<bool>) {
        let (_dir, options) = articles();
        let (send, receive) = channel();
        commands.iter().for_each(|&c| send.send(c).unwrap());
        let mut player = AtOnce::default();
        let report = speak(&options, &mut player, &receive, &mut ()).unwrap();
        assert_eq!(report.sentences, report.spoken.len());
        (report.spoken.into_iter().map(|s| s.text).collect(), player.paused)
    }

    #[test]
    fn the_bulletin_is_spoken_in_order() {
        let (all, paused) = spoken(&[]);
        assert_eq!(all, ["Premier titre", "Une phrase.", "Deux phrases.", "Second titre", "Trois phrases."]);
        assert!(paused.is_empty());
    }

    /// Integrated loudness of what a player heard, by an independent meter.
    fn loudness(samples: &[f32]) -> f64 {
        let mut meter = ebur128::EbuR128::new(1, 22050, ebur128::Mode::I).unwrap();
        meter.add_frames_f32(samples).unwrap();
        meter.loudness_global().unwrap()
    }

    #[test]
    fn with_every_sentence_cached_the_level_is_the_whole_bulletin_s() {
        let (dir, options) = articles();
        let options = BuildOptions { cache: Some(dir.path().join("cache")), ..options };
        let heard = || {
            let mut player = AtOnce::default();
            speak(&options, &mut player, &channel().1, &mut ()).unwrap();
            loudness(&player.samples)
        };
        let (first, again) = (heard(), heard());
        assert!((again + 16.0).abs() < 0.5, "{again} LUFS from the cached analysis of every sentence");
        // From a short title alone, a few LU off; the example articles
        // come to -16.0 and -16.6 (with the announcements) this way.
        assert!((first + 16.0).abs() < 3.0, "{first} LUFS from the first sentence");
    }

    #[test]
    fn commands_skip_go_back_pause_and_quit() {
        let (skipped, _) = spoken(&[Command::Next]);
        assert_eq!(skipped, ["Premier titre", "Second titre", "Trois phrases."]);
        let (back, _) = spoken(&[Command::Next, Command::Previous]);
        let again = ["Premier titre", "Une phrase.", "Deux phrases.", "Second titre", "Trois phrases."];
        assert_eq!(back[..2], ["Premier titre", "Second titre"]);
        assert_eq!(back[2..], again);
        let (quit, _) = spoken(&[Command::Quit]);
        assert_eq!(quit, ["Premier titre"]);
        let (paused, toggles) = spoken(&[Command::Pause, Command::Pause]);
        assert_eq!(paused.len(), 5);
        assert_eq!(toggles, [true, false]);
    }

    #[test]
    fn jumps_land_on_the_first_sentence_of_an_article() {
        let segment = Segment {
            kind: crate::script::SegmentKind::Body,
            paragraph: None,
            text: String::new(),
            spoken: String::new(),
            pause_after: 0.0,
        };
        let segments: Vec<(usize, Segment)> = [0, 0, 1, 1, 1, 2].iter().map(|&p| (p, segment.clone())).collect();
        assert_eq!(target(&segments, 1, Command::Next), 5);
        assert_eq!(target(&segments, 1, Command::Previous), 0);
        assert_eq!(target(&segments, 0, Command::Previous), 0);
        assert_eq!(target(&segments, 2, Command::Next), 6);
    }
}
