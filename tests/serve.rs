//! `briefing serve`: OpenAI's speech API over HTTP. Requests are written
//! by hand on sockets (so that a test can send slowly, stop reading or go
//! away), and by OpenAI's own Python client; the audio is checked against
//! what `build` makes of the same text.

mod common;

use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Room for [`long_text`].
const LONG: [&str; 2] = ["--max-input-chars", "20000"];

/// A short French text of three sentences.
const TEXT: &str =
    "Bonjour à tous. Le conseil municipal s'est réuni le 3 décembre 2026 à 18 h. Il a voté 12 délibérations.";

/// A running `briefing serve`, stopped (killed) when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    /// Starts the service on a free loopback port with `args`, without
    /// the sentence cache (unless `args` give one).
    fn start(args: &[&str]) -> Server {
        Server::start_in(briefing(), args)
    }

    /// Starts the service as [`Server::start`] does, with `home`'s
    /// environment (its folders, and any variable a test adds).
    fn start_in(home: assert_cmd::Command, args: &[&str]) -> Server {
        let mut child = Command::new(home.get_program())
            .args(["serve", "--listen", "127.0.0.1:0", "--no-cache"])
            .args(args)
            .envs(home.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stderr.as_mut().unwrap()).read_line(&mut line).unwrap();
        let address = line.split("http://").nth(1).and_then(|rest| rest.split_whitespace().next());
        let address = address.unwrap_or_else(|| panic!("no address in {line:?}")).parse().unwrap();
        Server { child, address }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        stream
    }

    /// Sends `head` (without its final blank line) and `body`, and reads
    /// the whole reply.
    fn send(&self, head: &str, body: &[u8]) -> Reply {
        let mut stream = self.connect();
        let length = if body.is_empty() { String::new() } else { format!("Content-Length: {}\r\n", body.len()) };
        write!(stream, "{head}\r\nHost: test\r\nConnection: close\r\n{length}\r\n").unwrap();
        stream.write_all(body).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        Reply::parse(&bytes)
    }

    fn get(&self, path: &str, headers: &str) -> Reply {
        self.send(format!("GET {path} HTTP/1.1\r\n{headers}").trim_end(), b"")
    }

    fn speech(&self, request: &Value, headers: &str) -> Reply {
        let head = format!("POST /v1/audio/speech HTTP/1.1\r\nContent-Type: application/json\r\n{headers}");
        self.send(head.trim_end(), request.to_string().as_bytes())
    }

    /// A speech request whose reply is read up to its first audio bytes:
    /// the socket, and the bytes read so far.
    fn speech_started(&self, request: &Value) -> (TcpStream, Vec<u8>) {
        let mut stream = self.connect();
        let body = request.to_string();
        write!(
            stream,
            "POST /v1/audio/speech HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut bytes = Vec::new();
        let mut buffer = [0; 4096];
        while Reply::body_start(&bytes).is_none_or(|start| bytes.len() < start + 64) {
            let read = stream.read(&mut buffer).unwrap();
            assert!(read > 0, "the reply ended early: {}", String::from_utf8_lossy(&bytes));
            bytes.extend_from_slice(&buffer[..read]);
        }
        (stream, bytes)
    }

    /// The value of a metric (its first line), as /metrics gives it.
    fn metric(&self, name: &str) -> f64 {
        self.metric_with(name, "")
    }

    /// [`Server::metric`], asked with `headers` (the key).
    fn metric_with(&self, name: &str, headers: &str) -> f64 {
        let text = String::from_utf8(self.get("/metrics", headers).body).unwrap();
        let line = text.lines().find(|l| l.starts_with(name) && !l.starts_with('#'));
        line.and_then(|l| l.rsplit(' ').next()?.parse().ok()).unwrap_or_else(|| panic!("no {name} in\n{text}"))
    }

    /// Waits until `metric` is `value`; panics after `limit`.
    fn wait_metric(&self, name: &str, value: f64, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.metric(name) != value {
            assert!(Instant::now() < deadline, "{name} is {} after {limit:?}, not {value}", self.metric(name));
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn signal(&self, signal: &str) {
        Command::new("kill").args([signal, &self.child.id().to_string()]).status().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP reply: status, headers (names in lower case), body (chunks
/// joined).
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn body_start(bytes: &[u8]) -> Option<usize> {
        bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|at| at + 4)
    }

    fn parse(bytes: &[u8]) -> Reply {
        let start =
            Reply::body_start(bytes).unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(bytes)));
        let head = String::from_utf8_lossy(&bytes[..start]).into_owned();
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v == "chunked");
        let body = if chunked { dechunk(&bytes[start..]) } else { bytes[start..].to_vec() };
        Reply { status, headers, body }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// An error reply as OpenAI gives it: `status`, and its code.
    fn assert_error(&self, status: u16, code: &str) {
        let json = self.json();
        assert_eq!((self.status, json["error"]["code"].as_str()), (status, Some(code)), "{json}");
        assert!(json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{json}");
        assert!(json["error"]["type"].as_str().is_some_and(|t| t.ends_with("_error")), "{json}");
    }
}

/// The body of a chunked reply, which must end with its last chunk.
fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line = bytes.windows(2).position(|w| w == b"\r\n").expect("a chunk size line");
        let size = usize::from_str_radix(std::str::from_utf8(&bytes[..line]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&bytes[line + 2..line + 2 + size]);
        bytes = &bytes[line + 2 + size + 2..];
    }
}

fn speech(input: &str, format: &str) -> Value {
    serde_json::json!({ "model": "tts-1", "input": input, "voice": "alloy", "response_format": format })
}

/// The samples of what `build` makes of `text` (voice fr-FR, no cache), at
/// its rate.
fn built(tmp: &Path, text: &str) -> (u32, usize) {
    let input = article(tmp, "text.txt", text.as_bytes());
    let (spec, samples, _) = build(&["--no-cache", input.to_str().unwrap()], &tmp.join("built.wav"));
    (spec.sample_rate, samples.len())
}

/// A long text: many sentences, minutes of speech (more than the
/// sockets' buffers hold), past the default --max-input-chars.
fn long_text() -> String {
    (1..=200).map(|n| format!("Voici la phrase numéro {n} de ce long texte. ")).collect()
}

#[test]
fn wav_and_pcm_are_as_long_as_build_makes_the_text() {
    let tmp = TempDir::new().unwrap();
    let (rate, samples) = built(tmp.path(), TEXT);
    let server = Server::start(&[]);
    let wav = server.speech(&speech(TEXT, "wav"), "");
    assert_eq!((wav.status, wav.header("content-type")), (200, Some("audio/wav")));
    assert_eq!(&wav.body[..4], b"RIFF");
    assert_eq!(u32::from_le_bytes(wav.body[24..28].try_into().unwrap()), 24_000);
    let pcm = server.speech(&speech(TEXT, "pcm"), "");
    assert_eq!(pcm.status, 200);
    assert_eq!(wav.body[44..], pcm.body[..], "the WAV carries the same samples as the PCM");
    let (ours, theirs) = (pcm.body.len() as f64 / 2.0 / 24_000.0, samples as f64 / f64::from(rate));
    assert!((ours - theirs).abs() < 0.001, "{ours} s streamed, {theirs} s built");
    // Every sample of the stream is speech at the bulletin's level: not silent.
    let loud = pcm.body.chunks_exact(2).filter(|b| i16::from_le_bytes([b[0], b[1]]).abs() > 3000).count();
    assert!(loud > 24_000 / 10, "{loud} loud samples");
}

/// Two articles, as the JSON input takes them.
fn two_articles() -> Value {
    serde_json::json!([
        { "title": "Le marché", "body": "Le marché ouvre samedi. Il y aura 40 exposants." },
        { "title": "La piscine", "body": "La piscine ferme pour travaux jusqu'au 12 janvier." },
    ])
}

/// What `build` makes of `articles` (no cache) into `name` in `tmp`: the
/// audio file's bytes, and its manifest.
fn built_bulletin(tmp: &Path, articles: &Value, name: &str) -> (Vec<u8>, Value) {
    built_with(tmp, articles, name, &[])
}

/// [`built_bulletin`], with more options for `build`.
fn built_with(tmp: &Path, articles: &Value, name: &str, args: &[&str]) -> (Vec<u8>, Value) {
    let file = article(tmp, "articles.json", articles.to_string().as_bytes());
    let out = tmp.join(name);
    let written = ["build", "--no-cache", file.to_str().unwrap(), "-o", out.to_str().unwrap()];
    briefing().args(written).args(args).assert().success();
    let manifest = serde_json::from_slice(&std::fs::read(out.with_extension("json")).unwrap()).unwrap();
    (std::fs::read(&out).unwrap(), manifest)
}

fn post_bulletin(server: &Server, path: &str, request: &Value, headers: &str) -> Reply {
    let head = format!("POST {path} HTTP/1.1\r\nContent-Type: application/json\r\n{headers}");
    server.send(head.trim_end(), request.to_string().as_bytes())
}

#[test]
fn a_bulletin_is_the_file_build_makes_byte_for_byte() {
    let tmp = TempDir::new().unwrap();
    let articles = two_articles();
    let server = Server::start(&[]);
    for (format, content_type) in [("wav", "audio/wav"), ("mp3", "audio/mpeg")] {
        let (built, _) = built_bulletin(tmp.path(), &articles, &format!("built-{format}.{format}"));
        let request = serde_json::json!({ "articles": articles, "response_format": format });
        let reply = post_bulletin(&server, "/v1/bulletins", &request, "");
        assert_eq!((reply.status, reply.header("content-type")), (200, Some(content_type)));
        assert_eq!(reply.header("content-length"), Some(built.len().to_string().as_str()));
        assert!(
            reply.body == built,
            "{format}: {} bytes served, {} built, not the same",
            reply.body.len(),
            built.len()
        );
    }
    // The opening, titles and closing come on top.
    let request = serde_json::json!({ "articles": articles, "announce": true, "response_format": "wav" });
    let announced = post_bulletin(&server, "/v1/bulletins", &request, "");
    let (plain, _) = built_bulletin(tmp.path(), &articles, "plain.wav");
    assert!(announced.body.len() > plain.len() + 3 * 2 * 22_050, "{} bytes", announced.body.len());
    let post = |request: Value| post_bulletin(&server, "/v1/bulletins", &request, "");
    post(serde_json::json!({ "articles": 3 })).assert_error(400, "invalid_articles");
    post(serde_json::json!({ "articles": [{ "title": "Sans corps" }] })).assert_error(400, "cannot_speak");
    let pcm = serde_json::json!({ "articles": articles, "response_format": "pcm" });
    post(pcm).assert_error(400, "invalid_response_format");
}

#[test]
fn a_bulletin_with_its_manifest_is_fetched_once_with_the_key() {
    let tmp = TempDir::new().unwrap();
    let articles = two_articles();
    let (built, built_manifest) = built_bulletin(tmp.path(), &articles, "built.mp3");
    let key = article(tmp.path(), "key", b"k-1\n");
    // The server's temporary files, where the test can see them.
    let temporary = tmp.path().join("server-tmp");
    std::fs::create_dir(&temporary).unwrap();
    let mut home = briefing();
    home.env("TMPDIR", &temporary);
    let server = Server::start_in(home, &["--api-key-file", key.to_str().unwrap()]);
    let request = serde_json::json!({ "articles": articles, "response_format": "mp3" });
    post_bulletin(&server, "/v1/bulletins?manifest=1", &request, "").assert_error(401, "missing_api_key");
    let reply = post_bulletin(&server, "/v1/bulletins?manifest=1", &request, "Authorization: Bearer k-1");
    assert_eq!((reply.status, reply.header("content-type")), (200, Some("application/json")));
    let manifest = reply.json();
    for field in ["sample_rate", "samples", "duration", "loudness", "engine"] {
        assert_eq!(manifest[field], built_manifest[field], "{field}: {manifest}");
    }
    // The same sentences at the same places; only the articles' source differs.
    let sentences =
        |m: &Value| m["articles"].as_array().unwrap().iter().map(|a| a["sentences"].clone()).collect::<Vec<_>>();
    assert_eq!(sentences(&manifest), sentences(&built_manifest));
    assert_eq!(sentences(&manifest).len(), 2);
    assert!(manifest["expires_in"].as_f64().is_some_and(|s| s > 0.0), "{manifest}");
    let url = manifest["audio_url"].as_str().unwrap_or_else(|| panic!("no audio_url in {manifest}"));
    let id = url.strip_prefix("/v1/bulletins/").and_then(|rest| rest.strip_suffix("/audio")).unwrap();
    assert!(id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()), "128 random bits: {id}");
    let metric = |name: &str| server.metric_with(name, "Authorization: Bearer k-1");
    assert_eq!(metric("briefing_bulletins_waiting "), 1.0);
    assert_eq!(metric("briefing_bulletins_waiting_bytes"), built.len() as f64);
    assert!(!names(&temporary).is_empty(), "the bulletin waits in the server's temporary folder");

    let fetch = |path: &str, headers: &str| server.get(path, headers);
    fetch(url, "").assert_error(401, "missing_api_key");
    let audio = fetch(url, "Authorization: Bearer k-1");
    assert_eq!((audio.status, audio.header("content-type")), (200, Some("audio/mpeg")));
    assert!(audio.body == built, "the audio is build's, byte for byte");
    fetch(url, "Authorization: Bearer k-1").assert_error(404, "not_found");
    let unknown = format!("/v1/bulletins/{}/audio", "0".repeat(32));
    fetch(&unknown, "Authorization: Bearer k-1").assert_error(404, "not_found");
    assert_eq!(metric("briefing_bulletins_waiting "), 0.0);
    assert_eq!(names(&temporary), Vec::<String>::new(), "its files are removed once fetched");

    // One left waiting is removed when the service stops.
    let reply = post_bulletin(&server, "/v1/bulletins?manifest=1", &request, "Authorization: Bearer k-1");
    assert_eq!(reply.status, 200);
    assert!(!names(&temporary).is_empty());
    server.signal("-TERM");
    let mut server = server;
    assert!(server.child.wait().unwrap().success());
    assert_eq!(names(&temporary), Vec::<String>::new(), "its files are removed at the stop");
}

#[test]
fn a_bulletin_s_subtitles_are_those_build_writes_each_fetched_once() {
    let tmp = TempDir::new().unwrap();
    let articles = two_articles();
    let key = article(tmp.path(), "key", b"k-2\n");
    let server = Server::start(&["--api-key-file", key.to_str().unwrap()]);
    let key = "Authorization: Bearer k-2";
    let waiting = || server.metric_with("briefing_bulletins_waiting ", key);
    for (format, content_type, audio_first) in [("srt", "application/x-subrip", false), ("vtt", "text/vtt", true)] {
        let name = format!("built-{format}.wav");
        let (audio, _) = built_with(tmp.path(), &articles, &name, &["--subtitles", format]);
        let subtitles = std::fs::read(tmp.path().join(&name).with_extension(format)).unwrap();
        let request = serde_json::json!({ "articles": articles, "response_format": "wav", "subtitles": format });
        let manifest = post_bulletin(&server, "/v1/bulletins?manifest=1", &request, key).json();
        let url =
            |field: &str| manifest[field].as_str().unwrap_or_else(|| panic!("no {field} in {manifest}")).to_owned();
        let (audio_url, subtitles_url) = (url("audio_url"), url("subtitles_url"));
        assert_eq!(subtitles_url.replace("/subtitles", "/audio"), audio_url, "one id for both");
        server.get(&subtitles_url, "").assert_error(401, "missing_api_key");
        if audio_first {
            assert!(server.get(&audio_url, key).body == audio, "{format}: the audio is build's");
            assert_eq!(waiting(), 1.0, "the subtitles still wait");
        }
        let fetched = server.get(&subtitles_url, key);
        assert_eq!((fetched.status, fetched.header("content-type")), (200, Some(content_type)));
        assert!(
            fetched.body == subtitles,
            "{format}: not build's:\n{}\n---\n{}",
            String::from_utf8_lossy(&fetched.body),
            String::from_utf8_lossy(&subtitles)
        );
        server.get(&subtitles_url, key).assert_error(404, "not_found");
        if !audio_first {
            assert_eq!(waiting(), 1.0, "the audio still waits");
            assert!(server.get(&audio_url, key).body == audio, "{format}: the audio is build's");
        }
        assert_eq!(waiting(), 0.0, "gone with its last file");
    }
    let request = serde_json::json!({ "articles": articles, "subtitles": "srt" });
    let refused = post_bulletin(&server, "/v1/bulletins", &request, key);
    refused.assert_error(400, "subtitles_need_manifest");
    assert!(refused.json()["error"]["message"].as_str().unwrap().contains("?manifest=1"));
    let request = serde_json::json!({ "articles": articles, "subtitles": "ass" });
    post_bulletin(&server, "/v1/bulletins?manifest=1", &request, key).assert_error(400, "invalid_subtitles");
    let request = serde_json::json!({ "articles": articles });
    let plain = post_bulletin(&server, "/v1/bulletins?manifest=1", &request, key).json();
    assert!(plain.get("subtitles_url").is_none() && plain.get("audio_url").is_some(), "{plain}");
}

#[test]
fn a_voice_is_opened_once_for_every_request() {
    let server = Server::start(&["--voice-map", "nova=fr-BE"]);
    // The default voice and the mapped one are opened at the start.
    assert_eq!(server.metric("briefing_voice_loads_total"), 2.0);
    for voice in ["alloy", "fr-FR", "nova", "fr-BE", "fr-CH", "fr-CH"] {
        let request = serde_json::json!({ "input": TEXT, "voice": voice, "response_format": "pcm" });
        assert_eq!(server.speech(&request, "").status, 200);
    }
    let request = serde_json::json!({ "articles": two_articles(), "voice": "fr-CH", "response_format": "wav" });
    assert_eq!(post_bulletin(&server, "/v1/bulletins", &request, "").status, 200);
    assert_eq!(server.metric("briefing_voice_loads_total"), 3.0, "fr-CH opened once");
    assert_eq!(server.metric("briefing_voice_hits_total"), 6.0);
}

#[test]
fn a_wrong_voice_is_refused_before_listening() {
    let tmp = TempDir::new().unwrap();
    let config = article(tmp.path(), "briefing.toml", b"[serve]\nvoice = \"fr-XX\"\n");
    let config = config.to_str().unwrap();
    for (args, named) in [
        (&["--voice", "nobody"][..], ["--voice:", "nobody"]),
        (&["--voice-map", "alloy=fr-FR,nova=nobody"], ["--voice-map nova=nobody:", "unknown voice"]),
        (&["--config", config], ["--voice:", "fr-XX"]),
    ] {
        let output = briefing().arg("serve").args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(named.iter().all(|n| stderr.contains(n)) && !stderr.contains("serving"), "{args:?}: {stderr}");
    }
}

/// The Piper test voice installed under `name` in `home`'s data folder.
fn install_test_voice(home: &assert_cmd::Command, name: &str) {
    let (voice, _) = piper_test_voice();
    let data = home.get_envs().find(|(k, _)| *k == "XDG_DATA_HOME").and_then(|(_, v)| v).unwrap();
    let folder = Path::new(data).join("briefing/voices").join(name);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(&voice, folder.join(format!("{name}.onnx"))).unwrap();
    let config = PathBuf::from(format!("{}.json", voice.display()));
    std::fs::copy(config, folder.join(format!("{name}.onnx.json"))).unwrap();
}

/// Seconds until the first audio of a speech request, whose reply is
/// then read to its end (its synthesis over, the voice is free).
fn first_byte(server: &Server, request: &Value) -> f64 {
    let started = Instant::now();
    let (mut stream, mut bytes) = server.speech_started(request);
    let seconds = started.elapsed().as_secs_f64();
    stream.read_to_end(&mut bytes).unwrap();
    assert_eq!(Reply::parse(&bytes).status, 200);
    seconds
}

#[test]
#[ignore = "needs the Piper test voice and ONNX Runtime"]
fn a_piper_voice_is_loaded_once_and_the_next_request_starts_at_once() {
    let (_, runtime) = piper_test_voice();
    let home = briefing();
    install_test_voice(&home, "joe");
    let server = Server::start_in(home, &["--onnxruntime", runtime.to_str().unwrap()]);
    let request = serde_json::json!({ "input": "Bonjour à tous. Voici les nouvelles.", "voice": "joe", "response_format": "pcm" });
    let first = first_byte(&server, &request);
    let second = first_byte(&server, &request);
    eprintln!("time to first byte with the Piper voice: {first:.3} s, then {second:.3} s");
    assert!(second < first / 2.0, "the second request waited {second:.3} s, the first {first:.3} s");
    // fr-FR at the start, then joe once.
    assert_eq!(server.metric("briefing_voice_loads_total"), 2.0);
    assert_eq!(server.metric("briefing_voice_hits_total"), 1.0);
}

#[test]
fn bad_requests_get_openai_errors_never_a_500() {
    let server = Server::start(&["--max-input-chars", "200"]);
    let post = |body: &[u8]| server.send("POST /v1/audio/speech HTTP/1.1\r\nContent-Type: application/json", body);
    post(b"{\"input\": \"Bonjour\"").assert_error(400, "invalid_json");
    post(b"[1, 2]").assert_error(400, "invalid_json");
    post(b"\xff\xfe").assert_error(400, "invalid_json");
    server.speech(&speech("", "mp3"), "").assert_error(400, "empty_input");
    server.speech(&speech(" \n ", "mp3"), "").assert_error(400, "empty_input");
    server.speech(&speech(TEXT, "flac"), "").assert_error(400, "invalid_response_format");
    for voice in ["nobody", "/etc/passwd", "../voices/x.onnx", "fr-FR.onnx"] {
        let request = serde_json::json!({ "model": "x", "input": TEXT, "voice": voice });
        server.speech(&request, "").assert_error(400, "unknown_voice");
    }
    let request = serde_json::json!({ "model": "x", "input": TEXT, "voice": "nova", "speed": 9 });
    server.speech(&request, "").assert_error(400, "invalid_speed");
    server.speech(&speech("...", "wav"), "").assert_error(400, "cannot_speak");
    server.speech(&speech(&"a".repeat(201), "wav"), "").assert_error(413, "input_too_long");
    // A body past the limit is refused on its declared length, unread.
    let head = "POST /v1/audio/speech HTTP/1.1\r\nHost: test\r\nContent-Length: 100000000\r\n\r\n";
    let mut stream = server.connect();
    stream.write_all(head.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    Reply::parse(&bytes).assert_error(413, "body_too_large");
    // And one that does not say its length, on what it sends (the reply
    // may be lost to the reset of a connection closed with bytes unread:
    // the metrics tell it).
    let big = format!("{{\"input\": \"{}\"}}", "a".repeat(70_000));
    let mut stream = server.connect();
    let head =
        "POST /v1/audio/speech HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    write!(stream, "{head}{:x}\r\n{big}\r\n0\r\n\r\n", big.len()).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    server.get("/v1/nothing", "").assert_error(404, "not_found");
    let metrics = String::from_utf8(server.get("/metrics", "").body).unwrap();
    assert!(!metrics.contains("status=\"500\""), "{metrics}");
    assert!(metrics.contains("briefing_requests_total{route=\"/v1/audio/speech\",status=\"400\"} 12"), "{metrics}");
    assert!(metrics.contains("briefing_requests_total{route=\"/v1/audio/speech\",status=\"413\"} 3"), "{metrics}");
}

#[test]
fn the_key_is_asked_for_and_compared() {
    let tmp = TempDir::new().unwrap();
    let key = article(tmp.path(), "key", b"s3cret-key\n");
    let server = Server::start(&["--api-key-file", key.to_str().unwrap()]);
    server.get("/v1/models", "").assert_error(401, "missing_api_key");
    server.get("/v1/models", "Authorization: Bearer s3cret").assert_error(401, "invalid_api_key");
    server.speech(&speech(TEXT, "wav"), "Authorization: Bearer wrong").assert_error(401, "invalid_api_key");
    server.get("/metrics", "").assert_error(401, "missing_api_key");
    let models = server.get("/v1/models", "Authorization: Bearer s3cret-key");
    assert_eq!(models.status, 200);
    assert_eq!(models.json()["data"][0]["object"], "model");
    assert_eq!(server.speech(&speech(TEXT, "pcm"), "Authorization: Bearer s3cret-key").status, 200);
    // Health is for load balancers: no key.
    assert_eq!(server.get("/healthz", "").status, 200);
}

#[test]
fn a_public_address_without_a_key_is_refused_at_start() {
    let output = briefing().args(["serve", "--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("0.0.0.0:0") && stderr.contains("--api-key-file"), "{stderr}");
    let tmp = TempDir::new().unwrap();
    let empty = article(tmp.path(), "key", b"\n");
    let output = briefing().args(["serve", "--api-key-file", empty.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_config_file_serve_section_sets_the_service() {
    let tmp = TempDir::new().unwrap();
    let config = article(tmp.path(), "briefing.toml", b"[serve]\nmax-input-chars = 20\nvoice-map = \"nova=fr-CH\"\n");
    let server = Server::start(&["--config", config.to_str().unwrap()]);
    server.speech(&speech(&"a".repeat(21), "pcm"), "").assert_error(413, "input_too_long");
    let pcm = |voice: &str| serde_json::json!({ "input": "Il y a 80 ans.", "voice": voice, "response_format": "pcm" });
    assert_eq!(server.speech(&pcm("nova"), "").body, server.speech(&pcm("fr-CH"), "").body);
    assert_ne!(server.speech(&pcm("nova"), "").body, server.speech(&pcm("alloy"), "").body);
}

#[test]
fn voices_and_models_are_listed() {
    let server = Server::start(&["--voice-map", "nova=fr-BE"]);
    let voices = server.get("/v1/voices", "").json();
    let names: Vec<&str> = voices["voices"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    for name in ["alloy", "nova", "fr-FR", "fr-BE", "fr-CH", "natural"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    // nova is read by fr-BE (in its region: "septante"), alloy by the
    // default voice (fr-FR: "soixante-dix").
    let text = "Il y avait 70 personnes.";
    let pcm = |voice: &str| serde_json::json!({ "input": text, "voice": voice, "response_format": "pcm" });
    let (nova, alloy, belgian) =
        (server.speech(&pcm("nova"), ""), server.speech(&pcm("alloy"), ""), server.speech(&pcm("fr-BE"), ""));
    assert_eq!(nova.body, belgian.body);
    assert_ne!(nova.body, alloy.body);
    assert_eq!(server.get("/healthz", "").body, b"ok\n");
}

#[test]
fn audio_leaves_before_the_synthesis_ends_and_a_client_that_leaves_stops_it() {
    let server = Server::start(&LONG);
    let (stream, first) = server.speech_started(&speech(&long_text(), "pcm"));
    assert!(String::from_utf8_lossy(&first).starts_with("HTTP/1.1 200"));
    // The first audio is here while the rest is still being made.
    assert_eq!(server.metric("briefing_syntheses_running"), 1.0);
    assert_eq!(server.metric("briefing_first_byte_seconds_count"), 1.0);
    drop(stream);
    server.wait_metric("briefing_syntheses_cancelled_total", 1.0, Duration::from_secs(30));
    server.wait_metric("briefing_syntheses_running", 0.0, Duration::from_secs(5));
    assert!(server.metric("briefing_audio_seconds_total") < 300.0);
}

#[test]
fn a_full_queue_is_refused_with_retry_after() {
    let server = Server::start(&[&LONG[..], &["--max-concurrent", "1", "--queue", "0"]].concat());
    let (held, _) = server.speech_started(&speech(&long_text(), "pcm"));
    let refused = server.speech(&speech(TEXT, "pcm"), "");
    refused.assert_error(429, "busy");
    assert_eq!(refused.header("retry-after"), Some("1"));
    drop(held);
    server.wait_metric("briefing_syntheses_running", 0.0, Duration::from_secs(30));
    assert_eq!(server.speech(&speech(TEXT, "pcm"), "").status, 200);
}

#[test]
fn a_slow_client_holds_nobody_up() {
    let server = Server::start(&["--max-concurrent", "1"]);
    // One sends its head a byte a second, another its body.
    let slow = |text: &'static [u8]| {
        let mut stream = server.connect();
        std::thread::spawn(move || {
            for byte in text {
                if stream.write_all(std::slice::from_ref(byte)).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let _head = slow(b"POST /v1/audio/speech HTTP/1.1\r\nHost: slow\r\n");
    let mut body = server.connect();
    body.write_all(b"POST /v1/audio/speech HTTP/1.1\r\nHost: slow\r\nContent-Length: 200\r\n\r\n{").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    assert_eq!(server.get("/healthz", "").status, 200);
    assert_eq!(server.speech(&speech(TEXT, "wav"), "").status, 200);
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
    // The body that does not come is given up on (10 s), with a 408.
    let mut bytes = Vec::new();
    body.read_to_end(&mut bytes).unwrap();
    Reply::parse(&bytes).assert_error(408, "body_timeout");
}

#[test]
fn a_signal_stops_taking_requests_and_finishes_those_under_way() {
    let server = Server::start(&[]);
    let text: String = (1..=8).map(|n| format!("Voici la phrase numéro {n}. ")).collect();
    let (mut stream, mut bytes) = server.speech_started(&speech(&text, "pcm"));
    server.signal("-TERM");
    stream.read_to_end(&mut bytes).unwrap();
    let reply = Reply::parse(&bytes);
    assert_eq!(reply.status, 200);
    let tmp = TempDir::new().unwrap();
    let (rate, samples) = built(tmp.path(), &text);
    let (ours, theirs) = (reply.body.len() as f64 / 2.0 / 24_000.0, samples as f64 / f64::from(rate));
    assert!((ours - theirs).abs() < 0.001, "the stream was cut: {ours} s of {theirs} s");
    let mut server = server;
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(TcpStream::connect(server.address).is_err(), "still listening");
}

/// The Python of the venv that holds OpenAI's client:
/// `BRIEFING_OPENAI_PYTHON`, else where `scripts/install-openai-client.sh`
/// puts it.
fn openai_python() -> PathBuf {
    installed("BRIEFING_OPENAI_PYTHON", "openai-client/bin/python", "scripts/install-openai-client.sh")
}

/// Each format asked of the service by OpenAI's client, whole
/// (`audio.speech.create`) and streamed (`with_streaming_response`), into
/// FOLDER/FORMAT.create and FOLDER/FORMAT.streamed.
const OPENAI_CLIENT: &str = r#"
import sys, openai
base, key, folder, text = sys.argv[1:5]
client = openai.OpenAI(base_url=base, api_key=key)
for format in ("mp3", "opus", "wav", "pcm"):
    reply = client.audio.speech.create(model="tts-1", voice="alloy", input=text, response_format=format)
    reply.write_to_file(f"{folder}/{format}.create")
    with client.audio.speech.with_streaming_response.create(
        model="tts-1", voice="nova", input=text, response_format=format, speed=1.0
    ) as streamed:
        assert streamed.headers["content-type"].startswith("audio/"), streamed.headers
        with open(f"{folder}/{format}.streamed", "wb") as out:
            for chunk in streamed.iter_bytes(1024):
                out.write(chunk)
"#;

#[test]
#[ignore = "needs OpenAI's Python client and ffmpeg"]
fn openai_client_gets_every_format_as_long_as_build_makes_it() {
    let python = openai_python();
    let tmp = TempDir::new().unwrap();
    let key = article(tmp.path(), "key", b"k-123\n");
    let server = Server::start(&["--api-key-file", key.to_str().unwrap()]);
    let base = format!("http://{}/v1", server.address);
    let output = Command::new(python)
        .args(["-c", OPENAI_CLIENT, &base, "k-123", tmp.path().to_str().unwrap(), TEXT])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (rate, samples) = built(tmp.path(), TEXT);
    let expected = samples as f64 / f64::from(rate);
    for (format, codec) in [("mp3", "mp3"), ("opus", "opus"), ("wav", "pcm_s16le")] {
        for way in ["create", "streamed"] {
            let file = tmp.path().join(format!("{format}.{way}"));
            let probed = ffprobe(&file);
            assert_eq!(probed["streams"][0]["codec_name"], codec, "{format}.{way}: {probed}");
            let seconds = decoded_seconds(&file);
            assert!((seconds - expected).abs() < 0.05, "{format}.{way}: {seconds} s, build made {expected} s");
        }
    }
    // pcm has no header: ffprobe reads it as OpenAI describes it.
    for way in ["create", "streamed"] {
        let file = tmp.path().join(format!("pcm.{way}"));
        let args = ["-v", "error", "-f", "s16le", "-sample_rate", "24000", "-ch_layout", "mono", "-i"];
        let args = args.map(std::ffi::OsStr::new);
        let mut args = args.to_vec();
        args.extend([
            file.as_os_str(),
            "-show_entries".as_ref(),
            "format=duration".as_ref(),
            "-of".as_ref(),
            "csv=p=0".as_ref(),
        ]);
        let probed = ffmpeg_tool("ffprobe", &args);
        let seconds: f64 = String::from_utf8_lossy(&probed.stdout).trim().parse().unwrap();
        assert!((seconds - expected).abs() < 0.05, "pcm.{way}: {seconds} s, build made {expected} s");
    }
}

/// The speech route sets its level before its first byte leaves, from the
/// first sentence (the whole text is not made yet): a text opening on a
/// short greeting, then sentences of figures, names and a question, still
/// comes out within 1 LU of the level `build` measures over the whole
/// program (EBU R128's tolerance for a live program).
#[test]
#[ignore = "needs ffmpeg"]
fn speech_is_at_build_s_level_within_one_lu() {
    let text = "Bonsoir. Le budget de la région atteint 4,2 milliards d'euros, en hausse de 3,5 % sur un an. \
                Qui paiera la facture ? Les départements du Nord et du Pas-de-Calais demandent 120 millions \
                de plus pour leurs collèges, et la présidente promet une réponse avant le 15 janvier.";
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "text.txt", text.as_bytes());
    let built = tmp.path().join("built.wav");
    build(&["--no-cache", input.to_str().unwrap()], &built);
    let server = Server::start(&[]);
    let reply = server.speech(&speech(text, "wav"), "");
    assert_eq!(reply.status, 200);
    let streamed = tmp.path().join("streamed.wav");
    std::fs::write(&streamed, &reply.body).unwrap();
    let ((ours, _), (theirs, _)) = (ffmpeg_loudness(&streamed), ffmpeg_loudness(&built));
    assert!((ours - theirs).abs() <= 1.0, "speech at {ours} LUFS, build at {theirs} LUFS");
}
