//! The seed data and the taxonomies, checked against the contract; language detection measured
//! on the seed data through the real server.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{seed_documents, Server};
use databank::engine::analysis::detection::LanguageDetector;
use databank::engine::document::Validator;
use databank::engine::Catalog;
use serde_json::Value;

#[test]
fn every_seed_document_is_valid_against_the_contract() {
    let catalog = Catalog::embedded().unwrap();
    let detector = LanguageDetector::new(&catalog.detection, &catalog.stopwords_by_language);
    let validator = Validator::new(&catalog, &detector);
    let mut ids = BTreeSet::new();
    for document in seed_documents() {
        let id = document["id"].as_str().unwrap().to_string();
        assert!(ids.insert(id.clone()), "duplicate id {id}");
        if let Err(errors) = validator.validate(document) {
            panic!("{id}: {errors:?}");
        }
    }
}

#[test]
fn seed_data_covers_what_the_databank_promises() {
    let documents = seed_documents();
    assert!(documents.len() >= 300, "{} documents", documents.len());
    let languages: BTreeSet<&str> = documents
        .iter()
        .filter_map(|document| document["language"].as_str())
        .collect();
    for language in ["es", "ca", "fr", "pt", "it", "en", "ko", "de"] {
        assert!(languages.contains(language), "no {language} document");
    }
    let translated = documents
        .iter()
        .filter(|document| document["translations"].is_object())
        .count();
    assert!(translated >= 60, "{translated} documents with translations");
    let countries: BTreeSet<&str> = documents
        .iter()
        .map(|document| document["country"].as_str().unwrap())
        .collect();
    assert!(countries.len() >= 30, "{} countries", countries.len());
    let catalog = Catalog::embedded().unwrap();
    let themes: BTreeSet<&str> = documents
        .iter()
        .flat_map(|document| {
            document["themes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|theme| theme.as_str().unwrap())
        })
        .collect();
    for theme in catalog.themes().values() {
        assert!(
            themes.contains(theme.value.as_str()),
            "theme {} unused",
            theme.value
        );
    }
    let sdgs: BTreeSet<u64> = documents
        .iter()
        .flat_map(|document| {
            document["sdgs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|sdg| sdg.as_u64().unwrap())
        })
        .collect();
    assert_eq!(sdgs, (1..=17).collect());
    let without_language = documents
        .iter()
        .filter(|document| document["language"].is_null())
        .count();
    assert!(without_language >= 5, "{without_language} without language");
}

#[test]
fn taxonomies_have_labels_in_every_interface_locale() {
    let catalog = Catalog::embedded().unwrap();
    for name in databank::engine::catalog::TAXONOMY_FILES {
        let taxonomy = catalog.taxonomy(name);
        assert!(!taxonomy.values().is_empty(), "{name}");
        for value in taxonomy.values() {
            for locale in ["en", "es", "fr", "ca", "pt", "it", "ko"] {
                assert!(
                    value
                        .labels
                        .get(locale)
                        .is_some_and(|label| !label.trim().is_empty()),
                    "{name} {} has no {locale} label",
                    value.value
                );
            }
        }
    }
    assert_eq!(catalog.themes().values().len(), 20);
    assert_eq!(catalog.target_groups().values().len(), 10);
    assert_eq!(catalog.taxonomy("sdgs").values().len(), 17);
    assert_eq!(catalog.taxonomy("principles").values().len(), 20);
    assert_eq!(catalog.countries().values().len(), 249);
    assert_eq!(catalog.countries().label("KR", "ko"), "대한민국");
    // The thesaurus: at least 150 concepts, each with terms in the eight seed languages.
    assert!(
        catalog.thesaurus.len() >= 150,
        "{} concepts",
        catalog.thesaurus.len()
    );
    for concept in &catalog.thesaurus {
        for language in ["en", "es", "ca", "fr", "pt", "it", "de", "ko"] {
            let terms = concept
                .terms
                .get(language)
                .map(Vec::as_slice)
                .unwrap_or_default();
            assert!(
                !terms.is_empty() && terms.iter().all(|term| !term.trim().is_empty()),
                "{} has no {language} term",
                concept.id
            );
        }
    }
    assert_eq!(catalog.languages().label("ca", "es"), "Catalán");
    assert_eq!(
        catalog.taxonomy("sdgs").label("4", "en"),
        "Quality education"
    );
}

/// With `language` removed from every seed document, the server detects the original language
/// of at least 90% of them. The confusion by language is printed (`cargo test -- --nocapture`).
#[test]
fn language_detection_recovers_the_seed_languages() {
    let truth: BTreeMap<String, String> =
        serde_json::from_str(include_str!("fixtures/seed_languages.json")).unwrap();
    let mut documents = seed_documents();
    let mut expected = BTreeMap::new();
    for document in &mut documents {
        let id = document["id"].as_str().unwrap().to_string();
        let language = match document.as_object_mut().unwrap().remove("language") {
            Some(Value::String(language)) => language,
            _ => truth
                .get(&id)
                .unwrap_or_else(|| panic!("{id}: no known language"))
                .clone(),
        };
        expected.insert(id, language);
    }
    let server = Server::with_documents(&documents);
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut correct = 0;
    for (id, language) in &expected {
        let (status, stored) = server.get(&format!("/v1/initiatives/{id}"));
        assert_eq!(status, 200);
        assert_eq!(stored["language_detected"], true);
        let detected = stored["language"].as_str().unwrap().to_string();
        if &detected == language {
            correct += 1;
        }
        *confusion.entry((language.clone(), detected)).or_default() += 1;
    }
    println!(
        "language detection on {} seed documents: {correct} correct",
        expected.len()
    );
    for ((truth, detected), count) in &confusion {
        let mark = if truth == detected {
            ""
        } else {
            "  <- confused"
        };
        println!("  {truth} -> {detected}: {count}{mark}");
    }
    let accuracy = correct as f64 / expected.len() as f64;
    assert!(accuracy >= 0.9, "accuracy {accuracy:.3}");
}
