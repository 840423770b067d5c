use sea_orm::entity::prelude::*;

/// A user following the demand of a footprint or a CPV division (weekly
/// email digest).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "demand_follow")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// "footprint" or "category".
    pub kind: String,
    /// The footprint's code or the two-digit CPV division.
    pub code: String,
    /// The secret of the digest's "stop these emails" link.
    pub unsubscribe_key: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
    /// Demand published after this goes into the next digest.
    pub news_since: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
