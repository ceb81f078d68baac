//! `databank import`, `databank export` and `databank reindex`: documents in and out of a data
//! directory (or, for import, a running server).
//!
//! Import reads NDJSON, JSON arrays and CSV files with the API's validation and report. With
//! `--on-error abort` (the default) every row of every file is validated first and nothing is
//! written if any is invalid; rows are then written in batches (`--batch-size`, default
//! [`IMPORT_BATCH`]), each committed atomically; into a data directory, the next batch is
//! validated while the previous one is indexed. A progress bar shows rows and rows/s on a terminal, plain lines otherwise.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use super::Cli;
use crate::engine::databank::{self, LoadSummary, SubmittedRow};
use crate::engine::document::RowReport;
use crate::engine::ingest::{self, Format};
use crate::engine::{Databank, OnError};

/// Rows per committed batch, by default.
pub const IMPORT_BATCH: usize = 2_000;

/// Options of `databank import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files to load (.ndjson/.jsonl, .json; spreadsheets as .csv, .tsv or .txt).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Validate and report only.
    #[arg(long)]
    pub dry_run: bool,
    /// abort (nothing is written if any row is invalid) or skip (write the valid rows).
    #[arg(long, default_value = "abort")]
    pub on_error: String,
    /// Load into a running server at this URL instead of the data directory (token from
    /// DATABANK_ADMIN_TOKEN).
    #[arg(long)]
    pub server: Option<String>,
    /// Rows per committed batch (each batch is written all or nothing).
    #[arg(long, default_value_t = IMPORT_BATCH as u64, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub batch_size: u64,
}

/// Options of `databank reindex`.
#[derive(Debug, Args)]
pub struct ReindexArgs {}

type Failure = Box<dyn std::error::Error>;

/// Runs an import; the process fails when any row was rejected.
pub fn import(cli: &Cli, args: &ImportArgs) -> Result<(), Failure> {
    let on_error = match args.on_error.as_str() {
        "abort" => OnError::Abort,
        "skip" => OnError::Skip,
        other => return Err(format!("--on-error must be abort or skip, not {other:?}").into()),
    };
    let mut files = Vec::new();
    for path in &args.files {
        let format = Format::from_path(path).ok_or_else(|| {
            format!(
                "{}: unknown format (use .ndjson, .jsonl, .json, or .csv, .tsv, .txt for spreadsheets)",
                path.display()
            )
        })?;
        let bytes = std::fs::read(path).map_err(|err| format!("{}: {err}", path.display()))?;
        let submission =
            ingest::read(format, &bytes).map_err(|err| format!("{}: {err}", path.display()))?;
        eprintln!(
            "{}: {} row(s), {}",
            path.display(),
            submission.rows.len(),
            submission.encoding
        );
        files.push((path.display().to_string(), submission.rows));
    }
    let total_rows: usize = files.iter().map(|(_, rows)| rows.len()).sum();
    let mut target = match &args.server {
        Some(url) => Target::Server(Box::new(server_sink(url, on_error)?)),
        None => {
            let opened = crate::engine::databank::open_upgraded(&cli.index_dir(), cli.catalog()?);
            let (databank, _) = opened.map_err(|err| match err {
                crate::engine::Error::Locked(dir) => format!(
                    "the index in {dir} is in use by another process: a running server (import through it with --server URL) or another import (wait for it to finish)"
                ),
                other => other.to_string(),
            })?;
            Target::Local(Box::new(databank))
        }
    };
    // With abort, validate everything before writing anything.
    let mut rejected: Vec<(String, RowReport)> = Vec::new();
    let mut totals = LoadSummary::default();
    let batch_size = (args.batch_size as usize).max(1);
    if on_error == OnError::Abort || args.dry_run {
        // In batches too: a file larger than the server's body limit still loads.
        for (name, chunk) in files
            .iter()
            .flat_map(|(name, rows)| rows.chunks(batch_size).map(move |chunk| (name, chunk)))
        {
            let summary = target.check(chunk.to_vec(), on_error)?;
            if args.dry_run {
                // What a load would do (each file against the index as it is).
                add_counts(&mut totals, &summary);
            }
            rejected.extend(
                summary
                    .rejected
                    .into_iter()
                    .map(|report| (name.clone(), report)),
            );
        }
    }
    if !args.dry_run && (rejected.is_empty() || on_error == OnError::Skip) {
        rejected.clear();
        let progress = Progress::new(total_rows as u64);
        target.write(&files, batch_size, on_error, |name, rows, summary| {
            progress.advance(rows as u64, name);
            add_counts(&mut totals, &summary);
            rejected.extend(
                summary
                    .rejected
                    .into_iter()
                    .map(|report| (name.to_string(), report)),
            );
        })?;
        progress.finish();
    }
    for (name, report) in &rejected {
        for error in &report.errors {
            eprintln!(
                "{name}:{}: {}{}: {}",
                report.line,
                report
                    .id
                    .as_deref()
                    .map(|id| format!("{id}: "))
                    .unwrap_or_default(),
                if error.field.is_empty() {
                    "row"
                } else {
                    &error.field
                },
                error.message
            );
        }
    }
    let superseded = report_duplicates(&files);
    let written = !args.dry_run && (rejected.is_empty() || on_error == OnError::Skip);
    if superseded > 0 {
        println!("{superseded} row(s) superseded by a later row with the same id");
    }
    println!(
        "{total_rows} row(s): {} created, {} updated, {} unchanged, {} rejected{}",
        totals.created,
        totals.updated,
        totals.unchanged,
        rejected.len(),
        if written { "" } else { " — nothing written" }
    );
    if rejected.is_empty() {
        Ok(())
    } else {
        Err(format!("{} row(s) rejected", rejected.len()).into())
    }
}

/// Adds a batch's created, updated and unchanged counts to the import's.
fn add_counts(totals: &mut LoadSummary, batch: &LoadSummary) {
    totals.created += batch.created;
    totals.updated += batch.updated;
    totals.unchanged += batch.unchanged;
}

/// Prints each row whose id a later row (of any file) gives again — the later one is what is
/// written, as the bulk API does — and returns how many there are.
fn report_duplicates(files: &[(String, Vec<SubmittedRow>)]) -> usize {
    let mut last: HashMap<&str, (&str, usize)> = HashMap::new();
    let mut superseded = Vec::new();
    for (name, rows) in files {
        for row in rows {
            let Some(id) = row
                .value
                .as_ref()
                .ok()
                .and_then(|value| value["id"].as_str())
            else {
                continue;
            };
            if let Some(earlier) = last.insert(id, (name.as_str(), row.line)) {
                superseded.push((earlier, id, (name.as_str(), row.line)));
            }
        }
    }
    for ((name, line), id, (later_name, later_line)) in &superseded {
        let later = if later_name == name {
            format!("line {later_line}")
        } else {
            format!("{later_name}:{later_line}")
        };
        eprintln!("{name}:{line}: {id}: superseded by {later} (same id)");
    }
    superseded.len()
}

/// A batch sink: takes rows, returns the load's report (`true`: a dry run).
type Sink = dyn FnMut(Vec<SubmittedRow>, bool) -> Result<LoadSummary, Failure>;

/// Where an import writes.
enum Target {
    /// The data directory, opened here.
    Local(Box<Databank>),
    /// A running server (see [`server_sink`]).
    Server(Box<Sink>),
}

impl Target {
    /// Validates rows without writing them.
    fn check(
        &mut self,
        rows: Vec<SubmittedRow>,
        on_error: OnError,
    ) -> Result<LoadSummary, Failure> {
        match self {
            Target::Local(databank) => Ok(databank.load(rows, on_error, true)?),
            Target::Server(sink) => sink(rows, true),
        }
    }

    /// Writes every file in batches of `batch_size` rows, each committed on its own;
    /// `written` gets each batch's file name, row count and report, in order. Locally, the
    /// next batch is validated while the previous one is indexed ([`Databank::load_batches`]).
    fn write(
        &mut self,
        files: &[(String, Vec<SubmittedRow>)],
        batch_size: usize,
        on_error: OnError,
        mut written: impl FnMut(&str, usize, LoadSummary),
    ) -> Result<(), Failure> {
        let batches = files.iter().flat_map(|(name, rows)| {
            rows.chunks(batch_size)
                .map(move |chunk| (name.as_str(), chunk))
        });
        match self {
            Target::Local(databank) => {
                let labels: Vec<(&str, usize)> = batches
                    .clone()
                    .map(|(name, chunk)| (name, chunk.len()))
                    .collect();
                let mut labels = labels.into_iter();
                databank.load_batches(
                    batches.map(|(_, chunk)| chunk.to_vec()),
                    on_error,
                    |summary| {
                        if let Some((name, rows)) = labels.next() {
                            written(name, rows, summary);
                        }
                    },
                )?;
            }
            Target::Server(sink) => {
                for (name, chunk) in batches {
                    written(name, chunk.len(), sink(chunk.to_vec(), false)?);
                }
            }
        }
        Ok(())
    }
}

/// A sink that posts NDJSON batches to a running server.
fn server_sink(
    url: &str,
    on_error: OnError,
) -> Result<impl FnMut(Vec<SubmittedRow>, bool) -> Result<LoadSummary, Failure>, Failure> {
    let token = std::env::var("DATABANK_ADMIN_TOKEN")
        .map_err(|_| "set DATABANK_ADMIN_TOKEN to import into a server")?;
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "--server must be an http(s) URL, such as http://127.0.0.1:3000, not {url:?}"
        )
        .into());
    }
    let endpoint = format!("{}/v1/initiatives/bulk", url.trim_end_matches('/'));
    Ok(move |rows: Vec<SubmittedRow>, dry_run: bool| {
        // Rows that could not be read locally are reported locally; the rest go as NDJSON.
        let mut unreadable = Vec::new();
        let mut lines = Vec::new();
        let mut body = String::new();
        for row in rows {
            match row.value {
                Ok(value) => {
                    body.push_str(&value.to_string());
                    body.push('\n');
                    lines.push(row.line);
                }
                Err(problem) => unreadable.push(RowReport {
                    line: row.line,
                    id: problem.id,
                    errors: vec![crate::engine::document::FieldError {
                        field: String::new(),
                        message: problem.message,
                    }],
                }),
            }
        }
        let response = client
            .post(&endpoint)
            .query(&[
                ("dry_run", if dry_run { "true" } else { "false" }),
                (
                    "on_error",
                    if on_error == OnError::Skip {
                        "skip"
                    } else {
                        "abort"
                    },
                ),
            ])
            .bearer_auth(&token)
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .map_err(|err| format!("{endpoint}: {}", with_causes(&err)))?;
        let status = response.status();
        let report: Value = response.json()?;
        if !(status.is_success() || status.as_u16() == 422) {
            return Err(format!("{endpoint}: {status}: {}", report["error"]["message"]).into());
        }
        let mut summary: LoadSummary = LoadSummary {
            received: report["received"].as_u64().unwrap_or_default() as usize,
            created: report["created"].as_u64().unwrap_or_default() as usize,
            updated: report["updated"].as_u64().unwrap_or_default() as usize,
            unchanged: report["unchanged"].as_u64().unwrap_or_default() as usize,
            committed: report["committed"].as_bool().unwrap_or_default(),
            ..LoadSummary::default()
        };
        // The server numbers the lines of what it received: map them back to the file's.
        for mut rejected in
            serde_json::from_value::<Vec<RowReport>>(report["rejected"].clone()).unwrap_or_default()
        {
            rejected.line = lines
                .get(rejected.line.saturating_sub(1))
                .copied()
                .unwrap_or(rejected.line);
            summary.rejected.push(rejected);
        }
        summary.rejected.extend(unreadable);
        Ok(summary)
    })
}

/// An error and its causes, `: `-separated (reqwest's own message leaves out why, such as
/// "connection refused").
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// A progress bar on a terminal, plain lines elsewhere.
struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: std::cell::Cell<u64>,
    started: Instant,
}

impl Progress {
    fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {per_sec}  {msg}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            total,
            done: std::cell::Cell::new(0),
            started: Instant::now(),
        }
    }

    fn advance(&self, rows: u64, file: &str) {
        self.done.set(self.done.get() + rows);
        match &self.bar {
            Some(bar) => {
                bar.set_message(file.to_string());
                bar.inc(rows);
            }
            None => {
                let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
                // The counts are over every file of the import; the name says where it is.
                eprintln!(
                    // Processed: some may be rejected or unchanged (the summary says).
                    "{}/{} rows processed, all files ({:.0} rows/s; now {file})",
                    self.done.get(),
                    self.total,
                    self.done.get() as f64 / seconds
                );
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}

/// Writes every stored document as NDJSON to stdout (the import format).
pub fn export(cli: &Cli) -> Result<(), Failure> {
    let databank = Databank::open_read_only(&cli.index_dir(), cli.catalog()?)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let count = databank.export(|document| {
        serde_json::to_writer(&mut out, &Value::Object(document))
            .map_err(|err| crate::engine::Error::Stored(err.to_string()))?;
        out.write_all(b"\n")?;
        Ok(())
    })?;
    out.flush()?;
    eprintln!("exported {count} initiative(s)");
    Ok(())
}

/// Rebuilds the index from the stored documents into a new directory, then swaps it in.
/// (A running server does this itself: `POST /v1/admin/reindex`.)
pub fn reindex(cli: &Cli, _args: &ReindexArgs) -> Result<(), Failure> {
    let index_dir = cli.index_dir();
    if !index_dir.join("meta.json").exists() {
        return Err(format!(
            "no index in {}; check --data-dir (nothing to reindex)",
            index_dir.display()
        )
        .into());
    }
    let catalog = cli.catalog()?;
    // Holding the old index's writer lock keeps servers and imports out during the rebuild.
    let old = Databank::open(&index_dir, catalog.clone()).map_err(|err| match err {
        crate::engine::Error::Locked(dir) => format!(
            "the index in {dir} is in use by another process: a running server (ask it to reindex with POST /v1/admin/reindex) or an import"
        ),
        other => other.to_string(),
    })?;
    let started = Instant::now();
    let count = databank::rebuild(&old, catalog)?;
    old.close()?;
    drop(old);
    databank::swap_in_rebuilt(&index_dir)?;
    eprintln!(
        "reindexed {count} initiative(s) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
