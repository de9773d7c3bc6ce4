//! Where a bulletin goes: never over an input, never a rename over a
//! device, a FIFO or a link, one run at a time publishing, the format its
//! name says, another bulletin's manifest kept, a reader that leaves early
//! told.

mod common;

use common::{article, briefing, names};
use serde_json::Value;
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::Path;

/// A short article of `sentences` sentences, each naming `word`.
fn short(dir: &Path, name: &str, word: &str, sentences: usize) -> std::path::PathBuf {
    let body: Vec<String> = (0..sentences).map(|i| format!("Phrase {} sur {word}.", i + 1)).collect();
    article(dir, name, format!("Titre {word}\n\n{}", body.join(" ")).as_bytes())
}

/// `build ARGS` fails as a misused option (exit 2), saying `expected` on one line.
fn refused<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>, expected: &str) {
    let output = briefing().arg("build").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(expected), "{expected:?} in {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// The names in `dir`, in order.
fn sorted_names(dir: &Path) -> Vec<String> {
    let mut names = names(dir);
    names.sort();
    names
}

fn manifest(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// The binary as `briefing()` sets it up, for a test that needs its pipes.
fn piped() -> std::process::Command {
    let command = briefing();
    let mut piped = std::process::Command::new(command.get_program());
    piped.envs(command.get_envs().filter_map(|(key, value)| Some((key, value?))));
    piped
}

#[test]
fn no_output_or_file_beside_it_is_an_input_or_lies_in_a_folder_read() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("articles");
    fs::create_dir(&folder).unwrap();
    let txt = short(&folder, "a.txt", "la pluie", 1);
    let json = article(tmp.path(), "b.json", br#"{"title": "Le vent", "body": "Il souffle."}"#);
    let before = |p: &Path| fs::read(p).unwrap();
    let (txt_bytes, json_bytes) = (before(&txt), before(&json));
    let f = folder.to_str().unwrap();
    refused(["--each", f, "-o", f], "which is read for articles");
    refused([f, "-o", &format!("{f}/bulletin.wav")], "which is read for articles");
    // b.json would be the manifest of b.wav.
    let (j, t) = (json.to_str().unwrap(), txt.to_str().unwrap());
    refused([j, "-o", &json.with_extension("wav").to_string_lossy()], "is the input");
    // The same file, however its path is written.
    let output = briefing().current_dir(&folder).args(["build", "a.txt", "-o", "./a.txt"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    refused([t, "-o", &format!("{}/../articles/a.txt", f)], "is the input");
    assert_eq!(before(&txt), txt_bytes);
    assert_eq!(before(&json), json_bytes);
    assert_eq!(names(&folder), ["a.txt"]);
}

#[test]
fn a_folder_read_skips_the_manifests_in_it_with_one_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("articles");
    fs::create_dir(&folder).unwrap();
    let a = short(&folder, "a.txt", "la pluie", 1);
    short(&folder, "b.txt", "le vent", 1);
    // Bulletins written into the folder by hand, as an older version did.
    for name in ["a", "b"] {
        let out = tmp.path().join(format!("{name}.wav"));
        briefing().args(["build", "-q"]).arg(folder.join(format!("{name}.txt"))).arg("-o").arg(&out).assert().success();
        fs::copy(out.with_extension("json"), folder.join(format!("{name}.json"))).unwrap();
    }
    let output = briefing().args(["text"]).arg(&folder).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    let warning = format!("{}: 2 bulletin manifest(s) skipped, not articles: a.json, b.json", folder.display());
    assert_eq!(stderr.trim(), format!("briefing: warning: {warning}"));
    assert_eq!(stdout.matches("Titre").count(), 2, "{stdout}");
    assert!(!stdout.contains("sample"), "{stdout}");
    assert!(a.exists());
}

#[cfg(unix)]
#[test]
fn a_link_is_followed_and_stays_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let input = short(tmp.path(), "a.txt", "la pluie", 1);
    let real = tmp.path().join("real");
    fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link.wav");
    std::os::unix::fs::symlink("real/x.wav", &link).unwrap();
    briefing().args(["build", "-q"]).arg(&input).arg("-o").arg(&link).assert().success();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(&fs::read(&link).unwrap()[..4], b"RIFF");
    assert_eq!(manifest(&real.join("x.json"))["audio"], "x.wav");
    assert!(!tmp.path().join("link.json").exists());
}

#[cfg(unix)]
fn is_char_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::symlink_metadata(path).unwrap().file_type().is_char_device()
}

#[cfg(unix)]
#[test]
fn a_device_takes_the_audio_as_a_stream_and_stays_a_device() {
    let tmp = tempfile::tempdir().unwrap();
    let input = short(tmp.path(), "a.txt", "la pluie", 1);
    let output = briefing().args(["build"]).arg(&input).args(["-o", "/dev/null"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrote /dev/null ("));
    assert!(is_char_device(Path::new("/dev/null")));
    assert!(!Path::new("/dev/null.json").exists());

    let full = briefing().args(["build"]).arg(&input).args(["-o", "/dev/full"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert_eq!(full.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("/dev/full: cannot write: No space left on device"), "{stderr}");
    assert!(is_char_device(Path::new("/dev/full")));
    assert!(!Path::new("/dev/full.json").exists());

    // `-o /dev/stdout` with stdout a file: written into it, nothing beside it.
    let captured = tmp.path().join("captured.wav");
    let into = fs::File::create(&captured).unwrap();
    let run = piped().args(["build", "-q"]).arg(&input).args(["-o", "/dev/stdout"]).stdout(into).status().unwrap();
    assert!(run.success());
    assert_eq!(&fs::read(&captured).unwrap()[..4], b"RIFF");
    assert_eq!(sorted_names(tmp.path()), ["a.txt", "captured.wav"]);

    refused(
        ["--subtitles", "srt", input.to_str().unwrap(), "-o", "/dev/null"],
        "/dev/null: not a regular file: the audio is streamed into it, with nothing beside it: drop --subtitles",
    );
}

/// Makes a FIFO at `path` and reads it on a thread: up to `limit` bytes,
/// then it is closed.
#[cfg(unix)]
fn fifo_reader(path: &Path, limit: u64) -> std::thread::JoinHandle<Vec<u8>> {
    let made = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        fs::File::open(path).unwrap().take(limit).read_to_end(&mut bytes).unwrap();
        bytes
    })
}

#[cfg(unix)]
#[test]
fn a_fifo_takes_the_audio_as_a_stream_and_stays_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let input = short(tmp.path(), "a.txt", "la pluie", 2);
    let file = tmp.path().join("file.wav");
    briefing().args(["build", "-q"]).arg(&input).arg("-o").arg(&file).assert().success();
    let fifo = tmp.path().join("pipe.wav");
    let reader = fifo_reader(&fifo, u64::MAX);
    briefing().args(["build", "-q"]).arg(&input).arg("-o").arg(&fifo).assert().success();
    assert_eq!(reader.join().unwrap(), fs::read(&file).unwrap());
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(sorted_names(tmp.path()), ["a.txt", "file.json", "file.wav", "pipe.wav"]);
}

#[cfg(unix)]
#[test]
fn a_reader_that_leaves_early_is_told_not_a_whole_bulletin() {
    let tmp = tempfile::tempdir().unwrap();
    let input = short(tmp.path(), "a.txt", "la pluie", 6);
    // A FIFO whose reader takes 100 bytes.
    let fifo = tmp.path().join("pipe.wav");
    let reader = fifo_reader(&fifo, 100);
    let output = briefing().arg("build").arg(&input).arg("-o").arg(&fifo).output().unwrap();
    assert_eq!(reader.join().unwrap().len(), 100);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let told = format!("briefing: warning: {}: the reader stopped after ", fifo.display());
    assert!(stderr.contains(&told), "{stderr}");
    assert!(stderr.contains("bytes; the rest of the bulletin was dropped"), "{stderr}");
    assert!(!stderr.contains("wrote"), "{stderr}");

    // `-o - | head -c 100`.
    let mut child = piped()
        .arg("build")
        .arg(&input)
        .args(["-o", "-"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(&head[..4], b"RIFF");
    assert!(stderr.contains("briefing: warning: stdout: the reader stopped after "), "{stderr}");
    assert!(!stderr.contains("wrote stdout"), "{stderr}");
}

#[test]
fn concurrent_builds_to_one_destination_publish_whole_sets() {
    let tmp = tempfile::tempdir().unwrap();
    let words = ["la pluie", "le vent", "la neige", "le soleil", "la grêle", "le brouillard"];
    let inputs: Vec<_> = words.iter().enumerate().map(|(n, w)| short(tmp.path(), &format!("{n}.txt"), w, 2)).collect();
    // Each article's bulletin made alone: the bytes a run publishes.
    let alone: Vec<Vec<u8>> = inputs
        .iter()
        .map(|input| {
            let out = input.with_extension("wav");
            briefing().args(["build", "-q"]).arg(input).arg("-o").arg(&out).assert().success();
            fs::read(out).unwrap()
        })
        .collect();
    let out = tmp.path().join("out/b.wav");
    for _round in 0..4 {
        std::thread::scope(|scope| {
            let runs: Vec<_> = inputs
                .iter()
                .map(|input| {
                    let out = &out;
                    scope
                        .spawn(move || briefing().args(["build", "-q"]).arg(input).arg("-o").arg(out).output().unwrap())
                })
                .collect();
            for run in runs {
                let output = run.join().unwrap();
                assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            }
        });
        let source = manifest(&out.with_extension("json"))["articles"][0]["source"].as_str().unwrap().to_owned();
        let n: usize = Path::new(&source).file_stem().unwrap().to_str().unwrap().parse().unwrap();
        assert!(fs::read(&out).unwrap() == alone[n], "the WAV is not that of {source}, which its manifest describes");
        assert_eq!(sorted_names(out.parent().unwrap()), ["b.json", "b.wav"]);
    }
}

/// A run waits for the lock on the destination's folder before it
/// publishes: its files stay staged while another holds it.
#[cfg(unix)]
#[test]
fn a_run_publishes_only_once_the_folder_is_free() {
    let tmp = tempfile::tempdir().unwrap();
    let input = short(tmp.path(), "a.txt", "la pluie", 1);
    let folder = tmp.path().join("out");
    fs::create_dir(&folder).unwrap();
    let held = fs::File::open(&folder).unwrap();
    held.lock().unwrap();
    let mut run = piped().args(["build", "-q"]).arg(&input).arg("-o").arg(folder.join("b.wav")).spawn().unwrap();
    let staged = || names(&folder).iter().filter(|n| n.ends_with(".part")).count();
    let start = std::time::Instant::now();
    while staged() < 2 && !folder.join("b.wav").exists() && start.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(staged(), 2, "the audio and its manifest staged: {:?}", names(&folder));
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(run.try_wait().unwrap().is_none(), "the run waits for the folder");
    assert!(!folder.join("b.wav").exists());
    drop(held);
    assert!(run.wait().unwrap().success());
    assert_eq!(sorted_names(&folder), ["b.json", "b.wav"]);
}

#[test]
fn the_extension_decides_the_format() {
    let tmp = tempfile::tempdir().unwrap();
    let input = short(tmp.path(), "a.txt", "la pluie", 1);
    let a = input.to_str().unwrap();
    let out = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    for name in ["b.ogg", "b.flac", "b.txt"] {
        refused([a, "-o", &out(name)], "not an audio file briefing writes: name a .wav, .mp3, .opus file");
    }
    refused(["--encoding", "mp3", a, "-o", &out("b.wav")], "the extension says wav, --encoding says mp3");
    refused(["--encoding", "opus", a, "-o", "-", "--sample-rate", "44100"], "choose --sample-rate among 24000, 48000");
    refused(
        ["--bitrate", "8", "--sample-rate", "48000", a, "-o", &out("b.mp3")],
        "an MP3 at 48000 Hz cannot be 8 kb/s: choose --bitrate from 32 to 320",
    );
    refused(
        ["--bitrate", "320", "--sample-rate", "22050", a, "-o", &out("b.mp3")],
        "an MP3 at 22050 Hz cannot be 320 kb/s: choose --bitrate among 8, 16,",
    );
    refused(["--each", a, "-o", &out("x.mp3")], "with --each, -o names a folder");
    assert_eq!(names(tmp.path()), ["a.txt"]);
}

#[cfg(unix)]
#[test]
fn a_bulletin_never_takes_another_ones_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let input = short(tmp.path(), "a.txt", "la pluie", 1);
    let wav = tmp.path().join("b.wav");
    briefing().args(["build", "-q", "--subtitles", "srt"]).arg(&input).arg("-o").arg(&wav).assert().success();
    let (json, srt) = (fs::read(wav.with_extension("json")).unwrap(), fs::read(wav.with_extension("srt")).unwrap());
    let mp3 = wav.with_extension("mp3");
    let args = [OsStr::new("--subtitles"), OsStr::new("srt"), input.as_os_str(), OsStr::new("-o"), mp3.as_os_str()];
    refused(args, "b.json: is the manifest of b.wav, and b.mp3 would take it");
    assert_eq!(fs::read(wav.with_extension("json")).unwrap(), json);
    assert_eq!(fs::read(wav.with_extension("srt")).unwrap(), srt);
    assert!(!mp3.exists());
    // Once b.wav is gone, its manifest is b.mp3's to take.
    fs::remove_file(&wav).unwrap();
    briefing().args(["build", "-q"]).arg(&input).arg("-o").arg(&mp3).assert().success();
    assert_eq!(manifest(&wav.with_extension("json"))["audio"], "b.mp3");
    // Nor a link beside the audio.
    std::os::unix::fs::symlink("b.json", tmp.path().join("d.json")).unwrap();
    let d = tmp.path().join("d.wav");
    refused([input.as_os_str(), OsStr::new("-o"), d.as_os_str()], "d.json: not a regular file");
    assert!(fs::symlink_metadata(tmp.path().join("d.json")).unwrap().file_type().is_symlink());
    // A .json that is no manifest is not replaced.
    let other = article(tmp.path(), "c.json", br#"{"notes": "mine"}"#);
    let c = other.with_extension("wav");
    refused(
        [input.as_os_str(), OsStr::new("-o"), c.as_os_str()],
        "c.json: is not a briefing manifest, and would be replaced",
    );
    assert_eq!(fs::read(&other).unwrap(), br#"{"notes": "mine"}"#);
}
