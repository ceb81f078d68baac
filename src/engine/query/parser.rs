//! The user's query syntax, read leniently: no input is a syntax error.
//!
//! * words are matched anywhere (every word must match, stop words excepted);
//! * `"two words"` is a phrase, `"word"` that word as typed (no typo alternatives); an
//!   unbalanced quote is ignored;
//! * `-word`, `-"a phrase"` and `NOT word` exclude;
//! * `AND`, `OR`, `+`, brackets and other operator characters are ignored; words joined by `/`,
//!   `:`, `~`, `^` or `|` are separate words.

use unicode_normalization::char::is_combining_mark;

/// One clause of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The clause's words as typed (one word, or several for a phrase).
    pub text: String,
    /// A quoted phrase.
    pub phrase: bool,
    /// Typed in quotes (a phrase, or one word): matched as typed, no typo alternatives nor
    /// concept expansion.
    pub quoted: bool,
    /// Excluded (`-word`).
    pub negated: bool,
}

/// Reads a query into clauses.
pub fn parse(query: &str) -> Vec<Clause> {
    let chars: Vec<char> = query.chars().collect();
    let quotes = chars.iter().filter(|&&c| is_quote(c)).count();
    // With an odd number of quotes the last one is unbalanced: it is ignored.
    let mut usable_quotes = quotes - quotes % 2;
    let mut clauses = Vec::new();
    let mut negate_next = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let negated = std::mem::take(&mut negate_next);
        let (minus, start) = if c == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            (true, i + 1)
        } else {
            (false, i)
        };
        if start < chars.len() && is_quote(chars[start]) && usable_quotes >= 2 {
            let end = (start + 1..chars.len())
                .find(|&j| is_quote(chars[j]))
                .unwrap_or(chars.len());
            usable_quotes -= 2;
            let text: String = chars[start + 1..end].iter().collect();
            push(&mut clauses, text, true, negated || minus);
            i = end + 1;
            continue;
        }
        let end = (start..chars.len())
            .find(|&j| chars[j].is_whitespace() || (is_quote(chars[j]) && usable_quotes >= 2))
            .unwrap_or(chars.len());
        let word: String = chars[start..end]
            .iter()
            .filter(|&&c| !is_quote(c))
            .collect();
        i = end.max(start + 1);
        match word.as_str() {
            "AND" | "OR" | "&&" | "||" => continue,
            "NOT" if !minus => {
                negate_next = true;
                continue;
            }
            // Elisions are separate words: `d'infants` is `d` + `infants`; so are words joined
            // by a slash (`niños/as`, `huertos/huertas`) or an operator of other engines
            // (`title:huertos`, `huertos~2`), not a phrase.
            _ => {
                for part in word.split(['\'', '’', '/', '\\', ':', '~', '^', '|']) {
                    push(&mut clauses, part.to_string(), false, negated || minus);
                }
            }
        }
    }
    // A query of exclusions only still excludes; nothing to do here.
    clauses
}

fn push(clauses: &mut Vec<Clause>, text: String, phrase: bool, negated: bool) {
    let text = trim_word(&text).to_string();
    if text.chars().any(char::is_alphanumeric) {
        clauses.push(Clause {
            phrase: phrase && text.split_whitespace().nth(1).is_some(),
            quoted: phrase,
            text,
            negated,
        });
    }
}

/// A word without the punctuation around it; a combining mark at its end is part of it (the
/// Tamil pulli of `மையம்`, the Myanmar asat of `ရွက်`).
pub fn trim_word(word: &str) -> &str {
    word.trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(|c: char| !c.is_alphanumeric() && !is_combining_mark(c))
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '«' | '»' | '„')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Clause {
        Clause {
            text: text.into(),
            phrase: false,
            quoted: false,
            negated: false,
        }
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let clauses = parse(r#"huertos "camino escolar" -madrid NOT lyon"#);
        assert_eq!(clauses[0], word("huertos"));
        assert_eq!(
            clauses[1],
            Clause {
                text: "camino escolar".into(),
                phrase: true,
                quoted: true,
                negated: false
            }
        );
        // One quoted word is no phrase, but it is taken as typed.
        assert_eq!(
            parse("\"zebrafnch\""),
            vec![Clause {
                quoted: true,
                ..word("zebrafnch")
            }]
        );
        assert!(clauses[2].negated && clauses[2].text == "madrid");
        assert!(clauses[3].negated && clauses[3].text == "lyon");
    }

    #[test]
    fn malformed_input_is_read_leniently() {
        assert_eq!(parse("\"unbalanced"), vec![word("unbalanced")]);
        assert!(parse("AND OR (").is_empty());
        assert!(parse("***").is_empty());
        assert_eq!(parse("(huertos)"), vec![word("huertos")]);
        assert_eq!(parse("- -"), vec![]);
        assert_eq!(parse("d'infants"), vec![word("d"), word("infants")]);
        // A combining mark ends a word: the Tamil pulli, the Myanmar asat.
        assert_eq!(parse("மையம்,"), vec![word("மையம்")]);
        assert_eq!(parse("(ရွက်)"), vec![word("ရွက်")]);
    }

    #[test]
    fn words_joined_by_a_slash_or_an_operator_are_separate_words() {
        assert_eq!(parse("niños/as"), vec![word("niños"), word("as")]);
        assert_eq!(
            parse("title:huertos~2"),
            vec![word("title"), word("huertos"), word("2")]
        );
        assert_eq!(
            parse("\"huertos/huertas\""),
            vec![Clause {
                text: "huertos/huertas".into(),
                phrase: false,
                quoted: true,
                negated: false
            }]
        );
    }
}
