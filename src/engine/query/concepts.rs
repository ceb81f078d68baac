//! Cross-language search through concepts.
//!
//! A run of query words that names a concept — a term of the thesaurus (`index-schema/
//! thesaurus.json`, in en, es, ca, fr, pt, it, de, ko) or a theme, SDG, Charter-principle or
//! target-group title in any locale — may also match the concept's terms in every other language (each
//! analysed by its own language's analyzer), or, for taxonomy titles, the initiatives filed under
//! that value. These alternatives score below the words as typed, so same-language matches rank
//! first.
//!
//! Matching is on folded surface forms (lowercase, no accents), longest run first; the thesaurus
//! lists the usual plural forms. Limits: a concept is recognised only when the query says it the
//! way the thesaurus does (word order, inflection), and a polysemous term brings all its meanings.

use std::collections::HashMap;

use crate::engine::analysis::folding::fold_accents;
use crate::engine::catalog::Catalog;

/// What a matched run of words stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConceptRef {
    /// A thesaurus concept (index into `Catalog::thesaurus`).
    Thesaurus(usize),
    /// A taxonomy value: (facet name, value).
    Facet(String, String),
}

/// Finds concept names in queries.
#[derive(Debug, Default)]
pub struct ConceptMatcher {
    by_phrase: HashMap<String, Vec<ConceptRef>>,
    longest: usize,
}

/// German written without umlauts, as on a keyboard without them: `ä` → `ae`, `ö` → `oe`,
/// `ü` → `ue`, `ß` → `ss`.
fn umlauts_spelled_out(text: &str) -> String {
    let mut spelled = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        match c {
            'ä' => spelled.push_str("ae"),
            'ö' => spelled.push_str("oe"),
            'ü' => spelled.push_str("ue"),
            'Ä' => spelled.push_str("Ae"),
            'Ö' => spelled.push_str("Oe"),
            'Ü' => spelled.push_str("Ue"),
            'ß' => spelled.push_str("ss"),
            _ => spelled.push(c),
        }
    }
    spelled
}

/// The matching key of a text: folded words joined by one space.
pub fn key(text: &str) -> String {
    fold_accents(&text.to_lowercase())
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl ConceptMatcher {
    /// The matcher of a catalog's thesaurus and taxonomy labels.
    pub fn new(catalog: &Catalog) -> Self {
        let mut matcher = ConceptMatcher::default();
        for (index, concept) in catalog.thesaurus.iter().enumerate() {
            for (language, terms) in &concept.terms {
                for term in terms {
                    matcher.add(term, ConceptRef::Thesaurus(index));
                    if language == "de" {
                        // German typed without umlauts: `Buergerhaushalt`.
                        matcher.add(&umlauts_spelled_out(term), ConceptRef::Thesaurus(index));
                    }
                }
            }
        }
        for facet in &catalog.schema.facets {
            if !matches!(
                facet.taxonomy.as_str(),
                "themes" | "sdgs" | "principles" | "target_groups"
            ) {
                continue;
            }
            for value in catalog.taxonomy(&facet.taxonomy).values() {
                for label in value.labels.values() {
                    matcher.add(
                        label,
                        ConceptRef::Facet(facet.name.clone(), value.value.clone()),
                    );
                }
            }
        }
        matcher
    }

    fn add(&mut self, text: &str, concept: ConceptRef) {
        let key = key(text);
        if key.is_empty() {
            return;
        }
        self.longest = self.longest.max(key.split(' ').count());
        let refs = self.by_phrase.entry(key).or_default();
        if !refs.contains(&concept) {
            refs.push(concept);
        }
    }

    /// Non-overlapping runs of `words` that name concepts, longest first: (start, length, refs).
    pub fn find(&self, words: &[Option<String>]) -> Vec<(usize, usize, Vec<ConceptRef>)> {
        let mut found = Vec::new();
        let mut taken = vec![false; words.len()];
        for length in (1..=self.longest.min(words.len())).rev() {
            for start in 0..=words.len() - length {
                if taken[start..start + length].iter().any(|&t| t) {
                    continue;
                }
                let run: Option<Vec<&str>> = words[start..start + length]
                    .iter()
                    .map(|w| w.as_deref())
                    .collect();
                let Some(run) = run else { continue };
                if let Some(refs) = self.by_phrase.get(&key(&run.join(" "))) {
                    taken[start..start + length]
                        .iter_mut()
                        .for_each(|t| *t = true);
                    found.push((start, length, refs.clone()));
                }
            }
        }
        found.sort_by_key(|(start, _, _)| *start);
        found
    }
}
