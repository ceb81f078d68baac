//! The static files of the pages (`web/`: CSS, JavaScript modules, interface strings), built into
//! the binary and served under `/assets/` with their content type, an `ETag` and a
//! `Cache-Control`.
//!
//! Pages link their stylesheet and script with `?v=`[`version`] (a hash of every file), so a
//! request that names the current version may be cached for good; any other request (a module
//! imported by another, which carries no version) is revalidated with its `ETag`.

use std::sync::OnceLock;

use axum::extract::{Path, RawQuery};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use include_dir::{include_dir, Dir};

use crate::api::error::ApiError;

/// The `web/` directory as it was when the binary was built.
pub static WEB: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web");

/// A file of `web/` as UTF-8 text (templates, strings).
pub fn text(path: &str) -> Option<&'static str> {
    WEB.get_file(path).and_then(|file| file.contents_utf8())
}

/// A short hash of every file of `web/`: changes whenever any of them does.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut files: Vec<_> = WEB.files().collect();
        files.sort_by_key(|file| file.path());
        let mut hash = Fnv::default();
        for file in files {
            hash.write(file.path().to_string_lossy().as_bytes());
            hash.write(file.contents());
        }
        format!("{:012x}", hash.0 & 0xffff_ffff_ffff)
    })
}

/// `GET /assets/{*path}`.
pub async fn serve(
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let file = WEB
        .get_file(&path)
        .filter(|_| is_public(&path))
        .ok_or_else(|| ApiError::NotFound(format!("no asset {path:?}")))?;
    let mut hash = Fnv::default();
    hash.write(file.contents());
    let etag = format!("\"{:016x}\"", hash.0);
    let versioned = query
        .as_deref()
        .and_then(|query| query.strip_prefix("v="))
        .is_some_and(|given| given == version());
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    };
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|given| given.split(',').any(|tag| tag.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = file.contents().into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(&path)),
        );
        response
    };
    let response_headers = response.headers_mut();
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, etag);
    }
    response_headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// HTML files are templates the pages are rendered from, not assets.
fn is_public(path: &str) -> bool {
    !path.ends_with(".html")
}

/// The content type of a file, by its extension.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// FNV-1a, 64 bits: a stable hash for cache validators (not for security).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_styles_have_their_content_types() {
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("i18n.json"), "application/json");
        assert_eq!(content_type("README"), "application/octet-stream");
    }

    #[test]
    fn templates_are_not_served_and_every_script_is_embedded() {
        assert!(!is_public("page.html"));
        for name in [
            "common.js",
            "search.js",
            "initiative.js",
            "admin.js",
            "style.css",
        ] {
            assert!(WEB.get_file(name).is_some(), "web/{name} is embedded");
            assert!(is_public(name));
        }
    }
}
