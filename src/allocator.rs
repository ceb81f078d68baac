//! The process's memory allocator: mimalloc, with freed memory kept for a while before it goes
//! back to the operating system.
//!
//! tantivy's indexing and a search's scoring allocate many small, short-lived buffers across
//! threads, which mimalloc serves faster than the system allocator. Left at its defaults, though,
//! mimalloc gives freed memory back to the system with `MADV_DONTNEED` one second after it is
//! freed (and at once whenever a thread ends: tantivy ends its indexing threads at every
//! commit). A load frees a batch's documents and segment buffers and allocates the next
//! batch's a moment later, so every batch faulted in, and the kernel zeroed, its memory anew
//! (in 2 MiB transparent huge pages): 23,000 page faults and ~2 s of system time in a
//! 40,000-document build (`perf stat -e page-faults`, `/usr/bin/time`).
//!
//! So freed memory is kept for ten seconds, and then released with `MADV_FREE` (mimalloc's
//! "reset" instead of "decommit"): the kernel takes those pages back only when it needs
//! memory, and until then a reuse costs nothing. System time of the same build: 0.7-0.9 s.
//! The resident size a process monitor shows then includes memory already released (the
//! kernel reclaims it under pressure); the peak is unchanged.

/// How long freed memory is kept before it is released.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

/// mimalloc's `mi_option_purge_decommits` and `mi_option_purge_delay` (`mimalloc.h` of the
/// bundled mimalloc v3; the Rust bindings do not name them).
const MI_OPTION_PURGE_DECOMMITS: std::ffi::c_int = 5;
/// See [`MI_OPTION_PURGE_DECOMMITS`].
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

extern "C" {
    /// Sets a mimalloc option (`mimalloc.h`); linked from `libmimalloc-sys`.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Applies the options above, once per process (called when an index is opened, before any
/// batch is loaded).
pub fn configure() {
    static CONFIGURED: std::sync::Once = std::sync::Once::new();
    CONFIGURED.call_once(|| {
        // SAFETY: `mi_option_set` takes an option number and a value, and only stores the value
        // (mimalloc reads options atomically); the numbers are those of the options named.
        unsafe {
            mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS);
            mi_option_set(MI_OPTION_PURGE_DECOMMITS, 0);
        }
    });
}
