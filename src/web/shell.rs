//! The HTML shell every page is rendered into (`web/page.html`): the document's language and
//! title, the page's stylesheet and script, and the page's data as inline JSON that the script
//! renders at once.
//!
//! Documents are stored as loaded, unsanitised, so nothing of theirs is ever written into HTML
//! here: the title is HTML-escaped, and the data is JSON in a `<script type="application/json">`
//! element with every `<`, `>` and `&` written as a `\u` escape, so no stored text can close the
//! element. The scripts put text into the page with `textContent`. A strict
//! `Content-Security-Policy` (scripts and styles from this origin only) backs this up.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::assets;
use super::i18n::I18n;
use crate::api::error::ApiError;
use crate::engine::Catalog;

/// The policy of every page: nothing but this origin's scripts, styles and API.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// A page to render.
pub struct Page {
    /// The HTTP status (a page also says "not found" or "bad parameter").
    pub status: StatusCode,
    /// The interface locale (the `lang` of the document).
    pub locale: String,
    /// The document's title (plain text).
    pub title: String,
    /// The page's script in `web/`, without `.js`.
    pub script: &'static str,
    /// What the script renders first.
    pub data: Map<String, Value>,
    /// The `Cache-Control` of the page.
    pub cache_control: &'static str,
}

/// What every page starts from: the URL's parameters, the interface locale, the engine and the
/// data every page carries ([`base_data`]).
pub struct PageStart {
    /// The interface strings.
    pub i18n: &'static I18n,
    /// The URL's parameters, read like the API reads them.
    pub params: crate::api::params::RawParams,
    /// The interface locale: `locale` when the interface speaks it, else `Accept-Language`,
    /// else English.
    pub locale: String,
    /// The engine, taken once for the request.
    pub databank: std::sync::Arc<crate::engine::Databank>,
    /// The page's first data.
    pub data: Map<String, Value>,
}

impl PageStart {
    /// Reads the request of the page named `page`.
    pub fn read(
        state: &crate::api::AppState,
        headers: &axum::http::HeaderMap,
        query: Option<&str>,
        page: &str,
    ) -> Result<PageStart, ApiError> {
        let i18n = i18n()?;
        let params = crate::api::params::from_query_string(query.unwrap_or_default());
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok());
        let locale = i18n.pick(crate::api::params::locale(&params).as_deref(), accept);
        let databank = state.databank();
        let data = base_data(databank.catalog(), i18n, &locale, page);
        Ok(PageStart {
            i18n,
            params,
            locale,
            databank,
            data,
        })
    }
}

/// The interface strings, or an internal error if the embedded file is broken.
pub fn i18n() -> Result<&'static I18n, ApiError> {
    I18n::embedded().ok_or_else(|| ApiError::Internal("web/i18n.json does not parse".into()))
}

/// The data every page starts from: its name and locale, the interface strings, the language
/// switch, and the label (and colour, for SDGs) of every facet value in the locale.
pub fn base_data(catalog: &Catalog, i18n: &I18n, locale: &str, page: &str) -> Map<String, Value> {
    let mut labels = Map::new();
    let mut colors = Map::new();
    for facet in &catalog.schema.facets {
        let taxonomy = catalog.taxonomy(&facet.taxonomy);
        let mut facet_labels = Map::new();
        let mut facet_colors = Map::new();
        for entry in taxonomy.values() {
            facet_labels.insert(
                entry.value.clone(),
                Value::from(taxonomy.label(&entry.value, locale)),
            );
            if let Some(color) = &entry.color {
                facet_colors.insert(entry.value.clone(), Value::from(color.as_str()));
            }
        }
        labels.insert(facet.name.clone(), Value::Object(facet_labels));
        if !facet_colors.is_empty() {
            colors.insert(facet.name.clone(), Value::Object(facet_colors));
        }
    }
    let mut data = Map::new();
    data.insert("page".into(), Value::from(page));
    data.insert("locale".into(), Value::from(locale));
    data.insert("strings".into(), Value::Object(i18n.strings(locale)));
    data.insert("locales".into(), Value::from(i18n.switch()));
    data.insert("labels".into(), Value::Object(labels));
    data.insert("colors".into(), Value::Object(colors));
    data
}

/// An error as page data: its message, the parameter it names, and the status to answer with.
/// Internal errors are logged and shown as a generic message.
pub fn error_data(error: ApiError) -> (StatusCode, Value) {
    let (status, code, param) = error.parts();
    let param = param.map(str::to_string);
    let message = if status.is_server_error() && code == "internal" {
        tracing::error!(error = %error, "internal error");
        "internal error; see the server log".to_string()
    } else {
        // `busy` and `timeout` say to try again: the page says so in its language.
        error.to_string()
    };
    (
        status,
        json!({"message": message, "param": param, "code": code, "status": status.as_u16()}),
    )
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let Some(template) = assets::text("page.html") else {
            return ApiError::Internal("web/page.html is missing".into()).into_response();
        };
        let i18n = I18n::embedded();
        let string = |key: &'static str| {
            i18n.map(|i18n| i18n.get(&self.locale, key))
                .unwrap_or(key)
                .to_string()
        };
        let html = fill(template, |name| match name {
            "lang" => Some(html_escape::encode_double_quoted_attribute(&self.locale).into_owned()),
            "title" => Some(html_escape::encode_text(&self.title).into_owned()),
            "skip" => Some(html_escape::encode_text(&string("skip")).into_owned()),
            "noscript" => Some(html_escape::encode_text(&string("noscript")).into_owned()),
            "script" => Some(self.script.to_string()),
            "version" => Some(assets::version().to_string()),
            "data" => Some(script_json(&Value::Object(self.data.clone()))),
            _ => None,
        });
        let mut response = (self.status, Html(html)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        response
    }
}

/// Replaces every `{{name}}` of `template` in one pass (a value is never scanned again, so a
/// document's text that contains `{{title}}` stays as it is). Unknown names are left as they are.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => match value(&after[..end]) {
                Some(text) => {
                    out.push_str(&text);
                    rest = &after[end + 2..];
                }
                None => {
                    out.push_str("{{");
                    rest = after;
                }
            },
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// JSON that is safe inside a `<script>` element: `<`, `>`, `&` and the two line separators
/// JavaScript once treated as line ends are written as `\u` escapes (they only occur in strings).
pub fn script_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_cannot_close_the_data_element() {
        let value = json!({"title": "</script><script>alert(1)</script> & <!--"});
        let text = script_json(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn placeholders_are_filled_once() {
        let filled = fill("<t>{{title}}</t>{{data}}{{other}}", |name| match name {
            "title" => Some("{{data}}".into()),
            "data" => Some("D".into()),
            _ => None,
        });
        assert_eq!(filled, "<t>{{data}}</t>D{{other}}");
    }

    #[test]
    fn the_template_has_every_placeholder() {
        let template = assets::text("page.html").expect("web/page.html");
        for name in [
            "lang", "title", "skip", "noscript", "script", "version", "data",
        ] {
            assert!(template.contains(&format!("{{{{{name}}}}}")), "{name}");
        }
    }
}
