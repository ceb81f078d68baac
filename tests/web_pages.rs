//! The pages over plain HTTP (no browser): what the server sends for `/`, an initiative, `/admin`
//! and the assets, and the `last_commit` time the staff page reads from `/v1/facets`.
//! `tests/browser.rs` drives the same pages in Chromium.

mod common;

use common::Server;
use serde_json::Value;

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

/// The JSON a page carries in its `<script type="application/json" id="page-data">`.
fn page_data(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/json" id="page-data">"#)
        .expect("page data element");
    let rest = &html[start..];
    let open = rest.find('>').expect("end of tag") + 1;
    let close = rest.find("</script>").expect("close tag");
    serde_json::from_str(&rest[open..close]).expect("page data is JSON")
}

#[test]
fn search_page_carries_the_results_of_its_url_with_the_api_parameter_names() {
    let server = Server::with_seed();
    let response = client()
        .get(format!(
            "{}/?q=huerto&country=ES&sdg=4&locale=es",
            server.base
        ))
        .send()
        .expect("GET /");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    let html = response.text().expect("body");
    assert!(html.contains(r#"<html lang="es">"#));
    let data = page_data(&html);
    let api = server.search("q=huerto&country=ES&sdg=4&locale=es");
    assert_eq!(data["results"]["total"], api["total"]);
    assert_eq!(common::ids(&data["results"]), common::ids(&api));
    assert!(data["results"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|hit| hit["country"] == "ES"));
    assert_eq!(data["strings"]["search_button"], "Buscar");
    assert_eq!(data["labels"]["country"]["ES"], "España");
    assert_eq!(data["colors"]["sdg"]["4"], "#C5192D");
    // The page counts every facet it lists, whatever `facets` says.
    for facet in ["country", "theme", "sdg", "language", "principle"] {
        assert!(data["results"]["facets"][facet].is_array(), "{facet}");
    }
}

#[test]
fn a_parameter_the_api_refuses_gives_the_page_with_its_message_and_status() {
    let server = Server::with_seed();
    let response = client()
        .get(format!("{}/?sdg=18", server.base))
        .send()
        .expect("GET /");
    assert_eq!(response.status(), 400);
    let data = page_data(&response.text().expect("body"));
    assert_eq!(data["error"]["param"], "sdg");
    assert!(data.get("results").is_none());
}

#[test]
fn stored_markup_cannot_break_out_of_the_page_data() {
    let hostile = "</script><script>alert(1)</script><!--";
    let mut document = common::document("hostile", Some("en"), hostile, "hostile text");
    document["city"] = Value::from("<img src=x onerror=alert(2)>");
    let server = Server::with_documents(&[document]);
    for path in ["/?q=hostile", "/initiatives/hostile"] {
        let html = client()
            .get(format!("{}{path}", server.base))
            .send()
            .expect("GET")
            .text()
            .expect("body");
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img"), "{path}");
        let data = page_data(&html);
        let title = if path.starts_with("/?") {
            &data["results"]["hits"][0]["title"]
        } else {
            &data["document"]["title"]
        };
        assert_eq!(title, hostile, "{path}");
    }
}

#[test]
fn initiative_page_has_the_document_and_similar_ones_and_404s_when_absent() {
    let server = Server::with_seed();
    let response = client()
        .get(format!(
            "{}/initiatives/ca-barcelona-consell-infants",
            server.base
        ))
        .send()
        .expect("GET");
    assert_eq!(response.status(), 200);
    let html = response.text().expect("body");
    assert!(html.contains("<title>The City Children's Council"));
    let data = page_data(&html);
    assert_eq!(data["document"]["id"], "ca-barcelona-consell-infants");
    assert!(data["document"]["translations"]["en"].is_object());
    let similar = data["similar"].as_array().expect("similar");
    assert!(!similar.is_empty());
    assert!(similar
        .iter()
        .all(|hit| hit["id"] != "ca-barcelona-consell-infants"));

    let missing = client()
        .get(format!("{}/initiatives/no-such-thing", server.base))
        .send()
        .expect("GET");
    assert_eq!(missing.status(), 404);
    assert!(page_data(&missing.text().expect("body"))["error"]["message"].is_string());
}

#[test]
fn admin_page_holds_no_token_and_is_not_cached() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start_with(dir, &["--no-seed"], Some("page-secret"));
    let response = client()
        .get(format!("{}/admin", server.base))
        .send()
        .expect("GET");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().expect("body");
    assert!(!html.contains("page-secret"));
    assert_eq!(page_data(&html)["writes_enabled"], true);
}

#[test]
fn assets_have_content_types_validators_and_cache_control() {
    let server = Server::with_seed();
    let html = client()
        .get(format!("{}/", server.base))
        .send()
        .expect("GET")
        .text()
        .expect("body");
    let version = html
        .split("/assets/search.js?v=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("versioned script");

    let versioned = client()
        .get(format!("{}/assets/search.js?v={version}", server.base))
        .send()
        .expect("GET");
    assert_eq!(versioned.status(), 200);
    assert_eq!(
        versioned.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(versioned.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));

    let css = client()
        .get(format!("{}/assets/style.css", server.base))
        .send()
        .expect("GET");
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(css.headers()["cache-control"], "public, no-cache");
    let etag = css.headers()["etag"].clone();
    let again = client()
        .get(format!("{}/assets/style.css", server.base))
        .header("if-none-match", etag)
        .send()
        .expect("GET");
    assert_eq!(again.status(), 304);

    for path in [
        "/assets/page.html",
        "/assets/nope.js",
        "/assets/../Cargo.toml",
    ] {
        let response = client()
            .get(format!("{}{path}", server.base))
            .send()
            .expect("GET");
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[test]
fn facets_say_when_the_index_was_last_committed() {
    let server = Server::empty_with_token("t");
    let (_, before) = server.get("/v1/facets");
    let document = common::document("committed-now", Some("en"), "Title", "Text");
    let (status, _) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        document.to_string().into_bytes(),
        Some("t"),
    );
    assert_eq!(status, 200);
    let (_, after) = server.get("/v1/facets");
    let stamp = after["last_commit"].as_str().expect("last_commit");
    let committed =
        time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339)
            .expect("RFC 3339");
    let age = time::OffsetDateTime::now_utc() - committed;
    assert!(age.whole_seconds().abs() < 120, "{stamp} is not now");
    assert!(stamp.ends_with('Z'));
    if let Some(earlier) = before["last_commit"].as_str() {
        assert!(earlier <= stamp);
    }
}

#[test]
fn the_browser_language_is_chosen_by_preference_and_declared_for_caches() {
    let server = Server::with_seed();
    let page = |accept: &str| {
        client()
            .get(format!("{}/?q=huerto", server.base))
            .header("accept-language", accept)
            .send()
            .expect("GET /")
    };
    let response = page("de;q=0.1, es;q=0.9");
    let vary = response
        .headers()
        .get_all("vary")
        .iter()
        .map(|value| value.to_str().unwrap().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(",");
    assert!(vary.contains("accept-language"), "{vary}");
    assert!(response.text().unwrap().contains(r#"<html lang="es">"#));
    let refused = page("en;q=0, fr;q=0.5").text().unwrap();
    assert!(refused.contains(r#"<html lang="fr">"#));
}

#[test]
fn a_browser_on_a_mistyped_path_gets_the_sites_404_page_and_an_api_client_json() {
    let server = Server::with_seed();
    let html = client()
        .get(format!("{}/index.html?locale=fr", server.base))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .expect("GET");
    assert_eq!(html.status(), 404);
    assert!(html.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let body = html.text().unwrap();
    assert!(body.contains(r#"<html lang="fr">"#), "{body}");
    assert_eq!(page_data(&body)["error"]["code"], "no_page");
    let json = client()
        .get(format!("{}/v1/nope", server.base))
        .header("accept", "text/html")
        .send()
        .expect("GET");
    assert_eq!(json.status(), 404);
    let error: Value = json.json().expect("JSON on an API path");
    assert_eq!(error["error"]["code"], "not_found");
    let plain = client()
        .get(format!("{}/index.html", server.base))
        .send()
        .expect("GET");
    let error: Value = plain.json().expect("JSON without Accept: text/html");
    assert_eq!(error["error"]["code"], "not_found");
}
