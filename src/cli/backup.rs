//! `databank backup DIR` and `databank restore DIR`: the CLI over [`crate::engine::snapshot`].
//!
//! A backup works while the server runs (it copies the last commit, never half a batch); a
//! restore needs the server stopped (it takes the index's writer lock to be sure).

use std::path::PathBuf;

use clap::Args;

use super::Cli;
use crate::engine::snapshot;

/// Options of `databank backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new directory to write the backup to (it must not exist). On the same file system
    /// as the data directory the files are hard-linked (instant, no extra space until the index
    /// changes); elsewhere they are copied.
    pub dir: PathBuf,
}

/// Options of `databank restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A directory written by `databank backup` or `POST /v1/admin/snapshot`.
    pub dir: PathBuf,
}

/// Runs `databank backup`.
pub fn backup(cli: &Cli, args: &BackupArgs) -> Result<(), Box<dyn std::error::Error>> {
    let started = std::time::Instant::now();
    let info = snapshot::snapshot(&cli.index_dir(), &args.dir, &cli.catalog()?)?;
    println!(
        "backup of {} initiatives ({} files, {} bytes, commit {}) written to {} in {} ms",
        info.documents,
        info.files,
        info.bytes,
        info.opstamp,
        info.path.display(),
        started.elapsed().as_millis()
    );
    Ok(())
}

/// Runs `databank restore`.
pub fn restore(cli: &Cli, args: &RestoreArgs) -> Result<(), Box<dyn std::error::Error>> {
    let index_dir = cli.index_dir();
    crate::engine::databank::finish_interrupted_swap(&index_dir)?;
    let documents =
        snapshot::restore(&args.dir, &index_dir, &cli.catalog()?).map_err(|err| match err {
            crate::engine::Error::Locked(dir) => {
                format!("the index in {dir} is in use by a running server; stop it, then restore")
            }
            other => other.to_string(),
        })?;
    println!(
        "restored {documents} initiatives from {} into {}",
        args.dir.display(),
        index_dir.display()
    );
    Ok(())
}
