//! The JSON API over the engine (contract sections 2 and 4).
//!
//! Handlers are a few lines each: read parameters ([`params`]), run the engine on a blocking
//! thread (search is CPU work), answer JSON. Errors are mapped to JSON once, in [`error`].
//! Limits and tracing are tower layers, not handler code.

pub mod error;
pub mod params;
pub mod staff;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::trace::TraceLayer;

use crate::engine::Databank;
use error::ApiError;

/// Default limit of a bulk body.
pub const DEFAULT_BULK_LIMIT: usize = 64 * 1024 * 1024;

/// How the API is configured.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// The staff token; `None` disables writes.
    pub admin_token: Option<String>,
    /// Largest bulk body, in bytes.
    pub bulk_limit: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            admin_token: None,
            bulk_limit: DEFAULT_BULK_LIMIT,
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

/// The API's routes.
pub fn router(databank: Arc<Databank>, config: ApiConfig) -> Router {
    let bulk_limit = config.bulk_limit;
    let state = Arc::new(AppState {
        databank: RwLock::new(databank),
        write_gate: tokio::sync::Mutex::new(()),
        admin_token: config.admin_token.filter(|token| !token.trim().is_empty()),
        bulk_limit,
    });
    Router::new()
        .route("/v1/search", get(search_get).post(search_post))
        .route(
            "/v1/initiatives/bulk",
            post(staff::bulk).layer(DefaultBodyLimit::max(bulk_limit)),
        )
        .route(
            "/v1/initiatives/{id}",
            get(initiative).delete(staff::delete),
        )
        .route("/v1/initiatives/{id}/similar", get(similar))
        .route("/v1/admin/reindex", post(staff::reindex))
        .route("/v1/facets", get(facets))
        .route("/v1/suggest", get(suggest))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the API on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    databank: Arc<Databank>,
    config: ApiConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(databank, config).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Runs engine work on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| ApiError::Internal(err.to_string()))?
}

async fn search_get(
    State(state): State<SharedState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params::from_query_string(query.as_deref().unwrap_or_default());
    run_search(state, params).await
}

async fn search_post(State(state): State<SharedState>, body: Bytes) -> Result<Response, ApiError> {
    let params = params::from_json(&body)?;
    run_search(state, params).await
}

async fn run_search(state: SharedState, params: params::RawParams) -> Result<Response, ApiError> {
    let request = params::search_request(&params)?;
    let databank = state.databank();
    let response = blocking(move || Ok(databank.search(&request)?)).await?;
    Ok(Json(response).into_response())
}

async fn initiative(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let databank = state.databank();
    let document = blocking(move || Ok(databank.get(&id)?)).await?;
    Ok(Json(Value::Object(document)).into_response())
}

async fn facets(
    State(state): State<SharedState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params::from_query_string(query.as_deref().unwrap_or_default());
    let locale = params::locale(&params).unwrap_or_else(|| "en".to_string());
    let databank = state.databank();
    let (total, facets) = blocking(move || Ok(databank.facet_totals(&locale)?)).await?;
    Ok(Json(json!({"total": total, "facets": facets})).into_response())
}

async fn similar(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params::from_query_string(query.as_deref().unwrap_or_default());
    let per_page = params::number::<usize>(&params, "per_page")?.unwrap_or(10);
    let locale = params::locale(&params).unwrap_or_else(|| "en".to_string());
    let databank = state.databank();
    let hits = blocking(move || Ok(databank.similar(&id, per_page, &locale)?)).await?;
    Ok(Json(json!({ "hits": hits })).into_response())
}

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
    let suggestions = blocking(move || Ok(databank.suggest(&q, locale.as_deref())?)).await?;
    Ok(Json(json!({ "suggestions": suggestions })).into_response())
}

async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

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

async fn not_found() -> ApiError {
    ApiError::NotFound("no such route; see /openapi.json".into())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
