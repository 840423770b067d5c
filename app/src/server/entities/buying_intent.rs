use sea_orm::entity::prelude::*;

/// A council's need, registered for other councils to join.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "buying_intent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_organisation_id: Uuid,
    pub footprint_id: Option<Uuid>,
    pub title: String,
    pub need_description: String,
    /// The owner's own share; participants add theirs.
    pub estimated_value_pence: Option<i64>,
    pub window_start: Option<TimeDate>,
    pub window_end: Option<TimeDate>,
    pub status: String,
    pub lead_organisation_id: Option<Uuid>,
    pub is_demo: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub created_by_user_id: Option<Uuid>,
    pub awarded_contract_id: Option<Uuid>,
    pub awarded_framework_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
