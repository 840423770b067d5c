//! Reading the audit trail. Events are written only by
//! [`crate::server::changes::record`], in the transaction of the change.
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use super::paging::{fetch_page, page_of};

use crate::server::entities::{app_user, audit_event};
use crate::types::{AppError, AuditEntry, Page};

/// The newest events first, with the actor's email.
pub async fn list<C: ConnectionTrait>(db: &C, page: u64) -> Result<Page<AuditEntry>, AppError> {
    let query = audit_event::Entity::find().order_by_desc(audit_event::Column::Id);
    let (events, page, total_items) = fetch_page(db, query, page).await?;
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
    Ok(page_of(items, page, total_items))
}
