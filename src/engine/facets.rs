//! Facet counting, disjunctive.
//!
//! Disjunctive counts — each facet counted with every filter applied except its own, so that
//! ticking `country=ES` still shows what every other country would give — in one pass:
//! [`DisjunctiveCollector`] counts the values of keyword fast fields per segment by term
//! ordinal (resolved to strings once per segment) while it collects the page of hits.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts per facet: facet field name → value → count.
pub type FacetTallies = BTreeMap<String, HashMap<String, u64>>;

/// How hits are ordered by [`DisjunctiveCollector`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitOrder {
    /// By score, best first.
    Score,
    /// By an i64 fast field, highest first.
    I64Desc(&'static str),
    /// By a u64 fast field, highest first; documents without a value last.
    U64Desc(&'static str),
}

/// One facet filter: a keyword fast field and the values selected (OR).
#[derive(Debug, Clone)]
pub struct FacetFilter {
    /// The facet's keyword field.
    pub field: String,
    /// Selected values.
    pub values: Vec<String>,
}

/// What one pass of [`DisjunctiveCollector`] gives.
#[derive(Debug, Default)]
pub struct DisjunctiveFruit {
    /// The page: (score or 0, address), in order.
    pub top: Vec<(f32, tantivy::DocAddress)>,
    /// Documents passing every filter.
    pub total: usize,
    /// Facet field → value → count, each facet counted with every filter but its own.
    pub tallies: FacetTallies,
    /// Hits that matched some word only through a typo alternative.
    pub typo_hits: usize,
}

/// Collects a page of hits, the total, and disjunctive facet counts in ONE pass over the
/// documents matching the text query (and the year range, which is not a facet).
///
/// For each matching document it checks every filter against the fast fields. A document that
/// passes them all is a hit (page, total) and counts for every facet; a document that fails
/// exactly one facet filter counts for that facet only — which is exactly "each facet counted
/// with all filters but its own".
pub struct DisjunctiveCollector {
    /// Facet filters (AND across, OR within).
    pub filters: Vec<FacetFilter>,
    /// Facet fields to count.
    pub counted: Vec<String>,
    /// Hit order.
    pub order: HitOrder,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
    /// Hits scoring below this used a typo (see `query::builder::EXACT_TIER`); counted.
    pub typo_threshold: Option<f32>,
}

/// A candidate for the page: sort key, then address (ascending) for stable ties.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    key: f64,
    score: f32,
    segment: u32,
    doc: DocId,
}

impl Candidate {
    /// "Better" sorts first: higher key, then lower address.
    fn better_than(&self, other: &Candidate) -> bool {
        match self.key.partial_cmp(&other.key) {
            Some(std::cmp::Ordering::Greater) => true,
            Some(std::cmp::Ordering::Less) => false,
            _ => (self.segment, self.doc) < (other.segment, other.doc),
        }
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        !self.better_than(other) && !other.better_than(self)
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    /// Ordered so that the WORST candidate is the greatest (top of a max-heap, evicted first).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.better_than(other) {
            std::cmp::Ordering::Less
        } else if other.better_than(self) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }
}

/// A keyword column with the ordinals of the selected values in this segment.
struct SegmentFilter {
    column: Option<StrColumn>,
    selected: Vec<u64>,
    /// Index into the counted facets, when this facet is counted.
    counted: Option<usize>,
}

/// Per-segment state of [`DisjunctiveCollector`].
pub struct SegmentDisjunctive {
    segment: u32,
    filters: Vec<SegmentFilter>,
    counted: Vec<(String, Option<StrColumn>, Vec<u64>)>,
    sort: SegmentSort,
    capacity: usize,
    heap: std::collections::BinaryHeap<Candidate>,
    total: usize,
    typo_threshold: Option<f32>,
    typo_hits: usize,
}

enum SegmentSort {
    Score,
    I64(Option<tantivy::columnar::Column<i64>>),
    U64(Option<tantivy::columnar::Column<u64>>),
}

impl Collector for DisjunctiveCollector {
    type Fruit = DisjunctiveFruit;
    type Child = SegmentDisjunctive;

    fn for_segment(
        &self,
        segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentDisjunctive> {
        let fast = segment.fast_fields();
        let mut counted = Vec::with_capacity(self.counted.len());
        for field in &self.counted {
            let column = fast.str(field)?;
            let terms = column.as_ref().map_or(0, |column| column.num_terms());
            counted.push((field.clone(), column, vec![0u64; terms]));
        }
        let mut filters = Vec::with_capacity(self.filters.len());
        for filter in &self.filters {
            let column = fast.str(&filter.field)?;
            let mut selected = Vec::new();
            if let Some(column) = &column {
                for value in &filter.values {
                    if let Some(ord) = column.dictionary().term_ord(value.as_bytes())? {
                        selected.push(ord);
                    }
                }
            }
            filters.push(SegmentFilter {
                column,
                selected,
                counted: self.counted.iter().position(|field| *field == filter.field),
            });
        }
        let sort = match self.order {
            HitOrder::Score => SegmentSort::Score,
            HitOrder::I64Desc(field) => SegmentSort::I64(fast.i64(field).ok()),
            HitOrder::U64Desc(field) => SegmentSort::U64(fast.u64(field).ok()),
        };
        let capacity = self.offset + self.limit;
        Ok(SegmentDisjunctive {
            segment: segment_local_id,
            filters,
            counted,
            sort,
            capacity,
            heap: std::collections::BinaryHeap::with_capacity(capacity + 1),
            total: 0,
            typo_threshold: self.typo_threshold,
            typo_hits: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.order == HitOrder::Score || self.typo_threshold.is_some()
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<(Vec<Candidate>, usize, usize, FacetTallies)>,
    ) -> tantivy::Result<DisjunctiveFruit> {
        let mut candidates = Vec::new();
        let mut fruit = DisjunctiveFruit::default();
        for field in &self.counted {
            fruit.tallies.entry(field.clone()).or_default();
        }
        for (segment_candidates, total, typo_hits, tallies) in segment_fruits {
            candidates.extend(segment_candidates);
            fruit.total += total;
            fruit.typo_hits += typo_hits;
            for (field, counts) in tallies {
                let merged = fruit.tallies.entry(field).or_default();
                for (value, count) in counts {
                    *merged.entry(value).or_default() += count;
                }
            }
        }
        candidates.sort();
        fruit.top = candidates
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|candidate| {
                (
                    candidate.score,
                    tantivy::DocAddress::new(candidate.segment, candidate.doc),
                )
            })
            .collect();
        Ok(fruit)
    }
}

fn has_any(column: &StrColumn, doc: DocId, selected: &[u64]) -> bool {
    column.term_ords(doc).any(|ord| selected.contains(&ord))
}

fn count_values(column: &Option<StrColumn>, counts: &mut [u64], doc: DocId) {
    if let Some(column) = column {
        for ord in column.term_ords(doc) {
            if let Some(count) = counts.get_mut(ord as usize) {
                *count += 1;
            }
        }
    }
}

impl SegmentCollector for SegmentDisjunctive {
    type Fruit = (Vec<Candidate>, usize, usize, FacetTallies);

    fn collect(&mut self, doc: DocId, score: Score) {
        // Which filters fail (at most one matters).
        let mut failed: Option<usize> = None;
        for (index, filter) in self.filters.iter().enumerate() {
            let passes = filter
                .column
                .as_ref()
                .is_some_and(|column| has_any(column, doc, &filter.selected));
            if !passes {
                if failed.is_some() {
                    return;
                }
                failed = Some(index);
            }
        }
        match failed {
            Some(index) => {
                // Fails only this facet's filter: counts for this facet alone.
                if let Some(counted) = self.filters[index].counted {
                    let (_, column, counts) = &mut self.counted[counted];
                    count_values(column, counts, doc);
                }
            }
            None => {
                self.total += 1;
                if self
                    .typo_threshold
                    .is_some_and(|threshold| score < threshold)
                {
                    self.typo_hits += 1;
                }
                for (_, column, counts) in &mut self.counted {
                    count_values(column, counts, doc);
                }
                if self.capacity == 0 {
                    return;
                }
                let key = match &self.sort {
                    SegmentSort::Score => f64::from(score),
                    SegmentSort::I64(column) => column
                        .as_ref()
                        .and_then(|column| column.first(doc))
                        .map_or(f64::NEG_INFINITY, |value| value as f64),
                    SegmentSort::U64(column) => column
                        .as_ref()
                        .and_then(|column| column.first(doc))
                        .map_or(f64::NEG_INFINITY, |value| value as f64),
                };
                let candidate = Candidate {
                    key,
                    score: if matches!(self.sort, SegmentSort::Score) {
                        score
                    } else {
                        0.0
                    },
                    segment: self.segment,
                    doc,
                };
                if self.heap.len() < self.capacity {
                    self.heap.push(candidate);
                } else if let Some(worst) = self.heap.peek() {
                    if candidate.better_than(worst) {
                        self.heap.pop();
                        self.heap.push(candidate);
                    }
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut tallies = FacetTallies::new();
        for (field, column, counts) in self.counted {
            let mut values = HashMap::new();
            if let Some(column) = &column {
                let mut text = String::new();
                for (ord, count) in counts.into_iter().enumerate() {
                    if count > 0 && matches!(column.ord_to_str(ord as u64, &mut text), Ok(true)) {
                        values.insert(text.clone(), count);
                    }
                }
            }
            tallies.insert(field, values);
        }
        (self.heap.into_vec(), self.total, self.typo_hits, tallies)
    }
}
