//! The audit trail: one row per change, written in the same transaction as
//! the change itself, so there is never a change without its record.
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::server::entities::{app_user, audit_event};
use crate::types::{AppError, AuditEntry, Page};

/// Records that `actor` did `action` to `entity`/`entity_id`, with the record
/// before and after (either may be `None` for creations and deletions).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: Option<Uuid>,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), sea_orm::DbErr> {
    let summary = json!({ "before": before, "after": after });
    audit_event::ActiveModel {
        occurred_at: Set(OffsetDateTime::now_utc()),
        actor_user_id: Set(actor),
        action: Set(action.to_owned()),
        entity: Set(entity.to_owned()),
        entity_id: Set(entity_id.to_string()),
        change_summary: Set(Some(summary.to_string())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub const PER_PAGE: u64 = 50;

/// The newest events first, with the actor's email.
pub async fn list<C: ConnectionTrait>(db: &C, page: u64) -> Result<Page<AuditEntry>, AppError> {
    let total_items = audit_event::Entity::find().count(db).await?;
    let last_page = total_items.div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, last_page);
    let events = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(db)
        .await?;
    let mut items = Vec::with_capacity(events.len());
    for event in events {
        let actor = match event.actor_user_id {
            Some(id) => app_user::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|u| u.email),
            None => None,
        };
        items.push(AuditEntry {
            occurred_at: event
                .occurred_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            actor,
            action: event.action,
            entity: event.entity,
            entity_id: event.entity_id,
            change_summary: event.change_summary.unwrap_or_default(),
        });
    }
    Ok(Page {
        items,
        page,
        per_page: PER_PAGE,
        total_items,
    })
}
