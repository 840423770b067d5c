//! Joint buying intents: the stages an intent and its participants pass
//! through (the demand issue adds the commands that move them).
use serde::{Deserialize, Serialize};

use super::choices;

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

choices! {
    /// Where one council stands on an intent it joined.
    ParticipantStatus {
        Interested = ("interested", "Interested"),
        Committed = ("committed", "Committed"),
        Withdrawn = ("withdrawn", "Withdrawn"),
    }
}
