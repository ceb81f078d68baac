//! The search API on the seed data, through the real server: disjunctive facets, filters,
//! sorting, pagination, locale labels, documents, and the error contract.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use common::{facet, ids, seed_documents, Server};
use serde_json::{json, Value};

/// Seed documents counted by a key.
fn seed_counts(key: impl Fn(&Value) -> Vec<String>) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for document in seed_documents() {
        for value in key(&document) {
            *counts.entry(value).or_default() += 1;
        }
    }
    counts
}

fn country(document: &Value) -> Vec<String> {
    vec![document["country"].as_str().unwrap().to_ascii_uppercase()]
}

fn themes(document: &Value) -> Vec<String> {
    document["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|theme| theme.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn disjunctive_country_facet_keeps_the_other_countries_counts() {
    let server = Server::with_seed();
    let expected = seed_counts(country);
    let response = server.search("country=ES&per_page=5");
    assert_eq!(response["total"], expected["ES"]);
    // The country facet ignores the country filter: every country with its own count.
    let counts: BTreeMap<String, u64> = facet(&response, "country").into_iter().collect();
    assert_eq!(counts, expected);
    // ... exactly what a search with only that country gives.
    for (code, count) in counts.iter().take(8) {
        let alone = server.search(&format!("country={code}&facets="));
        assert_eq!(alone["total"].as_u64(), Some(*count), "country {code}");
    }
    // The other facets are counted with the country filter applied.
    let theme_counts: BTreeMap<String, u64> = facet(&response, "theme").into_iter().collect();
    let expected_themes = {
        let mut counts = BTreeMap::new();
        for document in seed_documents() {
            if country(&document) == ["ES"] {
                for theme in themes(&document) {
                    *counts.entry(theme).or_insert(0u64) += 1;
                }
            }
        }
        counts
    };
    assert_eq!(theme_counts, expected_themes);
}

#[test]
fn filters_are_or_within_a_facet_and_and_across_facets() {
    let server = Server::with_seed();
    let countries = seed_counts(country);
    let both = server.search("country=ES&country=FR&facets=");
    assert_eq!(
        both["total"].as_u64().unwrap(),
        countries["ES"] + countries["FR"]
    );
    let comma = server.search("country=es,fr&facets=");
    assert_eq!(comma["total"], both["total"]);
    // As form encoders write lists (jQuery, PHP, Rails; axios with qs).
    let brackets = server.search("country%5B%5D=ES&country%5B%5D=FR&facets=");
    assert_eq!(brackets["total"], both["total"]);
    let indexed = server.search("country[0]=ES&country[1]=FR&facets=");
    assert_eq!(indexed["total"], both["total"]);

    let expected = seed_documents()
        .iter()
        .filter(|document| {
            country(document) == ["ES"] && themes(document).contains(&"environment".to_string())
        })
        .count();
    let and = server.search("country=ES&theme=environment&per_page=100");
    assert_eq!(and["total"].as_u64().unwrap() as usize, expected);
    for hit in and["hits"].as_array().unwrap() {
        assert_eq!(hit["country"], "ES");
        assert!(hit["themes"]
            .as_array()
            .unwrap()
            .contains(&json!("environment")));
    }
    // Disjunctive theme counts under both filters: the theme facet ignores the theme filter.
    let theme_counts: HashMap<String, u64> = facet(&and, "theme").into_iter().collect();
    let spain = server.search("country=ES&facets=theme");
    let spain_counts: HashMap<String, u64> = facet(&spain, "theme").into_iter().collect();
    assert_eq!(theme_counts, spain_counts);
}

#[test]
fn year_range_is_inclusive() {
    let server = Server::with_seed();
    let expected = seed_documents()
        .iter()
        .filter(|document| {
            document["start_year"]
                .as_u64()
                .is_some_and(|year| (2015..=2018).contains(&year))
        })
        .count();
    let response = server.search("year_from=2015&year_to=2018&per_page=100&facets=");
    assert_eq!(response["total"].as_u64().unwrap() as usize, expected);
    for hit in response["hits"].as_array().unwrap() {
        let year = hit["start_year"].as_u64().unwrap();
        assert!((2015..=2018).contains(&year), "{year}");
    }
    let exact = server.search("year_from=2018&year_to=2018&per_page=100&facets=");
    assert!(exact["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|hit| hit["start_year"] == 2018));
}

#[test]
fn every_sort_orders_its_way() {
    let server = Server::with_seed();
    let newest = server.search("per_page=100&facets=");
    assert_eq!(newest["sort"], "newest");
    let dates: Vec<&str> = newest["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["updated_at"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|pair| pair[0] >= pair[1]), "{dates:?}");

    let by_year = server.search("sort=start_year&per_page=100&facets=");
    let years: Vec<u64> = by_year["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|hit| hit["start_year"].as_u64())
        .collect();
    assert!(years.windows(2).all(|pair| pair[0] >= pair[1]), "{years:?}");
    let newest_year = seed_documents()
        .iter()
        .filter_map(|document| document["start_year"].as_u64())
        .max();
    assert_eq!(years.first().copied(), newest_year);

    let relevance = server.search("q=school+garden&per_page=50&facets=");
    assert_eq!(relevance["sort"], "relevance");
    let scores: Vec<f64> = relevance["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["score"].as_f64().unwrap())
        .collect();
    assert!(!scores.is_empty());
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );
    let newest_with_q = server.search("q=school+garden&sort=newest&per_page=50&facets=");
    assert_eq!(newest_with_q["total"], relevance["total"]);
}

#[test]
fn pages_cover_every_result_once() {
    let server = Server::with_seed();
    let total = server.search("facets=")["total"].as_u64().unwrap() as usize;
    assert_eq!(total, seed_documents().len());
    for query in [
        "facets=&per_page=7",
        "facets=&per_page=13&q=city",
        "facets=&per_page=9&sort=start_year",
    ] {
        let first = server.search(query);
        let total = first["total"].as_u64().unwrap() as usize;
        let per_page: usize = query
            .split("per_page=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let mut seen = BTreeSet::new();
        for page in 1..=total.div_ceil(per_page) {
            let response = server.search(&format!("{query}&page={page}"));
            for id in ids(&response) {
                assert!(seen.insert(id.clone()), "{id} twice ({query})");
            }
        }
        assert_eq!(seen.len(), total, "{query}");
    }
}

#[test]
fn post_search_takes_the_same_parameters_as_get() {
    let server = Server::with_seed();
    let get = server.search("q=educaci%C3%B3n&country=ES&country=AR&sdg=4&per_page=5");
    let (status, post) = server.post_json(
        "/v1/search",
        &json!({"q": "educación", "country": ["ES", "AR"], "sdg": 4, "per_page": 5}),
    );
    assert_eq!(status, 200, "{post}");
    assert_eq!(ids(&get), ids(&post));
    assert_eq!(get["total"], post["total"]);
    assert_eq!(get["facets"], post["facets"]);
    // A body saved by a Windows tool starts with a byte-order mark.
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend_from_slice(
        json!({"q": "educación", "country": ["ES", "AR"], "sdg": 4, "per_page": 5})
            .to_string()
            .as_bytes(),
    );
    let (status, marked) = server.post_raw("/v1/search", "application/json", body, None);
    assert_eq!(status, 200, "{marked}");
    assert_eq!(ids(&marked), ids(&get));
}

#[test]
fn locale_picks_labels_and_shown_text() {
    let server = Server::with_seed();
    let response = server.search("theme=environment&locale=es&facets=theme,sdg");
    let environment = response["facets"]["theme"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["value"] == "environment")
        .unwrap();
    assert_eq!(environment["label"], "Medio ambiente");
    let (_, all) = server.get("/v1/facets?locale=es");
    let sdg4 = all["facets"]["sdg"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["value"] == 4)
        .expect("SDG 4 is listed");
    assert_eq!(sdg4["label"], "Educación de calidad");
    // A browser's language tag (navigator.language) is read by its language.
    for tag in ["es-ES", "es_AR", "ES"] {
        let (status, body) = server.get(&format!("/v1/facets?locale={tag}"));
        assert_eq!(status, 200, "{tag}: {body}");
        let sdg4 = body["facets"]["sdg"]
            .as_array()
            .and_then(|values| values.iter().find(|entry| entry["value"] == 4))
            .map(|entry| entry["label"].clone());
        assert_eq!(sdg4, Some("Educación de calidad".into()), "{tag}");
    }
    let (status, body) = server.get("/v1/facets?locale=xx-ES");
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("locale"))
    );
    // A document with an English translation shows it under locale=en, its own text otherwise.
    let translated = seed_documents()
        .into_iter()
        .find(|document| document["language"] == "es" && document["translations"]["en"].is_object())
        .unwrap();
    let id = translated["id"].as_str().unwrap();
    for (locale, title) in [
        ("en", translated["translations"]["en"]["title"].clone()),
        ("es", translated["title"].clone()),
        ("ko", translated["title"].clone()),
    ] {
        let response = server.search(&format!(
            "country={}&locale={locale}&per_page=100",
            translated["country"].as_str().unwrap()
        ));
        let hit = response["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|hit| hit["id"] == id)
            .expect("the initiative is among its country's hits");
        assert_eq!(hit["title"], title, "locale {locale}");
        let shown = if locale == "en" { "en" } else { "es" };
        assert_eq!(hit["shown_language"], shown, "locale {locale}");
    }
}

#[test]
fn documents_come_back_exactly_as_loaded() {
    let server = Server::with_seed();
    for document in seed_documents()
        .iter()
        .filter(|document| document["language"].is_string())
        .take(20)
    {
        let (status, stored) = server.get(&format!(
            "/v1/initiatives/{}",
            document["id"].as_str().unwrap()
        ));
        assert_eq!(status, 200);
        assert_eq!(&stored, document);
    }
    let without = seed_documents()
        .into_iter()
        .find(|document| document["language"].is_null())
        .unwrap();
    let (_, stored) = server.get(&format!(
        "/v1/initiatives/{}",
        without["id"].as_str().unwrap()
    ));
    assert_eq!(stored["language_detected"], true);
    assert!(stored["language"].is_string());
    let (status, body) = server.get("/v1/initiatives/no-such-initiative");
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

#[test]
fn facets_endpoint_lists_every_value_with_labels() {
    let server = Server::with_seed();
    let (status, body) = server.get("/v1/facets?locale=fr");
    assert_eq!(status, 200);
    assert_eq!(
        body["total"].as_u64().unwrap() as usize,
        seed_documents().len()
    );
    let sdgs = body["facets"]["sdg"].as_array().unwrap();
    assert_eq!(sdgs.len(), 17);
    assert!(sdgs
        .iter()
        .all(|entry| entry["count"].as_u64().unwrap() > 0));
    let themes = body["facets"]["theme"].as_array().unwrap();
    assert_eq!(themes.len(), 20);
    let countries: BTreeMap<String, u64> = facet(&body, "country").into_iter().collect();
    assert_eq!(countries, seed_counts(country));
    let spain = body["facets"]["country"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["value"] == "ES")
        .unwrap();
    assert_eq!(spain["label"], "Espagne");
    let (status, _) = server.get("/v1/facets?locale=bogus");
    assert_eq!(status, 400);
}

#[test]
fn bad_parameters_are_400_naming_the_parameter() {
    let server = Server::with_seed();
    let long_query = "a".repeat(1001);
    for (query, param) in [
        ("per_page=abc", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=501&per_page=20", "page"),
        ("year_from=abc", "year_from"),
        ("year_to=20x", "year_to"),
        ("sdg=abc", "sdg"),
        ("sdg=18", "sdg"),
        ("sdg=0", "sdg"),
        ("principle=21", "principle"),
        ("sort=bogus", "sort"),
        ("facets=country,bogus", "facets"),
        ("country=ZZ", "country"),
        ("theme=not-a-theme", "theme"),
        ("locale=klingon", "locale"),
        (&format!("q={long_query}") as &str, "q"),
    ] {
        let (status, body) = server.get(&format!("/v1/search?{query}"));
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["code"], "invalid_parameter", "{query}");
        assert_eq!(body["error"]["param"], param, "{query}");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()));
    }
    // 1,000 characters is still fine.
    let (status, _) = server.get(&format!("/v1/search?q={}", "a".repeat(1000)));
    assert_eq!(status, 200);
    let (status, body) = server.post_json("/v1/search", &json!({"per_page": "many"}));
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("per_page"))
    );
    let (status, body) = server.post_json("/v1/search", &json!([1, 2]));
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_body"))
    );
}

#[test]
fn malformed_queries_are_read_leniently() {
    let server = Server::with_seed();
    for q in [
        "%22unbalanced",
        "AND+OR+(",
        "***",
        "-",
        "%22%22",
        "))((",
        "NOT",
        "a%22b%22c",
        "%E2%80%9Cguillemets",
        "%00%01",
    ] {
        let (status, body) = server.get(&format!("/v1/search?q={q}"));
        assert_eq!(status, 200, "{q}: {body}");
        assert!(body["hits"].is_array());
    }
    // A well-formed value that no document has matches nothing.
    let response = server.search("country=AQ");
    assert_eq!(response["total"], 0);
    // Unknown routes and methods answer JSON errors.
    let (status, body) = server.get("/v1/nothing-here");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let client = reqwest::blocking::Client::new();
    let response = client
        .delete(format!("{}/v1/search", server.base))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = response.json().unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[test]
fn the_longest_queries_are_answered_within_the_request_timeout() {
    // Before, a 1,000-character run of CJK text built a Levenshtein automaton of the whole run
    // for "did you mean" (gigabytes, past the timeout), and 100 unknown words one automaton
    // per word and field.
    let server = Server::start(
        tempfile::tempdir().expect("dir"),
        &["--request-timeout-ms", "5000"],
    );
    let mut seed = 7u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 8) % 20_000
    };
    let cjk: String = (0..1000)
        .map(|_| char::from_u32(0x4E00 + next()).unwrap_or('中'))
        .collect();
    let latin_run = "participacion".repeat(76);
    let words: Vec<String> = (0..100)
        .map(|_| {
            (0..9)
                .map(|_| char::from(b'a' + (next() % 26) as u8))
                .collect()
        })
        .collect();
    for q in [cjk, latin_run, words.join(" ")] {
        let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let (status, body) = server.get(&format!("/v1/search?q={encoded}"));
        assert_eq!(status, 200, "{}...: {body}", &q[..30]);
        assert_eq!(body["total"], 0);
    }
}

#[test]
fn phrases_and_exclusions() {
    let server = Server::with_seed();
    let all = server.search("q=school+gardens&per_page=100&facets=");
    let phrase = server.search("q=%22school+gardens%22&per_page=100&facets=");
    assert!(phrase["total"].as_u64().unwrap() > 0);
    assert!(phrase["total"].as_u64().unwrap() <= all["total"].as_u64().unwrap());
    let first = ids(&phrase)[0].clone();
    let city = phrase["hits"][0]["city"].as_str().unwrap().to_lowercase();
    let excluded = server.search(&format!(
        "q=%22school+gardens%22+-{}&per_page=100&facets=",
        city.split_whitespace().next().unwrap()
    ));
    assert!(!ids(&excluded).contains(&first));
}

#[test]
fn health_and_readiness() {
    let server = Server::with_seed();
    let (status, body) = server.get("/healthz");
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = server.get("/readyz");
    assert_eq!(status, 200);
    assert_eq!(
        body["documents"].as_u64().unwrap() as usize,
        seed_documents().len()
    );
}

#[test]
fn each_facet_is_counted_with_every_filter_but_its_own() {
    let server = Server::with_seed();
    let documents = seed_documents();
    let sdgs = |document: &Value| -> Vec<String> {
        document["sdgs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|sdg| sdg.to_string())
            .collect()
    };
    let passes_country = |d: &Value| ["ES", "FR", "IT"].contains(&country(d)[0].as_str());
    let passes_theme = |d: &Value| {
        themes(d)
            .iter()
            .any(|t| t == "environment" || t == "school-community")
    };
    let passes_sdg = |d: &Value| sdgs(d).iter().any(|s| s == "4");
    let in_years = |d: &Value| d["start_year"].as_u64().is_some_and(|y| y >= 2010);
    let response = server.search(
        "country=ES&country=FR&country=IT&theme=environment&theme=school-community&sdg=4&year_from=2010&per_page=100&facets=country,theme,sdg,language",
    );
    let expected_total = documents
        .iter()
        .filter(|d| in_years(d) && passes_country(d) && passes_theme(d) && passes_sdg(d))
        .count();
    assert_eq!(response["total"].as_u64().unwrap() as usize, expected_total);
    let tally = |keep: &dyn Fn(&Value) -> bool, key: &dyn Fn(&Value) -> Vec<String>| {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for document in documents.iter().filter(|d| in_years(d) && keep(d)) {
            for value in key(document) {
                *counts.entry(value).or_default() += 1;
            }
        }
        counts
    };
    let nonzero = |pairs: Vec<(String, u64)>| -> BTreeMap<String, u64> {
        pairs.into_iter().filter(|(_, count)| *count > 0).collect()
    };
    assert_eq!(
        nonzero(facet(&response, "country")),
        tally(&|d| passes_theme(d) && passes_sdg(d), &country)
    );
    assert_eq!(
        nonzero(facet(&response, "theme")),
        tally(&|d| passes_country(d) && passes_sdg(d), &themes)
    );
    assert_eq!(
        nonzero(facet(&response, "sdg")),
        tally(&|d| passes_country(d) && passes_theme(d), &sdgs)
    );
    let language = |d: &Value| vec![d["language"].as_str().unwrap_or("?").to_string()];
    let languages = nonzero(facet(&response, "language"));
    let expected = tally(
        &|d| passes_country(d) && passes_theme(d) && passes_sdg(d),
        &language,
    );
    if !expected.contains_key("?") {
        assert_eq!(languages, expected);
    }
}

/// Runs `databank search` on a data directory with these arguments.
fn cli_search(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_databank"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("search")
        .args(args)
        .output()
        .expect("run databank search")
}

#[test]
fn cli_search_prints_a_table_or_json() {
    let server = Server::with_seed();
    let data_dir = server.data_dir().to_path_buf();
    // The CLI opens the index read-only, so it works while the server runs.
    let output = cli_search(
        &data_dir,
        &["huertos escolares", "--country", "ES", "--json"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let response: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let api = server.search("q=huertos+escolares&country=ES&per_page=10");
    assert_eq!(response["total"], api["total"]);
    assert_eq!(ids(&response), ids(&api));
    let output = cli_search(&data_dir, &["huertos escolares", "--country", "ES"]);
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains("result(s) for \"huertos escolares\""),
        "{table}"
    );
    assert!(table.contains("(ES)"), "{table}");
    // A comma list, as the API takes it.
    let output = cli_search(&data_dir, &["", "--country", "ES,FR,", "--json"]);
    assert!(output.status.success());
    let response: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let api = server.search("country=ES&country=FR");
    assert_eq!(response["total"], api["total"]);
    let output = cli_search(&data_dir, &["x", "--country", "ZZ"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("ZZ"));
}

#[test]
fn errors_outside_the_handlers_have_the_json_shape_and_post_wants_json() {
    let server = Server::with_seed();
    // A path that is not UTF-8: axum's own rejection, given the contract's shape.
    let (status, body) = server.get("/v1/initiatives/%FF");
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(body["error"]["code"], "invalid_parameter");
    assert_eq!(body["error"]["param"], "id");
    let (status, body) = server.get("/v1/initiatives/%FF/similar");
    assert_eq!((status, &body["error"]["param"]), (400, &json!("id")));
    // POST /v1/search reads JSON only.
    let query = br#"{"q":"huertos","per_page":1}"#.to_vec();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
    ] {
        let (status, body) = server.post_raw("/v1/search", content_type, query.clone(), None);
        assert_eq!(status, 415, "{content_type}: {body}");
        assert_eq!(body["error"]["code"], "unsupported_media_type");
    }
    let (status, body) = server.post_raw(
        "/v1/search",
        "application/json; charset=utf-8",
        query.clone(),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["per_page"], 1);
    // A body over axum's limit: 413 in the JSON shape.
    let mut big = b"{\"q\":\"huertos\",\"pad\":\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    big.extend(b"\"}");
    let (status, body) = server.post_raw("/v1/search", "application/json", big, None);
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "payload_too_large");
}

#[test]
fn a_conditional_request_keeps_its_404_or_400() {
    let server = Server::with_seed();
    let client = server.client();
    let base = &server.base;
    let first = client
        .get(format!("{base}/v1/search?q=huertos"))
        .send()
        .unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    for (path, expected) in [
        ("/v1/search?q=huertos", 304),
        ("/v1/initiatives/no-such-initiative", 404),
        ("/v1/search?per_page=abc", 400),
        ("/v1/search?locale=xx", 400),
    ] {
        for tag in [etag.as_str(), "*"] {
            let response = client
                .get(format!("{base}{path}"))
                .header("if-none-match", tag)
                .send()
                .unwrap();
            assert_eq!(response.status().as_u16(), expected, "{path} with {tag}");
        }
    }
}

#[test]
fn facet_counts_under_a_filter_describe_the_query_a_click_gives() {
    // Two words that match together in Spain only: with country=BR the text must keep its
    // meaning (all words, no hit), so the country facet's ES count is what ticking ES gives.
    let mut spanish = common::document(
        "es-gardens",
        Some("es"),
        "Huertos escolares",
        "Huertos escolares en los patios de las escuelas.",
    );
    spanish["country"] = json!("ES");
    spanish["sdgs"] = json!([4, 4, 11, 4]);
    let mut brazilian = common::document(
        "br-schools",
        Some("pt"),
        "Escolas abertas",
        "Escolas abertas ao bairro nos fins de semana.",
    );
    brazilian["country"] = json!("BR");
    let server = Server::with_documents(&[spanish, brazilian]);
    let filtered = server.search("q=huertos%20escolares&country=BR");
    assert_eq!(filtered["total"], 0, "{filtered}");
    assert_eq!(filtered["matching"], "all");
    let es_count = facet(&filtered, "country")
        .into_iter()
        .find(|(value, _)| value == "ES")
        .map(|(_, count)| count);
    let clicked = server.search("q=huertos%20escolares&country=ES");
    assert_eq!(es_count, clicked["total"].as_u64(), "{filtered}");
    // SDG duplicates are removed (contract), not only adjacent ones.
    assert_eq!(clicked["hits"][0]["sdgs"], json!([4, 11]));
    // Without filters, words that match nothing together still fall back to any word.
    let loose = server.search("q=huertos%20bairro");
    assert_eq!(loose["matching"], "any");
    assert_eq!(loose["total"], 2);
}
