//! The staff API (contract section 3): bulk loading and deletion, behind a bearer token.
//!
//! The token comes from `DATABANK_ADMIN_TOKEN` or `--admin-token-file`; it is compared in
//! constant time and never logged. Without a configured token every write answers 403 saying
//! how to configure one.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::{blocking, params, SharedState};
use crate::engine::ingest::{self, Format};
use crate::engine::{databank, Databank, OnError};
use std::sync::Arc;

/// Middleware on the bulk endpoint: the token is checked before the body (up to the bulk
/// limit) is read, so that a client without it cannot make the server buffer 64 MiB.
pub async fn require_token(
    axum::extract::State(state): axum::extract::State<SharedState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match authorize(&state, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// Checks the `Authorization: Bearer` header against the configured token.
pub fn authorize(state: &SharedState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = state.admin_token.as_deref() else {
        return Err(ApiError::Forbidden(
            "writes are disabled: no admin token is configured; set DATABANK_ADMIN_TOKEN or start with --admin-token-file FILE".into(),
        ));
    };
    let Some(given) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::Unauthorized(
            "this endpoint needs an Authorization: Bearer <token> header".into(),
        ));
    };
    let given = given.to_str().unwrap_or_default().trim();
    // The scheme's name is case-insensitive (RFC 9110 §11.1).
    let token = given
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or_else(|| {
            ApiError::Unauthorized("the Authorization header must be `Bearer <token>`".into())
        })?;
    if bool::from(token.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("the token is not valid".into()))
    }
}

/// `POST /v1/initiatives/bulk`.
#[utoipa::path(
    post,
    path = "/v1/initiatives/bulk",
    tag = "staff",
    security(("bearer" = [])),
    params(super::openapi::BulkParams),
    request_body(
        description = "NDJSON (application/x-ndjson), a JSON array (application/json) or CSV (text/csv) of initiatives (contract section 1)",
        content((String = "application/x-ndjson"), (String = "application/json"), (String = "text/csv"))
    ),
    responses(
        (status = 200, description = "Written (durable and searchable), or a dry run", body = super::openapi::BulkReport),
        (status = 400, description = "A bad parameter or an unreadable body", body = super::openapi::ErrorBody),
        (status = 401, description = "No bearer token", body = super::openapi::ErrorBody),
        (status = 403, description = "Wrong token, or writes disabled", body = super::openapi::ErrorBody),
        (status = 413, description = "Body over the bulk limit", body = super::openapi::ErrorBody),
        (status = 415, description = "Not NDJSON, JSON or CSV", body = super::openapi::ErrorBody),
        (status = 422, description = "Invalid rows with on_error=abort: nothing written", body = super::openapi::BulkReport)
    )
)]
pub async fn bulk(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    // The token was checked by `require_token`, before the body was read.
    let params = params::from_query_string(query.as_deref().unwrap_or_default());
    // A write must not follow from a misspelt parameter (`DRY_RUN`, `dryrun`): unknown ones are
    // refused here, unlike on searches.
    if let Some(unknown) = params
        .keys()
        .find(|name| !BULK_PARAMS.contains(&name.as_str()))
    {
        return Err(ApiError::param(
            unknown,
            format!(
                "unknown parameter {unknown:?}; the bulk endpoint takes {}",
                BULK_PARAMS.join(" and ")
            ),
        ));
    }
    // `dry_run=true&dry_run=false` must not write because the last one said so.
    if let Some((name, _)) = params.iter().find(|(_, values)| values.len() > 1) {
        return Err(ApiError::param(
            name,
            format!("{name} is given {} times; give it once", params[name].len()),
        ));
    }
    let dry_run = match params
        .get("dry_run")
        .and_then(|values| values.last())
        .map(|value| value.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        // `?dry_run` alone, or `dry_run=`, is no answer: refused rather than read as false
        // (which would write the batch).
        Some(other) => {
            return Err(ApiError::param(
                "dry_run",
                format!("dry_run must be true or false, not {other:?}"),
            ))
        }
    };
    let on_error = match params
        .get("on_error")
        .and_then(|values| values.last())
        .map(|value| value.trim())
    {
        None | Some("") | Some("abort") => OnError::Abort,
        Some("skip") => OnError::Skip,
        Some(other) => {
            return Err(ApiError::param(
                "on_error",
                format!("on_error must be abort or skip, not {other:?}"),
            ))
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let format = Format::from_content_type(content_type).ok_or_else(|| {
        ApiError::UnsupportedMediaType(format!(
            "content type {content_type:?} is not accepted; send application/x-ndjson, application/json (an array) or text/csv"
        ))
    })?;
    let charset = ingest::charset(content_type);
    let body = body.map_err(|rejection| ApiError::from_body(rejection, state.bulk_limit))?;
    let databank = state.databank();
    let (prepared, encoding) = blocking(move || {
        let submission = ingest::read_declared(format, &body, charset.as_deref())
            .map_err(|err| ApiError::InvalidBody(err.to_string()))?;
        let encoding = submission.encoding;
        Ok((
            databank.prepare(submission.rows, on_error, dry_run),
            encoding,
        ))
    })
    .await?;
    // Reading and validating run concurrently with other writes; only the write waits.
    let _writing = state.write_gate.lock().await;
    let databank = state.databank();
    let summary = blocking(move || {
        let summary = databank.write_prepared(prepared)?;
        if summary.committed {
            // Reads meta.json: on this blocking thread, not on the async one.
            super::metrics::record_index(&databank);
        }
        Ok(summary)
    })
    .await?;
    let rejected_rows = summary.rejected.len();
    if summary.committed {
        super::metrics::record_bulk(
            summary.received.saturating_sub(rejected_rows),
            rejected_rows,
            summary.created + summary.updated,
        );
    }
    let mut report =
        serde_json::to_value(&summary).map_err(|err| ApiError::Internal(err.to_string()))?;
    report["encoding"] = json!(encoding);
    report["dry_run"] = json!(dry_run);
    if rejected_rows > 0 && on_error == OnError::Abort {
        let message = if dry_run {
            format!("{rejected_rows} row(s) are invalid; with on_error=abort this batch would write nothing")
        } else {
            format!("{rejected_rows} row(s) are invalid; nothing was written (on_error=abort). Fix them, or send on_error=skip to write the valid rows.")
        };
        report["error"] = json!({"code": "invalid_documents", "message": message});
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(report)).into_response());
    }
    tracing::info!(
        received = summary.received,
        created = summary.created,
        updated = summary.updated,
        unchanged = summary.unchanged,
        rejected = rejected_rows,
        dry_run,
        "bulk load"
    );
    Ok(Json::<Value>(report).into_response())
}

/// The query parameters of the bulk endpoint.
const BULK_PARAMS: [&str; 2] = ["dry_run", "on_error"];

/// `DELETE /v1/initiatives/bulk`: deletes the initiative whose id is `bulk` (its path is the
/// bulk endpoint's).
pub async fn delete_named_bulk(
    state: State<SharedState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    delete(state, headers, Ok(Path("bulk".to_string()))).await
}

/// `DELETE /v1/initiatives/{id}`.
#[utoipa::path(
    delete,
    path = "/v1/initiatives/{id}",
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The initiative's id")),
    responses(
        (status = 204, description = "Deleted (durable)"),
        (status = 401, description = "No bearer token", body = super::openapi::ErrorBody),
        (status = 403, description = "Wrong token, or writes disabled", body = super::openapi::ErrorBody),
        (status = 404, description = "No such initiative", body = super::openapi::ErrorBody)
    )
)]
pub async fn delete(
    State(state): State<SharedState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let Path(id) = id?;
    let _writing = state.write_gate.lock().await;
    let databank = state.databank();
    let lookup = id.clone();
    let deleted = blocking(move || {
        let deleted = databank.delete(&lookup)?;
        if deleted {
            super::metrics::record_index(&databank);
        }
        Ok(deleted)
    })
    .await?;
    if deleted {
        ::metrics::counter!("databank_documents_deleted_total").increment(1);
        tracing::info!(%id, "deleted");
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound(format!("no initiative with id {id:?}")))
    }
}

/// `POST /v1/admin/reindex`: rebuilds the index from the stored documents into a new directory
/// while searches go on against the old one, then swaps it in. Writes wait meanwhile.
#[utoipa::path(
    post,
    path = "/v1/admin/reindex",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rebuilt and swapped in", body = super::openapi::Reindexed),
        (status = 401, description = "No bearer token", body = super::openapi::ErrorBody),
        (status = 403, description = "Wrong token, or writes disabled", body = super::openapi::ErrorBody)
    )
)]
pub async fn reindex(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let _writing = state.write_gate.lock().await;
    let old = state.databank();
    let started = std::time::Instant::now();
    let rebuilt = blocking(move || {
        let index_dir = old.directory().to_path_buf();
        let catalog = old.catalog().clone();
        let count = databank::rebuild(&old, catalog.clone())?;
        // No write can come (the gate is held): stop the old writer and its merges, then move
        // the directories. Searches in flight keep reading the old files until they finish.
        old.close()?;
        let swapped = databank::swap_in_rebuilt(&index_dir);
        // Whatever the swap did, open what is now in place so writes work again.
        databank::finish_interrupted_swap(&index_dir)?;
        let current = Databank::open(&index_dir, catalog)?;
        Ok((count, Arc::new(current), swapped.err()))
    })
    .await?;
    let (count, current, swap_error) = rebuilt;
    state.replace_databank(current);
    if let Some(error) = swap_error {
        return Err(ApiError::Engine(error));
    }
    tracing::info!(
        count,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "reindexed"
    );
    Ok(
        Json(json!({"reindexed": count, "took_ms": started.elapsed().as_millis() as u64}))
            .into_response(),
    )
}

/// `POST /v1/admin/snapshot`: a consistent copy of the last commit in a new directory under the
/// snapshot directory (`snapshots/` in the data directory unless configured), taken while
/// searches and loads go on; `databank restore DIR` puts it back.
#[utoipa::path(
    post,
    path = "/v1/admin/snapshot",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Written and fsynced", body = crate::engine::snapshot::SnapshotInfo),
        (status = 401, description = "No bearer token", body = super::openapi::ErrorBody),
        (status = 403, description = "Wrong token, or writes disabled", body = super::openapi::ErrorBody)
    )
)]
pub async fn snapshot(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let databank = state.databank();
    let parent = match &state.snapshot_dir {
        Some(dir) => dir.clone(),
        None => databank
            .directory()
            .parent()
            .map(|data_dir| data_dir.join("snapshots"))
            .unwrap_or_else(|| std::path::PathBuf::from("snapshots")),
    };
    let started = std::time::Instant::now();
    let info = blocking(move || {
        std::fs::create_dir_all(&parent).map_err(crate::engine::Error::from)?;
        let name = time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second].[subsecond digits:3]Z"
            ))
            .map_err(|err| ApiError::Internal(err.to_string()))?;
        Ok(databank.snapshot(&parent.join(name))?)
    })
    .await?;
    tracing::info!(
        path = %info.path.display(),
        documents = info.documents,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "snapshot written"
    );
    Ok((StatusCode::CREATED, Json(info)).into_response())
}
