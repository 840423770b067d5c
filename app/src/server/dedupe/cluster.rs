//! Clusters: purchases joined by matches (union-find), across different
//! buyers, ranked so that what can still be bought together comes first.
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use time::Date;

use super::{Index, Pair};

/// A group of purchases of one need by two or more buyers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    /// Positions in the index, by value then key.
    pub members: Vec<usize>,
    pub buyers: usize,
    /// Sum of the members' known values, in pence.
    pub combined_value_pence: i64,
    /// The earliest end date still to come (from `today`), if any: the
    /// next chance to buy together.
    pub next_end: Option<Date>,
    /// The title words most of the cluster's members share.
    pub shared_words: Vec<String>,
    /// Best match score inside the cluster.
    pub best_score: f64,
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, x: usize) -> usize {
        let mut root = x;
        while self.0[root] != root {
            root = self.0[root];
        }
        let mut x = x;
        while self.0[x] != root {
            let next = self.0[x];
            self.0[x] = root;
            x = next;
        }
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Clusters of the matched pairs. Ranked: clusters with a member ending
/// within two years of `today` first (they can still be bought together),
/// then by combined value; ties by first member.
pub fn clusters(index: &Index, pairs: &[Pair], today: Date) -> Vec<Cluster> {
    let mut sets = UnionFind((0..index.len()).collect());
    for p in pairs {
        sets.union(p.a, p.b);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for p in pairs {
        for i in [p.a, p.b] {
            let root = sets.find(i);
            groups.entry(root).or_default().push(i);
        }
    }
    let mut best: BTreeMap<usize, f64> = BTreeMap::new();
    for p in pairs {
        let root = sets.find(p.a);
        let b = best.entry(root).or_insert(0.0);
        *b = b.max(p.score);
    }
    let horizon = today.saturating_add(time::Duration::days(730));
    let mut out: Vec<Cluster> = groups
        .into_iter()
        .map(|(root, mut members)| {
            members.sort_unstable();
            members.dedup();
            members.sort_by(|a, b| {
                let (a, b) = (index.item(*a), index.item(*b));
                b.value_pence()
                    .cmp(&a.value_pence())
                    .then(a.key().cmp(b.key()))
            });
            let buyers: BTreeSet<&str> = members
                .iter()
                .flat_map(|m| index.item(*m).buyers())
                .collect();
            Cluster {
                buyers: buyers.len(),
                combined_value_pence: members
                    .iter()
                    .filter_map(|m| index.item(*m).value_pence())
                    .sum(),
                next_end: members
                    .iter()
                    .filter_map(|m| index.item(*m).end())
                    .filter(|e| *e >= today)
                    .min(),
                shared_words: index.shared_title_words(&members, 5),
                best_score: best.get(&root).copied().unwrap_or(0.0),
                members,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let soon = |c: &Cluster| c.next_end.is_some_and(|e| e <= horizon);
        soon(b)
            .cmp(&soon(a))
            .then(b.combined_value_pence.cmp(&a.combined_value_pence))
            .then(a.members.cmp(&b.members))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::dedupe::{Item, Normaliser};

    fn item(key: &str, buyer: &str, title: &str, value: i64, end: Option<Date>) -> Item {
        Item {
            key: key.into(),
            buyers: vec![buyer.into()],
            title: title.into(),
            value_pence: Some(value),
            end,
            ..Item::default()
        }
    }

    fn pair(a: usize, b: usize) -> Pair {
        Pair { a, b, score: 0.5 }
    }

    #[test]
    fn matches_join_transitively_and_rank_by_urgency_then_value() {
        let today = Date::from_calendar_date(2026, time::Month::December, 6).unwrap();
        let soon = Some(today.saturating_add(time::Duration::days(200)));
        let items = vec![
            item("a", "x", "Weed spraying", 100, None),
            item("b", "y", "Weed control spraying", 200, None),
            item("c", "z", "Weed killing", 300, None),
            item("d", "x", "Road salt", 5, soon),
            item("e", "y", "Rock salt", 5, None),
            item("lone", "q", "Insurance", 1_000_000, None),
        ];
        let index = Index::build(Normaliser::new([]), items);
        let found = clusters(&index, &[pair(0, 1), pair(1, 2), pair(3, 4)], today);
        assert_eq!(found.len(), 2, "the unmatched item is in no cluster");
        // The small cluster ends soon, so it ranks first despite its value.
        assert_eq!(found[0].members, vec![3, 4]);
        assert_eq!(found[0].next_end, soon);
        assert_eq!(found[0].shared_words, vec!["salt".to_owned()]);
        assert_eq!(found[1].members, vec![2, 1, 0]);
        assert_eq!(found[1].buyers, 3);
        assert_eq!(found[1].combined_value_pence, 600);
        // "weed" is in all three titles, "spray" in two, "kill" in one.
        assert_eq!(
            found[1].shared_words,
            vec!["weed".to_owned(), "spray".to_owned()]
        );
    }
}
