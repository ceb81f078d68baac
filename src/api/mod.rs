//! The JSON API over the engine (contract sections 2 and 4).
//!
//! Handlers are a few lines each: read parameters ([`params`]), run the engine on a blocking
//! thread (search is CPU work), answer JSON. Errors are mapped to JSON once, in [`error`].
//! Limits and tracing are tower layers, not handler code.

pub mod caching;
pub mod connections;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod params;
pub mod staff;
pub mod upkeep;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::engine::taxonomy::FALLBACK_LOCALE;
use crate::engine::Databank;
use error::ApiError;
pub use limits::{RateLimit, TrustedProxies};

/// Default limit of a bulk body.
pub const DEFAULT_BULK_LIMIT: usize = 64 * 1024 * 1024;

/// The header carrying each request's id (taken from the request when a proxy set one).
pub const REQUEST_ID: &str = "x-request-id";

/// How the API is configured (see the README's settings table).
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// The staff token; `None` disables writes.
    pub admin_token: Option<String>,
    /// Largest bulk body, in bytes.
    pub bulk_limit: usize,
    /// Origins allowed to call the API from browsers (`*` for any); none by default.
    pub cors_origins: Vec<String>,
    /// Per-client-IP rate limit on public endpoints; `None` for none.
    pub rate_limit: Option<RateLimit>,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// Longest a public request may take before it is answered 503.
    pub request_timeout: Duration,
    /// Searches (and other engine reads) running at once.
    pub max_concurrent_searches: usize,
    /// Searches waiting for a slot before new ones are refused with 503.
    pub max_queued_searches: usize,
    /// Connections open at once (more wait in the kernel's backlog).
    pub max_connections: usize,
    /// `max-age` of read answers, in seconds.
    pub cache_max_age: u64,
    /// Where `POST /v1/admin/snapshot` writes; `None` = `snapshots/` in the data directory.
    pub snapshot_dir: Option<PathBuf>,
    /// How long the index must go unwritten before a server merges its segments (`None`:
    /// never; see [`upkeep`]).
    pub compact_after: Option<Duration>,
}

/// The defaults: safe for a public machine, and the ones `databank serve` starts with.
impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            admin_token: None,
            bulk_limit: DEFAULT_BULK_LIMIT,
            cors_origins: Vec::new(),
            rate_limit: Some(RateLimit {
                per_second: 50,
                burst: 100,
            }),
            trusted_proxies: TrustedProxies::default(),
            request_timeout: Duration::from_secs(10),
            // One search thread per core.
            max_concurrent_searches: std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(2),
            max_queued_searches: 256,
            max_connections: 1_000,
            cache_max_age: 0,
            snapshot_dir: None,
            compact_after: Some(Duration::from_secs(30)),
        }
    }
}

/// Shared state of the handlers.
pub struct AppState {
    /// The engine; replaced as a whole when a reindex swaps in a rebuilt index.
    databank: RwLock<Arc<Databank>>,
    /// Held by every write (bulk, delete, reindex) while it writes (a bulk load reads and
    /// validates its body before), so a write never lands in an index that a reindex is
    /// replacing.
    pub(crate) write_gate: tokio::sync::Mutex<()>,
    /// The staff token (never logged).
    pub admin_token: Option<String>,
    /// Largest bulk body.
    pub bulk_limit: usize,
    /// Who may set `X-Forwarded-For`.
    pub(crate) trusted_proxies: TrustedProxies,
    /// Per-IP buckets, when rate limiting is on.
    pub(crate) rate_limiter: Option<limits::RateLimiter>,
    /// The public request timeout.
    pub(crate) request_timeout: Duration,
    /// The threads of engine reads.
    pub(crate) search_pool: limits::SearchPool,
    /// `max-age` of read answers.
    pub(crate) cache_max_age: u64,
    /// Where snapshots go.
    pub(crate) snapshot_dir: Option<PathBuf>,
    /// The OpenAPI document, once the router is built.
    openapi: OnceLock<Value>,
}

pub(crate) type SharedState = Arc<AppState>;

impl AppState {
    /// The current engine (take it once per request).
    pub fn databank(&self) -> Arc<Databank> {
        match self.databank.read() {
            Ok(databank) => databank.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts a new engine in place; requests that hold the old one finish on it.
    pub(crate) fn replace_databank(&self, databank: Arc<Databank>) {
        match self.databank.write() {
            Ok(mut current) => *current = databank,
            Err(poisoned) => *poisoned.into_inner() = databank,
        }
    }
}

/// The API's routes with every layer: request ids, tracing, CORS, compression, metrics, client
/// identification; on public reads also the rate limit, the timeout and HTTP caching.
pub fn router(databank: Arc<Databank>, config: ApiConfig) -> Router {
    router_with_state(databank, config).0
}

/// [`router`], and the state its handlers share (the current engine, swapped by a reindex).
fn router_with_state(databank: Arc<Databank>, config: ApiConfig) -> (Router, SharedState) {
    metrics::install();
    metrics::record_index(&databank);
    let state = Arc::new(AppState {
        databank: RwLock::new(databank),
        write_gate: tokio::sync::Mutex::new(()),
        admin_token: config.admin_token.filter(|token| !token.trim().is_empty()),
        bulk_limit: config.bulk_limit,
        trusted_proxies: config.trusted_proxies,
        rate_limiter: config.rate_limit.map(limits::RateLimiter::new),
        request_timeout: config.request_timeout,
        search_pool: limits::SearchPool::new(
            config.max_concurrent_searches,
            config.max_queued_searches,
        ),
        cache_max_age: config.cache_max_age,
        snapshot_dir: config.snapshot_dir,
        openapi: OnceLock::new(),
    });
    let (routes, document) = documented_routes(&state, config.bulk_limit);
    if let Ok(mut document) = serde_json::to_value(&document) {
        openapi::add_common_responses(&mut document);
        let _ = state.openapi.set(document);
    }
    // The pages run searches too: the same rate limit and timeout as the public API.
    let pages = crate::web::routes()
        .route_layer(from_fn_with_state(state.clone(), limits::timeout))
        .route_layer(from_fn_with_state(state.clone(), limits::rate_limit));
    let mut app = routes
        .merge(pages)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(refuse_content_coding))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(from_fn_with_state(state.clone(), limits::identify_client))
        .layer(CompressionLayer::new());
    if let Some(cors) = cors_layer(&config.cors_origins) {
        app = app.layer(cors);
    }
    let request_id = HeaderName::from_static(REQUEST_ID);
    let app = app
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id = %id,
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                // A 503 (busy, timed out) is a refusal by design, not an error to page
                // anyone about: a flood logged one ERROR line per refused request.
                .on_failure(DefaultOnFailure::new().level(tracing::Level::WARN)),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::from_fn(drop_unfit_request_id))
        .with_state(state.clone());
    (app, state)
}

/// A request id from outside (a proxy's) is kept only when it is short and plain; otherwise a
/// new one is made, so a client cannot write what it likes into every log line.
/// A compressed request body (`Content-Encoding: gzip`) is refused with 415 naming the coding
/// (RFC 9110 §15.5.16), instead of being read as text: a gzipped CSV was reported as "not
/// UTF-8", a gzipped search body as "not JSON".
async fn refuse_content_coding(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let coding = request
        .headers()
        .get(axum::http::header::CONTENT_ENCODING)
        .map(|value| value.to_str().unwrap_or("?").trim().to_string())
        .filter(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case("identity"));
    match coding {
        Some(coding) => ApiError::UnsupportedMediaType(format!(
            "request bodies are read uncompressed; this one has Content-Encoding {:?}: send it without compression",
            coding.chars().take(40).collect::<String>()
        ))
        .into_response(),
        None => next.run(request).await,
    }
}

async fn drop_unfit_request_id(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let fit = |value: &HeaderValue| {
        let bytes = value.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= 128
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(b))
    };
    if request.headers().get(REQUEST_ID).is_some_and(|id| !fit(id)) {
        request.headers_mut().remove(REQUEST_ID);
    }
    next.run(request).await
}

/// Every route, registered with its OpenAPI description.
fn documented_routes(
    state: &SharedState,
    bulk_limit: usize,
) -> (Router<SharedState>, utoipa::openapi::OpenApi) {
    let public = OpenApiRouter::new()
        .routes(routes!(search_get, search_post))
        .routes(routes!(initiative))
        .routes(routes!(similar))
        .routes(routes!(facets))
        .routes(routes!(suggest))
        .route_layer(from_fn_with_state(state.clone(), caching::conditional))
        .route_layer(from_fn_with_state(state.clone(), limits::timeout))
        .route_layer(from_fn_with_state(state.clone(), limits::rate_limit))
        .layer(DefaultBodyLimit::max(SEARCH_BODY_LIMIT));
    let bulk = OpenApiRouter::new()
        .routes(routes!(staff::bulk))
        .route_layer(from_fn_with_state(state.clone(), staff::require_token))
        .layer(DefaultBodyLimit::max(bulk_limit));
    // The bulk endpoint's path is also the path of the initiative whose id is `bulk` (a valid
    // id): GET and DELETE on it reach that initiative (as `{id}` would) instead of a 405.
    let named_bulk = Router::new().route(
        "/v1/initiatives/bulk",
        axum::routing::get(initiative_named_bulk).delete(staff::delete_named_bulk),
    );
    let staff = OpenApiRouter::new()
        .routes(routes!(staff::delete))
        .routes(routes!(staff::reindex))
        .routes(routes!(staff::snapshot));
    let operations = OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics::render))
        .routes(routes!(openapi_json));
    let (routes, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(public)
        .merge(bulk)
        .merge(staff)
        .merge(operations)
        .split_for_parts();
    let named_bulk = named_bulk
        .route_layer(from_fn_with_state(state.clone(), caching::conditional))
        .route_layer(from_fn_with_state(state.clone(), limits::timeout))
        .route_layer(from_fn_with_state(state.clone(), limits::rate_limit));
    (routes.merge(named_bulk), document)
}

/// CORS for the configured origins; none configured = no CORS headers (same-origin only).
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::IF_NONE_MATCH,
            ])
            .expose_headers([
                header::ETAG,
                header::RETRY_AFTER,
                HeaderName::from_static(REQUEST_ID),
            ])
            .max_age(Duration::from_secs(3600)),
    )
}

/// Serves the API on `listener` until `shutdown` resolves; then stops accepting connections and
/// lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    databank: Arc<Databank>,
    config: ApiConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let compact_after = config.compact_after;
    let max_connections = config.max_connections;
    let (app, state) = router_with_state(databank, config);
    upkeep::start(Arc::downgrade(&state), compact_after);
    connections::serve(listener, app, max_connections, shutdown).await
}

/// Runs engine reads on the search threads (bounded, queued; see [`limits::SearchPool`]).
pub(crate) async fn read<T: Send + 'static>(
    state: &SharedState,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    state.search_pool.run(work).await
}

/// Runs engine work on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| ApiError::Internal(err.to_string()))?
}

/// `GET /v1/search`.
#[utoipa::path(
    get,
    path = "/v1/search",
    tag = "search",
    params(openapi::SearchParams),
    responses(
        (status = 200, description = "Hits and disjunctive facet counts", body = crate::engine::SearchResponse),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "A parameter does not parse or is out of range", body = openapi::ErrorBody),
        (status = 429, description = "Over the rate limit (Retry-After)", body = openapi::ErrorBody),
        (status = 503, description = "Timed out, or too many searches waiting (Retry-After)", body = openapi::ErrorBody)
    )
)]
async fn search_get(
    State(state): State<SharedState>,
    extensions: axum::http::Extensions,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params::from_query_string(query.as_deref().unwrap_or_default());
    if caching::revalidating(&extensions) {
        // The client has this commit's answer: a valid request becomes a 304, and no search
        // runs (nor counts in the metrics).
        let request = params::search_request(&params)?;
        state.databank().check_search(&request)?;
        return Ok(StatusCode::OK.into_response());
    }
    run_search(state, params).await
}

/// The largest `POST /v1/search` body (a search's parameters are small).
const SEARCH_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// `POST /v1/search`: the same parameters in a JSON object.
#[utoipa::path(
    post,
    path = "/v1/search",
    tag = "search",
    request_body(content = openapi::SearchParams, description = "Search parameters; arrays or single values"),
    responses(
        (status = 200, description = "Hits and disjunctive facet counts", body = crate::engine::SearchResponse),
        (status = 400, description = "A parameter or the body does not parse", body = openapi::ErrorBody),
        (status = 413, description = "Body over 2 MiB", body = openapi::ErrorBody),
        (status = 415, description = "Not application/json", body = openapi::ErrorBody),
        (status = 429, description = "Over the rate limit (Retry-After)", body = openapi::ErrorBody),
        (status = 503, description = "Timed out, or too many searches waiting (Retry-After)", body = openapi::ErrorBody)
    )
)]
async fn search_post(
    State(state): State<SharedState>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let media_type = crate::engine::ingest::media_type(content_type);
    if media_type != "application/json" && !media_type.ends_with("+json") {
        return Err(ApiError::UnsupportedMediaType(format!(
            "content type {content_type:?} is not accepted; send the parameters as application/json"
        )));
    }
    let body = body.map_err(|rejection| ApiError::from_body(rejection, SEARCH_BODY_LIMIT))?;
    let params = params::from_json(&body)?;
    run_search(state, params).await
}

async fn run_search(state: SharedState, params: params::RawParams) -> Result<Response, ApiError> {
    let request = params::search_request(&params)?;
    let databank = state.databank();
    let response = read(&state, move || Ok(databank.search(&request)?)).await?;
    metrics::record_search(response.total);
    Ok(Json(response).into_response())
}

/// `GET /v1/initiatives/{id}`.
#[utoipa::path(
    get,
    path = "/v1/initiatives/{id}",
    tag = "search",
    params(("id" = String, Path, description = "The initiative's id")),
    responses(
        (status = 200, description = "The stored document, exactly as loaded", body = openapi::Initiative),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "The id is not a valid path segment", body = openapi::ErrorBody),
        (status = 404, description = "No such initiative", body = openapi::ErrorBody),
        (status = 429, description = "Over the rate limit (Retry-After)", body = openapi::ErrorBody),
        (status = 503, description = "Timed out, or too many requests waiting (Retry-After)", body = openapi::ErrorBody)
    )
)]
async fn initiative(
    State(state): State<SharedState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    let databank = state.databank();
    let document = read(&state, move || Ok(databank.get(&id)?)).await?;
    Ok(Json(Value::Object(document)).into_response())
}

/// `GET /v1/facets`.
#[utoipa::path(
    get,
    path = "/v1/facets",
    tag = "search",
    params(openapi::LocaleParams),
    responses(
        (status = 200, description = "Every facet value with its label and total count", body = openapi::FacetTotals),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Unknown locale", body = openapi::ErrorBody),
        (status = 429, description = "Over the rate limit (Retry-After)", body = openapi::ErrorBody),
        (status = 503, description = "Timed out, or too many requests waiting (Retry-After)", body = openapi::ErrorBody)
    )
)]
async fn facets(
    State(state): State<SharedState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params::from_query_string(query.as_deref().unwrap_or_default());
    let locale = params::locale(&params).unwrap_or_else(|| FALLBACK_LOCALE.to_string());
    let databank = state.databank();
    let (total, facets, last_commit) = read(&state, move || {
        let (total, facets) = databank.facet_totals(&locale)?;
        Ok((total, facets, databank.last_commit()?))
    })
    .await?;
    Ok(Json(json!({"total": total, "facets": facets, "last_commit": last_commit})).into_response())
}

/// `GET /v1/initiatives/bulk`: the initiative whose id is `bulk` (see [`documented_routes`]).
async fn initiative_named_bulk(State(state): State<SharedState>) -> Result<Response, ApiError> {
    initiative(State(state), Ok(Path("bulk".to_string()))).await
}

/// `GET /v1/initiatives/{id}/similar`.
#[utoipa::path(
    get,
    path = "/v1/initiatives/{id}/similar",
    tag = "search",
    params(("id" = String, Path, description = "The initiative's id"), openapi::SimilarParams),
    responses(
        (status = 200, description = "Related initiatives (more-like-this), never itself", body = openapi::SimilarHits),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "Bad per_page or locale", body = openapi::ErrorBody),
        (status = 404, description = "No such initiative", body = openapi::ErrorBody),
        (status = 429, description = "Over the rate limit (Retry-After)", body = openapi::ErrorBody),
        (status = 503, description = "Timed out, or too many requests waiting (Retry-After)", body = openapi::ErrorBody)
    )
)]
async fn similar(
    State(state): State<SharedState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    let params = params::from_query_string(query.as_deref().unwrap_or_default());
    let per_page = params::number::<usize>(&params, "per_page")?.unwrap_or(10);
    let locale = params::locale(&params).unwrap_or_else(|| FALLBACK_LOCALE.to_string());
    let databank = state.databank();
    let hits = read(
        &state,
        move || Ok(databank.similar(&id, per_page, &locale)?),
    )
    .await?;
    Ok(Json(json!({ "hits": hits })).into_response())
}

/// `GET /v1/suggest`.
#[utoipa::path(
    get,
    path = "/v1/suggest",
    tag = "search",
    params(openapi::SuggestParams),
    responses(
        (status = 200, description = "Completions of the prefix (titles, cities, concepts), at most 10", body = openapi::Suggestions),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, description = "A parameter does not parse (q too long, unknown locale)", body = openapi::ErrorBody),
        (status = 429, description = "Over the rate limit (Retry-After)", body = openapi::ErrorBody),
        (status = 503, description = "Timed out, or too many requests waiting (Retry-After)", body = openapi::ErrorBody)
    )
)]
async fn suggest(
    State(state): State<SharedState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params::from_query_string(query.as_deref().unwrap_or_default());
    let q = params
        .get("q")
        .and_then(|values| values.last())
        .cloned()
        .unwrap_or_default();
    let databank = state.databank();
    let locale = params::locale(&params);
    let suggestions = read(&state, move || Ok(databank.suggest(&q, locale.as_deref())?)).await?;
    Ok(Json(json!({ "suggestions": suggestions })).into_response())
}

/// `GET /healthz`: the process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "Up", body = openapi::Status))
)]
async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `GET /readyz`: the index is open and answers.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = openapi::Status),
        (status = 503, description = "Not ready", body = openapi::ErrorBody)
    )
)]
async fn readyz(State(state): State<SharedState>) -> Response {
    let databank = state.databank();
    let documents = tokio::task::spawn_blocking(move || databank.len()).await;
    match documents {
        Ok(documents) => Json(json!({"status": "ready", "documents": documents})).into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": {"code": "not_ready", "message": "the index is not open"}})),
        )
            .into_response(),
    }
}

/// `GET /openapi.json`: this API's OpenAPI 3.1 description.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object))
)]
async fn openapi_json(State(state): State<SharedState>) -> Response {
    match state.openapi.get() {
        Some(document) => Json(document.clone()).into_response(),
        None => ApiError::Internal("the OpenAPI document was not built".into()).into_response(),
    }
}

async fn not_found(
    State(state): State<SharedState>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    // A browser that follows a mistyped or truncated link gets the site's 404 page; API
    // clients get the JSON error.
    // (The other API routes are exact paths: a path under them is no API route.)
    let api_path = ["/v1/", "/assets/"]
        .iter()
        .any(|prefix| uri.path().starts_with(prefix));
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && !api_path {
        return crate::web::not_found_page(&state, &headers, uri.query());
    }
    ApiError::NotFound("no such route; see /openapi.json".into()).into_response()
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
