//! Builds the text part of a search from parsed clauses.
//!
//! A word becomes, for each analyzer present in the index, a term query per text field (its
//! stemmed-and-folded forms), boosted per field (`title` above `summary` above `description`);
//! all of these are alternatives. A word that the analyzer splits into several tokens (CJK
//! bigrams, `covid-19`) and a quoted phrase become phrase queries. Each clause is then
//! required (words, phrases), optional (stop words) or excluded.

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::parser::Clause;
use crate::engine::analysis::{Analysis, GENERIC};
use crate::engine::catalog::Catalog;
use crate::engine::schema::IndexFields;

/// Builds text queries against the language fields of an index.
pub struct QueryBuilder<'a> {
    /// The analyzers.
    pub analysis: &'a Analysis,
    /// The catalog (fields, boosts, stop words).
    pub catalog: &'a Catalog,
    /// The index's fields.
    pub fields: &'a IndexFields,
    /// The analyzers present in the index (others are skipped: they hold nothing).
    pub analyzers: &'a [String],
}

/// Whether every non-stop word must match, or any word may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Every word (stop words excepted) must match.
    AllWords,
    /// At least one word must match (the fallback when all words give nothing).
    AnyWord,
}

impl QueryBuilder<'_> {
    /// The query for `clauses`; `None` when they hold nothing searchable (browse everything).
    pub fn build(&self, clauses: &[Clause], matching: Matching) -> Option<Box<dyn Query>> {
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut positive = 0;
        for clause in clauses {
            let query = self
                .clause_query(&clause.text)
                .unwrap_or_else(|| Box::new(EmptyQuery));
            let occur = if clause.negated {
                Occur::MustNot
            } else if clause.phrase {
                Occur::Must
            } else if matching == Matching::AnyWord || self.is_stopword(&clause.text) {
                Occur::Should
            } else {
                Occur::Must
            };
            if occur != Occur::MustNot {
                positive += 1;
            }
            parts.push((occur, query));
        }
        if parts.is_empty() {
            return None;
        }
        if positive == 0 {
            parts.push((Occur::Must, Box::new(AllQuery)));
        }
        Some(Box::new(BooleanQuery::new(parts)))
    }

    /// How many clauses are required words (for deciding on the any-word fallback).
    pub fn required_words(&self, clauses: &[Clause]) -> usize {
        clauses
            .iter()
            .filter(|clause| !clause.negated && !clause.phrase && !self.is_stopword(&clause.text))
            .count()
    }

    fn is_stopword(&self, word: &str) -> bool {
        self.catalog.stopwords.contains(&word.to_lowercase())
    }

    /// All the ways a clause can match: every analyzer × every text field, plus plain fields.
    fn clause_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        for analyzer in self.analyzers {
            let positions = self.positions(analyzer, text);
            if positions.is_empty() {
                continue;
            }
            for text_field in &self.catalog.schema.text_fields {
                if let Some(field) = self.fields.text_field(&text_field.name, analyzer) {
                    alternatives.push(boosted(field_query(field, &positions), text_field.boost));
                }
            }
        }
        let generic = self.positions(GENERIC, text);
        if !generic.is_empty() {
            for plain in &self.catalog.schema.plain_text_fields {
                if let Some(&field) = self.fields.plain.get(&plain.name) {
                    alternatives.push(boosted(field_query(field, &generic), plain.boost));
                }
            }
        }
        match alternatives.len() {
            0 => None,
            1 => alternatives.pop(),
            _ => Some(Box::new(BooleanQuery::union(alternatives))),
        }
    }

    /// The analysed forms of `text`, grouped by position (variants of one word together).
    fn positions(&self, analyzer: &str, text: &str) -> Vec<Vec<String>> {
        let mut positions: Vec<Vec<String>> = Vec::new();
        let mut last_position = None;
        for token in self.analysis.tokens(analyzer, text) {
            if last_position == Some(token.position) {
                if let Some(variants) = positions.last_mut() {
                    variants.push(token.text);
                }
            } else {
                positions.push(vec![token.text]);
                last_position = Some(token.position);
            }
        }
        positions
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// One field's query for a word or phrase.
fn field_query(field: Field, positions: &[Vec<String>]) -> Box<dyn Query> {
    if positions.len() == 1 {
        let terms: Vec<Box<dyn Query>> = positions[0]
            .iter()
            .map(|text| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect();
        return if terms.len() == 1 {
            terms
                .into_iter()
                .next()
                .unwrap_or_else(|| Box::new(EmptyQuery))
        } else {
            Box::new(BooleanQuery::union(terms))
        };
    }
    // Several positions: a phrase over the folded-then-stemmed form (always indexed).
    let terms: Vec<(usize, Term)> = positions
        .iter()
        .enumerate()
        .filter_map(|(offset, variants)| {
            variants
                .last()
                .map(|text| (offset, Term::from_field_text(field, text)))
        })
        .collect();
    Box::new(PhraseQuery::new_with_offset(terms))
}
