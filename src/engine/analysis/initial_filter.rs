//! A token filter for highlighting: blanks, before any costly analysis, the words that cannot
//! match because their first letter starts none of the query's terms. The token stays (with its
//! offsets, which the snippet's fragments are cut along) but its text is emptied, and the
//! normalizer passes empty tokens through untouched.
//!
//! Stemming and folding keep a word's first letter (folded), so a word whose folded lowercase
//! initial is not the initial of any query term cannot become one of the terms. CJK runs always
//! pass: their bigrams start at every character.

use std::sync::Arc;

use rustc_hash::FxHashSet;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::cjk::has_cjk;
use super::folding::fold_accents;

/// The folded lowercase initial of a word.
pub fn initial(word: &str) -> Option<char> {
    let first = word.chars().next()?;
    let lower = first.to_lowercase().next().unwrap_or(first);
    if lower.is_ascii() {
        return Some(lower);
    }
    fold_accents(&lower.to_string()).chars().next()
}

/// Blanks the tokens whose initial is not in the set (CJK tokens are kept).
#[derive(Clone)]
pub struct InitialFilter {
    initials: Arc<FxHashSet<char>>,
}

impl InitialFilter {
    /// A filter for the initials of `terms`.
    pub fn new<'a>(terms: impl IntoIterator<Item = &'a str>) -> Self {
        InitialFilter {
            initials: Arc::new(terms.into_iter().filter_map(initial).collect()),
        }
    }
}

impl TokenFilter for InitialFilter {
    type Tokenizer<T: Tokenizer> = InitialFilterTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> InitialFilterTokenizer<T> {
        InitialFilterTokenizer {
            inner: tokenizer,
            initials: self.initials,
        }
    }
}

/// The tokenizer wrapped by [`InitialFilter`].
#[derive(Clone)]
pub struct InitialFilterTokenizer<T> {
    inner: T,
    initials: Arc<FxHashSet<char>>,
}

impl<T: Tokenizer> Tokenizer for InitialFilterTokenizer<T> {
    type TokenStream<'a> = InitialFilterStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        InitialFilterStream {
            tail: self.inner.token_stream(text),
            initials: &self.initials,
        }
    }
}

/// The filtered stream.
pub struct InitialFilterStream<'a, S> {
    tail: S,
    initials: &'a FxHashSet<char>,
}

impl<S: TokenStream> TokenStream for InitialFilterStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &self.tail.token().text;
        if !(has_cjk(text) || initial(text).is_some_and(|c| self.initials.contains(&c))) {
            self.tail.token_mut().text.clear();
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
