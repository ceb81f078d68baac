//! Typo tolerance: the index terms within a small edit distance of a query word's forms.
//!
//! Rules: a word of 5+ characters (counted after accent folding) may match with 1 edit, 9+
//! with 2; never numbers, never CJK, never the first letter, never inside quoted phrases. The
//! index holds analysed forms (stems), so the distance is measured between the query's forms and
//! the index's, and a form is allowed no more edits than its own length earns (a 4-letter stem
//! gets none): `partcipation` (stem `partcip`) finds `particip`, `escolres` finds `escolar`.
//! A Levenshtein automaton runs over each segment's term dictionary, the first letter pinned.
//! A word already found in [`WELL_ATTESTED_DOCUMENTS`] documents or more is taken as spelled
//! right and not widened (typo matches would rank below its exact matches anyway).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};
use tantivy::schema::Field;
use tantivy::Searcher;
use tantivy_fst::Automaton;

use crate::engine::analysis::folding::fold_accents;

/// A word whose forms are in at least this many documents (summed over the text fields) is
/// taken as spelled right: no typo alternatives are looked for.
pub const WELL_ATTESTED_DOCUMENTS: u64 = 20;

/// Most typo alternatives kept per form and field (the closest terms come first in no
/// particular order; a cap keeps a short form from pulling in half the dictionary).
const MAX_ALTERNATIVES: usize = 24;

/// The edits a query word may have: 0 (none), 1 or 2.
pub fn allowed_edits(word: &str) -> u8 {
    let folded = fold_accents(&word.to_lowercase());
    if folded.chars().any(|c| c.is_ascii_digit()) || crate::engine::analysis::cjk::has_cjk(&folded)
    {
        return 0;
    }
    match folded.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

pub(crate) fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    if distance <= 1 {
        ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
    } else {
        TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true))
    }
}

/// A Levenshtein DFA whose matches must start with the same first character.
struct PinnedFirstChar {
    dfa: DFA,
    first: Vec<u8>,
}

impl Automaton for PinnedFirstChar {
    /// (DFA state, bytes read so far, capped)
    type State = (u32, usize);

    fn start(&self) -> Self::State {
        (self.dfa.initial_state(), 0)
    }

    fn is_match(&self, state: &Self::State) -> bool {
        state.1 >= self.first.len() && matches!(self.dfa.distance(state.0), Distance::Exact(_))
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.0 != SINK_STATE
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        if state.1 < self.first.len() && self.first[state.1] != byte {
            return (SINK_STATE, state.1);
        }
        (
            self.dfa.transition(state.0, byte),
            (state.1 + 1).min(self.first.len()),
        )
    }
}

/// Index terms of `field` within `edits` of `form` (same first character), `form` excluded.
pub fn alternatives(searcher: &Searcher, field: Field, form: &str, edits: u8) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let Some(first) = form.chars().next() else {
        return found;
    };
    if edits == 0 {
        return found;
    }
    let automaton = PinnedFirstChar {
        dfa: builder(edits).build_dfa(form),
        first: first.to_string().into_bytes(),
    };
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(&automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                if term != form {
                    found.insert(term.to_string());
                }
            }
            if found.len() >= MAX_ALTERNATIVES {
                return found;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::allowed_edits;

    #[test]
    fn edits_by_length_after_folding() {
        assert_eq!(allowed_edits("casa"), 0);
        assert_eq!(allowed_edits("école"), 1);
        assert_eq!(allowed_edits("participation"), 2);
        assert_eq!(allowed_edits("2030s"), 0);
        assert_eq!(allowed_edits("jardins"), 1);
        assert_eq!(allowed_edits("educación"), 2);
    }
}
