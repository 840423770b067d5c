//! One pass over a search's matches that collects everything the results
//! page shows: counts per status, the candidates for the page (ranked by a
//! child collector), the exact total and the facet counts, including the
//! kind counts when a kind is chosen.
//!
//! Each match costs one read of its decoded end day and facet ordinals
//! ([`super::facet_count`]), one cache line. Those reads, not the counting,
//! were two fifths of a search at 10^6 documents (perf): matches lie far apart in
//! memory, so each read waited on main memory before the next could start.
//! Matches are therefore tallied in batches ([`BATCH`]): the batch's reads
//! are all started first, so the processor waits for them side by side,
//! then the batch is counted in order. The query runs *without* the chosen
//! kind: a match of another kind still counts towards its kind (so the
//! other kinds stay visible and choosable) but towards nothing else. That
//! spares the second pass the kind counts would otherwise need.
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::engine::{StatusCounts, status_admits};
use super::facet_count::{self, FacetTotals, Mapping, NONE, SegmentOrdinals};
use crate::types::SearchStatus;

/// The root of the kind facets.
const KIND_ROOT: &str = "/kind";

/// Matches tallied together (see the module's header): enough to keep the
/// processor's outstanding memory reads busy, small enough to stay in L1.
pub(super) const BATCH: usize = 64;

/// What to collect. `roots` are the facets counted (they must not contain
/// one another); `/kind` is always among them.
pub struct Tally<T> {
    pub today: i64,
    pub status: SearchStatus,
    /// The chosen kind's facet (`/kind/contract`), if one is chosen.
    pub kind: Option<Facet>,
    pub roots: Vec<Facet>,
    /// Ranks the matches of the chosen kind and status.
    pub top: T,
}

/// What the pass collected.
pub struct Tallied<F> {
    pub top: F,
    /// Matches of the chosen kind and status.
    pub total: u64,
    /// Matches of the chosen kind, by status.
    pub statuses: StatusCounts,
    /// Under `/kind`: matches of the chosen status, of every kind. Under
    /// the other roots: matches of the chosen kind and status.
    pub counts: FacetTotals,
}

impl<T: Collector> Tally<T> {
    fn sorted_roots(&self) -> Vec<Facet> {
        let mut roots = self.roots.clone();
        roots.push(Facet::from(KIND_ROOT));
        roots.sort();
        roots.dedup();
        roots
    }
}

/// Which of a segment's matches are of the chosen kind.
enum KindTest {
    /// No kind chosen: all.
    Any,
    /// Those with this facet ordinal.
    Ordinal(u32),
    /// The segment has none of that kind.
    None,
}

pub struct SegmentTally<C> {
    today: i64,
    status: SearchStatus,
    ordinals: Arc<SegmentOrdinals>,
    mapping: Arc<Mapping>,
    /// Per child of the mapping: whether it is a kind.
    is_kind: Vec<bool>,
    kind: KindTest,
    counts: Vec<u64>,
    total: u64,
    statuses: StatusCounts,
    top: C,
    /// Matches not tallied yet, in the order they came.
    pending: Vec<(DocId, Score)>,
}

impl<T: Collector> Collector for Tally<T> {
    type Fruit = Tallied<T::Fruit>;
    type Child = SegmentTally<T::Child>;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let mapping = facet_count::mapping(reader, &self.sorted_roots())?;
        let kind_root = Facet::from(KIND_ROOT);
        let is_kind = mapping
            .children
            .iter()
            .map(|c| kind_root.is_prefix_of(c))
            .collect();
        let kind = match &self.kind {
            None => KindTest::Any,
            Some(facet) => {
                let facets = reader.facet_reader(facet_count::FIELD)?;
                match facets.facet_dict().term_ord(facet.encoded_str())? {
                    Some(ord) => KindTest::Ordinal(ord as u32),
                    None => KindTest::None,
                }
            }
        };
        Ok(SegmentTally {
            today: self.today,
            status: self.status,
            ordinals: facet_count::ordinals(reader)?,
            counts: vec![0; mapping.children.len()],
            mapping,
            is_kind,
            kind,
            total: 0,
            statuses: StatusCounts::default(),
            top: self.top.for_segment(segment, reader)?,
            pending: Vec::with_capacity(BATCH),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.top.requires_scoring()
    }

    fn merge_fruits(
        &self,
        parts: Vec<Tallied<<T::Child as SegmentCollector>::Fruit>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut tops = Vec::with_capacity(parts.len());
        let mut total = 0;
        let mut statuses = StatusCounts::default();
        let mut counts = FacetTotals::default();
        for part in parts {
            tops.push(part.top);
            total += part.total;
            statuses.live += part.statuses.live;
            statuses.expiring += part.statuses.expiring;
            statuses.expired += part.statuses.expired;
            counts.add(part.counts);
        }
        Ok(Tallied {
            top: self.top.merge_fruits(tops)?,
            total,
            statuses,
            counts,
        })
    }
}

impl<C: SegmentCollector> SegmentTally<C> {
    /// Tallies the pending matches: every match's record is read before
    /// any is used (independent reads the processor overlaps), then each
    /// match is counted in turn from what is now in the cache.
    fn flush(&mut self) {
        let mut touched = 0;
        for &(doc, _) in &self.pending {
            touched ^= self.ordinals.touch(doc);
        }
        std::hint::black_box(touched);
        let pending = std::mem::take(&mut self.pending);
        for &(doc, score) in &pending {
            self.tally(doc, score);
        }
        self.pending = pending;
        self.pending.clear();
    }

    fn tally(&mut self, doc: DocId, score: Score) {
        let ordinals = &*self.ordinals;
        let ords = ordinals.of(doc);
        let end = ordinals.end_day(doc);
        let chosen_kind = match self.kind {
            KindTest::Any => true,
            KindTest::Ordinal(ord) => ords.contains(ord),
            KindTest::None => false,
        };
        if chosen_kind {
            let has = |status| u64::from(status_admits(status, self.today, end));
            self.statuses.live += has(SearchStatus::Live);
            self.statuses.expiring += has(SearchStatus::ExpiringSoon);
            self.statuses.expired += has(SearchStatus::Expired);
        }
        if !status_admits(self.status, self.today, end) {
            return;
        }
        // A document's ordinals come sorted, so those under one child are
        // side by side: count each child once per document.
        let mut previous = NONE;
        ords.for_each(|ord| {
            let child = self.mapping.child_of[ord as usize];
            if child != NONE && child != previous && (chosen_kind || self.is_kind[child as usize]) {
                self.counts[child as usize] += 1;
            }
            previous = child;
        });
        if chosen_kind {
            self.total += 1;
            self.top.collect(doc, score);
        }
    }
}

impl<C: SegmentCollector> SegmentCollector for SegmentTally<C> {
    type Fruit = Tallied<C::Fruit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.pending.push((doc, score));
        if self.pending.len() == BATCH {
            self.flush();
        }
    }

    fn harvest(mut self) -> Self::Fruit {
        self.flush();
        Tallied {
            top: self.top.harvest(),
            total: self.total,
            statuses: self.statuses,
            counts: self.mapping.totals(&self.counts),
        }
    }
}
