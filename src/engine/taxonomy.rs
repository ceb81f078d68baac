//! Taxonomies: the controlled vocabularies of `index-schema/` (themes, target groups, SDGs, Charter
//! principles, countries, languages), each a list of values with labels per locale.
//!
//! A value is a code (`"environment"`, `"ES"`, `"ca"`) or a number (`4` for SDG 4); both are kept
//! as their string form here and typed again where they meet JSON.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::engine::error::{Error, Result};

/// The locale labels fall back to when the requested one is missing.
pub const FALLBACK_LOCALE: &str = "en";

/// One entry of a taxonomy file.
#[derive(Debug, Clone, Deserialize)]
struct RawEntry {
    code: Option<String>,
    number: Option<u64>,
    color: Option<String>,
    labels: BTreeMap<String, String>,
}

/// One value of a taxonomy with its labels.
#[derive(Debug, Clone)]
pub struct TaxonomyValue {
    /// The value as a string (`"environment"`, `"ES"`, `"4"`).
    pub value: String,
    /// Labels by locale.
    pub labels: BTreeMap<String, String>,
    /// A display colour, where the taxonomy has one (SDG icons).
    pub color: Option<String>,
}

/// A controlled vocabulary.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// File stem, e.g. `themes`.
    pub name: String,
    values: Vec<TaxonomyValue>,
    by_value: HashMap<String, usize>,
}

impl Taxonomy {
    /// Parses a taxonomy file (`[{"code"|"number", "labels": {...}}]`).
    pub fn from_json(name: &str, json: &str) -> Result<Self> {
        let raw: Vec<RawEntry> = serde_json::from_str(json)
            .map_err(|err| Error::Schema(format!("{name}.json: {err}")))?;
        let mut values = Vec::with_capacity(raw.len());
        let mut by_value = HashMap::with_capacity(raw.len());
        for entry in raw {
            let value = match (entry.code, entry.number) {
                (Some(code), None) => code,
                (None, Some(number)) => number.to_string(),
                _ => {
                    return Err(Error::Schema(format!(
                        "{name}.json: every entry needs exactly one of \"code\" or \"number\""
                    )))
                }
            };
            if by_value.insert(value.clone(), values.len()).is_some() {
                return Err(Error::Schema(format!(
                    "{name}.json: duplicate value {value}"
                )));
            }
            values.push(TaxonomyValue {
                value,
                labels: entry.labels,
                color: entry.color,
            });
        }
        Ok(Taxonomy {
            name: name.to_string(),
            values,
            by_value,
        })
    }

    /// Every value in file order.
    pub fn values(&self) -> &[TaxonomyValue] {
        &self.values
    }

    /// Whether `value` is in the vocabulary (exact match).
    pub fn contains(&self, value: &str) -> bool {
        self.by_value.contains_key(value)
    }

    /// The entry for `value`.
    pub fn get(&self, value: &str) -> Option<&TaxonomyValue> {
        self.by_value.get(value).map(|&index| &self.values[index])
    }

    /// The label of `value` in `locale`, falling back to English, then to the value itself.
    pub fn label<'a>(&'a self, value: &'a str, locale: &str) -> &'a str {
        match self.get(value) {
            Some(entry) => entry
                .labels
                .get(locale)
                .or_else(|| entry.labels.get(FALLBACK_LOCALE))
                .map(String::as_str)
                .unwrap_or(value),
            None => value,
        }
    }

    /// The values joined for an error message (`a, b, c`).
    pub fn list_values(&self) -> String {
        self.values
            .iter()
            .map(|entry| entry.value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
