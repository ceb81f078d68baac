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

use std::collections::VecDeque;

use frostem::Algorithm;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::cjk::{bigrams, has_cjk, push_simplified, script_runs};
use super::folding::fold_accents;
use super::stem_cache::with_stemmed_forms;

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
                    first.text = stem_then_fold.to_string();
                    token.text = fold_then_stem.to_string();
                    Some(first)
                }
                None => {
                    token.text = stem_then_fold.to_string();
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
                    let mut simplified = String::with_capacity(text.len());
                    push_simplified(text, &mut simplified);
                    simplified
                } else {
                    match self.stemmer {
                        Some(algorithm) => {
                            with_stemmed_forms(algorithm, text, |forms| forms.0.to_string())
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
