use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub supplier_id: Uuid,
    pub title: String,
    pub summary: String,
    pub description: Option<String>,
    /// One feature per line.
    pub features: Option<String>,
    /// One benefit per line.
    pub benefits: Option<String>,
    pub pricing_model: Option<String>,
    pub price_pence: Option<i64>,
    pub price_unit: Option<String>,
    pub accessibility_notes: Option<String>,
    pub open_standards_notes: Option<String>,
    /// draft | published | withdrawn
    pub status: String,
    pub is_demo: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
