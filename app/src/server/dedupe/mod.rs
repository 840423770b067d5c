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
pub mod store;
pub mod text;

#[cfg(test)]
mod evaluation;

use serde::Serialize;
use time::Date;

pub use cluster::{Cluster, clusters};
pub use score::{Reason, Scored};
pub use store::ItemRef;
pub use text::Normaliser;

use score::{Facts, ProfileRef};

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

/// What the detector derives from a probe's text (the live check): unit
/// word vectors (word ids and weights) of the title, and of the title with
/// the opening of the description; its suppliers as compared. The index
/// keeps the same for each of its items, packed ([`Profiles`]).
#[derive(Clone, Debug, Default)]
pub struct Profile {
    title: score::Vector,
    full: score::Vector,
    suppliers: Vec<u64>,
    site_specific: bool,
}

impl Profile {
    fn as_ref(&self) -> ProfileRef<'_> {
        ProfileRef {
            title: &self.title,
            full: &self.full,
            suppliers: &self.suppliers,
            site_specific: self.site_specific,
        }
    }
}

/// Where one item's profile lies in [`Profiles`].
#[derive(Clone, Copy, Debug)]
struct Span {
    weights: u32,
    title: u16,
    full: u16,
    suppliers: u32,
    supplier_count: u8,
    site_specific: bool,
}

/// Every item's profile in two arrays (an item's vectors are short, and
/// three small allocations each would cost more than their contents).
#[derive(Default)]
struct Profiles {
    weights: Vec<(u32, f32)>,
    suppliers: Vec<u64>,
    spans: Vec<Span>,
}

impl Profiles {
    fn push(&mut self, profile: ProfileRef<'_>) {
        let title = &profile.title[..profile.title.len().min(u16::MAX as usize)];
        let full = &profile.full[..profile.full.len().min(u16::MAX as usize)];
        let suppliers = &profile.suppliers[..profile.suppliers.len().min(u8::MAX as usize)];
        self.spans.push(Span {
            weights: self.weights.len() as u32,
            title: title.len() as u16,
            full: full.len() as u16,
            suppliers: self.suppliers.len() as u32,
            supplier_count: suppliers.len() as u8,
            site_specific: profile.site_specific,
        });
        self.weights.extend_from_slice(title);
        self.weights.extend_from_slice(full);
        self.suppliers.extend_from_slice(suppliers);
    }

    fn get(&self, i: usize) -> ProfileRef<'_> {
        let s = self.spans[i];
        let (w, t, f) = (s.weights as usize, s.title as usize, s.full as usize);
        ProfileRef {
            title: &self.weights[w..w + t],
            full: &self.weights[w + t..w + t + f],
            suppliers: &self.suppliers
                [s.suppliers as usize..s.suppliers as usize + s.supplier_count as usize],
            site_specific: s.site_specific,
        }
    }
}

/// A match between two items of an [`Index`] (by position). A national
/// run finds about one per purchase, so a match is held without its
/// reasons; [`Index::reasons`] writes them for the pairs someone reads.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub score: f64,
}

/// Matches as they are found. The same pair is met in many buckets (two
/// purchases worded alike share most of their bands), so the list is
/// cut back to one of each whenever it has doubled: a national run then
/// holds about its distinct matches, not twenty times as many.
#[derive(Default)]
struct Matches {
    /// (a, b, score): two thirds the size of a [`Pair`].
    pairs: Vec<(u32, u32, f64)>,
    /// How many of `pairs` were distinct at the last cut.
    distinct: usize,
}

impl Matches {
    fn add(&mut self, found: impl Iterator<Item = (u32, u32, f64)>) {
        self.pairs.extend(found);
        if self.pairs.len() > 2 * self.distinct + 100_000 {
            self.cut();
        }
    }

    fn cut(&mut self) {
        self.pairs.sort_unstable_by_key(|p| (p.0, p.1));
        self.pairs.dedup_by_key(|p| (p.0, p.1));
        self.distinct = self.pairs.len();
    }

    fn unique(mut self) -> Vec<Pair> {
        self.cut();
        self.pairs
            .into_iter()
            .map(|(a, b, score)| Pair {
                a: a as usize,
                b: b as usize,
                score,
            })
            .collect()
    }
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
    store: store::Store,
    profiles: Profiles,
    buckets: candidates::Buckets,
}

impl Index {
    /// Normalises and weighs every item and builds the candidate buckets.
    /// Items are packed as they arrive ([`store::Store`]), without their
    /// descriptions, which only the profile needs: a national corpus is
    /// memory-bound, and a caller that streams its items never holds them
    /// all as [`Item`]s.
    pub fn build(mut normaliser: Normaliser, items: impl IntoIterator<Item = Item>) -> Self {
        let mut vocabulary = score::Vocabulary::default();
        let mut store = store::Store::default();
        // Each item's word ids (title, then description), until the
        // corpus's word frequencies are known; then its profile.
        let mut words: Vec<u32> = Vec::new();
        let mut pending: Vec<Span> = Vec::new();
        let mut supplier_keys: Vec<u64> = Vec::new();
        for item in items {
            let (title, description) = words_of(&mut normaliser, &item);
            let (title, description) = vocabulary.add_document(&title, &description);
            let title = &title[..title.len().min(u16::MAX as usize)];
            let description = &description[..description.len().min(u16::MAX as usize)];
            let suppliers = &item.suppliers[..item.suppliers.len().min(u8::MAX as usize)];
            pending.push(Span {
                weights: words.len() as u32,
                title: title.len() as u16,
                full: description.len() as u16,
                suppliers: supplier_keys.len() as u32,
                supplier_count: suppliers.len() as u8,
                site_specific: text::is_site_specific_works(&item.title),
            });
            words.extend_from_slice(title);
            words.extend_from_slice(description);
            supplier_keys.extend(suppliers.iter().map(|s| score::supplier_key(s)));
            store.push(&item);
        }
        vocabulary.correct_misspellings();
        for word in &mut words {
            *word = vocabulary.canonical(*word);
        }
        let mut buckets = candidates::Buckets::with_capacity(store.len());
        let mut profiles = Profiles::default();
        for span in pending {
            let (at, t, d) = (
                span.weights as usize,
                span.title as usize,
                span.full as usize,
            );
            let (title, description) = (&words[at..at + t], &words[at + t..at + t + d]);
            buckets.add(candidates::signature(title, description, &vocabulary));
            let (title, full) = score::vectors(title, description, &vocabulary);
            let from = span.suppliers as usize;
            profiles.push(ProfileRef {
                title: &title,
                full: &full,
                suppliers: &supplier_keys[from..from + span.supplier_count as usize],
                site_specific: span.site_specific,
            });
        }
        Self {
            normaliser,
            vocabulary,
            store,
            profiles,
            buckets: buckets.finish(),
        }
    }

    pub fn len(&self) -> usize {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    /// Item `i`, read in place.
    pub fn item(&self, i: usize) -> ItemRef<'_> {
        self.store.get(i)
    }

    /// The compared words of an item's title (stemmed, concepts joined).
    pub fn title_words(&self, i: usize) -> Vec<&str> {
        self.profiles
            .get(i)
            .title
            .iter()
            .map(|(w, _)| self.vocabulary.word(*w))
            .collect()
    }

    /// Scores two items of the index (`None`: they can never match).
    pub fn score_pair(&self, a: usize, b: usize) -> Option<Scored> {
        score::score(
            &Facts::of(&self.store.get(a)),
            self.profiles.get(a),
            &self.store.get(b),
            self.profiles.get(b),
            &self.vocabulary,
        )
    }

    /// Why two items of the index match (empty when they never can).
    pub fn reasons(&self, a: usize, b: usize) -> Vec<Reason> {
        self.score_pair(a, b).map(|s| s.reasons).unwrap_or_default()
    }

    /// The title words (as shown to people) that at least two of `members`
    /// share, commonest first, at most `limit`: what a cluster is about.
    pub fn shared_title_words(&self, members: &[usize], limit: usize) -> Vec<String> {
        let mut counts: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        for m in members {
            for (w, _) in self.profiles.get(*m).title {
                *counts.entry(*w).or_default() += 1;
            }
        }
        let mut shared: Vec<(String, usize)> = counts
            .into_iter()
            .filter(|(_, n)| *n >= 2)
            .map(|(w, n)| (score::display_word(self.vocabulary.word(w)), n))
            .collect();
        shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        shared.into_iter().take(limit).map(|(w, _)| w).collect()
    }

    /// Every matching pair in the corpus, best first. Candidates are
    /// scored on every core.
    pub fn pairs(&self) -> (Vec<Pair>, Stats) {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let (store, profiles) = (&self.store, &self.profiles);
        let (found, candidate_pairs, skipped_buckets) =
            self.buckets.scan(threads, |batch, kept: &mut Matches| {
                kept.add(batch.iter().filter_map(|&(a, b)| {
                    let (i, j) = (a as usize, b as usize);
                    let score = score::score_only(
                        &Facts::of(&store.get(i)),
                        profiles.get(i),
                        &Facts::of(&store.get(j)),
                        profiles.get(j),
                    )?;
                    (score >= config::MATCH_THRESHOLD).then_some((a, b, score))
                }));
            });
        let mut all = Matches::default();
        for found in found {
            all.add(found.pairs.into_iter());
        }
        // Each thread's list is cut; the merged one is cut once more.
        let mut pairs = all.unique();
        // A total order (ties by position), so unstable is deterministic.
        pairs.sort_unstable_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        let stats = Stats {
            items: self.store.len(),
            candidate_pairs,
            matched_pairs: pairs.len(),
            skipped_buckets,
        };
        (pairs, stats)
    }

    /// The live check: items of the corpus that look like the same need as
    /// `item` (by other buyers), best first, at most `limit`.
    pub fn similar(&mut self, item: &Item, limit: usize) -> Vec<Similar> {
        self.similar_with(item, limit, &[])
    }

    /// [`Self::similar`], also scoring the items `also` (by their place in
    /// the index) whether or not they share a bucket with `item`. The
    /// buckets find a close match with high probability, not certainty:
    /// a caller that must not miss some items (those of the need's own
    /// footprint) names them here.
    pub fn similar_with(&mut self, item: &Item, limit: usize, also: &[u32]) -> Vec<Similar> {
        let (title, description) = words_of(&mut self.normaliser, item);
        let mut unseen = u32::MAX;
        let title = self.vocabulary.lookup(&title, &mut unseen);
        let description = self.vocabulary.lookup(&description, &mut unseen);
        let (title_vector, full) = score::vectors(&title, &description, &self.vocabulary);
        let probe = Profile {
            title: title_vector,
            full,
            suppliers: item
                .suppliers
                .iter()
                .map(|s| score::supplier_key(s))
                .collect(),
            site_specific: text::is_site_specific_works(&item.title),
        };
        let signature = candidates::signature(&title, &description, &self.vocabulary);
        // The probe's facts in the index's numbering; a buyer or framework
        // the index has never seen gets a number none of its items has.
        let mut unknown = u32::MAX;
        let buyers: Vec<u32> = item
            .buyers
            .iter()
            .map(|b| {
                self.store.buyers.get(b).unwrap_or_else(|| {
                    unknown -= 1;
                    unknown
                })
            })
            .collect();
        let cpv: Vec<u32> = item
            .cpv_codes
            .iter()
            .filter_map(|c| store::cpv_number(c))
            .collect();
        let facts = Facts {
            buyers: &buyers,
            cpv: &cpv,
            framework: item.framework.as_deref().map(|f| {
                self.store
                    .frameworks
                    .get(&f.trim().to_uppercase())
                    .unwrap_or(u32::MAX)
            }),
            start: item.start,
            end: item.end,
        };
        let mut candidates = self.buckets.neighbours(&signature);
        candidates.extend(also.iter().filter(|&&i| (i as usize) < self.store.len()));
        candidates.sort_unstable();
        candidates.dedup();
        let mut found: Vec<Similar> = candidates
            .into_iter()
            .filter_map(|i| {
                let i = i as usize;
                let scored = score::score(
                    &facts,
                    probe.as_ref(),
                    &self.store.get(i),
                    self.profiles.get(i),
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
                let (x, y) = (index.item(p.a).key(), index.item(p.b).key());
                if x < y {
                    (x.to_owned(), y.to_owned())
                } else {
                    (y.to_owned(), x.to_owned())
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
                index
                    .reasons(p.a, p.b)
                    .iter()
                    .any(|r| matches!(r, Reason::SharedWords { words, .. } if !words.is_empty())),
                "{p:?}"
            );
        }
        let weeds = pairs
            .iter()
            .find(|p| index.item(p.a).key() == "e" || index.item(p.b).key() == "e")
            .expect("weed pair");
        let reasons = index.reasons(weeds.a, weeds.b);
        assert!(reasons[0].to_string().contains("weed"), "{reasons:?}");
        let scored = index.score_pair(weeds.a, weeds.b).expect("scored");
        assert_eq!(
            scored.score, weeds.score,
            "reasons are of the pair as scored"
        );
    }

    #[test]
    fn a_misspelt_word_counts_as_the_word_it_misspells() {
        // "treatment" is common in the corpus; one notice misspells it.
        let mut items: Vec<Item> = (0..config::MISSPELLING_MIN_DOCUMENTS)
            .map(|n| {
                item(
                    &format!("water{n}"),
                    &format!("buyer{n}"),
                    "Water treatment chemicals",
                )
            })
            .collect();
        items.push(item(
            "slip",
            "salford",
            "Integrated Substance Misuse Treatmnet and Recovery Service",
        ));
        let mut index = Index::build(normaliser(), items);
        let slip = index.len() - 1;
        assert_eq!(index.title_words(slip).len(), 3);
        assert!(
            index.title_words(slip).contains(&"treatment"),
            "{:?}",
            index.title_words(slip)
        );
        let probe = item(
            "new",
            "manchester",
            "Substance misuse treatment and recovery",
        );
        let found = index.similar(&probe, 10);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].item, slip);
        assert!(found[0].score > 0.999, "{found:?}");
        assert!(
            matches!(&found[0].reasons[0], Reason::SharedWords { words, .. } if words.contains(&"treatment".to_owned())),
            "{found:?}"
        );
        // A slip in the probe is read the same way.
        let probe = item(
            "new",
            "manchester",
            "Substance misuse treatmetn and recovery",
        );
        assert!(index.similar(&probe, 10)[0].score > 0.999);
    }

    #[test]
    fn live_check_finds_the_same_need_for_another_buyer_only() {
        let mut index = Index::build(normaliser(), corpus());
        let probe = item("new", "leeds", "Weed spraying (herbicide)");
        let found: Vec<&str> = index
            .similar(&probe, 10)
            .iter()
            .map(|s| index.item(s.item).key())
            .collect();
        assert_eq!(found.len(), 2);
        assert!(found.contains(&"e") && found.contains(&"f"), "{found:?}");
        let own = item("own", "kirklees", "Weed spraying");
        let found = index.similar(&own, 10);
        assert_eq!(found.len(), 1, "Kirklees' own purchase is not a duplicate");
    }

    #[test]
    fn items_named_by_the_caller_are_scored_once_as_well_as_the_buckets_finds() {
        let mut index = Index::build(normaliser(), corpus());
        let probe = item("new", "leeds", "Weed spraying (herbicide)");
        let by_buckets = index.similar(&probe, 10);
        let every: Vec<u32> = (0..index.len() as u32).chain([u32::MAX]).collect();
        let named = index.similar_with(&probe, 10, &every);
        // Naming every item, ones the buckets found among them, and one
        // past the end: the same matches, each once.
        let keys = |found: &[Similar]| -> Vec<String> {
            let mut keys: Vec<String> = found
                .iter()
                .map(|s| index.item(s.item).key().to_owned())
                .collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(&named), keys(&by_buckets));
        assert_eq!(named.len(), 2);
    }

    #[test]
    fn one_joint_arrangement_published_twice_is_not_a_duplicate() {
        let start = Date::from_calendar_date(2025, time::Month::April, 1).unwrap();
        let mut a = item("a", "leeds", "Weed spraying");
        let mut b = item("b", "bradford", "Weed spraying");
        a.suppliers = vec!["Green Co Ltd".into()];
        // Published names differ; the supplier is the same.
        b.suppliers = vec!["The Green Co Ltd".into()];
        for x in [&mut a, &mut b] {
            x.start = Some(start);
        }
        let index = Index::build(normaliser(), vec![a.clone(), b.clone()]);
        assert!(index.pairs().0.is_empty());
        b.start = Some(start.replace_year(2023).unwrap());
        let index = Index::build(normaliser(), vec![a, b]);
        let (pairs, _) = index.pairs();
        assert_eq!(pairs.len(), 1);
        assert!(
            index
                .reasons(pairs[0].a, pairs[0].b)
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
