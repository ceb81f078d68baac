//! Turns a validated [`Initiative`] into a tantivy document.
//!
//! Each language version (the primary text and every translation) is written to the fields of
//! its language's analyzer, so an initiative is one document — one hit — however many languages
//! it is written in.

use std::collections::BTreeSet;

use tantivy::TantivyDocument;

use crate::engine::analysis::multilingual::marked;
use crate::engine::analysis::Analysis;
use crate::engine::catalog::Catalog;
use crate::engine::document::Initiative;
use crate::engine::schema::IndexFields;

/// A stable 64-bit FNV-1a hash (the submitted document's fingerprint, stored in the index),
/// fed by [`std::io::Write`] so a document can be serialised straight into it.
pub struct Fingerprint(pub u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    fn add(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.add(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Builds the tantivy document of an initiative.
pub fn to_document(
    initiative: &Initiative,
    submitted_hash: u64,
    catalog: &Catalog,
    analysis: &Analysis,
    fields: &IndexFields,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &initiative.id);
    doc.add_text(
        fields.source,
        serde_json::to_string(&initiative.source).unwrap_or_default(),
    );
    let mut analyzers = BTreeSet::new();
    for (language, title, summary, description) in initiative.versions() {
        doc.add_text(fields.suggest_title, title.trim());
        let analyzer = analysis.analyzer_for(language);
        analyzers.insert(analyzer);
        for (name, text) in [
            ("title", Some(title)),
            ("summary", summary),
            ("description", description),
        ] {
            if let (Some(text), Some(field)) = (text, fields.text_field(name)) {
                doc.add_text(field, marked(analyzer, text));
            }
        }
    }
    for analyzer in analyzers {
        doc.add_text(fields.analyzer, analyzer);
    }
    for (name, field) in &fields.plain {
        let value = match name.as_str() {
            "city" => Some(initiative.city.as_str()),
            "promoter" => initiative.promoter.as_deref(),
            _ => None,
        };
        if let Some(value) = value {
            doc.add_text(*field, value);
        }
    }
    for facet in &catalog.schema.facets {
        let Some(&field) = fields.facets.get(&facet.name) else {
            continue;
        };
        for value in facet_values(initiative, &facet.document_field) {
            doc.add_text(field, &value);
        }
    }
    if let Some(year) = initiative.start_year {
        doc.add_u64(fields.start_year, year);
    }
    doc.add_text(fields.suggest_city, initiative.city.trim());
    doc.add_i64(fields.updated_at, initiative.updated_at);
    doc.add_u64(fields.submitted_hash, submitted_hash);
    doc
}

/// The keyword values of a document field that feeds a facet.
pub fn facet_values(initiative: &Initiative, document_field: &str) -> Vec<String> {
    let numbers = |values: &[u64]| values.iter().map(u64::to_string).collect();
    match document_field {
        "country" => vec![initiative.country.clone()],
        "language" => vec![initiative.language.clone()],
        "themes" => initiative.themes.clone(),
        "target_groups" => initiative.target_groups.clone(),
        "sdgs" => numbers(&initiative.sdgs),
        "charter_principles" => numbers(&initiative.charter_principles),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fingerprint_is_fnv1a_of_the_serialised_document() {
        const PINNED: u64 = 0x6d25_9c0b_f85c_b0b4;
        // Stored in every index: it must not change between versions.
        let value = serde_json::json!({"id": "x-1", "title": "Horts als terrats", "sdgs": [2, 11]});
        let mut expected: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in value.to_string().bytes() {
            expected ^= u64::from(byte);
            expected = expected.wrapping_mul(0x0100_0000_01b3);
        }
        assert_eq!(
            crate::engine::databank::submitted_fingerprint(&value),
            expected
        );
        assert_eq!(expected, PINNED, "{expected:#x}");
    }
}
