//! The process's memory allocator: mimalloc, with freed memory kept for a while before it goes
//! back to the operating system.
//!
//! tantivy's indexing and a search's scoring allocate many small, short-lived buffers across
//! threads, which mimalloc serves faster than the system allocator. Left at its defaults, though,
//! mimalloc returns freed memory to the system one second after it is freed; a load frees a
//! batch's documents and segment buffers and allocates the next batch's a second or so later,
//! so every batch faulted in (and the kernel zeroed) hundreds of megabytes anew: 23,000 page
//! faults in a 40,000-document build, 1,200 with this setting (`perf stat -e page-faults`).
//! Ten seconds keeps that memory between the batches of a load and still gives it back soon
//! after the load ends.

/// How long freed memory is kept before it is returned to the system.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

/// mimalloc's `mi_option_purge_delay` (`mimalloc.h` of the bundled mimalloc v3; the Rust
/// bindings do not name it).
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
        // (mimalloc reads options atomically); the number is that of `mi_option_purge_delay`.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
    });
}
