use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_outbox")]
pub struct Model {
    /// Assigned by the database in commit order (see `changes::record`).
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// The search document's kind: framework, lot, supplier, offer, contract.
    pub entity: String,
    pub entity_id: String,
    /// `upsert` or `delete`.
    pub op: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
