use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lot_supplier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub lot_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub supplier_id: Uuid,
    pub status: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
