//! `POST /v1/audio/speech` and `POST /v1/bulletins`: a text, or articles,
//! read as `speak` reads a bulletin (the plan of `build`: cleaning,
//! sentences, normalization, announcements, pauses, its level), encoded
//! and sent as each sentence is made. The synthesis runs on a
//! thread of its own, holding one of the service's slots; it stops when
//! its client goes away or stops reading.

use super::encode::{Encoder, Format, RATE};
use super::{ApiError, Shared};
use crate::article::{Format as TextFormat, Input};
use crate::error::{Error, Result};
use crate::pipeline::BuildOptions;
use crate::speak::Player;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body::Frame;
use serde::Deserialize;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::sync::OwnedSemaphorePermit;

/// OpenAI's voice names (`data/serve/openai-voices.txt`).
const OPENAI_VOICES: &str = include_str!("../../data/serve/openai-voices.txt");

/// The speeds OpenAI takes; ours are held to the voices' own range.
const SPEEDS: std::ops::RangeInclusive<f32> = 0.25..=4.0;
const RATES: std::ops::RangeInclusive<f32> = 0.5..=3.0;

/// Encoded pieces on their way to the client: a few sentences' worth.
const CHUNKS: usize = 16;
/// How often a synthesis looks again at a client that is not reading.
const SEND_POLL: Duration = Duration::from_millis(5);

/// How a request asks to be read: OpenAI's fields (others are ignored).
#[derive(Debug, Deserialize)]
struct Asked {
    voice: Option<String>,
    response_format: Option<String>,
    speed: Option<f32>,
}

/// `POST /v1/audio/speech`, as OpenAI's clients send it.
#[derive(Debug, Deserialize)]
struct SpeechRequest {
    input: String,
    #[serde(flatten)]
    asked: Asked,
}

/// `POST /v1/bulletins`: articles as the command line's JSON input takes
/// them (a list, or one), read as a bulletin, with the announcements if
/// asked.
#[derive(Debug, Deserialize)]
struct BulletinRequest {
    articles: serde_json::Value,
    #[serde(default)]
    announce: bool,
    #[serde(flatten)]
    asked: Asked,
}

/// How a request's body becomes what is read, and how.
type Job = fn(&Shared, &[u8]) -> Result<(BuildOptions, Format), ApiError>;

/// What goes down the channel to the response.
enum Chunk {
    Audio(Bytes),
    /// The synthesis failed: before any audio, the client is told why.
    Failed(Error),
}

pub(super) async fn speech(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    respond(shared, request, speech_job).await.unwrap_or_else(IntoResponse::into_response)
}

pub(super) async fn bulletin(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    respond(shared, request, bulletin_job).await.unwrap_or_else(IntoResponse::into_response)
}

async fn respond(shared: Arc<Shared>, request: Request, job: Job) -> Result<Response, ApiError> {
    let started = Instant::now();
    let body = read_body(request, &shared).await?;
    let (build, format) = job(&shared, &body)?;
    let permit = admit(&shared).await?;
    let (sender, mut receiver) = mpsc::channel(CHUNKS);
    let (options, deadline) = (Arc::clone(&shared), started + shared.options.request_timeout);
    tokio::task::spawn_blocking(move || synthesize(&options, &build, format, sender, deadline, permit));
    let first = tokio::time::timeout_at(deadline.into(), receiver.recv()).await;
    match first {
        Ok(Some(Chunk::Audio(first))) => {
            shared.metrics.first_byte(started.elapsed());
            let body = Body::new(Audio { first: Some(first), receiver });
            Ok(([(header::CONTENT_TYPE, format.content_type())], body).into_response())
        }
        Ok(Some(Chunk::Failed(error))) => Err(ApiError::bad("cannot_speak", error.to_string())),
        Ok(None) | Err(_) => Err(ApiError::busy(StatusCode::SERVICE_UNAVAILABLE, "no audio was made in time", 5)),
    }
}

/// The body, within the size and time limits.
async fn read_body(request: Request, shared: &Shared) -> Result<Vec<u8>, ApiError> {
    use http_body_util::BodyExt;
    let limit = shared.options.max_body_bytes;
    let too_large =
        || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", format!("the body is over {limit} bytes"));
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let deadline = tokio::time::Instant::now() + shared.options.body_timeout;
    let mut body = request.into_body();
    let mut bytes = Vec::new();
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame()).await.map_err(|_| {
            ApiError::new(StatusCode::REQUEST_TIMEOUT, "body_timeout", "the body did not arrive in time")
        })?;
        match frame {
            None => return Ok(bytes),
            Some(Err(_)) => return Err(ApiError::bad("unreadable_body", "the body could not be read")),
            Some(Ok(frame)) => bytes.extend(frame.into_data().unwrap_or_default()),
        }
        if bytes.len() > limit {
            return Err(too_large());
        }
    }
}

fn parsed<'a, T: Deserialize<'a>>(body: &'a [u8], what: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad("invalid_json", format!("the body is not {what}: {e}")))
}

fn speech_job(shared: &Shared, body: &[u8]) -> Result<(BuildOptions, Format), ApiError> {
    let request: SpeechRequest = parsed(body, "a speech request")?;
    if request.input.trim().is_empty() {
        return Err(ApiError::bad("empty_input", "input is empty: give the text to read"));
    }
    job(shared, request.asked, ("input", request.input), TextFormat::Text)
}

fn bulletin_job(shared: &Shared, body: &[u8]) -> Result<(BuildOptions, Format), ApiError> {
    let request: BulletinRequest = parsed(body, "a bulletin request")?;
    if !(request.articles.is_array() || request.articles.is_object()) {
        return Err(ApiError::bad("invalid_articles", "articles: a list of articles ({\"title\", \"body\"}), or one"));
    }
    let articles = ("articles", request.articles.to_string());
    let (mut build, format) = job(shared, request.asked, articles, TextFormat::Json)?;
    if request.announce {
        let now = chrono::Local::now().naive_local();
        let announcements = crate::announce::Announcements::new(crate::announce::Templates::default(), now)
            .map_err(|e| ApiError::bad("invalid_announcements", e.to_string()))?;
        build.script.announcements = Some(announcements);
    }
    Ok((build, format))
}

/// The options the `input` (its name in messages, and its text, written
/// as `written`) is read with, and the response's format: only names from
/// the lists, never a path; no announcements unless the caller adds them.
fn job(
    shared: &Shared,
    asked: Asked,
    (name, input): (&str, String),
    written: TextFormat,
) -> Result<(BuildOptions, Format), ApiError> {
    let options = &shared.options;
    let chars = input.chars().count();
    if chars > options.max_input_chars {
        let message = format!("the text is {chars} characters; this service reads at most {}", options.max_input_chars);
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "input_too_long", message));
    }
    let asked_format = asked.response_format.as_deref().unwrap_or("mp3");
    let format = Format::parse(asked_format).ok_or_else(|| {
        let message = format!("response_format {asked_format:?}: choose among {}", Format::NAMES.join(", "));
        ApiError::bad("invalid_response_format", message)
    })?;
    let speed = asked.speed.unwrap_or(1.0);
    if !SPEEDS.contains(&speed) {
        let message = format!("speed {speed}: must be between {} and {}", SPEEDS.start(), SPEEDS.end());
        return Err(ApiError::bad("invalid_speed", message));
    }
    let voice = voice(options, asked.voice.as_deref().unwrap_or(&options.build.voice))?;
    let mut build = options.build.clone();
    build.inputs = vec![Input::Memory { name: name.to_owned(), text: input }];
    build.format = written;
    build.script.announcements = None;
    if options.dialect_of_voice {
        let dialect = crate::normalize::Dialect::of_voice(&voice);
        build.script.normalizer = build.script.normalizer.map(|n| n.with_dialect(dialect));
    }
    build.voice = voice;
    build.voice_options.rate = (build.voice_options.rate * speed).clamp(*RATES.start(), *RATES.end());
    build.voice_options.offline = true;
    if build.jobs == 0 {
        build.jobs = (crate::pipeline::threads(0) / options.max_concurrent).max(1);
    }
    Ok((build, format))
}

/// The voice `name` asks for: one mapped in the options, one of OpenAI's
/// (the default voice), or one of ours by name.
fn voice(options: &super::ServeOptions, name: &str) -> Result<String, ApiError> {
    if let Some(ours) = options.voice_map.get(name) {
        return Ok(ours.clone());
    }
    if crate::language_data::lines(OPENAI_VOICES).any(|v| v.trim() == name) {
        return Ok(options.build.voice.clone());
    }
    if name == options.build.voice || our_voices().iter().any(|v| v == name) {
        return Ok(name.to_owned());
    }
    Err(ApiError::bad("unknown_voice", format!("voice {name:?} is not one of this service's: see GET /v1/voices")))
}

/// Our voices by name: embedded, `natural`, installed, then the catalogue's
/// (read only if installed: the service downloads nothing).
fn our_voices() -> Vec<String> {
    let named = crate::synth::voices().into_iter().map(|v| v.name);
    let mut names: Vec<String> =
        named.filter(|n| crate::synth::is_embedded(n) || *n == "natural").map(str::to_owned).collect();
    names.extend(crate::catalog::installed_voices().unwrap_or_default().into_iter().map(|v| v.name));
    names.extend(crate::catalog::catalog().unwrap_or_default().into_iter().map(|v| v.name));
    names
}

/// Every voice name a request may send, for `GET /v1/voices`.
pub(super) fn voice_names(options: &super::ServeOptions) -> Vec<String> {
    let mut names: Vec<String> = crate::language_data::lines(OPENAI_VOICES).map(|v| v.trim().to_owned()).collect();
    names.extend(options.voice_map.keys().cloned());
    names.extend(our_voices());
    names.dedup();
    names
}

/// Waits for a synthesis slot, or refuses at once when the queue is full
/// (429) or the service is stopping (503).
async fn admit(shared: &Shared) -> Result<OwnedSemaphorePermit, ApiError> {
    if shared.closing.load(Ordering::SeqCst) {
        return Err(ApiError::busy(StatusCode::SERVICE_UNAVAILABLE, "the service is stopping", 5));
    }
    if let Ok(permit) = Arc::clone(&shared.slots).try_acquire_owned() {
        return Ok(permit);
    }
    let waiting = &shared.metrics.waiting;
    if waiting.fetch_add(1, Ordering::SeqCst) >= shared.options.queue {
        waiting.fetch_sub(1, Ordering::SeqCst);
        return Err(ApiError::busy(StatusCode::TOO_MANY_REQUESTS, "every synthesis slot and queue place is taken", 1));
    }
    let permit = tokio::time::timeout(shared.options.request_timeout, Arc::clone(&shared.slots).acquire_owned()).await;
    waiting.fetch_sub(1, Ordering::SeqCst);
    match permit {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(ApiError::busy(StatusCode::SERVICE_UNAVAILABLE, "no synthesis slot came free in time", 5)),
    }
}

/// Reads the request into `sender`, on a blocking thread, holding `permit`.
fn synthesize(
    shared: &Shared,
    build: &BuildOptions,
    format: Format,
    sender: mpsc::Sender<Chunk>,
    deadline: Instant,
    permit: OwnedSemaphorePermit,
) {
    let metrics = &shared.metrics;
    let _running = Running::count(&metrics.running);
    let mut stream = Stream::new(format, sender, deadline, shared.options.stall_timeout);
    let (_, commands) = std::sync::mpsc::channel();
    let spoken = match stream.problem.take() {
        Some(error) => Err(error),
        None => crate::speak::speak(build, &mut stream, &commands, &mut ())
            .and_then(|report| stream.problem.take().map_or(Ok(report), Err)),
    };
    match spoken {
        Ok(report) => metrics.synthesis(report.seconds_played, report.cache_hits, report.synthesized, false),
        Err(error) => {
            metrics.synthesis(stream.played(), 0, 0, stream.gone);
            if !stream.gone {
                let _ = stream.sender.try_send(Chunk::Failed(error));
            }
        }
    }
    drop(permit);
}

/// Counts a synthesis under way for as long as it lives, a panic included.
struct Running<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> Running<'a> {
    fn count(running: &'a std::sync::atomic::AtomicUsize) -> Self {
        running.fetch_add(1, Ordering::SeqCst);
        Running(running)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The client's end of a synthesis, as `speak`'s player: samples are
/// encoded and sent as they come; a client that goes away, stops reading
/// or runs past the request's time ends the synthesis.
struct Stream {
    encoder: Option<Box<dyn Encoder>>,
    sender: mpsc::Sender<Chunk>,
    deadline: Instant,
    stall: Duration,
    samples: usize,
    first: Option<Instant>,
    gone: bool,
    /// A failure at the end, which `Player::finish` cannot return.
    problem: Option<Error>,
}

impl Stream {
    fn new(format: Format, sender: mpsc::Sender<Chunk>, deadline: Instant, stall: Duration) -> Self {
        let (encoder, problem) = match format.encoder() {
            Ok(encoder) => (Some(encoder), None),
            Err(error) => (None, Some(error)),
        };
        Stream { encoder, sender, deadline, stall, samples: 0, first: None, gone: false, problem }
    }

    fn encode(&mut self, samples: Option<&[f32]>) -> Result<()> {
        let encoder = self.encoder.as_mut().ok_or_else(|| Error::output("response", "the stream has ended"))?;
        let mut out = Vec::new();
        match samples {
            Some(samples) => encoder.push(samples, &mut out)?,
            None => encoder.finish(&mut out)?,
        }
        self.send(out)
    }

    /// Hands `bytes` to the response, waiting while the client reads
    /// what came before, within the stall and request times.
    fn send(&mut self, bytes: Vec<u8>) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        let mut chunk = Chunk::Audio(Bytes::from(bytes));
        let stalled = Instant::now() + self.stall;
        loop {
            match self.sender.try_send(chunk) {
                Ok(()) => {
                    self.first.get_or_insert_with(Instant::now);
                    return Ok(());
                }
                Err(TrySendError::Closed(_)) => return Err(self.left("the client went away")),
                Err(TrySendError::Full(_)) if Instant::now() >= stalled.min(self.deadline) => {
                    return Err(self.left("the client took no audio in time"))
                }
                Err(TrySendError::Full(back)) => {
                    chunk = back;
                    std::thread::sleep(SEND_POLL);
                }
            }
        }
    }

    fn left(&mut self, problem: &str) -> Error {
        self.gone = true;
        Error::output("response", problem)
    }
}

impl Player for Stream {
    fn sample_rate(&self) -> u32 {
        RATE
    }

    fn queue(&mut self, samples: &[f32]) -> Result<()> {
        self.samples += samples.len();
        self.encode(Some(samples))
    }

    /// Nothing waits on our side: the channel's bound holds synthesis back.
    fn queued(&self) -> f64 {
        0.0
    }

    fn played(&self) -> f64 {
        self.samples as f64 / f64::from(RATE)
    }

    fn first_sound(&self) -> Option<Instant> {
        self.first
    }

    fn finish(&mut self) {
        if let Err(error) = self.encode(None) {
            self.problem = Some(error);
        }
        self.encoder = None;
    }

    fn clear(&mut self) {}

    fn set_paused(&mut self, _paused: bool) -> Result<()> {
        Ok(())
    }
}

/// The response's body: the first piece, then the rest as it comes; a
/// failure after the first ends it as an error (the client sees the
/// stream cut, not a clean end).
struct Audio {
    first: Option<Bytes>,
    receiver: mpsc::Receiver<Chunk>,
}

impl http_body::Body for Audio {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        this.receiver.poll_recv(context).map(|chunk| match chunk? {
            Chunk::Audio(bytes) => Some(Ok(Frame::data(bytes))),
            Chunk::Failed(error) => Some(Err(error)),
        })
    }
}
