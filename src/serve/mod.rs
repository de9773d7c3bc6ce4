//! `briefing serve`: French speech over HTTP, compatible with OpenAI's
//! speech API (`POST /v1/audio/speech`), bulletins of articles (`POST
//! /v1/bulletins`), with `/v1/models`, `/v1/voices`,
//! `/healthz` and Prometheus' `/metrics`. A request is read as `speak`
//! reads a bulletin (the plan of `build`, its voice, its level) and its
//! audio streamed as each sentence is made.
//!
//! Safe by default: loopback unless a key is given, keys compared in
//! constant time, texts never logged, no request naming a file, and every
//! resource bounded (body, characters, syntheses at once and waiting,
//! header, body and stall timeouts, time per request).

mod encode;
mod metrics;
mod speech;

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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::failed("serve", "cannot start the runtime", e))?;
    let grace = options.shutdown_grace;
    let served = runtime.block_on(run(options, stop.clone(), ready));
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
}

async fn run(options: ServeOptions, stop: Stop, ready: impl FnOnce(SocketAddr)) -> Result<()> {
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
        options,
    });
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
    Ok(())
}

fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/audio/speech", post(speech::speech))
        .route("/v1/bulletins", post(speech::bulletin))
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

/// A route's name for the metrics: one of ours, or "other" (the label's
/// values stay few whatever clients ask).
fn route(path: &str) -> &'static str {
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
    ([(header::CONTENT_TYPE, content)], shared.metrics.render()).into_response()
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
