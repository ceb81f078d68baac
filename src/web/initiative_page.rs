//! `GET /initiatives/{id}`: one initiative, whole — every language version of its text, its
//! details — and the initiatives most like it, all in the page as it loads.
//!
//! The page's script shows the version in the page's locale when there is one (as the API's
//! hits do), the original otherwise, and switches between versions in place.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::shell::{self, Page};
use crate::api::error::ApiError;
use crate::api::AppState;

/// How many similar initiatives the page lists.
const SIMILAR: usize = 6;

/// `GET /initiatives/{id}`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let shell::PageStart {
        i18n,
        locale,
        databank,
        mut data,
        ..
    } = shell::PageStart::read(&state, &headers, query.as_deref(), "initiative")?;
    let similar_locale = locale.clone();
    let found = crate::api::read(&state, move || {
        let document = databank.get(&id)?;
        let similar = databank.similar(&id, SIMILAR, &similar_locale)?;
        Ok((document, similar))
    })
    .await;
    let (status, title) = match found {
        Ok((document, similar)) => {
            let title = shown_title(&document, &locale);
            data.insert("document".into(), Value::Object(document));
            data.insert(
                "similar".into(),
                serde_json::to_value(similar).map_err(|err| ApiError::Internal(err.to_string()))?,
            );
            (StatusCode::OK, title)
        }
        Err(error) => {
            let (status, error) = shell::error_data(error);
            data.insert("error".into(), error);
            let title = if status == StatusCode::NOT_FOUND {
                "not_found"
            } else {
                "unavailable"
            };
            (status, i18n.get(&locale, title).to_string())
        }
    };
    Ok(Page {
        status,
        locale,
        title,
        script: "initiative",
        data,
        cache_control: "no-cache",
    }
    .into_response())
}

/// The title in `locale` when the initiative has that translation, else its own.
fn shown_title(document: &serde_json::Map<String, Value>, locale: &str) -> String {
    document
        .get("translations")
        .and_then(|translations| translations.get(locale))
        .and_then(|translation| translation.get("title"))
        .or_else(|| document.get("title"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}
