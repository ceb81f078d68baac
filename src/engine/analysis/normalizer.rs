//! The language normalizer: the token filter that makes a lowercase token searchable in its
//! language.
//!
//! * CJK runs become character bigrams (see [`super::cjk`]), with positions renumbered so phrases
//!   over bigrams work.
//! * Other tokens are stemmed (when the language has a Snowball stemmer) and folded to ASCII.
//!   Stemming needs the accents (`educação` → `educ`, while `educacao` → `educaca`), but a user
//!   who types no accents must still match. So a token yields `fold(stem(w))` and, when it
//!   differs, `stem(fold(w))` at the same position. A query word is analysed the same way and
//!   either form matches; `stem(fold(w))`, always emitted last, is the one phrases use.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::RwLock;

use frostem::Algorithm;
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::cjk::{bigrams, has_cjk, script_runs};
use super::folding::fold_accents;

/// Entries a stem cache holds (per stemmer) before it starts afresh.
const STEM_CACHE_ENTRIES: usize = 200_000;

/// The forms of a word: `fold(stem(w))`, and `stem(fold(w))` when it differs.
type Forms = (String, Option<String>);

/// The stem caches of one thread, or of the process: one map per algorithm, indexed by the
/// algorithm's discriminant.
type StemCaches = Vec<FxHashMap<String, Forms>>;

thread_local! {
    /// Stemming is the most expensive step of analysis (indexing, query analysis, highlights)
    /// and words repeat (Zipf): each thread remembers the forms of the words it has seen.
    static STEM_CACHE: RefCell<StemCaches> = const { RefCell::new(Vec::new()) };
}

/// The forms every thread has computed. tantivy starts new indexing threads at every commit:
/// they fill their own cache from this one instead of stemming the vocabulary again.
static SHARED_STEM_CACHE: RwLock<StemCaches> = RwLock::new(Vec::new());

/// The forms of `word` from the shared cache, computed (and shared) when absent.
fn shared_forms(algorithm: Algorithm, word: &str) -> Forms {
    let slot = algorithm as usize;
    if let Ok(shared) = SHARED_STEM_CACHE.read() {
        if let Some(known) = shared.get(slot).and_then(|forms| forms.get(word)) {
            return known.clone();
        }
    }
    let computed = compute_forms(algorithm, word);
    if let Ok(mut shared) = SHARED_STEM_CACHE.write() {
        if shared.len() <= slot {
            shared.resize_with(slot + 1, FxHashMap::default);
        }
        let forms = &mut shared[slot];
        if forms.len() >= STEM_CACHE_ENTRIES {
            forms.clear();
        }
        forms.insert(word.to_string(), computed.clone());
    }
    computed
}

fn compute_forms(algorithm: Algorithm, word: &str) -> Forms {
    let stemmer = frostem::Stemmer::new(algorithm);
    let stem_then_fold = fold_accents(&stemmer.stem(word));
    let fold_then_stem = if word.is_ascii() {
        None
    } else {
        Some(stemmer.stem(&fold_accents(word)).into_owned()).filter(|form| *form != stem_then_fold)
    };
    (stem_then_fold, fold_then_stem)
}

/// Calls `use_forms` with the forms of a lowercase, non-CJK word under a stemmer.
pub(super) fn with_stemmed_forms<R>(
    algorithm: Algorithm,
    word: &str,
    use_forms: impl FnOnce(&Forms) -> R,
) -> R {
    STEM_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let slot = algorithm as usize;
        if cache.len() <= slot {
            cache.resize_with(slot + 1, FxHashMap::default);
        }
        let forms = &mut cache[slot];
        if let Some(known) = forms.get(word) {
            return use_forms(known);
        }
        if forms.len() >= STEM_CACHE_ENTRIES {
            forms.clear();
        }
        let computed = shared_forms(algorithm, word);
        let result = use_forms(&computed);
        forms.insert(word.to_string(), computed);
        result
    })
}

/// Token filter: CJK bigrams, stemming, accent folding.
#[derive(Clone)]
pub struct LanguageNormalizer {
    stemmer: Option<Algorithm>,
    max_token_bytes: usize,
}

impl LanguageNormalizer {
    /// A normalizer that stems with `stemmer` (none: fold only).
    pub fn new(stemmer: Option<Algorithm>, max_token_bytes: usize) -> Self {
        LanguageNormalizer {
            stemmer,
            max_token_bytes,
        }
    }
}

impl TokenFilter for LanguageNormalizer {
    type Tokenizer<T: Tokenizer> = LanguageNormalizerTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> LanguageNormalizerTokenizer<T> {
        LanguageNormalizerTokenizer {
            inner: tokenizer,
            config: self,
        }
    }
}

/// The tokenizer wrapped by [`LanguageNormalizer`].
#[derive(Clone)]
pub struct LanguageNormalizerTokenizer<T> {
    inner: T,
    config: LanguageNormalizer,
}

impl<T: Tokenizer> Tokenizer for LanguageNormalizerTokenizer<T> {
    type TokenStream<'a> = LanguageNormalizerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        LanguageNormalizerStream {
            tail: self.inner.token_stream(text),
            text,
            stemmer: self.config.stemmer,
            max_token_bytes: self.config.max_token_bytes,
            pending: VecDeque::new(),
            current: Token::default(),
            shift: 0,
        }
    }
}

/// The stream of normalized tokens.
pub struct LanguageNormalizerStream<'a, S> {
    tail: S,
    text: &'a str,
    stemmer: Option<Algorithm>,
    max_token_bytes: usize,
    pending: VecDeque<Token>,
    current: Token,
    /// Extra positions taken by CJK bigram expansion so far.
    shift: usize,
}

impl<S: TokenStream> LanguageNormalizerStream<'_, S> {
    /// Normalizes a non-CJK word in place; returns the extra variant to emit before it, if any.
    fn normalize_word(&self, token: &mut Token) -> Option<Token> {
        token.position += self.shift;
        let Some(algorithm) = self.stemmer else {
            token.text = fold_accents(&token.text);
            return None;
        };
        let word = std::mem::take(&mut token.text);
        with_stemmed_forms(
            algorithm,
            &word,
            |(stem_then_fold, fold_then_stem)| match fold_then_stem {
                Some(fold_then_stem) => {
                    let mut first = token.clone();
                    first.text.clone_from(stem_then_fold);
                    token.text.clone_from(fold_then_stem);
                    Some(first)
                }
                None => {
                    token.text.clone_from(stem_then_fold);
                    None
                }
            },
        )
    }

    fn push_cjk(&mut self, token: &Token) {
        // The token's text is lowercased; offsets point into the original text, whose byte
        // lengths match for CJK and ASCII. Take pieces from the lowercased token text.
        let word = token.text.as_str();
        let mut position = token.position + self.shift;
        let mut emitted = 0usize;
        let same_length =
            token.offset_to - token.offset_from == word.len() && self.text.len() >= token.offset_to;
        for run in script_runs(word) {
            let pieces: Vec<(usize, usize)> = if run.cjk {
                bigrams(run.text)
            } else if run.text.len() <= self.max_token_bytes {
                vec![(0, run.text.len())]
            } else {
                continue;
            };
            for (from, to) in pieces {
                let mut piece = token.clone();
                let text = &run.text[from..to];
                piece.text = if run.cjk {
                    text.to_string()
                } else {
                    match self.stemmer {
                        Some(algorithm) => {
                            with_stemmed_forms(algorithm, text, |forms| forms.0.clone())
                        }
                        None => fold_accents(text),
                    }
                };
                if same_length {
                    piece.offset_from = token.offset_from + run.offset + from;
                    piece.offset_to = token.offset_from + run.offset + to;
                }
                piece.position = position;
                position += 1;
                emitted += 1;
                self.pending.push_back(piece);
            }
        }
        self.shift += emitted.saturating_sub(1);
    }
}

impl<S: TokenStream> TokenStream for LanguageNormalizerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if let Some(token) = self.pending.pop_front() {
            self.current = token;
            return true;
        }
        loop {
            if !self.tail.advance() {
                return false;
            }
            // Take the token's text (the tail rewrites it on its next advance) but leave its
            // position: the tokenizer counts positions from it.
            let tail = self.tail.token_mut();
            let mut token = Token {
                offset_from: tail.offset_from,
                offset_to: tail.offset_to,
                position: tail.position,
                position_length: tail.position_length,
                text: std::mem::take(&mut tail.text),
            };
            if token.text.is_empty() {
                // Blanked by a filter upstream (highlighting): passed through as is.
                token.position += self.shift;
                self.current = token;
                return true;
            }
            if has_cjk(&token.text) {
                self.push_cjk(&token);
                if let Some(first) = self.pending.pop_front() {
                    self.current = first;
                    return true;
                }
            } else if token.text.len() <= self.max_token_bytes {
                match self.normalize_word(&mut token) {
                    // The stem-then-fold variant first, the fold-then-stem form next.
                    Some(first) => {
                        self.current = first;
                        self.pending.push_back(token);
                    }
                    None => self.current = token,
                }
                return true;
            }
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}
