use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "footprint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    #[sea_orm(unique)]
    pub gss_code: Option<String>,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub organisation_id: Option<Uuid>,
    pub start_date: Option<TimeDate>,
    pub end_date: Option<TimeDate>,
    pub description: Option<String>,
    pub source_note: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
