use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shortlist_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shortlist_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub kind: String,
    pub record_id: Uuid,
    pub title: String,
    pub reference: Option<String>,
    pub subtitle: String,
    pub end_date: Option<TimeDate>,
    pub value_pence: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
