//! Joint buying intents on the wire: the list, one intent with its
//! participants and history, its forms, and the similar purchases the live
//! duplicate check finds for a need.
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::commands::{IntentStatus, ParticipantStatus};

/// One intent in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentSummary {
    pub id: Uuid,
    pub title: String,
    pub owner_name: String,
    pub footprint_name: Option<String>,
    pub status: IntentStatus,
    /// The owner's share and every share not withdrawn.
    pub combined_value_pence: i64,
    /// Councils taking part (the owner included, the withdrawn not).
    pub councils: usize,
    pub window_start: Option<Date>,
    pub window_end: Option<Date>,
}

/// One council's part in an intent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantView {
    pub organisation_id: Uuid,
    pub council_name: String,
    pub gss_code: Option<String>,
    pub is_owner: bool,
    pub status: ParticipantStatus,
    /// Shown to signed-in public-sector users only.
    pub value_pence: Option<i64>,
    pub volume: Option<String>,
}

/// One entry in an intent's history (from the audit log).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// `2026-12-06 09:14` (UTC).
    pub at: String,
    pub who: String,
    pub what: String,
}

/// A similar purchase found by the live duplicate check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimilarPurchase {
    /// "Contract", "Planned purchase" or "Buying intent".
    pub kind_label: String,
    /// Its page on this service (planned purchases have none yet).
    pub href: Option<String>,
    /// The notice or register reference it was published under.
    pub reference: Option<String>,
    pub title: String,
    pub buyers: Vec<String>,
    pub suppliers: Vec<String>,
    pub value_pence: Option<i64>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    /// Why it matched, in words.
    pub reasons: Vec<String>,
    /// 0–1.
    pub score: f64,
    /// A buyer is in the footprint the need is in.
    pub near: bool,
}

/// One intent's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntentView {
    pub summary: IntentSummary,
    pub description: String,
    pub owner_gss: Option<String>,
    pub footprint_code: Option<String>,
    /// (code, label)
    pub cpv_codes: Vec<(String, String)>,
    pub lead_name: Option<String>,
    /// What it was awarded as: (label, link).
    pub awarded: Option<(String, String)>,
    pub participants: Vec<ParticipantView>,
    /// Empty unless the viewer may see the detail (signed-in public sector).
    pub history: Vec<HistoryEntry>,
    pub shows_detail: bool,
    /// The viewer may join (a council buyer, the intent still open).
    pub may_join: bool,
    /// The viewer may name the lead and move the status.
    pub may_manage: bool,
    pub similar: Vec<SimilarPurchase>,
}

/// The registration form's choices, and after a check what it found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntentFormOptions {
    pub council_name: String,
    pub gss_code: String,
    /// The council's footprints: (code, name).
    pub footprints: Vec<(String, String)>,
    /// `Some` once the entered need has been checked.
    pub similar: Option<Vec<SimilarPurchase>>,
}

/// What the join, lead and status forms need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntentActionOptions {
    pub id: Uuid,
    pub title: String,
    pub status: IntentStatus,
    /// Join: the councils the viewer may join for, (GSS code, name).
    /// Lead: the bodies that may lead, (id, name).
    /// Status: the stages it may move to, (value, label).
    pub choices: Vec<(String, String)>,
}
