//! # databank
//!
//! A search service for the databank of good practices of educating cities: initiatives written by
//! member cities in their own languages, indexed per language, searchable across languages, with
//! disjunctive facets by country, theme, SDG, language, target group and Charter principle.
//!
//! The crate is layered like a pipeline:
//!
//! * [`engine`] — the search engine, free of HTTP: the index schema and taxonomies read from
//!   `index-schema/`, per-language analysis, document validation, indexing, querying, facets and
//!   highlights. Tests and the CLI call it directly.
//! * [`api`] — the JSON API (axum): thin handlers that parse parameters, call the engine on a
//!   blocking thread and map engine errors to JSON once.
//! * [`cli`] — the command line (clap) and its printing; `main.rs` is glue.
//! * [`web`] — the search, initiative and staff pages (HTML, CSS and JavaScript from `web/`,
//!   built into the binary), served beside the API.
//! * [`resources`] — the `index-schema/` and `seed-data/` directories embedded in the binary, so
//!   the service answers on first start from anywhere.
//! * [`allocator`] — mimalloc, the allocator of every binary linking the crate, and its options.
//! * [`synthetic`] — a deterministic synthetic corpus for benchmarks.

pub mod allocator;
pub mod api;
pub mod cli;
pub mod engine;
pub mod resources;
pub mod synthetic;
pub mod web;
