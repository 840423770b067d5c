use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    /// `EmailKind` as text.
    pub kind: String,
    pub attempts: i32,
    pub next_attempt_at: TimeDateTimeWithTimeZone,
    pub sent_at: Option<TimeDateTimeWithTimeZone>,
    pub failed_at: Option<TimeDateTimeWithTimeZone>,
    pub last_error: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
