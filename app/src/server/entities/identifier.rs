use sea_orm::entity::prelude::*;

/// One identifier seen for an organisation or a supplier.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identifier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scheme: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
    pub subject_id: Uuid,
    pub first_seen: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `subject_kind` of an organisation's identifier.
pub const ORGANISATION: &str = "organisation";
/// `subject_kind` of a supplier's identifier.
pub const SUPPLIER: &str = "supplier";
