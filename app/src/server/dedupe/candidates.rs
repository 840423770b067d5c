//! Candidate pairs by MinHash and LSH banding.
//!
//! Each item gets two MinHash signatures, over its title words
//! ([`config::TITLE_BANDS`] bands) and over those plus its most
//! informative description words ([`config::FULL_BANDS`] bands), each band
//! [`config::MINHASH_ROWS`] values. Two are needed because a long
//! description dilutes the word set of a terse title ("Banking services"
//! twice, with different descriptions, would rarely meet on the combined
//! set). Items whose signatures agree on a whole band share a bucket and
//! become candidates; the probability grows steeply with the Jaccard
//! similarity of the word sets, so the scorer sees nearly every similar
//! pair and few dissimilar ones.
//!
//! Memory is what limits a national run, so a bucket entry is two `u32`s
//! (a 32-bit band key and the item), kept in one sorted array rather than
//! a map of vectors. Distinct bands whose keys collide only add candidates
//! the scorer rejects.
use super::config::{self, BUCKET_WINDOW, FULL_BANDS, MAX_BUCKET, MINHASH_ROWS, TITLE_BANDS};
use super::score::Vocabulary;

/// Band keys of one item, and the key that orders it inside a large bucket.
pub(super) struct Signature {
    pub bands: Vec<u32>,
    pub order: u64,
}

/// A seeded hash of a word id (splitmix64 finaliser): cheap, and independent
/// enough across seeds for MinHash.
fn hash(id: u32, seed: u64) -> u64 {
    let mut z = u64::from(id) ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn minhash(words: &[u32], seed: u64) -> u64 {
    words
        .iter()
        .map(|w| hash(*w, seed))
        .min()
        .unwrap_or(u64::MAX)
}

/// The signature of an item from its title and description word ids. An
/// item with no usable words has no bands and is never a candidate.
pub(super) fn signature(title: &[u32], description: &[u32], vocabulary: &Vocabulary) -> Signature {
    let mut title: Vec<u32> = title.to_vec();
    title.sort_unstable();
    title.dedup();
    let mut extra: Vec<u32> = description
        .iter()
        .copied()
        .filter(|w| title.binary_search(w).is_err())
        .filter(|w| vocabulary.idf(*w) >= config::SIGNATURE_DESCRIPTION_MIN_IDF)
        .collect();
    extra.sort_unstable();
    extra.dedup();
    extra.sort_by(|a, b| {
        vocabulary
            .idf(*b)
            .total_cmp(&vocabulary.idf(*a))
            .then(a.cmp(b))
    });
    let mut full = title.clone();
    full.extend(extra.into_iter().take(config::SIGNATURE_DESCRIPTION_WORDS));
    if full.is_empty() {
        return Signature {
            bands: Vec::new(),
            order: 0,
        };
    }
    // An item without title words signs its description words twice.
    let title: &[u32] = if title.is_empty() { &full } else { &title };
    let mut bands = Vec::with_capacity(TITLE_BANDS + FULL_BANDS);
    let mut band = 0u64;
    for (words, count) in [(title, TITLE_BANDS), (full.as_slice(), FULL_BANDS)] {
        for _ in 0..count {
            let mut key = hash(band as u32, 0x5eed);
            for row in 0..MINHASH_ROWS as u64 {
                key = hash(minhash(words, band * 16 + row) as u32, key);
            }
            bands.push((key >> 32) as u32);
            band += 1;
        }
    }
    Signature {
        order: minhash(title, 0),
        bands,
    }
}

/// Items by LSH bucket: `(band key, item)` sorted by key, then by the
/// items' order keys (so a large bucket reads as a sequence of similar
/// items).
pub struct Buckets {
    entries: Vec<(u32, u32)>,
    order: Vec<u64>,
}

impl Buckets {
    /// Room for `items` signatures.
    pub(super) fn with_capacity(items: usize) -> Self {
        Self {
            entries: Vec::with_capacity(items * (TITLE_BANDS + FULL_BANDS)),
            order: Vec::with_capacity(items),
        }
    }

    /// Adds the next item's signature (items are numbered in order).
    pub(super) fn add(&mut self, signature: Signature) {
        let item = self.order.len() as u32;
        self.entries
            .extend(signature.bands.into_iter().map(|k| (k, item)));
        self.order.push(signature.order);
    }

    /// Sorts the buckets once every item is added.
    pub(super) fn finish(mut self) -> Self {
        let order = &self.order;
        self.entries
            .sort_unstable_by_key(|(k, i)| (*k, order[*i as usize], *i));
        // Not shrunk to fit: that would copy the whole array to save a
        // few entries.
        self.entries.dedup();
        self
    }

    fn bucket(&self, key: u32) -> &[(u32, u32)] {
        let from = self.entries.partition_point(|(k, _)| *k < key);
        let to = self.entries.partition_point(|(k, _)| *k <= key);
        &self.entries[from..to]
    }

    /// The buckets cut into `parts` slices of about equal size, each cut
    /// at the start of a bucket.
    fn parts(&self, parts: usize) -> Vec<&[(u32, u32)]> {
        let len = self.entries.len();
        let mut cuts = vec![0];
        for p in 1..parts {
            let mut at = (len * p / parts).max(*cuts.last().unwrap_or(&0));
            while at > 0 && at < len && self.entries[at - 1].0 == self.entries[at].0 {
                at += 1;
            }
            cuts.push(at.min(len));
        }
        cuts.push(len);
        cuts.windows(2).map(|w| &self.entries[w[0]..w[1]]).collect()
    }

    /// Hands the candidate pairs `(a, b)`, `a < b`, to `score`, on
    /// `threads` threads at once, each reading its own share of the
    /// buckets. Each thread gathers its candidates in batches of about
    /// [`config::CANDIDATE_BATCH`] / `threads`, sorted and without repeats,
    /// so memory stays bounded however many pairs there are (a pair met
    /// again in a later batch, or by another thread, is scored again: time,
    /// not memory). `score` adds what it keeps of a batch to its thread's
    /// `T`. Returns every thread's `T`, the candidates scored and the
    /// number of buckets read as windows.
    pub fn scan<T: Send + Default>(
        &self,
        threads: usize,
        score: impl Fn(&[(u32, u32)], &mut T) + Sync,
    ) -> (Vec<T>, usize, usize) {
        let threads = threads.max(1);
        let batch_size = (config::CANDIDATE_BATCH / threads).max(1);
        let score = &score;
        let scan_part = move |part: &[(u32, u32)]| -> (T, usize, usize) {
            let mut kept = T::default();
            let mut batch = Vec::with_capacity(batch_size + 4 * MAX_BUCKET);
            let (mut candidates, mut large) = (0, 0);
            let mut flush = |batch: &mut Vec<(u32, u32)>, kept: &mut T| {
                batch.sort_unstable();
                batch.dedup();
                candidates += batch.len();
                score(batch, kept);
                batch.clear();
            };
            for run in part.chunk_by(|a, b| a.0 == b.0) {
                let reach = if run.len() > MAX_BUCKET {
                    large += 1;
                    BUCKET_WINDOW
                } else {
                    run.len()
                };
                for (k, &(_, a)) in run.iter().enumerate() {
                    for &(_, b) in run.iter().skip(k + 1).take(reach) {
                        if a != b {
                            batch.push((a.min(b), a.max(b)));
                        }
                    }
                    if batch.len() >= batch_size {
                        flush(&mut batch, &mut kept);
                    }
                }
            }
            flush(&mut batch, &mut kept);
            (kept, candidates, large)
        };
        let results: Vec<(T, usize, usize)> = std::thread::scope(|scope| {
            let running: Vec<_> = self
                .parts(threads)
                .into_iter()
                .map(|part| scope.spawn(move || scan_part(part)))
                .collect();
            running
                .into_iter()
                .map(|h| h.join().expect("candidate thread"))
                .collect()
        });
        let candidates = results.iter().map(|r| r.1).sum();
        let large = results.iter().map(|r| r.2).sum();
        (
            results.into_iter().map(|r| r.0).collect(),
            candidates,
            large,
        )
    }

    /// Candidates for a signature not in the buckets (the live check). A
    /// large bucket contributes the items nearest the probe in order.
    pub(super) fn neighbours(&self, signature: &Signature) -> Vec<u32> {
        let mut out = Vec::new();
        for key in &signature.bands {
            let run = self.bucket(*key);
            if run.len() > MAX_BUCKET {
                let at = run.partition_point(|(_, m)| self.order[*m as usize] < signature.order);
                let from = at.saturating_sub(BUCKET_WINDOW / 2);
                out.extend(run.iter().skip(from).take(BUCKET_WINDOW).map(|(_, m)| *m));
            } else {
                out.extend(run.iter().map(|(_, m)| *m));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
