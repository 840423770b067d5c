//! Duplicate-purchase detection: finds purchases by different buyers that
//! are the same need, says why, and groups them into clusters.
//!
//! Pure: no database, no I/O. The adapter (`services::dedupe`) turns
//! contracts, planned purchases and buying intents into [`Item`]s; this
//! module does the rest, in bulk ([`Index::pairs`]) or live for one new
//! purchase ([`Index::similar`]):
//!
//! 1. normalise each text ([`text`]): concepts for synonyms, no procedure
//!    words, places, years or references, stemmed;
//! 2. weight words by inverse document frequency over the corpus;
//! 3. candidates by MinHash signatures and LSH banding ([`candidates`]), so
//!    that the work grows with the number of similar pairs rather than
//!    with the square of the corpus;
//! 4. score candidates ([`score`]) and keep those at or above
//!    [`config::MATCH_THRESHOLD`], each with human-readable reasons;
//! 5. union-find the matches into clusters across buyers ([`cluster`]).
//!
//! Every threshold is in [`config`] with its reason. The labelled set of
//! real cross-council pairs and its evaluation test are in `evaluation`.
pub mod candidates;
pub mod cluster;
pub mod config;
pub mod score;
pub mod text;

#[cfg(test)]
mod evaluation;

use serde::Serialize;
use time::Date;

pub use cluster::{Cluster, clusters};
pub use score::{Reason, Scored};
pub use text::Normaliser;

/// One purchase, as the adapter describes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Item {
    /// Stable key, e.g. `contract:<uuid>`.
    pub key: String,
    /// Every buyer (a joint purchase has several). Purchases sharing a
    /// buyer are never paired.
    pub buyers: Vec<String>,
    pub title: String,
    pub description: Option<String>,
    /// Eight-digit CPV codes.
    pub cpv_codes: Vec<String>,
    /// Supplier names, as published.
    pub suppliers: Vec<String>,
    /// Framework reference when a call-off.
    pub framework: Option<String>,
    pub value_pence: Option<i64>,
    pub start: Option<Date>,
    pub end: Option<Date>,
}

/// What the detector derives from an item's text: unit word vectors
/// (word ids and weights) of the title, and of the title with the opening
/// of the description.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub(crate) title: score::Vector,
    pub(crate) full: score::Vector,
    pub site_specific: bool,
}

/// A match between two items of an [`Index`] (by position).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// A match for a purchase not (yet) in the index.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Similar {
    pub item: usize,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Figures of a bulk run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub items: usize,
    /// Candidate pairs scored (a pair met in two batches counts twice).
    pub candidate_pairs: usize,
    pub matched_pairs: usize,
    /// LSH buckets too common to enumerate ([`config::MAX_BUCKET`]).
    pub skipped_buckets: usize,
}

/// A corpus prepared for detection.
pub struct Index {
    normaliser: Normaliser,
    vocabulary: score::Vocabulary,
    items: Vec<Item>,
    profiles: Vec<Profile>,
    buckets: candidates::Buckets,
}

impl Index {
    /// Normalises and weighs every item and builds the candidate buckets.
    /// Items are kept without their descriptions, which only the profile
    /// needs (a national corpus is memory-bound).
    pub fn build(mut normaliser: Normaliser, mut items: Vec<Item>) -> Self {
        let mut vocabulary = score::Vocabulary::default();
        let ids: Vec<(Vec<u32>, Vec<u32>)> = items
            .iter_mut()
            .map(|item| {
                let (title, description) = words_of(&mut normaliser, item);
                item.description = None;
                vocabulary.add_document(&title, &description)
            })
            .collect();
        let mut signatures = Vec::with_capacity(items.len());
        let profiles: Vec<Profile> = items
            .iter()
            .zip(ids)
            .map(|(item, (title, description))| {
                signatures.push(candidates::signature(&title, &description, &vocabulary));
                profile(item, &title, &description, &vocabulary)
            })
            .collect();
        let buckets = candidates::Buckets::build(signatures);
        Self {
            normaliser,
            vocabulary,
            items,
            profiles,
            buckets,
        }
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The compared words of an item's title (stemmed, concepts joined).
    pub fn title_words(&self, i: usize) -> Vec<&str> {
        self.profiles[i]
            .title
            .iter()
            .map(|(w, _)| self.vocabulary.word(*w))
            .collect()
    }

    /// Scores two items of the index (`None`: they can never match).
    pub fn score_pair(&self, a: usize, b: usize) -> Option<Scored> {
        score::score(
            &self.items[a],
            &self.profiles[a],
            &self.items[b],
            &self.profiles[b],
            &self.vocabulary,
        )
    }

    /// Every matching pair in the corpus, best first. Candidates are
    /// scored on every core.
    pub fn pairs(&self) -> (Vec<Pair>, Stats) {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let (items, profiles, vocabulary) = (&self.items, &self.profiles, &self.vocabulary);
        let score_all = |slice: &[(u32, u32)]| -> Vec<Pair> {
            slice
                .iter()
                .filter_map(|&(a, b)| {
                    let (a, b) = (a as usize, b as usize);
                    let scored =
                        score::score(&items[a], &profiles[a], &items[b], &profiles[b], vocabulary)?;
                    (scored.score >= config::MATCH_THRESHOLD).then_some(Pair {
                        a,
                        b,
                        score: scored.score,
                        reasons: scored.reasons,
                    })
                })
                .collect()
        };
        let mut pairs: Vec<Pair> = Vec::new();
        let mut candidate_pairs = 0;
        let skipped_buckets = self.buckets.candidate_batches(|batch| {
            candidate_pairs += batch.len();
            let chunk = batch.len().div_ceil(threads).max(1);
            std::thread::scope(|scope| {
                let running: Vec<_> = batch
                    .chunks(chunk)
                    .map(|part| scope.spawn(|| score_all(part)))
                    .collect();
                for handle in running {
                    pairs.extend(handle.join().expect("scoring thread"));
                }
            });
        });
        // A pair met in two batches was matched twice.
        pairs.sort_by_key(|p| (p.a, p.b));
        pairs.dedup_by(|x, y| (x.a, x.b) == (y.a, y.b));
        pairs.sort_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        let stats = Stats {
            items: self.items.len(),
            candidate_pairs,
            matched_pairs: pairs.len(),
            skipped_buckets,
        };
        (pairs, stats)
    }

    /// The live check: items of the corpus that look like the same need as
    /// `item` (by other buyers), best first, at most `limit`.
    pub fn similar(&mut self, item: &Item, limit: usize) -> Vec<Similar> {
        let (title, description) = words_of(&mut self.normaliser, item);
        let mut unseen = u32::MAX;
        let title = self.vocabulary.lookup(&title, &mut unseen);
        let description = self.vocabulary.lookup(&description, &mut unseen);
        let probe = profile(item, &title, &description, &self.vocabulary);
        let signature = candidates::signature(&title, &description, &self.vocabulary);
        let mut found: Vec<Similar> = self
            .buckets
            .neighbours(&signature)
            .into_iter()
            .filter_map(|i| {
                let i = i as usize;
                let scored = score::score(
                    item,
                    &probe,
                    &self.items[i],
                    &self.profiles[i],
                    &self.vocabulary,
                )?;
                (scored.score >= config::MATCH_THRESHOLD).then_some(Similar {
                    item: i,
                    score: scored.score,
                    reasons: scored.reasons,
                })
            })
            .collect();
        found.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.item.cmp(&y.item)));
        found.truncate(limit);
        found
    }
}

fn words_of(normaliser: &mut Normaliser, item: &Item) -> (Vec<String>, Vec<String>) {
    let title = normaliser.tokens(&item.title);
    let description = item
        .description
        .as_deref()
        .map(|d| {
            let opening: String = d.chars().take(config::DESCRIPTION_CHARS).collect();
            normaliser.tokens(&opening)
        })
        .unwrap_or_default();
    (title, description)
}

fn profile(
    item: &Item,
    title: &[u32],
    description: &[u32],
    vocabulary: &score::Vocabulary,
) -> Profile {
    let (title, full) = score::vectors(title, description, vocabulary);
    Profile {
        title,
        full,
        site_specific: text::is_site_specific_works(&item.title),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(key: &str, buyer: &str, title: &str) -> Item {
        Item {
            key: key.into(),
            buyers: vec![buyer.into()],
            title: title.into(),
            ..Item::default()
        }
    }

    fn normaliser() -> Normaliser {
        Normaliser::new(["Leeds", "Bradford", "Wakefield", "Kirklees", "Calderdale"])
    }

    fn corpus() -> Vec<Item> {
        vec![
            item("a", "leeds", "Refuse collection vehicles (26t)"),
            item("b", "bradford", "Supply of 26t RCVs"),
            item("c", "wakefield", "Road sweepers"),
            item("d", "leeds", "Supply of refuse collection vehicles"),
            item("e", "kirklees", "Weed spraying of highways and footpaths"),
            item("f", "calderdale", "Weed spraying services"),
            item("g", "kirklees", "Construction of a new primary school"),
            item(
                "h",
                "wakefield",
                "Construction of a new primary school at Ossett",
            ),
            item("i", "calderdale", "Drug and alcohol treatment service"),
            item("j", "bradford", "Substance misuse recovery service"),
        ]
    }

    fn matched(index: &Index) -> Vec<(String, String)> {
        let (pairs, _) = index.pairs();
        let mut out: Vec<(String, String)> = pairs
            .iter()
            .map(|p| {
                let (x, y) = (&index.items()[p.a].key, &index.items()[p.b].key);
                if x < y {
                    (x.clone(), y.clone())
                } else {
                    (y.clone(), x.clone())
                }
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn same_needs_pair_across_buyers_and_false_friends_do_not() {
        let index = Index::build(normaliser(), corpus());
        let got = matched(&index);
        let want: Vec<(String, String)> = [("a", "b"), ("b", "d"), ("e", "f"), ("i", "j")]
            .iter()
            .map(|(x, y)| ((*x).to_owned(), (*y).to_owned()))
            .collect();
        // a–d share a buyer (Leeds); sweepers are another vehicle; schools
        // are site-specific works.
        assert_eq!(got, want);
    }

    #[test]
    fn every_match_says_why() {
        let index = Index::build(normaliser(), corpus());
        let (pairs, _) = index.pairs();
        for p in &pairs {
            assert!(
                p.reasons
                    .iter()
                    .any(|r| matches!(r, Reason::SharedWords { words, .. } if !words.is_empty())),
                "{p:?}"
            );
        }
        let weeds = pairs
            .iter()
            .find(|p| index.items()[p.a].key == "e" || index.items()[p.b].key == "e")
            .expect("weed pair");
        assert!(weeds.reasons[0].to_string().contains("weed"), "{weeds:?}");
    }

    #[test]
    fn live_check_finds_the_same_need_for_another_buyer_only() {
        let mut index = Index::build(normaliser(), corpus());
        let probe = item("new", "leeds", "Weed spraying (herbicide)");
        let found: Vec<&str> = index
            .similar(&probe, 10)
            .iter()
            .map(|s| index.items()[s.item].key.as_str())
            .collect();
        assert_eq!(found.len(), 2);
        assert!(found.contains(&"e") && found.contains(&"f"), "{found:?}");
        let own = item("own", "kirklees", "Weed spraying");
        let found = index.similar(&own, 10);
        assert_eq!(found.len(), 1, "Kirklees' own purchase is not a duplicate");
    }

    #[test]
    fn one_joint_arrangement_published_twice_is_not_a_duplicate() {
        let start = Date::from_calendar_date(2025, time::Month::April, 1).unwrap();
        let mut a = item("a", "leeds", "Weed spraying");
        let mut b = item("b", "bradford", "Weed spraying");
        for x in [&mut a, &mut b] {
            x.suppliers = vec!["Green Co Ltd".into()];
            x.start = Some(start);
        }
        let index = Index::build(normaliser(), vec![a.clone(), b.clone()]);
        assert!(index.pairs().0.is_empty());
        b.start = Some(start.replace_year(2023).unwrap());
        let index = Index::build(normaliser(), vec![a, b]);
        let (pairs, _) = index.pairs();
        assert_eq!(pairs.len(), 1);
        assert!(
            pairs[0]
                .reasons
                .iter()
                .any(|r| matches!(r, Reason::SameSupplier { .. }))
        );
    }

    fn titles() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "Weed spraying",
            "Refuse collection vehicles",
            "Road sweepers",
            "Drug and alcohol service",
            "Home care",
            "Domiciliary care framework",
            "Grounds maintenance",
            "Insurance placement",
            "Passenger transport DPS",
            "Taxi contracts",
        ])
        .prop_map(str::to_owned)
    }

    proptest! {
        /// Symmetric; identical items score highest; an item never pairs
        /// with its own buyer.
        #[test]
        fn scoring_properties(x in titles(), y in titles(), z in titles()) {
            let items = vec![item("x", "b1", &x), item("y", "b2", &y), item("z", "b1", &z)];
            let index = Index::build(normaliser(), items);
            let ab = index.score_pair(0, 1);
            let ba = index.score_pair(1, 0);
            prop_assert_eq!(ab.clone().map(|s| s.score), ba.map(|s| s.score));
            // The same words from another buyer: the highest score there is.
            let twin = Index::build(normaliser(), vec![item("x", "b1", &x), item("x2", "b2", &x), item("y", "b3", &y)]);
            if let (Some(s), Some(own)) = (ab, twin.score_pair(0, 1)) {
                prop_assert!(own.score + 1e-6 >= s.score);
            }
            prop_assert!(index.score_pair(0, 2).is_none());
        }
    }
}
