//! Background upkeep of a serving index, once writes go quiet: the suggester ("did you mean"
//! included) rebuilt for the last commit a second after it, so that suggestions follow the
//! loads without a request waiting for the rebuild; and the index's segments merged into one
//! after `compact_after` (a bulk load leaves many, and a search looks each term up once per
//! segment). It works on the current engine (a reindex swaps it) and stops with the server.

use std::sync::Weak;
use std::time::{Duration, Instant};

use super::AppState;

/// How long after the last write the suggester is rebuilt.
const SUGGESTER_QUIET: Duration = Duration::from_secs(1);

/// Starts the upkeep thread; it ends when the server's state is gone.
pub fn start(state: Weak<AppState>, compact_after: Option<Duration>) {
    let tick = compact_after
        .unwrap_or(Duration::MAX)
        .clamp(Duration::from_millis(100), SUGGESTER_QUIET);
    std::thread::spawn(move || loop {
        std::thread::sleep(tick);
        let Some(databank) = state.upgrade().map(|state| state.databank()) else {
            return;
        };
        if !databank.suggestions_are_current() && databank.quiet_for(SUGGESTER_QUIET) {
            if let Err(error) = databank.warm_suggestions() {
                tracing::warn!(%error, "could not build the suggestions");
            }
        }
        let Some(quiet) = compact_after else { continue };
        let segments = databank.segment_count();
        let started = Instant::now();
        match databank.compact_when_quiet(quiet) {
            Ok(true) => tracing::info!(
                segments,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "segments merged into one"
            ),
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "could not merge the segments"),
        }
        // The engine is not held between ticks: after a reindex the old one is dropped.
        drop(databank);
    });
}
