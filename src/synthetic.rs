//! A synthetic corpus for benchmarks: any number of initiatives in the seed data's languages,
//! with text drawn from the seed data's own vocabulary (so term statistics per language look
//! real) and facets drawn from the taxonomies. Deterministic for a given seed.
//!
//! `databank generate --count 100000 > corpus.ndjson` writes one; the benchmarks call
//! [`Generator`] directly.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::Catalog;

/// A small deterministic PRNG (xorshift64*): benchmarks need repeatable corpora, not crypto.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a constant).
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound` (bound > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound.max(1) as u64) as usize
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Word pools and city names per language, learned from the seed data.
pub struct Generator {
    languages: Vec<String>,
    words: BTreeMap<String, Vec<String>>,
    cities: BTreeMap<String, Vec<(String, String)>>,
    themes: Vec<String>,
    target_groups: Vec<String>,
    rng: Rng,
}

impl Generator {
    /// A generator trained on the embedded seed data.
    pub fn new(catalog: &Catalog, seed: u64) -> Self {
        let mut words: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut cities: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (_, contents) in crate::resources::seed_files() {
            for line in contents.lines() {
                let Ok(document) = serde_json::from_str::<Value>(line) else {
                    continue;
                };
                let Some(language) = document["language"].as_str() else {
                    continue;
                };
                let pool = words.entry(language.to_string()).or_default();
                for field in ["title", "summary", "description"] {
                    if let Some(text) = document[field].as_str() {
                        for word in text.split_whitespace() {
                            // Unspaced scripts (Japanese, Chinese) give whole sentences: cut
                            // them into word-sized pieces.
                            if crate::engine::analysis::cjk::has_cjk(word) {
                                let chars: Vec<char> = word.chars().collect();
                                pool.extend(
                                    chars
                                        .chunks(3)
                                        .map(|piece| piece.iter().collect::<String>()),
                                );
                            } else {
                                pool.push(word.to_string());
                            }
                        }
                    }
                }
                if let (Some(city), Some(country)) =
                    (document["city"].as_str(), document["country"].as_str())
                {
                    cities
                        .entry(language.to_string())
                        .or_default()
                        .push((city.to_string(), country.to_string()));
                }
            }
        }
        let languages = words.keys().cloned().collect();
        Generator {
            languages,
            words,
            cities,
            themes: catalog
                .themes()
                .values()
                .iter()
                .map(|v| v.value.clone())
                .collect(),
            target_groups: catalog
                .target_groups()
                .values()
                .iter()
                .map(|v| v.value.clone())
                .collect(),
            rng: Rng::new(seed),
        }
    }

    fn text(&mut self, language: &str, words: usize) -> String {
        let pool = &self.words[language];
        let mut text = String::new();
        for index in 0..words {
            if index > 0 {
                text.push(' ');
            }
            text.push_str(&pool[self.rng.below(pool.len())]);
        }
        text
    }

    /// The `n`-th synthetic initiative (~250 words).
    pub fn document(&mut self, n: usize) -> Value {
        let language = self.languages[self.rng.below(self.languages.len())].clone();
        let (city, country) = self.rng.pick(&self.cities[&language]).clone();
        let mut themes = vec![self.rng.pick(&self.themes).clone()];
        if self.rng.below(2) == 0 {
            themes.push(self.rng.pick(&self.themes).clone());
        }
        themes.dedup();
        let sdgs: Vec<u64> = (0..1 + self.rng.below(3))
            .map(|_| 1 + self.rng.below(17) as u64)
            .collect();
        let title_words = 5 + self.rng.below(6);
        let mut document = json!({
            "id": format!("syn-{n:07}"),
            "title": self.text(&language, title_words),
            "summary": self.text(&language, 25),
            "description": self.text(&language, 215),
            "language": language,
            "city": city,
            "country": country,
            "themes": themes,
            "sdgs": sdgs,
            "target_groups": [self.rng.pick(&self.target_groups).clone()],
            "charter_principles": [1 + self.rng.below(20)],
            "start_year": 1990 + self.rng.below(36),
            "updated_at": format!("20{:02}-{:02}-{:02}T10:00:00Z", 20 + self.rng.below(6), 1 + self.rng.below(12), 1 + self.rng.below(28)),
        });
        if self.rng.below(5) == 0 {
            let other = self.languages[self.rng.below(self.languages.len())].clone();
            if other != language {
                document["translations"] = json!({ other.clone(): {
                    "title": self.text(&other, 7),
                    "description": self.text(&other, 60),
                }});
            }
        }
        document
    }
}
