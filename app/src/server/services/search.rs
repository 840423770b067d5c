//! The search page's service: reads the URL query, runs the search on the
//! index (off the async threads), and names what the facets count — kinds,
//! statuses, CPV levels, owners, footprints — with links that keep the rest
//! of the search.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::server::entities::cpv_code;
use crate::server::internal_error;
use crate::server::search::document::cpv_prefix_facet;
use crate::server::search::engine::{self, Filters, Found, Request};
use crate::server::search::{SearchIndex, query};
use crate::server::services::snapshot::{Snapshot, SnapshotCache};
use crate::types::{
    AppError, CHECKED, FacetGroup, FacetValue, Page, Role, SEARCH_PAGE_SIZE, SearchCriteria,
    SearchHit, SearchKind, SearchParams, SearchResults, SearchStatus, Viewer,
};

/// The councils the viewer buys for (council buyers only).
fn councils_of<'a>(
    snapshot: &'a Snapshot,
    viewer: Option<&Viewer>,
) -> Vec<&'a crate::server::entities::organisation::Model> {
    viewer
        .map(|v| {
            v.grants
                .iter()
                .filter(|g| g.role == Role::CouncilBuyer)
                .filter_map(|g| g.scope_code.as_deref())
                .filter_map(|gss| snapshot.council_by_gss(gss))
                .collect()
        })
        .unwrap_or_default()
}

/// The eligibility terms (see `search::schema`) that admit any of
/// `councils`: the index side of `services::eligibility::eligibility_admits`.
pub fn eligibility_terms(
    snapshot: &Snapshot,
    councils: &[&crate::server::entities::organisation::Model],
) -> Vec<String> {
    let mut terms = vec!["all".to_owned()];
    for council in councils {
        terms.push(format!("buyer_type:{}", council.org_type));
        terms.push(format!("nation:{}", council.nation));
        if let Some(region) = &council.region {
            terms.push(format!("region:{region}"));
        }
        terms.extend(
            snapshot
                .footprint_codes_of(council.id)
                .into_iter()
                .map(|code| format!("footprint:{code}")),
        );
    }
    terms.sort();
    terms.dedup();
    terms
}

/// CPV labels by code, read once per process once the classification is
/// loaded (it does not change while the service runs).
async fn cpv_labels<C: ConnectionTrait>(
    db: &C,
) -> Result<Arc<HashMap<String, String>>, sea_orm::DbErr> {
    static LABELS: RwLock<Option<Arc<HashMap<String, String>>>> = RwLock::new(None);
    if let Some(labels) = LABELS.read().unwrap_or_else(|e| e.into_inner()).clone() {
        return Ok(labels);
    }
    let labels: Arc<HashMap<String, String>> = Arc::new(
        cpv_code::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.code, c.label))
            .collect(),
    );
    if !labels.is_empty() {
        *LABELS.write().unwrap_or_else(|e| e.into_inner()) = Some(labels.clone());
    }
    Ok(labels)
}

fn facet_value(
    criteria: &SearchCriteria,
    value: String,
    label: String,
    count: u64,
    selected: bool,
    set: impl Fn(&mut SearchCriteria, Option<String>),
) -> FacetValue {
    let mut next = criteria.clone();
    next.page = 1;
    set(&mut next, (!selected).then(|| value.clone()));
    FacetValue {
        href: next.href(),
        value,
        label,
        count,
        selected,
    }
}

/// The facet groups of what was found, labelled.
fn facets(
    criteria: &SearchCriteria,
    found: &Found,
    snapshot: &Snapshot,
    cpv: &HashMap<String, String>,
) -> Vec<FacetGroup> {
    let mut groups = Vec::new();
    groups.push(FacetGroup {
        name: "kind".into(),
        label: "Type".into(),
        values: found
            .kinds
            .iter()
            .filter(|(kind, count)| *count > 0 || criteria.kind == Some(*kind))
            .map(|(kind, count)| {
                facet_value(
                    criteria,
                    kind.as_str().into(),
                    kind.label().into(),
                    *count,
                    criteria.kind == Some(*kind),
                    |c, v| c.kind = v.as_deref().and_then(SearchKind::parse),
                )
            })
            .collect(),
    });
    let status_count = |s: SearchStatus| match s {
        SearchStatus::Live => found.statuses.live,
        SearchStatus::ExpiringSoon => found.statuses.expiring,
        SearchStatus::Expired => found.statuses.expired,
        SearchStatus::Any => found.statuses.live + found.statuses.expired,
    };
    groups.push(FacetGroup {
        name: "status".into(),
        label: "Status".into(),
        values: SearchStatus::ALL
            .into_iter()
            .map(|s| {
                let mut v = facet_value(
                    criteria,
                    s.as_str().into(),
                    s.label().into(),
                    status_count(s),
                    criteria.status == s,
                    |c, v| {
                        c.status = v
                            .as_deref()
                            .and_then(SearchStatus::parse)
                            .unwrap_or_default()
                    },
                );
                // A status is a choice of one: choosing it again keeps it.
                if v.selected {
                    let mut same = criteria.clone();
                    same.page = 1;
                    v.href = same.href();
                }
                v
            })
            .collect(),
    });
    // The CPV level below the chosen one (divisions when none is chosen).
    let code_label = |prefix: &str| {
        let code = format!("{prefix:0<8}");
        cpv.get(&code)
            .map_or_else(|| code.clone(), |label| format!("{prefix} {label}"))
    };
    let mut cpv_values: Vec<FacetValue> = Vec::new();
    if let Some(chosen) = &criteria.cpv {
        let chosen_prefix = chosen.trim_end_matches('0');
        let chosen_prefix = if chosen_prefix.len() < 2 {
            &chosen[..2]
        } else {
            chosen_prefix
        };
        cpv_values.push(facet_value(
            criteria,
            chosen.clone(),
            code_label(chosen_prefix),
            found.total,
            true,
            |c, v| c.cpv = v,
        ));
    }
    cpv_values.extend(found.cpv.iter().map(|(prefix, count)| {
        facet_value(
            criteria,
            prefix.clone(),
            code_label(prefix),
            *count,
            false,
            |c, v| c.cpv = v,
        )
    }));
    groups.push(FacetGroup {
        name: "cpv".into(),
        label: "Category (CPV)".into(),
        values: cpv_values,
    });
    let named = |name: &str,
                 label: &str,
                 values: &[(String, u64)],
                 chosen: &Option<String>,
                 label_of: &dyn Fn(&str) -> String,
                 set: fn(&mut SearchCriteria, Option<String>)| {
        let mut out: Vec<FacetValue> = Vec::new();
        if let Some(chosen) = chosen
            && !values.iter().any(|(v, _)| v == chosen)
        {
            out.push(facet_value(
                criteria,
                chosen.clone(),
                label_of(chosen),
                0,
                true,
                set,
            ));
        }
        out.extend(values.iter().map(|(value, count)| {
            facet_value(
                criteria,
                value.clone(),
                label_of(value),
                *count,
                chosen.as_deref() == Some(value.as_str()),
                set,
            )
        }));
        FacetGroup {
            name: name.into(),
            label: label.into(),
            values: out,
        }
    };
    groups.push(named(
        "owner",
        "Framework owner",
        &found.owners,
        &criteria.owner,
        &|v: &str| v.to_owned(),
        |c, v| c.owner = v,
    ));
    let footprint_name = |code: &str| {
        snapshot
            .footprints()
            .iter()
            .find(|f| f.code == code)
            .map_or_else(|| code.to_owned(), |f| f.name.clone())
    };
    groups.push(named(
        "footprint",
        "Footprint",
        &found.footprints,
        &criteria.footprint,
        &footprint_name,
        |c, v| c.footprint = v,
    ));
    groups.push(FacetGroup {
        name: "sme".into(),
        label: "Suppliers".into(),
        values: vec![facet_value(
            criteria,
            CHECKED.into(),
            "SME suppliers only".into(),
            found.sme,
            criteria.sme_only,
            |c, v| c.sme_only = v.is_some(),
        )],
    });
    groups
}

/// The engine's request for `criteria`, the rows `offset..offset + limit`,
/// as `councils`' buyer sees it; and notes on how the text was read.
fn engine_request(
    snapshot: &Snapshot,
    councils: &[&crate::server::entities::organisation::Model],
    criteria: &SearchCriteria,
    offset: usize,
    limit: usize,
) -> (Request, Vec<String>) {
    let text = query::read(&criteria.q);
    let notes = text.notes.iter().map(|n| n.message().to_owned()).collect();
    let today = crate::server::search::document::day_number(time::OffsetDateTime::now_utc().date());
    let filters = Filters {
        kind: criteria.kind,
        status: criteria.status,
        cpv: criteria.cpv.as_deref().and_then(cpv_prefix_facet),
        owner: criteria.owner.clone(),
        footprint: criteria.footprint.clone(),
        sme_only: criteria.sme_only,
        min_value_pence: criteria.min_value.map(|v| v as i64 * 100),
        max_value_pence: criteria.max_value.map(|v| v as i64 * 100),
        eligible: (criteria.mine && !councils.is_empty())
            .then(|| eligibility_terms(snapshot, councils)),
    };
    let request = Request {
        text,
        filters,
        sort: criteria.sort,
        offset,
        limit,
        today,
    };
    (request, notes)
}

/// Runs `request` on the index, off the async threads.
async fn run(index: &Arc<SearchIndex>, request: Request) -> Result<Found, AppError> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || engine::run(&index.searcher(), index.fields(), &request))
        .await
        .map_err(|e| internal_error("search task", &e))?
        .map_err(|e| internal_error("search", &e))
}

fn hit(h: engine::Hit) -> SearchHit {
    SearchHit {
        kind: h.kind,
        id: h.id,
        title: h.title,
        subtitle: h.subtitle,
        snippet: h.snippet,
        reference: h.reference,
        end_date: h.end,
        value_pence: h.value_pence,
    }
}

/// The first `limit` results of `criteria` (from its first page, whatever
/// page it names) as `viewer` would see them, and how many there are: what
/// a shortlist freezes.
pub async fn first_results(
    db: &sea_orm::DatabaseConnection,
    snapshots: &SnapshotCache,
    index: &Arc<SearchIndex>,
    viewer: Option<&Viewer>,
    criteria: &SearchCriteria,
    limit: usize,
) -> Result<(Vec<SearchHit>, u64), AppError> {
    let snapshot = snapshots
        .get(db)
        .await
        .map_err(|e| internal_error("search snapshot", &e))?;
    let councils = councils_of(&snapshot, viewer);
    let (request, _) = engine_request(&snapshot, &councils, criteria, 0, limit);
    let found = run(index, request).await?;
    Ok((found.hits.into_iter().map(hit).collect(), found.total))
}

/// Runs the search the URL asks for.
pub async fn search(
    db: &sea_orm::DatabaseConnection,
    snapshots: &SnapshotCache,
    index: &Arc<SearchIndex>,
    viewer: Option<&Viewer>,
    params: &SearchParams,
) -> Result<SearchResults, AppError> {
    let snapshot = snapshots
        .get(db)
        .await
        .map_err(|e| internal_error("search snapshot", &e))?;
    let councils = councils_of(&snapshot, viewer);
    let council = match councils.as_slice() {
        [] => None,
        [one] => Some(one.name.clone()),
        several => Some(format!("{} councils", several.len())),
    };
    let criteria = match SearchCriteria::from_params(params) {
        Ok(c) => c,
        Err(error) => {
            return Ok(SearchResults {
                criteria: SearchCriteria {
                    q: params.q.clone().unwrap_or_default(),
                    ..Default::default()
                },
                error: Some(error),
                notes: Vec::new(),
                page: Page {
                    items: Vec::new(),
                    page: 1,
                    per_page: SEARCH_PAGE_SIZE,
                    total_items: 0,
                },
                facets: Vec::new(),
                council,
                took_micros: 0,
            });
        }
    };
    let (request, mut notes) = engine_request(
        &snapshot,
        &councils,
        &criteria,
        ((criteria.page - 1) * SEARCH_PAGE_SIZE) as usize,
        SEARCH_PAGE_SIZE as usize,
    );
    let started = Instant::now();
    let found = run(index, request).await?;
    let took_micros = started.elapsed().as_micros() as u64;
    if found.relaxed {
        notes.push("No result had every word, so these have some of them".to_owned());
    }
    let cpv = cpv_labels(db)
        .await
        .map_err(|e| internal_error("CPV labels", &e))?;
    let facets = facets(&criteria, &found, &snapshot, &cpv);
    let items = found.hits.into_iter().map(hit).collect();
    Ok(SearchResults {
        page: Page {
            items,
            page: criteria.page,
            per_page: SEARCH_PAGE_SIZE,
            total_items: found.total,
        },
        criteria,
        error: None,
        notes,
        facets,
        council,
        took_micros,
    })
}
