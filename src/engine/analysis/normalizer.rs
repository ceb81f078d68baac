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

use super::cjk::{bigrams, has_cjk, script_runs};
use super::folding::fold_accents;

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
            stemmer: self.config.stemmer.map(frostem::Stemmer::new),
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
    stemmer: Option<frostem::Stemmer>,
    max_token_bytes: usize,
    pending: VecDeque<Token>,
    current: Token,
    /// Extra positions taken by CJK bigram expansion so far.
    shift: usize,
}

impl<S: TokenStream> LanguageNormalizerStream<'_, S> {
    /// Expands the next input token into `pending`; false when the input is exhausted.
    fn refill(&mut self) -> bool {
        while self.pending.is_empty() {
            if !self.tail.advance() {
                return false;
            }
            let token = self.tail.token().clone();
            if has_cjk(&token.text) {
                self.push_cjk(&token);
            } else if token.text.len() <= self.max_token_bytes {
                self.push_word(token);
            }
        }
        true
    }

    fn push_word(&mut self, mut token: Token) {
        token.position += self.shift;
        let Some(stemmer) = self.stemmer else {
            token.text = fold_accents(&token.text);
            self.pending.push_back(token);
            return;
        };
        let stem_then_fold = fold_accents(&stemmer.stem(&token.text));
        let fold_then_stem = if token.text.is_ascii() {
            stem_then_fold.clone()
        } else {
            stemmer.stem(&fold_accents(&token.text)).into_owned()
        };
        if stem_then_fold != fold_then_stem {
            let mut first = token.clone();
            first.text = stem_then_fold;
            self.pending.push_back(first);
        }
        token.text = fold_then_stem;
        self.pending.push_back(token);
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
                    self.stemmer
                        .map(|stemmer| fold_accents(&stemmer.stem(text)))
                        .unwrap_or_else(|| fold_accents(text))
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
        if !self.refill() {
            return false;
        }
        match self.pending.pop_front() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}
