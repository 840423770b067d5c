//! Writes what the importers read (`server::import`): one file, one
//! transaction, one change through the one change path.
//!
//! For each notice: its buyers are resolved (or made) by the one buyer rule
//! (`import::buyers`), its suppliers by the one supplier-identity rule, its
//! CPV codes checked against the vocabulary, a named framework matched to
//! the catalogue; then the contract (or planned purchase) keyed by source
//! and source id is inserted, updated (a different fingerprint from a
//! release no older than the stored one) or left alone (the same
//! fingerprint, or an older release). Every identifier seen is recorded
//! with where it was first seen. The file's one audit event lists what was
//! added and changed and queues the search documents; a file that changes
//! nothing writes nothing at all, not even an audit event.
use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::replace_linked;
use super::seed::reference::{self, FormerCouncil};
use super::supplier_identity;
use crate::server::changes::{self, Actor, Change, DocumentKind};
use crate::server::entities::{
    contract, contract_buyer, contract_cpv, contract_supplier, cpv_code, framework, identifier,
    organisation, planned_purchase, planned_purchase_cpv, supplier,
};
use crate::server::import::buyers::{BuyerIndex, Resolved, normalise_name};
use crate::server::import::{
    BuyerParty, Money, Notice, NoticeKind, ReadError, ReadNotice, Source, SupplierParty,
};

/// What importing one file did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub file: String,
    /// Notices (releases, rows grouped per notice) read from the file.
    pub read: usize,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Older releases of a notice the same file also holds a newer release
    /// of (only the newest is written; these count as unchanged too).
    pub superseded: usize,
    /// Of `new` and `updated`, how many were planned purchases.
    pub planned: usize,
    /// Organisations met for the first time (NHS bodies, former councils…).
    pub new_organisations: usize,
    pub warnings: Vec<String>,
    /// Why the file was refused (nothing from it was written).
    pub error: Option<String>,
}

impl FileReport {
    pub fn failed(file: &str, error: &ReadError) -> Self {
        FileReport {
            file: file.to_owned(),
            error: Some(error.to_string()),
            ..Default::default()
        }
    }
}

/// What the importer knows across files of one run: the buyer index, the
/// CPV vocabulary and the catalogue's framework references. Built once.
#[derive(Clone)]
pub struct ImportContext {
    buyers: BuyerIndex,
    /// Former councils by the id they get when first met (not yet stored).
    pending_former: HashMap<Uuid, FormerCouncil>,
    known_cpv: HashSet<String>,
    pub(super) frameworks: HashMap<String, Uuid>,
    /// Every identifier stored (kind, scheme, value): new ones are inserted
    /// in batches without a lookup each.
    identifiers: HashSet<(String, String, String)>,
    /// Supplier records already resolved this run, by Companies House
    /// number (`coh:…`) or normalised name (`name:…`).
    suppliers: HashMap<String, Uuid>,
    /// Suppliers already recorded as SME / VCSE.
    sme: HashSet<Uuid>,
    vcse: HashSet<Uuid>,
    pub(super) is_demo: bool,
    /// Told how many more notices of the current file have been written
    /// (every batch), so a terminal's progress bar moves within a file.
    pub progress: Option<Progress>,
}

/// A progress callback: `n` more notices done.
pub type Progress = std::sync::Arc<dyn Fn(u64) + Send + Sync>;

impl ImportContext {
    fn advance(&self, n: usize) {
        if let Some(progress) = &self.progress
            && n > 0
        {
            progress(n as u64);
        }
    }
}

/// Deterministic ids for records an import makes, so two runs of the same
/// data make the same ids.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x2d5c_7a11_93e4_4c0b_8f6a_0b7e_55c1_a903);

pub(super) fn import_id(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&ID_NAMESPACE, format!("{kind}/{key}").as_bytes())
}

/// The id an imported contract gets: the same key, the same id, everywhere.
pub fn contract_id(source: Source, source_id: &str) -> Uuid {
    import_id(&format!("contract/{}", source.as_str()), source_id)
}

impl ImportContext {
    /// Reads the organisations, identifiers, CPV codes and framework
    /// references already stored. `is_demo` marks what the run writes as
    /// demo data (the bundled notices).
    pub async fn load<C: ConnectionTrait>(db: &C, is_demo: bool) -> Result<Self, DbErr> {
        let mut buyers = BuyerIndex::default();
        let organisations = organisation::Entity::find().all(db).await?;
        let mut by_code: HashMap<String, Uuid> = HashMap::new();
        for o in &organisations {
            buyers.add_name(&o.name, o.id);
            buyers.add_name(&o.short_name, o.id);
            if let Some(code) = &o.register_code {
                by_code.insert(code.clone(), o.id);
            }
            if let Some(gss) = &o.gss_code {
                buyers.add_identifier("GB-GSS", gss, o.id);
            }
            if o.category != "public_body" || o.register_code.is_some() {
                buyers.mark_council(o.id);
            }
        }
        let mut pending_former = HashMap::new();
        for former in reference::former_councils().map_err(DbErr::Custom)? {
            if by_code.contains_key(&former.register_code) {
                continue;
            }
            let id = import_id("organisation/mysociety", &former.register_code);
            buyers.add_name(&former.name, id);
            buyers.add_name(&former.short_name, id);
            buyers.mark_council(id);
            by_code.insert(former.register_code.clone(), id);
            pending_former.insert(id, former);
        }
        for (name, code) in reference::name_variants().map_err(DbErr::Custom)? {
            if let Some(id) = by_code.get(&code) {
                buyers.add_name(&name, *id);
            }
        }
        let mut identifiers = HashSet::new();
        for row in identifier::Entity::find().all(db).await? {
            if row.subject_kind == identifier::ORGANISATION {
                if row.scheme == NAME_SCHEME {
                    buyers.add_name(&row.value, row.subject_id);
                } else {
                    buyers.add_identifier(&row.scheme, &row.value, row.subject_id);
                }
            }
            identifiers.insert((row.subject_kind, row.scheme, row.value));
        }
        let flagged = supplier::Entity::find()
            .select_only()
            .columns([
                supplier::Column::Id,
                supplier::Column::IsSme,
                supplier::Column::IsVcse,
            ])
            .filter(
                sea_orm::Condition::any()
                    .add(supplier::Column::IsSme.eq(true))
                    .add(supplier::Column::IsVcse.eq(true)),
            )
            .into_tuple::<(Uuid, bool, bool)>()
            .all(db)
            .await?;
        let known_cpv = cpv_code::Entity::find()
            .select_only()
            .column(cpv_code::Column::Code)
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let frameworks = framework::Entity::find()
            .select_only()
            .columns([framework::Column::Reference, framework::Column::Id])
            .into_tuple::<(String, Uuid)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(reference, id)| (reference.to_uppercase(), id))
            .collect();
        Ok(ImportContext {
            buyers,
            pending_former,
            known_cpv,
            frameworks,
            identifiers,
            suppliers: HashMap::new(),
            sme: flagged.iter().filter(|f| f.1).map(|f| f.0).collect(),
            vcse: flagged.iter().filter(|f| f.2).map(|f| f.0).collect(),
            is_demo,
            progress: None,
        })
    }
}

/// The identifier scheme for a normalised name a body was met by.
const NAME_SCHEME: &str = "NAME";

/// Where a notice came from, as stored with it and shown on its page.
fn provenance(notice: &Notice, file: &str, read: &ReadNotice) -> String {
    json!({
        "source": notice.source.label(),
        "file": file,
        "location": read.location.to_string(),
        "release_id": notice.release_id,
        "release_date": notice.release_date.and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok()),
    })
    .to_string()
}

/// One file's writes: what its audit event lists, and rows waiting to be
/// inserted in batches (new contracts and their links, new identifiers).
#[derive(Default)]
pub(super) struct Written {
    contracts: Vec<Uuid>,
    plans: Vec<Uuid>,
    pub(super) suppliers: HashSet<Uuid>,
    new_organisations: Vec<serde_json::Value>,
    pub(super) new_suppliers: Vec<serde_json::Value>,
    /// OCDS processes now awarded (their planned purchases are closed).
    awarded_ocids: Vec<String>,
    pub(super) pending: Pending,
}

/// Rows to insert together; flushed every [`BATCH`] notices and at the end.
#[derive(Default)]
pub(super) struct Pending {
    contracts: Vec<contract::ActiveModel>,
    buyers: Vec<contract_buyer::ActiveModel>,
    suppliers: Vec<contract_supplier::ActiveModel>,
    cpv: Vec<contract_cpv::ActiveModel>,
    identifiers: Vec<identifier::ActiveModel>,
}

/// Notices whose new rows are inserted together.
const BATCH: usize = 200;
/// Rows per INSERT: the widest (contract, ~30 columns) stays far below
/// both backends' bind-parameter limits.
const ROWS_PER_INSERT: usize = 200;

async fn insert_all<A, C>(db: &C, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

impl Pending {
    /// Inserts what is waiting; contracts before the rows that point at them.
    pub(super) async fn flush<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        let taken = std::mem::take(self);
        insert_all(db, taken.contracts).await?;
        insert_all(db, taken.buyers).await?;
        insert_all(db, taken.suppliers).await?;
        insert_all(db, taken.cpv).await?;
        insert_all(db, taken.identifiers).await
    }
}

/// Records an identifier unless it is already known (inserted with the
/// next batch).
fn record_identifier(
    ctx: &mut ImportContext,
    pending: &mut Pending,
    kind: &str,
    scheme: &str,
    value: &str,
    subject: Uuid,
    first_seen: &str,
) {
    let value: String = value.chars().take(300).collect();
    let key = (kind.to_owned(), scheme.to_owned(), value.clone());
    if ctx.identifiers.insert(key) {
        pending.identifiers.push(identifier::ActiveModel {
            subject_kind: Set(kind.to_owned()),
            scheme: Set(scheme.to_owned()),
            value: Set(value),
            subject_id: Set(subject),
            first_seen: Set(first_seen.chars().take(500).collect()),
            created_at: Set(OffsetDateTime::now_utc()),
        });
    }
}

/// The organisations a notice's buyers are, creating bodies met for the
/// first time.
async fn buyer_ids<C: ConnectionTrait>(
    db: &C,
    ctx: &mut ImportContext,
    notice: &Notice,
    first_seen: &str,
    written: &mut Written,
) -> Result<Vec<Uuid>, DbErr> {
    let mut ids: Vec<Uuid> = Vec::new();
    for party in &notice.buyers {
        let resolved = ctx.buyers.resolve(party);
        let found = match resolved {
            Resolved::Known(found) => found,
            Resolved::New {
                name,
                org_type,
                org_type_name,
            } => {
                let id = import_id("organisation/name", &normalise_name(&name));
                let now = OffsetDateTime::now_utc();
                let name: String = name.chars().take(200).collect();
                organisation::ActiveModel {
                    id: Set(id),
                    gss_code: Set(None),
                    register_code: Set(None),
                    name: Set(name.clone()),
                    short_name: Set(name.clone()),
                    category: Set("public_body".into()),
                    org_type: Set(org_type.into()),
                    org_type_name: Set(org_type_name.into()),
                    region: Set(None),
                    nation: Set(nation_of(notice)),
                    parent_county_id: Set(None),
                    start_date: Set(None),
                    end_date: Set(None),
                    website: Set(None),
                    population: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(db)
                .await?;
                ctx.buyers.add_name(&name, id);
                written
                    .new_organisations
                    .push(json!({ "id": id, "name": name, "kind": org_type_name }));
                vec![id]
            }
        };
        for id in found {
            if let Some(former) = ctx.pending_former.remove(&id) {
                create_former(db, id, &former).await?;
                written
                    .new_organisations
                    .push(json!({ "id": id, "name": former.name, "kind": former.org_type_name }));
            }
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        remember_buyer(ctx, &mut written.pending, party, &ids, first_seen);
    }
    Ok(ids)
}

/// Records the names and identifiers a lone buyer was met by, so the next
/// import (and the council's page) knows them.
fn remember_buyer(
    ctx: &mut ImportContext,
    pending: &mut Pending,
    party: &BuyerParty,
    ids: &[Uuid],
    first_seen: &str,
) {
    // A joint buyer's name is not any one member's name.
    let [id] = ids else { return };
    let name = normalise_name(&party.name);
    let organisation = identifier::ORGANISATION;
    if !name.is_empty() {
        record_identifier(
            ctx,
            pending,
            organisation,
            NAME_SCHEME,
            &name,
            *id,
            first_seen,
        );
        ctx.buyers.add_name(&party.name, *id);
    }
    // A GSS code is reference data (the council's own code), not something
    // first seen in a notice.
    for i in party.identifiers.iter().filter(|i| i.scheme != "GB-GSS") {
        record_identifier(
            ctx,
            pending,
            organisation,
            &i.scheme,
            &i.value,
            *id,
            first_seen,
        );
        ctx.buyers.add_identifier(&i.scheme, &i.value, *id);
    }
}

/// The nation a publisher serves, where its ocid prefix says.
fn nation_of(notice: &Notice) -> String {
    let ocid = notice.ocid.as_deref().unwrap_or_default();
    if ocid.starts_with("ocds-r6ebe6") {
        "Scotland".into()
    } else if ocid.starts_with("ocds-kuma6s") {
        "Wales".into()
    } else {
        "United Kingdom".into()
    }
}

async fn create_former<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    former: &FormerCouncil,
) -> Result<(), DbErr> {
    let now = OffsetDateTime::now_utc();
    organisation::ActiveModel {
        id: Set(id),
        gss_code: Set(former.gss_code.clone()),
        register_code: Set(Some(former.register_code.clone())),
        name: Set(former.name.clone()),
        short_name: Set(former.short_name.clone()),
        category: Set("public_body".into()),
        org_type: Set(former.org_type.chars().take(8).collect()),
        org_type_name: Set(former.org_type_name.chars().take(64).collect()),
        region: Set(former.region.clone()),
        nation: Set(former.nation.clone()),
        parent_county_id: Set(None),
        start_date: Set(None),
        end_date: Set(former.end_date),
        website: Set(None),
        population: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The supplier records a notice names, by the one identity rule; SME and
/// VCSE are recorded when the notice says so.
pub(super) async fn supplier_ids<C: ConnectionTrait>(
    db: &C,
    ctx: &mut ImportContext,
    suppliers: &[SupplierParty],
    first_seen: &str,
    written: &mut Written,
) -> Result<Vec<Uuid>, DbErr> {
    let mut ids = Vec::new();
    for s in suppliers {
        let number = s.companies_house_number.as_deref();
        let normalised = supplier_identity::normalise_supplier_name(&s.name);
        // What the record is matched or made by (the identity rule's key).
        let (scheme, value) = match number {
            Some(n) => ("GB-COH", n.to_owned()),
            None => (NAME_SCHEME, normalised.clone()),
        };
        let cache_key = format!("{scheme}:{value}");
        let id = match ctx.suppliers.get(&cache_key) {
            Some(id) => *id,
            None => {
                let new_id = import_id(&format!("supplier/{scheme}"), &value);
                let found =
                    supplier_identity::find_or_create(db, &s.name, number, new_id, ctx.is_demo)
                        .await?;
                if let Some(created) = found.created {
                    written.new_suppliers.push(created);
                }
                ctx.suppliers.insert(cache_key, found.id);
                found.id
            }
        };
        record_identifier(
            ctx,
            &mut written.pending,
            identifier::SUPPLIER,
            scheme,
            &value,
            id,
            first_seen,
        );
        // Companies House numbers are recorded normalised, above.
        for i in s.identifiers.iter().filter(|i| i.scheme != "GB-COH") {
            record_identifier(
                ctx,
                &mut written.pending,
                identifier::SUPPLIER,
                &i.scheme,
                &i.value,
                id,
                first_seen,
            );
        }
        // SME and VCSE are recorded when a notice says so (never unset).
        let sme = s.is_sme == Some(true) && ctx.sme.insert(id);
        let vcse = s.is_vcse == Some(true) && ctx.vcse.insert(id);
        if sme || vcse {
            let mut update = supplier::Entity::update_many().col_expr(
                supplier::Column::UpdatedAt,
                OffsetDateTime::now_utc().into(),
            );
            if sme {
                update = update.col_expr(supplier::Column::IsSme, true.into());
            }
            if vcse {
                update = update.col_expr(supplier::Column::IsVcse, true.into());
            }
            update.filter(supplier::Column::Id.eq(id)).exec(db).await?;
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
        written.suppliers.insert(id);
    }
    Ok(ids)
}

/// Known CPV codes of a notice; unknown ones become warnings.
fn known_codes(
    ctx: &ImportContext,
    notice: &Notice,
    warnings: &mut Vec<String>,
    at: &str,
) -> Vec<String> {
    notice
        .cpv_codes
        .iter()
        .filter(|code| {
            let known = ctx.known_cpv.contains(*code);
            if !known {
                warnings.push(format!(
                    "{at}: CPV code {code} is not in the CPV 2008 vocabulary; left out"
                ));
            }
            known
        })
        .cloned()
        .collect()
}

enum Outcome {
    New,
    Updated,
    Unchanged,
}

/// Whether a stored row should keep its content rather than take this
/// notice: it is the same content, or the stored release is as new or newer
/// (only a newer release updates, so files holding different releases of
/// one process settle on the newest whatever order they are imported in).
fn is_stale(
    stored_hash: Option<&str>,
    stored_date: Option<OffsetDateTime>,
    notice: &Notice,
    fingerprint: &str,
) -> bool {
    stored_hash == Some(fingerprint)
        || matches!((stored_date, notice.release_date), (Some(stored), Some(new)) if stored >= new)
}

/// What every notice needs before its row is written.
struct Prepared {
    fingerprint: String,
    /// "OCDS r2 in file.json": where identifiers met here were first seen.
    first_seen: String,
    buyers: Vec<Uuid>,
    /// Its CPV codes that are in the vocabulary.
    codes: Vec<String>,
}

/// `None` when the stored row (fingerprint, release date) keeps its content;
/// otherwise the notice's buyers resolved (or made) and its known codes.
async fn prepare<C: ConnectionTrait>(
    db: &C,
    ctx: &mut ImportContext,
    file: &str,
    read: &ReadNotice,
    stored: Option<(Option<&str>, Option<OffsetDateTime>)>,
    warnings: &mut Vec<String>,
    written: &mut Written,
) -> Result<Option<Prepared>, DbErr> {
    let notice = &read.notice;
    let fingerprint = notice.fingerprint();
    if let Some((hash, date)) = stored
        && is_stale(hash, date, notice, &fingerprint)
    {
        return Ok(None);
    }
    let first_seen = format!("{} {} in {file}", notice.source.label(), notice.release_id);
    let buyers = buyer_ids(db, ctx, notice, &first_seen, written).await?;
    let at = format!("{file}, {}", read.location);
    let codes = known_codes(ctx, notice, warnings, &at);
    Ok(Some(Prepared {
        fingerprint,
        first_seen,
        buyers,
        codes,
    }))
}

async fn write_contract<C: ConnectionTrait>(
    db: &C,
    ctx: &mut ImportContext,
    file: &str,
    read: &ReadNotice,
    existing: Option<&contract::Model>,
    warnings: &mut Vec<String>,
    written: &mut Written,
) -> Result<Outcome, DbErr> {
    let notice = &read.notice;
    let stored = existing.map(|c| (c.content_hash.as_deref(), c.release_date));
    let Some(Prepared {
        fingerprint,
        first_seen,
        buyers,
        codes,
    }) = prepare(db, ctx, file, read, stored, warnings, written).await?
    else {
        return Ok(Outcome::Unchanged);
    };
    let suppliers = supplier_ids(db, ctx, &notice.suppliers, &first_seen, written).await?;
    let framework_id = notice
        .call_off
        .as_ref()
        .and_then(|c| c.framework_reference.as_ref())
        .and_then(|r| ctx.frameworks.get(&r.to_uppercase()).copied());
    let (min, max) = match notice.value {
        Money::Range(lo, hi) => (Some(lo), Some(hi)),
        _ => (None, None),
    };
    let now = OffsetDateTime::now_utc();
    let id = existing.map_or_else(|| contract_id(notice.source, &notice.source_id), |c| c.id);
    let mut model: contract::ActiveModel = match existing {
        Some(stored) => stored.clone().into(),
        None => contract::ActiveModel {
            id: Set(id),
            source: Set(notice.source.as_str().to_owned()),
            source_id: Set(Some(notice.source_id.clone())),
            max_extension_end: Set(None),
            lot_id: Set(None),
            created_at: Set(now),
            is_demo: Set(ctx.is_demo),
            ..Default::default()
        },
    };
    model.buyer_organisation_id = Set(buyers[0]);
    model.title = Set(notice.title.clone());
    model.description = Set(notice.description.clone());
    model.value_pence = Set(notice.value.exact());
    model.value_min_pence = Set(min);
    model.value_max_pence = Set(max);
    model.currency = Set(notice.currency.clone());
    model.start_date = Set(notice.start_date);
    model.end_date = Set(notice.end_date);
    model.award_date = Set(notice.award_date);
    model.procurement_method = Set(notice.procurement_method.clone());
    model.is_call_off = Set(notice.call_off.is_some());
    model.call_off_reference = Set(notice
        .call_off
        .as_ref()
        .and_then(|c| c.framework_reference.as_ref())
        .map(|r| r.chars().take(200).collect()));
    model.framework_id = Set(framework_id);
    model.ocid = Set(notice.ocid.clone());
    model.release_id = Set(Some(notice.release_id.chars().take(300).collect()));
    model.release_date = Set(notice.release_date);
    model.source_file = Set(Some(file.chars().take(300).collect()));
    model.content_hash = Set(Some(fingerprint));
    model.raw_provenance = Set(Some(provenance(notice, file, read)));
    model.updated_at = Set(now);
    let buyer_rows: Vec<_> = buyers
        .iter()
        .map(|b| contract_buyer::ActiveModel {
            contract_id: Set(id),
            organisation_id: Set(*b),
        })
        .collect();
    let supplier_rows: Vec<_> = suppliers
        .iter()
        .map(|s| contract_supplier::ActiveModel {
            contract_id: Set(id),
            supplier_id: Set(*s),
        })
        .collect();
    let cpv_rows: Vec<_> = codes
        .iter()
        .map(|c| contract_cpv::ActiveModel {
            contract_id: Set(id),
            cpv_code: Set(c.clone()),
        })
        .collect();
    if existing.is_some() {
        model.update(db).await?;
        replace_linked(db, contract_buyer::Column::ContractId, id, buyer_rows).await?;
        replace_linked(db, contract_supplier::Column::ContractId, id, supplier_rows).await?;
        replace_linked(db, contract_cpv::Column::ContractId, id, cpv_rows).await?;
    } else {
        let pending = &mut written.pending;
        pending.contracts.push(model);
        pending.buyers.extend(buyer_rows);
        pending.suppliers.extend(supplier_rows);
        pending.cpv.extend(cpv_rows);
    }
    if let Some(ocid) = &notice.ocid {
        written.awarded_ocids.push(ocid.clone());
    }
    written.contracts.push(id);
    Ok(if existing.is_some() {
        Outcome::Updated
    } else {
        Outcome::New
    })
}

async fn write_planned<C: ConnectionTrait>(
    db: &C,
    ctx: &mut ImportContext,
    file: &str,
    read: &ReadNotice,
    existing: Option<&planned_purchase::Model>,
    warnings: &mut Vec<String>,
    written: &mut Written,
) -> Result<Outcome, DbErr> {
    let notice = &read.notice;
    let NoticeKind::Planned {
        notice_type,
        status,
        closing_date,
    } = &notice.kind
    else {
        unreachable!("write_planned is only called for planned purchases");
    };
    let stored = existing.map(|p| (p.content_hash.as_deref(), p.published_at));
    let Some(Prepared {
        fingerprint,
        buyers,
        codes,
        ..
    }) = prepare(db, ctx, file, read, stored, warnings, written).await?
    else {
        return Ok(Outcome::Unchanged);
    };
    let (min, max) = notice.value.bounds();
    let now = OffsetDateTime::now_utc();
    let id = existing.as_ref().map_or_else(
        || {
            import_id(
                &format!("planned/{}", notice.source.as_str()),
                &notice.source_id,
            )
        },
        |p| p.id,
    );
    let mut model: planned_purchase::ActiveModel = match existing {
        Some(stored) => stored.clone().into(),
        None => planned_purchase::ActiveModel {
            id: Set(id),
            source: Set(notice.source.as_str().to_owned()),
            source_id: Set(notice.source_id.clone()),
            created_at: Set(now),
            is_demo: Set(ctx.is_demo),
            ..Default::default()
        },
    };
    model.buyer_organisation_id = Set(buyers[0]);
    model.title = Set(notice.title.clone());
    model.description = Set(notice.description.clone());
    model.notice_type = Set(notice_type.chars().take(32).collect());
    model.status = Set(status.clone());
    model.value_min_pence = Set(min);
    model.value_max_pence = Set(max);
    model.currency = Set(notice.currency.clone());
    model.expected_start = Set(notice.start_date);
    model.expected_end = Set(notice.end_date);
    model.closing_date = Set(*closing_date);
    model.published_at = Set(notice.release_date);
    model.ocid = Set(notice.ocid.clone());
    model.release_id = Set(Some(notice.release_id.chars().take(300).collect()));
    model.source_file = Set(Some(file.chars().take(300).collect()));
    model.content_hash = Set(Some(fingerprint));
    model.raw_provenance = Set(Some(provenance(notice, file, read)));
    model.updated_at = Set(now);
    if existing.is_some() {
        model.update(db).await?;
    } else {
        model.insert(db).await?;
    }
    let cpv_rows = codes.iter().map(|c| planned_purchase_cpv::ActiveModel {
        planned_purchase_id: Set(id),
        cpv_code: Set(c.clone()),
    });
    replace_linked(
        db,
        planned_purchase_cpv::Column::PlannedPurchaseId,
        id,
        cpv_rows.collect(),
    )
    .await?;
    written.plans.push(id);
    Ok(if existing.is_some() {
        Outcome::Updated
    } else {
        Outcome::New
    })
}

/// Writes one file's notices in one transaction. On any database error the
/// transaction rolls back, the context is restored, and the report says why.
pub async fn import_file(
    db: &DatabaseConnection,
    ctx: &mut ImportContext,
    actor: Actor,
    source: Source,
    file: &str,
    notices: &[ReadNotice],
) -> Result<FileReport, DbErr> {
    let saved = ctx.clone();
    let result = write_file(db, ctx, actor, source, file, notices).await;
    if result.is_err() {
        *ctx = saved;
    }
    result
}

/// Which notices of a file to write: for each key, only the newest release
/// (a file may hold several releases of one contracting process). Returns
/// the indices kept, in file order.
fn newest_per_key(notices: &[ReadNotice]) -> Vec<usize> {
    let mut newest: HashMap<(bool, &str), usize> = HashMap::new();
    for (i, read) in notices.iter().enumerate() {
        let n = &read.notice;
        let key = (
            matches!(n.kind, NoticeKind::Planned { .. }),
            n.source_id.as_str(),
        );
        match newest.get(&key) {
            // An older release than the one kept: skip it (ties: the later wins).
            Some(&kept) if notices[kept].notice.release_date > n.release_date => {}
            _ => {
                newest.insert(key, i);
            }
        }
    }
    let mut kept: Vec<usize> = newest.into_values().collect();
    kept.sort_unstable();
    kept
}

/// The stored rows with these keys, read in chunks.
async fn stored_contracts<C: ConnectionTrait>(
    db: &C,
    source: Source,
    keys: &[String],
) -> Result<HashMap<String, contract::Model>, DbErr> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(ROWS_PER_INSERT) {
        for row in contract::Entity::find()
            .filter(contract::Column::Source.eq(source.as_str()))
            .filter(contract::Column::SourceId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            if let Some(key) = row.source_id.clone() {
                found.insert(key, row);
            }
        }
    }
    Ok(found)
}

async fn stored_plans<C: ConnectionTrait>(
    db: &C,
    source: Source,
    keys: &[String],
) -> Result<HashMap<String, planned_purchase::Model>, DbErr> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(ROWS_PER_INSERT) {
        for row in planned_purchase::Entity::find()
            .filter(planned_purchase::Column::Source.eq(source.as_str()))
            .filter(planned_purchase::Column::SourceId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            found.insert(row.source_id.clone(), row);
        }
    }
    Ok(found)
}

async fn write_file(
    db: &DatabaseConnection,
    ctx: &mut ImportContext,
    actor: Actor,
    source: Source,
    file: &str,
    notices: &[ReadNotice],
) -> Result<FileReport, DbErr> {
    let mut report = FileReport {
        file: file.to_owned(),
        read: notices.len(),
        ..Default::default()
    };
    for read in notices {
        report.warnings.extend(
            read.warnings
                .iter()
                .map(|w| format!("{file}, {}: {w}", read.location)),
        );
    }
    let kept = newest_per_key(notices);
    // An older release in the same file changes nothing: it counts as
    // unchanged (so new + updated + unchanged = read), and as superseded.
    report.superseded = notices.len() - kept.len();
    report.unchanged = report.superseded;
    let is_planned = |i: &usize| matches!(notices[*i].notice.kind, NoticeKind::Planned { .. });
    let key_of = |i: &usize| notices[*i].notice.source_id.clone();
    let contract_keys: Vec<String> = kept.iter().filter(|i| !is_planned(i)).map(key_of).collect();
    let plan_keys: Vec<String> = kept.iter().filter(|i| is_planned(i)).map(key_of).collect();

    let mut written = Written::default();
    let txn = crate::server::db::begin_write(db).await?;
    let contracts = stored_contracts(&txn, source, &contract_keys).await?;
    let plans = stored_plans(&txn, source, &plan_keys).await?;
    for (n, i) in kept.iter().enumerate() {
        let read = &notices[*i];
        let key = read.notice.source_id.as_str();
        let planned = is_planned(i);
        let outcome = if planned {
            let existing = plans.get(key);
            write_planned(
                &txn,
                ctx,
                file,
                read,
                existing,
                &mut report.warnings,
                &mut written,
            )
            .await?
        } else {
            let existing = contracts.get(key);
            write_contract(
                &txn,
                ctx,
                file,
                read,
                existing,
                &mut report.warnings,
                &mut written,
            )
            .await?
        };
        match outcome {
            Outcome::New => report.new += 1,
            Outcome::Updated => report.updated += 1,
            Outcome::Unchanged => report.unchanged += 1,
        }
        if planned && !matches!(outcome, Outcome::Unchanged) {
            report.planned += 1;
        }
        if (n + 1) % BATCH == 0 {
            written.pending.flush(&txn).await?;
            ctx.advance(BATCH);
        }
    }
    // The last part batch, and the superseded releases (skipped, but read).
    ctx.advance(kept.len() % BATCH + report.superseded);
    written.pending.flush(&txn).await?;
    // The plans these awards came from are no longer open.
    for chunk in written.awarded_ocids.chunks(ROWS_PER_INSERT) {
        // Their search documents change status too.
        let closed: Vec<Uuid> = planned_purchase::Entity::find()
            .select_only()
            .column(planned_purchase::Column::Id)
            .filter(planned_purchase::Column::Ocid.is_in(chunk.to_vec()))
            .filter(planned_purchase::Column::Status.ne("awarded"))
            .into_tuple()
            .all(&txn)
            .await?;
        written.plans.extend(closed);
        planned_purchase::Entity::update_many()
            .col_expr(planned_purchase::Column::Status, "awarded".into())
            .filter(planned_purchase::Column::Ocid.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
    }
    report.new_organisations = written.new_organisations.len();
    if report.new + report.updated == 0 {
        // Nothing changed: no audit event, no outbox rows.
        txn.rollback().await?;
        return Ok(report);
    }
    let mut suppliers: Vec<Uuid> = written.suppliers.into_iter().collect();
    suppliers.sort();
    changes::record(
        &txn,
        actor,
        // Each import of a file is its own audit entry (the file is named in it).
        Change::new("import.file", "import", Uuid::new_v4())
            .after(json!({
                "source": source.label(),
                "file": file,
                "read": report.read,
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "superseded": report.superseded,
                "planned": report.planned,
                "new_organisations": written.new_organisations,
                "new_suppliers": written.new_suppliers,
                "warnings": report.warnings.len(),
            }))
            .reindex(DocumentKind::Contract, written.contracts)
            .reindex(DocumentKind::PlannedPurchase, written.plans)
            .reindex(DocumentKind::Supplier, suppliers),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

/// Loads every bundled real notice file (`import::bundled`) through the
/// importers, as demo data. A bundled file that fails to read is a build
/// defect, so it is an error rather than a report.
pub async fn load_bundled(db: &DatabaseConnection) -> Result<Vec<FileReport>, DbErr> {
    let mut ctx = ImportContext::load(db, true).await?;
    let mut reports = Vec::new();
    for file in crate::server::import::bundled::FILES {
        let read = file
            .read()
            .map_err(|e| DbErr::Custom(format!("bundled notices: {e}")))?;
        reports
            .push(import_file(db, &mut ctx, Actor::System, file.source, file.name, &read).await?);
    }
    Ok(reports)
}

/// The identifiers a record is known by, with where each was first seen,
/// for its page (`kind` is [`identifier::ORGANISATION`] or
/// [`identifier::SUPPLIER`]).
pub async fn identifiers_of<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    subject: Uuid,
) -> Result<Vec<crate::types::IdentifierRow>, DbErr> {
    use sea_orm::QueryOrder;
    Ok(identifier::Entity::find()
        .filter(identifier::Column::SubjectKind.eq(kind))
        .filter(identifier::Column::SubjectId.eq(subject))
        .order_by_asc(identifier::Column::Scheme)
        .order_by_asc(identifier::Column::Value)
        .all(db)
        .await?
        .into_iter()
        .map(|i| crate::types::IdentifierRow {
            label: crate::types::identifier_label(&i.scheme),
            value: i.value,
            first_seen: i.first_seen,
        })
        .collect())
}

/// The names a council's register may give it in an organisation column
/// (normalised): its names, mySociety's variants and names met in notices.
async fn names_of_council<C: ConnectionTrait>(
    db: &C,
    council: &organisation::Model,
) -> Result<Vec<String>, DbErr> {
    let mut names = vec![
        normalise_name(&council.name),
        normalise_name(&council.short_name),
    ];
    if let Some(code) = &council.register_code {
        for (name, variant_code) in reference::name_variants().map_err(DbErr::Custom)? {
            if variant_code == *code {
                names.push(normalise_name(&name));
            }
        }
    }
    names.extend(
        identifier::Entity::find()
            .filter(identifier::Column::SubjectKind.eq(identifier::ORGANISATION))
            .filter(identifier::Column::Scheme.eq(NAME_SCHEME))
            .filter(identifier::Column::SubjectId.eq(council.id))
            .all(db)
            .await?
            .into_iter()
            .map(|i| i.value),
    );
    Ok(names)
}

/// Reads a council's register file and compares it with what is stored.
/// Returns the rows to write and the preview.
pub async fn read_register(
    db: &DatabaseConnection,
    council: &organisation::Model,
    file: &str,
    bytes: Vec<u8>,
) -> Result<(Vec<ReadNotice>, crate::types::RegisterPreview), RegisterError> {
    use crate::server::import::register::{self, RegisterCouncil};
    use crate::types::{RegisterPreview, RegisterRow, RowOutcome};
    let gss = council.gss_code.clone().unwrap_or_default();
    let names = names_of_council(db, council).await?;
    let bytes = crate::server::import::decompressed(file, bytes)?;
    let read = register::read(
        file,
        &bytes,
        &RegisterCouncil {
            gss_code: &gss,
            name: &council.name,
            names: &names,
        },
    )?;
    let keys: Vec<String> = read
        .rows
        .iter()
        .map(|r| r.notice.source_id.clone())
        .collect();
    let stored = stored_contracts(db, Source::RegisterCsv, &keys).await?;
    let mut rows: Vec<RegisterRow> = read
        .rows
        .iter()
        .map(|r| {
            let outcome = match stored.get(&r.notice.source_id) {
                None => RowOutcome::Add,
                Some(s) if s.content_hash.as_deref() == Some(r.notice.fingerprint().as_str()) => {
                    RowOutcome::Unchanged
                }
                Some(_) => RowOutcome::Change,
            };
            RegisterRow {
                line: match r.location {
                    crate::server::import::Location::Line(n) => n,
                    crate::server::import::Location::Byte(_) => 0,
                },
                reference: r.notice.release_id.clone(),
                title: r.notice.title.clone(),
                outcome,
                notes: r.warnings.clone(),
            }
        })
        .collect();
    rows.extend(read.refused.iter().map(|r| RegisterRow {
        line: r.line,
        reference: r.reference.clone().unwrap_or_default(),
        title: String::new(),
        outcome: RowOutcome::Refused,
        notes: r.reasons.clone(),
    }));
    rows.sort_by_key(|r| r.line);
    let preview = RegisterPreview {
        council_name: council.name.clone(),
        gss_code: gss,
        file_name: file.to_owned(),
        rows,
        written: None,
    };
    Ok((read.rows, preview))
}

/// Why a register could not be read or written.
#[derive(Debug)]
pub enum RegisterError {
    /// The file as a whole cannot be read (names file, line, column).
    File(ReadError),
    Database(DbErr),
}

impl From<ReadError> for RegisterError {
    fn from(e: ReadError) -> Self {
        RegisterError::File(e)
    }
}

impl From<DbErr> for RegisterError {
    fn from(e: DbErr) -> Self {
        RegisterError::Database(e)
    }
}

/// Writes a register's importable rows for `council` through the one change
/// path (permission is the caller's to check: the web flow checks the
/// buyer acts for the council; the CLI is the system). Refused rows are
/// never written.
pub async fn write_register(
    db: &DatabaseConnection,
    actor: Actor,
    file: &str,
    rows: &[ReadNotice],
) -> Result<FileReport, DbErr> {
    let mut ctx = ImportContext::load(db, false).await?;
    import_file(db, &mut ctx, actor, Source::RegisterCsv, file, rows).await
}

/// Largest register file a council buyer may send (after gunzip).
pub const MAX_REGISTER_BYTES: usize = 4 * 1024 * 1024;

/// A register the web flow cannot read, as a message on the file field.
fn register_field_error(message: String) -> crate::server::form::FormError {
    let mut errors = crate::types::FieldErrors::default();
    errors.add(crate::types::register_field::FILE, message);
    errors.into()
}

/// The register's text: gunzipped, at most [`MAX_REGISTER_BYTES`], UTF-8.
fn register_text(file: &str, bytes: Vec<u8>) -> Result<String, crate::server::form::FormError> {
    if bytes.is_empty() {
        return Err(register_field_error(
            "Choose a CSV file of your contract register".into(),
        ));
    }
    // Never gunzip more than the limit: a small gzip file can expand to gigabytes.
    let bytes = crate::server::import::decompressed_at_most(file, bytes, MAX_REGISTER_BYTES)
        .map_err(|e| {
            if e.message.starts_with("is longer") {
                register_field_error("The file must be 4 MB or smaller".into())
            } else {
                register_field_error(e.to_string())
            }
        })?;
    String::from_utf8(bytes).map_err(|e| {
        register_field_error(format!(
            "{file} is not UTF-8 text (byte {}): save it as CSV UTF-8 and choose it again",
            e.utf8_error().valid_up_to()
        ))
    })
}

async fn read_council_register(
    db: &DatabaseConnection,
    council: &organisation::Model,
    file: &str,
    text: &str,
) -> Result<(Vec<ReadNotice>, crate::types::RegisterPreview), crate::server::form::FormError> {
    match read_register(db, council, file, text.as_bytes().to_vec()).await {
        Ok(read) => Ok(read),
        Err(RegisterError::File(error)) => Err(register_field_error(error.to_string())),
        Err(RegisterError::Database(error)) => Err(error.into()),
    }
}

/// Step one of the web import: a council buyer's file, read and compared
/// with the register. Writes nothing.
pub async fn preview_register(
    db: &DatabaseConnection,
    actor: Option<&crate::types::Viewer>,
    gss: &str,
    file: &str,
    bytes: Vec<u8>,
) -> Result<crate::types::RegisterUpload, crate::server::form::FormError> {
    let council = super::contracts::council_by_gss(db, actor, gss).await?;
    let csv = register_text(file, bytes)?;
    let (_, preview) = read_council_register(db, &council, file, &csv).await?;
    Ok(crate::types::RegisterUpload { preview, csv })
}

/// Step two: the confirmed file, read and checked again (nothing from the
/// first step is trusted), its importable rows written in the buyer's name.
/// Returns (added, changed).
pub async fn confirm_register(
    db: &DatabaseConnection,
    actor: Option<&crate::types::Viewer>,
    gss: &str,
    file: &str,
    csv: String,
) -> Result<(usize, usize), crate::server::form::FormError> {
    let council = super::contracts::council_by_gss(db, actor, gss).await?;
    let csv = register_text(file, csv.into_bytes())?;
    let (rows, _) = read_council_register(db, &council, file, &csv).await?;
    let report = write_register(db, Actor::of(actor), file, &rows).await?;
    Ok((report.new, report.updated))
}
