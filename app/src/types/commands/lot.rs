//! A lot of a framework, and a supplier's place on a lot.
use serde::{Deserialize, Serialize};

use super::{Command, SupplierChoice, choices, finish};
use crate::types::FieldErrors;
use crate::types::validate::{self, Input};

pub const NUMBER: &str = "number";
pub const TITLE: &str = "title";
pub const DESCRIPTION: &str = "description";
pub const CPV_CODES: &str = "cpv_codes";

pub const SUPPLIER_NAME: &str = "supplier_name";
pub const COMPANIES_HOUSE_NUMBER: &str = "companies_house_number";
pub const STATUS: &str = "status";

/// A lot's details (new, or changed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotDetails {
    pub number: String,
    pub title: String,
    pub description: Option<String>,
    /// Well-formed CPV codes; the service checks they are in CPV 2008.
    pub cpv_codes: Vec<String>,
}

impl Command for LotDetails {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let number = input.required(&mut errors, NUMBER, "the lot number", 16);
        let title = input.required(&mut errors, TITLE, "the lot title", 400);
        let description = input.optional(&mut errors, DESCRIPTION, "the description", 5000);
        let cpv_codes = validate::cpv_codes(&mut errors, CPV_CODES, input.text(CPV_CODES));
        finish(
            errors,
            Some(LotDetails {
                number,
                title,
                description,
                cpv_codes,
            }),
        )
    }
}

choices! {
    /// A supplier's standing on a lot, as the framework's curator records it.
    PlaceStatus {
        Active = ("active", "Active"),
        Suspended = ("suspended", "Suspended"),
        Excluded = ("excluded", "Excluded"),
    }
}

/// A supplier's place on a lot: which supplier record (picked by id, or an
/// explicitly new one) and their status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotPlace {
    pub supplier: SupplierChoice,
    pub status: PlaceStatus,
}

impl Command for LotPlace {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let supplier =
            SupplierChoice::parse(&mut errors, input, SUPPLIER_NAME, COMPANIES_HOUSE_NUMBER);
        let status = PlaceStatus::parse(input.text(STATUS));
        if status.is_none() {
            errors.add(STATUS, "Select the supplier's status on this lot");
        }
        finish(
            errors,
            supplier
                .zip(status)
                .map(|(supplier, status)| LotPlace { supplier, status }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::commands::{form, supplier};

    #[test]
    fn a_lot_reads_its_cpv_codes_in_any_common_notation() {
        let lot = LotDetails::parse(&Input(&form(&[
            (NUMBER, "2a"),
            (TITLE, "Cloud software"),
            (CPV_CODES, "72000000-5, 48000000\n72000000"),
        ])))
        .unwrap();
        assert_eq!(lot.cpv_codes, ["72000000", "48000000"]);
        let errors =
            LotDetails::parse(&Input(&form(&[(NUMBER, "1"), (CPV_CODES, "7200")]))).unwrap_err();
        assert_eq!(errors.0[0].field, TITLE);
        assert_eq!(
            errors.0[1].message,
            "7200 is not a CPV code: enter 8 digits, like 72000000"
        );
    }

    #[test]
    fn a_place_needs_a_known_status() {
        let place = LotPlace::parse(&Input(&form(&[
            (supplier::PICK, supplier::NEW_SUPPLIER),
            (SUPPLIER_NAME, "Acme Ltd"),
            (COMPANIES_HOUSE_NUMBER, "1234567"),
            (STATUS, "suspended"),
        ])))
        .unwrap();
        assert_eq!(place.status, PlaceStatus::Suspended);
        assert_eq!(
            place.supplier,
            SupplierChoice::New {
                name: "Acme Ltd".into(),
                companies_house_number: Some("01234567".into())
            }
        );
        let errors = LotPlace::parse(&Input(&form(&[
            (supplier::PICK, supplier::NEW_SUPPLIER),
            (SUPPLIER_NAME, "Acme"),
            (STATUS, "gone"),
        ])))
        .unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, STATUS);
    }
}
