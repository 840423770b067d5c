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
use super::store::{ItemRef, StringTable};

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
    words: StringTable,
    frequency: Vec<u32>,
    documents: usize,
    /// Each word read as a misspelling, with the word it stands for
    /// ([`Vocabulary::correct_misspellings`]).
    corrected: HashMap<u32, u32>,
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
            let id = self.words.intern(word);
            if id as usize == self.frequency.len() {
                self.frequency.push(0);
            }
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

    /// Ids of a text not in the corpus (the live check), misspellings read
    /// as the words they stand for: a word the corpus lacks (and that is
    /// no slip for one of its words) gets an id no corpus word has, so it
    /// counts in the probe's length but matches nothing.
    pub(super) fn lookup(&self, words: &[String], unseen: &mut u32) -> Vec<u32> {
        words
            .iter()
            .map(|w| match self.words.get(w) {
                Some(id) => self.canonical(id),
                None => self.correction(w, 0, None).unwrap_or_else(|| {
                    *unseen -= 1;
                    *unseen
                }),
            })
            .collect()
    }

    /// The id of a word of the corpus.
    #[cfg(test)]
    pub(super) fn id(&self, word: &str) -> Option<u32> {
        self.words.get(word)
    }

    /// The word `id` stands for: itself, or the word it misspells.
    pub(super) fn canonical(&self, id: u32) -> u32 {
        self.corrected.get(&id).copied().unwrap_or(id)
    }

    /// Once every document is counted: reads each rare word that is one
    /// slip away from a common word as that word (see
    /// [`config::MISSPELLING_MAX_DOCUMENTS`]), whose documents it joins.
    /// Returns how many words were corrected.
    pub(super) fn correct_misspellings(&mut self) -> usize {
        let dropped = self.common_words_less_a_letter();
        let found: Vec<(u32, u32)> = (0..self.frequency.len() as u32)
            .filter(|&id| self.frequency[id as usize] <= config::MISSPELLING_MAX_DOCUMENTS)
            .filter_map(|id| {
                let correct = self.correction(
                    self.words.str(id),
                    self.frequency[id as usize],
                    Some(&dropped),
                )?;
                Some((id, correct))
            })
            .collect();
        // A document with both spellings is counted twice: at most
        // MISSPELLING_MAX_DOCUMENTS too many, beside at least
        // MISSPELLING_MIN_DOCUMENTS.
        for &(misspelt, correct) in &found {
            self.frequency[correct as usize] += self.frequency[misspelt as usize];
            self.frequency[misspelt as usize] = 0;
            self.corrected.insert(misspelt, correct);
        }
        found.len()
    }

    /// Each common word with one of its letters dropped → that word (the
    /// commonest, if several): the bulk pass finds a dropped letter in a
    /// rare word with one lookup, where trying every letter in every place
    /// cost a national corpus's many rare words half a minute.
    fn common_words_less_a_letter(&self) -> HashMap<Vec<u8>, u32> {
        let mut out: HashMap<Vec<u8>, u32> = HashMap::new();
        for id in 0..self.frequency.len() as u32 {
            let frequency = self.frequency[id as usize];
            let word = self.words.str(id).as_bytes();
            if frequency < config::MISSPELLING_MIN_DOCUMENTS
                || word.len() <= config::MISSPELLING_MIN_LETTERS
                || !word.iter().all(u8::is_ascii_lowercase)
            {
                continue;
            }
            for i in 0..word.len() {
                let mut less = Vec::with_capacity(word.len() - 1);
                less.extend_from_slice(&word[..i]);
                less.extend_from_slice(&word[i + 1..]);
                let kept = out.entry(less).or_insert(id);
                if self.frequency[*kept as usize] < frequency {
                    *kept = id;
                }
            }
        }
        out
    }

    /// The common word that `word` (in `documents` documents) is one slip
    /// away from, the commonest if several are. `dropped`: the common words
    /// less a letter, when the caller has them (the bulk pass).
    fn correction(
        &self,
        word: &str,
        documents: u32,
        dropped: Option<&HashMap<Vec<u8>, u32>>,
    ) -> Option<u32> {
        let letters = word.as_bytes();
        if letters.len() < config::MISSPELLING_MIN_LETTERS
            || !letters.iter().all(u8::is_ascii_lowercase)
        {
            return None;
        }
        if documents > config::MISSPELLING_MAX_DOCUMENTS {
            return None;
        }
        let needed = config::MISSPELLING_MIN_DOCUMENTS;
        let mut best: Option<(u32, u32)> = None;
        let mut consider = |candidate: &[u8]| {
            if candidate.len() < config::MISSPELLING_MIN_LETTERS {
                return;
            }
            // Every candidate is ASCII letters: `letters` is.
            let Some(id) = std::str::from_utf8(candidate)
                .ok()
                .and_then(|c| self.words.get(c))
            else {
                return;
            };
            let frequency = self.frequency[id as usize];
            if frequency >= needed && best.is_none_or(|(_, f)| frequency > f) {
                best = Some((id, frequency));
            }
        };
        let mut candidate = Vec::with_capacity(letters.len() + 1);
        for i in 0..letters.len() {
            // Two neighbouring letters swapped.
            if i + 1 < letters.len() && letters[i] != letters[i + 1] {
                candidate.clear();
                candidate.extend_from_slice(letters);
                candidate.swap(i, i + 1);
                consider(&candidate);
            }
            // A letter typed twice.
            if i + 1 < letters.len() && letters[i] == letters[i + 1] {
                candidate.clear();
                candidate.extend_from_slice(&letters[..i]);
                candidate.extend_from_slice(&letters[i + 1..]);
                consider(&candidate);
            }
        }
        // A letter dropped.
        match dropped {
            Some(dropped) => {
                if let Some(&id) = dropped.get(letters) {
                    consider(self.words.str(id).as_bytes());
                }
            }
            None => {
                for i in 0..=letters.len() {
                    for letter in b'a'..=b'z' {
                        candidate.clear();
                        candidate.extend_from_slice(&letters[..i]);
                        candidate.push(letter);
                        candidate.extend_from_slice(&letters[i..]);
                        consider(&candidate);
                    }
                }
            }
        }
        best.map(|(id, _)| id)
    }

    pub fn word(&self, id: u32) -> &str {
        if (id as usize) < self.words.len() {
            self.words.str(id)
        } else {
            ""
        }
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

/// What scoring reads of a purchase's text: its word vectors, its
/// suppliers as compared ([`supplier_key`]) and whether it is site-specific
/// works. Borrowed from an index's packed profiles, or from a probe's.
#[derive(Clone, Copy, Debug)]
pub struct ProfileRef<'a> {
    pub(super) title: &'a [(u32, f32)],
    pub(super) full: &'a [(u32, f32)],
    pub(super) suppliers: &'a [u64],
    pub(super) site_specific: bool,
}

/// What scoring reads of a purchase's facts: buyers (as ids: purchases
/// sharing a buyer never pair), CPV codes, framework, period.
#[derive(Clone, Copy, Debug)]
pub(super) struct Facts<'a> {
    pub buyers: &'a [u32],
    pub cpv: &'a [u32],
    pub framework: Option<u32>,
    pub start: Option<Date>,
    pub end: Option<Date>,
}

impl<'a> Facts<'a> {
    pub fn of(item: &ItemRef<'a>) -> Self {
        Facts {
            buyers: item.buyer_ids(),
            cpv: item.cpv(),
            framework: item.framework_id(),
            start: item.start(),
            end: item.end(),
        }
    }
}

/// Cosine of two unit vectors.
fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += f64::from(a[i].1) * f64::from(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// The words two unit vectors share, with each one's part of the cosine.
fn shared(a: &[(u32, f32)], b: &[(u32, f32)]) -> Vec<(u32, f64)> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, f64::from(a[i].1) * f64::from(b[j].1)));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Text similarity of two profiles in [0, 1] (the larger of the title
/// cosine and the title-plus-description cosine).
pub(super) fn text_similarity(a: ProfileRef<'_>, b: ProfileRef<'_>) -> f64 {
    cosine(a.title, b.title)
        .max(cosine(a.full, b.full))
        .clamp(0.0, 1.0)
}

/// The words behind [`text_similarity`], most telling first.
fn shared_words(a: ProfileRef<'_>, b: ProfileRef<'_>) -> Vec<u32> {
    let mut words = if cosine(a.title, b.title) >= cosine(a.full, b.full) {
        shared(a.title, b.title)
    } else {
        shared(a.full, b.full)
    };
    words.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    words.into_iter().map(|(w, _)| w).collect()
}

/// What a pair has in common, found without allocating: the bulk run
/// scores millions of candidates and keeps a few, so the reasons (which
/// need strings) are written only for pairs someone looks at. Positions
/// are in `b`, the side whose names the reasons quote.
struct Evidence {
    similarity: f64,
    /// Significant CPV digits both purchases agree to, and which of `b`'s
    /// codes agrees that far.
    cpv: Option<(usize, usize)>,
    /// Position in `b`'s suppliers of one both share.
    supplier: Option<usize>,
    framework: bool,
}

impl Evidence {
    fn score(&self) -> f64 {
        let mut score = self.similarity;
        if self.cpv.is_some() {
            score += config::SAME_CPV_CLASS_BONUS;
        }
        if self.supplier.is_some() {
            score += config::SAME_SUPPLIER_BONUS;
        }
        if self.framework {
            score += config::SAME_FRAMEWORK_BONUS;
        }
        score.min(1.0)
    }
}

/// `None` when the two can never be the same need (the same buyer,
/// site-specific works, one joint arrangement).
fn evidence(
    a: &Facts<'_>,
    pa: ProfileRef<'_>,
    b: &Facts<'_>,
    pb: ProfileRef<'_>,
) -> Option<Evidence> {
    if a.buyers.iter().any(|x| b.buyers.contains(x)) {
        return None;
    }
    if pa.site_specific || pb.site_specific {
        return None;
    }
    let similarity = text_similarity(pa, pb);
    if one_joint_arrangement(a, pa, b, pb, similarity) {
        return None;
    }
    Some(Evidence {
        similarity,
        cpv: cpv_agreement(b.cpv, a.cpv).filter(|(digits, _)| *digits >= config::CPV_CLASS_DIGITS),
        supplier: pb.suppliers.iter().position(|s| pa.suppliers.contains(s)),
        framework: a.framework.is_some() && a.framework == b.framework,
    })
}

/// The score alone (the bulk run's test of every candidate).
pub(super) fn score_only(
    a: &Facts<'_>,
    pa: ProfileRef<'_>,
    b: &Facts<'_>,
    pb: ProfileRef<'_>,
) -> Option<f64> {
    evidence(a, pa, b, pb).map(|e| e.score())
}

/// Scores two purchases and says why, quoting `b`'s names; `None` when
/// they can never be the same need. Gives the same score as [`score_only`].
pub(super) fn score(
    a: &Facts<'_>,
    pa: ProfileRef<'_>,
    b: &ItemRef<'_>,
    pb: ProfileRef<'_>,
    vocabulary: &Vocabulary,
) -> Option<Scored> {
    let facts_b = Facts::of(b);
    let evidence = evidence(a, pa, &facts_b, pb)?;
    let mut reasons = Vec::new();
    let words = shared_words(pa, pb);
    if !words.is_empty() {
        reasons.push(Reason::SharedWords {
            words: words
                .into_iter()
                .take(5)
                .map(|w| display_word(vocabulary.word(w)))
                .collect(),
            similarity: (evidence.similarity * 100.0).round() / 100.0,
        });
    }
    if let Some((digits, at)) = evidence.cpv {
        let code = format!("{:08}", facts_b.cpv[at]);
        reasons.push(Reason::SameCpv {
            prefix: code[..digits].to_owned(),
        });
    }
    if let Some(name) = evidence.supplier.and_then(|at| b.suppliers().nth(at)) {
        reasons.push(Reason::SameSupplier {
            name: name.to_owned(),
        });
    }
    if evidence.framework
        && let Some(reference) = b.framework()
    {
        reasons.push(Reason::SameFramework {
            reference: reference.to_owned(),
        });
    }
    if let (Some(x), Some(y)) = (a.end, facts_b.end)
        && (x - y).whole_days().abs() <= config::ENDING_TOGETHER_DAYS
    {
        reasons.push(Reason::EndingTogether {
            first: x.min(y),
            second: x.max(y),
        });
    }
    if let (Some(s1), Some(e1), Some(s2), Some(e2)) = (a.start, a.end, facts_b.start, facts_b.end)
        && s1 <= e2
        && s2 <= e1
    {
        reasons.push(Reason::PeriodsOverlap);
    }
    Some(Scored {
        score: evidence.score(),
        reasons,
    })
}

/// Concept words read better spelled out.
pub(super) fn display_word(word: &str) -> String {
    super::text::THESAURUS
        .iter()
        .find(|(concept, _)| *concept == word)
        .map_or(word, |(_, variants)| variants[0])
        .to_owned()
}

fn one_joint_arrangement(
    a: &Facts<'_>,
    pa: ProfileRef<'_>,
    b: &Facts<'_>,
    pb: ProfileRef<'_>,
    similarity: f64,
) -> bool {
    !pa.suppliers.is_empty()
        && pa.suppliers.len() == pb.suppliers.len()
        && pa.suppliers.iter().all(|s| pb.suppliers.contains(s))
        && a.start.is_some()
        && a.start == b.start
        && similarity >= config::JOINT_ARRANGEMENT_SIMILARITY
}

/// A supplier as compared: a hash of its normalised name ("The Green Co
/// Ltd" and "Green Co Ltd" agree), computed once per purchase rather than
/// per comparison.
pub(super) fn supplier_key(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    crate::server::import::buyers::normalise_name(name).hash(&mut hasher);
    hasher.finish()
}

/// The significant digits of an eight-digit CPV code (trailing zeros are
/// padding): 34927100 gives "349271".
fn significant(code: u32) -> ([u8; 8], usize) {
    let mut digits = [0u8; 8];
    let mut rest = code;
    for d in digits.iter_mut().rev() {
        *d = (rest % 10) as u8;
        rest /= 10;
    }
    let len = digits.iter().rposition(|d| *d != 0).map_or(0, |p| p + 1);
    (digits, len)
}

/// How many significant digits the closest two codes of `b` and `a`
/// share, and which code of `b`; at least two.
fn cpv_agreement(b: &[u32], a: &[u32]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (at, x) in b.iter().enumerate() {
        let (xs, xl) = significant(*x);
        for y in a {
            let (ys, yl) = significant(*y);
            let n = xs[..xl]
                .iter()
                .zip(&ys[..yl])
                .take_while(|(p, q)| p == q)
                .count();
            if n >= 2 && best.is_none_or(|(d, _)| n > d) {
                best = Some((n, at));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpv_codes_agree_to_their_significant_digits() {
        assert_eq!(significant(34927100), ([3, 4, 9, 2, 7, 1, 0, 0], 6));
        assert_eq!(significant(3000000), ([0, 3, 0, 0, 0, 0, 0, 0], 2));
        // 77312100 and 77310000 share 7731; padding is not agreement.
        assert_eq!(cpv_agreement(&[77310000], &[77312100]), Some((4, 0)));
        assert_eq!(
            cpv_agreement(&[90000000, 77312100], &[77312100]),
            Some((6, 1))
        );
        assert_eq!(cpv_agreement(&[45000000], &[77312100]), None);
    }

    /// A vocabulary of `common` documents with each of `words`, and one
    /// document more for each of `rare`.
    fn vocabulary(common: &[&str], rare: &[&str]) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        let words = |list: &[&str]| list.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
        for _ in 0..config::MISSPELLING_MIN_DOCUMENTS {
            vocabulary.add_document(&words(common), &[]);
        }
        for word in rare {
            vocabulary.add_document(&words(&[word]), &[]);
        }
        vocabulary
    }

    fn id(vocabulary: &Vocabulary, word: &str) -> u32 {
        vocabulary.id(word).expect(word)
    }

    #[test]
    fn a_rare_slip_of_a_common_word_is_read_as_that_word() {
        let mut vocabulary = vocabulary(
            &["treatment", "management", "paving", "light", "recoveri"],
            // Swapped, dropped, doubled; then a changed letter, a letter
            // added that is no double, a short word's neighbour and a
            // slip of a word not common enough.
            &[
                "treatmnet",
                "managment",
                "treatmment",
                "paying",
                "recoveria",
                "lightn",
                "recoverri",
                "gritter",
                "gritterr",
            ],
        );
        let treatment = id(&vocabulary, "treatment");
        let documents = vocabulary.documents;
        let idf_before = vocabulary.idf(treatment);
        assert_eq!(vocabulary.correct_misspellings(), 4);
        for (misspelt, correct) in [
            ("treatmnet", "treatment"),
            ("managment", "management"),
            ("treatmment", "treatment"),
            ("recoverri", "recoveri"),
        ] {
            assert_eq!(
                vocabulary.canonical(id(&vocabulary, misspelt)),
                id(&vocabulary, correct),
                "{misspelt}"
            );
            assert_eq!(vocabulary.frequency[id(&vocabulary, misspelt) as usize], 0);
        }
        // The corrected documents count for the word they spell.
        assert_eq!(
            vocabulary.frequency[treatment as usize],
            config::MISSPELLING_MIN_DOCUMENTS + 2
        );
        assert!(vocabulary.idf(treatment) < idf_before);
        assert_eq!(vocabulary.documents, documents);
        for kept in [
            "paying",
            "recoveria",
            "lightn",
            "gritter",
            "gritterr",
            "paving",
        ] {
            let kept = id(&vocabulary, kept);
            assert_eq!(vocabulary.canonical(kept), kept);
        }

        // A probe's words: a known slip, a new slip, a new word.
        let mut unseen = u32::MAX;
        let probe = ["treatmnet", "treatmetn", "mxddbuvn"].map(String::from);
        let ids = vocabulary.lookup(&probe, &mut unseen);
        assert_eq!(ids[..2], [treatment, treatment]);
        assert_eq!(ids[2], u32::MAX - 1);
        assert!(vocabulary.word(ids[2]).is_empty());
    }

    #[test]
    fn only_a_rare_word_beside_a_common_one_is_a_slip() {
        let mut vocabulary = Vocabulary::default();
        for _ in 1..config::MISSPELLING_MIN_DOCUMENTS {
            vocabulary.add_document(&["treatment".to_owned()], &[]);
        }
        for _ in 0..=config::MISSPELLING_MAX_DOCUMENTS {
            vocabulary.add_document(&["treatmnet".to_owned()], &[]);
        }
        // One document short of common, and one too many to be a slip.
        assert_eq!(vocabulary.clone().correct_misspellings(), 0);
        vocabulary.add_document(&["treatment".to_owned()], &[]);
        assert_eq!(vocabulary.clone().correct_misspellings(), 0);
        let misspelt = id(&vocabulary, "treatmnet") as usize;
        vocabulary.frequency[misspelt] -= 1;
        assert_eq!(vocabulary.correct_misspellings(), 1);
    }
}
