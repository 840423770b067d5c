//! What searches keep of each segment beyond tantivy's own files: the
//! decoded facet ordinals ([`super::facet_count`]) and the set of title and
//! body terms ([`super::lexicon`]). Segments never change once written, so
//! each is worked out once per segment: by [`SegmentWarmer`] when a reader
//! reloads, off the search path, and forgotten when no searcher of that
//! reader uses the segment any more.
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex, Weak};

use tantivy::index::SegmentId;
use tantivy::{Searcher, SearcherGeneration, SegmentReader, Warmer};

/// Entries kept before a cache starts again. Only readers without a warmer
/// (tests, one-off tools) need it: they never say which segments are gone.
/// A few thousand is far more than one index uses at once.
const MAX_CACHED: usize = 4_096;

/// One thing worked out per segment, by segment id (unique across indexes,
/// so two readers never see each other's).
pub(super) struct SegmentCache<T> {
    entries: LazyLock<Mutex<HashMap<SegmentId, Arc<T>>>>,
}

impl<T> SegmentCache<T> {
    pub(super) const fn new() -> Self {
        SegmentCache {
            entries: LazyLock::new(Default::default),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<T>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `reader`'s segment's entry, worked out by `build` now when no warmer
    /// has (outside the lock: two searches may both build it, once).
    pub(super) fn get_or_build(
        &self,
        reader: &SegmentReader,
        build: impl FnOnce(&SegmentReader) -> tantivy::Result<T>,
    ) -> tantivy::Result<Arc<T>> {
        let id = reader.segment_id();
        if let Some(found) = self.entries().get(&id) {
            return Ok(found.clone());
        }
        let built = Arc::new(build(reader)?);
        let mut entries = self.entries();
        if entries.len() >= MAX_CACHED {
            entries.clear();
        }
        entries.insert(id, built.clone());
        Ok(built)
    }

    fn forget(&self, segment: &SegmentId) {
        self.entries().remove(segment);
    }

    pub(super) fn contains(&self, segment: &SegmentId) -> bool {
        self.entries().contains_key(segment)
    }
}

/// Works out each new segment's facet ordinals and term set when a reader
/// reloads, and forgets those of segments no searcher of that reader uses
/// any more. Register it on every reader that serves searches
/// ([`super::open_reader`]).
#[derive(Default)]
pub struct SegmentWarmer {
    /// The segments this warmer worked out.
    warmed: Mutex<HashSet<SegmentId>>,
}

impl SegmentWarmer {
    fn forget(segment: &SegmentId) {
        super::facet_count::ORDINALS.forget(segment);
        super::lexicon::TERMS.forget(segment);
    }
}

impl Warmer for SegmentWarmer {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for reader in searcher.segment_readers() {
            super::facet_count::ordinals(reader)?;
            super::lexicon::terms(reader)?;
            self.warmed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(reader.segment_id());
        }
        Ok(())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        let live: HashSet<SegmentId> = live_generations
            .iter()
            .flat_map(|g| g.segments().keys().copied())
            .collect();
        let mut warmed = self.warmed.lock().unwrap_or_else(|e| e.into_inner());
        let gone: Vec<SegmentId> = warmed.difference(&live).copied().collect();
        for id in gone {
            warmed.remove(&id);
            Self::forget(&id);
        }
    }
}

impl Drop for SegmentWarmer {
    /// A reader dropped (a replica replaced by a rebuild) takes what was
    /// worked out for its segments with it.
    fn drop(&mut self) {
        let warmed = self.warmed.get_mut().unwrap_or_else(|e| e.into_inner());
        for id in warmed.drain() {
            Self::forget(&id);
        }
    }
}

/// A new warmer for one reader; the reader holds it weakly, so the caller
/// keeps the `Arc` as long as the reader.
pub fn warmer() -> Arc<SegmentWarmer> {
    Arc::new(SegmentWarmer::default())
}

/// The weak handle a reader builder takes.
pub fn weak(warmer: &Arc<SegmentWarmer>) -> Weak<dyn Warmer> {
    let as_dyn: Arc<dyn Warmer> = warmer.clone();
    Arc::downgrade(&as_dyn)
}

#[cfg(test)]
mod tests {
    use super::super::facet_count::{FIELD, FacetCounter, is_decoded};
    use super::super::lexicon::TERMS;
    use super::*;
    use tantivy::query::AllQuery;
    use tantivy::schema::{Facet, FacetOptions, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    /// Whether both caches hold `segment`.
    fn worked_out(segment: &SegmentId) -> bool {
        is_decoded(*segment) && TERMS.contains(segment)
    }

    /// Whether neither cache holds `segment`.
    fn forgotten(segment: &SegmentId) -> bool {
        !is_decoded(*segment) && !TERMS.contains(segment)
    }

    /// A reader with the warmer has each segment's facet ordinals decoded
    /// and term set read as it loads, and the segments merged away are
    /// forgotten.
    #[test]
    fn the_warmer_works_out_new_segments_and_forgets_merged_ones() {
        let mut builder = Schema::builder();
        let facets = builder.add_facet_field(FIELD, FacetOptions::default());
        let title = builder.add_text_field(super::super::schema::TITLE, TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
        for n in 0..2 {
            let mut doc = TantivyDocument::default();
            doc.add_facet(facets, Facet::from(format!("/kind/k{n}").as_str()));
            doc.add_text(title, format!("word{n}"));
            writer.add_document(doc).unwrap();
            writer.commit().unwrap();
        }
        let warmer = warmer();
        let reader: tantivy::IndexReader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .warmers(vec![weak(&warmer)])
            .try_into()
            .unwrap();
        let before = index.searchable_segment_ids().unwrap();
        assert_eq!(before.len(), 2);
        assert!(before.iter().all(worked_out), "worked out on load");
        writer.merge(&before).wait().unwrap();
        reader.reload().unwrap();
        let after = index.searchable_segment_ids().unwrap();
        assert_eq!(after.len(), 1);
        assert!(worked_out(&after[0]), "the merged segment on reload");
        let merged_terms = super::super::lexicon::terms(&reader.searcher().segment_readers()[0]);
        assert_eq!(merged_terms.unwrap().len(), 2, "word0 and word1");
        // What tantivy calls once no searcher uses the old segments.
        let generation = reader.searcher().generation().clone();
        warmer.garbage_collect(&[&generation]);
        assert!(before.iter().all(forgotten), "merged away: forgotten");
        assert!(worked_out(&after[0]));
        // Counting from the decoded ordinals gives each kind once.
        let counts = reader
            .searcher()
            .search(&AllQuery, &FacetCounter::new([Facet::from("/kind")]))
            .unwrap();
        assert_eq!(counts.children_of(&Facet::from("/kind")).count(), 2);
        // The reader's warmer dropped: its segments are forgotten too.
        drop(reader);
        drop(warmer);
        // (tantivy's collector thread may hold the warmer for a moment.)
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !forgotten(&after[0]) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(forgotten(&after[0]));
    }
}
