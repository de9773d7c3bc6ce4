//! `briefing serve`: French speech over HTTP, compatible with OpenAI's
//! speech API (`POST /v1/audio/speech`), bulletins of articles (`POST
//! /v1/bulletins`), with `/v1/models`, `/v1/voices`,
//! `/healthz` and Prometheus' `/metrics`. A speech request is read as
//! `speak` reads a bulletin (the plan of `build`, its voice, its level) and
//! its audio streamed as each sentence is made; a bulletin is made by
//! `build` itself. Voices stay open between requests.
//!
//! Safe by default: loopback unless a key is given, keys compared in
//! constant time, texts never logged, no request naming a file, and every
//! resource bounded (body, characters, syntheses at once and waiting,
//! header, body and stall timeouts, time per request).

mod bulletin;
mod encode;
mod metrics;
mod speech;
mod voices;

use crate::error::{Error, Result};
use crate::pipeline::BuildOptions;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use metrics::Metrics;
use serde_json::json;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore};
use voices::Voices;

/// How the service runs. Made with [`ServeOptions::new`]; the fields are
/// the command line's flags.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// Clients send it as `Authorization: Bearer KEY`; required to listen
    /// anywhere but on loopback.
    pub api_key: Option<String>,
    /// Voice names clients send (OpenAI's `alloy`, `nova`...) read by one of
    /// ours; OpenAI's names not given here are read by `build.voice`.
    pub voice_map: BTreeMap<String, String>,
    /// Numbers are read in the region of each request's voice (`fr-BE`
    /// says "septante"), as `build --voice` does without `--dialect`.
    pub dialect_of_voice: bool,
    /// Syntheses at once; others wait in a queue of `queue` places.
    pub max_concurrent: usize,
    pub queue: usize,
    pub max_input_chars: usize,
    pub max_body_bytes: usize,
    /// To receive a request's head, and its body.
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    /// A client that takes no audio for this long is let go.
    pub stall_timeout: Duration,
    /// The longest a request may take, waiting in the queue included.
    pub request_timeout: Duration,
    /// On a stop, how long responses under way may take to finish.
    pub shutdown_grace: Duration,
    /// Bulletins made with `?manifest=1` waiting for their audio to be
    /// fetched (those being made included): at most this many, each for
    /// at most `bulletin_expiry`.
    pub bulletins_kept: usize,
    pub bulletin_expiry: Duration,
    /// Voices (with their options) kept open between requests.
    pub voices_open: usize,
    /// What every request is read with: the default voice, the reading,
    /// pauses, level and sentence cache; the inputs are the request's.
    pub build: BuildOptions,
}

impl ServeOptions {
    /// On 127.0.0.1:8880, reading as `build` (its voice the default one).
    pub fn new(build: BuildOptions) -> Self {
        ServeOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 8880)),
            api_key: None,
            voice_map: BTreeMap::new(),
            dialect_of_voice: true,
            max_concurrent: 2,
            queue: 16,
            max_input_chars: 4096,
            max_body_bytes: 64 << 10,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            stall_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(300),
            shutdown_grace: Duration::from_secs(30),
            bulletins_kept: 16,
            bulletin_expiry: Duration::from_secs(600),
            voices_open: 4,
            build,
        }
    }

    /// Refuses to listen beyond this machine without a key.
    fn check(&self) -> Result<()> {
        if !self.listen.ip().is_loopback() && self.api_key.is_none() {
            return Err(Error::Usage(format!(
                "--listen {}: not a loopback address; anyone could use the service: give --api-key-file, or listen on 127.0.0.1",
                self.listen
            )));
        }
        if self.max_concurrent == 0 {
            return Err(Error::Usage("--max-concurrent must be at least 1".into()));
        }
        Ok(())
    }

    /// Synthesis threads of one request: the cores shared between the
    /// syntheses at once, unless `build.jobs` says.
    fn jobs(&self) -> usize {
        match self.build.jobs {
            0 => (crate::pipeline::threads(0) / self.max_concurrent).max(1),
            jobs => jobs,
        }
    }

    /// Opens the voices the options name, the default and the mapped
    /// ones, so that a wrong one is refused before the service listens
    /// (and the first requests find them open).
    fn open_voices(&self, voices: &Voices) -> Result<()> {
        let default = std::iter::once(("--voice".to_owned(), &self.build.voice));
        let mapped = self.voice_map.iter().map(|(name, voice)| (format!("--voice-map {name}={voice}"), voice));
        for (given, voice) in default.chain(mapped) {
            voices.get(voice, &self.build.voice_options).map_err(|e| Error::Usage(format!("{given}: {e}")))?;
        }
        Ok(())
    }
}

/// Stops a running [`serve`] from another thread (a signal handler): it
/// accepts no more connections, lets the responses under way finish (up to
/// [`ServeOptions::shutdown_grace`]) and returns.
#[derive(Clone, Default)]
pub struct Stop {
    asked: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Stop {
    pub fn new() -> Self {
        Stop::default()
    }

    pub fn stop(&self) {
        self.asked.store(true, Ordering::SeqCst);
        self.notify.notify_one();
    }

    /// Whether a stop was asked.
    pub fn asked(&self) -> bool {
        self.asked.load(Ordering::SeqCst)
    }
}

/// Serves until `stop`; `ready` is told the address listened on (the port
/// chosen when `listen` asks for port 0) once requests are taken.
pub fn serve(options: ServeOptions, stop: &Stop, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    options.check()?;
    let voices = Voices::new(options.voices_open, options.jobs());
    options.open_voices(&voices)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::failed("serve", "cannot start the runtime", e))?;
    let grace = options.shutdown_grace;
    let served = runtime.block_on(run(options, voices, stop.clone(), ready));
    runtime.shutdown_timeout(grace);
    served
}

/// What every handler shares.
pub(crate) struct Shared {
    options: ServeOptions,
    metrics: Metrics,
    slots: Arc<Semaphore>,
    closing: AtomicBool,
    /// The key's digest: compared with a request's in constant time.
    key: Option<[u8; 32]>,
    voices: Voices,
    kept: bulletin::Kept,
}

async fn run(options: ServeOptions, voices: Voices, stop: Stop, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let shown = options.listen.to_string();
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| Error::failed(shown.clone(), "cannot listen", e))?;
    let address = listener.local_addr().map_err(|e| Error::failed(shown, "cannot listen", e))?;
    let shared = Arc::new(Shared {
        key: options.api_key.as_deref().map(digest),
        slots: Arc::new(Semaphore::new(options.max_concurrent)),
        closing: AtomicBool::new(false),
        metrics: Metrics::default(),
        voices,
        kept: bulletin::Kept::new(options.bulletins_kept, options.bulletin_expiry),
        options,
    });
    let expiring = tokio::spawn(expire(Arc::clone(&shared)));
    let app = routes(Arc::clone(&shared));
    let mut connections = hyper::server::conn::http1::Builder::new();
    connections.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(shared.options.header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    ready(address);
    while !stop.asked() {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else {
                    // Out of file descriptors, say: a moment for others to close.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let connection = connections.serve_connection(hyper_util::rt::TokioIo::new(socket), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            () = stop.notify.notified() => {}
        }
    }
    drop(listener);
    shared.closing.store(true, Ordering::SeqCst);
    let _ = tokio::time::timeout(shared.options.shutdown_grace, graceful.shutdown()).await;
    expiring.abort();
    shared.kept.clear();
    Ok(())
}

/// Removes the bulletins no one fetched in time, as their time comes.
async fn expire(shared: Arc<Shared>) {
    let every = shared.options.bulletin_expiry.clamp(Duration::from_millis(100), Duration::from_secs(1));
    loop {
        tokio::time::sleep(every).await;
        shared.kept.expire();
    }
}

fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/audio/speech", post(speech::speech))
        .route("/v1/bulletins", post(bulletin::bulletin))
        .route(BULLETIN_AUDIO, get(bulletin::audio))
        .route(BULLETIN_SUBTITLES, get(bulletin::subtitles_of))
        .route("/v1/models", get(models))
        .route("/v1/voices", get(voices))
        .route("/metrics", get(metrics))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&shared), authorized))
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), counted))
        .with_state(shared)
}

/// An error as OpenAI's API gives it: `{"error": {"message", "type", "code"}}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    code: &'static str,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into(), code, retry_after: None }
    }

    pub fn bad(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// Busy: try again in `seconds`.
    pub fn busy(status: StatusCode, message: impl Into<String>, seconds: u64) -> Self {
        ApiError { retry_after: Some(seconds), ..ApiError::new(status, "busy", message) }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let kind = match self.status {
            StatusCode::UNAUTHORIZED => "authentication_error",
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => "rate_limit_error",
            _ => "invalid_request_error",
        };
        let body = json!({ "error": { "message": self.message, "type": kind, "code": self.code } });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// SHA-256 of a key: digests of equal length, compared in constant time.
fn digest(key: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(key.as_bytes()).into()
}

/// Every byte compared, whatever the first difference.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |differ, (x, y)| differ | (x ^ y)) == 0
}

/// Lets a request through if the service has no key or it carries it.
async fn authorized(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let Some(key) = &shared.key else { return next.run(request).await };
    let given = bearer(request.headers());
    match given {
        Some(given) if same(&digest(given), key) => next.run(request).await,
        Some(_) => ApiError::new(StatusCode::UNAUTHORIZED, "invalid_api_key", "the API key is wrong").into_response(),
        None => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing_api_key",
            "an API key is needed: send it as Authorization: Bearer KEY",
        )
        .into_response(),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}

/// Counts each response by route and status, with the time until its head.
async fn counted(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = route(request.uri().path());
    let response = next.run(request).await;
    shared.metrics.request(route, response.status().as_u16(), started.elapsed());
    response
}

/// Where a bulletin kept with its manifest is fetched, and its subtitles.
const BULLETIN_AUDIO: &str = "/v1/bulletins/{id}/audio";
const BULLETIN_SUBTITLES: &str = "/v1/bulletins/{id}/subtitles";

/// A route's name for the metrics: one of ours, or "other" (the label's
/// values stay few whatever clients ask).
fn route(path: &str) -> &'static str {
    match path.strip_prefix("/v1/bulletins/").and_then(|p| p.split_once('/')) {
        Some((_, "audio")) => return BULLETIN_AUDIO,
        Some((_, "subtitles")) => return BULLETIN_SUBTITLES,
        _ => {}
    }
    ["/v1/audio/speech", "/v1/bulletins", "/v1/models", "/v1/voices", "/healthz", "/metrics"]
        .into_iter()
        .find(|r| *r == path)
        .unwrap_or("other")
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route: see /v1/audio/speech, /v1/bulletins, /v1/models, /v1/voices",
    )
}

async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    if shared.closing.load(Ordering::SeqCst) {
        return ApiError::busy(StatusCode::SERVICE_UNAVAILABLE, "the service is stopping", 5).into_response();
    }
    "ok\n".into_response()
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    let content = HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");
    let mut text = shared.metrics.render();
    let (voices, (waiting, bytes)) = (&shared.voices, shared.kept.held());
    let held: [(&str, &str, &str, u64); 4] = [
        ("briefing_voice_loads_total", "counter", "Voices opened (loaded).", voices.loads.load(Ordering::Relaxed)),
        (
            "briefing_voice_hits_total",
            "counter",
            "Requests that found their voice open.",
            voices.hits.load(Ordering::Relaxed),
        ),
        (
            "briefing_bulletins_waiting",
            "gauge",
            "Bulletins made with their manifest, waiting to be fetched.",
            waiting as u64,
        ),
        ("briefing_bulletins_waiting_bytes", "gauge", "Bytes of audio of the bulletins waiting.", bytes),
    ];
    held.into_iter().for_each(|(name, kind, help, value)| metrics::row(&mut text, name, kind, help, value));
    ([(header::CONTENT_TYPE, content)], text).into_response()
}

/// Any model name is taken: one is listed, for clients that look.
async fn models() -> Json<serde_json::Value> {
    Json(json!({
        "object": "list",
        "data": [{ "id": "briefing", "object": "model", "created": 0, "owned_by": "briefing" }],
    }))
}

async fn voices(State(shared): State<Arc<Shared>>) -> Response {
    match tokio::task::spawn_blocking(move || speech::voice_names(&shared.options)).await {
        Ok(names) => Json(json!({ "voices": names })).into_response(),
        Err(_) => ApiError::busy(StatusCode::SERVICE_UNAVAILABLE, "the voices could not be listed", 1).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// The service on a free loopback port, on a thread of its own, with
    /// `voices` (a fake one, say): its address, and how to stop it.
    fn started(mut options: ServeOptions, voices: Voices) -> (SocketAddr, Stop, std::thread::JoinHandle<Result<()>>) {
        options.listen = "127.0.0.1:0".parse().unwrap();
        let (stop, (told, address)) = (Stop::new(), std::sync::mpsc::channel());
        let stopping = stop.clone();
        let running = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(run(options, voices, stopping, |address| told.send(address).unwrap()))
        });
        (address.recv().unwrap(), stop, running)
    }

    /// Sends `request` (its head without the final blank line) with a
    /// JSON `body`, and reads the reply to its end: its bytes.
    fn exchange(address: SocketAddr, request: &str, body: &str) -> Vec<u8> {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let length = body.len();
        write!(stream, "{request}\r\nHost: test\r\nConnection: close\r\nContent-Length: {length}\r\n\r\n{body}")
            .unwrap();
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        reply
    }

    fn text(reply: &[u8]) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(reply)
    }

    #[test]
    fn a_bulletin_not_fetched_in_time_is_gone() {
        let mut options = ServeOptions::new(BuildOptions::default());
        options.bulletin_expiry = Duration::from_secs(1);
        let (address, stop, running) = started(options, Voices::new(2, 1));
        let body =
            json!({ "articles": { "title": "Le marché", "body": "Il ouvre samedi." }, "response_format": "wav" });
        let reply = exchange(address, "POST /v1/bulletins?manifest=1 HTTP/1.1", &body.to_string());
        assert!(text(&reply).starts_with("HTTP/1.1 200"), "{}", text(&reply));
        let url = text(&reply).split("\"audio_url\":\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
        let waiting = |count: &str| {
            let metrics = exchange(address, "GET /metrics HTTP/1.1", "");
            text(&metrics).contains(&format!("\nbriefing_bulletins_waiting {count}\n"))
        };
        assert!(waiting("1"));
        std::thread::sleep(Duration::from_millis(2500));
        // Removed as its time came, not only when asked for.
        assert!(waiting("0"));
        let reply = exchange(address, &format!("GET {url} HTTP/1.1"), "");
        assert!(text(&reply).starts_with("HTTP/1.1 404") && text(&reply).contains("\"not_found\""), "{}", text(&reply));
        stop.stop();
        running.join().unwrap().unwrap();
    }

    #[test]
    fn a_synthesis_that_fails_mid_way_cuts_the_stream() {
        let options = ServeOptions::new(BuildOptions::default());
        let voices = Voices::new(2, options.jobs());
        let fake = Arc::new(crate::synth::fake::Fake::new("fake"));
        voices.keep(&options.build.voice, &options.build.voice_options, fake);
        let (address, stop, running) = started(options, voices);
        // The fake voice says a character in a tenth of a second.
        let body =
            json!({ "input": "Voici la première phrase. Puis la deuxième. Il dit boom.", "response_format": "pcm" });
        let reply = exchange(address, "POST /v1/audio/speech HTTP/1.1", &body.to_string());
        let head = text(&reply[..reply.len().min(200)]).into_owned();
        assert!(head.starts_with("HTTP/1.1 200") && head.contains("chunked"), "{head}");
        assert!(reply.len() > 24_000, "audio came first: {} bytes", reply.len());
        assert!(!reply.ends_with(b"0\r\n\r\n"), "the stream ended cleanly, as if whole");
        stop.stop();
        running.join().unwrap().unwrap();
    }

    /// The value of the metric `name` (one without labels).
    fn metric(address: SocketAddr, name: &str) -> f64 {
        let reply = exchange(address, "GET /metrics HTTP/1.1", "");
        let line = text(&reply).lines().find_map(|l| l.strip_prefix(&format!("{name} "))?.parse().ok());
        line.unwrap_or_else(|| panic!("no {name} in {}", text(&reply)))
    }

    /// Waits until the metric `name` is `value`, for at most `limit`.
    fn wait_metric(address: SocketAddr, name: &str, value: f64, limit: Duration) {
        let deadline = Instant::now() + limit;
        while metric(address, name) != value {
            assert!(Instant::now() < deadline, "{name} is {} after {limit:?}", metric(address, name));
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// One synthesis at a time, by a fake voice that takes 50 ms over each
    /// sentence, its level left as it is (10 Hz is no rate to measure).
    fn one_slow_voice() -> (ServeOptions, Voices) {
        let mut options = ServeOptions::new(BuildOptions::default());
        (options.max_concurrent, options.max_input_chars) = (1, 50_000);
        options.build.master.loudness = None;
        let voices = Voices::new(2, options.jobs());
        let slow = Arc::new(crate::synth::fake::Fake::slow("slow", Duration::from_millis(50)));
        voices.keep(&options.build.voice, &options.build.voice_options, slow);
        (options, voices)
    }

    /// A bulletin of `sentences` sentences, as a request's body.
    fn bulletin_of(sentences: usize) -> String {
        let body: String = (1..=sentences).map(|n| format!("Voici la phrase {n}. ")).collect();
        json!({ "articles": { "title": "Un titre", "body": body }, "response_format": "wav" }).to_string()
    }

    #[test]
    fn a_bulletin_whose_client_leaves_is_stopped_and_frees_its_slot() {
        let (options, voices) = one_slow_voice();
        let (address, stop, running) = started(options, voices);
        // 400 sentences: ten seconds or more on two threads.
        let long = bulletin_of(400);
        let mut client = std::net::TcpStream::connect(address).unwrap();
        write!(client, "POST /v1/bulletins HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n{long}", long.len())
            .unwrap();
        wait_metric(address, "briefing_syntheses_running", 1.0, Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(300));
        let left = Instant::now();
        drop(client);
        let reply = exchange(address, "POST /v1/bulletins HTTP/1.1", &bulletin_of(2));
        assert!(text(&reply).starts_with("HTTP/1.1 200"), "{}", text(&reply));
        assert!(left.elapsed() < Duration::from_secs(4), "the next bulletin waited {:?}", left.elapsed());
        assert_eq!(metric(address, "briefing_syntheses_cancelled_total"), 1.0);
        assert_eq!(metric(address, "briefing_syntheses_running"), 0.0);
        stop.stop();
        running.join().unwrap().unwrap();
    }

    #[test]
    fn a_bulletin_past_its_time_is_stopped_and_the_next_served() {
        let (mut options, voices) = one_slow_voice();
        options.request_timeout = Duration::from_secs(1);
        let (address, stop, running) = started(options, voices);
        let started = Instant::now();
        let reply = exchange(address, "POST /v1/bulletins HTTP/1.1", &bulletin_of(400));
        assert!(text(&reply).starts_with("HTTP/1.1 503") && text(&reply).contains("in time"), "{}", text(&reply));
        wait_metric(address, "briefing_syntheses_cancelled_total", 1.0, Duration::from_secs(2));
        wait_metric(address, "briefing_syntheses_running", 0.0, Duration::from_secs(1));
        let reply = exchange(address, "POST /v1/bulletins HTTP/1.1", &bulletin_of(2));
        assert!(text(&reply).starts_with("HTTP/1.1 200"), "{}", text(&reply));
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        stop.stop();
        running.join().unwrap().unwrap();
    }

    #[test]
    fn keys_are_compared_whole() {
        let key = digest("s3cret");
        assert!(same(&digest("s3cret"), &key));
        assert!(!same(&digest("s3cre"), &key));
        assert!(!same(&digest(""), &key));
    }

    #[test]
    fn public_addresses_need_a_key() {
        let mut options = ServeOptions::new(BuildOptions::default());
        options.listen = "0.0.0.0:8880".parse().unwrap();
        assert!(matches!(options.check(), Err(Error::Usage(_))));
        options.api_key = Some("k".into());
        assert!(options.check().is_ok());
    }
}
