//! Services own the queries and transactions behind each server function.
pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod catalogue_editing;
pub mod contract_register;
pub mod councils;
pub mod demo_catalogue;
pub mod demo_contracts;
pub mod footprints;
pub mod listings;
pub mod reference_data;
pub mod suppliers;
pub mod user_admin;

/// One field of every row of `table` whose `column` equals `value`: an
/// offer's CPV codes, a contract's supplier ids, a council's footprints.
pub(crate) async fn linked<E, C, T>(
    db: &C,
    _table: E,
    column: E::Column,
    value: impl Into<sea_orm::Value>,
    field: impl Fn(E::Model) -> T,
) -> Result<Vec<T>, sea_orm::DbErr>
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(E::find()
        .filter(column.eq(value))
        .all(db)
        .await?
        .into_iter()
        .map(field)
        .collect())
}
