//! Voices by name from a catalogue: `briefing voices`, `voices download`,
//! and a build that downloads its voice on first use. Every test serves its
//! own mirror on 127.0.0.1 (a file server written here, which counts the
//! requests and can stop mid-file or send the wrong bytes) and points
//! `BRIEFING_VOICES_CATALOG` and `BRIEFING_VOICES_URL` at it: nothing leaves
//! the machine. The download tests use a small fake voice (the checks are
//! on bytes); the builds use the English Piper test voice relabelled French
//! and ONNX Runtime, ignored by a plain `cargo test` like tests/piper.rs.

use md5::{Digest, Md5};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tempfile::TempDir;

mod common;

/// What the mirror sends for a path.
#[derive(Clone)]
enum Reply {
    /// The file whole.
    Whole(Vec<u8>),
    /// Announces the whole file, sends the first half, then hangs up.
    Cut(Vec<u8>),
    /// Announces the whole file, sends the first half, then waits.
    Stall(Vec<u8>),
}

/// A tiny HTTP/1.1 file server on 127.0.0.1, one connection at a time
/// per thread, that counts the requests for each path.
struct Mirror {
    address: String,
    files: Arc<Mutex<BTreeMap<String, Reply>>>,
    requests: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl Mirror {
    fn start() -> Mirror {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let files: Arc<Mutex<BTreeMap<String, Reply>>> = Arc::default();
        let requests: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
        let (served, counted) = (Arc::clone(&files), Arc::clone(&requests));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (files, requests) = (Arc::clone(&served), Arc::clone(&counted));
                std::thread::spawn(move || serve(stream, &files, &requests));
            }
        });
        Mirror { address, files, requests }
    }

    fn put(&self, path: &str, reply: Reply) {
        self.files.lock().unwrap().insert(format!("/{path}"), reply);
    }

    fn requests(&self, path: &str) -> usize {
        self.requests.lock().unwrap().get(&format!("/{path}")).copied().unwrap_or(0)
    }

    fn all_requests(&self) -> usize {
        self.requests.lock().unwrap().values().sum()
    }
}

fn serve(stream: TcpStream, files: &Mutex<BTreeMap<String, Reply>>, requests: &Mutex<BTreeMap<String, usize>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    *requests.lock().unwrap().entry(path.clone()).or_default() += 1;
    let reply = files.lock().unwrap().get(&path).cloned();
    let mut stream = stream;
    let _ = match reply {
        None => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
        Some(Reply::Whole(bytes)) => send(&mut stream, &bytes, bytes.len()),
        Some(Reply::Cut(bytes)) => send(&mut stream, &bytes, bytes.len() / 2),
        Some(Reply::Stall(bytes)) => {
            send(&mut stream, &bytes, bytes.len() / 2).map(|()| std::thread::sleep(std::time::Duration::from_secs(60)))
        }
    };
}

/// Sends a 200 announcing all of `bytes`, then the first `sent` of them.
fn send(stream: &mut TcpStream, bytes: &[u8], sent: usize) -> std::io::Result<()> {
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", bytes.len());
    stream.write_all(head.as_bytes())?;
    stream.write_all(&bytes[..sent])?;
    stream.flush()
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A voice's two files, as the catalogue and the mirror know them.
struct Voice {
    name: String,
    model: Vec<u8>,
    config: Vec<u8>,
}

impl Voice {
    /// A fake voice: bytes that no engine opens, a config that lists
    /// `speakers` speakers, the first two named.
    fn fake(name: &str, speakers: u32) -> Voice {
        let model = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let names = json!({ "anne": 1, "paul": 0 });
        let config = json!({ "audio": { "sample_rate": 22050 }, "num_speakers": speakers, "speaker_id_map": names });
        Voice { name: name.into(), model, config: config.to_string().into_bytes() }
    }

    /// The paths in the repository, as the Piper voices repository lays them out.
    fn paths(&self) -> (String, String) {
        let folder = format!("fr/fr_FR/{}", self.name.replace('-', "/"));
        (format!("{folder}/{}.onnx", self.name), format!("{folder}/{}.onnx.json", self.name))
    }

    /// The voice's catalogue entry, in the Piper voices repository's format.
    fn entry(&self, speakers: u32) -> Value {
        let (model, config) = self.paths();
        json!({
            "key": self.name,
            "name": self.name,
            "language": { "code": "fr_FR", "family": "fr", "region": "FR" },
            "quality": "medium",
            "num_speakers": speakers,
            "speaker_id_map": { "anne": 1, "paul": 0 },
            "files": {
                model: { "size_bytes": self.model.len(), "md5_digest": md5_hex(&self.model) },
                config: { "size_bytes": self.config.len(), "md5_digest": md5_hex(&self.config) },
            }
        })
    }

    fn serve_on(&self, mirror: &Mirror) {
        let (model, config) = self.paths();
        mirror.put(&model, Reply::Whole(self.model.clone()));
        mirror.put(&config, Reply::Whole(self.config.clone()));
    }
}

/// A mirror serving `voice`, its catalogue in `home`, and the data folder
/// the runs share.
struct Setup {
    mirror: Mirror,
    voice: Voice,
    home: TempDir,
    /// Whether runs choose no ONNX Runtime (neither flag nor
    /// `ORT_DYLIB_PATH`), so that one is provided from the mirror; else
    /// they name one of the user's, and none is ever fetched.
    provides_runtime: bool,
}

impl Setup {
    fn new(voice: Voice, speakers: u32) -> Setup {
        let mirror = Mirror::start();
        voice.serve_on(&mirror);
        let home = TempDir::new().unwrap();
        let catalog = json!({ voice.name.clone(): voice.entry(speakers) });
        std::fs::write(home.path().join("voices.json"), catalog.to_string()).unwrap();
        Setup { mirror, voice, home, provides_runtime: false }
    }

    /// The same, with runs that choose no ONNX Runtime: the mirror serves
    /// `archive` and the pins give the size and SHA-256 of `pinned`.
    fn providing_runtime(mut self, archive: Reply, pinned: &[u8]) -> Setup {
        let sha256: String = Sha256::digest(pinned).iter().map(|b| format!("{b:02x}")).collect();
        let platform = format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH);
        let size = pinned.len();
        let pins = format!("version\t1.0.0\nbase\tunused\nbuild\t{platform}\t{ARCHIVE}\t{size}\t{sha256}\t{LIBRARY}\n");
        std::fs::write(self.home.path().join("runtime.tsv"), pins).unwrap();
        self.mirror.put(ARCHIVE, archive);
        self.provides_runtime = true;
        self
    }

    /// The binary, reading this catalogue and mirror, with this data folder.
    fn briefing(&self) -> assert_cmd::Command {
        let mut command = common::briefing();
        command.envs(self.variables()).env_remove("BRIEFING_OFFLINE");
        if self.provides_runtime {
            command.env_remove("ORT_DYLIB_PATH");
        }
        command
    }

    /// The same for a process started without assert_cmd.
    fn environment(&self, command: &mut std::process::Command) {
        let home = self.home.path();
        command.env("XDG_CONFIG_HOME", home.join("config")).env("XDG_CACHE_HOME", home.join("cache"));
        command.envs(self.variables()).env_remove("BRIEFING_OFFLINE");
        if self.provides_runtime {
            command.env_remove("ORT_DYLIB_PATH");
        }
    }

    fn variables(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        let mut variables = vec![
            ("BRIEFING_VOICES_CATALOG", self.home.path().join("voices.json").into()),
            ("BRIEFING_VOICES_URL", format!("{}/", self.mirror.address).into()),
            ("BRIEFING_ONNXRUNTIME_CATALOG", self.home.path().join("runtime.tsv").into()),
            ("BRIEFING_ONNXRUNTIME_URL", format!("{}/", self.mirror.address).into()),
            ("XDG_DATA_HOME", self.data().into()),
        ];
        if !self.provides_runtime {
            variables.push(("ORT_DYLIB_PATH", self.home.path().join("the-users-own-runtime.so").into()));
        }
        variables
    }

    /// Where ONNX Runtime is installed, and the other files in its folder but its lock.
    fn runtime(&self) -> (PathBuf, Vec<String>) {
        let folder = self.data().join("briefing/onnxruntime");
        let all = if folder.exists() { common::names(&folder) } else { Vec::new() };
        let mut names: Vec<String> = all.into_iter().filter(|name| name != ".lock").collect();
        names.sort();
        (folder.join("libonnxruntime.so"), names)
    }

    fn data(&self) -> PathBuf {
        self.home.path().join("data")
    }

    fn folder(&self) -> PathBuf {
        self.data().join("briefing/voices").join(&self.voice.name)
    }

    /// The files in the voice's folder but its lock.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = common::names(&self.folder()).into_iter().filter(|name| name != ".lock").collect();
        names.sort();
        names
    }

    /// A setup whose mirror sends the model as `reply` makes it; the
    /// model's path in the repository.
    fn with_model(reply: impl FnOnce(Vec<u8>) -> Reply) -> (Setup, String) {
        let setup = Setup::new(Voice::fake(NAME, 1), 1);
        let (model, _) = setup.voice.paths();
        setup.mirror.put(&model, reply(setup.voice.model.clone()));
        (setup, model)
    }

    /// Two `voices download` processes started together; both succeed.
    fn two_downloads_at_once(&self) {
        let spawn = || {
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"));
            self.environment(&mut child);
            child.args(["voices", "download", &self.voice.name]).stderr(std::process::Stdio::null()).spawn().unwrap()
        };
        let (mut first, mut second) = (spawn(), spawn());
        assert!(first.wait().unwrap().success() && second.wait().unwrap().success());
    }

    fn download(&self) -> std::process::Output {
        self.briefing().args(["voices", "download", &self.voice.name]).output().unwrap()
    }
}

/// The error a failed run printed: exactly one line.
fn one_line(output: &std::process::Output) -> String {
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

const NAME: &str = "fr_FR-essai-medium";

#[test]
fn download_installs_a_checked_voice_lists_it_and_fetches_it_once() {
    let setup = Setup::new(Voice::fake(NAME, 1), 1);
    let listed = setup.briefing().arg("voices").output().unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(listed.contains(&format!("{NAME}\tcatalog\tfr_FR medium, 1 speaker, 293.1K, not installed")), "{listed}");
    assert!(listed.lines().any(|l| l.starts_with("fr-FR\tespeak-ng")), "the embedded voices stay listed: {listed}");

    let output = setup.download();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(setup.files(), [format!("{NAME}.onnx"), format!("{NAME}.onnx.json")]);
    assert_eq!(std::fs::read(setup.folder().join(format!("{NAME}.onnx"))).unwrap(), setup.voice.model);
    assert_eq!(setup.mirror.all_requests(), 2);

    let listed = setup.briefing().arg("voices").output().unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let model = setup.folder().join(format!("{NAME}.onnx"));
    assert!(listed.contains(&format!("{NAME}\tinstalled\t{}, 22050 Hz, 1 speaker", model.display())), "{listed}");
    assert!(listed.contains("293.1K, installed"), "{listed}");
    let json = setup.briefing().args(["voices", "--json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["installed"][0]["name"], NAME);
    assert_eq!(json["installed"][0]["sample_rate"], 22050);
    assert_eq!(json["catalog"][0]["installed"], true);
    assert_eq!(json["catalog"][0]["download_bytes"], setup.voice.model.len() + setup.voice.config.len());

    assert!(setup.download().status.success());
    assert_eq!(setup.mirror.all_requests(), 2, "an installed voice is not fetched again");
}

#[test]
fn a_corrupted_file_is_refused_and_never_used() {
    let (setup, model) = Setup::with_model(|mut bytes| {
        bytes[1000] ^= 0xff;
        Reply::Whole(bytes)
    });
    let stderr = one_line(&setup.download());
    assert!(stderr.contains(&model) && stderr.contains("MD5") && stderr.contains("discarded"), "{stderr}");
    assert!(setup.files().is_empty(), "{:?}", setup.files());
    let tmp = TempDir::new().unwrap();
    let input = common::article(tmp.path(), "a.txt", b"Titre\n\nUne phrase.");
    let build = setup.briefing().arg("build").arg(&input).args(["--offline", "--voice", NAME]).output().unwrap();
    assert!(one_line(&build).contains(&format!("briefing voices download {NAME}")));
}

#[test]
fn a_server_that_stops_mid_file_leaves_nothing_partial() {
    let (setup, model) = Setup::with_model(Reply::Cut);
    let stderr = one_line(&setup.download());
    let expected = setup.voice.model.len();
    assert!(stderr.contains(&model) && stderr.contains(&format!(" of {expected} bytes; the file was discarded")));
    assert!(setup.files().is_empty(), "{:?}", setup.files());
}

#[test]
fn an_interrupted_download_leaves_nothing() {
    let (setup, _) = Setup::with_model(Reply::Stall);
    std::fs::create_dir_all(setup.folder()).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"));
    setup.environment(&mut child);
    let child = child.args(["voices", "download", NAME]).stderr(std::process::Stdio::null()).spawn().unwrap();
    let (mut interrupted, mut status) = (false, None);
    common::watch_run(child, &setup.folder(), |happened, id| match happened {
        common::Happened::Created(path) if !interrupted && path.to_string_lossy().contains(".download-") => {
            std::process::Command::new("kill").args(["-INT", &id.to_string()]).status().unwrap();
            interrupted = true;
        }
        common::Happened::Ended(ended) => status = ended.code(),
        common::Happened::Created(_) => {}
    });
    // 130 from the interruption's handler; 1 when the signal ends the
    // socket's read first (a read with a timeout is not restarted), and the
    // download fails on that: either way nothing is left.
    assert!(matches!(status, Some(130) | Some(1)), "interrupted while downloading: {status:?}");
    assert!(setup.files().is_empty(), "{:?}", setup.files());
}

#[test]
fn a_server_that_stops_sending_is_a_timeout() {
    let (setup, model) = Setup::with_model(Reply::Stall);
    let started = std::time::Instant::now();
    let output = setup.briefing().env("BRIEFING_DOWNLOAD_TIMEOUT", "0.5").args(["voices", "download", NAME]).output();
    let stderr = one_line(&output.unwrap());
    assert!(stderr.contains(&model) && stderr.contains("timeout"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    assert!(setup.files().is_empty(), "{:?}", setup.files());
    let wrong = setup.briefing().env("BRIEFING_DOWNLOAD_TIMEOUT", "soon").args(["voices", "download", NAME]).output();
    assert_eq!(wrong.unwrap().status.code(), Some(2));
}

#[test]
fn http_errors_and_refused_connections_are_one_line_naming_the_file() {
    let setup = Setup::new(Voice::fake(NAME, 1), 1);
    let (model, _) = setup.voice.paths();
    setup.mirror.files.lock().unwrap().clear();
    let stderr = one_line(&setup.download());
    assert!(stderr.contains(&model) && stderr.contains("404"), "{stderr}");

    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut command = setup.briefing();
    command.env("BRIEFING_VOICES_URL", format!("http://{closed}")).args(["voices", "download", NAME]);
    let stderr = one_line(&command.output().unwrap());
    assert!(stderr.contains(&model) && stderr.to_lowercase().contains("refused"), "{stderr}");
    assert!(setup.files().is_empty());
}

#[test]
fn an_offline_build_names_the_missing_voice_and_the_command_that_installs_it() {
    let setup = Setup::new(Voice::fake(NAME, 1), 1);
    let tmp = TempDir::new().unwrap();
    let input = common::article(tmp.path(), "a.txt", b"Titre\n\nUne phrase.");
    let out = tmp.path().join("b.wav");
    for offline in [&["--offline"][..], &[]] {
        let mut command = setup.briefing();
        command.env("BRIEFING_OFFLINE", "1").arg("build").arg(&input).args(["--voice", NAME]).arg("-o").arg(&out);
        let stderr = one_line(&command.args(offline).output().unwrap());
        assert!(stderr.contains(&format!("voice {NAME}: not installed: run `briefing voices download {NAME}`")));
    }
    assert_eq!(setup.mirror.all_requests(), 0);
    assert!(!out.exists());
}

#[test]
fn two_downloads_of_one_voice_at_once_fetch_it_once_and_whole() {
    let setup = Setup::new(Voice::fake(NAME, 1), 1);
    setup.two_downloads_at_once();
    let (model, config) = setup.voice.paths();
    assert_eq!((setup.mirror.requests(&model), setup.mirror.requests(&config)), (1, 1));
    assert_eq!(std::fs::read(setup.folder().join(format!("{NAME}.onnx"))).unwrap(), setup.voice.model);
    assert_eq!(setup.files().len(), 2, "{:?}", setup.files());
}

#[test]
fn a_catalogue_is_read_from_a_url_too() {
    let setup = Setup::new(Voice::fake(NAME, 1), 1);
    let catalog = std::fs::read(setup.home.path().join("voices.json")).unwrap();
    setup.mirror.put("mirror/voices.json", Reply::Whole(catalog));
    let url = format!("{}/mirror/voices.json", setup.mirror.address);
    let output = setup.briefing().env("BRIEFING_VOICES_CATALOG", &url).args(["voices", "download", NAME]).output();
    assert!(output.unwrap().status.success());
    assert_eq!(setup.files().len(), 2, "{:?}", setup.files());
    assert_eq!(setup.mirror.requests("mirror/voices.json"), 1);
    let missing = format!("{}/mirror/none.json", setup.mirror.address);
    let output = setup.briefing().env("BRIEFING_VOICES_CATALOG", &missing).arg("voices").output().unwrap();
    assert!(one_line(&output).contains(&format!("{missing}: download: http status: 404")));
}

#[test]
fn a_multi_speaker_voice_lists_its_speakers_from_the_catalogue_then_its_config() {
    let setup = Setup::new(Voice::fake(NAME, 3), 3);
    let listed = setup.briefing().args(["voices", NAME]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&listed.stdout), "0\tpaul\n1\tanne\n2\n");
    assert!(setup.download().status.success());
    let listed = setup.briefing().args(["voices", NAME, "--json"]).output().unwrap();
    let speakers: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(speakers, json!([{ "id": 0, "name": "paul" }, { "id": 1, "name": "anne" }, { "id": 2, "name": null }]));
    let unknown = setup.briefing().args(["voices", "fr_FR-nobody-low"]).output().unwrap();
    assert!(one_line(&unknown).contains("fr_FR-nobody-low"));
}

#[test]
fn the_embedded_catalogue_lists_the_french_piper_voices() {
    let listed = common::briefing().args(["voices", "--json"]).output().unwrap();
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let names: Vec<&str> = listed["catalog"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
    for name in ["fr_FR-gilles-low", "fr_FR-siwis-low", "fr_FR-tom-medium", "fr_FR-mls-medium"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert_eq!(listed["installed"], json!([]));
}

/// The test voice as a French catalogue voice called `name`: its config
/// relabelled (espeak voice `fr`) so that it reads French phonemes.
fn test_voice_as(name: &str, model: &Path) -> Voice {
    let mut config: Value =
        serde_json::from_slice(&std::fs::read(format!("{}.json", model.display())).unwrap()).unwrap();
    config["espeak"]["voice"] = json!("fr");
    config["language"] = json!({ "code": "fr_FR", "family": "fr", "region": "FR" });
    Voice { name: name.into(), model: std::fs::read(model).unwrap(), config: config.to_string().into_bytes() }
}

fn build_with(setup: &Setup, voice: &str, runtime: &Path, input: &Path, out: &Path) -> std::process::Output {
    let mut command = setup.briefing();
    command.arg("build").arg(input).args(["--voice", voice, "--noise-scale", "0", "--noise-w", "0"]);
    command.arg("--onnxruntime").arg(runtime).arg("-o").arg(out).arg("--no-cache").output().unwrap()
}

#[test]
#[ignore = "needs the Piper test voice and ONNX Runtime"]
fn a_build_downloads_its_voice_on_first_use_and_never_again() {
    let (model, runtime) = common::piper_test_voice();
    let setup = Setup::new(test_voice_as(NAME, &model), 1);
    let tmp = TempDir::new().unwrap();
    let input = common::article(tmp.path(), "a.txt", b"Le journal\n\nLe train part ce soir.");
    let first = build_with(&setup, NAME, &runtime, &input, &tmp.path().join("first.wav"));
    assert!(first.status.success(), "{first:?}");
    assert_eq!(setup.mirror.all_requests(), 2);
    let second = build_with(&setup, NAME, &runtime, &input, &tmp.path().join("second.wav"));
    assert!(second.status.success(), "{second:?}");
    assert_eq!(setup.mirror.all_requests(), 2, "the second build makes no request");
    let (a, b) =
        (std::fs::read(tmp.path().join("first.wav")).unwrap(), std::fs::read(tmp.path().join("second.wav")).unwrap());
    assert!(a.len() > 44 + 22050, "a second of speech at least");
    assert_eq!(a, b);
}

#[test]
#[ignore = "needs the Piper test voice and ONNX Runtime"]
fn natural_is_the_recommended_voice_downloaded_on_first_use() {
    let (model, runtime) = common::piper_test_voice();
    let recommended = "fr_FR-gilles-low";
    let setup = Setup::new(test_voice_as(recommended, &model), 1);
    let tmp = TempDir::new().unwrap();
    let input = common::article(tmp.path(), "a.txt", b"Le journal\n\nLe train part ce soir.");
    let out = tmp.path().join("natural.wav");
    let output = build_with(&setup, "natural", &runtime, &input, &out);
    assert!(output.status.success(), "{output:?}");
    assert!(setup.folder().join(format!("{recommended}.onnx")).is_file());
    assert_eq!(setup.mirror.all_requests(), 2);
    assert!(std::fs::metadata(&out).unwrap().len() > 44 + 22050, "a second of speech at least");
}

/// Where the mirror serves ONNX Runtime's archive, and its library's path
/// in it (laid out like the official archives).
const ARCHIVE: &str = "runtime/ort-test.tgz";
const LIBRARY: &str = "ort-test/lib/libonnxruntime.so.1.0.0";

/// An archive laid out like ONNX Runtime's release archives: a folder, a
/// header, the library and the links to it, `library` as the library.
fn runtime_archive(library: &[u8]) -> Vec<u8> {
    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    let file = |archive: &mut tar::Builder<_>, path: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        archive.append_data(&mut header, path, bytes).unwrap();
    };
    file(&mut archive, "ort-test/include/onnxruntime_c_api.h", b"/* a header */\n");
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    archive.append_link(&mut link, "ort-test/lib/libonnxruntime.so", "libonnxruntime.so.1.0.0").unwrap();
    file(&mut archive, LIBRARY, library);
    archive.into_inner().unwrap().finish().unwrap()
}

/// Bytes that stand for a library where none is loaded.
fn fake_library() -> Vec<u8> {
    (0..2_000_000u32).map(|i| (i.wrapping_mul(2_246_822_519) >> 11) as u8).collect()
}

#[test]
fn voices_download_provides_a_checked_runtime_once_even_to_two_runs_at_once() {
    let (library, archive) = (fake_library(), runtime_archive(&fake_library()));
    let setup = Setup::new(Voice::fake(NAME, 1), 1).providing_runtime(Reply::Whole(archive.clone()), &archive);
    setup.two_downloads_at_once();
    let (installed, files) = setup.runtime();
    assert_eq!(files, ["libonnxruntime.so"]);
    assert_eq!(std::fs::read(installed).unwrap(), library);
    assert_eq!(setup.mirror.requests(ARCHIVE), 1);
    assert!(setup.download().status.success());
    assert_eq!(setup.mirror.all_requests(), 3, "nothing is fetched again");
}

#[test]
fn a_runtime_that_differs_from_its_pin_is_refused_and_nothing_is_installed() {
    let archive = runtime_archive(&fake_library());
    let mut changed = archive.clone();
    changed[123_456] ^= 1;
    let setup = Setup::new(Voice::fake(NAME, 1), 1).providing_runtime(Reply::Whole(changed), &archive);
    let stderr = one_line(&setup.download());
    assert!(stderr.contains(ARCHIVE) && stderr.contains("SHA-256") && stderr.contains("discarded"), "{stderr}");
    assert_eq!(setup.runtime().1, Vec::<String>::new());
}

#[test]
fn a_runtime_archive_cut_short_or_without_the_library_leaves_nothing() {
    let archive = runtime_archive(&fake_library());
    let setup = Setup::new(Voice::fake(NAME, 1), 1).providing_runtime(Reply::Cut(archive.clone()), &archive);
    let stderr = one_line(&setup.download());
    assert!(stderr.contains(ARCHIVE) && stderr.contains("discarded"), "{stderr}");
    assert_eq!(setup.runtime().1, Vec::<String>::new());

    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    let mut header = tar::Header::new_gnu();
    header.set_size(3);
    header.set_cksum();
    archive.append_data(&mut header, "ort-test/README", &b"no\n"[..]).unwrap();
    let archive = archive.into_inner().unwrap().finish().unwrap();
    let setup = setup.providing_runtime(Reply::Whole(archive.clone()), &archive);
    let stderr = one_line(&setup.download());
    assert!(stderr.contains(&format!("no {LIBRARY} in it; nothing was installed")), "{stderr}");
    assert_eq!(setup.runtime().1, Vec::<String>::new());
}

#[test]
fn an_offline_build_without_a_runtime_says_how_to_get_one() {
    let archive = runtime_archive(&fake_library());
    let setup = Setup::new(Voice::fake(NAME, 1), 1).providing_runtime(Reply::Whole(archive.clone()), &archive);
    let (model, config) = setup.voice.paths();
    let folder = setup.folder();
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(format!("{NAME}.onnx")), &setup.voice.model).unwrap();
    std::fs::write(folder.join(format!("{NAME}.onnx.json")), &setup.voice.config).unwrap();
    let tmp = TempDir::new().unwrap();
    let input = common::article(tmp.path(), "a.txt", b"Titre\n\nUne phrase.");
    let out = tmp.path().join("b.wav");
    let mut command = setup.briefing();
    command.arg("build").arg(&input).args(["--offline", "--voice", NAME]).arg("-o").arg(&out);
    let stderr = one_line(&command.output().unwrap());
    assert!(
        stderr.contains("ONNX Runtime is not installed") && stderr.contains("briefing voices download"),
        "{stderr}"
    );
    assert_eq!(setup.mirror.all_requests(), 0, "{model} {config}");
    assert!(!out.exists());
}

#[test]
#[ignore = "needs the Piper test voice and ONNX Runtime"]
fn a_build_provides_a_missing_runtime_then_uses_it_and_never_fetches_it_again() {
    let (model, runtime) = common::piper_test_voice();
    let library = std::fs::read(&runtime).unwrap();
    let archive = runtime_archive(&library);
    let setup = Setup::new(test_voice_as(NAME, &model), 1).providing_runtime(Reply::Whole(archive.clone()), &archive);
    let tmp = TempDir::new().unwrap();
    let input = common::article(tmp.path(), "a.txt", b"Le journal\n\nLe train part ce soir.");
    let build = |out: &str| {
        let mut command = setup.briefing();
        command.arg("build").arg(&input).args(["--voice", NAME, "--noise-scale", "0", "--noise-w", "0", "--no-cache"]);
        command.arg("-o").arg(tmp.path().join(out)).output().unwrap()
    };
    let first = build("first.wav");
    assert!(first.status.success(), "{first:?}");
    assert_eq!(std::fs::read(setup.runtime().0).unwrap(), library);
    assert_eq!(setup.mirror.all_requests(), 3, "the voice's two files and the runtime's archive");
    let second = build("second.wav");
    assert!(second.status.success(), "{second:?}");
    assert_eq!(setup.mirror.all_requests(), 3, "the second build makes no request");
    let first = std::fs::read(tmp.path().join("first.wav")).unwrap();
    assert!(first.len() > 44 + 22050, "a second of speech at least");
    assert_eq!(first, std::fs::read(tmp.path().join("second.wav")).unwrap());
}
