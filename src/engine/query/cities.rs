//! City names in a query: a query that names a city (`Porto`, `sant cugat`, `Hamburg Schule`)
//! ranks that city's initiatives first.
//!
//! The words of a city are in the `city` text field, but a term query cannot tell the city
//! `Porto` from `Porto Alegre`, and Porto Alegre's titles ("Porto Alegre Participatory
//! Budget") outscore Porto's. So the index's city names (the `suggest_city` fast field, as
//! loaded) are kept by their folded form (lowercase, no accents, words joined by one space);
//! a run of the query's words whose folded form is a city name adds a bonus to the documents
//! of exactly that city (a range query on the fast field, from the name to itself). The words
//! of a city's name are spelled right: they get no typo alternatives (`Dresden` would also
//! match the Spanish `desde`).

use std::collections::HashMap;
use std::ops::Bound;

use tantivy::query::{BooleanQuery, ConstScoreQuery, Query, RangeQuery};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::engine::analysis::folding::fold_accents;
use crate::engine::error::Result;
use crate::engine::schema::SUGGEST_CITY;

/// Score added to the initiatives of a city the query names: above any text score, below
/// [`super::builder::EXACT_TIER`] (a typo hit in the city stays below an exact hit elsewhere).
pub const CITY_BOOST: f32 = 300.0;

/// Longest city name looked for, in words.
const MAX_CITY_WORDS: usize = 5;

/// The city names of one index generation, by folded form.
#[derive(Debug, Default)]
pub struct CityNames {
    /// Folded name → the names as loaded (`porto` → `Porto`; several spellings may fold alike).
    by_folded: HashMap<String, Vec<String>>,
}

/// Lowercase, accents folded, words (runs of alphanumerics) joined by one space.
fn folded_words(text: &str) -> String {
    let folded = fold_accents(&text.to_lowercase());
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl CityNames {
    /// The city names of `searcher`'s documents.
    pub fn build(searcher: &Searcher) -> Result<Self> {
        let mut by_folded: HashMap<String, Vec<String>> = HashMap::new();
        for segment in searcher.segment_readers() {
            let Some(column) = segment.fast_fields().str(SUGGEST_CITY)? else {
                continue;
            };
            let mut names = column.dictionary().stream()?;
            while names.advance() {
                let name = String::from_utf8_lossy(names.key()).into_owned();
                let folded = folded_words(&name);
                if folded.is_empty() {
                    continue;
                }
                let spellings = by_folded.entry(folded).or_default();
                if !spellings.contains(&name) {
                    spellings.push(name);
                }
            }
        }
        Ok(CityNames { by_folded })
    }

    /// The cities named by runs of `words` (`None`: not a plain word, which breaks a run),
    /// longest first, without overlap: for each, where the run starts, its length and the
    /// names as loaded.
    pub fn find(&self, words: &[Option<&str>]) -> Vec<(usize, usize, &[String])> {
        let mut found = Vec::new();
        if self.by_folded.is_empty() {
            return found;
        }
        // Each word folded once; a run's key is its words' folded forms joined by a space.
        let folded: Vec<Option<String>> = words.iter().map(|word| word.map(folded_words)).collect();
        let mut start = 0;
        while start < words.len() {
            let mut matched = 0;
            for length in (1..=MAX_CITY_WORDS.min(words.len() - start)).rev() {
                let Some(run) = folded[start..start + length]
                    .iter()
                    .map(Option::as_deref)
                    .collect::<Option<Vec<&str>>>()
                else {
                    continue;
                };
                let key = run
                    .into_iter()
                    .filter(|word| !word.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(spellings) = self.by_folded.get(&key) {
                    found.push((start, length, spellings.as_slice()));
                    matched = length;
                    break;
                }
            }
            start += matched.max(1);
        }
        found
    }

    /// The bonus query for the initiatives of a city loaded under any of `spellings`.
    pub fn bonus(field: Field, spellings: &[String]) -> Box<dyn Query> {
        let exact: Vec<Box<dyn Query>> = spellings
            .iter()
            .map(|name| {
                let term = Term::from_field_text(field, name);
                Box::new(RangeQuery::new(
                    Bound::Included(term.clone()),
                    Bound::Included(term),
                )) as Box<dyn Query>
            })
            .collect();
        Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::union(exact)),
            CITY_BOOST,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_words_are_matched_to_whole_city_names() {
        let mut names = CityNames::default();
        for name in ["Porto", "Porto Alegre", "Sant Cugat del Vallès", "Seoul"] {
            names
                .by_folded
                .entry(folded_words(name))
                .or_default()
                .push(name.to_string());
        }
        let find = |words: &[Option<&str>]| -> Vec<String> {
            names
                .find(words)
                .into_iter()
                .flat_map(|(_, _, spellings)| spellings.iter().cloned())
                .collect()
        };
        assert_eq!(find(&[Some("porto")]), ["Porto"]);
        assert_eq!(find(&[Some("PORTO"), Some("alegre")]), ["Porto Alegre"]);
        assert_eq!(
            find(&[
                Some("huertos"),
                Some("sant"),
                Some("cugat"),
                Some("del"),
                Some("valles")
            ]),
            ["Sant Cugat del Vallès"]
        );
        // A phrase or an excluded word breaks a run; a part of a name is not the name.
        assert_eq!(find(&[Some("porto"), None, Some("alegre")]), ["Porto"]);
        assert!(find(&[Some("alegre")]).is_empty());
        assert!(find(&[Some("sant"), Some("cugat")]).is_empty());
        assert!(find(&[]).is_empty());
    }
}
