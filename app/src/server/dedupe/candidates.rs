//! Candidate pairs by MinHash and LSH banding.
//!
//! Each item gets two MinHash signatures of `MINHASH_BANDS ×
//! MINHASH_ROWS` values, over its title words and over those plus its most
//! informative description words; items whose signatures agree on every
//! value of some band share a bucket and become candidates. The
//! probability of that grows steeply with the Jaccard similarity of the
//! word sets (see [`config::MINHASH_BANDS`]), so the scorer sees nearly
//! every similar pair and few dissimilar ones.
use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::config::{self, BUCKET_WINDOW, MAX_BUCKET, MINHASH_BANDS, MINHASH_ROWS};
use super::{Profile, score::Weights};

const HASHES: usize = MINHASH_BANDS * MINHASH_ROWS;

/// The MinHash signature of a profile: one over the title's words and one
/// over the title's and the most informative description words, one after
/// the other. Two are needed because a long description dilutes the word
/// set of a terse title ("Banking services" twice, with different
/// descriptions, would rarely meet on the combined set). An item with no
/// usable words has an empty signature and is never a candidate.
pub(super) fn signature(profile: &Profile, weights: &Weights) -> Vec<u64> {
    let title: Vec<&String> = profile.title_words.iter().collect();
    let mut extra: Vec<&String> = profile
        .description_words
        .iter()
        .filter(|w| !profile.title_words.contains(w))
        .collect();
    extra.sort_by(|a, b| weights.idf(b).total_cmp(&weights.idf(a)).then(a.cmp(b)));
    extra.dedup();
    let mut full = title.clone();
    full.extend(extra.into_iter().take(config::SIGNATURE_DESCRIPTION_WORDS));
    if full.is_empty() {
        return Vec::new();
    }
    // An item without title words signs its description words twice.
    let title = if title.is_empty() { &full } else { &title };
    let mut out = minhash(title);
    out.extend(minhash(&full));
    out
}

fn minhash(words: &[&String]) -> Vec<u64> {
    (0..HASHES as u64)
        .map(|seed| {
            words
                .iter()
                .map(|w| xxh3_64_with_seed(w.as_bytes(), seed))
                .min()
                .unwrap_or(u64::MAX)
        })
        .collect()
}

fn band_keys(signature: &[u64]) -> impl Iterator<Item = u64> + '_ {
    signature
        .chunks(MINHASH_ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut bytes = Vec::with_capacity(8 * (rows.len() + 1));
            bytes.extend_from_slice(&(band as u64).to_le_bytes());
            for r in rows {
                bytes.extend_from_slice(&r.to_le_bytes());
            }
            xxh3_64_with_seed(&bytes, 0x5eed)
        })
}

/// Items by LSH bucket.
pub struct Buckets {
    buckets: HashMap<u64, Vec<u32>>,
    signatures: Vec<Vec<u64>>,
}

impl Buckets {
    pub fn build<'a>(signatures: impl Iterator<Item = &'a [u64]>) -> Self {
        let mut buckets: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut kept = Vec::new();
        for (i, signature) in signatures.enumerate() {
            for key in band_keys(signature) {
                buckets.entry(key).or_default().push(i as u32);
            }
            kept.push(signature.to_vec());
        }
        // Large buckets are read as windows over signature order.
        for members in buckets.values_mut() {
            if members.len() > MAX_BUCKET {
                members.sort_by(|a, b| kept[*a as usize].cmp(&kept[*b as usize]));
            }
        }
        Self {
            buckets,
            signatures: kept,
        }
    }

    /// Every candidate pair `(a, b)` with `a < b`, once; and how many
    /// buckets were too large to enumerate in full.
    pub fn pairs(&self) -> (Vec<(u32, u32)>, usize) {
        let mut pairs = Vec::new();
        let mut large = 0;
        for members in self.buckets.values() {
            if members.len() > MAX_BUCKET {
                large += 1;
                for (k, &a) in members.iter().enumerate() {
                    for &b in members.iter().skip(k + 1).take(BUCKET_WINDOW) {
                        pairs.push((a.min(b), a.max(b)));
                    }
                }
            } else {
                for (k, &a) in members.iter().enumerate() {
                    for &b in &members[k + 1..] {
                        pairs.push((a.min(b), a.max(b)));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        (pairs, large)
    }

    /// Candidates for a signature not in the buckets (the live check). A
    /// large bucket contributes the items nearest the probe's signature.
    pub fn neighbours(&self, signature: &[u64]) -> Vec<u32> {
        let mut out = Vec::new();
        for key in band_keys(signature) {
            let Some(members) = self.buckets.get(&key) else {
                continue;
            };
            if members.len() > MAX_BUCKET {
                let at = members
                    .partition_point(|m| self.signatures[*m as usize].as_slice() < signature);
                let from = at.saturating_sub(BUCKET_WINDOW / 2);
                out.extend(members.iter().skip(from).take(BUCKET_WINDOW));
            } else {
                out.extend(members);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
