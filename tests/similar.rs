//! "More like this" through the real server, on the seed data.

mod common;

use common::{ids, Server};

#[test]
fn similar_initiatives_share_the_topic_across_languages_and_never_include_itself() {
    let server = Server::with_seed();
    let (status, body) =
        server.get("/v1/initiatives/ca-barcelona-consell-infants/similar?per_page=8");
    assert_eq!(status, 200, "{body}");
    let similar = ids(&body);
    assert_eq!(similar.len(), 8);
    assert!(!similar.contains(&"ca-barcelona-consell-infants".to_string()));
    // Other children's councils, in other languages, come first.
    let councils = [
        "ca-castello-consell-xiquets",
        "en-bristol-childrens-council",
    ];
    let top: Vec<&String> = similar.iter().take(5).collect();
    assert!(
        councils
            .iter()
            .any(|council| top.iter().any(|id| *id == council)),
        "{similar:?}"
    );
    let languages: std::collections::BTreeSet<&str> = body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["language"].as_str().unwrap())
        .collect();
    assert!(languages.len() >= 2, "only {languages:?}");
    // Hits are shaped as in a search; locale picks the text shown.
    let hit = &body["hits"][0];
    for field in [
        "id",
        "score",
        "title",
        "city",
        "country",
        "language",
        "shown_language",
        "themes",
    ] {
        assert!(!hit[field].is_null(), "{field} missing in {hit}");
    }
    let (status, body) = server.get("/v1/initiatives/no-such-id/similar");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, body) =
        server.get("/v1/initiatives/ca-barcelona-consell-infants/similar?per_page=0");
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("per_page"))
    );
}
