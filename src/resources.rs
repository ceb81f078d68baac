//! The data directories shipped inside the binary: `index-schema/` (schema, taxonomies, stop words,
//! language-detection table) and `seed-data/` (the initiatives loaded on first start).
//!
//! Embedding makes `databank serve` work from any working directory. Staff who edit the taxonomies
//! rebuild the binary, or point `--schema-dir` at an edited copy of `index-schema/`.

use include_dir::{include_dir, Dir};

/// The `index-schema/` directory as it was when the binary was built.
pub static INDEX_SCHEMA: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/index-schema");

/// The `seed-data/` directory as it was when the binary was built.
pub static SEED_DATA: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/seed-data");

/// The seed files (`*.ndjson`) in a stable order, as `(file name, contents)`.
pub fn seed_files() -> Vec<(&'static str, &'static str)> {
    let mut files: Vec<(&'static str, &'static str)> = SEED_DATA
        .files()
        .filter(|file| file.path().extension().is_some_and(|ext| ext == "ndjson"))
        .filter_map(|file| Some((file.path().to_str()?, file.contents_utf8()?)))
        .collect();
    files.sort_by_key(|(name, _)| *name);
    files
}
