//! Which supplier record a name (and perhaps a Companies House number)
//! means. One rule for every writer (curators adding lot places, buyers
//! naming contract suppliers, the demo loader, and later the importers and
//! duplicate detection): the Companies House number when given, else the
//! normalised name of a record with no different number; otherwise a new
//! record.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::server::entities::supplier;

/// Lowercase, punctuation-free, without legal-form suffixes: "Accenture (UK)
/// Ltd" and "ACCENTURE (UK) LIMITED" compare equal.
pub fn normalise_supplier_name(name: &str) -> String {
    const SUFFIXES: &[&str] = &["limited", "ltd", "plc", "llp", "lp", "inc", "uk", "co"];
    let cleaned: String = name
        .to_lowercase()
        .replace('&', " and ")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    while words.len() > 1 && words.last().is_some_and(|w| SUFFIXES.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// A new supplier row known by name (and number): the one builder for
/// supplier rows that are not registered through the profile form.
pub fn supplier_row(
    id: Uuid,
    name: &str,
    companies_house_number: Option<&str>,
    is_demo: bool,
    now: OffsetDateTime,
) -> supplier::ActiveModel {
    supplier::ActiveModel {
        id: Set(id),
        name: Set(name.to_owned()),
        normalised_name: Set(normalise_supplier_name(name)),
        companies_house_number: Set(companies_house_number.map(str::to_owned)),
        vat_number: Set(None),
        is_sme: Set(false),
        is_vcse: Set(false),
        region: Set(None),
        website: Set(None),
        description: Set(None),
        is_demo: Set(is_demo),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The supplier a name and number were matched to; `created` describes the
/// record when a new one was made, for the audit entry of the change that
/// named it (one change, one audit event).
pub struct SupplierMatch {
    pub id: Uuid,
    pub created: Option<Value>,
}

/// The existing supplier this name and number identify, if any.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    name: &str,
    number: Option<&str>,
) -> Result<Option<supplier::Model>, DbErr> {
    if let Some(number) = number
        && let Some(found) = supplier::Entity::find()
            .filter(supplier::Column::CompaniesHouseNumber.eq(number))
            .one(db)
            .await?
    {
        return Ok(Some(found));
    }
    Ok(supplier::Entity::find()
        .filter(supplier::Column::NormalisedName.eq(normalise_supplier_name(name)))
        .one(db)
        .await?
        // A record with a different number is a different company.
        .filter(|s| number.is_none() || s.companies_house_number.is_none()))
}

/// The supplier this name and number identify, or a new record with `new_id`.
pub async fn find_or_create<C: ConnectionTrait>(
    db: &C,
    name: &str,
    number: Option<&str>,
    new_id: Uuid,
    is_demo: bool,
) -> Result<SupplierMatch, DbErr> {
    if let Some(found) = find(db, name, number).await? {
        return Ok(SupplierMatch {
            id: found.id,
            created: None,
        });
    }
    let created = supplier_row(new_id, name, number, is_demo, OffsetDateTime::now_utc())
        .insert(db)
        .await?;
    Ok(SupplierMatch {
        id: created.id,
        created: Some(json!({ "id": created.id, "name": name, "companies_house_number": number })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supplier_names_normalise_legal_forms_and_punctuation() {
        assert_eq!(normalise_supplier_name("Accenture (UK) Ltd"), "accenture");
        assert_eq!(
            normalise_supplier_name("ACCENTURE (UK) LIMITED"),
            "accenture"
        );
        assert_eq!(
            normalise_supplier_name("Marks & Spencer plc"),
            "marks and spencer"
        );
        assert_eq!(normalise_supplier_name("Limited"), "limited");
        assert_eq!(
            normalise_supplier_name("@ITS (SEARCH & SELECTION) LIMITED"),
            "its search and selection"
        );
    }
}
