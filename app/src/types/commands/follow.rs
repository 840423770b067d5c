//! Following demand: a footprint or a CPV division, for a weekly email
//! digest of the buying intents and planned purchases published there.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Command, finish};
use crate::types::FieldErrors;
use crate::types::validate::Input;

/// The field naming what to follow: `footprint:<code>` or `category:<division>`.
pub const FOLLOW: &str = "follow";
/// The field carrying an unsubscribe link's key.
pub const KEY: &str = "key";

/// Demand one can follow (and read as an Atom feed).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Followed {
    /// A footprint, by code (`GMCA`).
    Footprint(String),
    /// A two-digit CPV division (`72`).
    Category(String),
}

impl Followed {
    /// A follow as stored or submitted (`kind`, `code`), when well formed.
    /// Whether the footprint or division exists is the service's question.
    pub fn from_parts(kind: &str, code: &str) -> Option<Self> {
        let code = code.trim();
        match kind {
            "footprint"
                if !code.is_empty()
                    && code.len() <= 32
                    && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                Some(Self::Footprint(code.to_owned()))
            }
            "category" if code.len() == 2 && code.chars().all(|c| c.is_ascii_digit()) => {
                Some(Self::Category(code.to_owned()))
            }
            _ => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Footprint(_) => "footprint",
            Self::Category(_) => "category",
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Footprint(code) | Self::Category(code) => code,
        }
    }

    /// The form value (`footprint:GMCA`).
    pub fn value(&self) -> String {
        format!("{}:{}", self.kind(), self.code())
    }

    /// The Atom feed's path on this service.
    pub fn feed_path(&self) -> String {
        match self {
            Self::Footprint(code) => format!("/feeds/footprints/{code}"),
            Self::Category(division) => format!("/feeds/categories/{division}"),
        }
    }
}

/// "Email me a weekly digest of this demand".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowDemand {
    pub followed: Followed,
}

impl Command for FollowDemand {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let value = input.text(FOLLOW);
        let followed = value
            .split_once(':')
            .and_then(|(kind, code)| Followed::from_parts(kind, code));
        if followed.is_none() {
            errors.add(FOLLOW, "Select a footprint or a category to follow");
        }
        finish(errors, followed.map(|followed| FollowDemand { followed }))
    }
}

/// A digest's "stop these emails" link, confirmed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsubscribe {
    pub key: Uuid,
}

impl std::fmt::Debug for Unsubscribe {
    // The key is a secret: it stops someone's emails.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Unsubscribe { .. }")
    }
}

impl Command for Unsubscribe {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let key = Uuid::parse_str(input.text(KEY).trim()).ok();
        if key.is_none() {
            errors.add(
                KEY,
                "This link is not complete: copy the whole link from the email",
            );
        }
        finish(errors, key.map(|key| Unsubscribe { key }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::commands::form;

    fn parse<C: Command>(fields: &[(&str, &str)]) -> Result<C, FieldErrors> {
        C::parse(&Input(&form(fields)))
    }

    #[test]
    fn a_follow_names_a_footprint_code_or_a_two_digit_division() {
        let parsed = parse::<FollowDemand>(&[(FOLLOW, "footprint:GMCA")]).unwrap();
        assert_eq!(parsed.followed, Followed::Footprint("GMCA".into()));
        let parsed = parse::<FollowDemand>(&[(FOLLOW, "category:72")]).unwrap();
        assert_eq!(parsed.followed, Followed::Category("72".into()));
        assert_eq!(parsed.followed.value(), "category:72");
        for bad in [
            "",
            "72",
            "category:7",
            "category:7a",
            "footprint:",
            "town:X",
            "footprint:a/b",
        ] {
            let errors = parse::<FollowDemand>(&[(FOLLOW, bad)]).unwrap_err();
            assert!(errors.has(FOLLOW), "{bad:?} was accepted");
        }
    }

    #[test]
    fn an_unsubscribe_link_needs_its_whole_key() {
        let key = Uuid::from_u128(7);
        let parsed = parse::<Unsubscribe>(&[(KEY, &key.to_string())]).unwrap();
        assert_eq!(parsed.key, key);
        let errors = parse::<Unsubscribe>(&[(KEY, "0000-12")]).unwrap_err();
        assert!(errors.has(KEY));
        assert_eq!(format!("{parsed:?}"), "Unsubscribe { .. }");
    }
}
