//! Fuzz target: arbitrary bytes as a bulk body in each format — NDJSON, a JSON array and CSV —
//! through the entry points `POST /v1/initiatives/bulk` uses: `ingest::read` (encodings, line
//! numbering, delimiter detection, CSV cells into documents) and `Databank::load` as a dry run
//! (validation of every row against the catalog, duplicate ids, created/updated counts against
//! the seeded index). Every document that validates is then analysed the way the indexer
//! analyses it (each language version with its language's analyzer).
//!
//! Never a panic. Only a JSON array body or an unreadable encoding may be refused as a whole;
//! otherwise every row is accounted for: `received` = written + rejected + dropped duplicates,
//! every rejected row names a submitted line and carries at least one error.

#![no_main]

use std::collections::BTreeSet;

use databank::engine::analysis::Analysis;
use databank::engine::ingest::{self, Format};
use databank::engine::OnError;
use databank_fuzz::databank;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let databank = databank();
    for format in [Format::Ndjson, Format::JsonArray, Format::Csv] {
        let submission = match ingest::read(format, data) {
            Ok(submission) => submission,
            Err(_) => {
                assert!(
                    format != Format::Ndjson,
                    "an NDJSON body is never refused as a whole"
                );
                continue;
            }
        };
        let lines: BTreeSet<usize> = submission.rows.iter().map(|row| row.line).collect();
        assert_eq!(
            lines.len(),
            submission.rows.len(),
            "{format:?}: line numbers repeat"
        );
        assert!(!lines.contains(&0), "{format:?}: line numbers are 1-based");
        let documents: Vec<serde_json::Value> = submission
            .rows
            .iter()
            .filter_map(|row| row.value.as_ref().ok().cloned())
            .collect();
        let received = submission.rows.len();
        let summary = databank
            .load(submission.rows, OnError::Skip, true)
            .expect("a dry run does not fail");
        assert!(!summary.committed, "a dry run never commits");
        assert_eq!(summary.received, received);
        let dropped: usize = summary
            .duplicates
            .iter()
            .map(|duplicate| duplicate.lines.len() - 1)
            .sum();
        assert_eq!(
            summary.created
                + summary.updated
                + summary.unchanged
                + summary.rejected.len()
                + dropped,
            received,
            "{format:?}: every row is accounted for: {summary:?}"
        );
        for report in &summary.rejected {
            assert!(
                lines.contains(&report.line),
                "{format:?}: unknown line {}",
                report.line
            );
            assert!(
                !report.errors.is_empty(),
                "{format:?}: a rejection without errors"
            );
        }
        for document in documents {
            if let Ok(initiative) = databank.validate(document) {
                let analysis = analysis(databank.catalog());
                for (language, title, summary, description) in initiative.versions() {
                    let analyzer = analysis.analyzer_for(language);
                    for text in [Some(title), summary, description].into_iter().flatten() {
                        analysis.tokens(analyzer, text);
                    }
                }
            }
        }
    }
});

/// The analyzers, built once.
fn analysis(catalog: &databank::engine::Catalog) -> &'static Analysis {
    static ANALYSIS: std::sync::OnceLock<Analysis> = std::sync::OnceLock::new();
    ANALYSIS.get_or_init(|| Analysis::new(catalog))
}
