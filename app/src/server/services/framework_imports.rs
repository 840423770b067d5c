//! Writes a framework file (`import::frameworks`) into the catalogue: one
//! transaction and one `import.frameworks` audit event per file, through
//! the one change path (so the search outbox hears of every framework, lot
//! and supplier touched).
//!
//! A framework is matched by owner and reference: the same reference under
//! another owner refuses the file. What a file states replaces what the
//! catalogue has; what it does not state is left alone, so the lists can be
//! layered (lots from one, titles from another). Lots are matched by number;
//! a lot published without a number is matched by title, or numbered by its
//! place when the framework has no lots yet. Supplier places go through the
//! one supplier-identity rule. Importing the same file again changes nothing.
use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::imports::{FileReport, ImportContext, Written, supplier_ids};
use crate::server::changes::{self, Actor, Change, DocumentKind};
use crate::server::entities::{framework, lot, lot_supplier};
use crate::server::import::frameworks::{FrameworkEntry, FrameworkFile, FrameworkLayout, LotEntry};
use crate::server::import::{Identifier, SupplierParty};
use crate::types::commands::{EligibilityScope, PlaceStatus};

const ID_NAMESPACE: Uuid = Uuid::from_u128(0x2f7d_91c4_5a0b_4c33_8e1f_6b2a_9d40_c715);

/// The id a framework gets from its reference (the same everywhere, so two
/// imports of one list make one framework).
pub fn framework_id(reference: &str) -> Uuid {
    Uuid::new_v5(&ID_NAMESPACE, format!("framework/{reference}").as_bytes())
}

pub fn lot_id(reference: &str, number: &str) -> Uuid {
    Uuid::new_v5(
        &ID_NAMESPACE,
        format!("lot/{reference}/{number}").as_bytes(),
    )
}

/// The identifier scheme for a CCS supplier's Salesforce id.
const SALESFORCE_SCHEME: &str = "CCS-SALESFORCE";

/// Titles compared without case, punctuation or spacing.
fn title_key(title: &str) -> String {
    title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The number each incoming lot is written under, given the framework's
/// stored lots (number, title). A numbered lot keeps its number. One
/// without: the stored or earlier lot with the same title; else, when the
/// framework has no numbered lots at all, its place in the list (1, 2, …).
/// Otherwise it is left out with a warning — guessing a number could make a
/// second copy of a lot the catalogue already has under another number.
pub fn numbered_lots<'a>(
    reference: &str,
    stored: &[(String, String)],
    incoming: &'a [LotEntry],
) -> (Vec<(String, &'a LotEntry)>, Vec<String>) {
    let mut known: Vec<(String, String)> = stored
        .iter()
        .map(|(n, t)| (n.clone(), title_key(t)))
        .collect();
    known.extend(
        incoming
            .iter()
            .filter_map(|l| l.number.clone().map(|n| (n, title_key(&l.title)))),
    );
    let by_place = known.is_empty();
    let mut placed = Vec::new();
    let mut warnings = Vec::new();
    for (index, lot) in incoming.iter().enumerate() {
        let number = match &lot.number {
            Some(n) => Ok(n.clone()),
            None if by_place => Ok((index + 1).to_string()),
            None => {
                let key = title_key(&lot.title);
                let mut same: Vec<&String> = known
                    .iter()
                    .filter(|(_, t)| *t == key)
                    .map(|(n, _)| n)
                    .collect();
                same.sort();
                same.dedup();
                match same.as_slice() {
                    [only] => Ok((*only).clone()),
                    none_or_several => Err(none_or_several.len()),
                }
            }
        };
        match number {
            Ok(n) => placed.push((n, lot)),
            Err(0) => warnings.push(format!(
                "lot \"{}\" of {reference} has no number and matches none of its {} numbered lot(s) by title; left out",
                lot.title,
                known.len()
            )),
            Err(several) => warnings.push(format!(
                "lot \"{}\" of {reference} has no number and {several} of its lots have that title; left out",
                lot.title
            )),
        }
    }
    (placed, warnings)
}

/// What a file changed, for the audit event and the search outbox.
#[derive(Default)]
struct Touched {
    frameworks: Vec<Uuid>,
    lots: Vec<Uuid>,
    places: usize,
}

/// Why a file is refused: the row and the reason (nothing is written).
type Refusal = String;

/// Writes one framework file in one transaction. A refused file (another
/// owner's reference, a place on an unknown lot) writes nothing, and its
/// report says why.
pub async fn import_frameworks(
    db: &DatabaseConnection,
    ctx: &mut ImportContext,
    actor: Actor,
    file: &str,
    read: &FrameworkFile,
) -> Result<FileReport, DbErr> {
    let saved = ctx.clone();
    let mut report = FileReport {
        file: file.to_owned(),
        read: read.records(),
        warnings: read.warnings.clone(),
        ..Default::default()
    };
    let txn = crate::server::db::begin_write(db).await?;
    let mut touched = Touched::default();
    let mut written = Written::default();
    let outcome = write(
        &txn,
        ctx,
        file,
        read,
        &mut report,
        &mut touched,
        &mut written,
    )
    .await;
    let refusal = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(refusal)) => Some(refusal),
        Err(error) => {
            *ctx = saved;
            return Err(error);
        }
    };
    if let Some(refusal) = refusal {
        txn.rollback().await?;
        *ctx = saved;
        // Nothing was written, so nothing is new, updated or unchanged.
        return Ok(FileReport {
            error: Some(format!("{file}: not imported: {refusal}")),
            new: 0,
            updated: 0,
            unchanged: 0,
            ..report
        });
    }
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
        Change::new("import.frameworks", "import", Uuid::new_v4())
            .after(json!({
                "layout": read.layout.label(),
                "file": file,
                "read": report.read,
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "frameworks": touched.frameworks.len(),
                "lots": touched.lots.len(),
                "places": touched.places,
                "new_suppliers": written.new_suppliers,
                "warnings": report.warnings.len(),
            }))
            .reindex(DocumentKind::Framework, touched.frameworks)
            .reindex(DocumentKind::Lot, touched.lots)
            .reindex(DocumentKind::Supplier, suppliers),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

/// Counts one record's outcome.
fn count(report: &mut FileReport, new: bool, changed: bool) {
    if new {
        report.new += 1;
    } else if changed {
        report.updated += 1;
    } else {
        report.unchanged += 1;
    }
}

/// Sets `column` to `value` unless it already holds it (so an unchanged
/// record is not written, and counts as unchanged).
fn state<V: Clone + PartialEq + Into<sea_orm::Value>>(column: &mut ActiveValue<V>, value: V) {
    let same = match column {
        ActiveValue::Set(v) | ActiveValue::Unchanged(v) => *v == value,
        ActiveValue::NotSet => false,
    };
    if !same {
        *column = Set(value);
    }
}

/// Whether a file may replace what the catalogue has, or only fill gaps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Replace,
    FillGaps,
}

/// [`state`] for a value the file may not state (`None` leaves it alone);
/// in [`Mode::FillGaps`] only an empty value is set.
fn state_optional<T: Clone>(column: &mut ActiveValue<Option<T>>, value: &Option<T>, mode: Mode)
where
    Option<T>: PartialEq + Into<sea_orm::Value>,
{
    let empty = matches!(
        column,
        ActiveValue::Set(None) | ActiveValue::Unchanged(None) | ActiveValue::NotSet
    );
    if value.is_some() && (mode == Mode::Replace || empty) {
        state(column, value.clone());
    }
}

async fn write<C: ConnectionTrait>(
    db: &C,
    ctx: &mut ImportContext,
    file: &str,
    read: &FrameworkFile,
    report: &mut FileReport,
    touched: &mut Touched,
    written: &mut Written,
) -> Result<Result<(), Refusal>, DbErr> {
    let now = OffsetDateTime::now_utc();
    let mut stored: HashMap<String, framework::Model> = framework::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.reference.to_uppercase(), f))
        .collect();
    let source_file: String = file.chars().take(300).collect();
    // Per framework: whether this file may replace its facts and lots.
    let mut modes: HashMap<String, Mode> = HashMap::new();
    for entry in &read.frameworks {
        let key = entry.reference.to_uppercase();
        let (model, new) = match stored.get(&key) {
            Some(found) if !found.owner_name.eq_ignore_ascii_case(&entry.owner) => {
                return Ok(Err(format!(
                    "line {}: {} is a framework of {}, not of {}; a framework is known by its owner and reference",
                    entry.line, entry.reference, found.owner_name, entry.owner
                )));
            }
            Some(found) => (found.clone().into_active_model(), false),
            None => (new_framework(entry, ctx.is_demo, now), true),
        };
        let stored_authority = stored
            .get(&key)
            .and_then(|f| f.source_layout.as_deref())
            .and_then(FrameworkLayout::from_label)
            .map(FrameworkLayout::authority);
        let mode = mode_for(read.layout, stored_authority);
        modes.insert(key.clone(), mode);
        let mut model = stated(model, entry, mode);
        if stored_authority.is_none_or(|a| a < read.layout.authority()) {
            model.source_layout = Set(Some(read.layout.label().to_owned()));
        }
        let changed = new || model.is_changed();
        count(report, new, changed);
        if !changed {
            continue;
        }
        model.source_file = Set(Some(source_file.clone()));
        model.updated_at = Set(now);
        let saved = if new {
            model.insert(db).await?
        } else {
            model.update(db).await?
        };
        touched.frameworks.push(saved.id);
        ctx.frameworks.insert(key.clone(), saved.id);
        stored.insert(key, saved);
    }

    // Lots of every framework this file names, by framework and number.
    let framework_ids: Vec<Uuid> = read
        .frameworks
        .iter()
        .filter_map(|e| stored.get(&e.reference.to_uppercase()).map(|f| f.id))
        .chain(
            read.places
                .iter()
                .filter_map(|p| stored.get(&p.reference.to_uppercase()).map(|f| f.id)),
        )
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut lots: HashMap<Uuid, Vec<lot::Model>> = HashMap::new();
    for chunk in framework_ids.chunks(500) {
        for row in lot::Entity::find()
            .filter(lot::Column::FrameworkId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            lots.entry(row.framework_id).or_default().push(row);
        }
    }
    for entry in read.frameworks.iter().filter(|e| !e.lots.is_empty()) {
        let framework = &stored[&entry.reference.to_uppercase()];
        let have = lots.entry(framework.id).or_default();
        let numbers: Vec<(String, String)> = have
            .iter()
            .map(|l| (l.number.clone(), l.title.clone()))
            .collect();
        let (placed, warnings) = numbered_lots(&entry.reference, &numbers, &entry.lots);
        report.warnings.extend(
            warnings
                .into_iter()
                .map(|w| format!("{file}, line {}: {w}", entry.line)),
        );
        for (number, incoming) in placed {
            let existing = have.iter().position(|l| l.number == number);
            let (mut model, new) = match existing {
                Some(i) => (have[i].clone().into_active_model(), false),
                None => (
                    lot::ActiveModel {
                        id: Set(lot_id(&framework.reference, &number)),
                        framework_id: Set(framework.id),
                        number: Set(number.clone()),
                        created_at: Set(now),
                        ..Default::default()
                    },
                    true,
                ),
            };
            let mode = modes
                .get(&entry.reference.to_uppercase())
                .copied()
                .unwrap_or(Mode::Replace);
            if new || mode == Mode::Replace {
                state(&mut model.title, incoming.title.clone());
            }
            state_optional(&mut model.description, &incoming.description, mode);
            let changed = new || model.is_changed();
            count(report, new, changed);
            if !changed {
                continue;
            }
            model.updated_at = Set(now);
            let saved = if new {
                model.insert(db).await?
            } else {
                model.update(db).await?
            };
            touched.lots.push(saved.id);
            match existing {
                Some(i) => have[i] = saved,
                None => have.push(saved),
            }
        }
    }

    // Supplier places: the lot must be known (from this file or before).
    let mut placed: HashSet<(Uuid, Uuid)> = HashSet::new();
    let place_lots: Vec<Uuid> = lots.values().flatten().map(|l| l.id).collect();
    for chunk in place_lots.chunks(500) {
        for row in lot_supplier::Entity::find()
            .filter(lot_supplier::Column::LotId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            placed.insert((row.lot_id, row.supplier_id));
        }
    }
    let mut new_places = Vec::new();
    for place in &read.places {
        let Some(framework) = stored.get(&place.reference.to_uppercase()) else {
            return Ok(Err(format!(
                "line {}: framework {} is not in the catalogue (import its lots first)",
                place.line, place.reference
            )));
        };
        let Some(lot_id) = lots
            .get(&framework.id)
            .and_then(|l| l.iter().find(|l| l.number == place.lot_number))
            .map(|l| l.id)
        else {
            return Ok(Err(format!(
                "line {}: lot {} of {} is not in the catalogue (import its lots first)",
                place.line, place.lot_number, place.reference
            )));
        };
        let party = SupplierParty {
            name: place.supplier_name.clone(),
            companies_house_number: None,
            identifiers: Identifier::new(SALESFORCE_SCHEME, &place.supplier_key)
                .into_iter()
                .collect(),
            is_sme: None,
            is_vcse: None,
        };
        let first_seen = format!("{file}, line {}", place.line);
        let supplier = supplier_ids(db, ctx, &[party], &first_seen, written).await?[0];
        let new = placed.insert((lot_id, supplier));
        count(report, new, false);
        if new {
            touched.places += 1;
            new_places.push(lot_supplier::ActiveModel {
                lot_id: Set(lot_id),
                supplier_id: Set(supplier),
                status: Set(PlaceStatus::Active.as_str().to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }
    written.pending.flush(db).await?;
    for chunk in new_places.chunks(200) {
        lot_supplier::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(Ok(()))
}

fn new_framework(
    entry: &FrameworkEntry,
    is_demo: bool,
    now: OffsetDateTime,
) -> framework::ActiveModel {
    framework::ActiveModel {
        id: Set(framework_id(&entry.reference)),
        reference: Set(entry.reference.clone()),
        title: Set(None),
        owner_name: Set(entry.owner.chars().take(200).collect()),
        owner_organisation_id: Set(None),
        description: Set(None),
        start_date: Set(None),
        end_date: Set(None),
        max_extension_end: Set(None),
        routes_to_market: Set(String::new()),
        levy_basis_points: Set(None),
        eligibility_scope: Set(EligibilityScope::AllUkPublicSector.as_str().to_owned()),
        url: Set(None),
        is_demo: Set(is_demo),
        summary: Set(None),
        benefits: Set(None),
        how_to_buy: Set(None),
        keywords: Set(None),
        category: Set(None),
        source_file: Set(None),
        source_layout: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// A file replaces the facts of a framework stated before by a layout no
/// more authoritative than its own (or never imported); else it only fills
/// gaps ([`FrameworkLayout::authority`]).
fn mode_for(layout: FrameworkLayout, stored_authority: Option<u8>) -> Mode {
    match stored_authority {
        Some(stored) if stored > layout.authority() => Mode::FillGaps,
        _ => Mode::Replace,
    }
}

/// The framework with what the entry states written over it.
fn stated(
    mut model: framework::ActiveModel,
    entry: &FrameworkEntry,
    mode: Mode,
) -> framework::ActiveModel {
    state_optional(&mut model.title, &entry.title, mode);
    state_optional(&mut model.summary, &entry.summary, mode);
    state_optional(&mut model.description, &entry.description, mode);
    state_optional(&mut model.benefits, &entry.benefits, mode);
    state_optional(&mut model.how_to_buy, &entry.how_to_buy, mode);
    state_optional(&mut model.keywords, &entry.keywords, mode);
    state_optional(&mut model.category, &entry.category, mode);
    state_optional(&mut model.start_date, &entry.start_date, mode);
    state_optional(&mut model.end_date, &entry.end_date, mode);
    state_optional(&mut model.url, &entry.url, mode);
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lot(number: Option<&str>, title: &str) -> LotEntry {
        LotEntry {
            number: number.map(str::to_owned),
            title: title.to_owned(),
            description: None,
        }
    }

    fn numbers(placed: &[(String, &LotEntry)]) -> Vec<String> {
        placed.iter().map(|(n, _)| n.clone()).collect()
    }

    #[test]
    fn unnumbered_lots_of_a_framework_without_lots_are_numbered_by_place() {
        let incoming = [lot(None, "Vans"), lot(None, "Cars")];
        let (placed, warnings) = numbered_lots("RM1", &[], &incoming);
        assert_eq!(numbers(&placed), ["1", "2"]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn unnumbered_lots_match_stored_lots_by_title_or_are_left_out() {
        let stored = [
            ("1.2".to_owned(), "Works – South England".to_owned()),
            ("3".to_owned(), "Electrical Products".to_owned()),
        ];
        let incoming = [lot(None, "electrical products"), lot(None, "Works - Wales")];
        let (placed, warnings) = numbered_lots("RM6088", &stored, &incoming);
        assert_eq!(numbers(&placed), ["3"]);
        assert_eq!(
            warnings,
            [
                "lot \"Works - Wales\" of RM6088 has no number and matches none of its 2 numbered lot(s) by title; left out"
            ]
        );
    }

    #[test]
    fn numbered_lots_keep_their_numbers() {
        let stored = [("1".to_owned(), "Old".to_owned())];
        let incoming = [lot(Some("1"), "New title"), lot(Some("2a"), "Other")];
        let (placed, _) = numbered_lots("RM1", &stored, &incoming);
        assert_eq!(numbers(&placed), ["1", "2a"]);
    }
}
