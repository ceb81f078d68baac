//! Accent folding: `educación` → `educacion`, `école` → `ecole`, `Straße` → `strasse`.
//!
//! Canonical decomposition (NFD) with the combining marks dropped, plus the few letters that do
//! not decompose (`ß`, `ø`, `æ`, `œ`, `ł`, `đ`, `ı`). CJK text never comes here: Hangul would
//! decompose into jamo.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds accents and special Latin letters of a lowercase word to ASCII where possible.
pub fn fold_accents(word: &str) -> String {
    let mut folded = String::with_capacity(word.len());
    fold_accents_into(word, &mut folded);
    folded
}

/// [`fold_accents`] appended to `folded` (no allocation when it has room).
pub fn fold_accents_into(word: &str, folded: &mut String) {
    if word.is_ascii() {
        folded.push_str(word);
        return;
    }
    for c in word.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => folded.push_str("ss"),
            'ø' => folded.push('o'),
            'æ' => folded.push_str("ae"),
            'œ' => folded.push_str("oe"),
            'ł' => folded.push('l'),
            'đ' | 'ð' => folded.push('d'),
            'þ' => folded.push_str("th"),
            'ı' => folded.push('i'),
            '·' => {}
            _ => folded.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fold_accents;

    #[test]
    fn folds_latin_accents_and_special_letters() {
        assert_eq!(fold_accents("educación"), "educacion");
        assert_eq!(fold_accents("école"), "ecole");
        assert_eq!(fold_accents("straße"), "strasse");
        assert_eq!(fold_accents("participació"), "participacio");
        assert_eq!(fold_accents("coração"), "coracao");
        assert_eq!(fold_accents("øresund"), "oresund");
    }
}
