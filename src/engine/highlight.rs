//! Highlights: fragments of a hit's text with the matched words in `<mark>`, HTML-escaped
//! everywhere else.
//!
//! A snippet generator is built per (text field, analyzer) from the text query, lazily, only for
//! the languages the page's hits are shown in.

use std::collections::HashMap;

use serde_json::{Map, Value};
use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;
use tantivy::Searcher;

use crate::engine::analysis::Analysis;
use crate::engine::catalog::Catalog;
use crate::engine::schema::IndexFields;

/// Builds and caches snippet generators for one search.
pub struct Highlighter<'a> {
    searcher: &'a Searcher,
    query: &'a dyn Query,
    catalog: &'a Catalog,
    analysis: &'a Analysis,
    fields: &'a IndexFields,
    generators: HashMap<(String, String), Option<SnippetGenerator>>,
}

impl<'a> Highlighter<'a> {
    /// A highlighter for the terms of `query`.
    pub fn new(
        searcher: &'a Searcher,
        query: &'a dyn Query,
        catalog: &'a Catalog,
        analysis: &'a Analysis,
        fields: &'a IndexFields,
    ) -> Self {
        Highlighter {
            searcher,
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
            let generator = self.generators.entry(key).or_insert_with(|| {
                let field = self.fields.text_field(&text_field.name, &analyzer)?;
                let mut generator =
                    SnippetGenerator::create(self.searcher, self.query, field).ok()?;
                generator.set_max_num_chars(text_field.highlight_chars);
                Some(generator)
            });
            let Some(generator) = generator else { continue };
            let mut snippet = generator.snippet(text);
            if snippet.is_empty() {
                continue;
            }
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            highlights.insert(text_field.name.clone(), Value::String(snippet.to_html()));
        }
        highlights
    }
}
