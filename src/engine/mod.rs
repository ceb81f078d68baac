//! The search engine, free of HTTP.
//!
//! Read by its nouns: [`catalog`] (what `index-schema/` says), [`taxonomy`], [`analysis`]
//! (per-language analyzers, language detection), [`document`] (the ingest format and its
//! validation), [`schema`] and [`indexer`] (documents into tantivy), [`query`] (the user's text
//! into a query), [`facets`] (disjunctive counting), [`highlight`], [`search`] (request →
//! response), [`snapshot`] (backups and restore), and [`databank`], the front door that ties
//! them to one index on disk.

pub mod analysis;
pub mod catalog;
pub mod databank;
pub mod directory;
pub mod document;
pub mod error;
pub mod facets;
pub mod highlight;
pub mod indexer;
pub mod ingest;
pub mod query;
pub mod schema;
pub mod search;
pub mod similar;
pub mod snapshot;
pub mod suggest;
pub mod taxonomy;

pub use catalog::Catalog;
pub use databank::{
    Databank, Duplicate, LoadSummary, OnError, PreparedBatch, SubmittedRow, Unreadable,
};
pub use error::{Error, Result};
pub use search::{Hit, SearchRequest, SearchResponse, Sort};
