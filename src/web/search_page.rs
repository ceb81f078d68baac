//! `GET /`: the search page, with the results for its URL already in it.
//!
//! The URL's parameters are the API's ([`crate::api::params`]); the page counts every facet it
//! lists whatever `facets` says, and shows hits in its own locale. A parameter the API would
//! refuse gives the page with the API's message (and the API's status) instead of results.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::shell::{self, Page};
use crate::api::error::ApiError;
use crate::api::{params, AppState};

/// The facets the page lists, in the order of its filter column.
pub const PAGE_FACETS: [&str; 6] = [
    "country",
    "theme",
    "sdg",
    "language",
    "principle",
    "target_group",
];

/// `GET /`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let shell::PageStart {
        i18n,
        params,
        locale,
        databank,
        mut data,
    } = shell::PageStart::read(&state, &headers, query.as_deref(), "search")?;
    let searched = match params::search_request(&params) {
        Ok(mut request) => {
            request.locale = locale.clone();
            request.facets = Some(PAGE_FACETS.iter().map(|name| name.to_string()).collect());
            crate::api::read(&state, move || Ok(databank.search(&request)?)).await
        }
        Err(error) => Err(error),
    };
    let mut status = StatusCode::OK;
    match searched.and_then(|response| {
        serde_json::to_value(response).map_err(|err| ApiError::Internal(err.to_string()))
    }) {
        Ok(results) => {
            data.insert("results".into(), results);
        }
        Err(error) => {
            let (error_status, error) = shell::error_data(error);
            status = error_status;
            data.insert("error".into(), error);
        }
    }
    let heading = i18n.get(&locale, "search_title");
    let q = params
        .get("q")
        .and_then(|values| values.last())
        .map(|q| q.trim())
        .filter(|q| !q.is_empty());
    let title = match q {
        Some(q) => format!("{q} · {heading}"),
        None => heading.to_string(),
    };
    data.insert("facet_names".into(), Value::from(PAGE_FACETS.to_vec()));
    Ok(Page {
        status,
        locale,
        title,
        script: "search",
        data,
        cache_control: "no-cache",
    }
    .into_response())
}
