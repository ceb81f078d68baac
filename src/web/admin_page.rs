//! `GET /admin`: the staff page. It holds no secret: the staff token is typed into the page,
//! kept in the tab's session storage and sent by the page's script with each write to the
//! staff API, which checks it. The page itself only says whether writes are enabled at all.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::shell::{self, Page};
use crate::api::error::ApiError;
use crate::api::AppState;

/// `GET /admin`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let shell::PageStart {
        i18n,
        locale,
        mut data,
        ..
    } = shell::PageStart::read(&state, &headers, query.as_deref(), "admin")?;
    data.insert(
        "writes_enabled".into(),
        Value::from(state.admin_token.is_some()),
    );
    let title = i18n.get(&locale, "admin_title").to_string();
    Ok(Page {
        status: StatusCode::OK,
        locale,
        title,
        script: "admin",
        data,
        cache_control: "no-store",
    }
    .into_response())
}
