//! Queries behind the councils list and council pages.
use sea_orm::DatabaseConnection;

use super::footprints;
use super::paging::{page_of, slice_page};
use super::snapshot::SnapshotCache;
use super::summaries::council as summary;
use crate::server::auth::{Permission, Resource, may};
use crate::server::entities::organisation;
use crate::types::Viewer;
use crate::types::{
    AppError, CouncilDetail, CouncilFilter, CouncilFilterOptions, CouncilListing, FieldError,
};

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

/// Current councils by short name, filtered, a page at a time; all from the
/// snapshot (a few hundred rows), so no query but its version check.
pub async fn list(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
    filter: CouncilFilter,
    page: u64,
) -> Result<CouncilListing, AppError> {
    let snapshot = snapshots.get(db).await?;
    let options = snapshot.council_options.clone();
    if let Err(AppError::Invalid { field, message }) = validate(&filter, &options) {
        return Ok(CouncilListing {
            filter,
            options,
            page: page_of(Vec::new(), 1, 0),
            error: Some(FieldError { field, message }),
        });
    }
    let wanted = |value: &Option<String>, actual: Option<&str>| {
        value.as_deref().is_none_or(|v| Some(v) == actual)
    };
    let mut matching: Vec<&organisation::Model> = snapshot
        .councils()
        .filter(|c| {
            wanted(&filter.nation, Some(&c.nation))
                && wanted(&filter.region, c.region.as_deref())
                && wanted(&filter.org_type, Some(&c.org_type))
        })
        .collect();
    matching.sort_by(|a, b| {
        (a.short_name.as_str(), a.gss_code.as_deref())
            .cmp(&(b.short_name.as_str(), b.gss_code.as_deref()))
    });
    let (items, page) = slice_page(&matching, page);
    Ok(CouncilListing {
        filter,
        options,
        page: page_of(
            items.iter().map(|c| summary(c)).collect(),
            page,
            matching.len() as u64,
        ),
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
    snapshots: &SnapshotCache,
    viewer: Option<&Viewer>,
    gss_code: &str,
) -> Result<CouncilDetail, AppError> {
    let not_found = || AppError::NotFound(format!("Council {gss_code}"));
    if !is_gss_code(gss_code) {
        return Err(not_found());
    }
    let snapshot = snapshots.get(db).await?;
    let council = snapshot.council_by_gss(gss_code).ok_or_else(not_found)?;
    let parent_county = council
        .parent_county_id
        .and_then(|id| snapshot.organisation(id))
        .map(summary);
    let mut districts: Vec<&organisation::Model> = snapshot
        .councils()
        .filter(|c| c.parent_county_id == Some(council.id))
        .collect();
    districts.sort_by(|a, b| a.short_name.cmp(&b.short_name));
    let footprints =
        footprints::summaries_of(&snapshot, Some(&snapshot.footprint_ids_of(council.id)));
    let contracts =
        super::catalogue::contract_summaries(db, super::catalogue::bought_by([council.id])).await?;
    let identifiers = super::imports::identifiers_of(
        db,
        crate::server::entities::identifier::ORGANISATION,
        council.id,
    )
    .await?;
    Ok(CouncilDetail {
        identifiers,
        council: summary(council),
        register_code: council.register_code.clone(),
        start_date: council.start_date,
        population: council.population,
        parent_county,
        districts: districts.into_iter().map(summary).collect(),
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
