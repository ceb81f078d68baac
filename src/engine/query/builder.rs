//! Builds the text part of a search from parsed clauses.
//!
//! A word becomes, for each analyzer present in the index, a term query per text field (its
//! stemmed-and-folded forms, tagged with the analyzer: see `analysis::multilingual`), boosted
//! per field (`title` above `summary` above `description`);
//! all of these are alternatives. A word that the analyzer splits into several tokens (CJK
//! bigrams, `covid-19`) and a quoted phrase become phrase queries. Each clause is then
//! required (words, phrases), optional (stop words) or excluded.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use tantivy::query::{
    AllQuery, Bm25StatisticsProvider, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::cities::CityNames;
use super::concepts::{ConceptMatcher, ConceptRef};
use super::exclusion::ExclusionQuery;
use super::parser::Clause;
use super::typos;
use crate::engine::analysis::cjk::has_cjk;
use crate::engine::analysis::folding::fold_accents;
use crate::engine::analysis::multilingual::{split_tag, tagged};
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
    /// The searcher the query is for: terms it does not hold are left out of the query, and
    /// typo alternatives come from its term dictionaries.
    pub searcher: &'a Searcher,
    /// Whether long enough words also match index terms a few edits away.
    pub typos: bool,
    /// Concept names to widen across languages; `None`: no expansion.
    pub concepts: Option<&'a ConceptMatcher>,
    /// Whether a word's stems are also looked up in other languages (see `cognates`).
    pub cognates: bool,
    /// The index's city names: a query naming one ranks that city's initiatives first.
    pub cities: Option<std::sync::Arc<CityNames>>,
    /// Document frequencies looked up so far for this query (`Default::default()`): a term is
    /// looked up once, however many parts of the query ask.
    pub doc_freqs: RefCell<HashMap<Term, u64>>,
    /// Typo automata built so far for this query (`Default::default()`), by form and edits:
    /// one serves every field.
    pub automata: RefCell<HashMap<(String, u8), std::rc::Rc<levenshtein_automata::DFA>>>,
}

/// Only the first words of a query may have typo alternatives: a long query is pasted text,
/// and each word's automaton costs time.
const MAX_TYPO_WORDS: usize = 8;

/// How far apart (in positions) the query's words may stand to earn the proximity bonus.
const PROXIMITY_SLOP: u32 = 3;
/// Weight of the proximity bonus.
const PROXIMITY_BOOST: f32 = 0.5;
/// Longer queries get no proximity bonus (its cost grows with the words).
const MAX_PROXIMITY_WORDS: usize = 6;

/// Weight of a word's forms looked up as another language's (cognates) relative to its own.
const COGNATE_BOOST: f32 = 0.3;
/// Shortest form looked up as a cognate, in characters (short stems are mostly false friends:
/// the Catalan stem of `consell` is `con`, a Spanish and Italian stop word).
const MIN_COGNATE_CHARS: usize = 4;

/// Weight of a CJK word found as its bigrams anywhere in a field (see `cjk_cover`) relative to
/// the word itself.
const CJK_COVER_BOOST: f32 = 0.5;

/// Weight of a concept's terms in other languages relative to the words as typed.
const CONCEPT_BOOST: f32 = 0.3;

/// A built text query.
pub struct TextQuery {
    /// The query.
    pub query: Box<dyn Query>,
    /// How many words were widened with typo alternatives. A document that matched all of them
    /// exactly scores at least `typo_words × EXACT_TIER`; below that, a typo was used.
    pub typo_words: usize,
}

/// Score added to a word's exact (or stemmed) match when the word also has typo alternatives,
/// so that exact matches always rank above typo matches.
pub const EXACT_TIER: f32 = 1_000.0;

/// Weight of typo alternatives relative to exact forms.
const TYPO_BOOST: f32 = 0.2;

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
    pub fn build(&self, clauses: &[Clause], matching: Matching) -> Option<TextQuery> {
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut positive = 0;
        let mut typo_words = 0;
        let mut typo_candidates = 0;
        let mut any_word: Vec<Box<dyn Query>> = Vec::new();
        // Runs of plain words that name a concept become one clause with the concept's terms
        // in other languages as alternatives.
        let words: Vec<Option<String>> = clauses
            .iter()
            .map(|clause| (!clause.negated && !clause.quoted).then(|| clause.text.clone()))
            .collect();
        let spans = self
            .concepts
            .map(|matcher| matcher.find(&words))
            .unwrap_or_default();
        // Runs of words that name a city of the index: a bonus for that city's initiatives,
        // and no typo alternatives for its words.
        let city_words: Vec<Option<&str>> = clauses
            .iter()
            .map(|clause| (!clause.negated && !clause.phrase).then_some(clause.text.as_str()))
            .collect();
        let cities_named = self
            .cities
            .as_deref()
            .map(|cities| cities.find(&city_words))
            .unwrap_or_default();
        let in_city_name = |index: usize| {
            cities_named
                .iter()
                .any(|(start, length, _)| (*start..start + length).contains(&index))
        };
        let mut span_at: HashMap<usize, (usize, Vec<ConceptRef>)> = HashMap::new();
        for (start, length, refs) in spans {
            span_at.insert(start, (length, refs));
        }
        let mut index = 0;
        while index < clauses.len() {
            if let Some((length, refs)) = span_at.remove(&index) {
                let mut typed: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for clause in &clauses[index..index + length] {
                    // Words that spell a concept's name are spelled right: no typo
                    // alternatives (nor their score tier, under which a match through the
                    // concept alone would be taken for a typo).
                    let (query, _) = self.clause_query(&clause.text, false, matching);
                    let occur = if matching == Matching::AnyWord || self.is_stopword(&clause.text) {
                        Occur::Should
                    } else {
                        Occur::Must
                    };
                    typed.push((occur, query.unwrap_or_else(|| Box::new(EmptyQuery))));
                }
                let mut alternatives: Vec<Box<dyn Query>> =
                    vec![Box::new(BooleanQuery::new(typed))];
                for concept in &refs {
                    if let Some(query) = self.concept_query(concept) {
                        alternatives.push(query);
                    }
                }
                let span: Box<dyn Query> = Box::new(BooleanQuery::union(alternatives));
                if matching == Matching::AnyWord {
                    any_word.push(span);
                } else {
                    parts.push((Occur::Must, span));
                }
                positive += 1;
                index += length;
                continue;
            }
            let clause = &clauses[index];
            let allow_typos = !clause.negated
                && !clause.quoted
                && !in_city_name(index)
                && typo_candidates < MAX_TYPO_WORDS;
            if allow_typos {
                typo_candidates += 1;
            }
            index += 1;
            // A quoted run is taken whole, never as most of its bigrams.
            let clause_matching = if clause.quoted {
                Matching::AllWords
            } else {
                matching
            };
            let (query, widened) = self.clause_query(&clause.text, allow_typos, clause_matching);
            let query = query.unwrap_or_else(|| Box::new(EmptyQuery));
            if widened {
                typo_words += 1;
            }
            let occur = if clause.negated {
                Occur::MustNot
            } else if clause.quoted {
                Occur::Must
            } else if matching == Matching::AnyWord || self.is_stopword(&clause.text) {
                Occur::Should
            } else {
                Occur::Must
            };
            if occur != Occur::MustNot {
                positive += 1;
            }
            let query: Box<dyn Query> = if occur == Occur::MustNot {
                Box::new(ExclusionQuery::new(query))
            } else {
                query
            };
            if matching == Matching::AnyWord
                && occur == Occur::Should
                && !self.is_stopword(&clause.text)
            {
                // Any word — but a word, not a stop word, must match.
                any_word.push(query);
                continue;
            }
            parts.push((occur, query));
        }
        if !any_word.is_empty() {
            parts.push((Occur::Must, Box::new(BooleanQuery::union(any_word))));
        }
        if let Some(proximity) = self.proximity_query(clauses) {
            parts.push((Occur::Should, proximity));
        }
        // A bonus only: some clause must still match (a lone optional clause would otherwise
        // let every initiative of the city match).
        if parts.iter().any(|(occur, _)| *occur == Occur::Must) {
            for (_, _, spellings) in &cities_named {
                parts.push((
                    Occur::Should,
                    CityNames::bonus(self.fields.suggest_city, spellings),
                ));
            }
        }
        if parts.is_empty() {
            return None;
        }
        if positive == 0 {
            parts.push((Occur::Must, Box::new(AllQuery)));
        }
        Some(TextQuery {
            query: Box::new(BooleanQuery::new(parts)),
            typo_words,
        })
    }

    /// Rewards documents where the query's words stand close together, in order: a sloppy
    /// phrase over the plain words (two or more), per analyzer's forms, in titles and summaries.
    fn proximity_query(&self, clauses: &[Clause]) -> Option<Box<dyn Query>> {
        let words: Vec<&str> = clauses
            .iter()
            .filter(|clause| !clause.negated && !clause.phrase)
            .map(|clause| clause.text.as_str())
            .collect();
        if words.len() < 2 || words.len() > MAX_PROXIMITY_WORDS {
            return None;
        }
        let text = words.join(" ");
        let mut sequences: BTreeSet<Vec<String>> = BTreeSet::new();
        for analyzer in self.analyzers {
            sequences.extend(self.tagged_forms(analyzer, &text).1);
        }
        let mut phrases: Vec<Box<dyn Query>> = Vec::new();
        // Titles and summaries only: positions in long descriptions cost more than they add.
        for text_field in self
            .catalog
            .schema
            .text_fields
            .iter()
            .filter(|text_field| text_field.name != "description")
        {
            let Some(field) = self.fields.text_field(&text_field.name) else {
                continue;
            };
            for sequence in &sequences {
                let Some(terms) = self.phrase_terms(field, sequence) else {
                    continue;
                };
                let phrase = PhraseQuery::new_with_offset_and_slop(terms, PROXIMITY_SLOP);
                phrases.push(boosted(
                    Box::new(phrase),
                    text_field.boost * PROXIMITY_BOOST,
                ));
            }
        }
        (!phrases.is_empty()).then(|| Box::new(BooleanQuery::union(phrases)) as Box<dyn Query>)
    }

    /// A concept's alternative: its terms in every language (each analysed by its language's
    /// analyzer) over the text fields, or the initiatives filed under a taxonomy value.
    fn concept_query(&self, concept: &ConceptRef) -> Option<Box<dyn Query>> {
        match concept {
            ConceptRef::Facet(facet, value) => {
                let field = *self.fields.facets.get(facet)?;
                let term = TermQuery::new(
                    Term::from_field_text(field, value),
                    IndexRecordOption::Basic,
                );
                Some(Box::new(ConstScoreQuery::new(
                    Box::new(term),
                    CONCEPT_BOOST,
                )))
            }
            ConceptRef::Thesaurus(index) => {
                let concept = self.catalog.thesaurus.get(*index)?;
                let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
                for (language, terms) in &concept.terms {
                    let analyzer = self.analysis.analyzer_for(language);
                    for term in terms {
                        let (words, sequences) = self.tagged_forms(analyzer, term);
                        if words.is_empty() && sequences.is_empty() {
                            continue;
                        }
                        // A CJK term is a phrase of bigrams, scored as the sum of its
                        // bigrams: `주민참여예산` (5 bigrams) outscored an exact title in the
                        // query's own language. It counts as one word.
                        let bigrams = cjk_phrase_length(&sequences);
                        for text_field in &self.catalog.schema.text_fields {
                            if let Some(field) = self.fields.text_field(&text_field.name) {
                                if let Some(query) = self.forms_query(field, &words, &sequences) {
                                    alternatives.push(boosted(
                                        query,
                                        text_field.boost * CONCEPT_BOOST / bigrams as f32,
                                    ));
                                }
                            }
                        }
                    }
                }
                (!alternatives.is_empty())
                    .then(|| Box::new(BooleanQuery::union(alternatives)) as Box<dyn Query>)
            }
        }
    }

    /// How many clauses are required words (for deciding on the any-word fallback).
    /// The words all of which must match (stop words aside). A run of four or more CJK
    /// characters counts as the several words it holds: the "any word" fallback also reads it
    /// as most of its bigrams.
    pub fn required_words(&self, clauses: &[Clause]) -> usize {
        clauses
            .iter()
            .filter(|clause| !clause.negated && !clause.phrase && !self.is_stopword(&clause.text))
            .map(|clause| {
                if !clause.quoted && has_cjk(&clause.text) && clause.text.chars().count() >= 4 {
                    2
                } else {
                    1
                }
            })
            .sum()
    }

    fn is_stopword(&self, word: &str) -> bool {
        self.catalog.stopwords.contains(&word.to_lowercase())
    }

    /// All the ways a clause can match: its analysed forms under every analyzer present, each
    /// tagged with its analyzer (so it meets only text of its language), in every text field,
    /// plus the plain fields.
    ///
    /// With typos allowed, a long enough word also matches index terms a few edits away from
    /// its forms; the clause then scores [`EXACT_TIER`] more for an exact match. Returns the
    /// query and whether typo alternatives were added.
    fn clause_query(
        &self,
        text: &str,
        allow_typos: bool,
        matching: Matching,
    ) -> (Option<Box<dyn Query>>, bool) {
        let mut words: BTreeSet<String> = BTreeSet::new();
        let mut sequences: BTreeSet<Vec<String>> = BTreeSet::new();
        // The word's own forms (its other number's are added below), for the cognates.
        let mut own_words: BTreeSet<String> = BTreeSet::new();
        for analyzer in self.analyzers {
            let (forms, phrases) = self.tagged_forms(analyzer, text);
            let single_word = phrases.is_empty();
            own_words.extend(forms.iter().cloned());
            words.extend(forms);
            sequences.extend(phrases);
            if single_word {
                // The word's other number, where the stemmer keeps the two apart.
                for variant in self.analysis.other_numbers(analyzer, text) {
                    let (forms, phrases) = self.tagged_forms(analyzer, &variant);
                    if phrases.is_empty() {
                        words.extend(forms.into_iter().filter(|term| {
                            split_tag(term).is_some_and(|(_, form)| !self.is_stopword(form))
                        }));
                    }
                }
            }
        }
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        let mut typo_alternatives: Vec<Box<dyn Query>> = Vec::new();
        // A word is taken as spelled right (no typo alternatives: they could only rank below,
        // and cost time) when its forms, its other number's included, are well attested —
        // provided its own forms are in the index at all: a misspelt `escolres`, whose other
        // number `escolra` happens to be a Catalan stem, is still a typo.
        let edits = if !self.typos
            || !allow_typos
            || !sequences.is_empty()
            || (self.documents_with(&own_words, 1) > 0
                && self.documents_with(&words, typos::WELL_ATTESTED_DOCUMENTS)
                    >= typos::WELL_ATTESTED_DOCUMENTS)
        {
            0
        } else {
            typos::allowed_edits(text)
        };
        // Analyzers that gave the same form share one pass over each dictionary.
        let mut tags_by_form: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        if edits > 0 {
            for (tag, form) in words.iter().filter_map(|term| split_tag(term)) {
                tags_by_form.entry(form).or_default().push(tag);
            }
        }
        let cognates = if self.cognates {
            let mut cognates = self.cognates(text, &own_words);
            cognates.retain(|term| !words.contains(term));
            cognates
        } else {
            BTreeSet::new()
        };
        let covers: Vec<Vec<String>> = sequences.iter().filter_map(|s| cjk_cover(s)).collect();
        let lone_cjk: Vec<&String> = words.iter().filter(|term| is_lone_cjk(term)).collect();
        for text_field in &self.catalog.schema.text_fields {
            if let Some(field) = self.fields.text_field(&text_field.name) {
                if let Some(query) = self.forms_query(field, &words, &sequences) {
                    alternatives.push(boosted(query, text_field.boost));
                }
                for character in &lone_cjk {
                    let bigrams = terms_starting_with(self.searcher, field, character);
                    if let Some(query) = self.forms_query(field, &bigrams, &BTreeSet::new()) {
                        alternatives.push(boosted(query, text_field.boost * CJK_COVER_BOOST));
                    }
                }
                for cover in &covers {
                    if let Some(query) = self.all_terms_query(field, cover) {
                        alternatives.push(boosted(query, text_field.boost * CJK_COVER_BOOST));
                    }
                }
                if matching == Matching::AnyWord {
                    for sequence in sequences.iter().filter(|s| cjk_cover(s).is_some()) {
                        if let Some(query) = self.most_terms_query(field, sequence) {
                            alternatives.push(boosted(query, text_field.boost * CJK_COVER_BOOST));
                        }
                    }
                }
                if text_field.name != "description" {
                    if let Some(query) = self.forms_query(field, &cognates, &BTreeSet::new()) {
                        alternatives.push(boosted(query, text_field.boost * COGNATE_BOOST));
                    }
                }
                if edits > 0 {
                    let mut near: BTreeSet<String> = BTreeSet::new();
                    for (form, tags) in &tags_by_form {
                        // Edits are bounded by the word's length and by the form's: a short
                        // stem with one edit would match far too much.
                        let form_edits = edits.min(typos::allowed_edits(form));
                        if form_edits == 0 {
                            continue;
                        }
                        let dfa = self.automaton(form, form_edits);
                        near.extend(typos::alternatives(self.searcher, field, tags, form, &dfa));
                    }
                    near.retain(|term| !words.contains(term));
                    if let Some(query) = self.forms_query(field, &near, &BTreeSet::new()) {
                        typo_alternatives.push(boosted(query, text_field.boost * TYPO_BOOST));
                    }
                }
            }
        }
        let (generic_words, generic_sequences) = split_forms(self.positions(GENERIC, text));
        for plain in &self.catalog.schema.plain_text_fields {
            if let Some(&field) = self.fields.plain.get(&plain.name) {
                if let Some(query) = self.forms_query(field, &generic_words, &generic_sequences) {
                    alternatives.push(boosted(query, plain.boost));
                }
            }
        }
        let exact: Option<Box<dyn Query>> = match alternatives.len() {
            0 => None,
            1 => alternatives.pop(),
            _ => Some(Box::new(BooleanQuery::union(alternatives))),
        };
        if typo_alternatives.is_empty() {
            return (exact, false);
        }
        let mut tiers: Vec<Box<dyn Query>> = Vec::new();
        if let Some(exact) = exact {
            tiers.push(Box::new(ConstScoreQuery::new(
                exact.box_clone(),
                EXACT_TIER,
            )));
            tiers.push(exact);
        }
        tiers.push(Box::new(BooleanQuery::union(typo_alternatives)));
        (Some(Box::new(BooleanQuery::union(tiers))), true)
    }

    /// The cognate terms of a word (`text`) with these tagged forms: each stem (a form some
    /// stemmer made, long enough, not a stop word) under the tags of the other analyzers —
    /// `educ`, the Italian stem of `educazione`, also looked up as Spanish, Catalan and
    /// Portuguese `educ` (`educación`, `educació`, `educação`). Titles and summaries only: the
    /// lookups cost time, and a description matches cognates by chance more often.
    fn cognates(&self, text: &str, words: &BTreeSet<String>) -> BTreeSet<String> {
        let unstemmed = fold_accents(&text.to_lowercase());
        let forms: BTreeSet<&str> = words
            .iter()
            .filter_map(|term| split_tag(term))
            .map(|(_, form)| form)
            .filter(|form| {
                *form != unstemmed
                    && form.chars().count() >= MIN_COGNATE_CHARS
                    && !self.is_stopword(form)
            })
            .collect();
        let mut cognates = BTreeSet::new();
        for analyzer in self.analyzers {
            for form in &forms {
                let term = tagged(analyzer, form);
                if !words.contains(&term) {
                    cognates.insert(term);
                }
            }
        }
        cognates
    }

    /// How many documents hold these forms in the text fields (a document counted once per
    /// form and field), counting no further than `enough`.
    fn documents_with(&self, forms: &BTreeSet<String>, enough: u64) -> u64 {
        let mut documents = 0;
        for field in self.fields.text.values() {
            for form in forms {
                documents += self.doc_freq(&Term::from_field_text(*field, form));
                if documents >= enough {
                    return documents;
                }
            }
        }
        documents
    }

    /// The forms of `text` under `analyzer`, tagged as the index holds them: a single word's
    /// forms, or a phrase (see [`split_forms`]).
    fn tagged_forms(
        &self,
        analyzer: &str,
        text: &str,
    ) -> (BTreeSet<String>, BTreeSet<Vec<String>>) {
        let (words, sequences) = split_forms(self.positions(analyzer, text));
        (
            words.iter().map(|form| tagged(analyzer, form)).collect(),
            sequences
                .iter()
                .map(|sequence| sequence.iter().map(|form| tagged(analyzer, form)).collect())
                .collect(),
        )
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

    /// How many documents hold `term` (deleted ones included), looked up once per query; a
    /// failed lookup counts as present (the term query will say).
    /// The typo automaton of `form` (built once per query).
    fn automaton(&self, form: &str, edits: u8) -> std::rc::Rc<levenshtein_automata::DFA> {
        self.automata
            .borrow_mut()
            .entry((form.to_string(), edits))
            .or_insert_with(|| std::rc::Rc::new(typos::automaton(form, edits)))
            .clone()
    }

    fn doc_freq(&self, term: &Term) -> u64 {
        if let Some(&count) = self.doc_freqs.borrow().get(term) {
            return count;
        }
        let count = self.searcher.doc_freq(term).unwrap_or(1);
        self.doc_freqs.borrow_mut().insert(term.clone(), count);
        count
    }

    /// The terms of a phrase over `field`, with their offsets; `None` when the index lacks one
    /// of them (most analyzers' sequences do: no phrase to look for).
    fn phrase_terms(&self, field: Field, sequence: &[String]) -> Option<Vec<(usize, Term)>> {
        sequence
            .iter()
            .enumerate()
            .map(|(offset, form)| {
                let term = Term::from_field_text(field, form);
                (self.doc_freq(&term) > 0).then_some((offset, term))
            })
            .collect()
    }

    /// A query requiring every one of `forms` in `field` (anywhere); `None` when the index
    /// lacks one of them.
    fn all_terms_query(&self, field: Field, forms: &[String]) -> Option<Box<dyn Query>> {
        let mut required: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for form in forms {
            let term = Term::from_field_text(field, form);
            if self.doc_freq(&term) == 0 {
                return None;
            }
            required.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            ));
        }
        Some(Box::new(BooleanQuery::new(required)))
    }

    /// A term query for each of `forms` the field holds (absent ones cost a dictionary lookup
    /// here instead of two in a query: its statistics, then its postings).
    fn present_term_queries<'a>(
        &self,
        field: Field,
        forms: impl IntoIterator<Item = &'a String>,
    ) -> Vec<Box<dyn Query>> {
        forms
            .into_iter()
            .map(|form| Term::from_field_text(field, form))
            .filter(|term| self.doc_freq(term) > 0)
            .map(|term| {
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>
            })
            .collect()
    }

    /// Half or more (two at least) of a CJK run's bigrams, in any order: the "any word" reading
    /// of a run typed without spaces, as Chinese and Japanese are (`雪道の通学路` finds a text
    /// with `雪道` and `通学路` but not the particle `の` between them). More bigrams matched
    /// score higher.
    fn most_terms_query(&self, field: Field, bigrams: &[String]) -> Option<Box<dyn Query>> {
        let distinct: BTreeSet<&String> = bigrams.iter().collect();
        let needed = distinct.len().div_ceil(2).max(2);
        let present = self.present_term_queries(field, distinct);
        (present.len() >= needed).then(|| {
            Box::new(BooleanQuery::union_with_minimum_required_clauses(
                present, needed,
            )) as Box<dyn Query>
        })
    }

    /// One field's query: any of the single-word forms the index holds, or any of the phrases.
    ///
    /// A word's forms under every analyzer are mostly absent (a Spanish stem in the Catalan
    /// terms): leaving them out here costs one dictionary lookup per segment, where a term
    /// query would do two (for its statistics, then for its postings).
    fn forms_query(
        &self,
        field: Field,
        words: &BTreeSet<String>,
        sequences: &BTreeSet<Vec<String>>,
    ) -> Option<Box<dyn Query>> {
        let mut queries = self.present_term_queries(field, words);
        for sequence in sequences {
            if let Some(terms) = self.phrase_terms(field, sequence) {
                queries.push(Box::new(PhraseQuery::new_with_offset(terms)));
            }
        }
        match queries.len() {
            0 => None,
            1 => queries.pop(),
            _ => Some(Box::new(BooleanQuery::union(queries))),
        }
    }
}

/// Scoring statistics through the builder's lookups: a term's document frequency is read from
/// the index once per query, for pruning and for scoring alike.
impl Bm25StatisticsProvider for QueryBuilder<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Ok(QueryBuilder::doc_freq(self, term))
    }
}

/// The bigrams that cover a CJK word without overlapping (the last one may overlap), when the
/// word's bigram phrase is `sequence`: `학교텃밭` (학교 교텃 텃밭) → 학교 텃밭. Compounds are
/// written with or without a space (`학교 텃밭`), and the spaced text lacks the bigram across
/// the space (교텃), so the phrase alone misses it. `None` for a sequence that is not all CJK
/// bigrams.
fn cjk_cover(sequence: &[String]) -> Option<Vec<String>> {
    if sequence.len() < 2
        || !sequence.iter().all(|term| {
            split_tag(term).is_some_and(|(_, form)| form.chars().count() == 2 && has_cjk(form))
        })
    {
        return None;
    }
    let last = sequence.len() - 1;
    let mut cover: Vec<String> = sequence.iter().step_by(2).cloned().collect();
    if last % 2 == 1 {
        cover.push(sequence[last].clone());
    }
    Some(cover)
}

/// The length of the longest phrase of `sequences` when every term of every phrase is a CJK
/// bigram (a CJK word analysed), else 1.
fn cjk_phrase_length(sequences: &BTreeSet<Vec<String>>) -> usize {
    let all_cjk = !sequences.is_empty()
        && sequences
            .iter()
            .flatten()
            .all(|term| split_tag(term).is_some_and(|(_, form)| has_cjk(form)));
    if all_cjk {
        sequences.iter().map(Vec::len).max().unwrap_or(1).max(1)
    } else {
        1
    }
}

/// Whether a tagged term is one CJK character (a one-character word: `책`, `书`).
fn is_lone_cjk(term: &str) -> bool {
    split_tag(term).is_some_and(|(_, form)| {
        let mut chars = form.chars();
        matches!((chars.next(), chars.next()), (Some(_), None)) && has_cjk(form)
    })
}

/// Most bigrams a one-character CJK word is widened to, per field.
const MAX_CJK_BIGRAMS: usize = 64;

/// The terms of `field` that start with the tagged one-character term `term` (the bigrams of
/// that character and the next): CJK text is indexed as bigrams, so the word `책` (book) of
/// `책을 읽는` is only in the bigram `책을`; a query for `책` looks for those bigrams too (up to
/// [`MAX_CJK_BIGRAMS`], the first in dictionary order).
fn terms_starting_with(searcher: &Searcher, field: Field, term: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut end = term.as_bytes().to_vec();
    // The first key past every key that starts with `term` (its last byte is never 0xFF in
    // UTF-8).
    if let Some(last) = end.last_mut() {
        *last += 1;
    }
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut keys) = inverted
            .terms()
            .range()
            .gt(term.as_bytes())
            .lt(&end)
            .into_stream()
        else {
            continue;
        };
        while keys.advance() && found.len() < MAX_CJK_BIGRAMS {
            if let Ok(key) = std::str::from_utf8(keys.key()) {
                found.insert(key.to_string());
            }
        }
    }
    found
}

/// Analysed positions as a single word's forms (one position) or a phrase (several: the
/// folded-then-stemmed form of each, always indexed).
fn split_forms(positions: Vec<Vec<String>>) -> (BTreeSet<String>, BTreeSet<Vec<String>>) {
    match positions.len() {
        0 => (BTreeSet::new(), BTreeSet::new()),
        1 => (positions.into_iter().flatten().collect(), BTreeSet::new()),
        _ => {
            let phrase: Vec<String> = positions
                .into_iter()
                .filter_map(|mut variants| variants.pop())
                .collect();
            (BTreeSet::new(), std::iter::once(phrase).collect())
        }
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

#[cfg(test)]
mod tests {
    use super::cjk_cover;

    fn tagged(forms: &[&str]) -> Vec<String> {
        forms.iter().map(|form| format!("generic:{form}")).collect()
    }

    #[test]
    fn a_cjk_word_is_covered_by_bigrams_that_do_not_overlap() {
        assert_eq!(
            cjk_cover(&tagged(&["학교", "교텃", "텃밭"])),
            Some(tagged(&["학교", "텃밭"]))
        );
        assert_eq!(
            cjk_cover(&tagged(&["마을", "을교"])),
            Some(tagged(&["마을", "을교"]))
        );
        assert_eq!(
            cjk_cover(&tagged(&["마을", "을교", "교육", "육공"])),
            Some(tagged(&["마을", "교육", "육공"]))
        );
        assert_eq!(cjk_cover(&tagged(&["covid", "19"])), None);
        assert_eq!(cjk_cover(&tagged(&["학교"])), None);
    }
}
