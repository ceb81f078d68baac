//! Suggestions through the real server, on the seed data and on a few CJK and Thai titles.

mod common;

use common::{document, Server};
use serde_json::Value;

fn suggestions(server: &Server, q: &str) -> Vec<Value> {
    let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let (status, body) = server.get(&format!("/v1/suggest?q={encoded}"));
    assert_eq!(status, 200, "{body}");
    body["suggestions"].as_array().expect("suggestions").clone()
}

#[test]
fn completions_come_from_titles_and_cities_ranked_by_count() {
    let server = Server::with_seed();
    // A city prefix, accents aside: "Barcelona" has several initiatives.
    let found = suggestions(&server, "barc");
    assert!(!found.is_empty() && found.len() <= 10);
    assert_eq!(found[0]["text"], "Barcelona");
    assert_eq!(found[0]["kind"], "city");
    assert!(found[0]["count"].as_u64().unwrap() >= 2);
    let counts: Vec<u64> = found.iter().map(|s| s["count"].as_u64().unwrap()).collect();
    assert!(
        counts.windows(2).all(|pair| pair[0] >= pair[1]),
        "{counts:?}"
    );
    // Title completions, accent-insensitive, every typed word must start a word of the title.
    let found = suggestions(&server, "huertos esc");
    assert!(
        found.iter().any(|s| s["kind"] == "title"
            && s["text"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("huertos")),
        "{found:?}"
    );
    // Concepts (which count initiatives in every language) leave room for the cities.
    let found = suggestions(&server, "Sant");
    let cities: Vec<&str> = found
        .iter()
        .filter(|s| s["kind"] == "city")
        .filter_map(|s| s["text"].as_str())
        .collect();
    for city in ["Sant Cugat del Vallès", "Santos", "Santander", "Santiago"] {
        assert!(cities.contains(&city), "{city} missing: {found:?}");
    }
    assert!(found.iter().filter(|s| s["kind"] == "concept").count() <= 4);
    let counts: Vec<u64> = found.iter().map(|s| s["count"].as_u64().unwrap()).collect();
    assert!(
        counts.windows(2).all(|pair| pair[0] >= pair[1]),
        "{counts:?}"
    );
    let found = suggestions(&server, "sao pau");
    assert!(found.iter().any(|s| s["text"] == "São Paulo"), "{found:?}");
    assert!(suggestions(&server, "").is_empty());
    assert!(suggestions(&server, "zzzqqq").is_empty());
    let (status, _) = server.get(&format!("/v1/suggest?q={}", "a".repeat(1001)));
    assert_eq!(status, 400);
}

#[test]
fn thesaurus_concepts_are_suggested_with_their_counts() {
    let server = Server::with_seed();
    let found = suggestions(&server, "presupuestos parti");
    let concept = found.iter().find(|s| s["kind"] == "concept");
    assert!(concept.is_some(), "{found:?}");
    assert!(concept.unwrap()["count"].as_u64().unwrap() > 0);
}

#[test]
fn concept_suggestions_follow_the_query_language() {
    let server = Server::with_seed();
    // "parti" starts concept terms in many languages; locale=es keeps the Spanish ones.
    let (status, body) = server.get("/v1/suggest?q=parti&locale=es");
    assert_eq!(status, 200);
    let concepts: Vec<&str> = body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "concept")
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert!(!concepts.is_empty(), "{body}");
    assert!(
        concepts
            .iter()
            .all(|text| !text.contains("participation") && !text.contains("participatory")),
        "{concepts:?}"
    );
    let (status, _) = server.get("/v1/suggest?q=parti&locale=zz");
    assert_eq!(status, 400);
}

#[test]
fn a_word_inside_a_cjk_or_thai_title_is_completed() {
    // Japanese, Chinese and Thai write words together: a word typed is found inside a title.
    let server = Server::with_documents(&[
        document(
            "ja-map",
            Some("ja"),
            "横浜市の通学路安全マップ",
            "子どもたちが通学路の危ない場所を地図にまとめた。",
        ),
        document(
            "zh-farm",
            Some("zh"),
            "台北市開心農場",
            "兒童與家長一起在社區農場種菜。",
        ),
        document(
            "th-garden",
            Some("th"),
            "โรงเรียนสวนผักในกรุงเทพมหานคร",
            "นักเรียนปลูกผักในสวนของโรงเรียน",
        ),
    ]);
    let texts = |q: &str| -> Vec<String> {
        suggestions(&server, q)
            .iter()
            .map(|s| s["text"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(texts("通学"), ["横浜市の通学路安全マップ"]);
    assert_eq!(texts("农场"), ["台北市開心農場"]);
    assert_eq!(texts("สวนผัก"), ["โรงเรียนสวนผักในกรุงเทพมหานคร"]);
    assert!(texts("学校").is_empty());
}
