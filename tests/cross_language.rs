//! Cross-language search through the thesaurus, through the real server: a query in one
//! language finds initiatives written only in another, below same-language matches.

mod common;

use common::{document, ids, Server};
use serde_json::Value;

fn fixtures() -> Vec<Value> {
    vec![
        document(
            "en-leeds-gardens",
            Some("en"),
            "School gardens in Leeds primary schools",
            "Pupils grow vegetables with volunteers.",
        ),
        document(
            "es-valencia-huertos",
            Some("es"),
            "Huertos escolares en Valencia",
            "El alumnado cultiva hortalizas con las familias.",
        ),
        document(
            "ca-vic-horts",
            Some("ca"),
            "Horts escolars a Vic",
            "Cada escola té un hort que cuiden les famílies.",
        ),
        document(
            "ko-seoul-garden",
            Some("ko"),
            "서울 학교 텃밭 가꾸기",
            "아이들이 학교 텃밭에서 채소를 기릅니다.",
        ),
        document(
            "fr-grenoble-budget",
            Some("fr"),
            "Le budget participatif des écoles de Grenoble",
            "Les élèves votent pour des projets.",
        ),
        document(
            "es-zaragoza-presupuestos",
            Some("es"),
            "Presupuestos participativos en Zaragoza",
            "Los vecinos deciden inversiones.",
        ),
        document(
            "en-bristol-council",
            Some("en"),
            "Bristol children's council",
            "Elected pupils advise the mayor.",
        ),
        document(
            "ca-girona-consell",
            Some("ca"),
            "El consell d'infants de Girona",
            "Els infants proposen millores a la ciutat.",
        ),
    ]
}

fn found(server: &Server, q: &str) -> Vec<String> {
    let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    ids(&server.search(&format!("q={encoded}&per_page=20&facets=")))
}

fn assert_finds(server: &Server, q: &str, first: &str, also: &[&str]) {
    let hits = found(server, q);
    assert_eq!(
        hits.first().map(String::as_str),
        Some(first),
        "{q}: {hits:?}"
    );
    for id in also {
        assert!(
            hits.iter().any(|hit| hit == id),
            "{q} should find {id}: {hits:?}"
        );
    }
}

#[test]
fn spanish_and_english_both_ways() {
    let server = Server::with_documents(&fixtures());
    assert_finds(
        &server,
        "huertos escolares",
        "es-valencia-huertos",
        &["en-leeds-gardens", "ca-vic-horts", "ko-seoul-garden"],
    );
    assert_finds(
        &server,
        "school gardens",
        "en-leeds-gardens",
        &["es-valencia-huertos"],
    );
}

#[test]
fn catalan_and_english_both_ways() {
    let server = Server::with_documents(&fixtures());
    assert_finds(
        &server,
        "consell d'infants",
        "ca-girona-consell",
        &["en-bristol-council"],
    );
    assert_finds(
        &server,
        "children's council",
        "en-bristol-council",
        &["ca-girona-consell"],
    );
    assert_finds(
        &server,
        "horts escolars",
        "ca-vic-horts",
        &["en-leeds-gardens"],
    );
}

#[test]
fn french_and_spanish_both_ways() {
    let server = Server::with_documents(&fixtures());
    assert_finds(
        &server,
        "budget participatif",
        "fr-grenoble-budget",
        &["es-zaragoza-presupuestos"],
    );
    assert_finds(
        &server,
        "presupuestos participativos",
        "es-zaragoza-presupuestos",
        &["fr-grenoble-budget"],
    );
}

#[test]
fn korean_and_english_both_ways() {
    let server = Server::with_documents(&fixtures());
    assert_finds(
        &server,
        "학교 텃밭",
        "ko-seoul-garden",
        &["en-leeds-gardens", "es-valencia-huertos"],
    );
    assert_finds(
        &server,
        "school garden",
        "en-leeds-gardens",
        &["ko-seoul-garden"],
    );
}

#[test]
fn taxonomy_titles_match_in_every_locale() {
    let mut documents = fixtures();
    documents[4]["themes"] = serde_json::json!(["citizen-participation"]);
    let server = Server::with_documents(&documents);
    // "Participació ciutadana" is the Catalan label of the theme citizen-participation.
    let hits = found(&server, "participació ciutadana");
    assert!(hits.contains(&"fr-grenoble-budget".to_string()), "{hits:?}");
}

#[test]
fn a_german_concept_typed_without_umlauts_crosses_languages_too() {
    let docs = vec![
        document(
            "pt-budget",
            Some("pt"),
            "Orçamento participativo nas escolas",
            "Os alunos decidem obras com o orçamento participativo.",
        ),
        document(
            "es-budget",
            Some("es"),
            "Presupuesto participativo juvenil",
            "Los jóvenes deciden con el presupuesto participativo.",
        ),
    ];
    let server = Server::with_documents(&docs);
    let mut with_umlaut = found(&server, "Bürgerhaushalt");
    with_umlaut.sort();
    assert_eq!(with_umlaut, ["es-budget", "pt-budget"]);
    let mut spelled_out = found(&server, "Buergerhaushalt");
    spelled_out.sort();
    assert_eq!(spelled_out, with_umlaut);
}

#[test]
fn a_korean_concept_term_does_not_outrank_the_querys_own_language() {
    // The Korean terms of "participatory budget" are phrases of 4-5 bigrams; scored as the sum
    // of their bigrams they put a Korean initiative above the exact Catalan title.
    let docs = vec![
        document(
            "ca-budget",
            Some("ca"),
            "Pressupostos participatius a les escoles",
            "L'alumnat decideix en què s'inverteix una part del pressupost de l'escola.",
        ),
        document(
            "ko-budget",
            Some("ko"),
            "수원시 주민참여예산제",
            "시민이 주민참여예산으로 우리 동네 예산을 정한다.",
        ),
    ];
    let server = Server::with_documents(&docs);
    assert_eq!(
        found(&server, "pressupostos participatius"),
        ["ca-budget", "ko-budget"]
    );
    assert_eq!(found(&server, "주민참여예산"), ["ko-budget", "ca-budget"]);
}
