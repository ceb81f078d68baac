//! Highlights: fragments of a hit's text with the matched words in `<mark>`, HTML-escaped
//! everywhere else.
//!
//! A snippet generator is built per (text field, analyzer) from the text query's terms for that
//! field and analyzer (those carrying its tag), lazily, only for the languages the page's hits
//! are shown in. Text fields hold every language, so the generator is given the analyzer of the
//! language being highlighted. Only the first [`HIGHLIGHT_SCAN_CHARS`] characters of a text are
//! scanned (descriptions may be long).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};
use tantivy::query::Query;
use tantivy::snippet::{collapse_overlapped_ranges, Snippet, SnippetGenerator};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfkc_quick, IsNormalized};

/// How much of a text is scanned for highlights, in characters.
pub const HIGHLIGHT_SCAN_CHARS: usize = 5_000;

use crate::engine::analysis::cjk::has_cjk;
use crate::engine::analysis::language_tokenizer::is_invisible_in_word;
use crate::engine::analysis::multilingual::{split_tag, tag};
use crate::engine::analysis::Analysis;
use crate::engine::catalog::Catalog;
use crate::engine::schema::IndexFields;

/// Builds and caches snippet generators for one search.
pub struct Highlighter<'a> {
    query: &'a dyn Query,
    catalog: &'a Catalog,
    analysis: &'a Analysis,
    fields: &'a IndexFields,
    /// By field, analyzer and whether the text needs normalising.
    generators: HashMap<(String, String, bool), Option<SnippetGenerator>>,
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
            let scanned = match text.char_indices().nth(HIGHLIGHT_SCAN_CHARS) {
                Some((end, _)) => &text[..end],
                None => text,
            };
            // The quick highlighting analyzer splits and lowercases as written; a text that
            // needs normalising (decomposed accents, full-width letters) takes the index's
            // own analyzer, which normalises words and keeps their offsets whole.
            let normalise = needs_normalising(scanned);
            let key = (text_field.name.clone(), analyzer.clone(), normalise);
            let query = self.query;
            let fields = self.fields;
            let analysis = self.analysis;
            let stopwords = self.catalog.stopwords_by_language.get(language);
            let generator = self.generators.entry(key).or_insert_with(|| {
                let field = fields.text_field(&text_field.name)?;
                // The query's terms for this language: those with its analyzer's tag, untagged
                // as the highlighting analyzer gives them.
                let language_tag = tag(&analyzer);
                let mut terms: BTreeMap<String, f32> = BTreeMap::new();
                query.query_terms(&mut |term, _| {
                    if term.field() == field {
                        if let Some((term_tag, form)) = term.value().as_str().and_then(split_tag) {
                            if term_tag == language_tag && worth_marking(stopwords, form) {
                                terms.insert(form.to_string(), 1.0);
                            }
                        }
                    }
                });
                let analyzer = if normalise {
                    analysis.analyzer(&analyzer)?
                } else {
                    analysis.highlighting_analyzer(&analyzer, terms.keys().map(String::as_str))?
                };
                Some(SnippetGenerator::new(
                    terms,
                    analyzer,
                    field,
                    text_field.highlight_chars,
                ))
            });
            let Some(generator) = generator else { continue };
            let snippet = generator.snippet(scanned);
            if snippet.is_empty() {
                continue;
            }
            let html = snippet_html(scanned, &snippet, text_field.highlight_chars);
            highlights.insert(text_field.name.clone(), Value::String(html));
        }
        highlights
    }
}

/// Whether `text` has a character that NFKC may change, a combining mark, a Catalan middle
/// dot (`col·legi`) or a soft hyphen or joiner: words the index's analyzer keeps whole where
/// the quick one splits them.
fn needs_normalising(text: &str) -> bool {
    is_nfkc_quick(text.chars()) != IsNormalized::Yes
        || text
            .chars()
            .any(|c| is_combining_mark(c) || c == '·' || is_invisible_in_word(c))
}

/// Whether a query term is marked in a text: not a stop word of the text's language (the words
/// of a concept's names — `chemin de l'école` — would mark every `de`; but the Catalan stem of
/// `consell`, `con`, is marked in Catalan, where `con` is no stop word), not a lone letter.
fn worth_marking(stopwords: Option<&HashSet<String>>, form: &str) -> bool {
    let mut chars = form.chars();
    let lone_letter = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic() && !has_cjk(form));
    !lone_letter && !stopwords.is_some_and(|words| words.contains(form))
}

/// The snippet as HTML: the whole text when it fits in `max_chars` (a title keeps its closing
/// parenthesis), else tantivy's fragment widened to the punctuation that touches it (`(Saale)`,
/// `«...»`, a final full stop); matches in `<mark>`, everything else HTML-escaped.
fn snippet_html(text: &str, snippet: &Snippet, max_chars: usize) -> String {
    let fragment = snippet.fragment_range();
    let (start, end) = if text.chars().count() <= max_chars {
        (0, text.len())
    } else {
        widen(text, fragment.start, fragment.end)
    };
    let escape = |part: &str| html_escape::encode_quoted_attribute(part).into_owned();
    let mut html = String::new();
    let mut from = start;
    for range in collapse_overlapped_ranges(snippet.highlighted()) {
        let (mark_start, mark_end) = (fragment.start + range.start, fragment.start + range.end);
        if mark_start < from || mark_end > end {
            continue;
        }
        html.push_str(&escape(&text[from..mark_start]));
        html.push_str("<mark>");
        html.push_str(&escape(&text[mark_start..mark_end]));
        html.push_str("</mark>");
        from = mark_end;
    }
    html.push_str(&escape(&text[from..end]));
    html
}

/// Extends `start..end` over the punctuation glued to it (no space in between).
fn widen(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let glued = |c: char| !c.is_whitespace() && !c.is_alphanumeric();
    while let Some(c) = text[..start].chars().next_back().filter(|c| glued(*c)) {
        start -= c.len_utf8();
    }
    while let Some(c) = text[end..].chars().next().filter(|c| glued(*c)) {
        end += c.len_utf8();
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::widen;

    #[test]
    fn fragments_keep_the_punctuation_glued_to_them() {
        let text = "Consell d'infants (Halle) «escola».";
        let start = text.find("Halle").unwrap_or_default();
        assert_eq!(widen(text, start, start + 5), (start - 1, start + 6));
        let start = text.find("escola").unwrap_or_default();
        let (from, to) = widen(text, start, start + "escola".len());
        assert_eq!(&text[from..to], "«escola».");
    }
}
