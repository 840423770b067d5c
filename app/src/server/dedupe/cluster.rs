//! Clusters: purchases joined by matches (union-find), across different
//! buyers, ranked so that what can still be bought together comes first.
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use time::Date;

use super::{Item, Pair};

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
    /// The words shared most often across the cluster's matches.
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
pub fn clusters(items: &[Item], pairs: &[Pair], today: Date) -> Vec<Cluster> {
    let mut sets = UnionFind((0..items.len()).collect());
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
    let mut words: BTreeMap<usize, BTreeMap<String, usize>> = BTreeMap::new();
    let mut best: BTreeMap<usize, f64> = BTreeMap::new();
    for p in pairs {
        let root = sets.find(p.a);
        let b = best.entry(root).or_insert(0.0);
        *b = b.max(p.score);
        for r in &p.reasons {
            if let super::Reason::SharedWords { words: w, .. } = r {
                for word in w {
                    *words
                        .entry(root)
                        .or_default()
                        .entry(word.clone())
                        .or_default() += 1;
                }
            }
        }
    }
    let horizon = today.saturating_add(time::Duration::days(730));
    let mut out: Vec<Cluster> = groups
        .into_iter()
        .map(|(root, mut members)| {
            members.sort_unstable();
            members.dedup();
            members.sort_by(|a, b| {
                items[*b]
                    .value_pence
                    .cmp(&items[*a].value_pence)
                    .then(items[*a].key.cmp(&items[*b].key))
            });
            let buyers: BTreeSet<&String> =
                members.iter().flat_map(|m| &items[*m].buyers).collect();
            let mut shared: Vec<(String, usize)> = words
                .remove(&root)
                .unwrap_or_default()
                .into_iter()
                .collect();
            shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            Cluster {
                buyers: buyers.len(),
                combined_value_pence: members.iter().filter_map(|m| items[*m].value_pence).sum(),
                next_end: members
                    .iter()
                    .filter_map(|m| items[*m].end)
                    .filter(|e| *e >= today)
                    .min(),
                shared_words: shared.into_iter().take(5).map(|(w, _)| w).collect(),
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
    use crate::server::dedupe::Reason;

    fn item(key: &str, buyer: &str, value: i64, end: Option<Date>) -> Item {
        Item {
            key: key.into(),
            buyers: vec![buyer.into()],
            value_pence: Some(value),
            end,
            ..Item::default()
        }
    }

    fn pair(a: usize, b: usize) -> Pair {
        Pair {
            a,
            b,
            score: 0.5,
            reasons: vec![Reason::SharedWords {
                words: vec!["weed".into()],
                similarity: 0.5,
            }],
        }
    }

    #[test]
    fn matches_join_transitively_and_rank_by_urgency_then_value() {
        let today = Date::from_calendar_date(2026, time::Month::December, 6).unwrap();
        let soon = Some(today.saturating_add(time::Duration::days(200)));
        let items = vec![
            item("a", "x", 100, None),
            item("b", "y", 200, None),
            item("c", "z", 300, None),
            item("d", "x", 5, soon),
            item("e", "y", 5, None),
            item("lone", "q", 1_000_000, None),
        ];
        let found = clusters(&items, &[pair(0, 1), pair(1, 2), pair(3, 4)], today);
        assert_eq!(found.len(), 2, "the unmatched item is in no cluster");
        // The small cluster ends soon, so it ranks first despite its value.
        assert_eq!(found[0].members, vec![3, 4]);
        assert_eq!(found[0].next_end, soon);
        assert_eq!(found[1].members, vec![2, 1, 0]);
        assert_eq!(found[1].buyers, 3);
        assert_eq!(found[1].combined_value_pence, 600);
        assert_eq!(found[1].shared_words, vec!["weed".to_owned()]);
    }
}
