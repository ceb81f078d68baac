//! The tantivy schema, derived from `index-schema/schema.json` and the analyzers.
//!
//! * `id` — raw keyword, the upsert key.
//! * `source` — the stored document as submitted (the `_source`): hits and `GET` read it.
//! * `title`, `summary`, `description` — every language version of a text, each tokenised by
//!   its own language's analyzer (the multilingual tokenizer reads which from a marker at the
//!   start of the value), with positions for phrases. One field per text kind, whatever the language: a query word is
//!   analysed by every analyzer and its distinct forms are looked up in one field, which keeps
//!   the number of term lookups small however many languages the databank holds.
//! * plain text fields (`city`, `promoter`), analysed with `generic`.
//! * one raw keyword fast field per facet (`country`, `theme`, `sdg`...): filters and counts.
//! * `start_year`, `updated_at` — fast numbers for ranges and sorting.
//! * `analyzer` — which analyzers a document uses, so a query runs only against those present.
//! * `submitted_hash` — hash of the submitted document, to tell an identical re-send.
//! * `suggest_title`, `suggest_city` — titles (every language) and city as fast keywords, read
//!   by the suggester.

use std::collections::BTreeMap;

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use crate::engine::analysis::{GENERIC, MULTILINGUAL};
use crate::engine::catalog::Catalog;
use crate::engine::error::{Error, Result};

/// Handles on the fields of the index.
#[derive(Clone, Debug)]
pub struct IndexFields {
    /// The upsert key.
    pub id: Field,
    /// The stored submitted document (JSON text).
    pub source: Field,
    /// Text field name (`title`...) → field.
    pub text: BTreeMap<String, Field>,
    /// Plain text field name → field.
    pub plain: BTreeMap<String, Field>,
    /// Facet name → keyword field.
    pub facets: BTreeMap<String, Field>,
    /// Start year (u64, indexed and fast).
    pub start_year: Field,
    /// Last update (i64 Unix seconds, fast).
    pub updated_at: Field,
    /// Analyzers a document uses.
    pub analyzer: Field,
    /// Hash of the submitted document.
    pub submitted_hash: Field,
    /// Titles of every language version (fast keyword, for suggestions).
    pub suggest_title: Field,
    /// The city (fast keyword, for suggestions).
    pub suggest_city: Field,
}

/// Fast-field names of the suggester's sources.
pub const SUGGEST_TITLE: &str = "suggest_title";
/// See [`SUGGEST_TITLE`].
pub const SUGGEST_CITY: &str = "suggest_city";

/// Field names of the numbers and keywords (also used as fast-field names).
pub const START_YEAR: &str = "start_year";
/// See [`START_YEAR`].
pub const UPDATED_AT: &str = "updated_at";

/// Builds the schema the catalog and analyzers describe.
pub fn build_schema(catalog: &Catalog) -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("id", STRING);
    builder.add_text_field("source", STORED);
    for text_field in &catalog.schema.text_fields {
        builder.add_text_field(&text_field.name, analysed(MULTILINGUAL));
    }
    for plain in &catalog.schema.plain_text_fields {
        builder.add_text_field(&plain.name, analysed(GENERIC));
    }
    for facet in &catalog.schema.facets {
        builder.add_text_field(&facet.name, STRING | FAST);
    }
    builder.add_u64_field(START_YEAR, NumericOptions::default() | INDEXED | FAST);
    builder.add_i64_field(UPDATED_AT, FAST);
    builder.add_text_field("analyzer", STRING);
    builder.add_u64_field("submitted_hash", FAST);
    builder.add_text_field(SUGGEST_TITLE, TextOptions::default().set_fast("raw"));
    builder.add_text_field(SUGGEST_CITY, TextOptions::default().set_fast("raw"));
    builder.build()
}

fn analysed(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

impl IndexFields {
    /// Resolves the handles in `schema`; an index built by another catalog is refused.
    pub fn resolve(schema: &Schema, catalog: &Catalog) -> Result<Self> {
        let field = |name: &str| {
            schema.get_field(name).map_err(|_| {
                Error::Schema(format!(
                    "the index has no field {name:?}: it was built with another index-schema; run `databank reindex`"
                ))
            })
        };
        let mut text = BTreeMap::new();
        for text_field in &catalog.schema.text_fields {
            text.insert(text_field.name.clone(), field(&text_field.name)?);
        }
        let mut plain = BTreeMap::new();
        for plain_field in &catalog.schema.plain_text_fields {
            plain.insert(plain_field.name.clone(), field(&plain_field.name)?);
        }
        let mut facets = BTreeMap::new();
        for facet in &catalog.schema.facets {
            facets.insert(facet.name.clone(), field(&facet.name)?);
        }
        Ok(IndexFields {
            id: field("id")?,
            source: field("source")?,
            text,
            plain,
            facets,
            start_year: field(START_YEAR)?,
            updated_at: field(UPDATED_AT)?,
            analyzer: field("analyzer")?,
            submitted_hash: field("submitted_hash")?,
            suggest_title: field(SUGGEST_TITLE)?,
            suggest_city: field(SUGGEST_CITY)?,
        })
    }

    /// The field of text field `name`.
    pub fn text_field(&self, name: &str) -> Option<Field> {
        self.text.get(name).copied()
    }
}
