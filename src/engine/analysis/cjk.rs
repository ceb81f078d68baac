//! CJK segmentation by character bigrams.
//!
//! Korean, Japanese and Chinese are written without spaces between words (Korean with spaces
//! between phrases, particles attached); so are Thai, Lao, Khmer and Myanmar, which are
//! segmented the same way ("CJK" below covers them too). Indexing every pair of adjacent characters lets a query
//! word match inside a longer run: `교육` is found in `마을교육공동체는`. A lone character is kept
//! as a unigram.

use unicode_normalization::char::is_combining_mark;

/// Whether `c` is Hangul, kana or a CJK ideograph — or a character of another script written
/// without spaces between words (Thai, Lao, Khmer, Myanmar), which is segmented the same way.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x19E0..=0x19FF    // Khmer symbols
        | 0x1100..=0x11FF    // Hangul Jamo
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3130..=0x318F    // Hangul Compatibility Jamo
        | 0x31F0..=0x31FF    // Katakana extensions
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xA960..=0xA97F    // Hangul Jamo Extended-A
        | 0xAC00..=0xD7AF    // Hangul Syllables
        | 0xD7B0..=0xD7FF    // Hangul Jamo Extended-B
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9F    // Halfwidth Katakana
        | 0x20000..=0x2FA1F  // CJK Extensions B-F, compatibility supplement
    )
}

/// Appends a CJK piece to `out`, its Traditional Chinese characters in their Simplified form
/// (`開心農場` → `开心农场`, `兒童` → `儿童`): the same word written either way must find the
/// other, in documents and in queries alike. Hangul and kana have no such forms.
pub fn push_simplified(piece: &str, out: &mut String) {
    if piece.chars().any(is_han) {
        out.push_str(&fast2s::convert(piece));
    } else {
        out.push_str(piece);
    }
}

/// Whether `c` is a Han character (a CJK ideograph).
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Whether the word holds any CJK character.
pub fn has_cjk(word: &str) -> bool {
    !word.is_ascii() && word.chars().any(is_cjk)
}

/// A piece of a word: a CJK run or a run of anything else, with its byte range in the word.
#[derive(Debug, PartialEq, Eq)]
pub struct ScriptRun<'a> {
    /// The text of the run.
    pub text: &'a str,
    /// Byte offset of the run in the word.
    pub offset: usize,
    /// Whether the run is CJK.
    pub cjk: bool,
}

/// Splits a word into alternating CJK and non-CJK runs.
pub fn script_runs(word: &str) -> Vec<ScriptRun<'_>> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (index, c) in word.char_indices() {
        let cjk = is_cjk(c);
        match current {
            Some(kind) if kind != cjk => {
                runs.push(ScriptRun {
                    text: &word[start..index],
                    offset: start,
                    cjk: kind,
                });
                start = index;
                current = Some(cjk);
            }
            None => current = Some(cjk),
            _ => {}
        }
    }
    if let Some(kind) = current {
        runs.push(ScriptRun {
            text: &word[start..],
            offset: start,
            cjk: kind,
        });
    }
    runs
}

/// Where the characters of a CJK run start, a combining mark counted with the character before
/// it (see [`bigrams`]).
pub fn character_starts(run: &str) -> impl Iterator<Item = usize> + '_ {
    run.char_indices()
        .filter(|&(index, c)| index == 0 || !is_combining_mark(c))
        .map(|(index, _)| index)
}

/// The character bigrams of a CJK run, with their byte ranges in the run; a single character
/// gives itself. A combining mark belongs to the character before it (Thai vowel and tone
/// marks: `รี` is one character here), so a bigram never splits a letter from its marks.
pub fn bigrams(run: &str) -> Vec<(usize, usize)> {
    let bounds: Vec<usize> = character_starts(run)
        .chain(std::iter::once(run.len()))
        .collect();
    let chars = bounds.len() - 1;
    if chars <= 1 {
        return vec![(0, run.len())];
    }
    (0..chars - 1).map(|i| (bounds[i], bounds[i + 2])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_of_a_korean_run() {
        let run = "마을교육";
        let grams: Vec<&str> = bigrams(run).iter().map(|&(a, b)| &run[a..b]).collect();
        assert_eq!(grams, ["마을", "을교", "교육"]);
    }

    #[test]
    fn bigrams_of_a_thai_run_keep_letters_with_their_marks() {
        let run = "โรงเรียน";
        let grams: Vec<&str> = bigrams(run).iter().map(|&(a, b)| &run[a..b]).collect();
        assert_eq!(grams, ["โร", "รง", "งเ", "เรี", "รีย", "ยน"]);
        assert!(has_cjk(run));
    }

    #[test]
    fn traditional_chinese_is_read_as_simplified() {
        let simplified = |text: &str| {
            let mut out = String::new();
            push_simplified(text, &mut out);
            out
        };
        assert_eq!(simplified("開心"), "开心");
        assert_eq!(simplified("農場"), "农场");
        assert_eq!(simplified("兒童"), "儿童");
        assert_eq!(simplified("儿童"), "儿童");
        assert_eq!(simplified("학교"), "학교");
    }

    #[test]
    fn single_character_is_kept() {
        assert_eq!(bigrams("집"), vec![(0, 3)]);
    }

    #[test]
    fn mixed_word_splits_into_runs() {
        let runs = script_runs("covid19대응");
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].text, "covid19");
        assert!(!runs[0].cjk);
        assert_eq!(runs[1].text, "대응");
        assert!(runs[1].cjk);
    }
}
