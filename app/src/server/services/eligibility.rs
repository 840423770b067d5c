//! Who may buy through a framework: the one statement of the eligibility
//! rule, used by the call-off check, the frameworks list's "may be used by"
//! filter, and later search's "only what my council can use".
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::{linked, replace_linked};
use crate::server::entities::{
    footprint, footprint_member, framework, framework_eligibility, organisation,
};
use crate::types::commands::{EligibilityKind, EligibilityScope};

/// Codes of the footprints `council` belongs to.
pub async fn footprint_codes_of<C: ConnectionTrait>(
    db: &C,
    council_id: Uuid,
) -> Result<Vec<String>, sea_orm::DbErr> {
    let ids: Vec<Uuid> = linked(
        db,
        footprint_member::Entity,
        footprint_member::Column::OrganisationId,
        council_id,
        |m| m.footprint_id,
    )
    .await?;
    Ok(footprint::Entity::find()
        .filter(footprint::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.code)
        .collect())
}

/// Whether one eligibility rule (`kind`, `value`) admits `council`, which
/// belongs to the footprints `footprint_codes`. The single statement of the
/// rule: the call-off check and the framework list's council filter use it.
pub fn eligibility_admits(
    kind: &str,
    value: &str,
    council: &organisation::Model,
    footprint_codes: &[String],
) -> bool {
    match kind {
        "buyer_type" => council.org_type == value,
        "region" => council.region.as_deref() == Some(value),
        "nation" => council.nation == value,
        "footprint" => footprint_codes.iter().any(|c| c == value),
        _ => false,
    }
}

/// Whether `council` may buy through `framework`, by its eligibility rules.
pub async fn council_may_use<C: ConnectionTrait>(
    db: &C,
    framework: &framework::Model,
    council: &organisation::Model,
) -> Result<bool, sea_orm::DbErr> {
    if framework.eligibility_scope == EligibilityScope::AllUkPublicSector.as_str() {
        return Ok(true);
    }
    let rules = eligibility_of(db, framework.id).await?;
    let codes = footprint_codes_of(db, council.id).await?;
    Ok(rules
        .iter()
        .any(|(kind, value)| eligibility_admits(kind, value, council, &codes)))
}

/// Replaces a framework's listed eligibility entries.
pub(crate) async fn replace_eligibility<C: ConnectionTrait>(
    db: &C,
    framework_id: Uuid,
    rows: &[(EligibilityKind, String)],
) -> Result<(), sea_orm::DbErr> {
    let rows = rows
        .iter()
        .map(|(kind, value)| framework_eligibility::ActiveModel {
            id: Set(Uuid::new_v4()),
            framework_id: Set(framework_id),
            kind: Set(kind.as_str().to_owned()),
            value: Set(value.clone()),
        });
    replace_linked(
        db,
        framework_eligibility::Column::FrameworkId,
        framework_id,
        rows.collect(),
    )
    .await
}

/// A framework's listed entries as stored (kind, value), in order.
pub async fn eligibility_of<C: ConnectionTrait>(
    db: &C,
    framework_id: Uuid,
) -> Result<Vec<(String, String)>, sea_orm::DbErr> {
    Ok(framework_eligibility::Entity::find()
        .filter(framework_eligibility::Column::FrameworkId.eq(framework_id))
        .order_by_asc(framework_eligibility::Column::Kind)
        .order_by_asc(framework_eligibility::Column::Value)
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.kind, e.value))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn council() -> organisation::Model {
        let now = OffsetDateTime::now_utc();
        organisation::Model {
            id: Uuid::nil(),
            gss_code: Some("E08000003".into()),
            register_code: None,
            name: "Manchester City Council".into(),
            short_name: "Manchester".into(),
            category: organisation::CATEGORY_COUNCIL.into(),
            org_type: "MD".into(),
            org_type_name: "Metropolitan district".into(),
            region: Some("North West".into()),
            nation: "England".into(),
            parent_county_id: None,
            start_date: None,
            end_date: None,
            website: None,
            population: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn each_kind_of_rule_admits_only_matching_councils() {
        let manchester = council();
        let codes = vec!["GMCA".to_owned()];
        assert!(eligibility_admits("buyer_type", "MD", &manchester, &codes));
        assert!(!eligibility_admits("buyer_type", "UA", &manchester, &codes));
        assert!(eligibility_admits(
            "region",
            "North West",
            &manchester,
            &codes
        ));
        assert!(!eligibility_admits("region", "London", &manchester, &codes));
        assert!(eligibility_admits("nation", "England", &manchester, &codes));
        assert!(!eligibility_admits("nation", "Wales", &manchester, &codes));
        assert!(eligibility_admits("footprint", "GMCA", &manchester, &codes));
        assert!(!eligibility_admits(
            "footprint",
            "WYCA",
            &manchester,
            &codes
        ));
        assert!(!eligibility_admits("footprint", "GMCA", &manchester, &[]));
        assert!(!eligibility_admits("unknown", "MD", &manchester, &codes));
    }
}
