//! A framework agreement's details, as added or changed by a curator.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Command, Term, choices, finish};
use crate::types::FieldErrors;
use crate::types::validate::{self, Input};

pub const REFERENCE: &str = "reference";
pub const TITLE: &str = "title";
pub const OWNER_NAME: &str = "owner_name";
pub const OWNER_ORGANISATION_ID: &str = "owner_organisation_id";
pub const DESCRIPTION: &str = "description";
pub const ROUTES_TO_MARKET: &str = "routes_to_market";
pub const LEVY: &str = "levy";
pub const ELIGIBILITY_SCOPE: &str = "eligibility_scope";
pub const ELIGIBLE_BUYER_TYPES: &str = "eligible_buyer_types";
pub const ELIGIBLE_FOOTPRINTS: &str = "eligible_footprints";
pub const ELIGIBLE_REGIONS: &str = "eligible_regions";
pub const URL: &str = "url";

choices! {
    /// How a buyer may award a call-off under a framework.
    RouteToMarket {
        DirectAward = ("direct_award", "Direct award"),
        FurtherCompetition = ("further_competition", "Further competition"),
    }
}

choices! {
    /// Who may use a framework: everyone, or only the buyers listed.
    EligibilityScope {
        AllUkPublicSector = ("all_uk_public_sector", "All UK public sector bodies"),
        Listed = ("listed", "Only the buyers selected below"),
    }
}

choices! {
    /// What one listed eligibility entry names.
    EligibilityKind {
        /// A type of council (mySociety's code, e.g. MTD for metropolitan districts).
        BuyerType = ("buyer_type", "Type of council"),
        /// A footprint by its code (E47000001).
        Footprint = ("footprint", "Footprint"),
        /// An English region or a nation.
        Region = ("region", "Region"),
    }
}

impl EligibilityKind {
    /// The form field that lists entries of this kind.
    pub fn field(self) -> &'static str {
        match self {
            EligibilityKind::BuyerType => ELIGIBLE_BUYER_TYPES,
            EligibilityKind::Footprint => ELIGIBLE_FOOTPRINTS,
            EligibilityKind::Region => ELIGIBLE_REGIONS,
        }
    }
}

/// Who may call off a framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Eligibility {
    AllUkPublicSector,
    /// Any buyer matching one of these entries.
    Listed(Vec<(EligibilityKind, String)>),
}

impl Eligibility {
    pub fn scope(&self) -> EligibilityScope {
        match self {
            Eligibility::AllUkPublicSector => EligibilityScope::AllUkPublicSector,
            Eligibility::Listed(_) => EligibilityScope::Listed,
        }
    }

    pub fn entries(&self) -> &[(EligibilityKind, String)] {
        match self {
            Eligibility::AllUkPublicSector => &[],
            Eligibility::Listed(entries) => entries,
        }
    }
}

/// A framework as a curator enters it (new, or changed: the same details).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkDetails {
    pub reference: String,
    pub title: String,
    pub owner_name: String,
    /// The footprint body that owns it; `None` for a national body.
    pub owner_organisation_id: Option<Uuid>,
    pub description: Option<String>,
    pub term: Term,
    pub routes: Vec<RouteToMarket>,
    pub levy_basis_points: Option<i32>,
    pub eligibility: Eligibility,
    pub url: Option<String>,
}

impl Command for FrameworkDetails {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let reference = input.required(&mut errors, REFERENCE, "the framework reference", 64);
        if !errors.has(REFERENCE)
            && !reference
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | '_'))
        {
            errors.add(REFERENCE, "Framework reference must only include letters, numbers, hyphens, full stops and slashes, like RM6098");
        }
        let title = input.required(&mut errors, TITLE, "the framework title", 400);
        let owner_name = input.required(
            &mut errors,
            OWNER_NAME,
            "the name of the body that owns the framework",
            200,
        );
        let owner_organisation_id = match input.text(OWNER_ORGANISATION_ID) {
            "" => None,
            value => match value.parse::<Uuid>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add(
                        OWNER_ORGANISATION_ID,
                        "Select the footprint body that owns the framework",
                    );
                    None
                }
            },
        };
        let description = input.optional(&mut errors, DESCRIPTION, "the description", 5000);
        let term = Term::parse(&mut errors, input);
        let mut routes = Vec::new();
        for value in input.all(ROUTES_TO_MARKET) {
            match RouteToMarket::parse(&value) {
                Some(route) if !routes.contains(&route) => routes.push(route),
                Some(_) => {}
                None => errors.add(ROUTES_TO_MARKET, "Select routes to market from the list"),
            }
        }
        if routes.is_empty() {
            errors.add(ROUTES_TO_MARKET, "Select at least one route to market");
        }
        let levy_basis_points = validate::percentage(&mut errors, LEVY, input.text(LEVY), "Levy");
        let url = validate::url(
            &mut errors,
            URL,
            input.text(URL),
            "the link to the owner's page",
            500,
        );
        let eligibility = match EligibilityScope::parse(input.text(ELIGIBILITY_SCOPE)) {
            Some(EligibilityScope::AllUkPublicSector) => Some(Eligibility::AllUkPublicSector),
            Some(EligibilityScope::Listed) => {
                let mut entries: Vec<(EligibilityKind, String)> = Vec::new();
                for kind in EligibilityKind::ALL {
                    for value in input.all(kind.field()) {
                        // Each entry once, however often it was sent.
                        if !entries.iter().any(|(k, v)| k == kind && *v == value) {
                            entries.push((*kind, value));
                        }
                    }
                }
                if entries.is_empty() {
                    errors.add(ELIGIBLE_BUYER_TYPES, "Select at least one type of buyer, footprint or region that may use the framework");
                }
                Some(Eligibility::Listed(entries))
            }
            None => {
                errors.add(ELIGIBILITY_SCOPE, "Select who may use the framework");
                None
            }
        };
        let details = (|| {
            Some(FrameworkDetails {
                reference,
                title,
                owner_name,
                owner_organisation_id,
                description,
                term: term?,
                routes,
                levy_basis_points,
                eligibility: eligibility?,
                url,
            })
        })();
        finish(errors, details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::commands::form;

    fn valid() -> Vec<(String, String)> {
        form(&[
            (REFERENCE, "GM-DTS-01"),
            (TITLE, "Digital and technology services"),
            (OWNER_NAME, "Greater Manchester Combined Authority"),
            ("start_date-day", "1"),
            ("start_date-month", "4"),
            ("start_date-year", "2026"),
            ("end_date-day", "31"),
            ("end_date-month", "3"),
            ("end_date-year", "2030"),
            (ROUTES_TO_MARKET, "direct_award"),
            (ROUTES_TO_MARKET, "direct_award"),
            (LEVY, "0.5"),
            (ELIGIBILITY_SCOPE, "listed"),
            (ELIGIBLE_FOOTPRINTS, "E47000001"),
            (ELIGIBLE_REGIONS, "North West"),
        ])
    }

    #[test]
    fn a_complete_framework_parses_into_typed_values() {
        let details = FrameworkDetails::parse(&Input(&valid())).unwrap();
        assert_eq!(details.routes, vec![RouteToMarket::DirectAward]);
        assert_eq!(details.levy_basis_points, Some(50));
        assert_eq!(details.term.end, time::macros::date!(2030 - 03 - 31));
        assert_eq!(
            details.eligibility,
            Eligibility::Listed(vec![
                (EligibilityKind::Footprint, "E47000001".into()),
                (EligibilityKind::Region, "North West".into()),
            ])
        );
        assert_eq!(details.owner_organisation_id, None);
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut bad = valid();
        bad.retain(|(name, _)| {
            name != ROUTES_TO_MARKET && name != ELIGIBLE_FOOTPRINTS && name != ELIGIBLE_REGIONS
        });
        bad.push((REFERENCE.into(), "RM 6098".into()));
        bad.retain(|(name, value)| !(name == REFERENCE && value == "GM-DTS-01"));
        bad.push((OWNER_ORGANISATION_ID.into(), "not-an-id".into()));
        bad.push((ROUTES_TO_MARKET.into(), "auction".into()));
        let errors = FrameworkDetails::parse(&Input(&bad)).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                REFERENCE,
                OWNER_ORGANISATION_ID,
                ROUTES_TO_MARKET,
                ELIGIBLE_BUYER_TYPES
            ]
        );
    }

    #[test]
    fn stored_values_and_labels_round_trip() {
        for route in RouteToMarket::ALL {
            assert_eq!(RouteToMarket::parse(route.as_str()), Some(*route));
        }
        assert_eq!(
            RouteToMarket::CHOICES[1],
            ("further_competition", "Further competition")
        );
        assert_eq!(EligibilityKind::Footprint.field(), ELIGIBLE_FOOTPRINTS);
    }
}
