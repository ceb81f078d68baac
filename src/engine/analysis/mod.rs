//! Per-language text analysis.
//!
//! Every language with a Snowball stemmer in `index-schema/schema.json` gets an analyzer named
//! after its algorithm (`spanish`, `catalan`...); every other language — Korean, Japanese and
//! Chinese included — uses `generic` (lowercase, accent folding, CJK bigrams). A document's text
//! goes to the fields of its language's analyzer; a query is analysed with every analyzer it runs
//! against, so it stems as English against English text and as Spanish against Spanish text.

pub mod cjk;
pub mod detection;
pub mod folding;
pub mod initial_filter;
pub mod language_tokenizer;
pub mod multilingual;
pub mod normalizer;
pub mod stem_cache;

use std::collections::BTreeMap;

use frostem::Algorithm;
use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer, Token};
use tantivy::Index;

use crate::engine::catalog::Catalog;
use language_tokenizer::LanguageTokenizer;
use normalizer::LanguageNormalizer;

/// The analyzer of languages without a stemmer.
pub const GENERIC: &str = "generic";

/// Stemmers that only strip suffixes, so a word keeps its initial (the highlighting
/// pre-filter relies on it). Others (Arabic, Indonesian, Irish...) highlight without it.
const SUFFIX_ONLY_STEMMERS: [&str; 23] = [
    "armenian",
    "basque",
    "catalan",
    "czech",
    "danish",
    "english",
    "esperanto",
    "estonian",
    "finnish",
    "french",
    "german",
    "greek",
    "hungarian",
    "italian",
    "lithuanian",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "serbian",
    "spanish",
    "swedish",
    "turkish",
];

/// The tokenizer of the text fields (see [`multilingual`]).
pub const MULTILINGUAL: &str = "multilingual";

/// The analyzers of a catalog and the language → analyzer mapping.
#[derive(Clone)]
pub struct Analysis {
    /// ISO 639-1 → analyzer name.
    language_to_analyzer: BTreeMap<String, String>,
    /// Analyzer name → analyzer (sorted by name; `generic` included).
    analyzers: BTreeMap<String, TextAnalyzer>,
    /// Analyzer name → its stemmer (`None` for `generic`).
    stemmers: BTreeMap<String, Option<Algorithm>>,
    /// Analyzer name → its languages' plural endings, `[singular, plural]`.
    plurals: BTreeMap<String, Vec<[String; 2]>>,
    max_token_bytes: usize,
}

/// Shortest word, and shortest stem left when an ending is taken off, that gets its other
/// number looked up (`mes` → `me` would find every Spanish `me`).
const MIN_INFLECTED_CHARS: usize = 4;

impl Analysis {
    /// Builds the analyzers named by the catalog.
    pub fn new(catalog: &Catalog) -> Self {
        let max_bytes = catalog.schema.analyzers.max_token_bytes;
        let mut language_to_analyzer = BTreeMap::new();
        let mut analyzers = BTreeMap::new();
        let mut stemmers = BTreeMap::new();
        analyzers.insert(GENERIC.to_string(), build(None, max_bytes));
        stemmers.insert(GENERIC.to_string(), None);
        for (language, name) in &catalog.schema.analyzers.stemmers {
            // Checked by Catalog::check.
            let Ok(algorithm) = Algorithm::from_name(name) else {
                continue;
            };
            let analyzer_name = algorithm.name().to_string();
            analyzers
                .entry(analyzer_name.clone())
                .or_insert_with(|| build(Some(algorithm), max_bytes));
            stemmers.insert(analyzer_name.clone(), Some(algorithm));
            language_to_analyzer.insert(language.clone(), analyzer_name);
        }
        let mut plurals: BTreeMap<String, Vec<[String; 2]>> = BTreeMap::new();
        for (language, endings) in &catalog.schema.analyzers.plurals {
            if let Some(analyzer) = language_to_analyzer.get(language) {
                let known = plurals.entry(analyzer.clone()).or_default();
                for ending in endings {
                    if !known.contains(ending) {
                        known.push(ending.clone());
                    }
                }
            }
        }
        Analysis {
            language_to_analyzer,
            analyzers,
            stemmers,
            plurals,
            max_token_bytes: max_bytes,
        }
    }

    /// The other number of a lowercase word under analyzer `name`'s plural endings: `joven` →
    /// `jovenes`, `jóvenes` → `jóven`, `escolar` → `escolars`. Only words of letters, at least
    /// [`MIN_INFLECTED_CHARS`] long, and stems at least as long.
    pub fn other_numbers(&self, name: &str, word: &str) -> Vec<String> {
        let Some(endings) = self.plurals.get(name) else {
            return Vec::new();
        };
        let word = word.to_lowercase();
        if word.chars().count() < MIN_INFLECTED_CHARS || !word.chars().all(char::is_alphabetic) {
            return Vec::new();
        }
        let mut variants = Vec::new();
        for [singular, plural] in endings {
            for (from, to) in [(singular, plural), (plural, singular)] {
                if let Some(stem) = word.strip_suffix(from.as_str()) {
                    if stem.chars().count() >= MIN_INFLECTED_CHARS {
                        let variant = format!("{stem}{to}");
                        if variant != word && !variants.contains(&variant) {
                            variants.push(variant);
                        }
                    }
                }
            }
        }
        variants
    }

    /// The analyzer a text in `language` is indexed with.
    pub fn analyzer_for(&self, language: &str) -> &str {
        self.language_to_analyzer
            .get(language)
            .map(String::as_str)
            .unwrap_or(GENERIC)
    }

    /// Every analyzer name, sorted.
    pub fn analyzer_names(&self) -> impl Iterator<Item = &str> {
        self.analyzers.keys().map(String::as_str)
    }

    /// Registers every analyzer, and the multilingual tokenizer of the text fields (whose terms
    /// carry their analyzer's tag), on an index (analyzers are not persisted by tantivy).
    pub fn register(&self, index: &Index) {
        for (name, analyzer) in &self.analyzers {
            index.tokenizers().register(name, analyzer.clone());
        }
        let tokenizers = self
            .stemmers
            .iter()
            .map(|(name, stemmer)| {
                let tokenizer = LanguageTokenizer::new(*stemmer, self.max_token_bytes);
                (name.clone(), tokenizer)
            })
            .collect();
        let multilingual = multilingual::MultilingualTokenizer::new(
            tokenizers,
            GENERIC,
            LanguageTokenizer::new(None, self.max_token_bytes),
        );
        index
            .tokenizers()
            .register(MULTILINGUAL, TextAnalyzer::from(multilingual));
    }

    /// A copy of analyzer `name`.
    pub fn analyzer(&self, name: &str) -> Option<TextAnalyzer> {
        self.analyzers.get(name).cloned()
    }

    /// Analyzer `name` for highlighting `terms`: words that cannot become one of the terms are
    /// dropped before they are lowercased and stemmed (see [`initial_filter`]).
    pub fn highlighting_analyzer<'a>(
        &self,
        name: &str,
        terms: impl IntoIterator<Item = &'a str>,
    ) -> Option<TextAnalyzer> {
        let stemmer = *self.stemmers.get(name)?;
        if stemmer.is_some_and(|algorithm| !SUFFIX_ONLY_STEMMERS.contains(&algorithm.name())) {
            // A stemmer that also strips prefixes may change a word's initial.
            return self.analyzer(name);
        }
        Some(
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(initial_filter::InitialFilter::new(terms))
                .filter(LowerCaser)
                .filter(LanguageNormalizer::new(stemmer, self.max_token_bytes))
                .build(),
        )
    }

    /// The tokens of `text` under analyzer `name` (`generic` if unknown).
    pub fn tokens(&self, name: &str, text: &str) -> Vec<Token> {
        let prototype = self
            .analyzers
            .get(name)
            .or_else(|| self.analyzers.get(GENERIC));
        let Some(prototype) = prototype else {
            return Vec::new();
        };
        let mut analyzer = prototype.clone();
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(std::mem::take(stream.token_mut()));
        }
        tokens
    }
}

/// The analyzer of a language: `SimpleTokenizer → LowerCaser → LanguageNormalizer`, fused
/// into one [`LanguageTokenizer`].
fn build(stemmer: Option<Algorithm>, max_token_bytes: usize) -> TextAnalyzer {
    TextAnalyzer::from(LanguageTokenizer::new(stemmer, max_token_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(analysis: &Analysis, analyzer: &str, text: &str) -> Vec<(usize, String)> {
        analysis
            .tokens(analyzer, text)
            .into_iter()
            .map(|token| (token.position, token.text))
            .collect()
    }

    #[test]
    fn spanish_stems_then_folds_and_keeps_the_folded_stem() {
        let analysis = Analysis::new(&Catalog::embedded().unwrap());
        let with_accent = texts(&analysis, "spanish", "Educación");
        let without = texts(&analysis, "spanish", "educacion");
        // The unaccented form is always among the accented word's tokens.
        assert!(
            with_accent.contains(&without[0]),
            "{with_accent:?} / {without:?}"
        );
        assert_eq!(
            texts(&analysis, "spanish", "huertos"),
            texts(&analysis, "spanish", "huerto")
        );
    }

    #[test]
    fn catalan_has_its_own_stemmer() {
        let analysis = Analysis::new(&Catalog::embedded().unwrap());
        assert_eq!(analysis.analyzer_for("ca"), "catalan");
        assert_eq!(texts(&analysis, "catalan", "ciutats")[0].1, "ciut");
    }

    #[test]
    fn korean_is_bigrammed_with_consecutive_positions() {
        let analysis = Analysis::new(&Catalog::embedded().unwrap());
        assert_eq!(analysis.analyzer_for("ko"), GENERIC);
        let tokens = texts(&analysis, GENERIC, "마을교육 공동체");
        assert_eq!(
            tokens,
            vec![
                (0, "마을".to_string()),
                (1, "을교".to_string()),
                (2, "교육".to_string()),
                (3, "공동".to_string()),
                (4, "동체".to_string())
            ]
        );
    }

    #[test]
    fn a_word_has_its_other_number_where_the_language_lists_endings() {
        let analysis = Analysis::new(&Catalog::embedded().unwrap());
        let other = |analyzer: &str, word: &str| analysis.other_numbers(analyzer, word);
        assert!(other("spanish", "joven").contains(&"jovenes".to_string()));
        assert!(other("spanish", "jóvenes").contains(&"jóven".to_string()));
        assert!(other("catalan", "escolar").contains(&"escolars".to_string()));
        assert!(other("catalan", "escoles").contains(&"escola".to_string()));
        assert!(other("portuguese", "jovem").contains(&"jovens".to_string()));
        // Too short (`mes` → `me`), not a word of letters, or a language without endings.
        assert!(other("spanish", "mes").is_empty());
        assert!(!other("spanish", "meses").contains(&"me".to_string()));
        assert!(other("spanish", "covid19").is_empty());
        assert!(other("german", "schulen").is_empty());
        assert!(other(GENERIC, "escolar").is_empty());
    }
}
