//! Accent folding: `educación` → `educacion`, `école` → `ecole`, `Straße` → `strasse`.
//!
//! Canonical decomposition (NFD) with the accents dropped (the combining marks of Latin, Greek,
//! Cyrillic, Hebrew and Arabic; not Indic or Thai vowel signs, nor Cyrillic `й` and `ї`), plus
//! the few letters that do not decompose (`ß`, `ø`, `æ`, `œ`, `ł`, `đ`, `ı`). CJK text never comes here: Hangul would
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
    for original in word.chars() {
        // Letters of their own that decompose into a letter and a mark: Cyrillic `й`, `ї`.
        if matches!(original, 'й' | 'Й' | 'ї' | 'Ї') {
            folded.push(original);
            continue;
        }
        for c in std::iter::once(original).nfd() {
            if is_combining_mark(c) && is_diacritic(c) {
                continue;
            }
            push_folded(c, folded);
        }
    }
}

/// Whether a combining mark is an accent (dropped) rather than part of a letter: the marks of
/// Latin, Greek and Cyrillic, Hebrew points and Arabic vowel signs are accents; the vowel signs
/// of Indic scripts and Thai are letters (`काम` is not `कम`).
fn is_diacritic(mark: char) -> bool {
    matches!(mark as u32,
        0x0300..=0x036F      // Combining Diacritical Marks
        | 0x0483..=0x0489    // Cyrillic
        | 0x0591..=0x05C7    // Hebrew points and accents
        | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED // Arabic
        | 0x1AB0..=0x1AFF    // Combining Diacritical Marks Extended
        | 0x1DC0..=0x1DFF    // Combining Diacritical Marks Supplement
        | 0x20D0..=0x20FF    // for symbols
        | 0xFE20..=0xFE2F    // Combining Half Marks
    )
}

fn push_folded(c: char, folded: &mut String) {
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
        // Persian and Urdu keyboards write Arabic's yeh and kaf with their own letters.
        'ی' | 'ى' => folded.push('ي'),
        'ک' => folded.push('ك'),
        _ => folded.push(c),
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

    #[test]
    fn keeps_the_marks_that_are_letters() {
        // Greek and Hebrew accents go; Hindi and Thai vowel signs stay.
        assert_eq!(fold_accents("παιδιά"), "παιδια");
        assert_eq!(fold_accents("שָׁלוֹם"), "שלום");
        assert_eq!(fold_accents("काम"), "काम");
        assert_ne!(fold_accents("काम"), fold_accents("कम"));
        assert_eq!(fold_accents("โรงเรียน"), "โรงเรียน");
        // Cyrillic й and ї are letters; ё is е with an accent.
        assert_eq!(fold_accents("київ"), "київ");
        assert_eq!(fold_accents("край"), "край");
        assert_eq!(fold_accents("ёлка"), "елка");
        // Persian yeh and kaf are read as Arabic's.
        assert_eq!(fold_accents("مدینة"), fold_accents("مدينة"));
    }
}
