//! The footprints list and footprint pages, read from the snapshot of
//! reference data (see [`super::snapshot`]).
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::snapshot::{Snapshot, SnapshotCache};
use super::summaries::council as council_summary;
use crate::server::entities::footprint;
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
/// with their current member counts.
pub fn summaries_of(snapshot: &Snapshot, only: Option<&[Uuid]>) -> Vec<FootprintSummary> {
    let counts = snapshot.current_member_counts();
    snapshot
        .footprints()
        .iter()
        .filter(|f| f.end_date.is_none() && only.is_none_or(|ids| ids.contains(&f.id)))
        .map(|f| to_summary(f, counts.get(&f.id).copied().unwrap_or(0)))
        .collect()
}

pub async fn list(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
) -> Result<Vec<FootprintSummary>, AppError> {
    let snapshot = snapshots.get(db).await?;
    Ok(summaries_of(&snapshot, None))
}

/// A current footprint with its current members, by short name.
pub async fn get(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
    code: &str,
) -> Result<FootprintDetail, AppError> {
    let snapshot = snapshots.get(db).await?;
    let found = snapshot
        .footprints()
        .iter()
        .find(|f| f.code == code && f.end_date.is_none())
        .ok_or_else(|| AppError::NotFound(format!("Footprint {code}")))?;
    let mut members: Vec<_> = snapshot
        .memberships()
        .iter()
        .filter(|m| m.footprint_id == found.id && m.left_on.is_none())
        .filter_map(|m| snapshot.organisation(m.organisation_id))
        .collect();
    members.sort_by(|a, b| a.short_name.cmp(&b.short_name).then(a.id.cmp(&b.id)));
    Ok(FootprintDetail {
        footprint: to_summary(found, members.len() as u64),
        source_note: found.source_note.clone(),
        members: members.into_iter().map(council_summary).collect(),
    })
}
