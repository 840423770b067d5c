use sea_orm::entity::prelude::*;

/// One council's part in an intent (the owner's own row included).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "intent_participant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub buying_intent_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    pub volume_note: Option<String>,
    pub value_pence: Option<i64>,
    pub status: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub joined_by_user_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
