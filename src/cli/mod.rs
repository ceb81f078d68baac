//! The command line: `databank serve`, `databank search`. Definitions (clap derive) live here;
//! each command's work is in its own module, printing apart from logic.

pub mod analyze;
pub mod backup;
pub mod config;
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
    /// Data directory (the index lives in DIR/index) [default: ./data].
    #[arg(long, global = true, env = "DATABANK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Read the schema and taxonomies from this directory instead of the copy built into the
    /// binary (laid out like `index-schema/`).
    #[arg(long, global = true, env = "DATABANK_SCHEMA_DIR")]
    pub schema_dir: Option<PathBuf>,
    /// A TOML file of settings (same names as the flags, `_` for `-`); flags and environment
    /// variables win over it.
    #[arg(long, global = true, env = "DATABANK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format [default: human].
    #[arg(long, global = true, env = "DATABANK_LOG_FORMAT", value_enum)]
    pub log_format: Option<config::LogFormat>,
    /// The settings file's contents (read by [`Cli::read_config`]).
    #[arg(skip)]
    pub file: config::FileSettings,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the JSON API.
    Serve(Box<serve::ServeArgs>),
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
    /// Write a consistent copy of the index to a new directory (works while the server runs).
    Backup(backup::BackupArgs),
    /// Put a backup in place of the index (the server must be stopped).
    Restore(backup::RestoreArgs),
}

impl Cli {
    /// Reads the `--config` file, if any.
    pub fn read_config(&mut self) -> std::result::Result<(), String> {
        if let Some(path) = &self.config {
            self.file = config::FileSettings::read(path)?;
        }
        Ok(())
    }

    /// The catalog: from `--schema-dir`, or the embedded one.
    pub fn catalog(&self) -> Result<Catalog> {
        match self.schema_dir.as_ref().or(self.file.schema_dir.as_ref()) {
            Some(dir) => Catalog::from_dir(dir),
            None => Catalog::embedded(),
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        config::pick(self.data_dir.clone(), self.file.data_dir.clone(), || {
            PathBuf::from("./data")
        })
    }

    /// Where the index lives.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir().join("index")
    }

    /// The log format.
    pub fn log_format(&self) -> config::LogFormat {
        config::pick(self.log_format, self.file.log_format, || {
            config::LogFormat::Human
        })
    }
}
