//! A shortlist: a search's results frozen under a name, for a council.
use serde::{Deserialize, Serialize};

use super::{Command, finish};
use crate::types::FieldErrors;
use crate::types::validate::Input;

pub const NAME: &str = "name";
pub const COUNCIL: &str = "council";

/// The longest shortlist name (the column's length).
pub const MAX_NAME: usize = 120;

/// What the "save as a shortlist" form asks: a name, and (for a buyer of
/// several councils) whose shortlist it is. The search itself is the
/// page's URL query, read separately.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortlistDetails {
    pub name: String,
    /// The council's GSS code as chosen; `None` when the form had no choice
    /// (the buyer acts for one council).
    pub council: Option<String>,
}

impl Command for ShortlistDetails {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = input.required(&mut errors, NAME, "a name for the shortlist", MAX_NAME);
        let council = Some(input.text(COUNCIL).to_owned()).filter(|c| !c.is_empty());
        finish(errors, Some(ShortlistDetails { name, council }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::commands::form;

    #[test]
    fn a_shortlist_needs_a_name_of_at_most_120_characters() {
        let empty = ShortlistDetails::parse(&Input(&form(&[("name", "  ")]))).unwrap_err();
        assert_eq!(empty.0[0].field, NAME);
        assert_eq!(empty.0[0].message, "Enter a name for the shortlist");
        let long = "x".repeat(121);
        let too_long = ShortlistDetails::parse(&Input(&form(&[("name", &long)]))).unwrap_err();
        assert_eq!(
            too_long.0[0].message,
            "A name for the shortlist must be 120 characters or fewer"
        );
        let read = ShortlistDetails::parse(&Input(&form(&[
            ("name", " Grit suppliers "),
            ("council", "E08000003"),
        ])))
        .unwrap();
        assert_eq!(read.name, "Grit suppliers");
        assert_eq!(read.council.as_deref(), Some("E08000003"));
    }
}
