//! Services own the queries and transactions behind each server function.
pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod colleagues;
pub mod contracts;
pub mod councils;
pub mod cpv;
pub mod dedupe;
pub mod demand;
pub mod eligibility;
pub mod emails;
pub mod feeds;
pub mod footprints;
pub mod framework_imports;
pub mod frameworks;
pub mod imports;
pub mod intents;
pub mod listings;
pub mod lots;
pub mod market;
pub mod offers;
pub mod paging;
pub mod search;
pub mod seed;
pub mod shortlists;
pub mod snapshot;
pub mod summaries;
pub mod supplier_identity;
pub mod supplier_trust;
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

/// Replaces the link rows of one record (an offer's CPV codes, a contract's
/// suppliers…): deletes every row of `E` whose `column` equals `value`, then
/// inserts `rows`. Run inside the change's transaction.
pub(crate) async fn replace_linked<E, A, C>(
    db: &C,
    column: E::Column,
    value: uuid::Uuid,
    rows: Vec<A>,
) -> Result<(), sea_orm::DbErr>
where
    E: sea_orm::EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    E::delete_many().filter(column.eq(value)).exec(db).await?;
    if !rows.is_empty() {
        E::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(())
}

/// A LIKE pattern matching `text` anywhere, with LIKE's own wildcards in
/// it (`%`, `_`) and the escape character matched literally.
pub(crate) fn contains_pattern(text: &str) -> sea_orm::sea_query::LikeExpr {
    let mut escaped = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}
