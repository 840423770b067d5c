//! Queries behind the footprints list and footprint pages.
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::summaries::{council as council_summary, count_by};
use crate::server::entities::{footprint, footprint_member, organisation};
use crate::types::{AppError, FootprintDetail, FootprintKind, FootprintSummary};

fn to_summary(model: &footprint::Model, member_count: u64) -> FootprintSummary {
    FootprintSummary {
        code: model.code.clone(),
        gss_code: model.gss_code.clone(),
        name: model.name.clone(),
        short_name: model.short_name.clone(),
        // Unknown kinds cannot be written by our services; treat any as a consortium.
        kind: FootprintKind::parse(&model.kind).unwrap_or(FootprintKind::Consortium),
        start_date: model.start_date,
        member_count,
    }
}

/// Current footprints (optionally only those with the given ids), by name,
/// with their member counts.
pub async fn summaries(
    db: &DatabaseConnection,
    only: Option<Vec<Uuid>>,
) -> Result<Vec<FootprintSummary>, AppError> {
    let mut query = footprint::Entity::find().filter(footprint::Column::EndDate.is_null());
    let mut members =
        footprint_member::Entity::find().filter(footprint_member::Column::LeftOn.is_null());
    if let Some(ids) = only {
        query = query.filter(footprint::Column::Id.is_in(ids.clone()));
        members = members.filter(footprint_member::Column::FootprintId.is_in(ids));
    }
    let footprints = query.order_by_asc(footprint::Column::Name).all(db).await?;
    let counts = count_by(members.all(db).await?.into_iter().map(|m| m.footprint_id));
    Ok(footprints
        .iter()
        .map(|f| to_summary(f, counts.get(&f.id).copied().unwrap_or(0)))
        .collect())
}

pub async fn list(db: &DatabaseConnection) -> Result<Vec<FootprintSummary>, AppError> {
    summaries(db, None).await
}

pub async fn get(db: &DatabaseConnection, code: &str) -> Result<FootprintDetail, AppError> {
    let found = footprint::Entity::find()
        .filter(footprint::Column::Code.eq(code))
        .filter(footprint::Column::EndDate.is_null())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Footprint {code}")))?;
    let member_ids: Vec<Uuid> = footprint_member::Entity::find()
        .filter(footprint_member::Column::FootprintId.eq(found.id))
        .filter(footprint_member::Column::LeftOn.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.organisation_id)
        .collect();
    let members: Vec<_> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(member_ids))
        .order_by_asc(organisation::Column::ShortName)
        .all(db)
        .await?
        .iter()
        .map(council_summary)
        .collect();
    Ok(FootprintDetail {
        footprint: to_summary(&found, members.len() as u64),
        source_note: found.source_note.clone(),
        members,
    })
}
