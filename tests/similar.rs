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

/// In a language with few initiatives and no stop-word list, the function words shared by its
/// initiatives (Swahili `ya`, `na`, `wa`) must not make them "similar" whatever their topic:
/// a word in more than half of its language's initiatives does not count.
#[test]
fn function_words_of_a_small_language_do_not_make_its_initiatives_similar() {
    let mut garden = common::document(
        "sw-dar-bustani",
        Some("sw"),
        "Bustani za shule za Dar es Salaam",
        "Wanafunzi wa shule za msingi za Dar es Salaam wanapanda mboga katika bustani ya shule na \
         kupeleka mavuno jikoni ya shule; walimu na wazazi wanasaidia kila wiki. Mradi huu wa \
         halmashauri ya jiji ulianza mwaka 2019 katika shule tano na sasa unafanyika katika shule \
         ishirini na mbili. Kila shule ina kamati ya wazazi na walimu ambayo inapanga kazi za \
         bustani, na watoto wanajifunza kuhusu udongo, maji na lishe bora kwa vitendo.",
    );
    garden["themes"] = serde_json::json!(["environment", "school-community"]);
    let mut council = common::document(
        "sw-nairobi-baraza",
        Some("sw"),
        "Baraza la Watoto la Nairobi",
        "Watoto wa Kaunti ya Nairobi wanajadili usalama wa barabara na kutoa mapendekezo kwa \
         serikali ya kaunti kila mwaka; walimu na wazazi wanasaidia. Baraza hili la watoto \
         lilianza mwaka 2018 katika kata tano na sasa linafanyika katika kata ishirini na mbili. \
         Kila kata ina kamati ya wazazi na walimu ambayo inapanga mikutano ya baraza, na watoto \
         wanajifunza kuhusu haki zao, maji na usafi wa mazingira kwa vitendo.",
    );
    council["themes"] = serde_json::json!(["citizen-participation"]);
    let mut gardens_elsewhere = common::document(
        "it-torino-orti",
        Some("it"),
        "Orti scolastici a Torino",
        "Gli alunni coltivano ortaggi negli orti delle scuole e li portano in mensa.",
    );
    gardens_elsewhere["themes"] = serde_json::json!(["environment", "school-community"]);
    // Among the seed data, so that a word the two share is a rare word of the index (as in the
    // databank, where it scored above every shared theme).
    let server = Server::start_with(tempfile::tempdir().unwrap(), &[], Some("similar-token"));
    let body: String = [garden, council, gardens_elsewhere]
        .iter()
        .map(|document| format!("{document}\n"))
        .collect();
    let (status, report) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        body.into_bytes(),
        Some("similar-token"),
    );
    assert_eq!(status, 200, "{report}");
    let (status, body) = server.get("/v1/initiatives/sw-dar-bustani/similar?per_page=5");
    assert_eq!(status, 200, "{body}");
    let similar = ids(&body);
    assert!(
        !similar.contains(&"sw-nairobi-baraza".to_string()),
        "the council came with the gardens: {similar:?}"
    );
    let first_themes = body["hits"][0]["themes"].to_string();
    assert!(first_themes.contains("environment"), "{body}");
}
