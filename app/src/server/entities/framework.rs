use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "framework")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub reference: String,
    pub title: Option<String>,
    pub owner_name: String,
    pub owner_organisation_id: Option<Uuid>,
    pub description: Option<String>,
    pub start_date: Option<TimeDate>,
    pub end_date: Option<TimeDate>,
    pub max_extension_end: Option<TimeDate>,
    pub routes_to_market: String,
    pub levy_basis_points: Option<i32>,
    pub eligibility_scope: String,
    pub url: Option<String>,
    pub is_demo: bool,
    pub summary: Option<String>,
    pub benefits: Option<String>,
    pub how_to_buy: Option<String>,
    pub keywords: Option<String>,
    pub category: Option<String>,
    pub source_file: Option<String>,
    pub source_layout: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
