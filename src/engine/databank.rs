//! The databank: one index on disk, its catalog and analyzers, one writer and many readers.
//!
//! This is the engine's front door. The API, the CLI and the tests all go through it:
//! [`Databank::open`], [`Databank::load`] (validate + upsert), [`Databank::search`],
//! [`Databank::get`], [`Databank::delete`], [`Databank::facet_totals`].
//!
//! Writes are serialised by a mutex around the single `IndexWriter`; each write commits (tantivy
//! fsyncs the segment files and `meta.json`) and reloads the reader before returning, so what a
//! call acknowledged is durable and visible to the next search, all at once.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};
use tantivy::index::SegmentId;
use tantivy::indexer::{LogMergePolicy, UserOperation};
use tantivy::schema::{IndexRecordOption, Value as _};
use tantivy::{
    DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
    TERMINATED,
};

use crate::engine::analysis::detection::LanguageDetector;
use crate::engine::analysis::multilingual::tagged;
use crate::engine::analysis::Analysis;
use crate::engine::catalog::Catalog;
use crate::engine::directory::GroupSyncDirectory;
use crate::engine::document::{FieldError, Initiative, RowReport, Validator};
use crate::engine::error::{Error, Result};
use crate::engine::indexer::{to_document, Fingerprint};
use crate::engine::query::cities::CityNames;
use crate::engine::schema::{build_schema, IndexFields};

/// Memory the index writer may use before it flushes a segment.
const WRITER_MEMORY_BYTES: usize = 256 * 1024 * 1024;

/// The writer's indexing threads (tantivy's own choice for [`tantivy::Index::writer`]).
static INDEXING_THREADS: std::sync::LazyLock<usize> =
    std::sync::LazyLock::new(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)));

/// The smallest group of documents worth a segment (and an indexing thread) of its own.
const DOCS_PER_INDEXING_GROUP: usize = 2_000;

/// Segments of a size that wait, during a load of several batches, before tantivy merges
/// them (see [`Databank::load_batches`]).
const LOAD_SEGMENTS_BEFORE_MERGE: usize = 32;

/// Fewer merges while it lives: the writer's merge policy for a load of several batches,
/// tantivy's default again when dropped.
struct MergesDeferred<'a>(&'a Databank);

impl<'a> MergesDeferred<'a> {
    fn new(databank: &'a Databank) -> Self {
        let mut policy = LogMergePolicy::default();
        policy.set_min_num_segments(LOAD_SEGMENTS_BEFORE_MERGE);
        databank.set_merge_policy(policy);
        MergesDeferred(databank)
    }
}

impl Drop for MergesDeferred<'_> {
    fn drop(&mut self) {
        self.0.set_merge_policy(LogMergePolicy::default());
    }
}

/// The locked writer (present by construction).
struct WriterGuard<'a>(MutexGuard<'a, Option<IndexWriter>>);

impl std::ops::Deref for WriterGuard<'_> {
    type Target = IndexWriter;
    fn deref(&self) -> &IndexWriter {
        self.0.as_ref().expect("checked when locked")
    }
}

impl std::ops::DerefMut for WriterGuard<'_> {
    fn deref_mut(&mut self) -> &mut IndexWriter {
        self.0.as_mut().expect("checked when locked")
    }
}

/// The outcome of a write.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LoadSummary {
    /// Documents received.
    pub received: usize,
    /// New ids written.
    pub created: usize,
    /// Existing ids rewritten with new content.
    pub updated: usize,
    /// Existing ids re-sent identical (not rewritten).
    pub unchanged: usize,
    /// Rows that failed validation.
    pub rejected: Vec<RowReport>,
    /// Ids given more than once in the batch (the last one was kept).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<Duplicate>,
    /// Whether anything was committed.
    pub committed: bool,
}

/// An id given more than once in one batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Duplicate {
    /// The id.
    pub id: String,
    /// Every line that gave it.
    pub lines: Vec<usize>,
    /// The line that was kept (the last; when it is rejected, no row of the id is written).
    pub kept_line: usize,
}

/// What to do when some rows of a batch are invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnError {
    /// Write nothing (the default).
    #[default]
    Abort,
    /// Write the valid rows, report the others.
    Skip,
}

/// A submitted row: its 1-based line and the parsed JSON value (or a parse error).
#[derive(Debug, Clone)]
pub struct SubmittedRow {
    /// 1-based line (NDJSON line, array element, CSV row).
    pub line: usize,
    /// The document, or why it could not be read.
    pub value: std::result::Result<Value, Unreadable>,
}

/// A submitted row that could not be read as a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// Why.
    pub message: String,
    /// The id the row seems to give, when one can be made out (for the report).
    pub id: Option<String>,
}

impl From<String> for Unreadable {
    fn from(message: String) -> Self {
        Unreadable { message, id: None }
    }
}

/// A validated batch, ready to be written (see [`Databank::prepare`]).
#[derive(Debug)]
pub struct PreparedBatch {
    /// The counts so far: received, rejected, duplicates.
    summary: LoadSummary,
    /// The documents to write (the last of each id).
    batch: Vec<Prepared>,
    /// Whether nothing may be written (invalid rows with [`OnError::Abort`]).
    abort: bool,
    /// Whether nothing is to be written (a dry run: the report only).
    dry_run: bool,
}

/// A valid document of a batch: the initiative, its fingerprint and, unless the batch is not
/// to be written, its tantivy document.
#[derive(Debug)]
struct Prepared {
    initiative: Initiative,
    hash: u64,
    document: Option<TantivyDocument>,
}

/// A document to write, and whether it replaces a stored one with the same id.
struct Upsert {
    id: String,
    document: TantivyDocument,
    replaces: bool,
}

/// The search engine over one index directory.
pub struct Databank {
    pub(crate) catalog: Catalog,
    pub(crate) analysis: Analysis,
    pub(crate) fields: IndexFields,
    index: Index,
    reader: IndexReader,
    /// The single writer; `None` when opened read-only or closed.
    writer: Mutex<Option<IndexWriter>>,
    detector: LanguageDetector,
    /// Concept names (thesaurus, taxonomy titles) for cross-language search.
    pub(crate) concepts: crate::engine::query::concepts::ConceptMatcher,
    /// The suggester of the last index generation it was built for.
    pub(crate) suggest_cache: Mutex<crate::engine::suggest::SuggestCache>,
    /// Held while a suggester is built (one build at a time).
    pub(crate) suggest_build: Mutex<()>,
    /// The city names of the last index generation asked for (see [`Databank::city_names`]).
    city_names: Mutex<Option<(u64, Arc<CityNames>)>>,
    /// Analyzers that hold at least one document (queries skip the others).
    active_analyzers: RwLock<Vec<String>>,
    /// Set while a commit has not reached the reader yet (see [`Databank::writer_searcher`]).
    reader_behind: AtomicBool,
    /// When this process last committed a write (see [`Databank::compact_when_quiet`]).
    last_write: Mutex<Option<Instant>>,
    directory: PathBuf,
}

impl Databank {
    /// Opens the index in `directory` for reading and writing, creating it (and the directory)
    /// when absent. Fails with [`Error::Locked`] when another process writes to it.
    pub fn open(directory: &Path, catalog: Catalog) -> Result<Self> {
        Self::open_with(directory, catalog, true)
    }

    /// Opens an existing index for searching only (no writer lock is taken).
    pub fn open_read_only(directory: &Path, catalog: Catalog) -> Result<Self> {
        Self::open_with(directory, catalog, false)
    }

    fn open_with(directory: &Path, catalog: Catalog, writable: bool) -> Result<Self> {
        crate::allocator::configure();
        if writable {
            std::fs::create_dir_all(directory)?;
        } else if !directory.join("meta.json").exists() {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "no index in {}; start `databank serve` or run `databank import` first",
                    directory.display()
                ),
            )));
        }
        let analysis = Analysis::new(&catalog);
        let files = GroupSyncDirectory::open(directory)
            .map_err(|err| Error::Io(std::io::Error::other(err.to_string())))?;
        let index = if Index::exists(&files)
            .map_err(|err| Error::Io(std::io::Error::other(err.to_string())))?
        {
            Index::open(files)?
        } else {
            Index::create(files, build_schema(&catalog), Default::default())?
        };
        analysis.register(&index);
        let fields = IndexFields::resolve(&index.schema(), &catalog)?;
        let writer = if writable {
            let writer = index
                .writer_with_num_threads(*INDEXING_THREADS, WRITER_MEMORY_BYTES)
                .map_err(|err| match err {
                    tantivy::TantivyError::LockFailure(..) => {
                        Error::Locked(directory.display().to_string())
                    }
                    other => Error::Index(other),
                })?;
            Some(writer)
        } else {
            None
        };
        let reader = index
            .reader_builder()
            .reload_policy(if writable {
                ReloadPolicy::Manual
            } else {
                ReloadPolicy::OnCommitWithDelay
            })
            .try_into()?;
        let detector = LanguageDetector::new(&catalog.detection, &catalog.stopwords_by_language);
        let concepts = crate::engine::query::concepts::ConceptMatcher::new(&catalog);
        let databank = Databank {
            catalog,
            analysis,
            fields,
            index,
            reader,
            writer: Mutex::new(writer),
            detector,
            suggest_cache: Mutex::new(Default::default()),
            suggest_build: Mutex::new(()),
            city_names: Mutex::new(None),
            concepts,
            active_analyzers: RwLock::new(Vec::new()),
            reader_behind: AtomicBool::new(false),
            last_write: Mutex::new(None),
            directory: directory.to_path_buf(),
        };
        databank.refresh_active_analyzers()?;
        Ok(databank)
    }

    /// The catalog the databank was opened with.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The tantivy index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The index directory.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// The city names of `searcher`'s index generation, built on first use (a pass over each
    /// segment's city dictionary: a few hundred names, well under a millisecond). `None` when
    /// they cannot be read (searches then go without the city bonus).
    pub(crate) fn city_names(&self, searcher: &Searcher) -> Option<Arc<CityNames>> {
        let generation = searcher.generation().generation_id();
        let mut cached = self.city_names.lock().ok()?;
        if let Some((built_for, names)) = cached.as_ref() {
            if *built_for == generation {
                return Some(names.clone());
            }
        }
        let names = Arc::new(CityNames::build(searcher).ok()?);
        // A search on an older generation (a commit came meanwhile) does not evict the newer.
        if cached
            .as_ref()
            .is_none_or(|(built_for, _)| *built_for < generation)
        {
            *cached = Some((generation, names.clone()));
        }
        Some(names)
    }

    /// A searcher on the last commit (cheap: take one per request).
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Number of initiatives in the index.
    pub fn len(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// Whether the index holds no initiative.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn active_analyzers(&self) -> Vec<String> {
        self.active_analyzers
            .read()
            .map(|analyzers| analyzers.clone())
            .unwrap_or_default()
    }

    fn refresh_active_analyzers(&self) -> Result<()> {
        let searcher = self.searcher();
        let mut present = BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.analyzer)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                if let Ok(name) = std::str::from_utf8(stream.key()) {
                    present.insert(name.to_string());
                }
            }
        }
        if let Ok(mut active) = self.active_analyzers.write() {
            *active = present.into_iter().collect();
        }
        Ok(())
    }

    /// Validates one submitted document.
    pub fn validate(
        &self,
        value: Value,
    ) -> std::result::Result<Initiative, Vec<crate::engine::document::FieldError>> {
        Validator::new(&self.catalog, &self.detector).validate(value)
    }

    /// Validates and writes a batch. With [`OnError::Abort`] nothing is written when any row is
    /// invalid (the summary lists them, `committed: false`); with `dry_run` nothing is written.
    /// Duplicate ids in a batch: the last one wins.
    pub fn load(
        &self,
        rows: Vec<SubmittedRow>,
        on_error: OnError,
        dry_run: bool,
    ) -> Result<LoadSummary> {
        let prepared = self.prepare(rows, on_error, dry_run);
        self.write_prepared(prepared)
    }

    /// Loads batches one after the other, each as [`Databank::load`] would (validated, written
    /// and committed on its own, all or nothing), but pipelined: the next batch is validated
    /// and its documents built while the previous one is indexed and committed, so both cores
    /// stay busy. `written` receives each batch's summary, in order. Stops at the first
    /// batch that fails to write (the batches before it stay committed).
    ///
    /// While it runs, tantivy merges segments only when [`LOAD_SEGMENTS_BEFORE_MERGE`] of a
    /// size wait (instead of 8): merging the first batches' segments while later ones are
    /// indexed took a tenth of a 100,000-document build's CPU, and those documents were merged
    /// again by the compaction that follows a load ([`Databank::compact_when_quiet`]).
    pub fn load_batches(
        &self,
        batches: impl Iterator<Item = Vec<SubmittedRow>> + Send,
        on_error: OnError,
        mut written: impl FnMut(LoadSummary),
    ) -> Result<()> {
        let _merges_deferred = MergesDeferred::new(self);
        std::thread::scope(|scope| {
            // One batch prepared ahead: enough to overlap, without holding the whole input's
            // documents in memory.
            let (ready, prepared) = std::sync::mpsc::sync_channel::<PreparedBatch>(1);
            scope.spawn(move || {
                for rows in batches {
                    if ready.send(self.prepare(rows, on_error, false)).is_err() {
                        // The writer stopped on an error.
                        break;
                    }
                }
            });
            for batch in prepared {
                written(self.write_prepared(batch)?);
            }
            Ok(())
        })
    }

    /// The first half of [`Databank::load`]: validates a batch, settles its duplicates and,
    /// unless nothing is to be written (`dry_run`, or invalid rows with [`OnError::Abort`]),
    /// builds its tantivy documents. Touches no index, so it can run while another batch is
    /// written.
    pub fn prepare(
        &self,
        rows: Vec<SubmittedRow>,
        on_error: OnError,
        dry_run: bool,
    ) -> PreparedBatch {
        let mut summary = LoadSummary {
            received: rows.len(),
            ..LoadSummary::default()
        };
        // Validation (and language detection) in parallel, on rayon's persistent threads.
        let checked: Vec<_> = rows
            .into_par_iter()
            .map(|row| {
                let value = match row.value {
                    Ok(value) => value,
                    Err(unreadable) => {
                        return Err(RowReport {
                            line: row.line,
                            id: unreadable.id,
                            errors: vec![FieldError {
                                field: String::new(),
                                message: unreadable.message,
                            }],
                        })
                    }
                };
                let id = value.get("id").and_then(Value::as_str).map(str::to_string);
                let hash = submitted_fingerprint(&value);
                match self.validate(value) {
                    Ok(initiative) => Ok((row.line, initiative, hash)),
                    Err(errors) => Err(RowReport {
                        line: row.line,
                        id,
                        errors,
                    }),
                }
            })
            .collect();
        let mut valid: Vec<(usize, Initiative, u64)> = Vec::with_capacity(checked.len());
        for result in checked {
            match result {
                Ok(row) => valid.push(row),
                Err(report) => summary.rejected.push(report),
            }
        }
        // The last occurrence of an id wins, even when it is rejected (then no row of that id
        // is written: an earlier version is not what was sent last); the report lists them.
        let mut lines_by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let rejected_ids = summary
            .rejected
            .iter()
            .filter_map(|report| Some((report.line, report.id.as_deref()?.trim())));
        for (line, id) in valid
            .iter()
            .map(|(line, initiative, _)| (*line, initiative.id.as_str()))
            .chain(rejected_ids)
        {
            lines_by_id.entry(id.to_string()).or_default().push(line);
        }
        let mut last_line: BTreeMap<String, usize> = BTreeMap::new();
        summary.duplicates = lines_by_id
            .into_iter()
            .filter_map(|(id, mut lines)| {
                lines.sort_unstable();
                let kept_line = lines.last().copied().unwrap_or_default();
                last_line.insert(id.clone(), kept_line);
                (lines.len() > 1).then_some(Duplicate {
                    kept_line,
                    id,
                    lines,
                })
            })
            .collect();
        let kept: Vec<(Initiative, u64)> = valid
            .into_iter()
            .filter(|(line, initiative, _)| last_line.get(&initiative.id) == Some(line))
            .map(|(_, initiative, hash)| (initiative, hash))
            .collect();
        let abort = on_error == OnError::Abort && !summary.rejected.is_empty();
        let build = !abort && !dry_run;
        // The documents are built here, in parallel, before the writer is taken; tantivy's
        // threads then tokenise them and build the postings.
        let batch = kept
            .into_par_iter()
            .map(|(initiative, hash)| {
                let document = build.then(|| {
                    to_document(
                        &initiative,
                        hash,
                        &self.catalog,
                        &self.analysis,
                        &self.fields,
                    )
                });
                Prepared {
                    initiative,
                    hash,
                    document,
                }
            })
            .collect();
        PreparedBatch {
            summary,
            batch,
            abort,
            dry_run,
        }
    }

    /// The second half of [`Databank::load`]: writes a prepared batch and commits it (unless
    /// it was aborted or `dry_run`).
    pub fn write_prepared(&self, prepared: PreparedBatch) -> Result<LoadSummary> {
        let PreparedBatch {
            mut summary,
            batch,
            abort,
            dry_run,
        } = prepared;
        // Writes are serialised: the counts below and the commit see the same index.
        let writer = if dry_run || abort {
            None
        } else {
            Some(self.lock_writer()?)
        };
        let searcher = if writer.is_some() {
            self.writer_searcher()?
        } else {
            self.searcher()
        };
        // The stored versions, looked up in parallel (with the writer locked, the searcher
        // sees the last commit).
        let stored: Vec<Option<bool>> = batch
            .par_iter()
            .map(|prepared| self.stored_unchanged(&searcher, prepared))
            .collect::<Result<_>>()?;
        let mut to_write = Vec::with_capacity(batch.len());
        for (prepared, stored) in batch.into_iter().zip(stored) {
            let replaces = match stored {
                None => {
                    summary.created += 1;
                    false
                }
                Some(true) => {
                    summary.unchanged += 1;
                    continue;
                }
                Some(false) => {
                    summary.updated += 1;
                    true
                }
            };
            // Built by `prepare` whenever the batch is to be written (then there is a writer).
            if let Some(document) = prepared.document {
                to_write.push(Upsert {
                    id: prepared.initiative.id,
                    document,
                    replaces,
                });
            }
        }
        let Some(writer) = writer else {
            if abort && !dry_run {
                // Nothing was written: counts would read as if it had been.
                summary.created = 0;
                summary.updated = 0;
                summary.unchanged = 0;
            }
            return Ok(summary);
        };
        if !to_write.is_empty() {
            self.write(writer, to_write)?;
        }
        summary.committed = true;
        Ok(summary)
    }

    /// Adds a batch and commits it: durable (fsynced) and visible all at once when this returns.
    fn write(&self, mut writer: WriterGuard<'_>, batch: Vec<Upsert>) -> Result<()> {
        // A batch goes to tantivy in groups, each indexed by one thread into one segment: a
        // small batch in one group (a segment per thread would multiply the files to sync and
        // the segments to merge), a large one split among the threads.
        let groups = (batch.len() / DOCS_PER_INDEXING_GROUP).clamp(1, *INDEXING_THREADS);
        let group_size = batch.len().div_ceil(groups).max(1);
        let mut upserts = batch.into_iter().peekable();
        while upserts.peek().is_some() {
            let mut operations = Vec::with_capacity(group_size * 2);
            for upsert in upserts.by_ref().take(group_size) {
                // A delete costs a term lookup in every segment at commit: only ids that are
                // in the index get one.
                if upsert.replaces {
                    operations.push(UserOperation::Delete(Term::from_field_text(
                        self.fields.id,
                        &upsert.id,
                    )));
                }
                operations.push(UserOperation::Add(upsert.document));
            }
            if let Err(err) = writer.run(operations) {
                // Nothing of a batch is kept unless all of it is.
                let _ = writer.rollback();
                return Err(err.into());
            }
        }
        self.commit(&mut writer)?;
        drop(writer);
        self.refresh_active_analyzers()
    }

    /// Commits (tantivy fsyncs the segments and `meta.json`), fsyncs the index directory so
    /// the new `meta.json` survives a power loss, and makes the commit visible to searches.
    /// The commit's payload is a [`CommitStamp`]: its time, read back by
    /// [`Databank::last_commit`], and the index's term format.
    fn commit(&self, writer: &mut IndexWriter) -> Result<()> {
        // Until the reader is reloaded, the writer's lookups must not trust it.
        self.reader_behind.store(true, Ordering::SeqCst);
        let stamp = CommitStamp {
            committed_at: commit_time(),
            term_format: TERM_FORMAT.to_string(),
        };
        let payload = serde_json::to_string(&stamp)
            .map_err(|err| Error::Io(std::io::Error::other(err.to_string())))?;
        let committed = writer.prepare_commit().and_then(|mut prepared| {
            prepared.set_payload(&payload);
            prepared.commit()
        });
        if let Err(err) = committed {
            let _ = writer.rollback();
            return Err(err.into());
        }
        if let Ok(mut last_write) = self.last_write.lock() {
            *last_write = Some(Instant::now());
        }
        #[cfg(unix)]
        std::fs::File::open(&self.directory)?.sync_all()?;
        self.reader.reload()?;
        self.reader_behind.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// Merges the index's segments into one, when it has several and none is being merged
    /// (a background merge, another compaction): a search then looks each term up once
    /// instead of once per segment. Which documents searches find does not change (their
    /// scores may: deleted documents leave the term statistics). Waits for a load in progress
    /// to start the merge, then for the merge, which loads do not wait for; true when
    /// segments were merged.
    pub fn compact(&self) -> Result<bool> {
        self.merge_segments(self.lock_writer()?)
    }

    /// Compacts (see [`Databank::compact`]) when nothing was written for `quiet` and no load
    /// holds the writer: a server calls it now and then, so that the segments a load leaves
    /// are merged once the load is over, not while it runs.
    pub fn compact_when_quiet(&self, quiet: Duration) -> Result<bool> {
        if !self.quiet_for(quiet) {
            return Ok(false);
        }
        // A merge tantivy started itself (after 8 segments) commits after the load that set
        // it off: the searches would go on reading the merged-away segments, through files
        // already deleted, until the next write.
        let on_disk: HashSet<SegmentId> =
            self.index.searchable_segment_ids()?.into_iter().collect();
        let searched: HashSet<SegmentId> = self
            .searcher()
            .segment_readers()
            .iter()
            .map(|reader| reader.segment_id())
            .collect();
        if on_disk != searched {
            self.reader.reload()?;
        }
        if on_disk.len() < 2 {
            return Ok(false);
        }
        let guard = match self.writer.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::WouldBlock) => return Ok(false),
            Err(std::sync::TryLockError::Poisoned(_)) => {
                return Err(Error::Io(std::io::Error::other("index writer poisoned")))
            }
        };
        if guard.is_none() {
            return Ok(false);
        }
        self.merge_segments(WriterGuard(guard))
    }

    /// Whether this process has committed no write for `quiet` (or none since it started).
    pub fn quiet_for(&self, quiet: Duration) -> bool {
        self.last_write
            .lock()
            .is_ok_and(|last| last.is_none_or(|at| at.elapsed() >= quiet))
    }

    fn merge_segments(&self, mut writer: WriterGuard<'_>) -> Result<bool> {
        let segments = self.index.searchable_segment_ids()?;
        if segments.len() < 2 {
            return Ok(false);
        }
        let merge = writer.merge(&segments);
        // The merge runs on tantivy's merge thread: loads may commit meanwhile (tantivy
        // applies their deletes to the merged segment), instead of waiting seconds for it.
        drop(writer);
        // Refused (`Err`) when a segment is already being merged: a later compaction will do.
        if merge.wait().is_err() {
            return Ok(false);
        }
        #[cfg(unix)]
        std::fs::File::open(&self.directory)?.sync_all()?;
        self.reader.reload()?;
        Ok(true)
    }

    /// How many segments the searches read.
    pub fn segment_count(&self) -> usize {
        self.searcher().segment_readers().len()
    }

    /// When the index was last committed (RFC 3339, UTC): the payload of the last commit, or,
    /// for an index committed before commits carried their time, the modification time of its
    /// `meta.json`. `None` for an index never committed.
    pub fn last_commit(&self) -> Result<Option<String>> {
        if let Some(payload) = self.index.load_metas()?.payload {
            return Ok(Some(match serde_json::from_str::<CommitStamp>(&payload) {
                Ok(stamp) => stamp.committed_at,
                // Before commits carried a stamp, the payload was the time alone.
                Err(_) => payload,
            }));
        }
        let modified = match std::fs::metadata(self.directory.join("meta.json")) {
            Ok(metadata) => metadata.modified()?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err.into()),
        };
        Ok(Some(rfc3339(time::OffsetDateTime::from(modified))))
    }

    /// Whether the index's terms are in the format this build queries ([`TERM_FORMAT`]): true
    /// for an empty index; false for one written by an older build, which must be rebuilt from
    /// its stored documents ([`open_upgraded`] does it) before its searches are right.
    pub fn term_format_is_current(&self) -> Result<bool> {
        if self.searcher().num_docs() == 0 {
            return Ok(true);
        }
        let payload = self.index.load_metas()?.payload.unwrap_or_default();
        Ok(serde_json::from_str::<CommitStamp>(&payload)
            .is_ok_and(|stamp| stamp.term_format == TERM_FORMAT))
    }

    /// A searcher on the last commit, for a writer (call with the writer locked): reloads the
    /// reader if the last commit could not (which ids exist decides whether a write deletes).
    fn writer_searcher(&self) -> Result<Searcher> {
        if self.reader_behind.load(Ordering::SeqCst) {
            self.reader.reload()?;
            self.reader_behind.store(false, Ordering::SeqCst);
        }
        Ok(self.searcher())
    }

    /// Deletes an initiative; false when there was none with that id.
    pub fn delete(&self, id: &str) -> Result<bool> {
        let mut writer = self.lock_writer()?;
        if self.doc_address(&self.writer_searcher()?, id)?.is_none() {
            return Ok(false);
        }
        writer.delete_term(Term::from_field_text(self.fields.id, id));
        self.commit(&mut writer)?;
        Ok(true)
    }

    /// Sets the writer's merge policy (nothing on a read-only databank).
    fn set_merge_policy(&self, policy: LogMergePolicy) {
        if let Ok(writer) = self.writer.lock() {
            if let Some(writer) = writer.as_ref() {
                writer.set_merge_policy(Box::new(policy));
            }
        }
    }

    fn lock_writer(&self) -> Result<WriterGuard<'_>> {
        let guard = self
            .writer
            .lock()
            .map_err(|_| Error::Io(std::io::Error::other("index writer poisoned")))?;
        if guard.is_none() {
            return Err(Error::Io(std::io::Error::other(
                "the index is open read-only or closed",
            )));
        }
        Ok(WriterGuard(guard))
    }

    /// Stops writing: waits for background merges and releases the writer lock. Later writes
    /// fail; searches go on.
    pub fn close(&self) -> Result<()> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| Error::Io(std::io::Error::other("index writer poisoned")))?
            .take();
        if let Some(writer) = writer {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }

    /// Where the live document with this id is (a direct postings lookup, no collector).
    pub(crate) fn doc_address(
        &self,
        searcher: &Searcher,
        id: &str,
    ) -> Result<Option<tantivy::DocAddress>> {
        let term = Term::from_field_text(self.fields.id, id);
        for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(self.fields.id)?;
            let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|bits| bits.is_alive(doc)) {
                    return Ok(Some(tantivy::DocAddress::new(ordinal as u32, doc)));
                }
                doc = postings.advance();
            }
        }
        Ok(None)
    }

    /// Whether the stored version of a prepared document is the same (`None`: none stored).
    /// Same: submitted identically (the fingerprints match), or the document now stored
    /// would be exactly the one stored — as when an export, which holds the fields the server
    /// set (`language_detected`, `updated_at`), is imported back — its `updated_at` aside when
    /// the server set it now (a spreadsheet row sent again after a reindex, which stored the
    /// documents as exported).
    fn stored_unchanged(&self, searcher: &Searcher, prepared: &Prepared) -> Result<Option<bool>> {
        let Some(address) = self.doc_address(searcher, &prepared.initiative.id)? else {
            return Ok(None);
        };
        let segment = searcher.segment_reader(address.segment_ord);
        let column = segment.fast_fields().u64("submitted_hash")?;
        if column.first(address.doc_id) == Some(prepared.hash) {
            return Ok(Some(true));
        }
        let mut stored = self.stored_source(searcher, address)?;
        let source = &prepared.initiative.source;
        if prepared.initiative.updated_at_set {
            // Every field but the `updated_at` the server just set.
            stored.remove("updated_at");
            let same = stored.len() + 1 == source.len()
                && stored
                    .iter()
                    .all(|(field, value)| source.get(field) == Some(value));
            return Ok(Some(same));
        }
        Ok(Some(stored == *source))
    }

    /// The stored document of an initiative, as loaded (plus fields the server set).
    pub fn get(&self, id: &str) -> Result<Map<String, Value>> {
        let searcher = self.searcher();
        let address = self
            .doc_address(&searcher, id)?
            .ok_or_else(|| Error::NotFound(id.to_string()))?;
        self.stored_source(&searcher, address)
    }

    pub(crate) fn stored_source(
        &self,
        searcher: &Searcher,
        address: tantivy::DocAddress,
    ) -> Result<Map<String, Value>> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = doc
            .get_first(self.fields.source)
            .and_then(|value| value.as_str())
            .ok_or_else(|| Error::Stored("document without source".into()))?;
        match serde_json::from_str(text) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(Error::Stored("source is not a JSON object".into())),
        }
    }

    /// Thesaurus terms with (an upper bound of) how many initiatives they match: for each word
    /// of a term, the most documents any of its forms is in; the term, the fewest over its words.
    pub(crate) fn concept_counts(&self, searcher: &Searcher) -> Vec<(String, String, u64)> {
        let mut counts = Vec::new();
        for concept in &self.catalog.thesaurus {
            for (language, terms) in &concept.terms {
                let analyzer = self.analysis.analyzer_for(language);
                for term in terms {
                    let tokens = self.analysis.tokens(analyzer, term);
                    let mut by_position: BTreeMap<usize, u64> = BTreeMap::new();
                    for token in tokens {
                        let mut most = 0;
                        for field in self.fields.text.values() {
                            let frequency = searcher
                                .doc_freq(&Term::from_field_text(
                                    *field,
                                    &tagged(analyzer, &token.text),
                                ))
                                .unwrap_or(0);
                            most = most.max(frequency);
                        }
                        let entry = by_position.entry(token.position).or_insert(0);
                        *entry = (*entry).max(most);
                    }
                    let count = by_position.values().copied().min().unwrap_or(0);
                    if count > 0 {
                        counts.push((term.clone(), language.clone(), count));
                    }
                }
            }
        }
        counts
    }

    /// Every stored document (as loaded), in index order.
    pub fn export(&self, mut sink: impl FnMut(Map<String, Value>) -> Result<()>) -> Result<u64> {
        let searcher = self.searcher();
        let mut exported = 0;
        for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|bits| !bits.is_alive(doc)) {
                    continue;
                }
                let address = tantivy::DocAddress::new(ordinal as u32, doc);
                sink(self.stored_source(&searcher, address)?)?;
                exported += 1;
            }
        }
        Ok(exported)
    }

    /// Loads the seed data embedded in the binary; returns how many initiatives were written.
    pub fn load_seed(&self) -> Result<usize> {
        let mut rows = Vec::new();
        for (name, contents) in crate::resources::seed_files() {
            for (index, line) in contents.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                rows.push(SubmittedRow {
                    line: index + 1,
                    value: serde_json::from_str(line)
                        .map_err(|err| format!("{name}: {err}").into()),
                });
            }
        }
        let summary = self.load(rows, OnError::Skip, false)?;
        if !summary.rejected.is_empty() {
            tracing::warn!(
                rejected = summary.rejected.len(),
                "seed documents rejected: {:?}",
                summary.rejected
            );
        }
        Ok(summary.created + summary.updated)
    }
}

/// How the terms of the text fields are written. Queries of this build only find terms of
/// this format; an index with another is rebuilt from its stored documents on open.
/// `tagged-1`: every term carries its analyzer's tag (`spanish:huert`, see
/// `analysis::multilingual`). `tagged-2`: and words are analysed in their NFKC form (decomposed
/// accents and Hangul, full-width letters: see `analysis::language_tokenizer`). `tagged-3`: Thai,
/// Lao, Khmer and Myanmar in bigrams, Traditional Chinese read as Simplified, and only accents
/// folded (not Indic or Thai vowel signs, nor Cyrillic `й`, `ї`: see `analysis::folding`).
/// `tagged-4`: a Catalan stem of three letters or fewer gives way to a light stem (see
/// `analysis::stem_cache`). `tagged-5`: a soft hyphen or joiner inside a word no longer splits
/// it. Older indexes have no format (their terms were untagged).
pub const TERM_FORMAT: &str = "tagged-5";

/// What each commit records in its payload.
#[derive(Debug, Serialize, serde::Deserialize)]
struct CommitStamp {
    /// When (RFC 3339, UTC, to the second).
    committed_at: String,
    /// The [`TERM_FORMAT`] of the build that committed.
    term_format: String,
}

/// Opens the index in `index_dir` for writing, first rebuilding it from its stored documents
/// when an older build wrote its terms in another format ([`Databank::term_format_is_current`]),
/// as `databank reindex` would. Returns the databank and how many documents were rebuilt.
pub fn open_upgraded(index_dir: &Path, catalog: Catalog) -> Result<(Databank, Option<u64>)> {
    let databank = Databank::open(index_dir, catalog.clone())?;
    if databank.term_format_is_current()? {
        return Ok((databank, None));
    }
    tracing::warn!(
        dir = %index_dir.display(),
        "the index was written by an older build (term format); rebuilding it from the stored documents"
    );
    let count = rebuild(&databank, catalog.clone())?;
    databank.close()?;
    drop(databank);
    swap_in_rebuilt(index_dir)?;
    Ok((Databank::open(index_dir, catalog)?, Some(count)))
}

/// The time a commit records: now, UTC, to the second.
fn commit_time() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

fn rfc3339(moment: time::OffsetDateTime) -> String {
    let moment = moment
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(moment);
    moment
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Where a rebuilt index is built before it is swapped in, beside `index_dir`.
pub fn rebuild_dir(index_dir: &Path) -> PathBuf {
    index_dir.with_extension("reindex")
}

fn retired_dir(index_dir: &Path) -> PathBuf {
    index_dir.with_extension("old")
}

/// Rebuilds every stored document of `old` into a new index in [`rebuild_dir`] (for a schema or
/// analyzer change). Returns how many were indexed; fails, leaving `old` untouched, when a
/// stored document no longer validates.
pub fn rebuild(old: &Databank, catalog: Catalog) -> Result<u64> {
    let fresh_dir = rebuild_dir(old.directory());
    if fresh_dir.exists() {
        std::fs::remove_dir_all(&fresh_dir)?;
    }
    let fresh = Databank::open(&fresh_dir, catalog)?;
    let mut rows = Vec::new();
    let count = old.export(|document| {
        rows.push(SubmittedRow {
            line: rows.len() + 1,
            value: Ok(Value::Object(document)),
        });
        Ok(())
    })?;
    let mut rejected = Vec::new();
    let mut rows = rows.into_iter();
    let batches = std::iter::from_fn(|| {
        let batch: Vec<SubmittedRow> = rows.by_ref().take(10_000).collect();
        (!batch.is_empty()).then_some(batch)
    });
    fresh.load_batches(batches, OnError::Skip, |summary| {
        rejected.extend(summary.rejected)
    })?;
    drop(fresh);
    if !rejected.is_empty() {
        let _ = std::fs::remove_dir_all(&fresh_dir);
        return Err(Error::InvalidDocuments(rejected));
    }
    Ok(count)
}

/// Puts the index rebuilt by [`rebuild`] in place of `index_dir` (two renames; see
/// [`finish_interrupted_swap`] for a crash between them). The old index's files are removed;
/// processes that still have them open keep reading them until they close them.
pub fn swap_in_rebuilt(index_dir: &Path) -> Result<()> {
    let retired = retired_dir(index_dir);
    if retired.exists() {
        std::fs::remove_dir_all(&retired)?;
    }
    std::fs::rename(index_dir, &retired)?;
    std::fs::rename(rebuild_dir(index_dir), index_dir)?;
    if let Some(parent) = index_dir.parent() {
        #[cfg(unix)]
        std::fs::File::open(parent)?.sync_all()?;
    }
    std::fs::remove_dir_all(&retired)?;
    Ok(())
}

/// Repairs what a crash during a swap or a rebuild left: an index that was moved aside but not
/// replaced is put back; an unfinished rebuild is removed.
pub fn finish_interrupted_swap(index_dir: &Path) -> Result<()> {
    let retired = retired_dir(index_dir);
    let fresh = rebuild_dir(index_dir);
    if !index_dir.join("meta.json").exists() && fresh.join("meta.json").exists() && retired.exists()
    {
        // Crashed between the two renames: the rebuilt index is complete (it was closed).
        std::fs::rename(&fresh, index_dir)?;
    }
    if !index_dir.join("meta.json").exists() && retired.join("meta.json").exists() {
        std::fs::rename(&retired, index_dir)?;
    }
    if retired.exists() {
        std::fs::remove_dir_all(&retired)?;
    }
    if fresh.exists() {
        std::fs::remove_dir_all(&fresh)?;
    }
    Ok(())
}

/// The fingerprint of a submitted document (an identical re-send has the same one).
pub fn submitted_fingerprint(value: &Value) -> u64 {
    let mut hasher = Fingerprint::default();
    // The same bytes as `value.to_string()` (writing to the hasher cannot fail).
    let _ = serde_json::to_writer(&mut hasher, value);
    hasher.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge_policy(databank: &Databank) -> String {
        let writer = databank.lock_writer().expect("writer");
        format!(
            "{:?}",
            writer.0.as_ref().expect("writable").get_merge_policy()
        )
    }

    #[test]
    fn a_load_of_several_batches_defers_merges_and_then_restores_the_policy() {
        let dir = tempfile::tempdir().expect("temp dir");
        let databank =
            Databank::open(dir.path(), Catalog::embedded().expect("catalog")).expect("open");
        let default_policy = merge_policy(&databank);
        assert!(
            default_policy.contains("min_num_segments: 8"),
            "{default_policy}"
        );
        // Twelve batches, each committed as a segment of its own: past tantivy's 8, no merge.
        let batches = (0..12).map(|batch| {
            vec![SubmittedRow {
                line: 1,
                value: Ok(serde_json::json!({
                    "id": format!("b-{batch}"),
                    "title": format!("Huerto escolar {batch}"),
                    "description": "Las familias cultivan el huerto de la escuela.",
                    "city": "Vigo",
                    "country": "ES",
                    "themes": ["environment"],
                    "language": "es"
                })),
            }]
        });
        let mut commits = 0;
        databank
            .load_batches(batches, OnError::Abort, |summary| {
                assert!(summary.committed);
                commits += 1;
            })
            .expect("load");
        assert_eq!(commits, 12);
        assert_eq!(databank.segment_count(), 12);
        assert_eq!(merge_policy(&databank), default_policy);
    }
}
