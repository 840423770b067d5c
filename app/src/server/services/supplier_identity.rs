//! Which supplier record a name (and perhaps a Companies House number)
//! means. One rule for every writer (curators adding lot places, buyers
//! naming contract suppliers, the demo loader, and later the importers and
//! duplicate detection): the Companies House number when given, else the
//! normalised name of a record with no different number; otherwise a new
//! record. Only *trusted* records are ever matched (listed or verified, see
//! [`Verification`]): a self-registered, unchecked claim never captures a
//! typed name or number, so registering under another company's identity
//! gains nothing. People picking a supplier use [`search`] and an id.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::server::entities::supplier;
use crate::types::commands::Verification;
use crate::types::{
    SupplierChoiceItem, SupplierFinder, validate::normalise_companies_house_number,
};

/// Rows that typed names and numbers may be matched to.
fn trusted() -> Condition {
    Condition::all().add(supplier::Column::Verification.ne(Verification::Unverified.as_str()))
}

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
        claimed_companies_house_number: Set(None),
        verification: Set(Verification::Listed.as_str().to_owned()),
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

/// The existing trusted supplier this name and number identify, if any.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    name: &str,
    number: Option<&str>,
) -> Result<Option<supplier::Model>, DbErr> {
    if let Some(number) = number
        && let Some(found) = supplier::Entity::find()
            .filter(trusted())
            .filter(supplier::Column::CompaniesHouseNumber.eq(number))
            .one(db)
            .await?
    {
        return Ok(Some(found));
    }
    Ok(supplier::Entity::find()
        .filter(trusted())
        .filter(supplier::Column::NormalisedName.eq(normalise_supplier_name(name)))
        .order_by_asc(supplier::Column::CreatedAt)
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

/// The trusted record picked by id, if it is one.
pub async fn trusted_by_id<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<supplier::Model>, DbErr> {
    supplier::Entity::find_by_id(id)
        .filter(trusted())
        .one(db)
        .await
}

/// Most suppliers a finder lists at once: enough to pick from, few enough
/// to read; a longer query narrows it.
pub const FINDER_LIMIT: u64 = 10;

/// Trusted suppliers whose name contains `query` (compared normalised) or
/// whose Companies House number it is; exact and leading matches first.
pub async fn search<C: ConnectionTrait>(
    db: &C,
    query: &str,
) -> Result<Vec<SupplierChoiceItem>, DbErr> {
    let wanted = normalise_supplier_name(query);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let number = normalise_companies_house_number(query);
    let mut matches = Condition::any()
        .add(supplier::Column::NormalisedName.like(super::contains_pattern(&wanted)));
    if let Some(number) = &number {
        matches = matches.add(supplier::Column::CompaniesHouseNumber.eq(number.clone()));
    }
    // Fetch a few more than shown so ranking picks the best of them.
    let mut found = supplier::Entity::find()
        .filter(trusted())
        .filter(matches)
        .order_by_asc(supplier::Column::NormalisedName)
        .limit(FINDER_LIMIT * 5)
        .all(db)
        .await?;
    found.sort_by_key(|s| {
        let rank = if (number.is_some() && s.companies_house_number == number)
            || s.normalised_name == wanted
        {
            0
        } else if s.normalised_name.starts_with(&wanted) {
            1
        } else {
            2
        };
        (rank, s.normalised_name.clone())
    });
    Ok(found
        .into_iter()
        .take(FINDER_LIMIT as usize)
        .map(|s| choice_item(&s))
        .collect())
}

/// A finder's contents: what `query` matches, and the `picked` records
/// (whatever their standing: a contract may already name an unverified one).
pub async fn finder<C: ConnectionTrait>(
    db: &C,
    query: &str,
    picked: &[Uuid],
) -> Result<SupplierFinder, DbErr> {
    let mut picked_items: Vec<SupplierChoiceItem> = supplier::Entity::find()
        .filter(supplier::Column::Id.is_in(picked.to_vec()))
        .all(db)
        .await?
        .iter()
        .map(choice_item)
        .collect();
    picked_items.sort_by_key(|p| picked.iter().position(|id| *id == p.id));
    Ok(SupplierFinder {
        query: query.trim().to_owned(),
        results: search(db, query).await?,
        picked: picked_items,
    })
}

/// How a finder shows a record.
pub fn choice_item(s: &supplier::Model) -> SupplierChoiceItem {
    SupplierChoiceItem {
        id: s.id,
        name: s.name.clone(),
        companies_house_number: s.companies_house_number.clone(),
        region: s.region.clone(),
        verified: s.verification == Verification::Verified.as_str(),
    }
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
