//! Facet counting, disjunctive.
//!
//! [`FacetCounter`] is a tantivy collector that counts the values of keyword fast fields over
//! the matching documents (per segment by term ordinal, resolved to strings once per segment).
//!
//! Disjunctive counts — each facet counted with every filter applied except its own, so that
//! ticking `country=ES` still shows what every other country would give — are computed by the
//! search: the main pass counts the facets that have no selection, and each facet that has a
//! selection gets one more pass with its own filter dropped (see `search.rs`).

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts per facet: facet field name → value → count.
pub type FacetTallies = BTreeMap<String, HashMap<String, u64>>;

/// Counts the values of keyword fast fields over the matching documents.
pub struct FacetCounter {
    fields: Vec<String>,
}

impl FacetCounter {
    /// A counter over the named keyword fast fields.
    pub fn new(fields: Vec<String>) -> Self {
        FacetCounter { fields }
    }
}

/// Per-segment state of [`FacetCounter`].
pub struct SegmentFacetCounter {
    columns: Vec<(String, Option<StrColumn>, Vec<u64>)>,
}

impl Collector for FacetCounter {
    type Fruit = FacetTallies;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let mut columns = Vec::with_capacity(self.fields.len());
        for field in &self.fields {
            let column = segment.fast_fields().str(field)?;
            let terms = column.as_ref().map_or(0, |column| column.num_terms());
            columns.push((field.clone(), column, vec![0u64; terms]));
        }
        Ok(SegmentFacetCounter { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segment_fruits: Vec<FacetTallies>) -> tantivy::Result<FacetTallies> {
        let mut merged = FacetTallies::new();
        for field in &self.fields {
            merged.entry(field.clone()).or_default();
        }
        for fruit in segment_fruits {
            for (field, counts) in fruit {
                let total = merged.entry(field).or_default();
                for (value, count) in counts {
                    *total.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = FacetTallies;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (_, column, counts) in &mut self.columns {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(count) = counts.get_mut(ord as usize) {
                        *count += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> FacetTallies {
        let mut tallies = FacetTallies::new();
        for (field, column, counts) in self.columns {
            let mut values = HashMap::new();
            if let Some(column) = column {
                let mut text = String::new();
                for (ord, count) in counts.into_iter().enumerate() {
                    if count > 0 && matches!(column.ord_to_str(ord as u64, &mut text), Ok(true)) {
                        values.insert(text.clone(), count);
                    }
                }
            }
            tallies.insert(field, values);
        }
        tallies
    }
}
