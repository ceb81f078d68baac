//! The stem cache: the searchable forms of the words already analysed, per stemmer.
//!
//! Stemming is the most expensive step of analysis (indexing, query analysis, highlights) and
//! words repeat (Zipf), so each thread remembers the forms of the words it has seen, and a
//! process-wide cache lets new threads (tantivy starts indexing threads at every commit) start
//! warm instead of stemming the vocabulary again.
//!
//! A lookup is on the hot path of indexing (once per word), so a table is packed for the CPU
//! cache: the words and their forms are stored back to back in one arena string, and the hash
//! table holds only small slots (hash, offset, lengths). A hit touches the slot and one stretch
//! of the arena, instead of a `String` key and two `String` values scattered over the heap.
//!
//! ```text
//! arena: …|educação|educ|educaca|participatius|particip|…
//!          word     first second  word          first (no second)
//! ```

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::RwLock;

use frostem::Algorithm;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::folding::fold_accents;

/// Words a table holds (per stemmer) before it starts afresh.
const ENTRIES_PER_STEMMER: usize = 200_000;

/// The forms of a word: `fold(stem(w))`, and `stem(fold(w))` when it differs.
pub type Forms<'a> = (&'a str, Option<&'a str>);

/// Where a word's record lies in the arena.
#[derive(Clone, Copy)]
struct Slot {
    hash: u64,
    start: u32,
    word_len: u8,
    first_len: u8,
    /// `u8::MAX`: no second form (a second form is never that long: see [`FormsTable::insert`]).
    second_len: u8,
}

/// The forms of one stemmer's words, packed (see the module documentation).
#[derive(Default)]
struct FormsTable {
    slots: HashTable<Slot>,
    arena: String,
}

impl FormsTable {
    fn word(&self, slot: &Slot) -> &str {
        let start = slot.start as usize;
        &self.arena[start..start + usize::from(slot.word_len)]
    }

    fn get(&self, hash: u64, word: &str) -> Option<Forms<'_>> {
        let slot = self
            .slots
            .find(hash, |slot| slot.hash == hash && self.word(slot) == word)?;
        let first_from = slot.start as usize + usize::from(slot.word_len);
        let second_from = first_from + usize::from(slot.first_len);
        let first = &self.arena[first_from..second_from];
        let second = (slot.second_len != u8::MAX)
            .then(|| &self.arena[second_from..second_from + usize::from(slot.second_len)]);
        Some((first, second))
    }

    /// Remembers the forms of a word (words and forms longer than 254 bytes are not kept:
    /// tokens are far shorter).
    fn insert(&mut self, hash: u64, word: &str, (first, second): Forms<'_>) {
        let length = |text: &str| u8::try_from(text.len()).ok().filter(|&len| len < u8::MAX);
        let (Some(word_len), Some(first_len)) = (length(word), length(first)) else {
            return;
        };
        let second_len = match second {
            Some(second) => match length(second) {
                Some(len) => len,
                None => return,
            },
            None => u8::MAX,
        };
        if self.slots.len() >= ENTRIES_PER_STEMMER || self.arena.len() > u32::MAX as usize / 2 {
            self.slots.clear();
            self.arena.clear();
        }
        let Ok(start) = u32::try_from(self.arena.len()) else {
            return;
        };
        self.arena.push_str(word);
        self.arena.push_str(first);
        self.arena.push_str(second.unwrap_or_default());
        self.slots.insert_unique(
            hash,
            Slot {
                hash,
                start,
                word_len,
                first_len,
                second_len,
            },
            |slot| slot.hash,
        );
    }
}

/// One table per stemmer, indexed by the algorithm's discriminant.
type Tables = Vec<FormsTable>;

fn table_mut(tables: &mut Tables, algorithm: Algorithm) -> &mut FormsTable {
    let slot = algorithm as usize;
    if tables.len() <= slot {
        tables.resize_with(slot + 1, FormsTable::default);
    }
    &mut tables[slot]
}

thread_local! {
    /// The forms this thread has seen.
    static THREAD_TABLES: RefCell<Tables> = const { RefCell::new(Vec::new()) };
}

/// The forms every thread has computed.
static SHARED_TABLES: RwLock<Tables> = RwLock::new(Vec::new());

/// Calls `use_forms` with the forms of a lowercase, non-CJK word under a stemmer.
pub fn with_stemmed_forms<R>(
    algorithm: Algorithm,
    word: &str,
    use_forms: impl FnOnce(Forms<'_>) -> R,
) -> R {
    let hash = FxBuildHasher.hash_one(word);
    THREAD_TABLES.with(|tables| {
        let mut tables = tables.borrow_mut();
        let table = table_mut(&mut tables, algorithm);
        if let Some(known) = table.get(hash, word) {
            return use_forms(known);
        }
        let (first, second) = shared_forms(algorithm, hash, word);
        table.insert(hash, word, (&first, second.as_deref()));
        use_forms((&first, second.as_deref()))
    })
}

/// The forms of `word` from the shared cache, computed (and shared) when absent.
fn shared_forms(algorithm: Algorithm, hash: u64, word: &str) -> (String, Option<String>) {
    let owned = |(first, second): Forms<'_>| (first.to_string(), second.map(str::to_string));
    if let Ok(shared) = SHARED_TABLES.read() {
        if let Some(known) = shared
            .get(algorithm as usize)
            .and_then(|table| table.get(hash, word))
        {
            return owned(known);
        }
    }
    let (first, second) = compute_forms(algorithm, word);
    if let Ok(mut shared) = SHARED_TABLES.write() {
        let table = table_mut(&mut shared, algorithm);
        // Another thread may have added it meanwhile.
        if table.get(hash, word).is_none() {
            table.insert(hash, word, (&first, second.as_deref()));
        }
    }
    (first, second)
}

/// Stems a word both ways: `fold(stem(w))`, and `stem(fold(w))` when it differs. Stemming
/// needs the accents (`educação` → `educ`, while `educacao` → `educaca`), but a user who types
/// none must still match.
fn compute_forms(algorithm: Algorithm, word: &str) -> (String, Option<String>) {
    let stemmer = frostem::Stemmer::new(algorithm);
    let stem = |word: &str| {
        let stem = stemmer.stem(word);
        instead_of_overstemmed(algorithm, word, &stem).unwrap_or_else(|| stem.into_owned())
    };
    let stem_then_fold = fold_accents(&stem(word));
    let fold_then_stem = if word.is_ascii() {
        None
    } else {
        Some(stem(&fold_accents(word))).filter(|form| *form != stem_then_fold)
    };
    (stem_then_fold, fold_then_stem)
}

/// Whether a stem lost too much of its word to be trusted. Catalan's Snowball stemmer strips
/// derivational endings down to two or three letters — `consell`, `conèixer` and `coneixen`
/// all become `con`, `infants` and `informe` `inf`, `habitatge` `hab` (6% of the seed data's
/// Catalan words; about 1% in the other stemmed languages, mostly verb forms such as Spanish
/// `crearon` → `cre`), so a Catalan query met unrelated words. Such a stem (three letters or
/// fewer, of a word whose light stem has [`MIN_LIGHT_STEM_CHARS`] or more) gives way to
/// [`light_stem`], returned here (`None`: the stem stands).
fn instead_of_overstemmed(algorithm: Algorithm, word: &str, stem: &str) -> Option<String> {
    if algorithm != Algorithm::Catalan || stem.chars().count() > 3 {
        return None;
    }
    // Judged on the light stem's length, which singular and plural share (`museu`, `museus`
    // both keep Snowball's `mus`; `avi`, `avis` both `av`), so the two never part.
    Some(light_stem(word)).filter(|light| light.chars().count() >= MIN_LIGHT_STEM_CHARS)
}

/// Shortest light stem that replaces an over-short Snowball stem: shorter words (`avis`,
/// `usos`, `urbana`, `museus`) keep Snowball's stem, as their singular and plural forms do.
const MIN_LIGHT_STEM_CHARS: usize = 6;

/// A light Catalan stem: the folded word without its plural ending and final `a`/`e`, so that
/// singular and plural meet (`escola`, `escoles` → `escol`; `consell`, `consells` → `consell`;
/// `acció`, `accions` → `accio`; `física`, `físiques` → `fisic`) and nothing else does.
fn light_stem(word: &str) -> String {
    let folded = fold_accents(word);
    let singular = if let Some(stem) = folded.strip_suffix("ques") {
        format!("{stem}c")
    } else if let Some(stem) = folded.strip_suffix("gues") {
        format!("{stem}g")
    } else if let Some(stem) = folded.strip_suffix("ons") {
        format!("{stem}o")
    } else {
        folded.strip_suffix('s').unwrap_or(&folded).to_string()
    };
    match singular.strip_suffix(['a', 'e']) {
        Some(stem) if stem.chars().count() >= 3 => stem.to_string(),
        _ => singular,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(algorithm: Algorithm, word: &str) -> (String, Option<String>) {
        with_stemmed_forms(algorithm, word, |(first, second)| {
            (first.to_string(), second.map(str::to_string))
        })
    }

    #[test]
    fn cached_forms_are_the_computed_ones() {
        for (algorithm, word) in [
            (Algorithm::Portuguese, "educação"),
            (Algorithm::Catalan, "participatius"),
            (Algorithm::Spanish, "huertos"),
            (Algorithm::German, "straße"),
            (Algorithm::French, "écoles"),
        ] {
            let computed = compute_forms(algorithm, word);
            // The first call computes, the second reads the thread's table.
            assert_eq!(forms(algorithm, word), computed, "{word}");
            assert_eq!(forms(algorithm, word), computed, "{word}");
        }
        assert_eq!(
            forms(Algorithm::Portuguese, "educação"),
            ("educ".to_string(), Some("educaca".to_string()))
        );
    }

    #[test]
    fn catalan_stems_that_lose_most_of_the_word_give_way_to_a_light_stem() {
        let first = |word| forms(Algorithm::Catalan, word).0;
        // Snowball makes all of these `con` or `inf`: they no longer meet.
        assert_eq!(first("consell"), "consell");
        assert_eq!(first("consells"), "consell");
        assert_eq!(first("coneixen"), "coneixen");
        assert_eq!(first("infants"), "infant");
        assert_eq!(first("informe"), "inform");
        // Singular and plural still meet.
        assert_eq!(first("escola"), first("escoles"));
        assert_eq!(first("acció"), first("accions"));
        assert_eq!(
            forms(Algorithm::Catalan, "conèixer").1.as_deref(),
            Some("coneixer")
        );
        // Stems that keep enough of the word are Snowball's.
        assert_eq!(first("ciutats"), "ciut");
        assert_eq!(first("nens"), "nen");
        // Other languages keep their stemmer's forms.
        assert_eq!(first_of(Algorithm::Spanish, "crearon"), "cre");
    }

    fn first_of(algorithm: Algorithm, word: &str) -> String {
        forms(algorithm, word).0
    }

    #[test]
    fn a_table_keeps_words_apart_and_starts_afresh_when_full() {
        let mut table = FormsTable::default();
        let hash = |word: &str| FxBuildHasher.hash_one(word);
        table.insert(hash("a"), "a", ("x", None));
        table.insert(hash("ab"), "ab", ("y", Some("z")));
        assert_eq!(table.get(hash("a"), "a"), Some(("x", None)));
        assert_eq!(table.get(hash("ab"), "ab"), Some(("y", Some("z"))));
        // Same hash, other word: not confused.
        assert_eq!(table.get(hash("a"), "b"), None);
        let long = "w".repeat(300);
        table.insert(hash(&long), &long, ("w", None));
        assert_eq!(table.get(hash(&long), &long), None);
        for n in 0..ENTRIES_PER_STEMMER + 1 {
            let word = format!("w{n}");
            table.insert(hash(&word), &word, ("f", None));
        }
        assert!(table.slots.len() <= ENTRIES_PER_STEMMER);
        let last = format!("w{ENTRIES_PER_STEMMER}");
        assert_eq!(table.get(hash(&last), &last), Some(("f", None)));
    }
}
