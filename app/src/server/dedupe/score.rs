//! Scoring one pair of purchases: how alike the needs are, and why.
//!
//! Text similarity is the cosine of word vectors weighted by inverse
//! document frequency (a rare word shared says more than a common one):
//! titles alone, and titles with the opening of the description at half
//! weight; the larger counts. CPV class agreement, a shared supplier and a
//! shared framework add a little. Site-specific construction never
//! matches, and two notices of one joint arrangement are not a duplicate.
//! Timing and value never decide a match; they are reported as reasons
//! and used for ranking.
use std::collections::HashMap;

use serde::Serialize;
use time::Date;

use super::config;
use super::{Item, Profile};

/// Why two purchases were taken as the same need (or what else is worth
/// knowing about the pair).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Words both descriptions of the need share (most informative first).
    SharedWords {
        words: Vec<String>,
        similarity: f64,
    },
    /// CPV codes agree to this prefix.
    SameCpv {
        prefix: String,
    },
    SameSupplier {
        name: String,
    },
    SameFramework {
        reference: String,
    },
    /// Both periods end within [`config::ENDING_TOGETHER_DAYS`].
    EndingTogether {
        first: Date,
        second: Date,
    },
    /// The contract periods overlap.
    PeriodsOverlap,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::SharedWords { words, similarity } => write!(
                f,
                "descriptions share: {} (similarity {:.2})",
                words.join(", "),
                similarity
            ),
            Reason::SameCpv { prefix } => {
                write!(f, "CPV codes agree to {} digits ({prefix})", prefix.len())
            }
            Reason::SameSupplier { name } => write!(f, "same supplier: {name}"),
            Reason::SameFramework { reference } => {
                write!(f, "both call off framework {reference}")
            }
            Reason::EndingTogether { first, second } => {
                write!(f, "both end within 6 months ({first} and {second})")
            }
            Reason::PeriodsOverlap => write!(f, "contract periods overlap"),
        }
    }
}

/// A scored pair.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    pub score: f64,
    pub reasons: Vec<Reason>,
}

const MIN_IDF: f64 = 0.1;

/// The corpus's words, each with an id and its document frequency. Words
/// are held once; profiles refer to them by id.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    ids: HashMap<String, u32>,
    words: Vec<String>,
    frequency: Vec<u32>,
    documents: usize,
}

impl Vocabulary {
    /// Counts one document's words (each once) and returns their ids.
    pub(super) fn add_document(
        &mut self,
        title: &[String],
        description: &[String],
    ) -> (Vec<u32>, Vec<u32>) {
        self.documents += 1;
        let mut seen = Vec::new();
        let mut intern = |word: &String, seen: &mut Vec<u32>| -> u32 {
            let id = match self.ids.get(word) {
                Some(id) => *id,
                None => {
                    let id = self.words.len() as u32;
                    self.ids.insert(word.clone(), id);
                    self.words.push(word.clone());
                    self.frequency.push(0);
                    id
                }
            };
            if !seen.contains(&id) {
                seen.push(id);
                self.frequency[id as usize] += 1;
            }
            id
        };
        let t = title.iter().map(|w| intern(w, &mut seen)).collect();
        let d = description.iter().map(|w| intern(w, &mut seen)).collect();
        (t, d)
    }

    /// Ids of a text not in the corpus (the live check): a word the corpus
    /// lacks gets an id no corpus word has, so it counts in the probe's
    /// length but matches nothing.
    pub(super) fn lookup(&self, words: &[String], unseen: &mut u32) -> Vec<u32> {
        words
            .iter()
            .map(|w| {
                self.ids.get(w).copied().unwrap_or_else(|| {
                    *unseen -= 1;
                    *unseen
                })
            })
            .collect()
    }

    pub fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", String::as_str)
    }

    /// Inverse document frequency, at least [`MIN_IDF`] so that a word in
    /// every document of a tiny corpus still counts a little.
    pub fn idf(&self, id: u32) -> f64 {
        let df = self.frequency.get(id as usize).copied().unwrap_or(0) as f64;
        ((self.documents as f64 + 1.0) / (df + 1.0))
            .ln()
            .max(MIN_IDF)
    }
}

/// A unit vector of word weights, sorted by word id.
pub type Vector = Vec<(u32, f32)>;

/// Title vector and title-plus-description vector, unit length.
pub(super) fn vectors(
    title: &[u32],
    description: &[u32],
    vocabulary: &Vocabulary,
) -> (Vector, Vector) {
    let mut t: HashMap<u32, f64> = HashMap::new();
    for w in title {
        t.insert(*w, vocabulary.idf(*w));
    }
    let mut full = t.clone();
    for w in description {
        full.entry(*w)
            .or_insert(config::DESCRIPTION_WEIGHT * vocabulary.idf(*w));
    }
    (unit(t), unit(full))
}

fn unit(map: HashMap<u32, f64>) -> Vector {
    let norm = map.values().map(|x| x * x).sum::<f64>().sqrt();
    let mut v: Vector = map
        .into_iter()
        .filter(|(_, x)| *x > 0.0)
        .map(|(w, x)| (w, (x / norm) as f32))
        .collect();
    v.sort_by_key(|(w, _)| *w);
    v
}

/// Cosine of two unit vectors, and the shared words with their share.
fn cosine(a: &Vector, b: &Vector) -> (f64, Vec<(u32, f64)>) {
    let (mut i, mut j, mut sum, mut shared) = (0, 0, 0.0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let c = f64::from(a[i].1) * f64::from(b[j].1);
                sum += c;
                shared.push((a[i].0, c));
                i += 1;
                j += 1;
            }
        }
    }
    (sum, shared)
}

/// Text similarity of two profiles in [0, 1] and the words behind it,
/// most telling first.
pub(super) fn text_similarity(a: &Profile, b: &Profile) -> (f64, Vec<u32>) {
    let (title, title_shared) = cosine(&a.title, &b.title);
    let (full, full_shared) = cosine(&a.full, &b.full);
    let (score, mut shared) = if title >= full {
        (title, title_shared)
    } else {
        (full, full_shared)
    };
    shared.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    (
        score.clamp(0.0, 1.0),
        shared.into_iter().map(|(w, _)| w).collect(),
    )
}

/// Scores two purchases; `None` when they can never be the same need
/// (the same buyer, site-specific works, one joint arrangement).
pub fn score(
    a: &Item,
    pa: &Profile,
    b: &Item,
    pb: &Profile,
    vocabulary: &Vocabulary,
) -> Option<Scored> {
    if a.buyers.iter().any(|x| b.buyers.contains(x)) {
        return None;
    }
    if pa.site_specific || pb.site_specific {
        return None;
    }
    let (similarity, words) = text_similarity(pa, pb);
    if one_joint_arrangement(a, b, similarity) {
        return None;
    }
    let mut score = similarity;
    let mut reasons = Vec::new();
    if !words.is_empty() {
        reasons.push(Reason::SharedWords {
            words: words
                .into_iter()
                .take(5)
                .map(|w| display_word(vocabulary.word(w)))
                .collect(),
            similarity: (similarity * 100.0).round() / 100.0,
        });
    }
    if let Some(prefix) = common_cpv_prefix(&a.cpv_codes, &b.cpv_codes)
        && prefix.len() >= config::CPV_CLASS_DIGITS
    {
        score += config::SAME_CPV_CLASS_BONUS;
        reasons.push(Reason::SameCpv { prefix });
    }
    if let Some(name) = a
        .suppliers
        .iter()
        .find(|s| b.suppliers.iter().any(|t| same_supplier(s, t)))
    {
        score += config::SAME_SUPPLIER_BONUS;
        reasons.push(Reason::SameSupplier { name: name.clone() });
    }
    if let (Some(x), Some(y)) = (&a.framework, &b.framework)
        && x.eq_ignore_ascii_case(y)
    {
        score += config::SAME_FRAMEWORK_BONUS;
        reasons.push(Reason::SameFramework {
            reference: x.clone(),
        });
    }
    if let (Some(x), Some(y)) = (a.end, b.end)
        && (x - y).whole_days().abs() <= config::ENDING_TOGETHER_DAYS
    {
        reasons.push(Reason::EndingTogether {
            first: x.min(y),
            second: x.max(y),
        });
    }
    if let (Some(s1), Some(e1), Some(s2), Some(e2)) = (a.start, a.end, b.start, b.end)
        && s1 <= e2
        && s2 <= e1
    {
        reasons.push(Reason::PeriodsOverlap);
    }
    Some(Scored {
        score: score.min(1.0),
        reasons,
    })
}

/// Concept words read better spelled out.
fn display_word(word: &str) -> String {
    super::text::THESAURUS
        .iter()
        .find(|(concept, _)| *concept == word)
        .map_or(word, |(_, variants)| variants[0])
        .to_owned()
}

fn one_joint_arrangement(a: &Item, b: &Item, similarity: f64) -> bool {
    !a.suppliers.is_empty()
        && a.suppliers.len() == b.suppliers.len()
        && a.suppliers
            .iter()
            .all(|s| b.suppliers.iter().any(|t| same_supplier(s, t)))
        && a.start.is_some()
        && a.start == b.start
        && similarity >= config::JOINT_ARRANGEMENT_SIMILARITY
}

fn same_supplier(a: &str, b: &str) -> bool {
    crate::server::import::buyers::normalise_name(a)
        == crate::server::import::buyers::normalise_name(b)
}

/// The longest significant prefix two sets of CPV codes share (trailing
/// zeros are padding, not agreement).
pub fn common_cpv_prefix(a: &[String], b: &[String]) -> Option<String> {
    let mut best: Option<String> = None;
    for x in a {
        let xs = x.trim_end_matches('0');
        for y in b {
            let ys = y.trim_end_matches('0');
            let n = xs
                .chars()
                .zip(ys.chars())
                .take_while(|(p, q)| p == q)
                .count();
            if n >= 2 && best.as_ref().is_none_or(|b| n > b.len()) {
                best = Some(xs[..n].to_owned());
            }
        }
    }
    best
}
