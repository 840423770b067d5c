use sea_orm::entity::prelude::*;

/// A published intention to buy: demand, not a contract.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "planned_purchase")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub buyer_organisation_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub notice_type: String,
    pub status: String,
    pub value_min_pence: Option<i64>,
    pub value_max_pence: Option<i64>,
    pub currency: String,
    pub expected_start: Option<TimeDate>,
    pub expected_end: Option<TimeDate>,
    pub closing_date: Option<TimeDate>,
    pub published_at: Option<TimeDateTimeWithTimeZone>,
    pub source: String,
    pub source_id: String,
    pub ocid: Option<String>,
    pub release_id: Option<String>,
    pub source_file: Option<String>,
    pub content_hash: Option<String>,
    pub raw_provenance: Option<String>,
    pub is_demo: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
