use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub buyer_organisation_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub value_pence: Option<i64>,
    pub currency: String,
    pub start_date: Option<TimeDate>,
    pub end_date: Option<TimeDate>,
    pub max_extension_end: Option<TimeDate>,
    pub framework_id: Option<Uuid>,
    pub lot_id: Option<Uuid>,
    pub source: String,
    pub source_id: Option<String>,
    #[sea_orm(unique)]
    pub ocid: Option<String>,
    pub raw_provenance: Option<String>,
    pub is_demo: bool,
    pub release_id: Option<String>,
    pub release_date: Option<TimeDateTimeWithTimeZone>,
    pub source_file: Option<String>,
    pub content_hash: Option<String>,
    pub award_date: Option<TimeDate>,
    pub procurement_method: Option<String>,
    pub is_call_off: bool,
    pub call_off_reference: Option<String>,
    pub value_min_pence: Option<i64>,
    pub value_max_pence: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
