//! A contract in a council's register, possibly a call-off from a lot.
use serde::{Deserialize, Serialize};

use super::{Command, Term, choices, finish};
use crate::types::FieldErrors;
use crate::types::validate::{self, Input};

pub const TITLE: &str = "title";
pub const DESCRIPTION: &str = "description";
/// Suppliers picked in the finder, by record id (repeated field).
pub const SUPPLIER_IDS: &str = super::supplier::PICK;
/// Suppliers not found in the finder: one name per line, each matched to a
/// listed or verified record of that name, or made a new record.
pub const SUPPLIERS: &str = "suppliers";
/// Most suppliers one contract names.
pub const MAX_SUPPLIERS: usize = 20;
pub const CPV_CODES: &str = "cpv_codes";
pub const VALUE: &str = "value";
pub const FRAMEWORK_REFERENCE: &str = "framework_reference";
pub const LOT_NUMBER: &str = "lot_number";

choices! {
    /// Where a contract record came from.
    ContractSource {
        /// Entered in a council's contract register on this service.
        Register = ("register", "The council's contract register"),
        /// An OCDS release (Contracts Finder, Find a Tender…).
        Ocds = ("ocds", "An OCDS notice"),
        /// A council's Local Government Transparency Code CSV.
        TransparencyCsv = ("transparency_csv", "The council's Transparency Code publication"),
        /// A row of the Contracts Finder CSV export.
        ContractsFinder = ("contracts_finder", "A Contracts Finder notice (CSV export)"),
        /// A TED (Official Journal) award notice, from its CSV export.
        Ted = ("ted", "A TED contract award notice"),
    }
}

/// The framework and lot a call-off names, as entered; the service finds
/// them and checks the council may use them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallOff {
    pub framework_reference: String,
    pub lot_number: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractDetails {
    pub title: String,
    pub description: Option<String>,
    /// Supplier records picked by id.
    pub supplier_ids: Vec<uuid::Uuid>,
    /// Suppliers named by typing (not picked); with the picks, 1 to 20.
    pub suppliers: Vec<String>,
    /// Well-formed CPV codes (at least one); the service checks they exist.
    pub cpv_codes: Vec<String>,
    pub value_pence: i64,
    pub term: Term,
    pub call_off: Option<CallOff>,
}

impl Command for ContractDetails {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = input.required(&mut errors, TITLE, "the contract title", 500);
        let description = input.optional(&mut errors, DESCRIPTION, "the description", 10_000);
        let suppliers: Vec<String> = input
            .text(SUPPLIERS)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let picks = input.all(SUPPLIER_IDS);
        let mut supplier_ids: Vec<uuid::Uuid> = Vec::new();
        for pick in &picks {
            match uuid::Uuid::parse_str(pick) {
                Ok(id) if !supplier_ids.contains(&id) => supplier_ids.push(id),
                Ok(_) => {}
                Err(_) => {
                    errors.add(SUPPLIER_IDS, "Select suppliers from the list");
                    break;
                }
            }
        }
        if suppliers.is_empty() && picks.is_empty() {
            errors.add(
                SUPPLIERS,
                "Select the supplier, or enter its name if it is not listed",
            );
        } else if suppliers.len() + supplier_ids.len() > MAX_SUPPLIERS {
            errors.add(SUPPLIERS, "Name 20 suppliers or fewer");
        } else if suppliers.iter().any(|s| s.chars().count() > 300) {
            errors.add(
                SUPPLIERS,
                "Each supplier's name must be 300 characters or fewer",
            );
        }
        let cpv_codes = validate::cpv_codes(&mut errors, CPV_CODES, input.text(CPV_CODES));
        if cpv_codes.is_empty() && !errors.has(CPV_CODES) {
            errors.add(CPV_CODES, "Enter at least one CPV code, like 72000000");
        }
        let value_pence = validate::money(&mut errors, VALUE, input.text(VALUE), "Contract value");
        if value_pence.is_none() && !errors.has(VALUE) {
            errors.add(VALUE, "Enter the contract value");
        }
        let term = Term::parse(&mut errors, input);
        let framework_reference = input.text(FRAMEWORK_REFERENCE).to_owned();
        let lot_number = input.text(LOT_NUMBER).to_owned();
        let call_off =
            (!framework_reference.is_empty() || !lot_number.is_empty()).then_some(CallOff {
                framework_reference,
                lot_number,
            });
        let details = (|| {
            Some(ContractDetails {
                title,
                description,
                supplier_ids,
                suppliers,
                cpv_codes,
                value_pence: value_pence?,
                term: term?,
                call_off,
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
    fn a_contract_needs_value_codes_and_suppliers() {
        let form = form(&[
            (TITLE, "Housing repairs"),
            (SUPPLIERS, " Acme Ltd \n\nOther Ltd"),
            (VALUE, "£250,000"),
            (CPV_CODES, "50700000-2"),
            ("start_date-day", "1"),
            ("start_date-month", "6"),
            ("start_date-year", "2026"),
            ("end_date-day", "31"),
            ("end_date-month", "5"),
            ("end_date-year", "2028"),
            (LOT_NUMBER, "2"),
        ]);
        let details = ContractDetails::parse(&Input(&form)).unwrap();
        assert_eq!(details.suppliers, ["Acme Ltd", "Other Ltd"]);
        assert_eq!(details.value_pence, 25_000_000);
        assert_eq!(details.cpv_codes, ["50700000"]);
        assert_eq!(
            details.call_off,
            Some(CallOff {
                framework_reference: String::new(),
                lot_number: "2".into()
            })
        );
        let errors = ContractDetails::parse(&Input(&[])).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [TITLE, SUPPLIERS, CPV_CODES, VALUE, "start_date", "end_date"]
        );
    }

    #[test]
    fn picked_suppliers_count_with_typed_ones() {
        let (a, b) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
        let mut fields = vec![(SUPPLIER_IDS, a.to_string()), (SUPPLIER_IDS, b.to_string())];
        fields.push((SUPPLIER_IDS, a.to_string()));
        let submitted: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let errors = ContractDetails::parse(&Input(&submitted)).unwrap_err();
        assert!(!errors.has(SUPPLIERS) && !errors.has(SUPPLIER_IDS));
        let mut too_many = submitted.clone();
        too_many.push((
            SUPPLIERS.into(),
            (0..19).map(|i| format!("Firm {i}\n")).collect(),
        ));
        let errors = ContractDetails::parse(&Input(&too_many)).unwrap_err();
        assert_eq!(
            errors.message(SUPPLIERS),
            Some("Name 20 suppliers or fewer")
        );
        let forged = vec![(SUPPLIER_IDS.to_owned(), "Acme Ltd".to_owned())];
        let errors = ContractDetails::parse(&Input(&forged)).unwrap_err();
        assert_eq!(
            errors.message(SUPPLIER_IDS),
            Some("Select suppliers from the list")
        );
    }
}
