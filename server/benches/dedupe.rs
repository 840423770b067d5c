//! Duplicate-purchase detection benchmark (`cargo bench -p server --bench
//! dedupe`; sizes in BENCH_DOCS, default 10000,100000,1000000; seed in
//! BENCH_SEED). Prints figures; asserts nothing about time.
//!
//! A seeded generator makes contracts shaped like council notices: titles
//! of a few need words wrapped in procedure words, place names, references
//! and years; an opening description; CPV codes, values and periods. Into
//! them it plants clusters: one need bought by 2 to 6 different councils,
//! each title reworded (words reordered, dropped, wrapped differently, a
//! synonym from the thesaurus swapped in), dates shifted by up to three
//! years. It also plants false friends: another need sharing one need word
//! and the CPV class. The rest are one-off purchases.
//!
//! For each size it prints the bulk run's wall time and peak RSS,
//! precision and recall on the planted pairs, and p50/p99 of the live
//! check (one new purchase against the whole set). At the smallest size it
//! also runs a naive all-pairs scorer over the same items and reports the
//! speed ratio and whether the answers agree.
#[path = "support/mod.rs"]
mod support;

/// The server's allocator (see `src/main.rs`), so the figures are the
/// deployed binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use app::server::dedupe::{Index, Item, Normaliser, config};
use support::{peak_rss_mib, reset_peak_rss};

/// splitmix64: small, seeded, good enough to shape a corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }
}

const COUNCILS: usize = 400;
const SYLLABLES: &[&str] = &[
    "bar", "cal", "dor", "fen", "gal", "hol", "jor", "kel", "lum", "mar", "nor", "pel", "quin",
    "ros", "sal", "tor", "vel", "wen", "yar", "zan",
];
/// Need words as councils write them, and synonyms the thesaurus joins.
const NEED_WORDS: &[&str] = &[
    "weed",
    "spraying",
    "gritting",
    "salt",
    "vehicle",
    "tipper",
    "van",
    "sweeper",
    "cctv",
    "parking",
    "enforcement",
    "library",
    "books",
    "laptops",
    "telephony",
    "printing",
    "catering",
    "school",
    "meals",
    "cleaning",
    "windows",
    "lift",
    "maintenance",
    "boiler",
    "servicing",
    "asbestos",
    "survey",
    "legionella",
    "testing",
    "playground",
    "equipment",
    "signage",
    "lighting",
    "street",
    "bins",
    "recycling",
    "glass",
    "paper",
    "textiles",
    "furniture",
    "uniforms",
    "footwear",
    "tyres",
    "fuel",
    "cards",
    "banking",
    "insurance",
    "audit",
    "payroll",
    "pension",
    "translation",
    "interpreting",
    "advocacy",
    "carers",
    "fostering",
    "adoption",
    "respite",
    "tenancy",
    "sustainment",
    "employment",
    "skills",
    "apprenticeships",
    "tree",
    "surgery",
    "ecology",
    "flood",
    "drainage",
    "gully",
    "emptying",
    "pest",
    "control",
    "dog",
    "warden",
    "taxi",
    "minibus",
    "coach",
    "bus",
    "wheelchair",
    "hoist",
    "telecare",
    "alarms",
    "dementia",
    "nursing",
    "homecare",
    "domiciliary",
];
const WRAPPERS: &[(&str, &str)] = &[
    ("Provision of", "services"),
    ("Supply of", ""),
    ("", "framework agreement"),
    ("Framework for", "(lot 2)"),
    ("", "dynamic purchasing system"),
    ("Tender for", "contract"),
    ("Procurement of", "services 2025-2028"),
];
const SYNONYMS: &[(&str, &str)] = &[
    ("homecare", "domiciliary care"),
    ("taxi", "passenger transport"),
    ("minibus", "home to school transport"),
    ("carers", "carer support"),
];

struct Need {
    words: Vec<String>,
    cpv: String,
}

/// A made-up word (two syllables and four letters): the words that make
/// one need unlike another, as place and product names do in real titles.
fn pseudo_word(rng: &mut Rng) -> String {
    let mut word: String = (0..2).map(|_| *rng.pick(SYLLABLES)).collect();
    word.extend((0..4).map(|_| (b'a' + rng.below(26) as u8) as char));
    word
}

fn need(rng: &mut Rng) -> Need {
    let mut words = vec![
        (*rng.pick(NEED_WORDS)).to_owned(),
        pseudo_word(rng),
        pseudo_word(rng),
    ];
    if rng.below(2) == 0 {
        words.push((*rng.pick(NEED_WORDS)).to_owned());
    }
    Need {
        words,
        cpv: format!("{:04}", 1000 + rng.below(8000)),
    }
}

fn place(council: usize) -> String {
    let mut rng = Rng(council as u64 * 7919);
    format!(
        "{}{}",
        pseudo_word(&mut rng),
        ["ton", "by", "ford", "ham"][council % 4]
    )
}

/// One purchase of `need` by `council`, worded afresh.
fn purchase(rng: &mut Rng, key: String, need: &Need, council: usize, year: i32) -> Item {
    let mut words = need.words.clone();
    // Reword: reorder, sometimes drop a word, sometimes swap in a synonym.
    for i in (1..words.len()).rev() {
        let j = rng.below(i + 1);
        words.swap(i, j);
    }
    if words.len() > 3 && rng.below(3) == 0 {
        words.remove(rng.below(words.len()));
    }
    for w in &mut words {
        if let Some((_, synonym)) = SYNONYMS.iter().find(|(x, _)| x == w)
            && rng.below(2) == 0
        {
            *w = (*synonym).to_owned();
        }
    }
    let (before, after) = rng.pick(WRAPPERS);
    let reference_prefix = ["RM", "DN", "SC", "TC"][rng.below(4)];
    let reference_number = rng.below(10_000);
    let title = format!(
        "{reference_prefix}{reference_number:04} {} {} {} {}",
        before,
        words.join(" "),
        after,
        place(council)
    );
    let description = format!(
        "{} council requires {} across the {} area from {}.",
        place(council),
        words.join(" "),
        pseudo_word(rng),
        year
    );
    let start = time::Date::from_calendar_date(year, time::Month::April, 1).unwrap();
    let end = start.replace_year(year + 2 + rng.below(4) as i32).unwrap();
    Item {
        key,
        buyers: vec![format!("council-{council}")],
        title,
        description: Some(description),
        cpv_codes: vec![format!("{}{:04}", need.cpv, rng.below(10) * 10)],
        suppliers: vec![format!("{} Ltd", pseudo_word(rng))],
        framework: None,
        value_pence: Some(100_000 * (1 + rng.below(50_000)) as i64),
        start: Some(start),
        end: Some(end),
    }
}

/// Which planted cluster each purchase belongs to ([`NONE`]: none). Held as
/// one number per purchase, not as pairs, so that the truth of a million
/// purchases does not weigh on the memory measured.
#[derive(Default)]
struct Planted {
    cluster: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Planted {
    fn same(&self, a: usize, b: usize) -> bool {
        self.cluster[a] != NONE && self.cluster[a] == self.cluster[b]
    }

    /// Planted same-need pairs.
    fn pairs(&self) -> usize {
        let mut sizes: HashMap<u32, usize> = HashMap::new();
        for c in self.cluster.iter().filter(|c| **c != NONE) {
            *sizes.entry(*c).or_default() += 1;
        }
        sizes.values().map(|n| n * (n - 1) / 2).sum()
    }
}

/// The corpus, made as it is read (as a service streams rows into the
/// index), each purchase with its planted cluster ([`NONE`]: none).
struct Corpus {
    rng: Rng,
    left: usize,
    queue: VecDeque<(Item, u32)>,
    clusters: u32,
}

impl Corpus {
    fn new(seed: u64, size: usize) -> Self {
        Self {
            rng: Rng(seed),
            left: size,
            queue: VecDeque::new(),
            clusters: 0,
        }
    }

    /// The next need: a planted cluster (with, half the time, a false
    /// friend), or a one-off purchase.
    fn refill(&mut self) {
        let rng = &mut self.rng;
        let n = need(rng);
        if rng.below(10) < 3 {
            // A planted cluster: 2..=6 councils, dates up to 3 years apart.
            let members = 2 + rng.below(5);
            let mut used = HashSet::new();
            let year = 2016 + rng.below(8) as i32;
            for k in 0..members {
                let mut council = rng.below(COUNCILS);
                while !used.insert(council) {
                    council = rng.below(COUNCILS);
                }
                let key = format!("c{}-{k}", self.clusters);
                let shifted = year + rng.below(4) as i32;
                let item = purchase(rng, key, &n, council, shifted);
                self.queue.push_back((item, self.clusters));
            }
            if rng.below(2) == 0 {
                // A false friend: one need word and the CPV class in common.
                let mut friend = need(rng);
                friend.words[0] = n.words[0].clone();
                friend.cpv = n.cpv.clone();
                let key = format!("f{}", self.clusters);
                let council = rng.below(COUNCILS);
                let item = purchase(rng, key, &friend, council, year);
                self.queue.push_back((item, NONE));
            }
            self.clusters += 1;
        } else {
            let key = format!("s{}", rng.next());
            let council = rng.below(COUNCILS);
            let year = 2016 + rng.below(10) as i32;
            let item = purchase(rng, key, &n, council, year);
            self.queue.push_back((item, NONE));
        }
    }
}

impl Iterator for Corpus {
    type Item = (Item, u32);

    fn next(&mut self) -> Option<(Item, u32)> {
        if self.left == 0 {
            return None;
        }
        if self.queue.is_empty() {
            self.refill();
        }
        self.left -= 1;
        self.queue.pop_front()
    }
}

fn normaliser() -> Normaliser {
    let places: Vec<String> = (0..COUNCILS).map(place).collect();
    Normaliser::new(places.iter().map(String::as_str))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn env_list(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn main() {
    let sizes = env_list("BENCH_DOCS", "10000,100000,1000000");
    let seed: u64 = std::env::var("BENCH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_206);
    println!(
        "Duplicate-purchase benchmark: seed {seed}, threshold {}",
        config::MATCH_THRESHOLD
    );
    println!();
    println!(
        "| purchases | planted pairs | bulk wall | peak RSS | candidate pairs | matches | precision | recall | live p50 | live p99 |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &size in &sizes {
        let mut truth = Planted::default();
        // New purchases of planted needs by another council: copies of some
        // of the first planted purchases.
        let mut planted_sample: Vec<Item> = Vec::new();
        reset_peak_rss();
        let started = Instant::now();
        let items = Corpus::new(seed, size).map(|(item, cluster)| {
            truth.cluster.push(cluster);
            if cluster != NONE && planted_sample.len() < 5000 {
                planted_sample.push(item.clone());
            }
            item
        });
        let index = Index::build(normaliser(), items);
        let (built, built_rss) = (started.elapsed(), peak_rss_mib());
        let (pairs, stats) = index.pairs();
        let (paired, paired_rss) = (started.elapsed(), peak_rss_mib());
        let today = time::Date::from_calendar_date(2026, time::Month::December, 6).unwrap();
        let clusters = app::server::dedupe::clusters(&index, &pairs, today);
        let wall = started.elapsed();
        let peak = peak_rss_mib();
        let probes: Vec<Item> = {
            let mut rng = Rng(seed ^ 0xfeed);
            (0..1000)
                .map(|k| {
                    let mut probe = rng.pick(&planted_sample).clone();
                    probe.key = format!("probe{k}");
                    probe.buyers = vec!["council-new".into()];
                    probe
                })
                .collect()
        };
        let tp = pairs.iter().filter(|p| truth.same(p.a, p.b)).count();
        let precision = tp as f64 / pairs.len().max(1) as f64;
        let planted_pairs = truth.pairs();
        let recall = tp as f64 / planted_pairs.max(1) as f64;
        let mut index = index;
        let mut latencies: Vec<Duration> = probes
            .iter()
            .map(|p| {
                let t = Instant::now();
                std::hint::black_box(index.similar(p, 10));
                t.elapsed()
            })
            .collect();
        latencies.sort();
        println!(
            "| {size} | {} | {:.1} s | {:.0} MiB | {} | {} | {precision:.3} | {recall:.3} | {:.2} ms | {:.2} ms |",
            planted_pairs,
            wall.as_secs_f64(),
            peak,
            stats.candidate_pairs,
            stats.matched_pairs,
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
        );
        println!(
            "|  | {} clusters; {} large buckets read as windows; index built (corpus generated and streamed in) {:.1} s (peak {built_rss:.0} MiB), pairs by {:.1} s (peak {paired_rss:.0} MiB) |",
            clusters.len(),
            stats.skipped_buckets,
            built.as_secs_f64(),
            paired.as_secs_f64(),
        );
        if size == sizes[0] && size <= 20_000 {
            let started = Instant::now();
            let mut naive = HashSet::new();
            for a in 0..index.len() {
                for b in a + 1..index.len() {
                    if let Some(s) = index.score_pair(a, b)
                        && s.score >= config::MATCH_THRESHOLD
                    {
                        naive.insert((a, b));
                    }
                }
            }
            let naive_wall = started.elapsed();
            let lsh_started = Instant::now();
            let (again, _) = index.pairs();
            let lsh_wall = lsh_started.elapsed();
            let lsh: HashSet<(usize, usize)> =
                again.iter().map(|p| (p.a.min(p.b), p.a.max(p.b))).collect();
            println!(
                "|  | naive all-pairs at {size}: {:.1} s vs {:.2} s for candidates+scoring ({:.0}x); naive finds {} pairs, LSH {} of them and {} others |",
                naive_wall.as_secs_f64(),
                lsh_wall.as_secs_f64(),
                naive_wall.as_secs_f64() / lsh_wall.as_secs_f64().max(1e-9),
                naive.len(),
                lsh.intersection(&naive).count(),
                lsh.difference(&naive).count()
            );
        }
    }
}
