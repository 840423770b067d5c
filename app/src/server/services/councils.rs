//! Queries behind the councils list and council pages.
use super::linked;
use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::footprints;
use super::paging::{fetch_page, page_of};
use super::summaries::council as summary;
use crate::server::auth::{Permission, Resource, may};
use crate::server::entities::{footprint_member, organisation};
use crate::types::Viewer;
use crate::types::{
    AppError, CouncilDetail, CouncilFilter, CouncilFilterOptions, CouncilListing, FieldError,
};

pub(super) fn current_councils() -> sea_orm::Select<organisation::Entity> {
    organisation::Entity::find()
        .filter(organisation::Column::Category.eq(organisation::CATEGORY_COUNCIL))
        .filter(organisation::Column::EndDate.is_null())
}

/// The nations, regions and types that current councils actually have.
pub async fn filter_options(db: &DatabaseConnection) -> Result<CouncilFilterOptions, AppError> {
    let all = current_councils().all(db).await?;
    let nations: BTreeSet<String> = all.iter().map(|o| o.nation.clone()).collect();
    let regions: BTreeSet<String> = all.iter().filter_map(|o| o.region.clone()).collect();
    let types: BTreeMap<String, String> = all
        .iter()
        .map(|o| (o.org_type_name.clone(), o.org_type.clone()))
        .collect();
    Ok(CouncilFilterOptions {
        nations: nations.into_iter().collect(),
        regions: regions.into_iter().collect(),
        types: types.into_iter().map(|(name, code)| (code, name)).collect(),
    })
}

/// Rejects filter values that no council has, naming the field, so a
/// mistyped link explains itself instead of silently showing nothing.
fn validate(filter: &CouncilFilter, options: &CouncilFilterOptions) -> Result<(), AppError> {
    let invalid = |field: &str, message: &str| AppError::Invalid {
        field: field.to_owned(),
        message: message.to_owned(),
    };
    if filter
        .nation
        .as_ref()
        .is_some_and(|n| !options.nations.contains(n))
    {
        return Err(invalid("nation", "Select a nation from the list"));
    }
    if filter
        .region
        .as_ref()
        .is_some_and(|r| !options.regions.contains(r))
    {
        return Err(invalid("region", "Select a region from the list"));
    }
    if filter
        .org_type
        .as_ref()
        .is_some_and(|t| !options.types.iter().any(|(code, _)| code == t))
    {
        return Err(invalid("type", "Select a type of council from the list"));
    }
    Ok(())
}

pub async fn list(
    db: &DatabaseConnection,
    filter: CouncilFilter,
    page: u64,
) -> Result<CouncilListing, AppError> {
    let options = filter_options(db).await?;
    if let Err(AppError::Invalid { field, message }) = validate(&filter, &options) {
        return Ok(CouncilListing {
            filter,
            options,
            page: page_of(Vec::new(), 1, 0),
            error: Some(FieldError { field, message }),
        });
    }
    let mut query = current_councils();
    if let Some(nation) = &filter.nation {
        query = query.filter(organisation::Column::Nation.eq(nation.as_str()));
    }
    if let Some(region) = &filter.region {
        query = query.filter(organisation::Column::Region.eq(region.as_str()));
    }
    if let Some(org_type) = &filter.org_type {
        query = query.filter(organisation::Column::OrgType.eq(org_type.as_str()));
    }
    let query = query
        .order_by_asc(organisation::Column::ShortName)
        .order_by_asc(organisation::Column::GssCode);
    let (items, page, total_items) = fetch_page(db, query, page).await?;
    Ok(CouncilListing {
        filter,
        options,
        page: page_of(items.iter().map(summary).collect(), page, total_items),
        error: None,
    })
}

/// GSS codes are a letter and eight digits (E08000003).
pub fn is_gss_code(value: &str) -> bool {
    value.len() == 9
        && value.as_bytes()[0].is_ascii_uppercase()
        && value[1..].bytes().all(|b| b.is_ascii_digit())
}

/// A council's page; `may_edit` when the viewer keeps its contract register.
pub async fn get(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    gss_code: &str,
) -> Result<CouncilDetail, AppError> {
    let not_found = || AppError::NotFound(format!("Council {gss_code}"));
    if !is_gss_code(gss_code) {
        return Err(not_found());
    }
    let council = current_councils()
        .filter(organisation::Column::GssCode.eq(gss_code))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let parent_county = match council.parent_county_id {
        Some(id) => organisation::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| summary(&m)),
        None => None,
    };
    let districts = current_councils()
        .filter(organisation::Column::ParentCountyId.eq(council.id))
        .order_by_asc(organisation::Column::ShortName)
        .all(db)
        .await?
        .iter()
        .map(summary)
        .collect();
    let footprint_ids: Vec<_> = linked(
        db,
        footprint_member::Entity,
        footprint_member::Column::OrganisationId,
        council.id,
        |m| m.footprint_id,
    )
    .await?;
    let footprints = footprints::summaries(db, Some(footprint_ids)).await?;
    let contracts = super::catalogue::contract_summaries(
        db,
        sea_orm::Condition::all()
            .add(crate::server::entities::contract::Column::BuyerOrganisationId.eq(council.id)),
    )
    .await?;
    Ok(CouncilDetail {
        council: summary(&council),
        register_code: council.register_code.clone(),
        start_date: council.start_date,
        population: council.population,
        parent_county,
        districts,
        footprints,
        contracts,
        organisation_id: council.id,
        may_edit: may(
            viewer,
            Permission::ManageContracts,
            Resource::Council(council.id),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gss_codes_are_a_letter_and_eight_digits() {
        assert!(is_gss_code("E08000003"));
        assert!(is_gss_code("S12000034"));
        assert!(!is_gss_code("e08000003"));
        assert!(!is_gss_code("E0800000"));
        assert!(!is_gss_code("E08000003x"));
        assert!(!is_gss_code("MAN"));
    }

    #[test]
    fn unknown_filter_values_name_their_field() {
        let options = CouncilFilterOptions {
            nations: vec!["England".into()],
            regions: vec!["North West".into()],
            types: vec![("MD".into(), "Metropolitan district".into())],
        };
        let check = |n: Option<&str>, r: Option<&str>, t: Option<&str>| {
            validate(
                &CouncilFilter::new(n.map(Into::into), r.map(Into::into), t.map(Into::into)),
                &options,
            )
        };
        assert_eq!(
            check(Some("England"), Some("North West"), Some("MD")),
            Ok(())
        );
        assert!(
            matches!(check(Some("Mercia"), None, None), Err(AppError::Invalid { field, .. }) if field == "nation")
        );
        assert!(
            matches!(check(None, Some("Wessex"), None), Err(AppError::Invalid { field, .. }) if field == "region")
        );
        assert!(
            matches!(check(None, None, Some("XX")), Err(AppError::Invalid { field, .. }) if field == "type")
        );
    }
}
