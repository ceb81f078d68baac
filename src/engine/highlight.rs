//! Highlights: fragments of a hit's text with the matched words in `<mark>`, HTML-escaped
//! everywhere else.
//!
//! A snippet generator is built per (text field, analyzer) from the text query's terms for that
//! field, lazily, only for the languages the page's hits are shown in. Text fields hold every
//! language, so the generator is given the analyzer of the language being highlighted. Only the
//! first [`HIGHLIGHT_SCAN_CHARS`] characters of a text are scanned (descriptions may be long).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};
use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;

/// How much of a text is scanned for highlights, in characters.
pub const HIGHLIGHT_SCAN_CHARS: usize = 5_000;

use crate::engine::analysis::Analysis;
use crate::engine::catalog::Catalog;
use crate::engine::schema::IndexFields;

/// Builds and caches snippet generators for one search.
pub struct Highlighter<'a> {
    query: &'a dyn Query,
    catalog: &'a Catalog,
    analysis: &'a Analysis,
    fields: &'a IndexFields,
    generators: HashMap<(String, String), Option<SnippetGenerator>>,
}

impl<'a> Highlighter<'a> {
    /// A highlighter for the terms of `query`.
    pub fn new(
        query: &'a dyn Query,
        catalog: &'a Catalog,
        analysis: &'a Analysis,
        fields: &'a IndexFields,
    ) -> Self {
        Highlighter {
            query,
            catalog,
            analysis,
            fields,
            generators: HashMap::new(),
        }
    }

    /// Highlights of the texts of one language version (`title`, `summary`, `description`),
    /// only those with a match.
    pub fn highlight(
        &mut self,
        language: &str,
        texts: &[(&str, Option<&str>)],
    ) -> Map<String, Value> {
        let analyzer = self.analysis.analyzer_for(language).to_string();
        let mut highlights = Map::new();
        for text_field in &self.catalog.schema.text_fields {
            let Some(text) = texts
                .iter()
                .find(|(name, _)| *name == text_field.name)
                .and_then(|(_, text)| *text)
            else {
                continue;
            };
            let key = (text_field.name.clone(), analyzer.clone());
            let query = self.query;
            let fields = self.fields;
            let analysis = self.analysis;
            let generator = self.generators.entry(key).or_insert_with(|| {
                let field = fields.text_field(&text_field.name)?;
                let mut terms: BTreeMap<String, f32> = BTreeMap::new();
                query.query_terms(&mut |term, _| {
                    if term.field() == field {
                        if let Some(text) = term.value().as_str() {
                            terms.insert(text.to_string(), 1.0);
                        }
                    }
                });
                let analyzer =
                    analysis.highlighting_analyzer(&analyzer, terms.keys().map(String::as_str))?;
                Some(SnippetGenerator::new(
                    terms,
                    analyzer,
                    field,
                    text_field.highlight_chars,
                ))
            });
            let Some(generator) = generator else { continue };
            let scanned = match text.char_indices().nth(HIGHLIGHT_SCAN_CHARS) {
                Some((end, _)) => &text[..end],
                None => text,
            };
            let mut snippet = generator.snippet(scanned);
            if snippet.is_empty() {
                continue;
            }
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            highlights.insert(text_field.name.clone(), Value::String(snippet.to_html()));
        }
        highlights
    }
}
