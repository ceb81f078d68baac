//! `/metrics` in Prometheus text, and the recording of what it shows: requests by route and
//! status, latency histograms, hits per search, zero-result searches, documents indexed, bulk
//! rows accepted and rejected, the last commit's time and the number of initiatives.
//!
//! Handlers record with the `metrics` macros; one process-wide Prometheus recorder renders them.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::SharedState;
use crate::engine::Databank;

const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0,
];
const HITS_BUCKETS: [f64; 10] = [
    0.0, 1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1_000.0, 10_000.0, 100_000.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder (once; later calls reuse it).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("databank_http_request_duration_seconds".into()),
                    &LATENCY_BUCKETS,
                )
                .and_then(|builder| {
                    builder.set_buckets_for_metric(
                        Matcher::Full("databank_search_hits".into()),
                        &HITS_BUCKETS,
                    )
                })
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            Some(handle)
        })
        .as_ref()
}

/// The counters without labels, with their help: described, and shown from the start at 0 so a
/// dashboard's `rate()` has a first point.
const COUNTERS: [(&str, &str); 8] = [
    (
        "databank_search_zero_results_total",
        "Searches that matched nothing",
    ),
    (
        "databank_documents_indexed_total",
        "Initiatives written (created or updated)",
    ),
    ("databank_documents_deleted_total", "Initiatives deleted"),
    (
        "databank_bulk_rows_accepted_total",
        "Bulk rows that validated",
    ),
    (
        "databank_bulk_rows_rejected_total",
        "Bulk rows that did not validate",
    ),
    (
        "databank_rate_limited_total",
        "Requests refused by the rate limit",
    ),
    (
        "databank_requests_timed_out_total",
        "Requests cut by the timeout",
    ),
    (
        "databank_searches_refused_total",
        "Searches refused because the queue was full",
    ),
];

fn describe() {
    metrics::describe_counter!(
        "databank_http_requests_total",
        "HTTP requests by route, method and status"
    );
    metrics::describe_histogram!(
        "databank_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "HTTP request latency by route"
    );
    metrics::describe_histogram!("databank_search_hits", "Hits (total matches) per search");
    metrics::describe_gauge!(
        "databank_last_commit_timestamp_seconds",
        metrics::Unit::Seconds,
        "Unix time of the index's last commit"
    );
    metrics::describe_gauge!("databank_documents", "Initiatives in the index");
    metrics::describe_gauge!(
        "databank_segments",
        "Index segments a search reads (merged into one once writes go quiet)"
    );
    for (name, help) in COUNTERS {
        metrics::describe_counter!(name, help);
        metrics::counter!(name).absolute(0);
    }
}

/// Middleware: counts every request by route (the route's pattern, not the raw path) and status,
/// and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    // The standard methods by name, anything else as one label: a client inventing methods
    // must not make a series per request.
    let method: &'static str = match request.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("databank_http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("databank_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Records one search's outcome.
pub fn record_search(total: u64) {
    metrics::histogram!("databank_search_hits").record(total as f64);
    if total == 0 {
        metrics::counter!("databank_search_zero_results_total").increment(1);
    }
}

/// Records a bulk load's outcome (after it was written).
pub fn record_bulk(accepted: usize, rejected: usize, written: usize) {
    metrics::counter!("databank_bulk_rows_accepted_total").increment(accepted as u64);
    metrics::counter!("databank_bulk_rows_rejected_total").increment(rejected as u64);
    metrics::counter!("databank_documents_indexed_total").increment(written as u64);
}

/// Records the index's state: its size and last commit.
pub fn record_index(databank: &Databank) {
    metrics::gauge!("databank_documents").set(databank.len() as f64);
    metrics::gauge!("databank_segments").set(databank.segment_count() as f64);
    let committed = databank.last_commit().ok().flatten().and_then(|stamp| {
        time::OffsetDateTime::parse(&stamp, &time::format_description::well_known::Rfc3339).ok()
    });
    if let Some(committed) = committed {
        metrics::gauge!("databank_last_commit_timestamp_seconds")
            .set(committed.unix_timestamp() as f64);
    }
}

/// `GET /metrics`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain", body = String))
)]
pub async fn render(State(state): State<SharedState>) -> Response {
    let databank = state.databank();
    let _ = tokio::task::spawn_blocking(move || record_index(&databank)).await;
    let body = match install() {
        Some(handle) => {
            handle.run_upkeep();
            handle.render()
        }
        None => String::new(),
    };
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
