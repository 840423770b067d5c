//! A supplier's offer: a service definition buyers can find.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Command, choices, finish};
use crate::types::FieldErrors;
use crate::types::validate::{self, Input};

pub const TITLE: &str = "title";
pub const SUMMARY: &str = "summary";
pub const DESCRIPTION: &str = "description";
pub const FEATURES: &str = "features";
pub const BENEFITS: &str = "benefits";
pub const PRICING_MODEL: &str = "pricing_model";
pub const PRICE: &str = "price";
pub const PRICE_UNIT: &str = "price_unit";
pub const CPV_CODES: &str = "cpv_codes";
/// Checkboxes: lot ids.
pub const LOTS: &str = "lots";
/// Checkboxes: footprint ids.
pub const FOOTPRINTS: &str = "footprints";
pub const ACCESSIBILITY_NOTES: &str = "accessibility_notes";
pub const OPEN_STANDARDS_NOTES: &str = "open_standards_notes";
pub const STATUS: &str = "status";

choices! {
    /// How an offer is priced.
    PricingModel {
        Fixed = ("fixed", "Fixed price"),
        PerUserPerMonth = ("per_user_per_month", "Per user per month"),
        PerDay = ("per_day", "Per day"),
        PerUnit = ("per_unit", "Per unit"),
        Free = ("free", "Free"),
        OnApplication = ("on_application", "Price on application"),
    }
}

impl PricingModel {
    /// Whether an offer priced this way states a price.
    pub fn has_price(self) -> bool {
        !matches!(self, PricingModel::Free | PricingModel::OnApplication)
    }
}

choices! {
    /// Who can see an offer.
    OfferStatus {
        Published = ("published", "Published: anyone can see it"),
        Draft = ("draft", "Draft: only your organisation can see it"),
        Withdrawn = ("withdrawn", "Withdrawn: no longer offered"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferDetails {
    pub title: String,
    pub summary: String,
    pub description: Option<String>,
    pub features: Option<String>,
    pub benefits: Option<String>,
    pub pricing_model: PricingModel,
    /// Set exactly when the pricing model has a price.
    pub price_pence: Option<i64>,
    pub price_unit: Option<String>,
    pub accessibility_notes: Option<String>,
    pub open_standards_notes: Option<String>,
    pub status: OfferStatus,
    /// Well-formed CPV codes (at least one); the service checks they exist.
    pub cpv_codes: Vec<String>,
    /// Lots it is sold through; the service checks the supplier holds them.
    pub lots: Vec<Uuid>,
    pub footprints: Vec<Uuid>,
}

/// Ids ticked in a checkbox list; a value that is not an id is an error.
fn ids(errors: &mut FieldErrors, input: &Input<'_>, field: &str, message: &str) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for value in input.all(field) {
        match value.parse::<Uuid>() {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => errors.add(field, message),
        }
    }
    ids
}

pub const LOTS_MESSAGE: &str = "Select only lots your organisation holds an active place on";
pub const FOOTPRINTS_MESSAGE: &str = "Select footprints from the list";

impl Command for OfferDetails {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = input.required(&mut errors, TITLE, "the offer's title", 300);
        let summary = input.required(&mut errors, SUMMARY, "a summary", 1000);
        let description = input.optional(&mut errors, DESCRIPTION, "the description", 10_000);
        let features = input.optional(&mut errors, FEATURES, "the features", 5000);
        let benefits = input.optional(&mut errors, BENEFITS, "the benefits", 5000);
        let pricing_model = PricingModel::parse(input.text(PRICING_MODEL));
        if pricing_model.is_none() {
            errors.add(PRICING_MODEL, "Select how the offer is priced");
        }
        let price_pence = validate::money(&mut errors, PRICE, input.text(PRICE), "Price");
        let priced = pricing_model.is_none_or(PricingModel::has_price);
        if priced && price_pence.is_none() && !errors.has(PRICE) {
            errors.add(PRICE, "Enter the price");
        }
        let price_unit = input.optional(&mut errors, PRICE_UNIT, "the price unit", 64);
        let accessibility_notes = input.optional(
            &mut errors,
            ACCESSIBILITY_NOTES,
            "the accessibility notes",
            5000,
        );
        let open_standards_notes = input.optional(
            &mut errors,
            OPEN_STANDARDS_NOTES,
            "the open standards notes",
            5000,
        );
        let status = OfferStatus::parse(input.text(STATUS));
        if status.is_none() {
            errors.add(STATUS, "Select whether to publish the offer");
        }
        let cpv_codes = validate::cpv_codes(&mut errors, CPV_CODES, input.text(CPV_CODES));
        if cpv_codes.is_empty() && !errors.has(CPV_CODES) {
            errors.add(CPV_CODES, "Enter at least one CPV code, like 72000000");
        }
        let lots = ids(&mut errors, input, LOTS, LOTS_MESSAGE);
        let footprints = ids(&mut errors, input, FOOTPRINTS, FOOTPRINTS_MESSAGE);
        let details = (|| {
            let pricing_model = pricing_model?;
            Some(OfferDetails {
                title,
                summary,
                description,
                features,
                benefits,
                pricing_model,
                price_pence: price_pence.filter(|_| pricing_model.has_price()),
                price_unit,
                accessibility_notes,
                open_standards_notes,
                status: status?,
                cpv_codes,
                lots,
                footprints,
            })
        })();
        finish(errors, details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::commands::form;

    #[test]
    fn a_free_offer_has_no_price_and_a_priced_one_needs_one() {
        let mut fields = form(&[
            (TITLE, "Repairs"),
            (SUMMARY, "Case management"),
            (PRICING_MODEL, "free"),
            (PRICE, "10"),
            (STATUS, "draft"),
            (CPV_CODES, "72000000"),
        ]);
        let free = OfferDetails::parse(&Input(&fields)).unwrap();
        assert_eq!(free.price_pence, None);
        assert_eq!(free.status, OfferStatus::Draft);
        fields.retain(|(n, _)| n != PRICING_MODEL && n != PRICE);
        fields.push((PRICING_MODEL.into(), "per_day".into()));
        let errors = OfferDetails::parse(&Input(&fields)).unwrap_err();
        assert_eq!(errors.0[0].field, PRICE);
        fields.push((LOTS.into(), "lot-one".into()));
        let errors = OfferDetails::parse(&Input(&fields)).unwrap_err();
        assert!(errors.has(LOTS));
    }
}
