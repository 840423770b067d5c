//! Reading the audit trail. Events are written only by
//! [`crate::server::changes::record`], in the transaction of the change.
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect};

use crate::server::entities::{app_user, audit_event};
use crate::types::{AppError, AuditEntry, Page};

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
