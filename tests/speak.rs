//! `briefing speak` through a real sound server: a private PulseAudio
//! daemon with a null sink (no sound card; it plays in real time), which
//! ALSA, and so cpal, reach through the test's own `.asoundrc`.
#![cfg(feature = "playback")]

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Child, Command};
use tempfile::TempDir;

/// One short article: the test plays it in real time (about 8 s).
const ONE_ARTICLE: &str = "tests/fixtures/articles/01-marche.txt";

/// A PulseAudio daemon of the test's own, stopped when dropped.
struct NullSound {
    daemon: Child,
}

impl NullSound {
    /// Started in `home`, whose `.asoundrc` sends ALSA's default device to
    /// it; `None` without PulseAudio unless CI requires it.
    fn start(home: &Path) -> Option<Self> {
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
        let spawned = Command::new("pulseaudio")
            .args(["-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr"])
            .arg("-F")
            .arg(&script)
            .env("HOME", home)
            .env("XDG_RUNTIME_DIR", home)
            .stderr(std::process::Stdio::null())
            .spawn();
        let daemon = match spawned {
            Ok(daemon) => daemon,
            Err(_) if std::env::var_os("BRIEFING_REQUIRE_PLAYBACK").is_none() => {
                eprintln!("skipped: pulseaudio is not installed");
                return None;
            }
            Err(e) => panic!("pulseaudio is required: {e}"),
        };
        for _ in 0..200 {
            if socket.exists() {
                return Some(NullSound { daemon });
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("pulseaudio did not start");
    }
}

impl Drop for NullSound {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[test]
fn a_bulletin_plays_in_order_in_real_time() {
    let tmp = TempDir::new().unwrap();
    let Some(_sound) = NullSound::start(tmp.path()) else { return };
    let output =
        briefing().env("HOME", tmp.path()).args(["speak", "--no-cache", "--json", ONE_ARTICLE]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();

    // What `build` makes of the same articles: the same sentences, in order,
    // and the same length.
    let wav = tmp.path().join("same.wav");
    briefing().args(["build", "--no-cache", ONE_ARTICLE, "-o"]).arg(&wav).assert().success();
    let manifest: Value = serde_json::from_slice(&fs::read(wav.with_extension("json")).unwrap()).unwrap();
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
