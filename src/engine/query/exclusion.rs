//! The query of an excluded clause (`-word`, `-"a phrase"`, `NOT word`).
//!
//! tantivy's `Exclude` asks its exclusion scorer, freshly positioned on its own first match,
//! whether the first candidate document is excluded; that candidate may lie *before* the
//! exclusion's position. Most scorers answer that correctly, but tantivy 0.27's phrase scorer
//! asserts (in debug builds) that it is never asked about a document before its position
//! (upstream issue quickwit-oss/tantivy#2811), so an excluded phrase — `gardens -"school id"`,
//! or `gardens -school-id`, which the analyzer reads as a phrase — could panic in debug builds
//! (the `query_search` fuzzer found `huertos -madr_id`). Release builds gave the right answer.
//!
//! [`ExclusionQuery`] wraps an exclusion: the same documents, through a scorer that keeps the
//! default `seek_danger` of [`DocSet`], which seeks its inner scorer only forward.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// An excluded clause: matches exactly what the wrapped query matches.
#[derive(Debug)]
pub struct ExclusionQuery(Box<dyn Query>);

impl ExclusionQuery {
    /// Wraps the query of an excluded clause.
    pub fn new(query: Box<dyn Query>) -> Self {
        ExclusionQuery(query)
    }
}

impl Clone for ExclusionQuery {
    fn clone(&self) -> Self {
        ExclusionQuery(self.0.box_clone())
    }
}

impl Query for ExclusionQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExclusionWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExclusionWeight(Box<dyn Weight>);

impl Weight for ExclusionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ForwardScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// Forwards everything but `seek_danger`, which keeps the trait's default: never a seek to a
/// document before the current one.
struct ForwardScorer(Box<dyn Scorer>);

impl DocSet for ForwardScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for ForwardScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter};

    use super::*;

    /// `gardens -"school id"` over documents that all have both words of the phrase; only the
    /// last two have them side by side, so the phrase scorer starts past the first candidate —
    /// the case tantivy's phrase scorer asserts against. `wrap` builds the excluded clause.
    fn gardens_without_school_id(wrap: fn(Box<dyn Query>) -> Box<dyn Query>) -> Vec<DocId> {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for body in [
            "gardens school library id",
            "gardens id school",
            "gardens near the school id",
            "gardens school id",
        ] {
            writer.add_document(doc!(text => body)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |word: &str| Term::from_field_text(text, word);
        let phrase = PhraseQuery::new(vec![term("school"), term("id")]);
        let gardens = TermQuery::new(term("gardens"), IndexRecordOption::WithFreqs);
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(gardens) as Box<dyn Query>),
            (Occur::MustNot, wrap(Box::new(phrase))),
        ]);
        let found = searcher.search(&query, &DocSetCollector).unwrap();
        let mut docs: Vec<DocId> = found.into_iter().map(|address| address.doc_id).collect();
        docs.sort_unstable();
        docs
    }

    #[test]
    fn excluded_phrase_positioned_past_the_candidate_excludes_without_panicking() {
        let docs = gardens_without_school_id(|query| Box::new(ExclusionQuery::new(query)));
        assert_eq!(docs, [0, 1]);
    }

    /// The upstream bug this module works around. When this test fails, tantivy has fixed
    /// quickwit-oss/tantivy#2811 and [`ExclusionQuery`] can go.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "should be greater than or equal to doc")]
    fn bare_excluded_phrase_trips_tantivy_debug_assertion() {
        gardens_without_school_id(|query| query);
    }
}
