//! Facet counts for the search page: how many matches fall under each child
//! of a few roots (`/kind`, `/owner`, `/footprint`, `/sme`, and the CPV
//! level below the chosen one).
//!
//! tantivy's `FacetCollector` counts the same way, but before every search
//! it walks each segment's whole facet dictionary to work out which child
//! each facet belongs to. With thousands of CPV paths and a dozen segments
//! that walk cost more than the counting. Segments never change once
//! written, so here the walk's answer (facet ordinal → child) is kept per
//! segment and set of roots, and a search only counts.
//!
//! Reading a document's ordinals from tantivy's facet column costs about
//! 30 ns (the column is bit-packed behind a multi-value index), which at
//! 10^5 matches was most of a search. So each segment's ordinals are also
//! decoded once ([`SegmentOrdinals`]: a 16-byte record a document, and
//! the few documents with many facets' ordinals beside).
//! [`super::segment_cache::SegmentWarmer`] decodes a new segment when the
//! reader reloads, off the search path, and forgets segments merged away.
//! Every match also reads its end day (for its status), through the same
//! kind of bit-packed column, so the end days are decoded into the same
//! records.
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Dictionary;
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::NO_END;
use super::segment_cache::SegmentCache;

/// The field every facet is in.
pub(super) const FIELD: &str = "facets";
/// The fast field of end days, decoded beside the ordinals.
const END_DAY: &str = "end_day";
/// A facet ordinal under none of the roots.
pub(super) const NONE: u32 = u32::MAX;
/// Mappings kept before the cache starts again (segments merged away leave
/// theirs behind; a few thousand is far more than one index uses at once).
const MAX_CACHED: usize = 4_096;

/// Each facet ordinal of a segment → the index of the child it counts
/// towards, and those children.
pub(super) struct Mapping {
    pub(super) child_of: Vec<u32>,
    pub(super) children: Vec<Facet>,
}

impl Mapping {
    /// `counts` (one per child) as totals by child facet, leaving out zeros.
    pub(super) fn totals(&self, counts: &[u64]) -> FacetTotals {
        FacetTotals(
            counts
                .iter()
                .enumerate()
                .filter(|(_, count)| **count > 0)
                .map(|(at, count)| (self.children[at].clone(), *count))
                .collect(),
        )
    }
}

type CacheKey = (SegmentId, Vec<String>);

static MAPPINGS: LazyLock<Mutex<HashMap<CacheKey, Arc<Mapping>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether `key` is strictly below `root` (both encoded: parts joined by
/// NUL, the root facet as the empty string). Returns where the child's own
/// part starts.
fn child_start(root: &[u8], key: &[u8]) -> Option<usize> {
    if root.is_empty() {
        return (!key.is_empty()).then_some(0);
    }
    (key.len() > root.len() && key.starts_with(root) && key[root.len()] == 0)
        .then_some(root.len() + 1)
}

fn build_mapping(dictionary: &Dictionary, roots: &[Facet]) -> std::io::Result<Mapping> {
    let roots: Vec<&[u8]> = roots.iter().map(|r| r.encoded_str().as_bytes()).collect();
    let mut child_of = vec![NONE; dictionary.num_terms()];
    let mut children = Vec::new();
    let mut index: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut terms = dictionary.range().into_stream()?;
    while terms.advance() {
        let key = terms.key();
        let Some((start, _)) = roots
            .iter()
            .find_map(|root| child_start(root, key).map(|s| (s, root)))
        else {
            continue;
        };
        let end = key[start..]
            .iter()
            .position(|b| *b == 0)
            .map_or(key.len(), |p| start + p);
        let child = &key[..end];
        let at = match index.get(child) {
            Some(at) => *at,
            None => {
                let Ok(facet) = Facet::from_encoded(child.to_vec()) else {
                    continue;
                };
                children.push(facet);
                let at = (children.len() - 1) as u32;
                index.insert(child.to_vec(), at);
                at
            }
        };
        child_of[terms.term_ord() as usize] = at;
    }
    Ok(Mapping { child_of, children })
}

pub(super) fn mapping(reader: &SegmentReader, roots: &[Facet]) -> tantivy::Result<Arc<Mapping>> {
    let key: CacheKey = (
        reader.segment_id(),
        roots.iter().map(Facet::to_path_string).collect(),
    );
    if let Some(found) = MAPPINGS.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(found.clone());
    }
    let facets = reader.facet_reader(FIELD)?;
    let built = Arc::new(build_mapping(facets.facet_dict(), roots)?);
    let mut cache = MAPPINGS.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= MAX_CACHED {
        cache.clear();
    }
    cache.insert(key, built.clone());
    Ok(built)
}

/// Ordinals a document's [`Record`] holds itself; a document with more
/// keeps them all in [`SegmentOrdinals::overflow`].
const IN_RECORD: usize = 6;
/// An empty slot of a record (ordinals come sorted, so empty slots trail).
const EMPTY: u16 = u16::MAX;
/// In a record's first slot: the document's ordinals are in the overflow,
/// where the next two slots say they start and the two after how many
/// there are (each as a low and a high half). A document spills when it
/// has more than [`IN_RECORD`] ordinals or one that 16 bits cannot hold
/// beside these two markers (a segment of over 65,533 distinct facets).
const SPILLED: u16 = u16::MAX - 1;
/// An end day as a record keeps it: day numbers fit an `i32`, and
/// [`NO_END`] becomes this.
const RECORD_NO_END: i32 = i32::MAX;

/// One document's end day and facet ordinals in 16 bytes, aligned so a
/// record never straddles two cache lines: tallying a match reads one line.
/// Sixteen, not the 32 that `u32` ordinals took: a million documents'
/// records are 16 MiB, half the memory, and more of them are still in the
/// processor's cache when the next, different query comes (in the search
/// benchmark's mix the queries of 10^4 matches and more were 4–8% faster:
/// "cleaning" 1.30 to 1.25 ms, the CPV division alone 1.33 to 1.23 ms).
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Record {
    end_day: i32,
    /// The ordinals, sorted, [`EMPTY`] after the last; or [`SPILLED`].
    ords: [u16; IN_RECORD],
}

/// A document's facet ordinals, sorted: held in its record, or spilled.
#[derive(Clone, Copy)]
pub(super) enum Ords<'a> {
    Held(&'a [u16; IN_RECORD]),
    Spilled(&'a [u32]),
}

impl Ords<'_> {
    /// Calls `each` with every ordinal, in order.
    #[inline]
    pub(super) fn for_each(self, mut each: impl FnMut(u32)) {
        match self {
            Ords::Held(slots) => {
                for &ord in slots.iter().take_while(|&&o| o != EMPTY) {
                    each(u32::from(ord));
                }
            }
            Ords::Spilled(all) => all.iter().for_each(|&o| each(o)),
        }
    }

    #[inline]
    pub(super) fn contains(self, wanted: u32) -> bool {
        let mut found = false;
        self.for_each(|ord| found |= ord == wanted);
        found
    }

    #[cfg(test)]
    fn to_vec(self) -> Vec<u32> {
        let mut out = Vec::new();
        self.for_each(|ord| out.push(ord));
        out
    }
}

/// A `u32` as the low and high halves two slots hold.
fn halves(value: u32) -> [u16; 2] {
    [value as u16, (value >> 16) as u16]
}

fn whole(low: u16, high: u16) -> usize {
    usize::from(low) | (usize::from(high) << 16)
}

/// A segment's facet ordinals and end days, decoded.
pub struct SegmentOrdinals {
    records: Vec<Record>,
    /// The ordinals of documents whose records spill.
    overflow: Vec<u32>,
}

impl SegmentOrdinals {
    fn decode(reader: &SegmentReader) -> tantivy::Result<Self> {
        let facets = reader.facet_reader(FIELD)?;
        let end_days = reader.fast_fields().i64(END_DAY).ok();
        let max_doc = reader.max_doc();
        let mut records = Vec::with_capacity(max_doc as usize);
        let mut overflow = Vec::new();
        let mut ords: Vec<u64> = Vec::new();
        let past_u32 = || tantivy::TantivyError::InternalError("facet ordinals past u32".into());
        for doc in 0..max_doc {
            ords.clear();
            ords.extend(facets.facet_ords(doc));
            let end_day = end_days
                .as_ref()
                .and_then(|column| column.first(doc))
                .unwrap_or(NO_END);
            let mut record = Record {
                end_day: i32::try_from(end_day).unwrap_or(RECORD_NO_END),
                ords: [EMPTY; IN_RECORD],
            };
            let held = ords.len() <= IN_RECORD && ords.iter().all(|&o| o < u64::from(SPILLED));
            if held {
                for (slot, &ord) in record.ords.iter_mut().zip(&ords) {
                    *slot = ord as u16;
                }
            } else {
                let start = u32::try_from(overflow.len()).map_err(|_| past_u32())?;
                let len = u32::try_from(ords.len()).map_err(|_| past_u32())?;
                for &ord in &ords {
                    overflow.push(u32::try_from(ord).map_err(|_| past_u32())?);
                }
                let [start_low, start_high] = halves(start);
                let [len_low, len_high] = halves(len);
                record.ords = [SPILLED, start_low, start_high, len_low, len_high, EMPTY];
            }
            records.push(record);
        }
        overflow.shrink_to_fit();
        Ok(SegmentOrdinals { records, overflow })
    }

    /// Document `doc`'s end day ([`NO_END`] when open-ended).
    #[inline]
    pub(super) fn end_day(&self, doc: DocId) -> i64 {
        match self.records[doc as usize].end_day {
            RECORD_NO_END => NO_END,
            day => i64::from(day),
        }
    }

    /// Document `doc`'s facet ordinals, sorted.
    #[inline]
    pub(super) fn of(&self, doc: DocId) -> Ords<'_> {
        let slots = &self.records[doc as usize].ords;
        if slots[0] == SPILLED {
            let start = whole(slots[1], slots[2]);
            let len = whole(slots[3], slots[4]);
            Ords::Spilled(&self.overflow[start..start + len])
        } else {
            Ords::Held(slots)
        }
    }

    /// Reads document `doc`'s record and returns something of it, so that
    /// a batch of matches can have all their records on the way from
    /// memory before any is used.
    #[inline]
    pub(super) fn touch(&self, doc: DocId) -> u32 {
        self.records[doc as usize].end_day as u32
    }
}

/// Each segment's decoded ordinals ([`super::segment_cache::SegmentWarmer`]
/// decodes a new segment when a reader reloads).
pub(super) static ORDINALS: SegmentCache<SegmentOrdinals> = SegmentCache::new();

/// The decoded ordinals of `reader`'s segment, decoding them now when no
/// warmer has.
pub(super) fn ordinals(reader: &SegmentReader) -> tantivy::Result<Arc<SegmentOrdinals>> {
    ORDINALS.get_or_build(reader, SegmentOrdinals::decode)
}

/// Whether the ordinals of `segment` are decoded (for tests).
pub fn is_decoded(segment: SegmentId) -> bool {
    ORDINALS.contains(&segment)
}

/// Counts matches under each child of `roots` (each match once per child).
pub struct FacetCounter {
    roots: Vec<Facet>,
}

impl FacetCounter {
    /// The roots must not contain one another.
    pub fn new(roots: impl IntoIterator<Item = Facet>) -> Self {
        let mut roots: Vec<Facet> = roots.into_iter().collect();
        roots.sort();
        roots.dedup();
        FacetCounter { roots }
    }
}

/// Counts by child facet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacetTotals(BTreeMap<Facet, u64>);

impl FacetTotals {
    /// Adds `other`'s counts to these (a segment's to the search's).
    pub fn add(&mut self, other: FacetTotals) {
        for (facet, count) in other.0 {
            *self.0.entry(facet).or_insert(0) += count;
        }
    }

    /// The children of `root` with their counts, in facet order.
    pub fn children_of<'a>(&'a self, root: &'a Facet) -> impl Iterator<Item = (&'a Facet, u64)> {
        self.0
            .range(root.clone()..)
            .take_while(move |(facet, _)| root.is_prefix_of(facet))
            .filter(move |(facet, _)| *facet != root)
            .map(|(facet, count)| (facet, *count))
    }
}

pub struct SegmentFacetCounter {
    ordinals: Arc<SegmentOrdinals>,
    mapping: Arc<Mapping>,
    counts: Vec<u64>,
}

impl Collector for FacetCounter {
    type Fruit = FacetTotals;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let mapping = mapping(reader, &self.roots)?;
        Ok(SegmentFacetCounter {
            ordinals: ordinals(reader)?,
            counts: vec![0; mapping.children.len()],
            mapping,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<FacetTotals>) -> tantivy::Result<FacetTotals> {
        let mut out = FacetTotals::default();
        for part in parts {
            out.add(part);
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = FacetTotals;

    fn collect(&mut self, doc: DocId, _score: Score) {
        // A document's ordinals come sorted, so those under one child are
        // side by side: count each child once per document.
        let mut previous = NONE;
        self.ordinals.of(doc).for_each(|ord| {
            let child = self.mapping.child_of[ord as usize];
            if child != NONE && child != previous {
                self.counts[child as usize] += 1;
            }
            previous = child;
        });
    }

    fn harvest(self) -> FacetTotals {
        self.mapping.totals(&self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::FacetCollector;
    use tantivy::query::AllQuery;
    use tantivy::schema::{FacetOptions, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    /// Each document's decoded ordinals and end day are tantivy's own,
    /// whether they fit its record or not.
    #[test]
    fn decoded_records_hold_each_documents_ordinals_and_end_day() {
        let mut builder = Schema::builder();
        let field = builder.add_facet_field(FIELD, FacetOptions::default());
        let end_day = builder.add_i64_field(END_DAY, tantivy::schema::FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        // None, as many as a record holds, one more, many more.
        for (n, facets) in [0, IN_RECORD, IN_RECORD + 1, 3 * IN_RECORD]
            .into_iter()
            .enumerate()
        {
            let mut doc = TantivyDocument::default();
            for f in 0..facets {
                doc.add_facet(field, Facet::from(format!("/cpv/{n}{f:02}").as_str()));
            }
            match n {
                0 => {}
                1 => doc.add_i64(end_day, NO_END),
                _ => doc.add_i64(end_day, 20_000 + n as i64),
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let reader = searcher.segment_reader(0);
        let decoded = SegmentOrdinals::decode(reader).unwrap();
        let facets = reader.facet_reader(FIELD).unwrap();
        for doc in 0..reader.max_doc() {
            let expected: Vec<u32> = facets.facet_ords(doc).map(|o| o as u32).collect();
            assert_eq!(decoded.of(doc).to_vec(), expected, "document {doc}");
        }
        assert_eq!(decoded.of(3).to_vec().len(), 3 * IN_RECORD);
        assert_eq!(decoded.end_day(0), NO_END, "no end day");
        assert_eq!(decoded.end_day(1), NO_END);
        assert_eq!(decoded.end_day(2), 20_002);
        assert_eq!(decoded.end_day(3), 20_003);
        assert_eq!(std::mem::size_of::<Record>(), 16);
    }

    /// A segment with more distinct facets than a record's 16-bit slots can
    /// name: a document with an ordinal past them spills, even with few.
    #[test]
    fn ordinals_past_sixteen_bits_spill() {
        let mut builder = Schema::builder();
        let field = builder.add_facet_field(FIELD, FacetOptions::default());
        let index = Index::create_in_ram(builder.build());
        // One thread, so both documents are in one segment.
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        let mut many = TantivyDocument::default();
        for n in 0..70_000 {
            many.add_facet(field, Facet::from(format!("/cpv/{n:05}").as_str()));
        }
        writer.add_document(many).unwrap();
        let mut few = TantivyDocument::default();
        few.add_facet(field, Facet::from("/sme/yes"));
        few.add_facet(field, Facet::from("/cpv/00001"));
        writer.add_document(few).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        let reader = searcher.segment_reader(0);
        let decoded = SegmentOrdinals::decode(reader).unwrap();
        let facets = reader.facet_reader(FIELD).unwrap();
        let expected: Vec<u32> = facets.facet_ords(1).map(|o| o as u32).collect();
        assert!(expected.iter().any(|&o| o > u32::from(u16::MAX)));
        assert!(matches!(decoded.of(1), Ords::Spilled(_)));
        assert_eq!(decoded.of(1).to_vec(), expected);
        assert_eq!(decoded.of(0).to_vec().len(), 70_000);
        let sme = facets
            .facet_dict()
            .term_ord(Facet::from("/sme/yes").encoded_str())
            .unwrap()
            .unwrap();
        assert!(decoded.of(1).contains(sme as u32));
        assert!(!decoded.of(1).contains(0));
    }

    /// The same counts as tantivy's own collector, over several segments,
    /// for a top-level and a deeper root, asked for twice (the second time
    /// from the cache).
    #[test]
    fn counts_match_tantivys_facet_collector() {
        let mut builder = Schema::builder();
        let field = builder.add_facet_field(FIELD, FacetOptions::default());
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        let docs: &[&[&str]] = &[
            &[
                "/kind/contract",
                "/cpv/45/453/4531",
                "/cpv/45/455",
                "/owner/ccs",
            ],
            &["/kind/framework", "/cpv/45/453", "/owner/ccs", "/sme/yes"],
            &["/kind/contract", "/cpv/72/722", "/footprint/E47000001"],
            &[
                "/kind/lot",
                "/cpv/45/453/4532",
                "/footprint/E47000001",
                "/footprint/E47000002",
            ],
        ];
        for (n, facets) in docs.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            for facet in *facets {
                doc.add_facet(field, Facet::from(*facet));
            }
            writer.add_document(doc).unwrap();
            if n % 2 == 1 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() >= 2);
        for roots in [
            vec!["/kind", "/owner", "/footprint", "/sme", "/cpv"],
            vec!["/cpv/45"],
            vec!["/cpv/45/453"],
        ] {
            let mut theirs = FacetCollector::for_field(FIELD);
            for root in &roots {
                theirs.add_facet(*root);
            }
            let expected = searcher.search(&AllQuery, &theirs).unwrap();
            let ours = FacetCounter::new(roots.iter().map(|r| Facet::from(*r)));
            for _ in 0..2 {
                let found = searcher.search(&AllQuery, &ours).unwrap();
                for root in &roots {
                    let root_facet = Facet::from(*root);
                    let want: Vec<(String, u64)> = expected
                        .get(root)
                        .map(|(f, c)| (f.to_path_string(), c))
                        .collect();
                    let got: Vec<(String, u64)> = found
                        .children_of(&root_facet)
                        .map(|(f, c)| (f.to_path_string(), c))
                        .collect();
                    assert_eq!(got, want, "children of {root}");
                }
            }
        }
        // Two CPV codes under one division count the document once there.
        let divisions = searcher
            .search(&AllQuery, &FacetCounter::new([Facet::from("/cpv")]))
            .unwrap();
        let cpv = Facet::from("/cpv");
        let counts: Vec<(String, u64)> = divisions
            .children_of(&cpv)
            .map(|(f, c)| (f.to_path_string(), c))
            .collect();
        assert_eq!(
            counts,
            [("/cpv/45".to_owned(), 3), ("/cpv/72".to_owned(), 1)]
        );
    }
}
