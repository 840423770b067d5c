//! Councils, strategic authorities and devolution footprints as the UI sees them.
use serde::{Deserialize, Serialize};
use time::Date;

/// A council in a list: enough to show a table row and link to its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CouncilSummary {
    pub gss_code: String,
    pub name: String,
    pub short_name: String,
    pub org_type_name: String,
    pub region: Option<String>,
    pub nation: String,
}

/// Everything the council page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CouncilDetail {
    pub council: CouncilSummary,
    pub register_code: Option<String>,
    pub start_date: Option<Date>,
    pub population: Option<i32>,
    /// The county council above a district in a two-tier area.
    pub parent_county: Option<CouncilSummary>,
    /// The district councils below a county council.
    pub districts: Vec<CouncilSummary>,
    pub footprints: Vec<FootprintSummary>,
    /// Contracts this council awarded, latest end date first.
    pub contracts: Vec<super::ContractSummary>,
    pub organisation_id: uuid::Uuid,
    /// Whether the viewer keeps this council's contract register.
    pub may_edit: bool,
    /// Identifiers and names it was met by in imported notices.
    pub identifiers: Vec<super::IdentifierRow>,
}

/// Filter choices for the councils list, taken from the data itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CouncilFilterOptions {
    pub nations: Vec<String>,
    pub regions: Vec<String>,
    /// (type code, human name), e.g. ("MD", "Metropolitan district").
    pub types: Vec<(String, String)>,
}

/// The filters a visitor chose; `None` means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilFilter {
    pub nation: Option<String>,
    pub region: Option<String>,
    pub org_type: Option<String>,
}

impl CouncilFilter {
    /// Treats empty strings (an unselected `<select>`) as "any".
    pub fn new(nation: Option<String>, region: Option<String>, org_type: Option<String>) -> Self {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Self {
            nation: clean(nation),
            region: clean(region),
            org_type: clean(org_type),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.nation.is_none() && self.region.is_none() && self.org_type.is_none()
    }

    /// Query-string pairs that reproduce this filter (for pagination links).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        [
            ("nation", &self.nation),
            ("region", &self.region),
            ("type", &self.org_type),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.to_owned(), v)))
        .collect()
    }
}

/// A page of councils plus the filter choices to render the form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CouncilListing {
    pub filter: CouncilFilter,
    pub options: CouncilFilterOptions,
    pub page: super::Page<CouncilSummary>,
    /// Set when a filter value was not one of the options; the page shows it
    /// in an error summary and returns 400.
    pub error: Option<FieldError>,
}

/// A validation message tied to the input it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The input's `name`/`id`, so the error summary can link to it.
    pub field: String,
    pub message: String,
}

/// A devolution footprint in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FootprintSummary {
    pub code: String,
    pub gss_code: Option<String>,
    pub name: String,
    pub short_name: String,
    pub kind: FootprintKind,
    pub start_date: Option<Date>,
    pub member_count: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FootprintKind {
    CombinedAuthority,
    CombinedCountyAuthority,
    StrategicAuthority,
    Consortium,
}

impl FootprintKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FootprintKind::CombinedAuthority => "combined_authority",
            FootprintKind::CombinedCountyAuthority => "combined_county_authority",
            FootprintKind::StrategicAuthority => "strategic_authority",
            FootprintKind::Consortium => "consortium",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            FootprintKind::CombinedAuthority,
            FootprintKind::CombinedCountyAuthority,
            FootprintKind::StrategicAuthority,
            FootprintKind::Consortium,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            FootprintKind::CombinedAuthority => "Combined authority",
            FootprintKind::CombinedCountyAuthority => "Combined county authority",
            FootprintKind::StrategicAuthority => "Strategic authority",
            FootprintKind::Consortium => "Consortium",
        }
    }
}

/// The footprint page: the footprint and its member councils.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FootprintDetail {
    pub footprint: FootprintSummary,
    pub source_note: Option<String>,
    pub members: Vec<CouncilSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_filter_values_mean_any() {
        let f = CouncilFilter::new(Some("".into()), Some(" North West ".into()), None);
        assert_eq!(f.nation, None);
        assert_eq!(f.region.as_deref(), Some("North West"));
        assert_eq!(
            f.query_pairs(),
            vec![("region".to_owned(), "North West".to_owned())]
        );
        assert!(CouncilFilter::new(None, Some("  ".into()), None).is_empty());
    }

    #[test]
    fn footprint_kinds_round_trip() {
        for kind in [
            "combined_authority",
            "combined_county_authority",
            "strategic_authority",
            "consortium",
        ] {
            assert_eq!(FootprintKind::parse(kind).unwrap().as_str(), kind);
        }
        assert_eq!(FootprintKind::parse("parish"), None);
    }
}
