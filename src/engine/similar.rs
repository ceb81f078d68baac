//! "More like this": initiatives related to one initiative, in any language.
//!
//! The initiative's own texts feed one more-like-this query per language version (each
//! analysed, and its terms tagged, by its language's analyzer) over the text fields; shared
//! themes and SDGs add to the score. Translations carry the similarity across languages (an
//! English version finds English texts), and so do the themes and SDGs. The initiative itself
//! is excluded — and its translations are part of it, so they never appear.

use std::collections::BTreeMap;

use serde_json::Value;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};
use tantivy::Term;

use crate::engine::analysis::multilingual::{marked, tag, tagged};
use crate::engine::analysis::GENERIC;
use crate::engine::databank::Databank;
use crate::engine::error::{Error, Result};
use crate::engine::search::{check_locale, Hit, MAX_PER_PAGE};

/// One language version's texts (the document, or one of its translations).
type Texts = serde_json::Map<String, Value>;

/// Most terms taken from one language's versions of the initiative.
const MAX_TERMS_PER_LANGUAGE: usize = 30;
/// Shortest word taken, in characters.
const MIN_WORD_CHARS: usize = 3;

/// How much a shared theme adds, relative to text similarity.
const THEME_BOOST: f32 = 2.0;
/// How much a shared SDG adds.
const SDG_BOOST: f32 = 1.0;

impl Databank {
    /// Up to `per_page` initiatives related to `id`, best first, shown in `locale`.
    pub fn similar(&self, id: &str, per_page: usize, locale: &str) -> Result<Vec<Hit>> {
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(Error::param(
                "per_page",
                format!("per_page must be 1-{MAX_PER_PAGE}"),
            ));
        }
        check_locale(self, locale)?;
        let searcher = self.searcher();
        let address = self
            .doc_address(&searcher, id)?
            .ok_or_else(|| Error::NotFound(id.to_string()))?;
        let source = self.stored_source(&searcher, address)?;
        let text = |map: &serde_json::Map<String, Value>, key: &str| {
            map.get(key).and_then(Value::as_str).map(str::to_string)
        };
        let mut versions = vec![(
            text(&source, "language").unwrap_or_default(),
            source.clone(),
        )];
        if let Some(translations) = source.get("translations").and_then(Value::as_object) {
            for (language, texts) in translations {
                if let Some(texts) = texts.as_object() {
                    versions.push((language.to_ascii_lowercase(), texts.clone()));
                }
            }
        }
        // One more-like-this per analyzer: terms are per language (see
        // `analysis::multilingual`), and each language version gets its own share of terms, so
        // an English translation finds English texts even beside a Catalan original.
        let mut by_analyzer: BTreeMap<&str, Vec<(&str, &Texts)>> = BTreeMap::new();
        for (language, texts) in &versions {
            by_analyzer
                .entry(self.analysis.analyzer_for(language))
                .or_default()
                .push((language, texts));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (analyzer, texts_of_versions) in by_analyzer {
            let mut doc_fields = Vec::new();
            for text_field in &self.catalog.schema.text_fields {
                let Some(field) = self.fields.text_field(&text_field.name) else {
                    continue;
                };
                let values: Vec<OwnedValue> = texts_of_versions
                    .iter()
                    .filter_map(|(_, texts)| {
                        text(texts, &text_field.name)
                            .map(|value| OwnedValue::Str(marked(analyzer, &value)))
                    })
                    .collect();
                if !values.is_empty() {
                    doc_fields.push((field, values));
                }
            }
            if doc_fields.is_empty() {
                continue;
            }
            // Terms carry the analyzer's tag: the word length and the stop words count it. The
            // stop words are those of these versions' languages (a Spanish stop word may be a
            // Catalan stem: `con`).
            let stop_words = texts_of_versions
                .iter()
                .filter_map(|(language, _)| self.catalog.stopwords_by_language.get(*language))
                .flatten()
                .map(|word| tagged(analyzer, word))
                .collect();
            // A word in more than half of its language's initiatives says nothing about this
            // one: counted per language, since the function words of a language with a few
            // initiatives and no stop-word list (Swahili `ya`, Vietnamese `của`) are rare in the
            // whole index, and made the other initiative of the same language the most
            // "similar" whatever its topic.
            // The generic analyzer serves many languages: there, the initiatives written in
            // these versions' languages count.
            let docs_with = |field, value: &str| {
                searcher
                    .doc_freq(&Term::from_field_text(field, value))
                    .unwrap_or_else(|_| searcher.num_docs())
            };
            let language_docs = match self.fields.facets.get("language") {
                Some(&field) if analyzer == GENERIC => texts_of_versions
                    .iter()
                    .map(|(language, _)| docs_with(field, language))
                    .sum(),
                _ => docs_with(self.fields.analyzer, analyzer),
            };
            let more_like_this = MoreLikeThisQuery::builder()
                .with_min_doc_frequency(1)
                .with_max_doc_frequency((language_docs / 2).max(1))
                .with_min_term_frequency(1)
                .with_max_query_terms(MAX_TERMS_PER_LANGUAGE)
                .with_min_word_length(tag(analyzer).chars().count() + MIN_WORD_CHARS)
                .with_stop_words(stop_words)
                .with_document_fields(doc_fields);
            clauses.push((Occur::Should, Box::new(more_like_this)));
        }
        for (facet, values, boost) in [
            ("theme", source.get("themes"), THEME_BOOST),
            ("sdg", source.get("sdgs"), SDG_BOOST),
        ] {
            let Some(&field) = self.fields.facets.get(facet) else {
                continue;
            };
            for value in values.and_then(Value::as_array).into_iter().flatten() {
                let value = match value {
                    Value::String(text) => text.trim().to_string(),
                    other => other.to_string(),
                };
                let term = TermQuery::new(
                    Term::from_field_text(field, &value),
                    IndexRecordOption::Basic,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), boost)),
                ));
            }
        }
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_text(self.fields.id, id),
                IndexRecordOption::Basic,
            )),
        ));
        let query = BooleanQuery::new(clauses);
        let top = searcher.search(&query, &TopDocs::with_limit(per_page).order_by_score())?;
        top.into_iter()
            .map(|(score, address)| self.hit(&searcher, address, score, locale, None))
            .collect()
    }
}
