//! The command line: `databank serve`, `databank search`. Definitions (clap derive) live here;
//! each command's work is in its own module, printing apart from logic.

pub mod analyze;
pub mod search;
pub mod serve;
pub mod transfer;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::engine::{Catalog, Result};

/// databank — search the good practices of educating cities.
#[derive(Debug, Parser)]
#[command(name = "databank", version, about)]
pub struct Cli {
    /// Data directory (the index lives in DIR/index).
    #[arg(
        long,
        global = true,
        env = "DATABANK_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,
    /// Read the schema and taxonomies from this directory instead of the copy built into the
    /// binary (laid out like `index-schema/`).
    #[arg(long, global = true, env = "DATABANK_SCHEMA_DIR")]
    pub schema_dir: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the JSON API.
    Serve(serve::ServeArgs),
    /// Run one search and print it.
    Search(Box<search::SearchArgs>),
    /// Show the tokens a text gives under a language's analyzer (to check stemming).
    Analyze(analyze::AnalyzeArgs),
    /// Load NDJSON, JSON or CSV files into the data directory (or a running server).
    Import(transfer::ImportArgs),
    /// Write every stored initiative to stdout as NDJSON (the import format).
    Export,
    /// Rebuild the index from the stored documents (after a schema or analyzer change).
    Reindex(transfer::ReindexArgs),
}

impl Cli {
    /// The catalog: from `--schema-dir`, or the embedded one.
    pub fn catalog(&self) -> Result<Catalog> {
        match &self.schema_dir {
            Some(dir) => Catalog::from_dir(dir),
            None => Catalog::embedded(),
        }
    }

    /// Where the index lives.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }
}
