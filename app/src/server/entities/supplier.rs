use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supplier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub normalised_name: String,
    /// Only numbers someone vouched for (see `Verification`); unique.
    #[sea_orm(unique)]
    pub companies_house_number: Option<String>,
    /// The number an unverified registrant says is theirs.
    pub claimed_companies_house_number: Option<String>,
    /// `Verification` as text.
    pub verification: String,
    pub vat_number: Option<String>,
    pub is_sme: bool,
    pub is_vcse: bool,
    pub region: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub is_demo: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
