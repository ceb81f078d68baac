//! Typo tolerance: the index terms within a small edit distance of a query word's forms.
//!
//! Rules: a word of 5+ characters (counted after accent folding) may match with 1 edit, 9+
//! with 2 (up to [`MAX_WORD_CHARS`]); never Vietnamese syllables typed with their marks, never
//! numbers, never CJK, never the first letter, never inside quoted phrases. The
//! index holds analysed forms (stems), so the distance is measured between the query's forms and
//! the index's, and a form is allowed no more edits than its own length earns (a 4-letter stem
//! gets none): `partcipation` (stem `partcip`) finds `particip`, `escolres` finds `escolar`.
//! A Levenshtein automaton runs over each segment's term dictionary, within the terms of the
//! form's analyzer (its tag, see `analysis::multilingual`), the first letter pinned.
//! A word already found in [`WELL_ATTESTED_DOCUMENTS`] documents or more is taken as spelled
//! right and not widened (typo matches would rank below its exact matches anyway).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};
use tantivy::schema::Field;
use tantivy::Searcher;
use tantivy_fst::Automaton;

use crate::engine::analysis::folding::fold_accents;
use crate::engine::analysis::multilingual::{split_tag, TAG_END};

/// A word whose forms are in at least this many documents (summed over the text fields) is
/// taken as spelled right: no typo alternatives are looked for.
pub const WELL_ATTESTED_DOCUMENTS: u64 = 20;

/// Most typo alternatives kept per form and field (the closest terms come first in no
/// particular order; a cap keeps a short form from pulling in half the dictionary).
const MAX_ALTERNATIVES: usize = 24;

/// The edits a query word may have: 0 (none), 1 or 2.
pub fn allowed_edits(word: &str) -> u8 {
    // Vietnamese syllables are short and told apart by their marks, which folding drops:
    // `đường` (road) is one edit from `đồng`, `động`, `đông`. A word typed with Vietnamese
    // letters or tone marks is taken as spelled.
    if word.chars().any(|c| {
        matches!(c, 'ơ' | 'Ơ' | 'ư' | 'Ư' | 'đ' | 'Đ' | 'ă' | 'Ă')
            || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
    }) {
        return 0;
    }
    let folded = fold_accents(&word.to_lowercase());
    if folded.chars().any(|c| c.is_ascii_digit()) || crate::engine::analysis::cjk::has_cjk(&folded)
    {
        return 0;
    }
    match folded.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        9..=MAX_WORD_CHARS => 2,
        // No one misspells a run of text this long; its automaton would cost seconds.
        _ => 0,
    }
}

/// The longest word that may have typo alternatives (or a "did you mean"): building a
/// Levenshtein automaton costs memory and time that grow with the word's length.
pub const MAX_WORD_CHARS: usize = 32;

pub(crate) fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    if distance <= 1 {
        ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
    } else {
        TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true))
    }
}

/// Terms that start with one of a few tags, then a form whose first character is pinned and
/// whose rest is within the DFA's edits. The tags are read without the DFA (they are not part
/// of the form), all at once: one pass over the dictionary for every language.
struct TaggedPinned<'a> {
    dfa: &'a DFA,
    /// The tags (each ending with [`TAG_END`]); at most 64.
    tags: Vec<Vec<u8>>,
    /// The form's first character: no edit there.
    first: Vec<u8>,
}

/// Where the automaton is in a term.
#[derive(Clone, Copy)]
struct TaggedState {
    /// Tags still matching what was read (bit i: `tags[i]`); 0 with `in_form` false: no match.
    candidates: u64,
    /// Bytes of the tag read so far.
    tag_read: usize,
    /// Whether the tag is behind.
    in_form: bool,
    /// Bytes of the form read so far, capped at the first character's length.
    form_read: usize,
    dfa: u32,
}

impl Automaton for TaggedPinned<'_> {
    type State = TaggedState;

    fn start(&self) -> TaggedState {
        TaggedState {
            candidates: if self.tags.len() >= 64 {
                u64::MAX
            } else {
                (1u64 << self.tags.len()) - 1
            },
            tag_read: 0,
            in_form: false,
            form_read: 0,
            dfa: self.dfa.initial_state(),
        }
    }

    fn is_match(&self, state: &TaggedState) -> bool {
        state.in_form
            && state.form_read >= self.first.len()
            && matches!(self.dfa.distance(state.dfa), Distance::Exact(_))
    }

    fn can_match(&self, state: &TaggedState) -> bool {
        state.dfa != SINK_STATE && (state.in_form || state.candidates != 0)
    }

    fn accept(&self, state: &TaggedState, byte: u8) -> TaggedState {
        let mut next = *state;
        if !state.in_form {
            let mut candidates = 0;
            for (i, tag) in self.tags.iter().enumerate() {
                if state.candidates & (1 << i) != 0 && tag.get(state.tag_read) == Some(&byte) {
                    candidates |= 1 << i;
                }
            }
            next.candidates = candidates;
            next.tag_read += 1;
            // The tag's end is never inside a name: reading it ends every tag still matching.
            next.in_form = candidates != 0 && byte == TAG_END as u8;
            return next;
        }
        if state.form_read < self.first.len() && self.first[state.form_read] != byte {
            next.dfa = SINK_STATE;
            return next;
        }
        next.dfa = self.dfa.transition(state.dfa, byte);
        next.form_read = (state.form_read + 1).min(self.first.len());
        next
    }
}

/// The Levenshtein automaton of `form` within `edits` (build it once per form: it costs far
/// more than a pass over a dictionary).
pub fn automaton(form: &str, edits: u8) -> DFA {
    builder(edits).build_dfa(form)
}

/// Index terms of `field` that carry one of `tags` and whose form is within the edits of
/// `dfa` (the [`automaton`] of `form`; same first character), the exact forms excluded;
/// returned whole (tag included).
pub fn alternatives(
    searcher: &Searcher,
    field: Field,
    tags: &[&str],
    form: &str,
    dfa: &DFA,
) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let Some(first) = form.chars().next() else {
        return found;
    };
    for group in tags.chunks(64) {
        let automaton = TaggedPinned {
            dfa,
            tags: group.iter().map(|tag| tag.as_bytes().to_vec()).collect(),
            first: first.to_string().into_bytes(),
        };
        search_dictionaries(searcher, field, &automaton, form, &mut found);
        if found.len() >= MAX_ALTERNATIVES {
            break;
        }
    }
    found
}

/// Adds the terms of `field` the automaton accepts (but those whose form is `form`) to
/// `found`, up to [`MAX_ALTERNATIVES`].
fn search_dictionaries(
    searcher: &Searcher,
    field: Field,
    automaton: &TaggedPinned,
    form: &str,
    found: &mut BTreeSet<String>,
) {
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                if split_tag(term).is_some_and(|(_, term_form)| term_form != form) {
                    found.insert(term.to_string());
                }
            }
            if found.len() >= MAX_ALTERNATIVES {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{allowed_edits, alternatives, automaton, MAX_WORD_CHARS};
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index, IndexWriter};

    #[test]
    fn alternatives_stay_within_the_given_tags_and_keep_the_first_letter() {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("text", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for term in [
            "catalan:escola",
            "catalan:escoles",
            "catalan:escolar",
            "spanish:escolas",
            "spanish:fscola",
            "italian:escolx",
            "catalanx:escolx",
            "escolx",
        ] {
            writer.add_document(doc!(field => term)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let found = alternatives(
            &searcher,
            field,
            &["catalan:", "spanish:"],
            "escola",
            &automaton("escola", 1),
        );
        let found: Vec<&str> = found.iter().map(String::as_str).collect();
        assert_eq!(found, ["catalan:escolar", "spanish:escolas"]);
        let found = alternatives(
            &searcher,
            field,
            &["catalan:"],
            "escola",
            &automaton("escola", 2),
        );
        let found: Vec<&str> = found.iter().map(String::as_str).collect();
        assert_eq!(found, ["catalan:escolar", "catalan:escoles"]);
    }

    #[test]
    fn edits_by_length_after_folding() {
        assert_eq!(allowed_edits("casa"), 0);
        assert_eq!(allowed_edits("école"), 1);
        assert_eq!(allowed_edits("participation"), 2);
        assert_eq!(allowed_edits("2030s"), 0);
        assert_eq!(allowed_edits("jardins"), 1);
        assert_eq!(allowed_edits("educación"), 2);
        assert_eq!(allowed_edits(&"a".repeat(MAX_WORD_CHARS + 1)), 0);
        assert_eq!(allowed_edits("đường"), 0);
        assert_eq!(allowed_edits("trường"), 0);
        assert_eq!(allowed_edits("truong"), 1);
    }
}
