//! Typo tolerance through the real server: the length rules, the first letter, numbers,
//! phrases, exact-beats-typo, the `typos=false` switch and `typo_corrected`.

mod common;

use common::{document, ids, Server};
use serde_json::Value;

fn fixtures() -> Vec<Value> {
    vec![
        document(
            "fr-jardin",
            Some("fr"),
            "Un jardin partagé au cœur du quartier",
            "Les habitants cultivent ensemble.",
        ),
        document(
            "pt-jardim",
            Some("pt"),
            "Jardim comunitário no bairro",
            "Os moradores cultivam juntos.",
        ),
        document(
            "en-neighbourhood",
            Some("en"),
            "Neighbourhood councils for young people",
            "Young people advise the council on the neighbourhood plan.",
        ),
        document(
            "en-garden",
            Some("en"),
            "School garden in Leeds",
            "Pupils grow vegetables in the school garden since 2019.",
        ),
        document(
            "en-bike",
            Some("en"),
            "Bike library for families",
            "Families borrow bikes for the weekend.",
        ),
    ]
}

fn search(server: &Server, query: &str) -> Value {
    server.search(&format!("{query}&per_page=20&facets="))
}

#[test]
fn exact_match_ranks_above_typo_match() {
    let server = Server::with_documents(&fixtures());
    let response = search(&server, "q=jardin");
    assert_eq!(ids(&response), ["fr-jardin", "pt-jardim"]);
    assert_eq!(response["typo_corrected"], true);
    let exact_only = search(&server, "q=jardin&typos=false");
    assert_eq!(ids(&exact_only), ["fr-jardin"]);
    assert_eq!(exact_only["typo_corrected"], false);
    // The other way round: the Portuguese word first, the French one by a typo.
    assert_eq!(
        ids(&search(&server, "q=jardim")),
        ["pt-jardim", "fr-jardin"]
    );
}

#[test]
fn one_edit_from_five_letters_two_from_nine() {
    let server = Server::with_documents(&fixtures());
    // 9+ letters: two edits (a transposition and a missing letter).
    let response = search(&server, "q=nieghbourhod");
    assert_eq!(ids(&response), ["en-neighbourhood"]);
    assert_eq!(response["typo_corrected"], true);
    // Three edits are too many.
    assert!(ids(&search(&server, "q=nieghborhod")).is_empty());
    // 5-8 letters: one edit.
    assert_eq!(ids(&search(&server, "q=gardan")), ["en-garden"]);
    assert!(ids(&search(&server, "q=gurdan")).is_empty());
    // Under 5 letters: none.
    assert!(ids(&search(&server, "q=byke")).is_empty());
    assert_eq!(ids(&search(&server, "q=bike")), ["en-bike"]);
}

#[test]
fn no_typo_on_the_first_letter_numbers_or_phrases() {
    let server = Server::with_documents(&fixtures());
    assert!(ids(&search(&server, "q=kouncils")).is_empty());
    assert_eq!(ids(&search(&server, "q=councils")), ["en-neighbourhood"]);
    assert!(ids(&search(&server, "q=20190")).is_empty());
    assert!(ids(&search(&server, "q=2018")).is_empty());
    assert_eq!(ids(&search(&server, "q=2019")), ["en-garden"]);
    assert!(ids(&search(&server, "q=%22school+gardan%22")).is_empty());
    assert_eq!(ids(&search(&server, "q=school+gardan")), ["en-garden"]);
    assert_eq!(
        ids(&search(&server, "q=%22school+garden%22")),
        ["en-garden"]
    );
    // One quoted word is taken as typed too.
    let quoted = search(&server, "q=%22jardin%22");
    assert_eq!(ids(&quoted), ["fr-jardin"]);
    assert_eq!(quoted["typo_corrected"], false);
    assert!(ids(&search(&server, "q=%22gardan%22")).is_empty());
}

#[test]
fn typos_on_seed_data_find_what_was_meant() {
    let server = Server::with_seed();
    let response = search(&server, "q=huertos+escolres&country=ES");
    assert_eq!(
        ids(&response)[0],
        "es-valencia-huertos-escolares-ecologicos"
    );
    assert_eq!(response["typo_corrected"], true);
    let response = search(&server, "q=Schulgartn");
    assert_eq!(ids(&response)[0], "de-muenchen-schulgaerten");
    let (status, body) = server.get("/v1/search?q=x&typos=maybe");
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("typos"))
    );
}

#[test]
fn did_you_mean_when_nothing_matches() {
    let server = Server::with_seed();
    // Four letters get no typo tolerance: nothing matches, but "lyon" is a known word.
    let response = search(&server, "q=lyom");
    assert_eq!(response["total"], 0);
    assert_eq!(response["did_you_mean"], "lyon");
    assert!(search(&server, "q=lyon")["total"].as_u64().unwrap() > 0);
    assert!(search(&server, "q=lyon")["did_you_mean"].is_null());
    // Nothing close: no suggestion.
    assert!(search(&server, "q=qqqqxxxx")["did_you_mean"].is_null());
    // The suggestion is written as the titles write it, accents included (and capitalised
    // when the word typed was).
    assert_eq!(search(&server, "q=Kiln")["did_you_mean"], "Köln");
    assert_eq!(search(&server, "q=zerp")["did_you_mean"], "zéro");
    assert_eq!(search(&server, "q=Leom")["did_you_mean"], "León");
}
