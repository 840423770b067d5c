//! CPV 2008 codes: checking that well-formed codes (see
//! `types::validate::cpv_codes`) are in the classification.
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::server::entities::cpv_code;
use crate::types::FieldErrors;

/// Records an error on `field` for the first code not in CPV 2008.
pub async fn check_known<C: ConnectionTrait>(
    db: &C,
    errors: &mut FieldErrors,
    field: &str,
    codes: &[String],
) -> Result<(), DbErr> {
    if codes.is_empty() || errors.has(field) {
        return Ok(());
    }
    let known: Vec<String> = cpv_code::Entity::find()
        .filter(cpv_code::Column::Code.is_in(codes.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    if let Some(unknown) = codes.iter().find(|c| !known.contains(c)) {
        errors.add(field, format!("{unknown} is not in the CPV 2008 code list"));
    }
    Ok(())
}
