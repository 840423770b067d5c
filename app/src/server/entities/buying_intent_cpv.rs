use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "buying_intent_cpv")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub buying_intent_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub cpv_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
