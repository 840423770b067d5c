//! Typed commands: what each change asks for, parsed once from a submission
//! ([`Input`]: form fields today, a JSON object or an import row tomorrow)
//! into validated values, or into field errors that name the field.
//!
//! Each command module defines its field names once, as constants; the page
//! that renders the form, the parser and the values shown again after a
//! failed submission all use them. Parsing checks what the submission alone
//! can tell (required, lengths, formats, dates, choices from fixed lists);
//! the service checks what needs the database (a CPV code exists, a lot is
//! one the supplier holds) and the permission.
pub mod account;
pub mod contract;
pub mod follow;
pub mod framework;
pub mod intent;
pub mod lot;
pub mod offer;
pub mod shortlist;
pub mod supplier;

pub use account::{
    AccountStatus, EmailLink, NewAccount, PasswordChange, PasswordReset, PasswordResetRequest,
    RoleGrant, SignIn,
};
pub use contract::{CallOff, ContractDetails, ContractSource};
pub use follow::{FollowDemand, Followed, Unsubscribe};
pub use framework::{
    Eligibility, EligibilityKind, EligibilityScope, FrameworkDetails, RouteToMarket,
};
pub use intent::{
    AwardedTo, IntentDetails, IntentJoin, IntentLead, IntentStatus, IntentStatusChange,
    ParticipantStatus,
};
pub use lot::{LotDetails, LotPlace, PlaceStatus};
pub use offer::{OfferDetails, OfferStatus, PricingModel};
pub use shortlist::ShortlistDetails;
pub use supplier::{
    AccessDecision, AccessRequest, AccessRequestStatus, ColleagueInvite, SupplierChoice,
    SupplierMerge, SupplierProfile, SupplierTransfer, Verification,
};

use serde::{Deserialize, Serialize};
use time::Date;

use super::FieldErrors;
use super::validate::{self, Input};

/// A change request that can be read from a submission.
pub trait Command: Sized {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors>;
}

/// Defines an enum of fixed choices with its stored value and its label,
/// e.g. a route to market or a lot-place status. Stored values never change
/// (they are in the database); labels are what pages show.
macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($value:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// (stored value, label) pairs, in the order pages list them.
            pub const CHOICES: &'static [(&'static str, &'static str)] = &[$(($value, $label)),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value),+
                }
            }

            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $($value => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use choices;

/// When an agreement runs: start, end, and the latest end if every
/// extension is taken. Frameworks and contracts share the rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub start: Date,
    pub end: Date,
    pub max_extension_end: Option<Date>,
}

/// The names of a term's three date inputs (each is `{name}-day` etc.).
pub const START_DATE: &str = "start_date";
pub const END_DATE: &str = "end_date";
pub const MAX_EXTENSION_END: &str = "max_extension_end";

impl Term {
    /// Reads the three dates: start and end required, end on or after start,
    /// the latest extension (optional) on or after the end.
    pub fn parse(errors: &mut FieldErrors, input: &Input<'_>) -> Option<Term> {
        let start = validate::date(errors, input, START_DATE, "the start date", true);
        let end = validate::date(errors, input, END_DATE, "the end date", true);
        let max_extension_end = validate::date(
            errors,
            input,
            MAX_EXTENSION_END,
            "the latest extension date",
            false,
        );
        validate::not_before(
            errors,
            END_DATE,
            end,
            start,
            "The end date must be on or after the start date",
        );
        validate::not_before(
            errors,
            MAX_EXTENSION_END,
            max_extension_end,
            end,
            "The latest extension date must be on or after the end date",
        );
        Some(Term {
            start: start?,
            end: end?,
            max_extension_end,
        })
    }

    /// The date inputs' values for an edit form.
    pub fn values(
        values: &mut Vec<(String, String)>,
        start: Option<Date>,
        end: Option<Date>,
        max_extension_end: Option<Date>,
    ) {
        validate::date_values(values, START_DATE, start);
        validate::date_values(values, END_DATE, end);
        validate::date_values(values, MAX_EXTENSION_END, max_extension_end);
    }
}

/// A form with nothing to fill in but its button: confirming a removal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation;

impl Command for Confirmation {
    fn parse(_: &Input<'_>) -> Result<Self, FieldErrors> {
        Ok(Confirmation)
    }
}

/// Finishes a parse: the command when no field had an error.
fn finish<T>(errors: FieldErrors, value: Option<T>) -> Result<T, FieldErrors> {
    match value {
        Some(value) if errors.is_empty() => Ok(value),
        // Every path that yields no value records why.
        _ if !errors.is_empty() => Err(errors),
        _ => {
            let mut errors = errors;
            errors.add("submit", "Check your answers and send the form again");
            Err(errors)
        }
    }
}

/// Builds a list of (name, value) pairs for a form's initial values.
pub fn pairs<'a>(values: impl IntoIterator<Item = (&'a str, String)>) -> Vec<(String, String)> {
    values
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// A submission from (name, value) pairs, for the parsers' tests.
#[cfg(test)]
pub(crate) fn form(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).into(), (*b).into()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_runs_forwards() {
        let form = form(&[
            ("start_date-day", "1"),
            ("start_date-month", "4"),
            ("start_date-year", "2026"),
            ("end_date-day", "31"),
            ("end_date-month", "3"),
            ("end_date-year", "2026"),
        ]);
        let mut errors = FieldErrors::default();
        // Both dates are real, so the term is read, but the order is an error.
        assert!(Term::parse(&mut errors, &Input(&form)).is_some());
        assert_eq!(
            errors.0[0].message,
            "The end date must be on or after the start date"
        );
        assert_eq!(errors.0[0].field, END_DATE);
    }
}
