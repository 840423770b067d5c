use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_token")]
pub struct Model {
    /// SHA-256 of the token the link carries.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `TokenPurpose` as text.
    pub purpose: String,
    pub user_id: Option<Uuid>,
    pub email: String,
    pub supplier_id: Option<Uuid>,
    pub invited_by: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub used_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
