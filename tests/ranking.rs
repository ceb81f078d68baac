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

#[test]
fn a_query_naming_a_city_ranks_that_city_first() {
    // Porto Alegre's initiative says "Porto" in its title, Porto's only in its description:
    // by text alone Porto Alegre comes first. A query that is a city's whole name puts that
    // city's initiatives first; a part of a longer name does not.
    let mut alegre = document(
        "alegre",
        Some("pt"),
        "Porto Alegre: orçamento participativo nas escolas de Porto Alegre",
        "Os alunos de Porto Alegre decidem obras nas escolas.",
    );
    alegre["city"] = serde_json::json!("Porto Alegre");
    alegre["country"] = serde_json::json!("BR");
    let mut porto = document(
        "porto",
        Some("pt"),
        "Azulejos na escola",
        "Oficinas de azulejaria nas escolas do Porto.",
    );
    porto["city"] = serde_json::json!("Porto");
    porto["country"] = serde_json::json!("PT");
    let mut genova = document(
        "genova",
        Some("it"),
        "Il porto come aula",
        "Le scuole visitano il porto.",
    );
    genova["city"] = serde_json::json!("Genova");
    genova["country"] = serde_json::json!("IT");
    let server = Server::with_documents(&[alegre, porto, genova]);

    assert_eq!(
        ids(&server.search("q=porto&facets="))
            .first()
            .map(String::as_str),
        Some("porto")
    );
    assert_eq!(ids(&server.search("q=PORTO&facets=")).len(), 3);
    assert_eq!(ids(&server.search("q=porto%20alegre&facets=")), ["alegre"]);
    // Accents and case do not matter; the words must still match.
    assert_eq!(
        ids(&server.search("q=escola%20porto&facets=&cross_language=false"))
            .first()
            .map(String::as_str),
        Some("porto")
    );
    // Without the city's name, text relevance alone.
    assert_eq!(ids(&server.search("q=alegre&facets=")), ["alegre"]);
}

#[test]
fn a_city_name_gets_no_typo_alternatives() {
    // `Dresden` is two edits from the Spanish `desde`: as a city of the index it is spelled
    // right, and finds its city only.
    let mut dresden = document(
        "dresden",
        Some("de"),
        "Schulgärten in Dresden",
        "Kinder pflegen Beete in ihrer Schule.",
    );
    dresden["city"] = serde_json::json!("Dresden");
    dresden["country"] = serde_json::json!("DE");
    let madrid = document(
        "madrid",
        Some("es"),
        "Huertos escolares desde 2015",
        "Desde hace años los niños cultivan en la escuela.",
    );
    let server = Server::with_documents(&[dresden, madrid]);
    assert_eq!(ids(&server.search("q=Dresden&facets=")), ["dresden"]);
    assert_eq!(
        ids(&server.search("q=dresden%20schule&facets=")),
        ["dresden"]
    );
    // A word that names no city keeps its typo alternatives.
    assert_eq!(ids(&server.search("q=escuelz&facets=")), ["madrid"]);
}
