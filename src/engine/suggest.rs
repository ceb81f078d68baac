//! Suggestions as you type: completions from titles (every language), cities and thesaurus
//! concepts, ranked by how many initiatives they lead to.
//!
//! The suggester is built from fast fields (`suggest_title`, `suggest_city`), counting live
//! documents per value, once per index generation (lazily, on the first suggestion after a
//! commit). A query matches an entry when every query word starts a word of the entry (the last
//! one may be a prefix), accents and case aside; in CJK and Thai, written without spaces, a
//! query word may start anywhere in a run of the entry. Concept terms are offered in the query's
//! language: the `locale` given, or Korean for a query in Hangul; titles and cities in any.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use tantivy::Searcher;

use crate::engine::analysis::cjk::{character_starts, has_cjk, push_simplified};
use crate::engine::analysis::folding::fold_accents;
use crate::engine::databank::Databank;
use crate::engine::error::{Error, Result};
use crate::engine::schema::{SUGGEST_CITY, SUGGEST_TITLE};
use unicode_normalization::char::is_combining_mark;

/// Most suggestions returned.
pub const MAX_SUGGESTIONS: usize = 10;
/// How long "did you mean" may use the suggester of an earlier commit.
const STALE_SUGGESTER: std::time::Duration = std::time::Duration::from_secs(30);
/// Most concept suggestions among them, while titles and cities are left to fill the rest.
const MAX_CONCEPTS: usize = 4;

/// One completion.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Suggestion {
    /// The text to complete to.
    pub text: String,
    /// `title`, `city` or `concept`.
    pub kind: &'static str,
    /// Initiatives it leads to.
    pub count: u64,
}

/// The suggestion entries of one index generation.
pub struct SuggestIndex {
    /// (suggestion, folded text, language of a concept term)
    entries: Vec<(Suggestion, String, Option<String>)>,
    /// Folded word → entries whose text has it.
    words: BTreeMap<String, Vec<u32>>,
}

/// Text as the suggester compares it: lowercase, accents folded, Traditional Chinese as
/// Simplified.
fn fold(text: &str) -> String {
    let folded = fold_accents(&text.to_lowercase());
    let mut simplified = String::with_capacity(folded.len());
    push_simplified(&folded, &mut simplified);
    simplified
}

/// Longest CJK run of a title whose inner starts are indexed (see [`SuggestIndex::build`]).
const MAX_INDEXED_RUN_CHARS: usize = 48;

fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
}

impl SuggestIndex {
    /// Builds the entries from the fast fields of `searcher`, plus concept terms.
    pub fn build(searcher: &Searcher, concepts: &[(String, String, u64)]) -> Result<Self> {
        let mut counts: HashMap<(String, &'static str, Option<String>), u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let alive = segment.alive_bitset();
            for (field, kind) in [(SUGGEST_TITLE, "title"), (SUGGEST_CITY, "city")] {
                let Some(column) = segment.fast_fields().str(field)? else {
                    continue;
                };
                let mut per_ord = vec![0u64; column.num_terms()];
                for doc in 0..segment.max_doc() {
                    if alive.is_some_and(|bits| !bits.is_alive(doc)) {
                        continue;
                    }
                    for ord in column.term_ords(doc) {
                        if let Some(count) = per_ord.get_mut(ord as usize) {
                            *count += 1;
                        }
                    }
                }
                // One pass over the dictionary in order (looking each ordinal up would
                // decompress a dictionary block per title).
                let mut terms = column.dictionary().stream()?;
                while terms.advance() {
                    let count = per_ord.get(terms.term_ord() as usize).copied().unwrap_or(0);
                    if count > 0 {
                        let text = String::from_utf8_lossy(terms.key()).into_owned();
                        *counts.entry((text, kind, None)).or_default() += count;
                    }
                }
            }
        }
        for (term, language, count) in concepts {
            if *count > 0 {
                let entry = counts
                    .entry((term.clone(), "concept", Some(language.clone())))
                    .or_default();
                *entry = (*entry).max(*count);
            }
        }
        let mut entries = Vec::with_capacity(counts.len());
        let mut index: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for ((text, kind, language), count) in counts {
            let folded = fold(&text);
            let position = entries.len() as u32;
            for word in words(&folded) {
                // CJK and Thai write words together: a word typed is found anywhere in a run
                // (`通学路` in `横浜市の通学路安全マップ`), so every start inside one is indexed.
                let inner_starts: Vec<usize> = if has_cjk(word) {
                    character_starts(word).take(MAX_INDEXED_RUN_CHARS).collect()
                } else {
                    vec![0]
                };
                for start in inner_starts {
                    let list = index.entry(word[start..].to_string()).or_default();
                    if list.last() != Some(&position) {
                        list.push(position);
                    }
                }
            }
            entries.push((Suggestion { text, kind, count }, folded, language));
        }
        Ok(SuggestIndex {
            entries,
            words: index,
        })
    }

    /// Up to [`MAX_SUGGESTIONS`] completions of `query`; concept terms only in `language` when
    /// one is known.
    pub fn suggest(&self, query: &str, language: Option<&str>) -> Vec<Suggestion> {
        let folded = fold(query);
        let typed: Vec<&str> = words(&folded).collect();
        let Some((&last, complete)) = typed.split_last() else {
            return Vec::new();
        };
        let ends_with_space = query.ends_with(char::is_whitespace);
        let mut candidates: Vec<u32> = Vec::new();
        for (word, list) in self.words.range(last.to_string()..) {
            if !word.starts_with(last) || (ends_with_space && word != last) {
                break;
            }
            candidates.extend(list);
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut found: Vec<(&Suggestion, bool, usize)> = candidates
            .into_iter()
            .filter_map(|position| self.entries.get(position as usize))
            .filter(|(_, _, term_language)| match (term_language, language) {
                (Some(term_language), Some(language)) => term_language == language,
                _ => true,
            })
            .filter(|(_, text, _)| {
                let entry_words: Vec<&str> = words(text).collect();
                complete.iter().all(|word| {
                    entry_words.contains(word) || (has_cjk(word) && text.contains(word))
                })
            })
            .map(|(suggestion, text, _)| (suggestion, text.starts_with(&folded), text.len()))
            .collect();
        found.sort_by(|a, b| {
            b.0.count
                .cmp(&a.0.count)
                .then(b.1.cmp(&a.1))
                .then(a.2.cmp(&b.2))
                .then(a.0.text.cmp(&b.0.text))
        });
        // Concepts count many initiatives (every language's), so they would crowd out the
        // cities and titles a prefix also starts (`Sant`: Sant Cugat, Santander, Santiago
        // behind nine `santé` concepts). They get at most MAX_CONCEPTS places, unless nothing
        // else fills them; the list stays ordered by count.
        let mut kept: Vec<&Suggestion> = Vec::with_capacity(MAX_SUGGESTIONS);
        let mut left: Vec<&Suggestion> = Vec::new();
        let mut concepts = 0;
        for (suggestion, _, _) in found {
            if kept.len() == MAX_SUGGESTIONS {
                break;
            }
            if suggestion.kind == "concept" {
                if concepts == MAX_CONCEPTS {
                    left.push(suggestion);
                    continue;
                }
                concepts += 1;
            }
            kept.push(suggestion);
        }
        let room = MAX_SUGGESTIONS - kept.len();
        kept.extend(left.into_iter().take(room));
        // Stable: equal counts keep the order above.
        kept.sort_by_key(|suggestion| std::cmp::Reverse(suggestion.count));
        kept.into_iter().cloned().collect()
    }
}

impl SuggestIndex {
    /// The closest known word (titles, cities, concepts) to `word`, within two edits, the first
    /// letter kept — for `did_you_mean`. `None` when the word is known or nothing is close.
    pub fn closest_word(&self, word: &str) -> Option<String> {
        let folded = fold(word);
        let length = folded.chars().count();
        if !(4..=crate::engine::query::typos::MAX_WORD_CHARS).contains(&length)
            || self.words.contains_key(&folded)
        {
            return None;
        }
        let first = folded.chars().next()?;
        let dfa = crate::engine::query::typos::builder(2).build_dfa(&folded);
        let start = first.to_string();
        let mut best: Option<(u8, u64, &str)> = None;
        for (candidate, entries) in self.words.range(start.clone()..) {
            if !candidate.starts_with(first) {
                break;
            }
            if let levenshtein_automata::Distance::Exact(distance) = dfa.eval(candidate) {
                let weight: u64 = entries
                    .iter()
                    .filter_map(|&position| self.entries.get(position as usize))
                    .map(|(suggestion, _, _)| suggestion.count)
                    .sum();
                let better = match best {
                    None => true,
                    Some((best_distance, best_weight, _)) => {
                        distance < best_distance
                            || (distance == best_distance && weight > best_weight)
                    }
                };
                if better {
                    best = Some((distance, weight, candidate.as_str()));
                }
            }
        }
        let (_, _, closest) = best?;
        Some(self.as_written(closest, word.chars().next().is_some_and(char::is_uppercase)))
    }

    /// A known word (folded) as the titles write it, with its accents (`київ` → `Київ`,
    /// `παιδιων` → `παιδιών`): the spelling of the most initiatives (then the one with more
    /// accents); lowercase unless `capitalised` (the word typed was).
    fn as_written(&self, folded: &str, capitalised: bool) -> String {
        let mut spellings: BTreeMap<String, u64> = BTreeMap::new();
        for &position in self.words.get(folded).into_iter().flatten() {
            let Some((suggestion, _, _)) = self.entries.get(position as usize) else {
                continue;
            };
            let words = suggestion
                .text
                .split(|c: char| !c.is_alphanumeric() && !is_combining_mark(c));
            for word in words.filter(|word| fold(word) == folded) {
                *spellings.entry(word.to_lowercase()).or_default() += suggestion.count;
            }
        }
        let written = spellings
            .into_iter()
            .max_by_key(|(word, count)| (*count, word.chars().filter(|c| !c.is_ascii()).count()))
            .map(|(word, _)| word);
        let written = written.map(|word| {
            if capitalised {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            } else {
                word
            }
        });
        written.unwrap_or_else(|| folded.to_string())
    }
}

impl Databank {
    /// Completions for what a user is typing, in `locale`'s language when given (Korean for a
    /// query in Hangul).
    pub fn suggest(&self, query: &str, locale: Option<&str>) -> Result<Vec<Suggestion>> {
        let length = query.chars().count();
        if length > crate::engine::search::MAX_QUERY_CHARS {
            return Err(Error::param(
                "q",
                format!("q is {length} characters long; the limit is 1000"),
            ));
        }
        if let Some(locale) = locale {
            crate::engine::search::check_locale(self, locale)?;
        }
        let language = locale.or_else(|| {
            query
                .chars()
                .any(|c| ('\u{AC00}'..='\u{D7AF}').contains(&c))
                .then_some("ko")
        });
        Ok(self.suggest_index()?.suggest(query, language))
    }

    /// Builds the suggester of the current commit now (a server calls it at start, so that the
    /// first user does not wait for it).
    pub fn warm_suggestions(&self) -> Result<()> {
        self.suggest_index().map(|_| ())
    }

    /// The suggester of the current commit. After a commit, the first caller rebuilds it
    /// (~1 s at 100,000 initiatives) without holding the cache, and callers meanwhile get the
    /// previous commit's suggester instead of waiting.
    /// The suggester of an earlier commit when it was built less than [`STALE_SUGGESTER`]
    /// ago, else the current one (built now if need be): for "did you mean", which must not
    /// make a search wait for a rebuild (over a second at 100,000 initiatives) after every
    /// commit of a bulk load; a vocabulary some seconds old serves it well.
    pub(crate) fn suggest_index_or_older(&self) -> Result<Arc<SuggestIndex>> {
        {
            let cache = self.suggest_cache()?;
            if let (Some((_, index)), Some(built_at)) = (&cache.built, cache.built_at) {
                if built_at.elapsed() < STALE_SUGGESTER {
                    return Ok(index.clone());
                }
            }
        }
        self.suggest_index()
    }

    pub(crate) fn suggest_index(&self) -> Result<Arc<SuggestIndex>> {
        let searcher = self.searcher();
        let generation = searcher.generation().generation_id();
        {
            let cache = self.suggest_cache()?;
            if let Some((built_for, index)) = &cache.built {
                if *built_for == generation || cache.building == Some(generation) {
                    return Ok(index.clone());
                }
            }
        }
        // One build at a time: with no earlier suggester to serve (at start), the callers
        // meanwhile wait for it instead of each building their own (16 concurrent builds
        // took the server from 330 to 480 MB).
        let _one_build = self
            .suggest_build
            .lock()
            .map_err(|_| Error::Io(std::io::Error::other("suggester build lock poisoned")))?;
        {
            let mut cache = self.suggest_cache()?;
            if let Some((built_for, index)) = &cache.built {
                if *built_for >= generation {
                    return Ok(index.clone());
                }
            }
            cache.building = Some(generation);
        }
        let concepts = self.concept_counts(&searcher);
        let built = SuggestIndex::build(&searcher, &concepts).map(Arc::new);
        let mut cache = self.suggest_cache()?;
        if cache.building == Some(generation) {
            cache.building = None;
        }
        let index = built?;
        if cache
            .built
            .as_ref()
            .is_none_or(|(built_for, _)| *built_for < generation)
        {
            cache.built = Some((generation, index.clone()));
            cache.built_at = Some(std::time::Instant::now());
        }
        Ok(index)
    }

    /// Whether the suggester ("did you mean" included) is the current commit's (a server
    /// rebuilds it in the background once writes go quiet).
    pub fn suggestions_are_current(&self) -> bool {
        let searcher = self.searcher();
        let generation = searcher.generation().generation_id();
        self.suggest_cache().is_ok_and(|cache| {
            cache
                .built
                .as_ref()
                .is_some_and(|(built_for, _)| *built_for == generation)
        })
    }

    fn suggest_cache(&self) -> Result<std::sync::MutexGuard<'_, SuggestCache>> {
        self.suggest_cache
            .lock()
            .map_err(|_| Error::Io(std::io::Error::other("suggest cache poisoned")))
    }
}

/// The suggester of the last commit it was built for, and which commit one is being built for.
#[derive(Default)]
pub struct SuggestCache {
    built: Option<(u64, Arc<SuggestIndex>)>,
    /// When `built` was built.
    built_at: Option<std::time::Instant>,
    building: Option<u64>,
}
