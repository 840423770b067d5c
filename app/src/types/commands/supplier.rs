//! A supplier organisation's profile, and adding a colleague to edit it.
use serde::{Deserialize, Serialize};

use uuid::Uuid;

use super::{Command, choices, finish};
use crate::types::FieldErrors;
use crate::types::validate::{self, Input};

pub const NAME: &str = "name";
pub const COMPANIES_HOUSE_NUMBER: &str = "companies_house_number";
pub const VAT_NUMBER: &str = "vat_number";
/// Checkboxes: `sme`, `vcse`.
pub const FLAGS: &str = "flags";
pub const REGION: &str = "region";
pub const WEBSITE: &str = "website";
pub const DESCRIPTION: &str = "description";
pub const SME: &str = "sme";
pub const VCSE: &str = "vcse";

pub const COLLEAGUE_EMAIL: &str = "email";

/// The supplier picked in a finder (a record id, or [`NEW_SUPPLIER`]).
pub const PICK: &str = "supplier_id";
/// The finder's search box (a GET parameter, never part of a change).
pub const FIND: &str = "supplier_q";
/// The pick that means "none of these: make a new record".
pub const NEW_SUPPLIER: &str = "new";
/// What someone asking for access says about themselves.
pub const ACCESS_MESSAGE: &str = "message";
pub const DECISION: &str = "decision";
/// The record a merge folds this one into (picked in a finder).
pub const MERGE_INTO: &str = PICK;
/// Who a supplier record is handed to.
pub const TRANSFER_EMAIL: &str = "email";

choices! {
    /// Who vouches for a supplier record. Typed names and numbers (lot
    /// places, contracts, imports) only ever match listed or verified
    /// records, so registering under someone else's name captures nothing.
    Verification {
        /// Made by a curator, a buyer, an import or the demo data.
        Listed = ("listed", "Listed"),
        /// Registered by someone for themselves; not yet checked.
        Unverified = ("unverified", "Not verified"),
        /// A platform admin checked who registered it.
        Verified = ("verified", "Verified"),
    }
}

impl Verification {
    /// Whether typed names and numbers may be matched to the record.
    pub fn is_trusted(self) -> bool {
        self != Verification::Unverified
    }
}

choices! {
    /// Where a request for access to a supplier record stands.
    AccessRequestStatus {
        Pending = ("pending", "Waiting for a decision"),
        Granted = ("granted", "Granted"),
        Refused = ("refused", "Refused"),
    }
}

choices! {
    /// An editor's or admin's answer to a request for access.
    AccessDecision {
        Grant = ("grant", "Let them edit this supplier"),
        Refuse = ("refuse", "Refuse"),
    }
}

/// A supplier's profile as its editor enters it (registering or changing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierProfile {
    pub name: String,
    pub companies_house_number: Option<String>,
    pub vat_number: Option<String>,
    pub is_sme: bool,
    pub is_vcse: bool,
    /// One of the regions or nations the service offers (checked there).
    pub region: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
}

impl Command for SupplierProfile {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = input.required(&mut errors, NAME, "the organisation's name", 300);
        let companies_house_number = validate::companies_house_number(
            &mut errors,
            COMPANIES_HOUSE_NUMBER,
            input.text(COMPANIES_HOUSE_NUMBER),
        );
        let vat_number = validate::vat_number(&mut errors, VAT_NUMBER, input.text(VAT_NUMBER));
        let flags = input.all(FLAGS);
        if flags.iter().any(|f| f != SME && f != VCSE) {
            errors.add(FLAGS, "Select from the list");
        }
        let region = Some(input.text(REGION).to_owned()).filter(|r| !r.is_empty());
        let website = validate::url(
            &mut errors,
            WEBSITE,
            input.text(WEBSITE),
            "the website address",
            300,
        );
        let description = input.optional(&mut errors, DESCRIPTION, "the description", 5000);
        finish(
            errors,
            Some(SupplierProfile {
                name,
                companies_house_number,
                vat_number,
                is_sme: flags.iter().any(|f| f == SME),
                is_vcse: flags.iter().any(|f| f == VCSE),
                region,
                website,
                description,
            }),
        )
    }
}

/// Someone with an account, named by email, to edit the supplier too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColleagueInvite {
    pub email: String,
}

impl Command for ColleagueInvite {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = validate::email(&mut errors, COLLEAGUE_EMAIL, input.text(COLLEAGUE_EMAIL));
        finish(errors, Some(ColleagueInvite { email }))
    }
}

/// Someone asking to edit an existing supplier record: why they should.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequest {
    pub message: String,
}

impl Command for AccessRequest {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let message = input.required(
            &mut errors,
            ACCESS_MESSAGE,
            "your role at the organisation",
            2000,
        );
        finish(errors, Some(AccessRequest { message }))
    }
}

impl Command for AccessDecision {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let decision = AccessDecision::parse(input.text(DECISION));
        if decision.is_none() {
            errors.add(DECISION, "Select whether to let them edit this supplier");
        }
        finish(errors, decision)
    }
}

/// Folding a duplicate supplier record into the one that stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierMerge {
    pub into: Uuid,
}

impl Command for SupplierMerge {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let into = Uuid::parse_str(input.text(MERGE_INTO)).ok();
        if into.is_none() {
            errors.add(MERGE_INTO, "Select the supplier record to keep");
        }
        finish(errors, into.map(|into| SupplierMerge { into }))
    }
}

/// Handing a supplier record to the person who really represents it: they
/// become its only editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierTransfer {
    pub email: String,
}

impl Command for SupplierTransfer {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = validate::email(&mut errors, TRANSFER_EMAIL, input.text(TRANSFER_EMAIL));
        finish(errors, Some(SupplierTransfer { email }))
    }
}

/// A supplier named on a lot place: an existing record picked by id, or a
/// new one described by name (and number).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SupplierChoice {
    Existing(Uuid),
    New {
        name: String,
        companies_house_number: Option<String>,
    },
}

impl SupplierChoice {
    /// Reads the pick (`supplier_id`) and, for a new record, its name and
    /// number from the fields given.
    pub fn parse(
        errors: &mut FieldErrors,
        input: &Input<'_>,
        name_field: &'static str,
        number_field: &'static str,
    ) -> Option<SupplierChoice> {
        let pick = input.text(PICK);
        if pick == NEW_SUPPLIER {
            let name = input.required(errors, name_field, "the supplier's name", 300);
            let companies_house_number =
                validate::companies_house_number(errors, number_field, input.text(number_field));
            return Some(SupplierChoice::New {
                name,
                companies_house_number,
            });
        }
        match Uuid::parse_str(pick) {
            Ok(id) => Some(SupplierChoice::Existing(id)),
            Err(_) => {
                errors.add(
                    PICK,
                    "Select a supplier, or choose to add one that is not listed",
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::commands::form;

    #[test]
    fn a_pick_is_a_record_id_or_an_explicit_new_record() {
        let id = Uuid::from_u128(7);
        let mut errors = FieldErrors::default();
        let picked = form(&[(PICK, &id.to_string())]);
        assert_eq!(
            SupplierChoice::parse(&mut errors, &Input(&picked), NAME, COMPANIES_HOUSE_NUMBER),
            Some(SupplierChoice::Existing(id))
        );
        let new = form(&[
            (PICK, NEW_SUPPLIER),
            (NAME, "Acme Ltd"),
            (COMPANIES_HOUSE_NUMBER, "1234567"),
        ]);
        assert_eq!(
            SupplierChoice::parse(&mut errors, &Input(&new), NAME, COMPANIES_HOUSE_NUMBER),
            Some(SupplierChoice::New {
                name: "Acme Ltd".into(),
                companies_house_number: Some("01234567".into())
            })
        );
        assert!(errors.0.is_empty());
        // A typed name without the explicit "new" pick is not a choice.
        let typed = form(&[(NAME, "Acme Ltd")]);
        assert_eq!(
            SupplierChoice::parse(&mut errors, &Input(&typed), NAME, COMPANIES_HOUSE_NUMBER),
            None
        );
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, PICK);
        let mut errors = FieldErrors::default();
        let nameless = form(&[(PICK, NEW_SUPPLIER)]);
        assert!(
            SupplierChoice::parse(&mut errors, &Input(&nameless), NAME, COMPANIES_HOUSE_NUMBER)
                .is_some()
        );
        assert_eq!(errors.0[0].field, NAME);
    }

    #[test]
    fn only_unverified_claims_are_untrusted() {
        assert!(Verification::Listed.is_trusted());
        assert!(Verification::Verified.is_trusted());
        assert!(!Verification::Unverified.is_trusted());
    }

    #[test]
    fn a_profile_reads_flags_and_normalises_numbers() {
        let form = form(&[
            (NAME, "Acme Digital Ltd"),
            (COMPANIES_HOUSE_NUMBER, "sc123456"),
            (VAT_NUMBER, "123 4567 89"),
            (FLAGS, SME),
        ]);
        let profile = SupplierProfile::parse(&Input(&form)).unwrap();
        assert_eq!(profile.companies_house_number.as_deref(), Some("SC123456"));
        assert_eq!(profile.vat_number.as_deref(), Some("GB123456789"));
        assert!(profile.is_sme && !profile.is_vcse);
        let bad: Vec<(String, String)> = vec![(FLAGS.into(), "charity".into())];
        let errors = SupplierProfile::parse(&Input(&bad)).unwrap_err();
        assert!(errors.has(NAME) && errors.has(FLAGS));
    }
}
