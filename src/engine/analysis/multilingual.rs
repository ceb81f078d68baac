//! The multilingual tokenizer: one tantivy field holds texts in every language, each analysed
//! by its own language's analyzer.
//!
//! The indexer prefixes each value with its analyzer's name between two unit separators
//! (`\u{1F}spanish\u{1F}Huertos urbanos...`); this tokenizer reads the marker and hands the
//! rest of the text to that analyzer. Tokenisation thus runs in tantivy's indexing threads, and
//! a query word's forms from every analyzer are looked up in one field.

use std::collections::BTreeMap;

use tantivy::tokenizer::{BoxTokenStream, TextAnalyzer, Tokenizer};

/// Separates the analyzer marker from the text.
pub const MARKER: char = '\u{1F}';

/// A value for a multilingual field: the text with its analyzer's marker.
pub fn marked(analyzer: &str, text: &str) -> String {
    let mut value = String::with_capacity(text.len() + analyzer.len() + 2);
    value.push(MARKER);
    value.push_str(analyzer);
    value.push(MARKER);
    value.push_str(text);
    value
}

/// Dispatches each value to the analyzer its marker names.
#[derive(Clone)]
pub struct MultilingualTokenizer {
    analyzers: BTreeMap<String, TextAnalyzer>,
    fallback: TextAnalyzer,
}

impl MultilingualTokenizer {
    /// A tokenizer over these analyzers; unmarked text or unknown names use `fallback`.
    pub fn new(analyzers: BTreeMap<String, TextAnalyzer>, fallback: TextAnalyzer) -> Self {
        MultilingualTokenizer {
            analyzers,
            fallback,
        }
    }
}

impl Tokenizer for MultilingualTokenizer {
    type TokenStream<'a> = BoxTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BoxTokenStream<'a> {
        if let Some(rest) = text.strip_prefix(MARKER) {
            if let Some((name, body)) = rest.split_once(MARKER) {
                if let Some(analyzer) = self.analyzers.get_mut(name) {
                    return analyzer.token_stream(body);
                }
                return self.fallback.token_stream(body);
            }
        }
        self.fallback.token_stream(text)
    }
}
