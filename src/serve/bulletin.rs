//! `POST /v1/bulletins`: articles made into a bulletin by the library's
//! own [`build`](crate::pipeline::build), in a temporary folder of the
//! server's that no request can name, so that it is exactly what `briefing
//! build` makes of the same articles (its loudness measured over the whole
//! program, not guessed from the first sentence as a stream must). The
//! finished file is streamed back; with `?manifest=1` the build's manifest
//! comes back instead, with the address to fetch the audio from, once,
//! before it expires (`GET /v1/bulletins/ID/audio`), and that of the
//! subtitles if asked (`GET /v1/bulletins/ID/subtitles`). A bulletin whose
//! client goes away, or whose time is up, is stopped (see
//! [`Cancel`]): its synthesis slot is free for the next request.

use super::encode::Format;
use super::speech::{admit, job, parsed, read_body, Asked, Audio, Chunk, Running, Sending};
use super::{ApiError, Shared};
use crate::article::Format as TextFormat;
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use crate::output::{Encoding, Sidecar, Subtitles};
use crate::pipeline::{BuildOptions, Output};
use crate::schedule::Cancel;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Bytes read from a bulletin's file at a time.
const READ: usize = 64 << 10;

/// Articles as the command line's JSON input takes them (a list, or one),
/// read as a bulletin, with the announcements and subtitles if asked.
#[derive(Debug, Deserialize)]
struct BulletinRequest {
    articles: serde_json::Value,
    #[serde(default)]
    announce: bool,
    /// `srt` or `vtt`, as `build --subtitles` takes it.
    subtitles: Option<String>,
    #[serde(flatten)]
    asked: Asked,
}

/// A bulletin made: its folder (removed when this is dropped), its audio
/// file and manifest, and the subtitles `build` wrote beside it if asked.
struct Made {
    /// Held for its removal when dropped.
    _folder: TempDir,
    audio: std::path::PathBuf,
    format: Format,
    manifest: Manifest,
    subtitles: Option<Subtitle>,
}

/// A subtitle file as `build` wrote it (small: it is kept in memory).
struct Subtitle {
    format: Subtitles,
    text: Bytes,
}

/// Bulletins made with `?manifest=1`, waiting for their audio to be
/// fetched: at most `limit` (those being made included), each for at most
/// `expiry`; their files are removed when fetched, expired, or the service
/// stops.
pub(crate) struct Kept {
    waiting: Mutex<Waiting>,
    limit: usize,
    expiry: Duration,
}

#[derive(Default)]
struct Waiting {
    bulletins: HashMap<String, (Left, Instant)>,
    /// Places taken by bulletins being made.
    reserved: usize,
}

/// What of a bulletin is still to be fetched: it goes once nothing is.
struct Left {
    audio: Option<Made>,
    subtitles: Option<Subtitle>,
}

impl Left {
    fn bytes(&self) -> u64 {
        let subtitles = self.subtitles.as_ref().map_or(0, |s| s.text.len() as u64);
        self.audio.as_ref().map_or(0, |made| size(&made.audio)) + subtitles
    }
}

impl Kept {
    pub fn new(limit: usize, expiry: Duration) -> Self {
        Kept { waiting: Mutex::default(), limit, expiry }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes the bulletins whose time is up, and their files.
    pub fn expire(&self) {
        let now = Instant::now();
        self.lock().bulletins.retain(|_, (_, expires)| *expires > now);
    }

    /// Removes every bulletin: the service stops.
    pub fn clear(&self) {
        self.lock().bulletins.clear();
    }

    /// Bulletins waiting, and the bytes of their audio and subtitles.
    pub fn held(&self) -> (usize, u64) {
        let waiting = self.lock();
        let bytes = waiting.bulletins.values().map(|(left, _)| left.bytes()).sum();
        (waiting.bulletins.len(), bytes)
    }

    /// A place for a bulletin about to be made, or a refusal if every one
    /// is taken.
    fn reserve(shared: &Arc<Shared>) -> Result<Reservation, ApiError> {
        shared.kept.expire();
        let mut waiting = shared.kept.lock();
        if waiting.bulletins.len() + waiting.reserved >= shared.kept.limit {
            let message = "every place for a bulletin waiting to be fetched is taken: fetch or let expire those made";
            return Err(ApiError::busy(StatusCode::TOO_MANY_REQUESTS, message, 5));
        }
        waiting.reserved += 1;
        Ok(Reservation(Arc::clone(shared)))
    }

    /// Keeps `made` in the place reserved, under a new unguessable name.
    fn keep(&self, reservation: Reservation, mut made: Made) -> Result<String, ApiError> {
        let id = unguessable()?;
        let left = Left { subtitles: made.subtitles.take(), audio: Some(made) };
        self.lock().bulletins.insert(id.clone(), (left, Instant::now() + self.expiry));
        drop(reservation);
        Ok(id)
    }

    /// The `part` of the bulletin called `id`, taken away, if it is there
    /// and in time; the bulletin goes with its last part.
    fn take<T>(&self, id: &str, part: impl FnOnce(&mut Left) -> Option<T>) -> Option<T> {
        self.expire();
        let mut waiting = self.lock();
        let (left, _) = waiting.bulletins.get_mut(id)?;
        let taken = part(left);
        if left.audio.is_none() && left.subtitles.is_none() {
            waiting.bulletins.remove(id);
        }
        taken
    }
}

/// A place held for a bulletin being made; given back when dropped.
struct Reservation(Arc<Shared>);

impl Drop for Reservation {
    fn drop(&mut self) {
        self.0.kept.lock().reserved -= 1;
    }
}

/// 128 random bits, in hexadecimal.
fn unguessable() -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|_| ApiError::busy(StatusCode::SERVICE_UNAVAILABLE, "no random name could be drawn", 1))?;
    Ok(crate::hex(&bytes))
}

fn size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

pub(super) async fn bulletin(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    respond(shared, request).await.unwrap_or_else(IntoResponse::into_response)
}

async fn respond(shared: Arc<Shared>, request: Request) -> Result<Response, ApiError> {
    let started = Instant::now();
    let with_manifest = manifest_asked(request.uri().query());
    let body = read_body(request, &shared).await?;
    let (build, format) = bulletin_job(&shared, &body, with_manifest)?;
    let reservation = with_manifest.then(|| Kept::reserve(&shared)).transpose()?;
    let permit = admit(&shared).await?;
    let deadline = started + shared.options.request_timeout;
    let _abandoned = Abandoned(build.cancel.clone());
    let making = Arc::clone(&shared);
    let made = tokio::task::spawn_blocking(move || {
        let made = make(&making, build, format);
        drop(permit);
        made
    });
    let made = match tokio::time::timeout_at(deadline.into(), made).await {
        Ok(Ok(Ok(made))) => made,
        Ok(Ok(Err(error))) => return Err(ApiError::bad("cannot_speak", error.to_string())),
        Ok(Err(_)) | Err(_) => {
            return Err(ApiError::busy(StatusCode::SERVICE_UNAVAILABLE, "the bulletin was not made in time", 5))
        }
    };
    match reservation {
        Some(reservation) => kept(&shared, reservation, made),
        None => {
            shared.metrics.first_byte(started.elapsed());
            Ok(streamed(&shared, made, started))
        }
    }
}

/// Stops the bulletin when dropped with the request's future: the client
/// went away (the server drops the future of a closed connection), or the
/// time was up; once the bulletin is made, there is nothing left to stop.
struct Abandoned(Cancel);

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Whether the query asks for the manifest (`manifest=1` or `manifest=true`).
fn manifest_asked(query: Option<&str>) -> bool {
    query.unwrap_or_default().split('&').any(|pair| pair == "manifest=1" || pair == "manifest=true")
}

/// The options the bulletin is made with, its format and encoding (a
/// file's: not PCM, which has no header); subtitles only `with_manifest`,
/// which gives the address to fetch them from.
fn bulletin_job(
    shared: &Shared,
    body: &[u8],
    with_manifest: bool,
) -> Result<(BuildOptions, (Format, Encoding)), ApiError> {
    let request: BulletinRequest = parsed(body, "a bulletin request")?;
    if !(request.articles.is_array() || request.articles.is_object()) {
        return Err(ApiError::bad("invalid_articles", "articles: a list of articles ({\"title\", \"body\"}), or one"));
    }
    let subtitles = request.subtitles.as_deref().map(subtitles).transpose()?;
    if subtitles.is_some() && !with_manifest {
        let message = "subtitles are a file of their own: ask POST /v1/bulletins?manifest=1, which gives their address";
        return Err(ApiError::bad("subtitles_need_manifest", message));
    }
    let articles = ("articles", request.articles.to_string());
    let (mut build, format) = job(shared, request.asked, articles, TextFormat::Json)?;
    let encoding = match format {
        Format::Mp3 => Encoding::Mp3,
        Format::Opus => Encoding::Opus,
        Format::Wav => Encoding::Wav,
        Format::Pcm => return Err(ApiError::bad("invalid_response_format", "a bulletin is a file: mp3, opus or wav")),
    };
    // Tagged as `build` tags a bulletin by default, at the same moment.
    let now = chrono::Local::now().naive_local();
    build.audio.tags = crate::output::Tags::dated(crate::output::DEFAULT_TITLE, now);
    if request.announce {
        let announcements = crate::announce::Announcements::new(crate::announce::Templates::default(), now)
            .map_err(|e| ApiError::bad("invalid_announcements", e.to_string()))?;
        build.script.announcements = Some(announcements);
    }
    build.subtitles = subtitles;
    Ok((build, (format, encoding)))
}

/// The subtitle format named as `build --subtitles` names it.
fn subtitles(name: &str) -> Result<Subtitles, ApiError> {
    Subtitles::ALL.into_iter().find(|s| s.extension() == name).ok_or_else(|| {
        let names: Vec<&str> = Subtitles::ALL.iter().map(Sidecar::extension).collect();
        ApiError::bad("invalid_subtitles", format!("subtitles {name:?}: choose among {}", names.join(", ")))
    })
}

/// Makes the bulletin as `build` does, with the voice the service keeps
/// open, into a new temporary folder; one stopped is counted as cancelled.
fn make(shared: &Shared, build: BuildOptions, (format, encoding): (Format, Encoding)) -> Result<Made> {
    let _running = Running::count(&shared.metrics.running);
    let folder = tempfile::Builder::new()
        .prefix("briefing-serve-")
        .tempdir()
        .map_err(|e| Error::failed("serve", "cannot make a temporary folder", e))?;
    let audio = folder.path().join(format!("bulletin.{}", encoding.extension()));
    let build = BuildOptions { output: Output::File(audio.clone()), ..build };
    let open = |name: &str, options: &crate::synth::VoiceOptions| shared.voices.get(name, options);
    let report = crate::pipeline::build_opened(&build, &mut (), &open).inspect_err(|error| {
        if matches!(error, Error::Stopped) {
            shared.metrics.synthesis(0.0, 0, 0, true);
        }
    })?;
    shared.metrics.synthesis(report.duration, report.cache_hits, report.synthesized, false);
    let manifest = report.manifests.into_iter().next().ok_or_else(|| Error::output("serve", "no bulletin was made"))?;
    let subtitles = build.subtitles.map(|format| written_beside(&audio, format)).transpose()?;
    Ok(Made { _folder: folder, audio, format, manifest, subtitles })
}

/// The subtitles `build` wrote beside `audio`, read back.
fn written_beside(audio: &std::path::Path, format: Subtitles) -> Result<Subtitle> {
    let path = audio.with_extension(format.extension());
    let text = std::fs::read(&path).map_err(|e| Error::reading(path.display().to_string(), e))?;
    Ok(Subtitle { format, text: Bytes::from(text) })
}

/// The build's manifest, with where to fetch the audio and for how long.
fn kept(shared: &Shared, reservation: Reservation, made: Made) -> Result<Response, ApiError> {
    let mut manifest = serde_json::to_value(&made.manifest)
        .map_err(|_| ApiError::busy(StatusCode::SERVICE_UNAVAILABLE, "the manifest could not be written", 1))?;
    let subtitled = made.subtitles.is_some();
    let id = shared.kept.keep(reservation, made)?;
    manifest["audio_url"] = format!("/v1/bulletins/{id}/audio").into();
    if subtitled {
        manifest["subtitles_url"] = format!("/v1/bulletins/{id}/subtitles").into();
    }
    manifest["expires_in"] = shared.kept.expiry.as_secs_f64().into();
    Ok(Json(manifest).into_response())
}

/// `GET /v1/bulletins/ID/audio`: a bulletin kept with its manifest, once.
pub(super) async fn audio(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.kept.take(&id, |left| left.audio.take()) {
        Some(made) => streamed(&shared, made, Instant::now()),
        None => gone().into_response(),
    }
}

/// `GET /v1/bulletins/ID/subtitles`: its subtitles, once.
pub(super) async fn subtitles_of(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.kept.take(&id, |left| left.subtitles.take()) {
        Some(Subtitle { format, text }) => {
            let content_type = match format {
                Subtitles::Srt => "application/x-subrip",
                Subtitles::Vtt => "text/vtt",
            };
            ([(header::CONTENT_TYPE, content_type)], text).into_response()
        }
        None => gone().into_response(),
    }
}

fn gone() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such bulletin: each file is fetched once, before it expires")
}

/// The bulletin's file, sent as the client reads it, its folder removed
/// at the end (or when the client goes away or stops reading).
fn streamed(shared: &Shared, made: Made, started: Instant) -> Response {
    let (sending, receiver) = Sending::channel(shared, started);
    let (content_type, length) = (made.format.content_type(), size(&made.audio));
    tokio::task::spawn_blocking(move || send_file(&made, &sending));
    let headers = [(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_LENGTH, length.to_string())];
    (headers, Body::new(Audio { first: None, receiver })).into_response()
}

/// Sends the audio file of `made`; a failure to read it cuts the response.
fn send_file(made: &Made, sending: &Sending) {
    let name = made.audio.display().to_string();
    let mut file = match std::fs::File::open(&made.audio) {
        Ok(file) => file,
        Err(e) => return drop(sending.send(Chunk::Failed(Error::reading(&name, e)))),
    };
    loop {
        let mut buffer = vec![0; READ];
        let chunk = match file.read(&mut buffer) {
            Ok(0) => return,
            Ok(read) => {
                buffer.truncate(read);
                Chunk::Audio(Bytes::from(buffer))
            }
            Err(e) => Chunk::Failed(Error::reading(&name, e)),
        };
        let failed = matches!(chunk, Chunk::Failed(_));
        if sending.send(chunk).is_err() || failed {
            return;
        }
    }
}
