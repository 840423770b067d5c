//! Typos, found without a second copy of the text: the words one edit away
//! from what was typed (a letter left out, added, changed, or two side by
//! side swapped), stemmed as the index stems its text. A stem the title or
//! body dictionary holds is a correction, searched for as if it had been
//! typed. Stemming the variants, not the typo, is what finds "spraying"
//! from "sprayimg", whose own stem is nothing the index has.
//!
//! Pure: which stems exist is the caller's question ([`corrections`] takes
//! it as a function).
use std::collections::BTreeSet;

use foldhash::HashSet;

use frostem::{Algorithm, Stemmer};

/// The letters tried at each place: the words a typo can be of are folded
/// to ASCII and lowercased, as the index's are.
const LETTERS: std::ops::RangeInclusive<char> = 'a'..='z';

/// Every word one edit from `word` (deletion, transposition of neighbours,
/// substitution, insertion), without `word` itself. Letters outside a–z
/// that the word has are tried as well. (A hash set: ~450 of them a word,
/// and in no order the caller needs.)
pub fn one_edit_variants(word: &str) -> HashSet<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut alphabet: Vec<char> = LETTERS.collect();
    alphabet.extend(chars.iter().filter(|c| !c.is_ascii_lowercase()));
    alphabet.sort_unstable();
    alphabet.dedup();
    let with = |at: usize, skip: usize, insert: &[char]| -> String {
        chars[..at]
            .iter()
            .chain(insert)
            .chain(&chars[(at + skip).min(chars.len())..])
            .collect()
    };
    let mut out = HashSet::default();
    for at in 0..chars.len() {
        out.insert(with(at, 1, &[]));
        if at + 1 < chars.len() {
            out.insert(with(at, 2, &[chars[at + 1], chars[at]]));
        }
        for &letter in &alphabet {
            out.insert(with(at, 1, &[letter]));
        }
    }
    for at in 0..=chars.len() {
        for &letter in &alphabet {
            out.insert(with(at, 0, &[letter]));
        }
    }
    out.remove(word);
    out.remove("");
    out
}

/// The stems of `word`'s one-edit variants that `exists` says the index
/// has, other than `word`'s own stem (already searched for exactly).
pub fn corrections(word: &str, exists: impl Fn(&str) -> bool) -> BTreeSet<String> {
    // Not the remembering stemmer of the analyzers: most variants are not
    // words, and remembering them would push out the stems of real ones.
    let stemmer = Stemmer::new(Algorithm::English);
    let own = stemmer.stem(word).into_owned();
    let mut seen = HashSet::default();
    let mut out = BTreeSet::new();
    for variant in one_edit_variants(word) {
        let stem = stemmer.stem(&variant).into_owned();
        if stem != own && seen.insert(stem.clone()) && exists(&stem) {
            out.insert(stem);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_edit_is_one_variant_away() {
        let variants = one_edit_variants("salt");
        for expected in ["alt", "slat", "sallt", "sale", "salts", "asalt"] {
            assert!(variants.contains(expected), "{expected} is one edit");
        }
        assert!(
            !variants.contains("salt"),
            "the word itself is not a variant"
        );
        assert!(!variants.contains("slta"), "two edits are not one");
        // 4 deletions, 3 transpositions, 4 × 26 substitutions (4 of them
        // the word itself) and 5 × 26 insertions, less repeats.
        assert!(variants.len() <= 4 + 3 + 4 * 25 + 5 * 26);
        assert!(variants.len() > 200);
    }

    #[test]
    fn letters_outside_a_to_z_are_tried_too() {
        assert!(one_edit_variants("naïve").contains("naïïve"));
        assert!(one_edit_variants("x").contains("y"));
        assert!(!one_edit_variants("x").contains(""));
    }

    #[test]
    fn a_typo_the_stemmer_cannot_read_is_corrected_through_its_variants() {
        // "sprayimg" stems to itself; its variant "spraying" stems to "spray".
        let index = ["spray", "weed"];
        let found = corrections("sprayimg", |stem| index.contains(&stem));
        assert_eq!(found.into_iter().collect::<Vec<_>>(), ["spray"]);
        assert_eq!(
            corrections("spraiyng", |stem| index.contains(&stem)).len(),
            1,
            "a transposition is one edit"
        );
        assert!(
            corrections("spryimgg", |stem| index.contains(&stem)).is_empty(),
            "two edits is too many"
        );
    }

    #[test]
    fn the_typed_words_own_stem_is_not_a_correction() {
        // "maintenence" already stems as "maintenance" does.
        let found = corrections("maintenence", |_| true);
        assert!(!found.contains("mainten"));
        assert!(!found.is_empty());
    }
}
