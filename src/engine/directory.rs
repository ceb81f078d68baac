//! The index directory: tantivy's `MmapDirectory` with its fsyncs grouped at commit time.
//!
//! `MmapDirectory` fsyncs every file when it is finished, and tantivy rewrites (and fsyncs) its
//! list of managed files, `.managed.json`, each time it creates one: a segment of ~8 files
//! costs ~16 fsyncs, one after the other, on the indexing thread that writes it. Each fsync of
//! a newly written file waits for a journal commit (~1-4 ms here), so a commit of a small batch
//! spent much of its time waiting on the disk.
//!
//! This directory keeps the same guarantee with fewer waits. A finished file is only flushed;
//! it is fsynced, together with every other file finished since, in parallel, when tantivy
//! asks for the directory to be synced — which it does right before writing `meta.json`, the
//! file that makes a commit (or a merge) visible. So every file a `meta.json` names is durable
//! before that `meta.json` is written, as before. `.managed.json` is replaced atomically
//! (temporary file + rename) without its own fsync and is fsynced with the others before the
//! next `meta.json`; a power loss between two commits can then only forget files of segments
//! no commit references (they stay on disk unused). A process crash loses nothing: the page
//! cache survives it.
//!
//! Everything else (reads, memory maps, locks, watching `meta.json`) is `MmapDirectory`'s.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// tantivy's list of the files it manages.
const MANAGED_FILE: &str = ".managed.json";

/// Files fsynced at once by one thread when the directory is synced.
const FILES_PER_SYNC_THREAD: usize = 4;

/// An index directory whose file fsyncs wait for the next directory sync (see the module
/// documentation).
#[derive(Clone)]
pub struct GroupSyncDirectory {
    inner: MmapDirectory,
    root: PathBuf,
    /// Files finished since the last sync, still to be fsynced.
    unsynced: Arc<Mutex<Vec<Unsynced>>>,
    /// Numbers the temporary files of atomic writes.
    temporaries: Arc<AtomicU64>,
}

/// A finished file waiting for its fsync.
struct Unsynced {
    path: PathBuf,
    /// The open file; `None` for a file replaced by rename (opened again to be synced).
    file: Option<File>,
}

impl fmt::Debug for GroupSyncDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GroupSyncDirectory({:?})", self.root)
    }
}

impl GroupSyncDirectory {
    /// Opens the directory at `root` (which must exist).
    pub fn open(root: &Path) -> Result<Self, OpenDirectoryError> {
        Ok(GroupSyncDirectory {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
            unsynced: Arc::new(Mutex::new(Vec::new())),
            temporaries: Arc::new(AtomicU64::new(0)),
        })
    }

    fn unsynced(&self) -> std::sync::MutexGuard<'_, Vec<Unsynced>> {
        // A panic while the list was held cannot leave it inconsistent: take it as it is.
        self.unsynced
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Fsyncs every file finished since the last sync, several at a time.
    fn sync_files(&self) -> io::Result<()> {
        let files = std::mem::take(&mut *self.unsynced());
        if files.is_empty() {
            return Ok(());
        }
        let results: Vec<io::Result<()>> = std::thread::scope(|scope| {
            let workers: Vec<_> = files
                .chunks(FILES_PER_SYNC_THREAD)
                .map(|chunk| {
                    scope.spawn(move || -> io::Result<()> {
                        for unsynced in chunk {
                            sync_file(&self.root, unsynced)?;
                        }
                        Ok(())
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|_| Err(io::Error::other("an fsync thread panicked")))
                })
                .collect()
        });
        results.into_iter().collect()
    }

    /// Replaces `path` by `content` atomically (temporary file + rename), without fsync: the
    /// file joins those synced at the next directory sync.
    fn replace_unsynced(&self, path: &Path, content: &[u8]) -> io::Result<()> {
        let number = self.temporaries.fetch_add(1, Ordering::Relaxed);
        let temporary = self.root.join(format!("{}.{number}.tmp", path.display()));
        let written = File::create(&temporary).and_then(|mut file| file.write_all(content));
        if let Err(err) = written.and_then(|()| std::fs::rename(&temporary, self.root.join(path))) {
            let _ = std::fs::remove_file(&temporary);
            return Err(err);
        }
        let mut unsynced = self.unsynced();
        if !unsynced.iter().any(|file| file.path == path) {
            unsynced.push(Unsynced {
                path: path.to_path_buf(),
                file: None,
            });
        }
        Ok(())
    }
}

fn sync_file(root: &Path, unsynced: &Unsynced) -> io::Result<()> {
    match &unsynced.file {
        Some(file) => file.sync_data(),
        None => match File::open(root.join(&unsynced.path)) {
            Ok(file) => file.sync_data(),
            // Replaced and removed since: nothing left to make durable.
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(err),
        },
    }
}

/// A file being written: flushed when finished, fsynced at the next directory sync.
struct GroupSyncFile {
    file: File,
    path: PathBuf,
    unsynced: Arc<Mutex<Vec<Unsynced>>>,
}

impl Write for GroupSyncFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl TerminatingWrite for GroupSyncFile {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.file.flush()?;
        let file = self.file.try_clone()?;
        self.unsynced
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(Unsynced {
                path: self.path.clone(),
                file: Some(file),
            });
        Ok(())
    }
}

impl Directory for GroupSyncDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.unsynced().retain(|file| file.path != path);
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|err| {
                if err.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    OpenWriteError::wrap_io_error(err, path.to_path_buf())
                }
            })?;
        Ok(BufWriter::new(Box::new(GroupSyncFile {
            file,
            path: path.to_path_buf(),
            unsynced: self.unsynced.clone(),
        })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        if path == Path::new(MANAGED_FILE) {
            return self.replace_unsynced(path, data);
        }
        // `meta.json`: fsynced before it is renamed into place.
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.sync_files()?;
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        // The OS lock of `MmapDirectory`, released when the process dies.
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_files_wait_for_the_directory_sync() {
        let dir = tempfile::tempdir().unwrap();
        let directory = GroupSyncDirectory::open(dir.path()).unwrap();
        let mut writer = directory.open_write(Path::new("a.idx")).unwrap();
        writer.write_all(b"postings").unwrap();
        writer.terminate().unwrap();
        directory
            .atomic_write(Path::new(MANAGED_FILE), b"[\"a.idx\"]")
            .unwrap();
        directory
            .atomic_write(Path::new(MANAGED_FILE), b"[\"a.idx\",\"b\"]")
            .unwrap();
        assert_eq!(directory.unsynced().len(), 2);
        assert_eq!(
            std::fs::read(dir.path().join(MANAGED_FILE)).unwrap(),
            b"[\"a.idx\",\"b\"]"
        );
        directory.sync_directory().unwrap();
        assert!(directory.unsynced().is_empty());
        assert_eq!(
            std::fs::read(dir.path().join("a.idx")).unwrap(),
            b"postings"
        );
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|name| !name.ends_with(".tmp")),
            "{names:?}"
        );
    }

    #[test]
    fn a_deleted_file_is_not_synced_and_an_existing_one_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let directory = GroupSyncDirectory::open(dir.path()).unwrap();
        let mut writer = directory.open_write(Path::new("b.pos")).unwrap();
        writer.write_all(b"x").unwrap();
        writer.terminate().unwrap();
        assert!(matches!(
            directory.open_write(Path::new("b.pos")),
            Err(OpenWriteError::FileAlreadyExists(_))
        ));
        directory.delete(Path::new("b.pos")).unwrap();
        assert!(directory.unsynced().is_empty());
        directory.sync_directory().unwrap();
    }
}
