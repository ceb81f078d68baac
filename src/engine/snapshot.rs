//! Consistent copies of an index (backups), putting one back (restore), and the identity of a
//! commit (what HTTP caching keys on).
//!
//! tantivy never changes a file once it is written: a commit is `meta.json` plus the segment
//! files it names, and a later commit or merge only adds files and removes unused ones. So a
//! snapshot reads `meta.json` once, hard-links (or, across file systems, copies) exactly the
//! files that commit names, and writes that same `meta.json` last; when a merge removes a file
//! in between, it starts again. A snapshot taken while the server loads therefore holds exactly
//! the batches committed before it read `meta.json`, never half a batch, and it needs no lock:
//! it works from another process while the server runs.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::databank::{rebuild_dir, swap_in_rebuilt};
use super::{Catalog, Databank, Error, Result};

/// How often a snapshot starts again when merges keep removing the files it is linking.
const ATTEMPTS: usize = 20;

/// What a snapshot holds.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SnapshotInfo {
    /// Where it is.
    #[schema(value_type = String)]
    pub path: PathBuf,
    /// Initiatives in it.
    pub documents: u64,
    /// The commit's operation stamp (grows with every commit).
    pub opstamp: u64,
    /// Files in it (`meta.json` included).
    pub files: usize,
    /// Their total size.
    pub bytes: u64,
}

impl Databank {
    /// A number that changes whenever what searches see changes — a commit, or a merge (which
    /// drops deleted documents from the term statistics, so scores and orders may change) —
    /// and is the same for the same segments across restarts.
    pub fn commit_fingerprint(&self) -> u64 {
        let searcher = self.searcher();
        let mut hasher = rustc_hash::FxHasher::default();
        for segment in searcher.segment_readers() {
            segment.segment_id().hash(&mut hasher);
            segment.num_docs().hash(&mut hasher);
            segment.max_doc().hash(&mut hasher);
        }
        hasher.finish()
    }

    /// A consistent copy of the last commit in `destination` (see the module docs).
    pub fn snapshot(&self, destination: &Path) -> Result<SnapshotInfo> {
        snapshot(self.directory(), destination, self.catalog())
    }
}

/// Copies the last commit of the index in `index_dir` to `destination`, which must not exist
/// yet. Works while another process writes to the index.
pub fn snapshot(index_dir: &Path, destination: &Path, catalog: &Catalog) -> Result<SnapshotInfo> {
    if destination.exists() {
        return Err(io_error(format!(
            "{} already exists; a snapshot goes into a new directory",
            destination.display()
        )));
    }
    if !index_dir.join("meta.json").exists() {
        return Err(io_error(format!("no index in {}", index_dir.display())));
    }
    let partial = partial_dir(destination);
    let mut last_error = None;
    for _ in 0..ATTEMPTS {
        if partial.exists() {
            std::fs::remove_dir_all(&partial)?;
        }
        match copy_commit(index_dir, &partial) {
            Ok((opstamp, files, bytes)) => {
                // The copy must open and count like the original did.
                let documents = match Databank::open_read_only(&partial, catalog.clone()) {
                    Ok(copy) => copy.len(),
                    Err(err) => {
                        last_error = Some(err);
                        continue;
                    }
                };
                std::fs::rename(&partial, destination)?;
                sync_parent(destination)?;
                return Ok(SnapshotInfo {
                    path: destination.to_path_buf(),
                    documents,
                    opstamp,
                    files,
                    bytes,
                });
            }
            // A merge removed a file of that commit after `meta.json` was read: start again.
            Err(Error::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => {
                last_error = Some(Error::Io(err));
            }
            Err(err) => {
                let _ = std::fs::remove_dir_all(&partial);
                return Err(err);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&partial);
    Err(last_error.unwrap_or_else(|| io_error("the index kept changing during the snapshot")))
}

/// Puts the snapshot in `snapshot_dir` in place of the index in `index_dir` (which may be
/// absent). Fails without touching anything when the snapshot does not open with `catalog` or
/// when another process (a running server) holds the index. Returns the initiatives restored.
pub fn restore(snapshot_dir: &Path, index_dir: &Path, catalog: &Catalog) -> Result<u64> {
    if !snapshot_dir.join("meta.json").exists() {
        return Err(io_error(format!(
            "{} is not a snapshot (no meta.json there); give the directory `databank backup` wrote",
            snapshot_dir.display()
        )));
    }
    let documents = Databank::open_read_only(snapshot_dir, catalog.clone())
        .map_err(|err| {
            io_error(format!(
                "{} is not a snapshot: {err}",
                snapshot_dir.display()
            ))
        })?
        .len();
    // Holding the writer lock proves no server is writing, and keeps it so until the swap.
    let current = if index_dir.join("meta.json").exists() {
        Some(Databank::open(index_dir, catalog.clone())?)
    } else {
        None
    };
    let staging = rebuild_dir(index_dir);
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(&staging)?;
    for entry in std::fs::read_dir(snapshot_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let is_lock = name.to_string_lossy().ends_with(".lock");
        if entry.file_type()?.is_file() && !is_lock {
            std::fs::copy(entry.path(), staging.join(&name))?;
            std::fs::File::open(staging.join(&name))?.sync_all()?;
        }
    }
    sync_dir(&staging)?;
    match current {
        Some(current) => {
            current.close()?;
            drop(current);
            swap_in_rebuilt(index_dir)?;
        }
        None => {
            if let Some(parent) = index_dir.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if index_dir.exists() {
                std::fs::remove_dir_all(index_dir)?;
            }
            std::fs::rename(&staging, index_dir)?;
            sync_parent(index_dir)?;
        }
    }
    Ok(documents)
}

/// Links or copies the files of the commit that `index_dir/meta.json` names into `target`,
/// then writes that `meta.json` and tantivy's list of managed files. Returns the commit's
/// opstamp, the number of files and their size.
fn copy_commit(index_dir: &Path, target: &Path) -> Result<(u64, usize, u64)> {
    let meta_bytes = std::fs::read(index_dir.join("meta.json"))?;
    let meta: Value = serde_json::from_slice(&meta_bytes)
        .map_err(|err| io_error(format!("meta.json does not parse: {err}")))?;
    let opstamp = meta["opstamp"].as_u64().unwrap_or_default();
    let segments = committed_segments(&meta);
    std::fs::create_dir_all(target)?;
    let mut names = BTreeSet::new();
    let mut bytes = meta_bytes.len() as u64;
    for entry in std::fs::read_dir(index_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !belongs_to_commit(&name, &segments) {
            continue;
        }
        bytes += link_or_copy(&entry.path(), &target.join(&name))?;
        names.insert(name);
    }
    for (segment, _) in &segments {
        if !names.iter().any(|name| name.starts_with(segment.as_str())) {
            // Listed by meta.json but gone: merged away since meta.json was read.
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("segment {segment} vanished"),
            )));
        }
    }
    names.insert("meta.json".to_string());
    let managed = serde_json::to_vec(&names.iter().collect::<Vec<_>>())
        .map_err(|err| io_error(err.to_string()))?;
    write_synced(&target.join(".managed.json"), &managed)?;
    write_synced(&target.join("meta.json"), &meta_bytes)?;
    sync_dir(target)?;
    Ok((opstamp, names.len(), bytes))
}

/// The segments of a commit: id (as in file names) and the opstamp of its deletes, if any.
fn committed_segments(meta: &Value) -> Vec<(String, Option<u64>)> {
    meta["segments"]
        .as_array()
        .map(|segments| {
            segments
                .iter()
                .filter_map(|segment| {
                    let id = segment["segment_id"].as_str()?.replace('-', "");
                    let deletes = segment["deletes"]["opstamp"].as_u64();
                    Some((id, deletes))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a file of the index directory is part of the commit: a component of one of its
/// segments, and for delete files, the one of the commit's opstamp.
fn belongs_to_commit(name: &str, segments: &[(String, Option<u64>)]) -> bool {
    let Some((stem, extension)) = name.split_once('.') else {
        return false;
    };
    let Some((_, deletes)) = segments.iter().find(|(id, _)| id == stem) else {
        return false;
    };
    if extension.ends_with("temp") {
        return false;
    }
    match extension.strip_suffix(".del") {
        Some(opstamp) => deletes.is_some_and(|wanted| opstamp == wanted.to_string()),
        None => true,
    }
}

/// Hard-links `from` to `to` (segment files never change, so the link is a snapshot), copying
/// when linking is impossible (another file system). Returns the file's size.
fn link_or_copy(from: &Path, to: &Path) -> Result<u64> {
    let size = std::fs::metadata(from)?.len();
    match std::fs::hard_link(from, to) {
        Ok(()) => Ok(size),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(err.into()),
        Err(_) => {
            std::fs::copy(from, to)?;
            std::fs::File::open(to)?.sync_all()?;
            Ok(size)
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn sync_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => Ok(()),
    }
}

fn partial_dir(destination: &Path) -> PathBuf {
    let mut name = destination
        .file_name()
        .map(|name| name.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    destination.with_file_name(name)
}

fn io_error(message: impl Into<String>) -> Error {
    Error::Io(std::io::Error::other(message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_files_of_other_commits_are_left_out() {
        let segments = vec![("abc".to_string(), Some(7))];
        assert!(belongs_to_commit("abc.idx", &segments));
        assert!(belongs_to_commit("abc.7.del", &segments));
        assert!(!belongs_to_commit("abc.5.del", &segments));
        assert!(!belongs_to_commit("abc.store.temp", &segments));
        assert!(!belongs_to_commit("def.idx", &segments));
        assert!(!belongs_to_commit("meta.json", &segments));
        let clean = vec![("abc".to_string(), None)];
        assert!(!belongs_to_commit("abc.7.del", &clean));
    }
}
