//! `POST /v1/audio/speech`: a text read as `speak` reads a bulletin (the
//! plan of `build`: cleaning, sentences, normalization, pauses, its level),
//! encoded and sent as each sentence is made. The synthesis runs on a
//! thread of its own, holding one of the service's slots; it stops when
//! its client goes away or stops reading. What requests share with
//! `/v1/bulletins`: the body read, the options checked, a slot waited for,
//! the audio handed to the response.

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
pub(super) struct Asked {
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

/// What goes down the channel to the response.
pub(super) enum Chunk {
    Audio(Bytes),
    /// Making the audio failed: before any audio, the client is told why;
    /// after, the response is cut.
    Failed(Error),
}

pub(super) async fn speech(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    respond(shared, request).await.unwrap_or_else(IntoResponse::into_response)
}

async fn respond(shared: Arc<Shared>, request: Request) -> Result<Response, ApiError> {
    let started = Instant::now();
    let body = read_body(request, &shared).await?;
    let (build, format) = speech_job(&shared, &body)?;
    let permit = admit(&shared).await?;
    let (sending, mut receiver) = Sending::channel(&shared, started);
    let deadline = sending.deadline;
    let options = Arc::clone(&shared);
    tokio::task::spawn_blocking(move || synthesize(&options, &build, format, sending, permit));
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
pub(super) async fn read_body(request: Request, shared: &Shared) -> Result<Vec<u8>, ApiError> {
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

pub(super) fn parsed<'a, T: Deserialize<'a>>(body: &'a [u8], what: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad("invalid_json", format!("the body is not {what}: {e}")))
}

fn speech_job(shared: &Shared, body: &[u8]) -> Result<(BuildOptions, Format), ApiError> {
    let request: SpeechRequest = parsed(body, "a speech request")?;
    if request.input.trim().is_empty() {
        return Err(ApiError::bad("empty_input", "input is empty: give the text to read"));
    }
    job(shared, request.asked, ("input", request.input), TextFormat::Text)
}

/// The options the `input` (its name in messages, and its text, written
/// as `written`) is read with, and the response's format: only names from
/// the lists, never a path; no announcements unless the caller adds them.
pub(super) fn job(
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
    // The request's own, not shared with the others cloned from the options.
    build.cancel = crate::schedule::Cancel::new();
    build.format = written;
    build.script.announcements = None;
    if options.dialect_of_voice {
        let dialect = crate::normalize::Dialect::of_voice(&voice);
        build.script.normalizer = build.script.normalizer.map(|n| n.with_dialect(dialect));
    }
    build.voice = voice;
    build.voice_options.rate = (build.voice_options.rate * speed).clamp(*RATES.start(), *RATES.end());
    build.voice_options.offline = true;
    build.jobs = options.jobs();
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
pub(super) async fn admit(shared: &Shared) -> Result<OwnedSemaphorePermit, ApiError> {
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

/// Reads the request into `sending`, on a blocking thread, holding
/// `permit`, with the voice kept open by the service.
fn synthesize(shared: &Shared, build: &BuildOptions, format: Format, sending: Sending, permit: OwnedSemaphorePermit) {
    let metrics = &shared.metrics;
    let _running = Running::count(&metrics.running);
    let mut stream = Stream::new(format, sending);
    let (_, commands) = std::sync::mpsc::channel();
    let open = |name: &str, options: &crate::synth::VoiceOptions| shared.voices.get(name, options);
    let spoken = match stream.problem.take() {
        Some(error) => Err(error),
        None => crate::speak::speak_opened(build, &mut stream, &commands, &mut (), &open)
            .and_then(|report| stream.problem.take().map_or(Ok(report), Err)),
    };
    match spoken {
        Ok(report) => metrics.synthesis(report.seconds_played, report.cache_hits, report.synthesized, false),
        Err(error) => {
            metrics.synthesis(stream.played(), 0, 0, stream.gone);
            if !stream.gone {
                // Waited for as audio is: the response must end in this
                // error, not cleanly as if the audio were whole.
                let _ = stream.sending.send(Chunk::Failed(error));
            }
        }
    }
    drop(permit);
}

/// Counts a synthesis under way for as long as it lives, a panic included.
pub(super) struct Running<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> Running<'a> {
    pub fn count(running: &'a std::sync::atomic::AtomicUsize) -> Self {
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
    sending: Sending,
    samples: usize,
    first: Option<Instant>,
    gone: bool,
    /// A failure at the end, which `Player::finish` cannot return.
    problem: Option<Error>,
}

impl Stream {
    fn new(format: Format, sending: Sending) -> Self {
        let (encoder, problem) = match format.encoder() {
            Ok(encoder) => (Some(encoder), None),
            Err(error) => (None, Some(error)),
        };
        Stream { encoder, sending, samples: 0, first: None, gone: false, problem }
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

    fn send(&mut self, bytes: Vec<u8>) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if let Err(gone) = self.sending.send(Chunk::Audio(Bytes::from(bytes))) {
            self.gone = true;
            return Err(gone);
        }
        self.first.get_or_insert_with(Instant::now);
        Ok(())
    }
}

/// The blocking end of a response's channel, with the times its client has.
pub(super) struct Sending {
    sender: mpsc::Sender<Chunk>,
    /// When the request's time is up.
    pub deadline: Instant,
    stall: Duration,
}

impl Sending {
    /// A channel for a request that came at `started`; the receiver is the
    /// response's [`Audio`].
    pub fn channel(shared: &Shared, started: Instant) -> (Sending, mpsc::Receiver<Chunk>) {
        let (sender, receiver) = mpsc::channel(CHUNKS);
        let options = &shared.options;
        (Sending { sender, deadline: started + options.request_timeout, stall: options.stall_timeout }, receiver)
    }

    /// Hands `chunk` to the response, waiting while the client reads what
    /// came before, within the stall and request times; the error says
    /// why the client is taken as gone.
    pub fn send(&self, mut chunk: Chunk) -> Result<()> {
        let stalled = Instant::now() + self.stall;
        loop {
            match self.sender.try_send(chunk) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Closed(_)) => return Err(Error::output("response", "the client went away")),
                Err(TrySendError::Full(_)) if Instant::now() >= stalled.min(self.deadline) => {
                    return Err(Error::output("response", "the client took no audio in time"))
                }
                Err(TrySendError::Full(back)) => {
                    chunk = back;
                    std::thread::sleep(SEND_POLL);
                }
            }
        }
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
pub(super) struct Audio {
    pub first: Option<Bytes>,
    pub receiver: mpsc::Receiver<Chunk>,
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
