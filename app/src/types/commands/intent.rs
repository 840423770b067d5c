//! Joint buying intents: a council's need registered for others to join,
//! the stages an intent and its participants pass through, and the commands
//! that move them.
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::{Command, choices, finish};
use crate::types::FieldErrors;
use crate::types::validate::{self, Input};

pub const TITLE: &str = "title";
pub const DESCRIPTION: &str = "description";
pub const CPV_CODES: &str = "cpv_codes";
pub const VALUE: &str = "value";
/// The earliest and latest dates the council can buy by.
pub const WINDOW_START: &str = "window_start";
pub const WINDOW_END: &str = "window_end";
pub const FOOTPRINT: &str = "footprint";
/// Which of the registration form's buttons was pressed: [`CHECK`] shows
/// similar purchases and saves nothing; [`REGISTER`] saves.
pub const ACTION: &str = "action";
pub const CHECK: &str = "check";
pub const REGISTER: &str = "register";

pub const COUNCIL: &str = "council";
pub const VOLUME: &str = "volume";
pub const PARTICIPANT_STATUS: &str = "participant_status";
pub const LEAD: &str = "lead";
pub const STATUS: &str = "status";
/// What an awarded intent became: a framework reference or a contract's
/// address on this service.
pub const AWARDED_TO: &str = "awarded_to";

choices! {
    /// Where a joint buying intent stands.
    IntentStatus {
        Open = ("open", "Open to join"),
        Committed = ("committed", "Participants committed"),
        InProcurement = ("in_procurement", "In procurement"),
        Awarded = ("awarded", "Awarded"),
        Withdrawn = ("withdrawn", "Withdrawn"),
    }
}

impl IntentStatus {
    /// Awarded and withdrawn intents do not move again.
    pub fn is_final(self) -> bool {
        matches!(self, IntentStatus::Awarded | IntentStatus::Withdrawn)
    }

    /// The stages an intent may move to from this one: forward through the
    /// procurement, or withdrawn at any point before it ends.
    pub fn next(self) -> &'static [IntentStatus] {
        use IntentStatus::*;
        match self {
            Open => &[Committed, InProcurement, Withdrawn],
            Committed => &[InProcurement, Awarded, Withdrawn],
            InProcurement => &[Awarded, Withdrawn],
            Awarded | Withdrawn => &[],
        }
    }

    /// Whether other councils may still join (or change their share).
    pub fn is_joinable(self) -> bool {
        matches!(self, IntentStatus::Open | IntentStatus::Committed)
    }
}

choices! {
    /// Where one council stands on an intent it joined.
    ParticipantStatus {
        Interested = ("interested", "Interested"),
        Committed = ("committed", "Committed"),
        Withdrawn = ("withdrawn", "Withdrawn"),
    }
}

/// A need to register: what, how much, when, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentDetails {
    pub title: String,
    pub description: String,
    pub cpv_codes: Vec<String>,
    /// The registering council's own share.
    pub value_pence: i64,
    pub window_start: Date,
    pub window_end: Date,
    /// A footprint code (`GMCA`); the service checks the council belongs.
    pub footprint: String,
    /// True when the form asked only to check for similar purchases.
    pub check_only: bool,
}

impl Command for IntentDetails {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = input.required(&mut errors, TITLE, "what you need to buy", 300);
        let description = input.required(
            &mut errors,
            DESCRIPTION,
            "a description of the need",
            10_000,
        );
        let cpv_codes = validate::cpv_codes(&mut errors, CPV_CODES, input.text(CPV_CODES));
        if cpv_codes.is_empty() && !errors.has(CPV_CODES) {
            errors.add(CPV_CODES, "Enter at least one CPV code, like 90511000");
        }
        let value_pence = validate::money(&mut errors, VALUE, input.text(VALUE), "Estimated value");
        if value_pence.is_none() && !errors.has(VALUE) {
            errors.add(VALUE, "Enter your council's estimated value");
        }
        let window_start = validate::date(
            &mut errors,
            input,
            WINDOW_START,
            "the earliest date you could buy",
            true,
        );
        let window_end = validate::date(
            &mut errors,
            input,
            WINDOW_END,
            "the date by which you must buy",
            true,
        );
        validate::not_before(
            &mut errors,
            WINDOW_END,
            window_end,
            window_start,
            "The date by which you must buy must be on or after the earliest date",
        );
        let footprint = input.text(FOOTPRINT).trim().to_owned();
        if footprint.is_empty() {
            errors.add(FOOTPRINT, "Select the footprint you are buying in");
        }
        let check_only = input.text(ACTION) != REGISTER;
        let details = (|| {
            Some(IntentDetails {
                title,
                description,
                cpv_codes,
                value_pence: value_pence?,
                window_start: window_start?,
                window_end: window_end?,
                footprint,
                check_only,
            })
        })();
        finish(errors, details)
    }
}

/// A council joining an intent, or changing its share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentJoin {
    /// The joining council's GSS code (a buyer may act for several).
    pub council: String,
    pub value_pence: i64,
    /// Quantities, sites or users, in the council's words.
    pub volume: Option<String>,
    pub status: ParticipantStatus,
}

impl Command for IntentJoin {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let council = input.text(COUNCIL).trim().to_owned();
        if council.is_empty() {
            errors.add(COUNCIL, "Select the council you are joining for");
        }
        let value_pence = validate::money(
            &mut errors,
            VALUE,
            input.text(VALUE),
            "Your estimated value",
        );
        if value_pence.is_none() && !errors.has(VALUE) {
            errors.add(VALUE, "Enter your council's estimated value");
        }
        let volume = input.optional(&mut errors, VOLUME, "the volume", 500);
        let status = ParticipantStatus::parse(input.text(PARTICIPANT_STATUS));
        if status.is_none() {
            errors.add(
                PARTICIPANT_STATUS,
                "Select whether your council is interested, committed or withdrawing",
            );
        }
        let join = (|| {
            Some(IntentJoin {
                council,
                value_pence: value_pence?,
                volume,
                status: status?,
            })
        })();
        finish(errors, join)
    }
}

/// Naming the body that runs the joint procurement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentLead {
    pub organisation_id: Uuid,
}

impl Command for IntentLead {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let lead = Uuid::parse_str(input.text(LEAD)).ok();
        if lead.is_none() {
            errors.add(LEAD, "Select the lead body");
        }
        finish(
            errors,
            lead.map(|organisation_id| IntentLead { organisation_id }),
        )
    }
}

/// What an awarded intent became.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AwardedTo {
    Contract(Uuid),
    Framework(String),
}

/// Moving an intent to its next stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentStatusChange {
    pub status: IntentStatus,
    /// Required when the status is awarded.
    pub awarded_to: Option<AwardedTo>,
}

impl Command for IntentStatusChange {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let status = IntentStatus::parse(input.text(STATUS));
        if status.is_none() {
            errors.add(STATUS, "Select the intent's new status");
        }
        let named = input.text(AWARDED_TO).trim();
        let awarded_to = if named.is_empty() {
            None
        } else if let Some(id) = contract_id_in(named) {
            Some(AwardedTo::Contract(id))
        } else if named.contains('/') || named.chars().count() > 100 {
            errors.add(
                AWARDED_TO,
                "Enter a framework reference, like RM6098, or the address of a contract on this service",
            );
            None
        } else {
            Some(AwardedTo::Framework(named.to_owned()))
        };
        if status == Some(IntentStatus::Awarded) && awarded_to.is_none() && !errors.has(AWARDED_TO)
        {
            errors.add(
                AWARDED_TO,
                "Enter the framework reference or the contract's address it was awarded as",
            );
        }
        let change = status.map(|status| IntentStatusChange {
            status,
            awarded_to: if status == IntentStatus::Awarded {
                awarded_to
            } else {
                None
            },
        });
        finish(errors, change)
    }
}

/// The contract id in a contract's address (`…/contracts/<id>`) or a bare id.
fn contract_id_in(text: &str) -> Option<Uuid> {
    let last = text.trim_end_matches('/').rsplit('/').next()?;
    let id = Uuid::parse_str(last).ok()?;
    (text == last || text.contains("/contracts/")).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::commands::form;

    fn intent_form(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut fields = vec![
            (TITLE, "Winter road gritting salt"),
            (DESCRIPTION, "Rock salt for the winter service"),
            (CPV_CODES, "34927100-2"),
            (VALUE, "£120,000"),
            ("window_start-day", "1"),
            ("window_start-month", "4"),
            ("window_start-year", "2027"),
            ("window_end-day", "30"),
            ("window_end-month", "9"),
            ("window_end-year", "2027"),
            (FOOTPRINT, "GMCA"),
        ];
        fields.extend_from_slice(extra);
        form(&fields)
    }

    #[test]
    fn an_intent_checks_before_it_registers() {
        let checked = IntentDetails::parse(&Input(&intent_form(&[]))).unwrap();
        assert!(checked.check_only, "no button named means check first");
        assert_eq!(checked.cpv_codes, ["34927100"]);
        assert_eq!(checked.value_pence, 12_000_000);
        let saved = IntentDetails::parse(&Input(&intent_form(&[(ACTION, REGISTER)]))).unwrap();
        assert!(!saved.check_only);
    }

    #[test]
    fn an_intent_names_every_missing_field_and_a_backwards_window() {
        let errors = IntentDetails::parse(&Input(&[])).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                TITLE,
                DESCRIPTION,
                CPV_CODES,
                VALUE,
                WINDOW_START,
                WINDOW_END,
                FOOTPRINT
            ]
        );
        let mut backwards = intent_form(&[]);
        for (name, value) in backwards.iter_mut() {
            if name == "window_end-year" {
                *value = "2026".into();
            }
        }
        let errors = IntentDetails::parse(&Input(&backwards)).unwrap_err();
        assert_eq!(
            errors.message(WINDOW_END),
            Some("The date by which you must buy must be on or after the earliest date")
        );
    }

    #[test]
    fn joining_needs_a_council_a_value_and_a_stance() {
        let errors = IntentJoin::parse(&Input(&[])).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, [COUNCIL, VALUE, PARTICIPANT_STATUS]);
        let join = IntentJoin::parse(&Input(&form(&[
            (COUNCIL, "E08000007"),
            (VALUE, "80000"),
            (VOLUME, "  2,000 tonnes  "),
            (PARTICIPANT_STATUS, "committed"),
        ])))
        .unwrap();
        assert_eq!(join.value_pence, 8_000_000);
        assert_eq!(join.volume.as_deref(), Some("2,000 tonnes"));
        assert_eq!(join.status, ParticipantStatus::Committed);
    }

    #[test]
    fn an_award_names_what_it_became() {
        let id = Uuid::from_u128(7);
        let parse = |status: &str, to: &str| {
            IntentStatusChange::parse(&Input(&form(&[(STATUS, status), (AWARDED_TO, to)])))
        };
        let errors = parse("awarded", "").unwrap_err();
        assert!(errors.has(AWARDED_TO));
        assert_eq!(
            parse("awarded", &format!("https://example.gov.uk/contracts/{id}"))
                .unwrap()
                .awarded_to,
            Some(AwardedTo::Contract(id))
        );
        assert_eq!(
            parse("awarded", "RM6098").unwrap().awarded_to,
            Some(AwardedTo::Framework("RM6098".into()))
        );
        assert!(parse("awarded", "https://example.com/x").is_err());
        // Only an award keeps what it became.
        assert_eq!(parse("committed", "RM6098").unwrap().awarded_to, None);
        assert!(parse("finished", "").unwrap_err().has(STATUS));
    }

    #[test]
    fn stages_move_forward_and_end() {
        use IntentStatus::*;
        for status in IntentStatus::ALL {
            assert!(!status.next().contains(status), "{status:?} to itself");
            assert_eq!(status.next().is_empty(), status.is_final());
        }
        assert!(!Committed.next().contains(&Open));
        assert!(Open.is_joinable() && Committed.is_joinable() && !InProcurement.is_joinable());
    }
}
