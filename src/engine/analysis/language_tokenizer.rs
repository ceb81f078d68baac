//! The language tokenizer: the analysis chain of a language in one pass.
//!
//! It gives exactly the tokens of `SimpleTokenizer → LowerCaser → LanguageNormalizer` (see
//! [`super::normalizer`]): words are the runs of alphanumeric characters, lowercased, then
//! stemmed and folded (or bigrammed when they hold CJK), with the same texts, positions and
//! offsets. It is only cheaper:
//!
//! * one scan of the text with an ASCII fast path (no `char` decoding for ASCII bytes);
//! * no `String` allocated per token: the token's text, the lowercase buffer and the second form
//!   of an accented word are buffers the tokenizer keeps between streams;
//! * a word's forms come from the stem cache (`stem_cache::with_stemmed_forms`), looked up with a
//!   borrowed `&str`, copied into the reused buffers;
//! * folding only runs on words with a non-ASCII character.
//!
//! CJK words (rare outside Korean, Japanese and Chinese text) take the normalizer's own path.
//!
//! Unlike the chain, a word is taken in its Unicode compatibility form (NFKC) before it is
//! lowercased: a combining mark belongs to the word of the letter it follows, so decomposed
//! text (`participacio\u{301}n`, as macOS and PDFs write it; Hangul as conjoining jamo) gives
//! the terms of its composed form, and full-width `ｅｓｃｏｌａ` those of `escola`; a soft hyphen
//! or a joiner between two letters is read through and dropped (`Bürger\u{AD}haushalt` gives
//! the terms of `Bürgerhaushalt`). The token's offsets are still the word's own in the text as
//! written. Only words with a character that NFKC may change, or with such a joiner, take this
//! path.
//!
//! ```text
//! "Hortas urbanas: educação"  (portuguese)
//!   → hort@0  urban@1  educ@2 (fold(stem(w)))  educaca@2 (stem(fold(w)))
//! ```

use std::sync::OnceLock;

use frostem::Algorithm;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::cjk::{character_starts, has_cjk, is_cjk, push_simplified};
use super::folding::fold_accents_into;
use super::stem_cache::with_stemmed_forms;

/// Tokenizer: split, lowercase, stem and fold in one pass.
#[derive(Clone)]
pub struct LanguageTokenizer {
    stemmer: Option<Algorithm>,
    max_token_bytes: usize,
    /// Written before every token's text (see [`super::multilingual`]); empty for queries.
    tag: String,
    buffers: Buffers,
}

/// Buffers reused from one token (and one stream) to the next.
#[derive(Clone, Default)]
struct Buffers {
    token: Token,
    lower: String,
    second: String,
    pieces: Vec<Piece>,
    bounds: Vec<usize>,
}

/// A piece of a word holding CJK: a byte range of the lowercase word, and whether it is a
/// CJK bigram (or lone character) or a run of other characters.
#[derive(Clone, Copy)]
struct Piece {
    from: usize,
    to: usize,
    cjk: bool,
}

/// The word whose pieces are being emitted.
#[derive(Clone, Copy, Default)]
struct PiecedWord {
    offset_from: usize,
    offset_to: usize,
    /// Whether the lowercase word has the original's byte length (piece offsets are then
    /// exact; otherwise every piece has the word's offsets).
    same_length: bool,
    /// The position of the first piece.
    position: usize,
    /// The next piece to emit.
    next: usize,
}

impl LanguageTokenizer {
    /// A tokenizer that stems with `stemmer` (none: fold only) and drops words longer than
    /// `max_token_bytes` once lowercased.
    pub fn new(stemmer: Option<Algorithm>, max_token_bytes: usize) -> Self {
        LanguageTokenizer {
            stemmer,
            max_token_bytes,
            tag: String::new(),
            buffers: Buffers::default(),
        }
    }

    /// The same tokenizer, writing `tag` before the text of every token it gives.
    pub fn tagged(mut self, tag: &str) -> Self {
        self.tag = tag.to_string();
        self
    }
}

impl Tokenizer for LanguageTokenizer {
    type TokenStream<'a> = LanguageTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> LanguageTokenStream<'a> {
        let buffers = &mut self.buffers;
        buffers.token.reset();
        buffers.pieces.clear();
        LanguageTokenStream {
            text,
            alphanumeric: bmp_alphanumeric(),
            in_word: bmp_in_word(),
            nfkc_stable: bmp_nfkc_stable(),
            cursor: 0,
            next_position: 0,
            shift: 0,
            stemmer: self.stemmer,
            max_token_bytes: self.max_token_bytes,
            tag: &self.tag,
            token: &mut buffers.token,
            lower: &mut buffers.lower,
            second: &mut buffers.second,
            second_at: None,
            pieces: &mut buffers.pieces,
            bounds: &mut buffers.bounds,
            pieced: PiecedWord::default(),
        }
    }
}

/// The stream of analysed tokens.
pub struct LanguageTokenStream<'a> {
    text: &'a str,
    /// Characters that start a word.
    alphanumeric: &'static CharTable,
    /// Characters that continue one: alphanumeric ones and combining marks.
    in_word: &'static CharTable,
    /// Characters NFKC leaves alone.
    nfkc_stable: &'static CharTable,
    /// Byte offset where the search for the next word starts.
    cursor: usize,
    /// The position the split would give the next word (dropped words keep theirs).
    next_position: usize,
    /// Extra positions taken by CJK bigram expansion so far.
    shift: usize,
    stemmer: Option<Algorithm>,
    max_token_bytes: usize,
    tag: &'a str,
    token: &'a mut Token,
    lower: &'a mut String,
    /// The stem-of-folded form of the current word, emitted next at the same position.
    second: &'a mut String,
    /// Offsets and position of the word `second` belongs to, while it waits. (The consumer
    /// may have taken or changed the token meanwhile: every field is set again.)
    second_at: Option<(usize, usize, usize)>,
    /// The pieces of the last word holding CJK; `pieced.next` is the next to emit.
    pieces: &'a mut Vec<Piece>,
    /// Character boundaries of a CJK run (scratch).
    bounds: &'a mut Vec<usize>,
    pieced: PiecedWord,
}

/// A test on characters: one bit for each character of the Basic Multilingual Plane (8 KiB,
/// built on first use), so the split needs no Unicode table search; `test` itself beyond it.
struct CharTable {
    bits: [u64; 1024],
    test: fn(char) -> bool,
}

fn char_table(test: fn(char) -> bool) -> CharTable {
    let mut bits = [0u64; 1024];
    for code in 0..=0xFFFFu32 {
        if char::from_u32(code).is_some_and(test) {
            bits[(code >> 6) as usize] |= 1 << (code & 63);
        }
    }
    CharTable { bits, test }
}

/// `char::is_alphanumeric`: the characters that start a word.
fn bmp_alphanumeric() -> &'static CharTable {
    static TABLE: OnceLock<CharTable> = OnceLock::new();
    TABLE.get_or_init(|| char_table(char::is_alphanumeric))
}

/// The characters that continue a word: alphanumeric ones and combining marks (the accents
/// of decomposed text).
fn bmp_in_word() -> &'static CharTable {
    static TABLE: OnceLock<CharTable> = OnceLock::new();
    TABLE.get_or_init(|| char_table(|c| c.is_alphanumeric() || is_combining_mark(c)))
}

impl CharTable {
    /// Whether `c` passes the test.
    #[inline]
    fn has(&self, c: char) -> bool {
        let code = c as u32;
        if code <= 0xFFFF {
            self.bits[(code >> 6) as usize] & (1 << (code & 63)) != 0
        } else {
            (self.test)(c)
        }
    }
}

/// Characters that NFKC leaves alone whatever follows them: quick check `Yes`, and no
/// combining mark (which may compose with, or be reordered after, what precedes it).
fn bmp_nfkc_stable() -> &'static CharTable {
    static TABLE: OnceLock<CharTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        char_table(|c| {
            is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes && !is_combining_mark(c)
        })
    })
}

/// The invisible characters a word is read through, and without: soft hyphen, zero-width
/// joiner, word joiner, zero-width no-break space (a byte-order mark inside a text). Not the
/// zero-width space, which separates words (Thai, Khmer), nor the zero-width non-joiner,
/// which Persian writes between the parts of a word that are also written apart.
pub fn is_invisible_in_word(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// The character starting at byte `at` of `text` (a character boundary) and its length in
/// bytes.
#[inline]
fn char_at(text: &str, at: usize) -> (char, usize) {
    match text.get(at..).and_then(|rest| rest.chars().next()) {
        Some(c) => (c, c.len_utf8()),
        // Unreachable: `at` is a character boundary.
        None => ('\0', 1),
    }
}

/// How a word is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    /// ASCII only.
    Ascii,
    /// Other characters, all left alone by NFKC.
    Stable,
    /// A character NFKC may change (decomposed accent, full-width letter, ligature...).
    Normalise,
}

impl LanguageTokenStream<'_> {
    /// The byte range of the next word (an alphanumeric character, then alphanumeric
    /// characters and combining marks), and how it is written.
    fn next_word(&mut self) -> Option<(usize, usize, Script)> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut at = self.cursor;
        loop {
            if at >= bytes.len() {
                self.cursor = bytes.len();
                return None;
            }
            let byte = bytes[at];
            if byte.is_ascii() {
                if byte.is_ascii_alphanumeric() {
                    break;
                }
                at += 1;
                continue;
            }
            let (c, width) = char_at(text, at);
            if self.alphanumeric.has(c) {
                break;
            }
            at += width;
        }
        let from = at;
        let mut script = Script::Ascii;
        while at < bytes.len() {
            // ASCII letters and digits first, without decoding.
            let byte = bytes[at];
            if byte.is_ascii() {
                if !byte.is_ascii_alphanumeric() {
                    break;
                }
                at += 1;
                continue;
            }
            let (c, width) = char_at(text, at);
            if !self.in_word.has(c) {
                // Catalan writes `l·l` inside words (`col·legi`, `participació` aside): the
                // middle dot keeps the word whole (folding then drops it: `collegi`).
                let geminated = c == '·'
                    && at > from
                    && bytes[at - 1].eq_ignore_ascii_case(&b'l')
                    && bytes
                        .get(at + width)
                        .is_some_and(|next| next.eq_ignore_ascii_case(&b'l'));
                // A soft hyphen or a joiner between two letters is inside the word (Unicode's
                // word boundaries ignore them): `Bürger\u{AD}haushalt` is one word, read
                // without it.
                if is_invisible_in_word(c) {
                    // A run of them (`sh\u{AD}\u{AD}ort`), then a letter: the word goes on.
                    let rest = &text[at..];
                    let run = rest
                        .char_indices()
                        .find(|(_, c)| !is_invisible_in_word(*c))
                        .filter(|(_, next)| self.in_word.has(*next))
                        .map(|(run, _)| run);
                    if let Some(run) = run {
                        script = Script::Normalise;
                        at += run;
                        continue;
                    }
                }
                if !geminated {
                    break;
                }
            }
            if script != Script::Normalise {
                script = if self.nfkc_stable.has(c) {
                    Script::Stable
                } else {
                    Script::Normalise
                };
            }
            at += width;
        }
        self.cursor = at;
        Some((from, at, script))
    }

    /// Cuts the lowercase word (which holds CJK) into pieces, as the normalizer does: the
    /// bigrams of its CJK runs (a lone character stays whole) and its other runs when not
    /// longer than the limit, at consecutive positions.
    fn cut_pieces(&mut self, from: usize, to: usize, position: usize) {
        let word = self.lower.as_str();
        let pieces = &mut *self.pieces;
        let bounds = &mut *self.bounds;
        pieces.clear();
        let mut run_start = 0;
        let mut run_cjk = None;
        for (index, c) in word
            .char_indices()
            .chain(std::iter::once((word.len(), ' ')))
        {
            let cjk = index < word.len() && is_cjk(c);
            match run_cjk {
                Some(kind) if kind == cjk && index < word.len() => continue,
                Some(kind) => {
                    let run = Piece {
                        from: run_start,
                        to: index,
                        cjk: kind,
                    };
                    push_run(word, run, self.max_token_bytes, pieces, bounds);
                    run_start = index;
                }
                None => {}
            }
            run_cjk = Some(cjk);
        }
        let emitted = pieces.len();
        self.pieced = PiecedWord {
            offset_from: from,
            offset_to: to,
            same_length: to - from == word.len(),
            position: position + self.shift,
            next: 0,
        };
        self.shift += emitted.saturating_sub(1);
    }

    /// Emits the next pending piece, if any.
    fn next_piece(&mut self) -> bool {
        let Some(&piece) = self.pieces.get(self.pieced.next) else {
            return false;
        };
        let index = self.pieced.next;
        self.pieced.next += 1;
        let token = &mut *self.token;
        let text = &self.lower[piece.from..piece.to];
        token.text.clear();
        token.text.push_str(self.tag);
        if piece.cjk {
            push_simplified(text, &mut token.text);
        } else {
            match self.stemmer {
                Some(algorithm) => {
                    with_stemmed_forms(algorithm, text, |forms| token.text.push_str(forms.0))
                }
                None => fold_accents_into(text, &mut token.text),
            }
        }
        let word = self.pieced;
        (token.offset_from, token.offset_to) = if word.same_length {
            (word.offset_from + piece.from, word.offset_from + piece.to)
        } else {
            (word.offset_from, word.offset_to)
        };
        token.position = word.position + index;
        token.position_length = 1;
        true
    }
}

/// Appends the pieces of a run of `word`: a CJK run gives its character bigrams (a lone
/// character stays whole), another run itself when not longer than `max_token_bytes`.
fn push_run(
    word: &str,
    run: Piece,
    max_token_bytes: usize,
    pieces: &mut Vec<Piece>,
    bounds: &mut Vec<usize>,
) {
    if !run.cjk {
        if run.to - run.from <= max_token_bytes {
            pieces.push(run);
        }
        return;
    }
    bounds.clear();
    bounds.extend(character_starts(&word[run.from..run.to]).map(|index| run.from + index));
    bounds.push(run.to);
    let chars = bounds.len() - 1;
    if chars <= 1 {
        pieces.push(run);
        return;
    }
    for i in 0..chars - 1 {
        pieces.push(Piece {
            from: bounds[i],
            to: bounds[i + 2],
            cjk: true,
        });
    }
}

impl TokenStream for LanguageTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some((offset_from, offset_to, position)) = self.second_at.take() {
            let token = &mut *self.token;
            std::mem::swap(&mut token.text, self.second);
            token.offset_from = offset_from;
            token.offset_to = offset_to;
            token.position = position;
            token.position_length = 1;
            return true;
        }
        if self.next_piece() {
            return true;
        }
        loop {
            let Some((from, to, script)) = self.next_word() else {
                return false;
            };
            let position = self.next_position;
            self.next_position += 1;
            let word = &self.text[from..to];
            self.lower.clear();
            if script == Script::Ascii {
                self.lower.push_str(word);
                self.lower.make_ascii_lowercase();
            } else {
                // As `LowerCaser`: character by character, no final-sigma rule. ASCII and
                // the Latin-1 lowercase letters (most of a Latin-script word) need no lookup.
                // A word NFKC may change is lowercased in its NFKC form.
                let push_lowercase = |lower: &mut String, c: char| match c {
                    _ if c.is_ascii() => lower.push(c.to_ascii_lowercase()),
                    'ß'..='ÿ' => lower.push(c),
                    _ => lower.extend(c.to_lowercase()),
                };
                if script == Script::Stable {
                    word.chars().for_each(|c| push_lowercase(self.lower, c));
                } else {
                    word.nfkc()
                        .filter(|c| !is_invisible_in_word(*c))
                        .for_each(|c| push_lowercase(self.lower, c));
                    // NFKC splits the Thai and Lao vowel AM in two: kept whole, a Thai word
                    // keeps its length, so its bigrams keep their own offsets (highlights).
                    if self.lower.contains(['\u{0E4D}', '\u{0ECD}']) {
                        *self.lower = self
                            .lower
                            .replace("\u{0E4D}\u{0E32}", "\u{0E33}")
                            .replace("\u{0ECD}\u{0EB2}", "\u{0EB3}");
                    }
                }
                if has_cjk(self.lower) {
                    self.cut_pieces(from, to, position);
                    if self.next_piece() {
                        return true;
                    }
                    continue;
                }
            }
            if self.lower.len() > self.max_token_bytes {
                continue;
            }
            let token = &mut *self.token;
            token.offset_from = from;
            token.offset_to = to;
            token.position = position + self.shift;
            token.position_length = 1;
            token.text.clear();
            token.text.push_str(self.tag);
            match self.stemmer {
                None => fold_accents_into(self.lower, &mut token.text),
                Some(algorithm) => {
                    let second = &mut *self.second;
                    let tag = self.tag;
                    let has_second =
                        with_stemmed_forms(algorithm, self.lower, |(first, fold_then_stem)| {
                            token.text.push_str(first);
                            match fold_then_stem {
                                Some(form) => {
                                    second.clear();
                                    second.push_str(tag);
                                    second.push_str(form);
                                    true
                                }
                                None => false,
                            }
                        });
                    if has_second {
                        self.second_at = Some((from, to, token.position));
                    }
                }
            }
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;
    use crate::engine::analysis::normalizer::LanguageNormalizer;
    use crate::engine::catalog::Catalog;
    use crate::synthetic::Rng;

    const MAX_TOKEN_BYTES: usize = 64;

    /// The chain the fused tokenizer replaces.
    fn chain(stemmer: Option<Algorithm>) -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(LanguageNormalizer::new(stemmer, MAX_TOKEN_BYTES))
            .build()
    }

    /// The tokens of `text`, read by reference, or taken out of the stream as
    /// `Analysis::tokens` does (the stream must not rely on its token being left alone).
    fn all_tokens(analyzer: &mut TextAnalyzer, text: &str, take: bool) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(if take {
                std::mem::take(stream.token_mut())
            } else {
                stream.token().clone()
            });
        }
        tokens
    }

    /// Every stemmer of the catalog, and none (`generic`).
    fn stemmers() -> Vec<Option<Algorithm>> {
        let catalog = Catalog::embedded().expect("catalog");
        let mut stemmers: Vec<Option<Algorithm>> = vec![None];
        for name in catalog.schema.analyzers.stemmers.values() {
            let algorithm = Algorithm::from_name(name).expect("stemmer");
            if !stemmers.contains(&Some(algorithm)) {
                stemmers.push(Some(algorithm));
            }
        }
        stemmers
    }

    /// Whether the chain and the fused tokenizer should agree on `text`: it is in NFKC form
    /// and has no combining mark (the fused tokenizer normalises words; the chain does not),
    /// nor a Catalan middle dot (the fused tokenizer keeps `col·legi` whole). Highlights of
    /// such texts use the fused tokenizer (see `highlight::needs_normalising`).
    fn chain_comparable(text: &str) -> bool {
        unicode_normalization::is_nfkc(text)
            && !text.chars().any(|c| is_combining_mark(c) || c == '·')
    }

    /// Compares the two token streams of `texts` under `stemmer`, reusing each tokenizer across
    /// texts as the indexer does (texts the chain does not normalise are left out).
    fn assert_same_tokens(stemmer: Option<Algorithm>, texts: &[String]) {
        let mut old = chain(stemmer);
        let mut fused = TextAnalyzer::from(LanguageTokenizer::new(stemmer, MAX_TOKEN_BYTES));
        let texts: Vec<&String> = texts.iter().filter(|text| chain_comparable(text)).collect();
        for (n, text) in texts.iter().enumerate() {
            let take = n % 2 == 1;
            assert_eq!(
                all_tokens(&mut fused, text, take),
                all_tokens(&mut old, text, false),
                "{stemmer:?} on {text:?}"
            );
        }
    }

    fn strings_of(value: &serde_json::Value, into: &mut Vec<String>) {
        match value {
            serde_json::Value::String(text) => into.push(text.clone()),
            serde_json::Value::Array(values) => values.iter().for_each(|v| strings_of(v, into)),
            serde_json::Value::Object(map) => map.values().for_each(|v| strings_of(v, into)),
            _ => {}
        }
    }

    #[test]
    fn same_tokens_as_the_chain_on_the_seed_data_under_every_analyzer() {
        let mut texts = Vec::new();
        for (_, contents) in crate::resources::seed_files() {
            for line in contents.lines() {
                if let Ok(document) = serde_json::from_str::<serde_json::Value>(line) {
                    strings_of(&document, &mut texts);
                }
            }
        }
        assert!(texts.len() > 1_000, "{}", texts.len());
        let comparable = texts.iter().filter(|text| chain_comparable(text)).count();
        assert!(
            comparable * 100 > texts.len() * 98,
            "{comparable} of {}",
            texts.len()
        );
        for stemmer in stemmers() {
            assert_same_tokens(stemmer, &texts);
        }
    }

    /// The terms and positions of `text` (offsets left out: they are the text's own).
    fn terms(tokenizer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        all_tokens(tokenizer, text, false)
            .into_iter()
            .map(|token| (token.text, token.position))
            .collect()
    }

    #[test]
    fn a_text_gives_the_terms_of_its_normal_form() {
        use unicode_normalization::UnicodeNormalization;
        // Decomposed accents, Hangul as conjoining jamo, full-width and compatibility letters
        // (the half-width sound mark only after its kana: alone, NFKC makes it a combining
        // mark, which starts no word).
        let mut alphabet: Vec<String> =
            "aAzZ09 eé É ç ñ Ñ ß İ Σ ǅ ﬁ ① ₂ ｅｓＣＯＬＡ ̈ ́ ̃ 마을교육 学校 カ ’ - , .\t"
                .chars()
                .map(String::from)
                .collect();
        alphabet.push("ﾌﾟ".into());
        let mut rng = Rng::new(2027);
        let mut texts: Vec<String> = vec![
            "participacio\u{301}n nin\u{303}os E\u{301}COLE".into(),
            "학교 텃밭".nfd().collect(),
            "ｅｓｃｏｌａ ﾌﾟﾛｼﾞｪｸﾄ CO₂ ﬁlm".into(),
        ];
        for _ in 0..600 {
            let length = rng.below(80);
            texts.push((0..length).map(|_| rng.pick(&alphabet).as_str()).collect());
        }
        for stemmer in stemmers() {
            let mut tokenizer =
                TextAnalyzer::from(LanguageTokenizer::new(stemmer, MAX_TOKEN_BYTES));
            for text in &texts {
                let expected = terms(&mut tokenizer, &text.nfkc().collect::<String>());
                for form in [
                    text.nfd().collect::<String>(),
                    text.nfc().collect(),
                    text.clone(),
                ] {
                    assert_eq!(
                        terms(&mut tokenizer, &form),
                        expected,
                        "{stemmer:?} on {form:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn decomposed_and_full_width_words_are_whole_words() {
        let mut spanish = TextAnalyzer::from(LanguageTokenizer::new(
            Some(Algorithm::Spanish),
            MAX_TOKEN_BYTES,
        ));
        let text = "Participacio\u{301}n de nin\u{303}os";
        let tokens = all_tokens(&mut spanish, text, false);
        let composed = all_tokens(&mut spanish, "Participación de niños", false);
        let texts = |tokens: &[Token]| tokens.iter().map(|t| t.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&tokens), texts(&composed));
        // The offsets are the decomposed text's: a highlight keeps the accent in the word.
        let last = tokens.last().unwrap();
        assert_eq!(&text[last.offset_from..last.offset_to], "nin\u{303}os");
        let mut generic = TextAnalyzer::from(LanguageTokenizer::new(None, MAX_TOKEN_BYTES));
        assert_eq!(
            texts(&all_tokens(&mut generic, "ｅｓｃｏｌａ", false)),
            ["escola"]
        );
    }

    #[test]
    fn a_soft_hyphen_or_a_joiner_inside_a_word_does_not_split_it() {
        let mut german = TextAnalyzer::from(LanguageTokenizer::new(
            Some(Algorithm::German),
            MAX_TOKEN_BYTES,
        ));
        let texts = |text: &str, german: &mut TextAnalyzer| {
            all_tokens(german, text, false)
                .into_iter()
                .map(|t| (t.text, t.position))
                .collect::<Vec<_>>()
        };
        let plain = texts("Kinderbürgerhaushalt in Köln", &mut german);
        for joiner in ["\u{AD}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{AD}\u{AD}"] {
            let text = format!("Kinder{joiner}bürger{joiner}haushalt in Köln");
            assert_eq!(texts(&text, &mut german), plain, "{joiner:?}");
            // The highlight covers the word as written, joiners included.
            let first = &all_tokens(&mut german, &text, false)[0];
            assert_eq!(
                &text[first.offset_from..first.offset_to],
                format!("Kinder{joiner}bürger{joiner}haushalt")
            );
        }
        // Not at a word's edge (a hyphen at the end of a line), nor the separators: a
        // zero-width space and a zero-width non-joiner still part words.
        assert_eq!(
            texts("Kinder\u{AD} bürger\u{AD}", &mut german),
            texts("Kinder bürger", &mut german)
        );
        for separator in ['\u{200B}', '\u{200C}'] {
            let text = format!("Kinder{separator}bürger");
            assert_eq!(texts(&text, &mut german).len(), 2, "{separator:?}");
        }
    }

    #[test]
    fn same_tokens_as_the_chain_on_edge_cases() {
        let long = "a".repeat(MAX_TOKEN_BYTES);
        let texts: Vec<String> = [
            "",
            "   ",
            "!!,;",
            "Educación EDUCACIÓN educación educacion",
            "İstanbul IŞIK ışık ΟΔΥΣΣΕΥΣ Σοφία",
            "STRASSE Straße ÆBLE Œuvre øresund Łódź Þór",
            "l'escola d’infants col·lectiu pa-ra-sol",
            "마을교육공동체는 마을 교육 공동체 covid19대응 대응covid19 학교A학교",
            "마을교육 school gardens after bigrams",
            "東京都の学校 学 a学b 中文abc中文",
            "Cafe\u{301} nai\u{308}ve e\u{301}cole",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ①② ¹²³ ٣٤٥ १२३ 🙂 emoji🙂word",
            "ǅemal ǈubljana ﬁne ﬂow",
            &format!("{long} {long}a {long}é {}é b", "é".repeat(32)),
            &format!("{}x 교육", "마".repeat(30)),
            &format!("{}마을 end", "x".repeat(70)),
            "x\u{0}y\u{1F}z\ttab\nnewline",
        ]
        .iter()
        .map(|text| text.to_string())
        .collect();
        for stemmer in stemmers() {
            assert_same_tokens(stemmer, &texts);
        }
    }

    #[test]
    fn same_tokens_as_the_chain_on_random_text() {
        // Random mixtures of the characters that take different paths: ASCII letters and
        // digits, accented and special Latin letters, case-changing ones, CJK, marks,
        // separators, punctuation, emoji.
        let alphabet: Vec<char> = "aAzZ09 eé É ç ß ẞ İ ı Σ ς ǅ ﬁ ø Æ œ · ’ ' - , . \t\n마을교육 学校 カ ̈ ́ 🙂 ① ٣ ñ Ñ ã õ à è ì ò ù ü ö ä"
            .chars()
            .collect();
        let mut rng = Rng::new(2026);
        let mut texts = Vec::new();
        for _ in 0..3_000 {
            let length = rng.below(120);
            let mut text = String::new();
            for _ in 0..length {
                let c = *rng.pick(&alphabet);
                // Now and then a long run of one character: words over the length limit.
                let repeat = if rng.below(20) == 0 {
                    30 + rng.below(50)
                } else {
                    1
                };
                for _ in 0..repeat {
                    text.push(c);
                }
            }
            texts.push(text);
        }
        for stemmer in stemmers() {
            assert_same_tokens(stemmer, &texts);
        }
    }
}
