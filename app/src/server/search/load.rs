//! Search documents built from the database: the one place that says what
//! of each record is searchable. The applier calls [`documents`] with the
//! ids the outbox names; `reindex` calls it with every id, a batch at a time.
//! A record that no longer exists (or, for offers, is not published) has no
//! document, so the caller deletes it from the index.
use std::collections::{BTreeSet, HashMap};

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use super::document::SearchDocument;
use crate::server::changes::DocumentKind;
use crate::server::entities::{
    contract, contract_buyer, contract_cpv, contract_supplier, framework, framework_eligibility,
    lot, lot_cpv, offer, offer_cpv, offer_footprint, organisation, planned_purchase,
    planned_purchase_cpv, supplier,
};
use crate::server::services::snapshot::Snapshot;
use crate::types::commands::{EligibilityScope, OfferStatus};

/// Ids per database query (well inside both backends' parameter limits).
pub const BATCH: usize = 500;

/// The documents of `ids` of `kind` that exist now.
pub async fn documents<C: ConnectionTrait>(
    db: &C,
    snapshot: &Snapshot,
    kind: DocumentKind,
    ids: &[Uuid],
) -> Result<Vec<SearchDocument>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(BATCH) {
        let batch = match kind {
            DocumentKind::Framework => frameworks(db, chunk).await?,
            DocumentKind::Lot => lots(db, chunk).await?,
            DocumentKind::Supplier => suppliers(db, snapshot, chunk).await?,
            DocumentKind::Offer => offers(db, snapshot, chunk).await?,
            DocumentKind::Contract => contracts(db, snapshot, chunk).await?,
            DocumentKind::PlannedPurchase => planned(db, snapshot, chunk).await?,
        };
        out.extend(batch);
    }
    Ok(out)
}

/// Every id of `kind`, for `reindex` and `check`, in the order a bulk
/// build adds them: by the record's lowest CPV code (records without one
/// last), then by id. Records about the same need then lie side by side in
/// the index, as an index sorted on a field would have them (Lucene's index
/// sorting): a search's matches share cache lines and postings blocks
/// instead of lying a few kilobytes apart, and a CPV filter reads runs of
/// neighbouring documents. On the search benchmark's 10^6 documents the
/// median search fell by about a fifth (README, "Performance"). Frameworks
/// and suppliers, whose codes come from their lots and offers, keep id
/// order: they are few beside the records that carry codes themselves.
pub async fn all_ids<C: ConnectionTrait>(db: &C, kind: DocumentKind) -> Result<Vec<Uuid>, DbErr> {
    async fn ids<E: EntityTrait, C: ConnectionTrait>(
        db: &C,
        query: Select<E>,
        column: E::Column,
    ) -> Result<Vec<Uuid>, DbErr> {
        query
            .select_only()
            .column(column)
            .order_by_asc(column)
            .into_tuple()
            .all(db)
            .await
    }
    match kind {
        DocumentKind::Framework => ids(db, framework::Entity::find(), framework::Column::Id).await,
        DocumentKind::Supplier => ids(db, supplier::Entity::find(), supplier::Column::Id).await,
        DocumentKind::Lot => {
            let all = ids(db, lot::Entity::find(), lot::Column::Id).await?;
            by_lowest_code::<lot_cpv::Entity, _>(
                db,
                all,
                lot_cpv::Column::LotId,
                lot_cpv::Column::CpvCode,
            )
            .await
        }
        DocumentKind::Offer => {
            let published = offer::Entity::find()
                .filter(offer::Column::Status.eq(OfferStatus::Published.as_str()));
            let all = ids(db, published, offer::Column::Id).await?;
            by_lowest_code::<offer_cpv::Entity, _>(
                db,
                all,
                offer_cpv::Column::OfferId,
                offer_cpv::Column::CpvCode,
            )
            .await
        }
        DocumentKind::Contract => {
            let all = ids(db, contract::Entity::find(), contract::Column::Id).await?;
            by_lowest_code::<contract_cpv::Entity, _>(
                db,
                all,
                contract_cpv::Column::ContractId,
                contract_cpv::Column::CpvCode,
            )
            .await
        }
        DocumentKind::PlannedPurchase => {
            let all = ids(
                db,
                planned_purchase::Entity::find(),
                planned_purchase::Column::Id,
            )
            .await?;
            by_lowest_code::<planned_purchase_cpv::Entity, _>(
                db,
                all,
                planned_purchase_cpv::Column::PlannedPurchaseId,
                planned_purchase_cpv::Column::CpvCode,
            )
            .await
        }
    }
}

/// `ids` in build order ([`in_build_order`]), by each one's lowest code in
/// the CPV link table `E` (`owner`, `code`).
async fn by_lowest_code<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    ids: Vec<Uuid>,
    owner: E::Column,
    code: E::Column,
) -> Result<Vec<Uuid>, DbErr> {
    let lowest: HashMap<Uuid, String> = E::find()
        .select_only()
        .column(owner)
        .column_as(Expr::from(Func::min(Expr::col(code))), "lowest")
        .group_by(owner)
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(in_build_order(ids, &lowest))
}

/// `ids` (in id order) by their code in `primary` (those without one last),
/// then by id.
fn in_build_order(mut ids: Vec<Uuid>, primary: &HashMap<Uuid, String>) -> Vec<Uuid> {
    // A stable sort keeps id order among equal codes.
    ids.sort_by_key(|id| match primary.get(id) {
        Some(code) => (false, code.as_str()),
        None => (true, ""),
    });
    ids
}

/// Rows of a link table whose `column` is one of `ids`, grouped by it.
async fn grouped<E, C, T>(
    db: &C,
    column: E::Column,
    ids: &[Uuid],
    split: impl Fn(E::Model) -> (Uuid, T),
) -> Result<HashMap<Uuid, Vec<T>>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let mut out: HashMap<Uuid, Vec<T>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for row in E::find()
        .filter(column.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        let (key, value) = split(row);
        out.entry(key).or_default().push(value);
    }
    Ok(out)
}

/// Records of `E` with the given ids, by id.
async fn by_id<E, C>(
    db: &C,
    column: E::Column,
    ids: impl IntoIterator<Item = Uuid>,
    id_of: impl Fn(&E::Model) -> Uuid,
) -> Result<HashMap<Uuid, E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find()
        .filter(column.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (id_of(&m), m))
        .collect())
}

fn some_text(parts: &[&Option<String>]) -> Vec<String> {
    parts.iter().filter_map(|p| (*p).clone()).collect()
}

fn sorted_unique(values: impl IntoIterator<Item = String>) -> Vec<String> {
    values
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Who may use a framework, as index terms (see the schema): the one
/// statement of `services::eligibility::eligibility_admits` turned around.
fn eligibility_terms(framework: &framework::Model, rules: &[(String, String)]) -> Vec<String> {
    if framework.eligibility_scope == EligibilityScope::AllUkPublicSector.as_str() {
        return vec!["all".to_owned()];
    }
    rules.iter().map(|(k, v)| format!("{k}:{v}")).collect()
}

/// The footprints a framework is limited to.
fn eligibility_footprints(rules: &[(String, String)]) -> Vec<String> {
    rules
        .iter()
        .filter(|(k, _)| k == "footprint")
        .map(|(_, v)| v.clone())
        .collect()
}

async fn eligibility_of<C: ConnectionTrait>(
    db: &C,
    framework_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<(String, String)>>, DbErr> {
    grouped::<framework_eligibility::Entity, _, _>(
        db,
        framework_eligibility::Column::FrameworkId,
        framework_ids,
        |e| (e.framework_id, (e.kind, e.value)),
    )
    .await
}

async fn frameworks<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<Vec<SearchDocument>, DbErr> {
    let models =
        by_id::<framework::Entity, _>(db, framework::Column::Id, ids.to_vec(), |m| m.id).await?;
    let found: Vec<Uuid> = models.keys().copied().collect();
    let lots = grouped::<lot::Entity, _, _>(db, lot::Column::FrameworkId, &found, |l| {
        (l.framework_id, l)
    })
    .await?;
    let lot_ids: Vec<Uuid> = lots.values().flatten().map(|l| l.id).collect();
    let mut lot_codes = HashMap::new();
    for chunk in lot_ids.chunks(BATCH) {
        lot_codes.extend(
            grouped::<lot_cpv::Entity, _, _>(db, lot_cpv::Column::LotId, chunk, |c| {
                (c.lot_id, c.cpv_code)
            })
            .await?,
        );
    }
    let rules = eligibility_of(db, &found).await?;
    let no_rules = Vec::new();
    Ok(models
        .into_values()
        .map(|f| {
            let rules = rules.get(&f.id).unwrap_or(&no_rules);
            let lots = lots.get(&f.id).map(Vec::as_slice).unwrap_or_default();
            let cpv = sorted_unique(
                lots.iter()
                    .flat_map(|l| lot_codes.get(&l.id).cloned().unwrap_or_default()),
            );
            let mut body = some_text(&[&f.summary, &f.description, &f.keywords, &f.category]);
            body.extend(lots.iter().map(|l| l.title.clone()));
            SearchDocument {
                kind: Some(DocumentKind::Framework),
                id: f.id,
                title: f.title.clone().unwrap_or_else(|| f.reference.clone()),
                subtitle: format!("{} · {}", f.reference, f.owner_name),
                body,
                reference: Some(f.reference.clone()),
                codes: cpv.clone(),
                cpv,
                owner: Some(f.owner_name.clone()),
                footprints: eligibility_footprints(rules),
                sme: false,
                eligible: eligibility_terms(&f, rules),
                end: f.end_date,
                newest: f.start_date,
                value_pence: None,
            }
        })
        .collect())
}

async fn lots<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<Vec<SearchDocument>, DbErr> {
    let models = by_id::<lot::Entity, _>(db, lot::Column::Id, ids.to_vec(), |m| m.id).await?;
    let frameworks = by_id::<framework::Entity, _>(
        db,
        framework::Column::Id,
        models.values().map(|l| l.framework_id),
        |m| m.id,
    )
    .await?;
    let found: Vec<Uuid> = models.keys().copied().collect();
    let codes = grouped::<lot_cpv::Entity, _, _>(db, lot_cpv::Column::LotId, &found, |c| {
        (c.lot_id, c.cpv_code)
    })
    .await?;
    let framework_ids: Vec<Uuid> = frameworks.keys().copied().collect();
    let rules = eligibility_of(db, &framework_ids).await?;
    let no_rules = Vec::new();
    Ok(models
        .into_values()
        .filter_map(|l| {
            let f = frameworks.get(&l.framework_id)?;
            let rules = rules.get(&f.id).unwrap_or(&no_rules);
            let cpv = sorted_unique(codes.get(&l.id).cloned().unwrap_or_default());
            let framework_title = f.title.clone().unwrap_or_else(|| f.reference.clone());
            let mut codes = cpv.clone();
            codes.push(f.reference.clone());
            Some(SearchDocument {
                kind: Some(DocumentKind::Lot),
                id: l.id,
                title: l.title.clone(),
                subtitle: format!("Lot {} of {} {}", l.number, f.reference, framework_title),
                body: some_text(&[&l.description, &Some(framework_title)]),
                reference: None,
                codes,
                cpv,
                owner: Some(f.owner_name.clone()),
                footprints: eligibility_footprints(rules),
                sme: false,
                eligible: eligibility_terms(f, rules),
                end: f.end_date,
                newest: f.start_date,
                value_pence: None,
            })
        })
        .collect())
}

/// Names of organisations, for buyers outside the snapshot's councils.
async fn organisation_names<C: ConnectionTrait>(
    db: &C,
    snapshot: &Snapshot,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, DbErr> {
    let mut names = HashMap::new();
    let mut missing = Vec::new();
    for id in ids {
        match snapshot.organisation(id) {
            Some(o) => {
                names.insert(id, o.name.clone());
            }
            None => missing.push(id),
        }
    }
    for chunk in missing.chunks(BATCH) {
        let rows: Vec<(Uuid, String)> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Name)
            .filter(organisation::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(rows);
    }
    Ok(names)
}

/// The footprints of a set of buyers.
fn footprints_of(snapshot: &Snapshot, buyers: &[Uuid]) -> Vec<String> {
    sorted_unique(buyers.iter().flat_map(|b| snapshot.footprint_codes_of(*b)))
}

async fn suppliers<C: ConnectionTrait>(
    db: &C,
    snapshot: &Snapshot,
    ids: &[Uuid],
) -> Result<Vec<SearchDocument>, DbErr> {
    let models =
        by_id::<supplier::Entity, _>(db, supplier::Column::Id, ids.to_vec(), |m| m.id).await?;
    let found: Vec<Uuid> = models.keys().copied().collect();
    let offers: HashMap<Uuid, Vec<offer::Model>> =
        grouped::<offer::Entity, _, _>(db, offer::Column::SupplierId, &found, |o| {
            (o.supplier_id, o)
        })
        .await?
        .into_iter()
        .map(|(k, v)| {
            let published = v
                .into_iter()
                .filter(|o| o.status == OfferStatus::Published.as_str())
                .collect();
            (k, published)
        })
        .collect();
    let offer_ids: Vec<Uuid> = offers.values().flatten().map(|o| o.id).collect();
    let (codes, places) = offer_links(db, snapshot, &offer_ids).await?;
    Ok(models
        .into_values()
        .map(|s| {
            let offers = offers.get(&s.id).map(Vec::as_slice).unwrap_or_default();
            let mut body = some_text(&[&s.description, &s.region]);
            body.extend(offers.iter().map(|o| o.title.clone()));
            let cpv = sorted_unique(
                offers
                    .iter()
                    .flat_map(|o| codes.get(&o.id).cloned().unwrap_or_default()),
            );
            let footprints = sorted_unique(
                offers
                    .iter()
                    .flat_map(|o| places.get(&o.id).cloned().unwrap_or_default()),
            );
            let mut subtitle = vec!["Supplier".to_owned()];
            subtitle.extend(s.region.clone());
            if let Some(number) = &s.companies_house_number {
                subtitle.push(format!("company {number}"));
            }
            SearchDocument {
                kind: Some(DocumentKind::Supplier),
                id: s.id,
                title: s.name.clone(),
                subtitle: subtitle.join(" · "),
                body,
                reference: s.companies_house_number.clone(),
                codes: s.vat_number.iter().cloned().collect(),
                cpv,
                owner: None,
                footprints,
                sme: s.is_sme,
                eligible: Vec::new(),
                end: None,
                newest: Some(s.created_at.date()),
                value_pence: None,
            }
        })
        .collect())
}

/// CPV codes and footprint codes of offers, by offer id.
async fn offer_links<C: ConnectionTrait>(
    db: &C,
    snapshot: &Snapshot,
    offer_ids: &[Uuid],
) -> Result<(HashMap<Uuid, Vec<String>>, HashMap<Uuid, Vec<String>>), DbErr> {
    let mut codes = HashMap::new();
    let mut places = HashMap::new();
    let codes_of: HashMap<Uuid, String> = snapshot
        .footprints()
        .iter()
        .map(|f| (f.id, f.code.clone()))
        .collect();
    for chunk in offer_ids.chunks(BATCH) {
        codes.extend(
            grouped::<offer_cpv::Entity, _, _>(db, offer_cpv::Column::OfferId, chunk, |c| {
                (c.offer_id, c.cpv_code)
            })
            .await?,
        );
        let rows = grouped::<offer_footprint::Entity, _, _>(
            db,
            offer_footprint::Column::OfferId,
            chunk,
            |p| (p.offer_id, p.footprint_id),
        )
        .await?;
        for (offer_id, footprint_ids) in rows {
            let named = footprint_ids
                .iter()
                .filter_map(|id| codes_of.get(id).cloned())
                .collect();
            places.insert(offer_id, named);
        }
    }
    Ok((codes, places))
}

async fn offers<C: ConnectionTrait>(
    db: &C,
    snapshot: &Snapshot,
    ids: &[Uuid],
) -> Result<Vec<SearchDocument>, DbErr> {
    let models = by_id::<offer::Entity, _>(db, offer::Column::Id, ids.to_vec(), |m| m.id).await?;
    let published: Vec<offer::Model> = models
        .into_values()
        .filter(|o| o.status == OfferStatus::Published.as_str())
        .collect();
    let suppliers = by_id::<supplier::Entity, _>(
        db,
        supplier::Column::Id,
        published.iter().map(|o| o.supplier_id),
        |m| m.id,
    )
    .await?;
    let offer_ids: Vec<Uuid> = published.iter().map(|o| o.id).collect();
    let (codes, places) = offer_links(db, snapshot, &offer_ids).await?;
    Ok(published
        .into_iter()
        .filter_map(|o| {
            let s = suppliers.get(&o.supplier_id)?;
            let cpv = sorted_unique(codes.get(&o.id).cloned().unwrap_or_default());
            let body = some_text(&[
                &Some(o.summary.clone()),
                &o.description,
                &o.features,
                &o.benefits,
                &Some(s.name.clone()),
            ]);
            Some(SearchDocument {
                kind: Some(DocumentKind::Offer),
                id: o.id,
                title: o.title.clone(),
                subtitle: format!("Offer from {}", s.name),
                body,
                reference: None,
                codes: cpv.clone(),
                cpv,
                owner: None,
                footprints: places.get(&o.id).cloned().unwrap_or_default(),
                sme: s.is_sme,
                eligible: Vec::new(),
                end: None,
                newest: Some(o.updated_at.date()),
                value_pence: o.price_pence,
            })
        })
        .collect())
}

async fn contracts<C: ConnectionTrait>(
    db: &C,
    snapshot: &Snapshot,
    ids: &[Uuid],
) -> Result<Vec<SearchDocument>, DbErr> {
    let models =
        by_id::<contract::Entity, _>(db, contract::Column::Id, ids.to_vec(), |m| m.id).await?;
    let found: Vec<Uuid> = models.keys().copied().collect();
    let codes =
        grouped::<contract_cpv::Entity, _, _>(db, contract_cpv::Column::ContractId, &found, |c| {
            (c.contract_id, c.cpv_code)
        })
        .await?;
    let joint = grouped::<contract_buyer::Entity, _, _>(
        db,
        contract_buyer::Column::ContractId,
        &found,
        |b| (b.contract_id, b.organisation_id),
    )
    .await?;
    let supplier_links = grouped::<contract_supplier::Entity, _, _>(
        db,
        contract_supplier::Column::ContractId,
        &found,
        |s| (s.contract_id, s.supplier_id),
    )
    .await?;
    let suppliers = by_id::<supplier::Entity, _>(
        db,
        supplier::Column::Id,
        supplier_links.values().flatten().copied(),
        |m| m.id,
    )
    .await?;
    let frameworks = by_id::<framework::Entity, _>(
        db,
        framework::Column::Id,
        models.values().filter_map(|c| c.framework_id),
        |m| m.id,
    )
    .await?;
    let buyers_of = |c: &contract::Model| -> Vec<Uuid> {
        let mut all = vec![c.buyer_organisation_id];
        all.extend(joint.get(&c.id).cloned().unwrap_or_default());
        all.sort();
        all.dedup();
        all
    };
    let names = organisation_names(db, snapshot, models.values().flat_map(&buyers_of)).await?;
    Ok(models
        .into_values()
        .map(|c| {
            let buyers = buyers_of(&c);
            let buyer_names: Vec<String> = buyers
                .iter()
                .filter_map(|b| names.get(b).cloned())
                .collect();
            let contract_suppliers: Vec<&supplier::Model> = supplier_links
                .get(&c.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|s| suppliers.get(s))
                .collect();
            let framework = c.framework_id.and_then(|f| frameworks.get(&f));
            let cpv = sorted_unique(codes.get(&c.id).cloned().unwrap_or_default());
            let mut body = some_text(&[&c.description]);
            body.extend(contract_suppliers.iter().map(|s| s.name.clone()));
            body.extend(buyer_names.iter().cloned());
            let mut related = cpv.clone();
            related.extend(c.ocid.clone());
            related.extend(c.call_off_reference.clone());
            related.extend(framework.map(|f| f.reference.clone()));
            SearchDocument {
                kind: Some(DocumentKind::Contract),
                id: c.id,
                title: c.title.clone(),
                subtitle: subtitle_of("Contract", &buyer_names),
                body,
                reference: c.source_id.clone(),
                codes: related,
                cpv,
                owner: framework.map(|f| f.owner_name.clone()),
                footprints: footprints_of(snapshot, &buyers),
                sme: contract_suppliers.iter().any(|s| s.is_sme),
                eligible: Vec::new(),
                end: c.end_date,
                newest: c
                    .award_date
                    .or(c.start_date)
                    .or(c.release_date.map(|d| d.date())),
                value_pence: c.value_pence.or(c.value_max_pence),
            }
        })
        .collect())
}

/// "Contract · Leeds City Council" (and how many more buyers).
fn subtitle_of(kind: &str, buyers: &[String]) -> String {
    match buyers {
        [] => kind.to_owned(),
        [one] => format!("{kind} · {one}"),
        [first, rest @ ..] => format!("{kind} · {first} and {} more", rest.len()),
    }
}

async fn planned<C: ConnectionTrait>(
    db: &C,
    snapshot: &Snapshot,
    ids: &[Uuid],
) -> Result<Vec<SearchDocument>, DbErr> {
    let models =
        by_id::<planned_purchase::Entity, _>(db, planned_purchase::Column::Id, ids.to_vec(), |m| {
            m.id
        })
        .await?;
    let found: Vec<Uuid> = models.keys().copied().collect();
    let codes = grouped::<planned_purchase_cpv::Entity, _, _>(
        db,
        planned_purchase_cpv::Column::PlannedPurchaseId,
        &found,
        |c| (c.planned_purchase_id, c.cpv_code),
    )
    .await?;
    let names = organisation_names(
        db,
        snapshot,
        models.values().map(|p| p.buyer_organisation_id),
    )
    .await?;
    Ok(models
        .into_values()
        .map(|p| {
            let buyer = names.get(&p.buyer_organisation_id).cloned();
            let cpv = sorted_unique(codes.get(&p.id).cloned().unwrap_or_default());
            let mut related = cpv.clone();
            related.extend(p.ocid.clone());
            let published = p.published_at.map(|d| d.date());
            // An open notice lasts until it closes (or the purchase is due to
            // start); a closed, awarded or cancelled one has ended.
            let end = if p.status == "open" {
                p.closing_date.or(p.expected_start)
            } else {
                Some(published.unwrap_or(p.created_at.date()))
            };
            SearchDocument {
                kind: Some(DocumentKind::PlannedPurchase),
                id: p.id,
                title: p.title.clone(),
                subtitle: subtitle_of("Planned purchase", buyer.as_slice()),
                body: some_text(&[&p.description, &buyer]),
                reference: Some(p.source_id.clone()),
                codes: related,
                cpv,
                owner: None,
                footprints: footprints_of(snapshot, &[p.buyer_organisation_id]),
                sme: false,
                eligible: Vec::new(),
                end,
                newest: published,
                value_pence: p.value_max_pence.or(p.value_min_pence),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_build_adds_records_by_lowest_code_then_id_and_those_without_last() {
        let id = |n: u128| Uuid::from_u128(n);
        let primary: HashMap<Uuid, String> = [
            (id(1), "90911200".to_owned()),
            (id(2), "45000000".to_owned()),
            (id(4), "45000000".to_owned()),
            (id(5), "03000000".to_owned()),
        ]
        .into_iter()
        .collect();
        let ordered = in_build_order((1..=5).map(id).collect(), &primary);
        assert_eq!(ordered, [5, 2, 4, 1, 3].map(id));
    }

    #[test]
    fn subtitles_name_the_first_buyer_and_count_the_rest() {
        assert_eq!(subtitle_of("Contract", &[]), "Contract");
        assert_eq!(
            subtitle_of("Contract", &["Leeds City Council".into()]),
            "Contract · Leeds City Council"
        );
        assert_eq!(
            subtitle_of("Contract", &["A".into(), "B".into(), "C".into()]),
            "Contract · A and 2 more"
        );
    }
}
