//! The web pages: the public search page (`GET /`), an initiative's page
//! (`GET /initiatives/{id}`) and the staff page (`GET /admin`), with their static files under
//! `GET /assets/…`.
//!
//! The pages are plain HTML, CSS and JavaScript modules kept in `web/` and built into the binary
//! ([`assets`]); there is no front-end build step. Each page is one HTML shell ([`shell`]) that
//! carries, as inline JSON, everything it shows first — the search results for the URL's
//! parameters, or the initiative and its similar ones — together with the interface strings of
//! its locale ([`i18n`], from `web/i18n.json`) and the labels of every facet value in that locale
//! (from the catalog). The page's script renders that data at once, without a round trip, then
//! talks to the JSON API as the reader goes on.
//!
//! The search page reads its URL with [`crate::api::params`], so the page and the API take the
//! same parameter names: `/?q=huerto&country=ES&sdg=4` opens the search that
//! `/v1/search?q=huerto&country=ES&sdg=4` answers.

mod admin_page;
mod assets;
pub mod i18n;
mod initiative_page;
mod search_page;
mod shell;

use std::sync::Arc;

use axum::routing::get;
use axum::Router;

use crate::api::AppState;

/// The pages' routes, to be merged into the API's router (they share its state).
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(search_page::show))
        .route("/initiatives/{id}", get(initiative_page::show))
        .route("/admin", get(admin_page::show))
        .route_layer(axum::middleware::map_response(
            |response: axum::response::Response| async move { vary_on_language(response) },
        ))
        .route("/assets/{*path}", get(assets::serve))
}

/// The page for a path the site does not have (a browser's request; API clients get JSON).
pub fn not_found_page(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    query: Option<&str>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let start = match shell::PageStart::read(state, headers, query, "initiative") {
        Ok(start) => start,
        Err(error) => return error.into_response(),
    };
    let shell::PageStart {
        i18n,
        locale,
        mut data,
        ..
    } = start;
    let title = i18n.get(&locale, "page_not_found").to_string();
    data.insert(
        "error".into(),
        serde_json::json!({"message": title, "code": "no_page", "status": 404}),
    );
    let response = shell::Page {
        status: axum::http::StatusCode::NOT_FOUND,
        locale,
        title,
        script: "initiative",
        data,
        cache_control: "no-cache",
    }
    .into_response();
    vary_on_language(response)
}

/// A page's language may come from `Accept-Language`: caches must key on it.
fn vary_on_language(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().append(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("accept-language"),
    );
    response
}
