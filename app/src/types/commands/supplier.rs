//! A supplier organisation's profile, and adding a colleague to edit it.
use serde::{Deserialize, Serialize};

use super::{Command, finish};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::commands::form;

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
