//! Ranking rules through the real server: title and summary matches above description
//! matches, and words close together (in titles and summaries) above words far apart.

mod common;

use common::{document, ids, Server};

#[test]
fn title_and_summary_matches_rank_above_description_matches() {
    let mut in_summary = document(
        "summary",
        Some("en"),
        "A programme for families",
        "Weekly sessions in the district library.",
    );
    in_summary["summary"] = serde_json::json!("Storytelling for toddlers and their parents.");
    let docs = vec![
        document(
            "description",
            Some("en"),
            "A programme for families",
            "Weekly sessions in the library, with storytelling for toddlers.",
        ),
        in_summary,
        document(
            "title",
            Some("en"),
            "Storytelling in the district library",
            "Weekly sessions for families.",
        ),
    ];
    let server = Server::with_documents(&docs);
    let response = server.search("q=storytelling&facets=&cross_language=false");
    assert_eq!(ids(&response), ["title", "summary", "description"]);
}

#[test]
fn words_close_together_rank_above_words_far_apart() {
    // The same words (same BM25), in an order that puts the query's words together in `near`
    // (older residents … garden, within the slop) and apart in `far`.
    let mut far = document(
        "far",
        Some("en"),
        "Neighbourhood programme",
        "Weekly meetings.",
    );
    far["summary"] =
        serde_json::json!("Older people share a garden with young residents from the district.");
    let mut near = document(
        "near",
        Some("en"),
        "Neighbourhood programme",
        "Weekly meetings.",
    );
    near["summary"] =
        serde_json::json!("Older residents share a garden with young people from the district.");
    for order in [[far.clone(), near.clone()], [near, far]] {
        let server = Server::with_documents(&order);
        let response = server.search("q=older+residents+garden&facets=&cross_language=false");
        assert_eq!(ids(&response), ["near", "far"]);
        let scores: Vec<f64> = response["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| hit["score"].as_f64().unwrap())
            .collect();
        assert!(scores[0] > scores[1], "{scores:?}");
    }
}
