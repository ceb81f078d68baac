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
    // Same words, same lengths; only their order and distance differ.
    let mut far = document(
        "far",
        Some("en"),
        "Neighbourhood programme",
        "Weekly meetings.",
    );
    far["summary"] =
        serde_json::json!("Garden days: older people meet young residents to share the district.");
    let mut near = document(
        "near",
        Some("en"),
        "Neighbourhood programme",
        "Weekly meetings.",
    );
    near["summary"] =
        serde_json::json!("District days: older residents meet young people to share the garden.");
    // `far` is loaded first, so it would win a tie.
    let server = Server::with_documents(&[far, near]);
    let response = server.search("q=older+residents+garden&facets=&cross_language=false");
    assert_eq!(ids(&response), ["near", "far"]);
}
