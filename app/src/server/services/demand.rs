//! A footprint's demand dashboard: what its councils are about to buy and
//! have bought, so they can time a joint procurement. Open intents and
//! published planned purchases (demand), contracts ending in the next 3, 6,
//! 12 and 24 months grouped by need (the renewal pipeline), duplicate
//! purchases ranked by combined value, suggested joint purchases, and spend
//! by category and supplier. "Same need" is always the duplicate detector's
//! matching (`server::dedupe`), over the national corpus the live check
//! holds (`services::dedupe::LiveCheck`).
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use time::{Date, Duration, Month, OffsetDateTime};
use uuid::Uuid;

use super::catalogue::cpv_labels;
use super::dedupe::{Corpus, kind_label};
use super::intents;
use super::snapshot::division_of;
use crate::server::AppState;
use crate::server::dedupe::{self, Pair};
use crate::types::{
    AppError, CategoryFigure, DemandMember, FootprintComparison, FootprintDashboard, NeedGroup,
    PipelineBand, QuarterEnds, Role, SuggestedPurchase, SupplierFigure, Viewer,
};

/// The pipeline's horizons, in months: contracts ending within each, and
/// not within the one before.
pub const PIPELINE_MONTHS: [u32; 4] = [3, 6, 12, 24];
/// Contracts of one need whose ends fall within this many days of each
/// other can be bought together (the "same 12 months").
pub const TOGETHER_DAYS: i64 = 365;
/// How many clusters, suppliers and categories the dashboard lists.
const SHOWN: usize = 10;
/// Planned purchases and intents only count while their expected start is
/// this recent or later (older ones were bought or dropped).
const STALE_PLANNED_DAYS: i64 = 365;

fn months_later(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months as i32;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u8 + 1);
    let month = Month::try_from(month).unwrap_or(Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// Purchases in the dashboard, by their position in the corpus.
struct View<'a> {
    corpus: &'a Corpus,
    members: &'a HashSet<Uuid>,
    names: &'a HashMap<Uuid, String>,
}

impl View<'_> {
    fn item(&self, i: usize) -> dedupe::ItemRef<'_> {
        self.corpus.index.item(i)
    }

    fn kind(&self, i: usize) -> &'static str {
        self.corpus.records[i].kind
    }

    fn in_footprint(&self, i: usize) -> bool {
        self.corpus.records[i]
            .buyer_ids
            .iter()
            .any(|b| self.members.contains(b))
    }

    /// The footprint's councils among the buyers.
    fn councils(&self, i: usize) -> Vec<String> {
        self.corpus.records[i]
            .buyer_ids
            .iter()
            .filter(|b| self.members.contains(b))
            .filter_map(|b| self.names.get(b).cloned())
            .collect()
    }

    fn member(&self, i: usize) -> DemandMember {
        let record = &self.corpus.records[i];
        let item = self.item(i);
        DemandMember {
            kind_label: kind_label(record.kind).into(),
            title: item.title().to_owned(),
            href: match record.kind {
                "contract" => Some(format!("/contracts/{}", record.id)),
                "buying_intent" => Some(format!("/intents/{}", record.id)),
                _ => None,
            },
            buyers: record.buyer_names.clone(),
            value_pence: item.value_pence(),
            end: item.end(),
        }
    }

    /// A group of purchases of one need; `words` are the words their
    /// matches share, most shared first.
    fn group(&self, mut members: Vec<usize>, words: &[String], today: Date) -> NeedGroup {
        members.sort_by_key(|m| std::cmp::Reverse(self.item(*m).value_pence()));
        let councils: BTreeSet<String> = members.iter().flat_map(|m| self.councils(*m)).collect();
        let need = if words.is_empty() {
            self.item(members[0]).title().to_owned()
        } else {
            words.iter().take(4).cloned().collect::<Vec<_>>().join(", ")
        };
        NeedGroup {
            need,
            councils: councils.into_iter().collect(),
            combined_value_pence: members
                .iter()
                .filter_map(|m| self.item(*m).value_pence())
                .sum(),
            next_end: members
                .iter()
                .filter_map(|m| self.item(*m).end())
                .filter(|e| *e >= today)
                .min(),
            members: members.iter().map(|m| self.member(*m)).collect(),
        }
    }
}

/// Groups `chosen` purchases by need: those joined by a matched pair are
/// one group (with the words their matches share); the rest stand alone.
fn groups_of(chosen: &[usize], pairs: &[&Pair], view: &View<'_>, today: Date) -> Vec<NeedGroup> {
    let wanted: HashSet<usize> = chosen.iter().copied().collect();
    let inside: Vec<Pair> = pairs
        .iter()
        .filter(|p| wanted.contains(&p.a) && wanted.contains(&p.b))
        .map(|p| **p)
        .collect();
    let clusters = dedupe::clusters(&view.corpus.index, &inside, today);
    let grouped: HashSet<usize> = clusters.iter().flat_map(|c| c.members.clone()).collect();
    let mut out: Vec<NeedGroup> = clusters
        .iter()
        .map(|c| view.group(c.members.clone(), &c.shared_words, today))
        .collect();
    out.extend(
        chosen
            .iter()
            .filter(|i| !grouped.contains(i))
            .map(|i| view.group(vec![*i], &[], today)),
    );
    out
}

/// Value and counts of purchases by CPV division (their first code's).
fn by_category(indexes: &[usize], view: &View<'_>) -> Vec<(String, i64, usize, usize)> {
    let mut figures: BTreeMap<String, (i64, usize, BTreeSet<String>)> = BTreeMap::new();
    for &i in indexes {
        let Some(code) = view.item(i).cpv_codes().into_iter().next() else {
            continue;
        };
        let entry = figures.entry(division_of(&code)).or_default();
        entry.0 += view.item(i).value_pence().unwrap_or(0);
        entry.1 += 1;
        entry.2.extend(view.councils(i));
    }
    let mut out: Vec<(String, i64, usize, usize)> = figures
        .into_iter()
        .map(|(division, (value, count, councils))| (division, value, count, councils.len()))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(SHOWN);
    out
}

fn quarter_label(start: Date) -> String {
    let end = months_later(start, 2);
    format!(
        "{} to {} {}",
        &start.month().to_string()[..3],
        &end.month().to_string()[..3],
        end.year()
    )
}

/// The dashboard's figures, computed from the corpus (pure: no I/O).
struct Figures {
    pipeline: Vec<PipelineBand>,
    ends_by_quarter: Vec<QuarterEnds>,
    planned: Vec<DemandMember>,
    clusters: Vec<NeedGroup>,
    /// Before only the largest were kept.
    clusters_total: usize,
    suggestions: Vec<(NeedGroup, Vec<usize>)>,
    suggestions_total: usize,
    demand: Vec<(String, i64, usize, usize)>,
    spend: Vec<(String, i64, usize, usize)>,
    suppliers: Vec<SupplierFigure>,
}

fn figures(view: &View<'_>, pairs: &[Pair], today: Date) -> Figures {
    let count = view.corpus.records.len();
    let inside: Vec<usize> = (0..count).filter(|i| view.in_footprint(*i)).collect();
    let local_pairs: Vec<&Pair> = pairs
        .iter()
        .filter(|p| view.in_footprint(p.a) && view.in_footprint(p.b))
        .collect();
    let horizon = months_later(today, *PIPELINE_MONTHS.last().unwrap_or(&24));
    let fresh = today - Duration::days(STALE_PLANNED_DAYS);

    // The renewal pipeline: contracts ending from today to the horizon.
    let ending: Vec<usize> = inside
        .iter()
        .copied()
        .filter(|i| view.kind(*i) == "contract")
        .filter(|i| {
            view.item(*i)
                .end()
                .is_some_and(|e| e >= today && e <= horizon)
        })
        .collect();
    let mut pipeline = Vec::new();
    let mut from = today;
    for (n, months) in PIPELINE_MONTHS.iter().enumerate() {
        let until = months_later(today, *months);
        let band: Vec<usize> = ending
            .iter()
            .copied()
            .filter(|i| {
                view.item(*i)
                    .end()
                    .is_some_and(|e| e >= from && (e < until || e == horizon))
            })
            .collect();
        let label = if n == 0 {
            format!("Ending in the next {months} months")
        } else {
            format!("Ending in {} to {months} months", PIPELINE_MONTHS[n - 1])
        };
        let mut groups = groups_of(&band, &local_pairs, view, today);
        groups.sort_by(|a, b| {
            b.councils
                .len()
                .cmp(&a.councils.len())
                .then(b.combined_value_pence.cmp(&a.combined_value_pence))
        });
        pipeline.push(PipelineBand {
            label,
            contracts: band.len(),
            value_pence: band
                .iter()
                .filter_map(|i| view.item(*i).value_pence())
                .sum(),
            groups,
        });
        from = until;
    }
    let mut ends_by_quarter = Vec::new();
    for quarter in 0..8 {
        let (start, end) = (
            months_later(today, quarter * 3),
            months_later(today, quarter * 3 + 3),
        );
        let inside_quarter: Vec<usize> = ending
            .iter()
            .copied()
            .filter(|i| view.item(*i).end().is_some_and(|e| e >= start && e < end))
            .collect();
        ends_by_quarter.push(QuarterEnds {
            label: quarter_label(start),
            contracts: inside_quarter.len(),
            value_pence: inside_quarter
                .iter()
                .filter_map(|i| view.item(*i).value_pence())
                .sum(),
        });
    }

    // Demand: planned purchases still to come, and intents (the corpus
    // holds only intents still being bought).
    let upcoming = |i: usize| {
        let item = view.item(i);
        item.start().or(item.end()).is_none_or(|d| d >= fresh)
    };
    let demand_items: Vec<usize> = inside
        .iter()
        .copied()
        .filter(|i| matches!(view.kind(*i), "planned_purchase" | "buying_intent") && upcoming(*i))
        .collect();
    let mut planned: Vec<DemandMember> = demand_items
        .iter()
        .filter(|i| view.kind(**i) == "planned_purchase")
        .map(|i| view.member(*i))
        .collect();
    planned.sort_by_key(|m| std::cmp::Reverse(m.value_pence));

    // Duplicate purchases: every cluster of the footprint's matched pairs.
    let all_clusters = dedupe::clusters(
        &view.corpus.index,
        &local_pairs.iter().map(|p| **p).collect::<Vec<_>>(),
        today,
    );
    let mut clusters: Vec<NeedGroup> = all_clusters
        .iter()
        .map(|c| view.group(c.members.clone(), &c.shared_words, today))
        .filter(|g| g.councils.len() >= 2)
        .collect();
    clusters.sort_by_key(|c| std::cmp::Reverse(c.combined_value_pence));
    let clusters_total = clusters.len();
    clusters.truncate(SHOWN);

    // Suggestions: a need where two or more councils have contracts ending
    // within the same 12 months, or planned purchases of it.
    let mut suggestions = Vec::new();
    for cluster in &all_clusters {
        let soon: Vec<usize> = cluster
            .members
            .iter()
            .copied()
            .filter(|i| match view.kind(*i) {
                "contract" => view
                    .item(*i)
                    .end()
                    .is_some_and(|e| e >= today && e <= horizon),
                "planned_purchase" => upcoming(*i),
                _ => false,
            })
            .collect();
        // The earliest-ending run of them whose ends fall within 12 months.
        let mut by_end = soon.clone();
        by_end.sort_by_key(|i| view.item(*i).end().or(view.item(*i).start()));
        let Some(first_end) = by_end
            .first()
            .and_then(|i| view.item(*i).end().or(view.item(*i).start()))
        else {
            continue;
        };
        let together: Vec<usize> = by_end
            .into_iter()
            .filter(|i| {
                view.item(*i)
                    .end()
                    .or(view.item(*i).start())
                    .is_none_or(|e| (e - first_end).whole_days() <= TOGETHER_DAYS)
            })
            .collect();
        let councils: BTreeSet<String> = together.iter().flat_map(|i| view.councils(*i)).collect();
        if councils.len() >= 2 {
            suggestions.push((
                view.group(together.clone(), &cluster.shared_words, today),
                together,
            ));
        }
    }
    suggestions.sort_by(|a, b| {
        a.0.next_end
            .cmp(&b.0.next_end)
            .then(b.0.combined_value_pence.cmp(&a.0.combined_value_pence))
    });
    let suggestions_total = suggestions.len();
    suggestions.truncate(SHOWN);

    // Spend: every contract of the footprint's councils, by category and supplier.
    let contracts: Vec<usize> = inside
        .iter()
        .copied()
        .filter(|i| view.kind(*i) == "contract")
        .collect();
    let mut by_supplier: BTreeMap<String, (i64, usize, BTreeSet<String>)> = BTreeMap::new();
    for &i in &contracts {
        for name in view.item(i).suppliers() {
            let entry = by_supplier.entry(name.to_owned()).or_default();
            entry.0 += view.item(i).value_pence().unwrap_or(0);
            entry.1 += 1;
            entry.2.extend(view.councils(i));
        }
    }
    let mut suppliers: Vec<SupplierFigure> = by_supplier
        .into_iter()
        .map(|(name, (value, count, councils))| SupplierFigure {
            name,
            value_pence: value,
            contracts: count,
            councils: councils.len(),
        })
        .collect();
    suppliers.sort_by(|a, b| b.value_pence.cmp(&a.value_pence).then(a.name.cmp(&b.name)));
    suppliers.truncate(SHOWN);

    Figures {
        pipeline,
        ends_by_quarter,
        planned,
        clusters,
        clusters_total,
        suggestions,
        suggestions_total,
        demand: by_category(&demand_items, view),
        spend: by_category(&contracts, view),
        suppliers,
    }
}

/// What the dashboard finds for one footprint, counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FootprintCounts {
    /// Duplicate-purchase clusters across two or more of its councils.
    pub clusters: usize,
    pub suggestions: usize,
    /// Contracts ending in the next 24 months.
    pub pipeline_contracts: usize,
}

/// [`FootprintCounts`] of the footprint whose current members are `members`
/// (for `server dedupe --by-footprint`).
pub fn counts(
    corpus: &Corpus,
    pairs: &[Pair],
    members: &HashSet<Uuid>,
    today: Date,
) -> FootprintCounts {
    // Names only label councils; their ids tell them apart here.
    let names: HashMap<Uuid, String> = members.iter().map(|id| (*id, id.to_string())).collect();
    let view = View {
        corpus,
        members,
        names: &names,
    };
    let figures = figures(&view, pairs, today);
    FootprintCounts {
        clusters: figures.clusters_total,
        suggestions: figures.suggestions_total,
        pipeline_contracts: figures.pipeline.iter().map(|b| b.contracts).sum(),
    }
}

/// The dashboard of the footprint with this code (any letter case).
pub async fn dashboard(
    state: &AppState,
    viewer: Option<&Viewer>,
    code: &str,
) -> Result<FootprintDashboard, AppError> {
    let db = &state.db;
    let snapshot = state.snapshots.get(db).await?;
    let footprint = snapshot
        .footprints()
        .iter()
        .find(|f| f.code.eq_ignore_ascii_case(code))
        .cloned()
        .ok_or_else(|| AppError::NotFound("Footprint".into()))?;
    let members = snapshot.current_members(footprint.id);
    let names: HashMap<Uuid, String> = members
        .iter()
        .filter_map(|id| snapshot.organisation(*id).map(|o| (*id, o.name.clone())))
        .collect();
    let gss: HashMap<String, String> = members
        .iter()
        .filter_map(|id| snapshot.organisation(*id))
        .filter_map(|o| Some((o.name.clone(), o.gss_code.clone()?)))
        .collect();
    let today = OffsetDateTime::now_utc().date();
    let (figures, suggestion_codes) = state
        .live_check
        .with_pairs(db, |corpus, pairs| {
            let view = View {
                corpus,
                members: &members,
                names: &names,
            };
            let figures = figures(&view, pairs, today);
            // Each suggestion's CPV codes: those its purchases share most.
            let codes: Vec<Vec<String>> = figures
                .suggestions
                .iter()
                .map(|(_, indexes)| {
                    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
                    for i in indexes {
                        for code in corpus.index.item(*i).cpv_codes() {
                            *counted.entry(code).or_default() += 1;
                        }
                    }
                    let mut codes: Vec<(String, usize)> = counted.into_iter().collect();
                    codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                    codes.into_iter().take(3).map(|(c, _)| c).collect()
                })
                .collect();
            (figures, codes)
        })
        .await?;

    // The viewer's councils, to offer "register this" where they take part.
    let own: HashSet<String> = viewer
        .map(|v| {
            let admin = v.has_role(Role::PlatformAdmin);
            gss.values()
                .filter(|code| {
                    admin
                        || v.scopes(Role::CouncilBuyer)
                            .any(|g| g.scope_code.as_deref() == Some(code.as_str()))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let suggestions = figures
        .suggestions
        .into_iter()
        .zip(suggestion_codes)
        .map(|((group, _), cpv_codes)| {
            let first_end = group.next_end.unwrap_or(today);
            let six_before = months_later(first_end, 0) - Duration::days(183);
            let register_for = group
                .councils
                .iter()
                .filter_map(|name| Some((gss.get(name)?.clone(), name.clone())))
                .filter(|(code, _)| own.contains(code))
                .collect();
            let title = group
                .members
                .first()
                .map(|m| m.title.clone())
                .unwrap_or_else(|| group.need.clone());
            let description = format!(
                "A joint purchase for {}. Their current purchases of this need: {}.",
                group.councils.join(", "),
                group
                    .members
                    .iter()
                    .map(|m| format!(
                        "{} ({}{})",
                        m.title,
                        m.buyers.join(", "),
                        m.end
                            .map(|e| format!(", ends {}", crate::types::format_date(&e)))
                            .unwrap_or_default()
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            SuggestedPurchase {
                title,
                description,
                cpv_codes,
                window_start: six_before.max(today),
                window_end: first_end.max(today),
                register_for,
                group,
            }
        })
        .collect();

    let labels: HashMap<String, String> = cpv_labels(
        db,
        figures
            .demand
            .iter()
            .chain(&figures.spend)
            .map(|(division, ..)| format!("{division}000000"))
            .collect(),
    )
    .await?
    .into_iter()
    .map(|(code, label)| (code[..2].to_owned(), label))
    .collect();
    let category = |rows: Vec<(String, i64, usize, usize)>| -> Vec<CategoryFigure> {
        rows.into_iter()
            .map(|(division, value, count, councils)| CategoryFigure {
                label: labels
                    .get(&division)
                    .cloned()
                    .unwrap_or_else(|| format!("CPV division {division}")),
                division,
                value_pence: value,
                count,
                councils,
            })
            .collect()
    };

    let open_intents: Vec<_> = intents::list(db, Some(&footprint.code))
        .await?
        .into_iter()
        .filter(|i| !i.status.is_final())
        .collect();
    Ok(FootprintDashboard {
        code: footprint.code.clone(),
        name: footprint.name.clone(),
        member_count: members.len(),
        open_demand_pence: open_intents.iter().map(|i| i.combined_value_pence).sum(),
        open_intents,
        demand_by_category: category(figures.demand),
        pipeline: figures.pipeline,
        ends_by_quarter: figures.ends_by_quarter,
        planned: figures.planned,
        clusters: figures.clusters,
        clusters_total: figures.clusters_total,
        suggestions,
        spend_by_category: category(figures.spend),
        top_suppliers: figures.suppliers,
        today,
    })
}

/// Every footprint's figures side by side (`/demand`), largest open
/// demand first, then most duplicate clusters.
pub async fn national(state: &AppState) -> Result<Vec<FootprintComparison>, AppError> {
    let db = &state.db;
    let snapshot = state.snapshots.get(db).await?;
    let today = OffsetDateTime::now_utc().date();
    let memberships: Vec<(Uuid, HashSet<Uuid>)> = snapshot
        .footprints()
        .iter()
        .map(|f| (f.id, snapshot.current_members(f.id)))
        .collect();
    let counted: HashMap<Uuid, FootprintCounts> = state
        .live_check
        .with_pairs(db, |corpus, pairs| {
            memberships
                .iter()
                .map(|(id, members)| (*id, counts(corpus, pairs, members, today)))
                .collect()
        })
        .await?;
    let open: Vec<_> = intents::list(db, None)
        .await?
        .into_iter()
        .filter(|i| !i.status.is_final())
        .collect();
    let mut rows: Vec<FootprintComparison> = snapshot
        .footprints()
        .iter()
        .zip(&memberships)
        .map(|(f, (_, members))| {
            let here: Vec<_> = open
                .iter()
                .filter(|i| i.footprint_name.as_deref() == Some(f.name.as_str()))
                .collect();
            let c = counted.get(&f.id).copied().unwrap_or(FootprintCounts {
                clusters: 0,
                suggestions: 0,
                pipeline_contracts: 0,
            });
            FootprintComparison {
                code: f.code.clone(),
                name: f.name.clone(),
                councils: members.len(),
                open_intents: here.len(),
                open_demand_pence: here.iter().map(|i| i.combined_value_pence).sum(),
                clusters: c.clusters,
                suggestions: c.suggestions,
                pipeline_contracts: c.pipeline_contracts,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.open_demand_pence
            .cmp(&a.open_demand_pence)
            .then(b.clusters.cmp(&a.clusters))
            .then(a.name.cmp(&b.name))
    });
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::dedupe::{Index, Item, Normaliser};
    use crate::server::services::dedupe::Record;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 06);

    fn contract(n: u128, buyer: u128, title: &str, end: Date) -> (Item, Record) {
        let id = Uuid::from_u128(n);
        let buyer = Uuid::from_u128(buyer);
        (
            Item {
                key: format!("contract:{id}"),
                buyers: vec![buyer.to_string()],
                title: title.into(),
                description: None,
                cpv_codes: vec!["34927100".into()],
                suppliers: vec!["Salt Union Ltd".into()],
                framework: None,
                value_pence: Some(10_000_000),
                // Different starts: the same supplier starting the same day
                // would read as one joint arrangement published twice.
                start: Some(end - Duration::days(1000)),
                end: Some(end),
            },
            Record {
                kind: "contract",
                id,
                source: "register".into(),
                source_id: None,
                ocid: None,
                release_id: None,
                buyer_ids: vec![buyer],
                buyer_names: vec![format!("Council {buyer}")],
            },
        )
    }

    /// Salt bought by councils 1, 2 and 3 (3 is outside the footprint),
    /// and an unrelated contract of council 1.
    fn corpus() -> Corpus {
        let (items, records): (Vec<Item>, Vec<Record>) = [
            contract(
                1,
                1,
                "Supply of rock salt for winter gritting",
                date!(2027 - 09 - 30),
            ),
            contract(
                2,
                2,
                "Rock salt for highways gritting",
                date!(2028 - 03 - 31),
            ),
            contract(3, 3, "Highways rock salt supply", date!(2027 - 06 - 30)),
            contract(4, 1, "Payroll software licences", date!(2027 - 01 - 31)),
            // Ended: not in the pipeline, still a duplicate of the others.
            contract(
                5,
                2,
                "Supply of rock salt for winter gritting",
                date!(2025 - 03 - 31),
            ),
        ]
        .into_iter()
        .unzip();
        Corpus::new(Index::build(Normaliser::new([]), items), records)
    }

    fn dashboard_of(corpus: &Corpus) -> Figures {
        let members: HashSet<Uuid> = [1, 2].map(Uuid::from_u128).into();
        let names: HashMap<Uuid, String> = [1u128, 2, 3]
            .map(|n| (Uuid::from_u128(n), format!("Council {n}")))
            .into();
        let view = View {
            corpus,
            members: &members,
            names: &names,
        };
        let (pairs, _) = corpus.index.pairs();
        figures(&view, &pairs, TODAY)
    }

    #[test]
    fn the_pipeline_groups_contracts_of_one_need_across_councils() {
        let corpus = corpus();
        let figures = dashboard_of(&corpus);
        let bands: Vec<(usize, usize)> = figures
            .pipeline
            .iter()
            .map(|b| (b.contracts, b.groups.len()))
            .collect();
        // Payroll ends in 3 months; salt in 9 and 16 months; council 3's
        // salt is outside the footprint.
        assert_eq!(bands, [(1, 1), (0, 0), (1, 1), (1, 1)]);
        let quarters: usize = figures.ends_by_quarter.iter().map(|q| q.contracts).sum();
        assert_eq!(quarters, 3);
        // Salt, bought by both councils, is one duplicate cluster (with the
        // ended contract); payroll is nobody's duplicate.
        assert_eq!(figures.clusters.len(), 1);
        assert_eq!(figures.clusters[0].councils, ["Council 1", "Council 2"]);
        assert_eq!(figures.clusters[0].members.len(), 3);
        assert_eq!(figures.spend[0].2, 4, "four contracts in division 34");
        assert_eq!(figures.suppliers[0].contracts, 4);
    }

    #[test]
    fn a_joint_purchase_is_suggested_when_ends_fall_within_a_year() {
        let corpus = corpus();
        let figures = dashboard_of(&corpus);
        assert_eq!(figures.suggestions.len(), 1);
        let (group, members) = &figures.suggestions[0];
        assert_eq!(group.councils, ["Council 1", "Council 2"]);
        assert_eq!(members.len(), 2, "the ended contract is not part of it");
        assert_eq!(group.next_end, Some(date!(2027 - 09 - 30)));
        // The same purchases, ending further apart than a year: no suggestion.
        let mut apart = self::corpus();
        let (mut items, records): (Vec<Item>, Vec<Record>) = (0..apart.index.len())
            .map(|i| apart.index.item(i).to_item())
            .zip(apart.records.drain(..))
            .unzip();
        items[0].end = Some(date!(2027 - 01 - 31));
        items[1].end = Some(date!(2028 - 09 - 30));
        let apart = Corpus::new(Index::build(Normaliser::new([]), items), records);
        assert_eq!(dashboard_of(&apart).clusters.len(), 1, "still one need");
        assert!(dashboard_of(&apart).suggestions.is_empty());
    }

    #[test]
    fn months_later_keeps_the_day_where_the_month_has_it() {
        assert_eq!(
            months_later(date!(2026 - 12 - 06), 3),
            date!(2027 - 03 - 06)
        );
        assert_eq!(
            months_later(date!(2026 - 11 - 30), 3),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            months_later(date!(2026 - 01 - 31), 24),
            date!(2028 - 01 - 31)
        );
    }

    #[test]
    fn quarters_are_named_by_their_months() {
        assert_eq!(quarter_label(date!(2027 - 01 - 06)), "Jan to Mar 2027");
        assert_eq!(quarter_label(date!(2026 - 12 - 06)), "Dec to Feb 2027");
    }
}
