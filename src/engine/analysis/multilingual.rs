//! The multilingual tokenizer: one tantivy field holds texts in every language, each analysed
//! by its own language's analyzer, each term tagged with that analyzer.
//!
//! The indexer prefixes each value with its analyzer's name between two unit separators
//! (`\u{1F}spanish\u{1F}Huertos urbanos...`); this tokenizer reads the marker and hands the
//! rest of the text to that analyzer, which writes the analyzer's tag before every term:
//! `spanish:huert`, `catalan:con`. Tokenisation thus runs in tantivy's indexing threads, and
//! a query word's forms from every analyzer are looked up in one field — each analyzer's forms
//! under its own tag, so they only meet text of their own language: the Catalan stem of
//! `consell` (`con`) finds Catalan text, not the Spanish and Italian word `con`. Term
//! statistics (document frequencies) are per language too, as with one field per language.
//!
//! ```text
//! "Huertos urbanos" (spanish)   → spanish:huert@0  spanish:urban@1
//! query "consell" (catalan)     → catalan:con
//! query "consell" (spanish)     → spanish:consell
//! ```

use std::collections::BTreeMap;

use tantivy::tokenizer::Tokenizer;

use super::language_tokenizer::{LanguageTokenStream, LanguageTokenizer};

/// Separates the analyzer marker from the text.
pub const MARKER: char = '\u{1F}';

/// Ends the analyzer's tag at the start of a term. Never part of a token (tokens are runs of
/// alphanumeric characters), so the first one in a term ends the tag.
pub const TAG_END: char = ':';

/// A value for a multilingual field: the text with its analyzer's marker.
pub fn marked(analyzer: &str, text: &str) -> String {
    let mut value = String::with_capacity(text.len() + analyzer.len() + 2);
    value.push(MARKER);
    value.push_str(analyzer);
    value.push(MARKER);
    value.push_str(text);
    value
}

/// The tag analyzer `analyzer` writes before its terms (`spanish:`).
pub fn tag(analyzer: &str) -> String {
    let mut tag = String::with_capacity(analyzer.len() + 1);
    tag.push_str(analyzer);
    tag.push(TAG_END);
    tag
}

/// The term of a multilingual field for `form` under `analyzer` (`spanish:huert`).
pub fn tagged(analyzer: &str, form: &str) -> String {
    let mut term = tag(analyzer);
    term.push_str(form);
    term
}

/// A multilingual term split into its tag (with [`TAG_END`]) and its form; `None` for an
/// untagged term.
pub fn split_tag(term: &str) -> Option<(&str, &str)> {
    let end = term.find(TAG_END)?;
    Some(term.split_at(end + TAG_END.len_utf8()))
}

/// Dispatches each value to the analyzer its marker names.
#[derive(Clone)]
pub struct MultilingualTokenizer {
    analyzers: BTreeMap<String, LanguageTokenizer>,
    fallback: LanguageTokenizer,
}

impl MultilingualTokenizer {
    /// A tokenizer over these analyzers (each tagging its terms with its name); unmarked text
    /// or an unknown name uses `fallback` (which tags its terms with `fallback_name`).
    pub fn new(
        analyzers: BTreeMap<String, LanguageTokenizer>,
        fallback_name: &str,
        fallback: LanguageTokenizer,
    ) -> Self {
        MultilingualTokenizer {
            analyzers: analyzers
                .into_iter()
                .map(|(name, analyzer)| {
                    let analyzer = analyzer.tagged(&tag(&name));
                    (name, analyzer)
                })
                .collect(),
            fallback: fallback.tagged(&tag(fallback_name)),
        }
    }
}

impl Tokenizer for MultilingualTokenizer {
    type TokenStream<'a> = LanguageTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> LanguageTokenStream<'a> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(tokenizer: &mut MultilingualTokenizer, text: &str) -> Vec<String> {
        let mut stream = tokenizer.token_stream(text);
        let mut terms = Vec::new();
        while tantivy::tokenizer::TokenStream::advance(&mut stream) {
            terms.push(tantivy::tokenizer::TokenStream::token(&stream).text.clone());
        }
        terms
    }

    #[test]
    fn every_term_carries_its_analyzers_tag() {
        let analyzers = BTreeMap::from([(
            "spanish".to_string(),
            LanguageTokenizer::new(Some(frostem::Algorithm::Spanish), 64),
        )]);
        let mut tokenizer =
            MultilingualTokenizer::new(analyzers, "generic", LanguageTokenizer::new(None, 64));
        assert_eq!(
            terms(&mut tokenizer, &marked("spanish", "Huertos de educación")),
            ["spanish:huert", "spanish:de", "spanish:educ"]
        );
        assert_eq!(
            terms(&mut tokenizer, &marked("korean", "마을교육")),
            ["generic:마을", "generic:을교", "generic:교육"]
        );
        assert_eq!(terms(&mut tokenizer, "École"), ["generic:ecole"]);
        // An accented word whose two forms differ gives both, each tagged.
        assert_eq!(
            terms(&mut tokenizer, &marked("spanish", "participació")),
            ["spanish:participac", "spanish:participaci"]
        );
        assert_eq!(split_tag("spanish:huert"), Some(("spanish:", "huert")));
        assert_eq!(split_tag("huert"), None);
    }
}
