//! HTTP caching of read responses: a weak `ETag` derived from the index's commit (and this
//! build), `Cache-Control`, and `304 Not Modified` when the client already has the answer.
//!
//! Every answer of a read endpoint is a function of its URL, the commit it was computed on and
//! whether the suggester had caught up with that commit (it is rebuilt a moment after it), so
//! those two make a valid validator for all of them: a load, a delete or a reindex changes it,
//! and so does the suggester's rebuild; then the next request gets a 200 with the new answer.

use std::hash::{Hash, Hasher};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::SharedState;

/// The `ETag` of every read answer on the current commit.
pub fn current_etag(state: &SharedState) -> String {
    let mut hasher = rustc_hash::FxHasher::default();
    let databank = state.databank();
    databank.commit_fingerprint().hash(&mut hasher);
    // "Did you mean" and suggestions come from a suggester rebuilt a moment after a commit:
    // answers computed with the previous one are another version of the same URL.
    databank.suggestions_are_current().hash(&mut hasher);
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    // Two processes over the same index build the same answers; a restart keeps the tags.
    format!("W/\"{:016x}\"", hasher.finish())
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for GET).
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    let bare = etag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == bare)
}

/// Put in a request's extensions when the client already has the answer of the current
/// commit: a handler may then check the request (parameters, the document's existence) and
/// answer an empty 200, which becomes the 304, instead of computing the answer.
#[derive(Debug, Clone, Copy)]
pub struct Revalidation;

/// Whether the client already has the answer (see [`Revalidation`]).
pub fn revalidating(extensions: &axum::http::Extensions) -> bool {
    extensions.get::<Revalidation>().is_some()
}

/// Middleware on cacheable GET routes.
pub async fn conditional(
    State(state): State<SharedState>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let etag = current_etag(&state);
    let cache_control = format!("public, max-age={}, must-revalidate", state.cache_max_age);
    let client_has_it = matches(request.headers(), &etag);
    // Only a 200 may become a 304: a request for a missing document or with a bad parameter
    // keeps its 404 or 400. So the handler still runs, told that the client has the answer
    // (a search then checks its parameters and runs nothing).
    if client_has_it {
        request.extensions_mut().insert(Revalidation);
    }
    let mut response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    if client_has_it {
        // A 304 carries the Vary of the 200 it stands for (RFC 9110 §15.4.5): the handler's
        // (`Accept-Language` on pages) and the compression layer's.
        let vary: Vec<HeaderValue> = response
            .headers()
            .get_all(header::VARY)
            .iter()
            .cloned()
            .collect();
        response = StatusCode::NOT_MODIFIED.into_response();
        let headers = response.headers_mut();
        for value in vary {
            headers.append(header::VARY, value);
        }
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    set(&mut response, &etag, &cache_control);
    response
}

fn set(response: &mut Response, etag: &str, cache_control: &str) {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(cache_control) {
        headers.insert(header::CACHE_CONTROL, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_in_lists() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"aaa\", W/\"0123\""),
        );
        assert!(matches(&headers, "W/\"0123\""));
        assert!(!matches(&headers, "W/\"0124\""));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(matches(&headers, "W/\"0123\""));
    }
}
