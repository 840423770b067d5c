//! Shortlists: a council buyer freezes a search's results under a name, as
//! the council's record of what it considered (the record a direct award
//! needs), keeps the search to run again, and downloads the list as CSV.
//!
//! A shortlist is its council's: every buyer of that council may read and
//! remove it, and nobody else (`Permission::KeepShortlists` on the council).
//! Freezing runs the same search the page runs, as the buyer sees it, so the
//! list is what they were shown, in the same order.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::server::AppState;
use crate::server::auth::{Permission, Resource, require};
use crate::server::changes::{self, Actor, Change};
use crate::server::entities::{app_user, organisation, shortlist, shortlist_item};
use crate::server::form::{FormError, field_error};
use crate::types::commands::{ShortlistDetails, shortlist as field};
use crate::types::{
    AppError, FieldErrors, FormOption, Role, SHORTLIST_MAX_ITEMS, SearchCriteria, SearchKind,
    SearchParams, ShortlistFormData, ShortlistItem, ShortlistPage, ShortlistSummary, Viewer,
    format_date, format_pence_plain,
};

/// Items inserted per statement (nine columns each: well under both
/// backends' bind-parameter limits).
const ITEM_CHUNK: usize = 100;

/// The councils `viewer` buys for, as (id, GSS code, name).
fn buyer_councils(viewer: &Viewer) -> Vec<(Uuid, String, String)> {
    viewer
        .grants
        .iter()
        .filter(|g| g.role == Role::CouncilBuyer)
        .filter_map(|g| {
            Some((
                g.scope_id?,
                g.scope_code.clone().unwrap_or_default(),
                g.scope_name.clone().unwrap_or_default(),
            ))
        })
        .collect()
}

/// The search in `params`, from its first result. A refused filter value
/// is an error naming that URL field.
fn criteria(params: &SearchParams) -> Result<SearchCriteria, FormError> {
    let mut criteria = SearchCriteria::from_params(params).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.add(&e.field, e.message);
        FormError::Fields(errors)
    })?;
    criteria.page = 1;
    Ok(criteria)
}

/// What the "save as a shortlist" page shows: the search, how many results
/// it has now, and the councils the viewer may keep it for.
pub async fn form_data(
    state: &AppState,
    viewer: Option<&Viewer>,
    params: &SearchParams,
) -> Result<ShortlistFormData, AppError> {
    let viewer = viewer.ok_or(AppError::Unauthenticated)?;
    let councils = buyer_councils(viewer);
    let Some((first, _, _)) = councils.first() else {
        return Err(AppError::Forbidden);
    };
    require(
        Some(viewer),
        Permission::KeepShortlists,
        Resource::Council(*first),
    )?;
    let mut criteria = SearchCriteria::from_params(params).map_err(|e| AppError::Invalid {
        field: e.field,
        message: e.message,
    })?;
    criteria.page = 1;
    let (_, total) = crate::server::services::search::first_results(
        &state.db,
        &state.snapshots,
        &state.search,
        Some(viewer),
        &criteria,
        1,
    )
    .await?;
    Ok(ShortlistFormData {
        criteria,
        total,
        councils: councils
            .into_iter()
            .map(|(_, gss, name)| FormOption {
                value: gss,
                label: name,
            })
            .collect(),
    })
}

/// The council a new shortlist is for: the one chosen (which must be one
/// the actor buys for), or the actor's only council.
fn council_for(viewer: &Viewer, details: &ShortlistDetails) -> Result<Uuid, FormError> {
    let councils = buyer_councils(viewer);
    let chosen = match (&details.council, councils.as_slice()) {
        // Not a buyer at all: the permission check below refuses them.
        (_, []) => Uuid::nil(),
        (None, [(id, _, _)]) => *id,
        (None, _) => {
            return Err(field_error(
                field::COUNCIL,
                "Select the council the shortlist is for",
            ));
        }
        (Some(gss), _) => match councils.iter().find(|(_, code, _)| code == gss) {
            Some((id, _, _)) => *id,
            None => {
                return Err(field_error(field::COUNCIL, "Select a council you buy for"));
            }
        },
    };
    require(
        Some(viewer),
        Permission::KeepShortlists,
        Resource::Council(chosen),
    )?;
    Ok(chosen)
}

/// Freezes the search in `params` (its first [`SHORTLIST_MAX_ITEMS`]
/// results, as the actor sees them) into a new shortlist; returns its id.
pub async fn create(
    state: &AppState,
    actor: Option<&Viewer>,
    params: &SearchParams,
    details: ShortlistDetails,
) -> Result<Uuid, FormError> {
    let viewer = actor.ok_or(AppError::Unauthenticated)?;
    let council_id = council_for(viewer, &details)?;
    let criteria = criteria(params)?;
    let (hits, total) = crate::server::services::search::first_results(
        &state.db,
        &state.snapshots,
        &state.search,
        Some(viewer),
        &criteria,
        SHORTLIST_MAX_ITEMS as usize,
    )
    .await?;
    let id = Uuid::new_v4();
    let frozen_at = OffsetDateTime::now_utc();
    let txn = crate::server::db::begin_write(&state.db).await?;
    shortlist::ActiveModel {
        id: Set(id),
        council_organisation_id: Set(council_id),
        created_by_user_id: Set(viewer.user_id),
        name: Set(details.name.clone()),
        search_query: Set(criteria.query_string()),
        result_total: Set(total as i64),
        frozen_at: Set(frozen_at),
    }
    .insert(&txn)
    .await?;
    let items: Vec<shortlist_item::ActiveModel> = hits
        .iter()
        .enumerate()
        .map(|(n, hit)| shortlist_item::ActiveModel {
            shortlist_id: Set(id),
            position: Set(n as i32 + 1),
            kind: Set(hit.kind.as_str().to_owned()),
            record_id: Set(hit.id),
            title: Set(clip(&hit.title_text(), 500)),
            reference: Set(hit.reference.as_deref().map(|r| clip(r, 300))),
            subtitle: Set(clip(&hit.subtitle, 500)),
            end_date: Set(hit.end_date),
            value_pence: Set(hit.value_pence),
        })
        .collect();
    for chunk in items.chunks(ITEM_CHUNK) {
        shortlist_item::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    let change = Change::new("shortlist.created", "shortlist", id).after(json!({
        "name": details.name,
        "council_organisation_id": council_id,
        "search": criteria.href(),
        "result_total": total,
        "items": hits.iter().map(|h| json!({"kind": h.kind.as_str(), "id": h.id})).collect::<Vec<_>>(),
    }));
    changes::record(&txn, Actor::Person(viewer.user_id), change).await?;
    txn.commit().await?;
    Ok(id)
}

/// At most `max` characters of `text` (the columns' lengths; the index
/// holds what the database held, so this only guards the limit).
fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The shortlist, after checking `viewer` buys for its council.
async fn readable(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    id: Uuid,
) -> Result<shortlist::Model, AppError> {
    let viewer = viewer.ok_or(AppError::Unauthenticated)?;
    let found = shortlist::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Shortlist".into()))?;
    require(
        Some(viewer),
        Permission::KeepShortlists,
        Resource::Council(found.council_organisation_id),
    )?;
    Ok(found)
}

async fn summaries(
    db: &DatabaseConnection,
    lists: Vec<shortlist::Model>,
) -> Result<Vec<ShortlistSummary>, AppError> {
    let mut out = Vec::with_capacity(lists.len());
    for list in lists {
        let council = organisation::Entity::find_by_id(list.council_organisation_id)
            .one(db)
            .await?;
        let creator = app_user::Entity::find_by_id(list.created_by_user_id)
            .one(db)
            .await?;
        let item_count = shortlist_item::Entity::find()
            .filter(shortlist_item::Column::ShortlistId.eq(list.id))
            .count(db)
            .await?;
        let criteria = criteria(&SearchParams::from_lookup(|name| {
            form_urlencoded::parse(list.search_query.as_bytes())
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.into_owned())
        }))
        .unwrap_or_default();
        let frozen_at = list.frozen_at.to_offset(time::UtcOffset::UTC);
        out.push(ShortlistSummary {
            id: list.id,
            name: list.name,
            council_name: council.map(|c| c.name).unwrap_or_default(),
            created_by: creator.map(|u| u.display_name).unwrap_or_default(),
            frozen_at: frozen_at.format(&Rfc3339).unwrap_or_default(),
            frozen_at_label: format!(
                "{} at {:02}:{:02} UTC",
                format_date(&frozen_at.date()),
                frozen_at.hour(),
                frozen_at.minute()
            ),
            search_href: criteria.href(),
            search_text: criteria.q,
            item_count,
            result_total: list.result_total.max(0) as u64,
        });
    }
    Ok(out)
}

/// The shortlists of every council `viewer` buys for, newest first.
pub async fn list(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
) -> Result<Vec<ShortlistSummary>, AppError> {
    let viewer = viewer.ok_or(AppError::Unauthenticated)?;
    let councils: Vec<Uuid> = buyer_councils(viewer)
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    if councils.is_empty() {
        return Err(AppError::Forbidden);
    }
    let lists = shortlist::Entity::find()
        .filter(shortlist::Column::CouncilOrganisationId.is_in(councils))
        .order_by_desc(shortlist::Column::FrozenAt)
        .all(db)
        .await?;
    summaries(db, lists).await
}

/// One shortlist and its items, in the order the search gave them.
pub async fn get(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    id: Uuid,
) -> Result<ShortlistPage, AppError> {
    let list = readable(db, viewer, id).await?;
    let items = shortlist_item::Entity::find()
        .filter(shortlist_item::Column::ShortlistId.eq(id))
        .order_by_asc(shortlist_item::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|item| {
            Some(ShortlistItem {
                position: item.position.max(0) as u32,
                kind: SearchKind::parse(&item.kind)?,
                record_id: item.record_id,
                title: item.title,
                reference: item.reference,
                subtitle: item.subtitle,
                end_date: item.end_date,
                value_pence: item.value_pence,
            })
        })
        .collect();
    let summary = summaries(db, vec![list])
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("Shortlist".into()))?;
    Ok(ShortlistPage { summary, items })
}

/// Removes a shortlist (any buyer of its council may).
pub async fn remove(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    _: crate::types::commands::Confirmation,
) -> Result<(), FormError> {
    let list = readable(db, actor, id).await?;
    let actor = Actor::of(actor);
    let txn = crate::server::db::begin_write(db).await?;
    shortlist_item::Entity::delete_many()
        .filter(shortlist_item::Column::ShortlistId.eq(id))
        .exec(&txn)
        .await?;
    shortlist::Entity::delete_by_id(id).exec(&txn).await?;
    let change = Change::new("shortlist.removed", "shortlist", id).before(json!({
        "name": list.name,
        "council_organisation_id": list.council_organisation_id,
        "search_query": list.search_query,
        "result_total": list.result_total,
    }));
    changes::record(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(())
}

/// A cell as a spreadsheet will show it: text that a spreadsheet would
/// read as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets
/// a leading apostrophe, so an imported title can never run in a buyer's
/// spreadsheet.
pub(crate) fn spreadsheet_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// The shortlist as CSV: one row per item, each carrying the shortlist's
/// name, when it was frozen and the search (a link that runs it again), so
/// any row read alone still says where it came from. Returns the file name
/// and the text.
pub async fn csv(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    id: Uuid,
    public_url: &str,
) -> Result<(String, String), AppError> {
    let page = get(db, viewer, id).await?;
    let summary = &page.summary;
    let search_url = format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        summary.search_href
    );
    let mut out = csv::Writer::from_writer(Vec::new());
    let write_error = |e: csv::Error| crate::server::internal_error("shortlist CSV", &e);
    out.write_record([
        "Shortlist",
        "Council",
        "Frozen at (UTC)",
        "Search",
        "Search link",
        "Results found",
        "Position",
        "Type",
        "Title",
        "Reference",
        "Owner, buyer or supplier",
        "Ends",
        "Value (£)",
        "Link",
    ])
    .map_err(write_error)?;
    for item in &page.items {
        let link = item
            .href()
            .map(|href| format!("{}{href}", public_url.trim_end_matches('/')))
            .unwrap_or_default();
        let row = [
            spreadsheet_safe(&summary.name),
            spreadsheet_safe(&summary.council_name),
            summary.frozen_at.clone(),
            spreadsheet_safe(&summary.search_text),
            search_url.clone(),
            summary.result_total.to_string(),
            item.position.to_string(),
            item.kind.label().trim_end_matches('s').to_owned(),
            spreadsheet_safe(&item.title),
            spreadsheet_safe(item.reference.as_deref().unwrap_or_default()),
            spreadsheet_safe(&item.subtitle),
            item.end_date.as_ref().map(format_date).unwrap_or_default(),
            item.value_pence.map(format_pence_plain).unwrap_or_default(),
            link,
        ];
        out.write_record(&row).map_err(write_error)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| crate::server::internal_error("shortlist CSV", &e))?;
    let text =
        String::from_utf8(bytes).map_err(|e| crate::server::internal_error("shortlist CSV", &e))?;
    let date = summary.frozen_at.get(..10).unwrap_or_default();
    let slug: String = summary
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() {
        "shortlist".into()
    } else {
        slug
    };
    Ok((format!("{slug}-{date}.csv"), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_formulas_are_shown_as_text() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+44 1234"), "'+44 1234");
        assert_eq!(spreadsheet_safe("-1"), "'-1");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("Rock salt"), "Rock salt");
        assert_eq!(spreadsheet_safe(""), "");
    }
}
