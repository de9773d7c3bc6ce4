//! `briefing speak` for real: through a private PulseAudio daemon with a
//! null sink (no sound card; it plays in real time), which ALSA, and so
//! cpal, reach through the test's own `.asoundrc`; and with the system's
//! voice, through a private speech-dispatcher daemon (espeak-ng module,
//! ALSA's null output), whose log says what it was asked to say, when.
#![cfg(any(feature = "playback", feature = "os-voice"))]

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;
use tempfile::TempDir;

/// One short article: the test plays it in real time (about 8 s).
const ONE_ARTICLE: &str = "tests/fixtures/articles/01-marche.txt";

/// A daemon of the test's own, once the file system tells that its socket
/// is there. The tests that start one are `#[ignore = "needs …"]` and fail
/// without it.
fn daemon(mut command: Command, socket: &Path, install: &str) -> Child {
    let name = command.get_program().to_string_lossy().into_owned();
    needs(&name, install);
    let daemon = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn();
    let daemon = daemon.unwrap_or_else(|e| panic!("{name} cannot start: {e}"));
    wait_for_file(socket.parent().unwrap(), &socket.file_name().unwrap().to_string_lossy(), Duration::from_secs(5));
    daemon
}

/// Stops a daemon: a termination signal, then a kill if it has not ended
/// within seconds.
fn stop(mut daemon: Child) {
    let id = daemon.id().to_string();
    let _ = Command::new("kill").arg(&id).status();
    let (ended, end) = std::sync::mpsc::channel();
    std::thread::spawn(move || ended.send(daemon.wait()));
    if end.recv_timeout(Duration::from_secs(3)).is_err() {
        let _ = Command::new("kill").args(["-KILL", &id]).status();
    }
}

/// A PulseAudio daemon of the test's own, stopped when dropped.
#[cfg(feature = "playback")]
struct NullSound {
    daemon: Option<Child>,
}

#[cfg(feature = "playback")]
impl NullSound {
    /// Started in `home`, whose `.asoundrc` sends ALSA's default device to it.
    fn start(home: &Path) -> Self {
        let socket = home.join("native");
        let script = home.join("default.pa");
        fs::write(
            &script,
            format!(
                "load-module module-null-sink sink_name=nowhere\nset-default-sink nowhere\n\
                 load-module module-native-protocol-unix auth-anonymous=1 socket={}\n",
                socket.display()
            ),
        )
        .unwrap();
        let server = format!("\"unix:{}\"", socket.display());
        fs::write(
            home.join(".asoundrc"),
            format!("pcm.!default {{\n type pulse\n server {server}\n}}\nctl.!default {{\n type pulse\n server {server}\n}}\n"),
        )
        .unwrap();
        let mut command = Command::new("pulseaudio");
        command
            .args(["-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr"])
            .arg("-F")
            .arg(&script)
            .env("HOME", home)
            .env("XDG_RUNTIME_DIR", home);
        NullSound { daemon: Some(daemon(command, &socket, "scripts/install-speech.sh")) }
    }
}

#[cfg(feature = "playback")]
impl Drop for NullSound {
    fn drop(&mut self) {
        if let Some(daemon) = self.daemon.take() {
            stop(daemon);
        }
    }
}

#[cfg(feature = "playback")]
#[test]
#[ignore = "needs pulseaudio"]
fn a_bulletin_plays_in_order_in_real_time() {
    let tmp = TempDir::new().unwrap();
    let _sound = NullSound::start(tmp.path());
    let output =
        briefing().env("HOME", tmp.path()).args(["speak", "--no-cache", "--json", ONE_ARTICLE]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();

    // What `build` makes of the same articles: the same sentences, in order,
    // and the same length.
    let manifest = built(tmp.path());
    let parts = manifest["articles"].as_array().unwrap();
    let texts: Vec<&Value> =
        parts.iter().flat_map(|p| p["sentences"].as_array().unwrap()).map(|s| &s["text"]).collect();
    let spoken: Vec<&Value> = report["spoken"].as_array().unwrap().iter().map(|s| &s["text"]).collect();
    assert_eq!(spoken, texts);
    assert_eq!(report["sentences"], texts.len());

    let played = report["seconds_played"].as_f64().unwrap();
    let duration = manifest["duration"].as_f64().unwrap();
    assert!((played - duration).abs() < 0.1, "played {played} s of a {duration} s bulletin");
    let wall = report["wall_time"].as_f64().unwrap();
    assert!(wall >= played, "{played} s played in {wall} s");
    let first = report["first_sound"].as_f64().unwrap();
    assert!(first < 0.5, "first sound after {first} s");
    // Each sentence starts after the one before, by at least its length.
    let starts: Vec<f64> = report["spoken"].as_array().unwrap().iter().map(|s| s["at"].as_f64().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[1] > w[0]), "{starts:?}");
}

/// The manifest `build` makes of the same article.
fn built(folder: &Path) -> Value {
    let wav = folder.join("same.wav");
    briefing().args(["build", "--no-cache", ONE_ARTICLE, "-o"]).arg(&wav).assert().success();
    serde_json::from_slice(&fs::read(wav.with_extension("json")).unwrap()).unwrap()
}

/// A speech-dispatcher daemon of the test's own, stopped when dropped.
#[cfg(feature = "os-voice")]
struct SpeechServer {
    daemon: Option<Child>,
    folder: std::path::PathBuf,
}

#[cfg(feature = "os-voice")]
impl SpeechServer {
    /// Started in `folder` (its socket, config and log).
    fn start(folder: &Path) -> Self {
        let conf = folder.join("conf");
        fs::create_dir_all(conf.join("modules")).unwrap();
        fs::create_dir_all(folder.join("log")).unwrap();
        fs::write(
            conf.join("speechd.conf"),
            "LogLevel 5\nAudioOutputMethod \"alsa\"\nAudioALSADevice \"null\"\n\
             AddModule \"espeak-ng\" \"sd_espeak-ng\" \"espeak-ng.conf\"\nDefaultModule espeak-ng\n\
             DefaultLanguage \"fr\"\nDisableAutoSpawn\n",
        )
        .unwrap();
        fs::write(conf.join("modules").join("espeak-ng.conf"), "").unwrap();
        let mut command = Command::new("speech-dispatcher");
        command
            .args(["-s", "-t", "0", "-l", "5", "-c", "unix_socket", "-S"])
            .arg(folder.join("speechd.sock"))
            .arg("-C")
            .arg(&conf)
            .arg("-L")
            .arg(folder.join("log"))
            .arg("-P")
            .arg(folder.join("pid"))
            .env("XDG_CACHE_HOME", folder)
            .env("XDG_CONFIG_HOME", &conf)
            .env("XDG_RUNTIME_DIR", folder);
        let daemon = daemon(command, &folder.join("speechd.sock"), "scripts/install-speech.sh");
        SpeechServer { daemon: Some(daemon), folder: folder.to_path_buf() }
    }

    /// What the daemon logged: each message queued (its text) and each end
    /// of speech, with the second it happened.
    fn events(&self) -> Vec<(f64, Option<String>)> {
        let log = fs::read(self.folder.join("log").join("speech-dispatcher.log")).unwrap();
        let log = String::from_utf8_lossy(&log);
        log.lines()
            .filter_map(|line| {
                // "[Sun Nov 29 12:02:41 2026 : 710023] speechd:     Queueing message |text| with priority 1"
                let stamp = &line[1..line.find(']')?];
                let (date, micros) = stamp.rsplit_once(" : ")?;
                let clock = date.split_whitespace().nth(3)?;
                let hms: Vec<f64> = clock.split(':').filter_map(|n| n.parse().ok()).collect();
                let at =
                    hms.first()? * 3600.0 + hms.get(1)? * 60.0 + hms.get(2)? + micros.trim().parse::<f64>().ok()? / 1e6;
                if let Some(rest) = line.split("Queueing message |").nth(1) {
                    return Some((at, Some(rest[..rest.rfind("| with priority")?].to_owned())));
                }
                line.ends_with("got end").then_some((at, None))
            })
            .collect()
    }
}

#[cfg(feature = "os-voice")]
impl Drop for SpeechServer {
    fn drop(&mut self) {
        if let Some(daemon) = self.daemon.take() {
            stop(daemon);
        }
    }
}

#[cfg(feature = "os-voice")]
#[test]
#[ignore = "needs speech-dispatcher"]
fn the_system_voice_says_every_sentence_in_order_with_our_pauses() {
    let tmp = TempDir::new().unwrap();
    let server = SpeechServer::start(tmp.path());
    let output = briefing()
        .env("SPEECHD_ADDRESS", format!("unix_socket:{}", tmp.path().join("speechd.sock").display()))
        .env("SPEECHD_CMD", "/bin/false")
        .args(["speak", "--voice", "os", "--no-cache", "--json", ONE_ARTICLE])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let manifest = built(tmp.path());
    let sentences: Vec<&Value> =
        manifest["articles"].as_array().unwrap().iter().flat_map(|p| p["sentences"].as_array().unwrap()).collect();
    assert_eq!(report["sentences"], sentences.len());

    // The daemon was asked to say each normalized sentence, in order.
    let events = server.events();
    let said: Vec<&str> = events.iter().filter_map(|(_, text)| text.as_deref()).collect();
    let spoken: Vec<&str> = sentences.iter().map(|s| s["spoken"].as_str().unwrap()).collect();
    assert_eq!(said, spoken);
    // Between the end of one and the next, our pause (the end of a title is
    // followed by the title's pause, of a paragraph by the sentence's).
    let starts: Vec<usize> = events.iter().enumerate().filter(|(_, (_, t))| t.is_some()).map(|(i, _)| i).collect();
    for (n, pair) in starts.windows(2).enumerate() {
        let end = events[pair[0]..pair[1]].iter().rev().find(|(_, t)| t.is_none()).expect("an end before the next").0;
        let gap = events[pair[1]].0 - end;
        let pause = sentences[n]["end"].as_f64().unwrap();
        let wanted = sentences[n + 1]["start"].as_f64().unwrap() - pause;
        assert!(gap >= wanted - 0.05, "after sentence {n}: {gap:.3} s, our pause is {wanted:.3} s");
    }
}

/// `speak` on a terminal (a pseudo-terminal from `script`), keys typed as
/// it shows each sentence it starts: `n` skips to the next article, Ctrl-C
/// stops at once.
#[cfg(feature = "playback")]
#[test]
#[ignore = "needs pulseaudio"]
fn keys_skip_and_stop_on_a_terminal() {
    let tmp = TempDir::new().unwrap();
    let _sound = NullSound::start(tmp.path());
    let template = briefing();
    let command = format!("{} speak --no-cache {SHORT_ARTICLES}", template.get_program().to_string_lossy());
    let mut run = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .envs(template.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
        .env("HOME", tmp.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut keys = run.stdin.take().unwrap();
    let (shown, sentences) = std::sync::mpsc::channel();
    let screen = std::io::BufReader::new(run.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(screen).map_while(Result::ok) {
            if let Some(text) = line.trim().strip_prefix("\u{25b6} ") {
                let _ = shown.send(text.to_owned());
            }
        }
    });
    let mut spoken = Vec::new();
    let next_shown = |spoken: &mut Vec<String>| {
        let text = sentences.recv_timeout(Duration::from_secs(20)).expect("the next sentence is shown");
        spoken.push(text.clone());
        text
    };
    let started = std::time::Instant::now();
    // The first article's title, then its first sentence: `n` now.
    while next_shown(&mut spoken) != "Le marché couvert rouvre ses portes" {}
    next_shown(&mut spoken);
    std::io::Write::write_all(&mut keys, b"n").unwrap();
    // The second article's title: Ctrl-C now.
    while next_shown(&mut spoken) != "La piscine ferme pour l'été" {}
    std::io::Write::write_all(&mut keys, b"\x03").unwrap();
    let status = run.wait().unwrap();
    spoken.extend(sentences.try_iter());
    let elapsed = started.elapsed().as_secs_f64();
    assert!(status.success());
    assert!(elapsed < 8.0, "Ctrl-C stopped the bulletin only after {elapsed} s");
    assert!(!spoken.iter().any(|s| s == "Vingt commerçants y sont installés."), "n did not skip: {spoken:?}");
    assert!(!spoken.iter().any(|s| s == "Un concert gratuit sur les quais"), "Ctrl-C did not stop: {spoken:?}");
}

#[cfg(feature = "os-voice")]
#[test]
#[ignore = "needs speech-dispatcher"]
fn voices_lists_the_system_s_french_voices() {
    let tmp = TempDir::new().unwrap();
    let _server = SpeechServer::start(tmp.path());
    let output = briefing()
        .env("SPEECHD_ADDRESS", format!("unix_socket:{}", tmp.path().join("speechd.sock").display()))
        .env("SPEECHD_CMD", "/bin/false")
        .arg("voices")
        .output()
        .unwrap();
    assert!(output.status.success());
    let listed = String::from_utf8_lossy(&output.stdout);
    let system: Vec<&str> = listed.lines().filter(|l| l.starts_with("os:")).collect();
    assert!(system.iter().any(|l| l.contains("fr-FR")), "{listed}");
    assert!(
        system.iter().all(|l| l.split('\t').nth(2).is_some_and(|language| language.starts_with("fr"))),
        "{system:?}"
    );
    assert!(listed.lines().any(|l| l.starts_with("fr-FR\t")), "our voices are listed too");
}

/// `speak` with a Piper voice: the first sentence is heard soon after the
/// voice is ready (0.14 to 0.16 s on a quiet machine). Before that, ONNX
/// Runtime loads the model (about a second of one core, more on a busy
/// machine), which no work of ours can shorten: the report tells the two
/// apart.
#[cfg(feature = "playback")]
#[test]
#[ignore = "needs pulseaudio, the Piper test voice and ONNX Runtime"]
fn a_piper_voice_is_heard_promptly_once_loaded() {
    let (voice, runtime) = piper_test_voice();
    let tmp = TempDir::new().unwrap();
    let _sound = NullSound::start(tmp.path());
    let input = article(tmp.path(), "court.txt", b"Un titre\n\nUne phrase courte. Une autre phrase.");
    let output = briefing()
        .env("HOME", tmp.path())
        .args(["speak", "--no-cache", "--json", "--voice"])
        .arg(&voice)
        .arg("--onnxruntime")
        .arg(&runtime)
        .arg(&input)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let (first, loaded) = (report["first_sound"].as_f64().unwrap(), report["voice_loaded"].as_f64().unwrap());
    eprintln!("voice loaded after {loaded:.2} s, first sound after {first:.2} s");
    assert!(loaded > 0.0 && first > loaded, "{report}");
    // 0.14 to 0.16 s on a quiet machine; the bound leaves room for a busy
    // one (tests run side by side), where one sentence's inference is slower.
    assert!(first - loaded <= 1.0, "first sound {:.2} s after the voice was ready: {report}", first - loaded);
    assert_eq!(report["sentences"], 3, "{report}");
}
