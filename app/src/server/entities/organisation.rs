use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub gss_code: Option<String>,
    #[sea_orm(unique)]
    pub register_code: Option<String>,
    pub name: String,
    pub short_name: String,
    pub category: String,
    pub org_type: String,
    pub org_type_name: String,
    pub region: Option<String>,
    pub nation: String,
    pub parent_county_id: Option<Uuid>,
    pub start_date: Option<TimeDate>,
    pub end_date: Option<TimeDate>,
    pub website: Option<String>,
    pub population: Option<i32>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `category` of a council (as opposed to a strategic authority).
pub const CATEGORY_COUNCIL: &str = "council";
/// `category` of a combined authority, combined county authority or the GLA.
pub const CATEGORY_STRATEGIC_AUTHORITY: &str = "strategic_authority";
