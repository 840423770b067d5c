//! Search as the page and the server agree on it: what a visitor asked for
//! (every part of it lives in the URL query, so a search is a link and works
//! without JavaScript), and what came back.
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::{FieldError, Page};

/// Results per page.
pub const SEARCH_PAGE_SIZE: u64 = 20;
/// The deepest page offered: beyond it a search should be narrowed.
pub const MAX_SEARCH_PAGE: u64 = 500;

/// What a search can find (on the server, also the kinds of search
/// document the outbox names: `changes::DocumentKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SearchKind {
    Framework,
    Lot,
    Supplier,
    Offer,
    Contract,
    PlannedPurchase,
}

impl SearchKind {
    pub const ALL: [SearchKind; 6] = [
        SearchKind::Framework,
        SearchKind::Lot,
        SearchKind::Supplier,
        SearchKind::Offer,
        SearchKind::Contract,
        SearchKind::PlannedPurchase,
    ];

    /// The value in the URL, the index and `search_outbox.entity`.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Framework => "framework",
            SearchKind::Lot => "lot",
            SearchKind::Supplier => "supplier",
            SearchKind::Offer => "offer",
            SearchKind::Contract => "contract",
            SearchKind::PlannedPurchase => "planned_purchase",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SearchKind::Framework => "Frameworks",
            SearchKind::Lot => "Lots",
            SearchKind::Supplier => "Suppliers",
            SearchKind::Offer => "Offers",
            SearchKind::Contract => "Contracts",
            SearchKind::PlannedPurchase => "Planned purchases",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Where a result of this kind is shown. Planned purchases have no page
    /// of their own yet: the result shows their notice reference instead.
    pub fn href(self, id: Uuid) -> Option<String> {
        match self {
            SearchKind::Framework => Some(format!("/frameworks/{id}")),
            SearchKind::Lot => Some(format!("/lots/{id}")),
            SearchKind::Supplier => Some(format!("/suppliers/{id}")),
            SearchKind::Offer => Some(format!("/offers/{id}")),
            SearchKind::Contract => Some(format!("/contracts/{id}")),
            SearchKind::PlannedPurchase => None,
        }
    }
}

/// Which records by their end date. Live is the default: what has ended
/// is hidden unless asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SearchStatus {
    /// Not ended (or with no end).
    #[default]
    Live,
    /// Ending within [`super::EXPIRING_WITHIN_DAYS`] days.
    ExpiringSoon,
    Expired,
    Any,
}

impl SearchStatus {
    pub const ALL: [SearchStatus; 4] = [
        SearchStatus::Live,
        SearchStatus::ExpiringSoon,
        SearchStatus::Expired,
        SearchStatus::Any,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchStatus::Live => "live",
            SearchStatus::ExpiringSoon => "expiring",
            SearchStatus::Expired => "expired",
            SearchStatus::Any => "any",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SearchStatus::Live => "Live",
            SearchStatus::ExpiringSoon => "Expiring within 120 days",
            SearchStatus::Expired => "Ended",
            SearchStatus::Any => "Any status",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// The order of results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SearchSort {
    #[default]
    Relevance,
    Newest,
    EndingSoonest,
    Value,
}

impl SearchSort {
    pub const ALL: [SearchSort; 4] = [
        SearchSort::Relevance,
        SearchSort::Newest,
        SearchSort::EndingSoonest,
        SearchSort::Value,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchSort::Relevance => "relevance",
            SearchSort::Newest => "newest",
            SearchSort::EndingSoonest => "ending",
            SearchSort::Value => "value",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SearchSort::Relevance => "Most relevant",
            SearchSort::Newest => "Newest",
            SearchSort::EndingSoonest => "Ending soonest",
            SearchSort::Value => "Highest value",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// The URL query of a search, as sent (every value optional text).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub cpv: Option<String>,
    pub owner: Option<String>,
    pub footprint: Option<String>,
    pub sme: Option<String>,
    pub min_value: Option<String>,
    pub max_value: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    /// `yes`: only frameworks and lots the signed-in buyer's council may use.
    pub mine: Option<String>,
}

impl SearchParams {
    /// Reads the parameters by name (from a URL query).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        SearchParams {
            q: get("q"),
            kind: get("kind"),
            status: get("status"),
            cpv: get("cpv"),
            owner: get("owner"),
            footprint: get("footprint"),
            sme: get("sme"),
            min_value: get("min_value"),
            max_value: get("max_value"),
            sort: get("sort"),
            page: get("page"),
            mine: get("mine"),
        }
    }
}

/// A search, read and checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchCriteria {
    pub q: String,
    pub kind: Option<SearchKind>,
    pub status: SearchStatus,
    /// A CPV code or prefix of 2 to 8 digits.
    pub cpv: Option<String>,
    pub owner: Option<String>,
    pub footprint: Option<String>,
    pub sme_only: bool,
    /// Whole pounds, as typed.
    pub min_value: Option<u64>,
    pub max_value: Option<u64>,
    pub sort: SearchSort,
    pub page: u64,
    pub mine: bool,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Pounds as typed: digits, with optional `£`, commas and a `.00`.
fn pounds(field: &str, label: &str, value: &Option<String>) -> Result<Option<u64>, FieldError> {
    let Some(text) = filled(value) else {
        return Ok(None);
    };
    let cleaned: String = text
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let whole = cleaned.strip_suffix(".00").unwrap_or(&cleaned);
    whole
        .parse::<u64>()
        .ok()
        .filter(|v| *v <= 1_000_000_000_000)
        .map(Some)
        .ok_or_else(|| FieldError {
            field: field.to_owned(),
            message: format!("{label} must be a whole number of pounds, like 25000"),
        })
}

impl SearchCriteria {
    /// Reads the URL query. A value that is not one of its choices is an
    /// error naming its field; the search text itself is never refused.
    pub fn from_params(params: &SearchParams) -> Result<Self, FieldError> {
        let choice = |field: &str, value: &Option<String>, message: &str| FieldError {
            field: field.to_owned(),
            message: format!("{message} (got {:?})", value.as_deref().unwrap_or_default()),
        };
        let kind = match filled(&params.kind) {
            None => None,
            Some(k) => Some(SearchKind::parse(k).ok_or_else(|| {
                choice(
                    "kind",
                    &params.kind,
                    "Choose a kind of result from the list",
                )
            })?),
        };
        let status = match filled(&params.status) {
            None => SearchStatus::default(),
            Some(s) => SearchStatus::parse(s)
                .ok_or_else(|| choice("status", &params.status, "Choose a status from the list"))?,
        };
        let sort = match filled(&params.sort) {
            None => SearchSort::default(),
            Some(s) => SearchSort::parse(s)
                .ok_or_else(|| choice("sort", &params.sort, "Choose an order from the list"))?,
        };
        let cpv = match filled(&params.cpv) {
            None => None,
            Some(code) => {
                let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
                let rest = &code[digits.len()..];
                // A full code may carry its check digit: 45233141-9.
                let check_digit_only =
                    rest.is_empty() || (rest.len() == 2 && rest.starts_with('-'));
                if !(2..=8).contains(&digits.len()) || !check_digit_only {
                    return Err(FieldError {
                        field: "cpv".into(),
                        message: "CPV code must be 2 to 8 digits, like 45 or 45233141".into(),
                    });
                }
                Some(digits)
            }
        };
        let min_value = pounds("min_value", "Lowest value", &params.min_value)?;
        let max_value = pounds("max_value", "Highest value", &params.max_value)?;
        if let (Some(lo), Some(hi)) = (min_value, max_value)
            && lo > hi
        {
            return Err(FieldError {
                field: "max_value".into(),
                message: "Highest value must be at least the lowest value".into(),
            });
        }
        let page = match filled(&params.page) {
            None => 1,
            Some(p) => p
                .parse::<u64>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| FieldError {
                    field: "page".into(),
                    message: "Page must be a whole number from 1".into(),
                })?
                .min(MAX_SEARCH_PAGE),
        };
        let yes = |v: &Option<String>| filled(v) == Some(super::CHECKED);
        Ok(SearchCriteria {
            q: params.q.clone().unwrap_or_default(),
            kind,
            status,
            cpv,
            owner: filled(&params.owner).map(str::to_owned),
            footprint: filled(&params.footprint).map(str::to_owned),
            sme_only: yes(&params.sme),
            min_value,
            max_value,
            sort,
            page,
            mine: yes(&params.mine),
        })
    }

    /// The search as URL query pairs, defaults left out; `page` only past 1.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        let mut push = |name: &str, value: String| pairs.push((name.to_owned(), value));
        if !self.q.trim().is_empty() {
            push("q", self.q.clone());
        }
        if let Some(kind) = self.kind {
            push("kind", kind.as_str().into());
        }
        if self.status != SearchStatus::default() {
            push("status", self.status.as_str().into());
        }
        if let Some(cpv) = &self.cpv {
            push("cpv", cpv.clone());
        }
        if let Some(owner) = &self.owner {
            push("owner", owner.clone());
        }
        if let Some(footprint) = &self.footprint {
            push("footprint", footprint.clone());
        }
        if self.sme_only {
            push("sme", super::CHECKED.into());
        }
        if let Some(v) = self.min_value {
            push("min_value", v.to_string());
        }
        if let Some(v) = self.max_value {
            push("max_value", v.to_string());
        }
        if self.sort != SearchSort::default() {
            push("sort", self.sort.as_str().into());
        }
        if self.mine {
            push("mine", super::CHECKED.into());
        }
        if self.page > 1 {
            push("page", self.page.to_string());
        }
        pairs
    }

    /// The search as a URL query string, without the `?`.
    pub fn query_string(&self) -> String {
        let mut url = form_urlencoded::Serializer::new(String::new());
        for (name, value) in self.query_pairs() {
            url.append_pair(&name, &value);
        }
        url.finish()
    }

    /// `/search?…` of this search.
    pub fn href(&self) -> String {
        let query = self.query_string();
        if query.is_empty() {
            "/search".to_owned()
        } else {
            format!("/search?{query}")
        }
    }
}

/// Text with the parts that matched the search marked. The page renders
/// each part as text (escaped), marking the matched ones with `<mark>`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Highlighted(pub Vec<(String, bool)>);

/// One result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub kind: SearchKind,
    pub id: Uuid,
    pub title: Highlighted,
    pub subtitle: String,
    pub snippet: Highlighted,
    pub reference: Option<String>,
    pub end_date: Option<Date>,
    pub value_pence: Option<i64>,
}

impl SearchHit {
    pub fn href(&self) -> Option<String> {
        self.kind.href(self.id)
    }

    /// The title as plain text.
    pub fn title_text(&self) -> String {
        self.title.0.iter().map(|(t, _)| t.as_str()).collect()
    }
}

/// One choice of a facet, with how many results it has.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    /// The URL value.
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
    /// The search with this choice made (or, when selected, removed).
    pub href: String,
}

/// A facet: a filter with counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacetGroup {
    /// The URL name of the filter.
    pub name: String,
    pub label: String,
    pub values: Vec<FacetValue>,
}

/// What a search found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub criteria: SearchCriteria,
    /// Set when a filter value was refused: nothing is searched.
    pub error: Option<FieldError>,
    /// Why the text was not read exactly as typed.
    pub notes: Vec<String>,
    pub page: Page<SearchHit>,
    pub facets: Vec<FacetGroup>,
    /// The signed-in buyer's council, when "only what my council can use"
    /// can be offered.
    pub council: Option<String>,
    /// How long the index took, in microseconds (shown to nobody; logged).
    pub took_micros: u64,
}

/// The most results a shortlist freezes: the first this many, in the
/// search's order (a search with more should be narrowed first).
pub const SHORTLIST_MAX_ITEMS: u64 = 100;

/// A shortlist as its council's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortlistSummary {
    pub id: Uuid,
    pub name: String,
    pub council_name: String,
    /// Who froze it (their name as their account shows it).
    pub created_by: String,
    /// RFC 3339, UTC.
    pub frozen_at: String,
    /// As pages show it: "5 December 2026 at 22:15 UTC".
    pub frozen_at_label: String,
    /// The search, as a `/search?…` link (the saved search).
    pub search_href: String,
    /// The words searched for ("" for none).
    pub search_text: String,
    pub item_count: u64,
    /// How many results the search had when frozen.
    pub result_total: u64,
}

/// One frozen result: what the search showed at the time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortlistItem {
    pub position: u32,
    pub kind: SearchKind,
    pub record_id: Uuid,
    pub title: String,
    pub reference: Option<String>,
    pub subtitle: String,
    pub end_date: Option<Date>,
    pub value_pence: Option<i64>,
}

impl ShortlistItem {
    pub fn href(&self) -> Option<String> {
        self.kind.href(self.record_id)
    }
}

/// A shortlist's page: the list and its items; the anti-forgery token is
/// for its "remove" form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortlistPage {
    pub summary: ShortlistSummary,
    pub items: Vec<ShortlistItem>,
}

/// The "save as a shortlist" page: the search it will freeze, how many of
/// its results that is, and whose shortlist it can be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShortlistFormData {
    pub criteria: SearchCriteria,
    /// Results the search has now.
    pub total: u64,
    /// The councils the buyer may keep it for: one, or a choice.
    pub councils: Vec<super::FormOption>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> SearchParams {
        SearchParams::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_are_live_by_relevance_on_page_one() {
        let c = SearchCriteria::from_params(&SearchParams::default()).unwrap();
        assert_eq!(c.status, SearchStatus::Live);
        assert_eq!(c.sort, SearchSort::Relevance);
        assert_eq!(c.page, 1);
        assert_eq!(c.href(), "/search");
    }

    #[test]
    fn every_choice_round_trips_through_the_url() {
        let c = SearchCriteria::from_params(&params(&[
            ("q", "rock salt"),
            ("kind", "contract"),
            ("status", "expired"),
            ("cpv", "34927100-2"),
            ("min_value", "£25,000"),
            ("max_value", "1000000.00"),
            ("sort", "ending"),
            ("page", "3"),
            ("sme", "yes"),
        ]))
        .unwrap();
        assert_eq!(c.cpv.as_deref(), Some("34927100"));
        assert_eq!(c.min_value, Some(25_000));
        assert_eq!(
            c.href(),
            "/search?q=rock+salt&kind=contract&status=expired&cpv=34927100&sme=yes&min_value=25000&max_value=1000000&sort=ending&page=3"
        );
    }

    #[test]
    fn bad_values_name_their_field() {
        let field = |pairs: &[(&str, &str)]| {
            SearchCriteria::from_params(&params(pairs))
                .unwrap_err()
                .field
        };
        assert_eq!(field(&[("kind", "widget")]), "kind");
        assert_eq!(field(&[("status", "old")]), "status");
        assert_eq!(field(&[("sort", "random")]), "sort");
        assert_eq!(field(&[("cpv", "4")]), "cpv");
        assert_eq!(field(&[("cpv", "45x")]), "cpv");
        assert_eq!(field(&[("min_value", "lots")]), "min_value");
        assert_eq!(
            field(&[("min_value", "9"), ("max_value", "1")]),
            "max_value"
        );
        assert_eq!(field(&[("page", "0")]), "page");
        // The text is never refused, whatever it holds.
        assert!(SearchCriteria::from_params(&params(&[("q", "\"title:<script>")])).is_ok());
    }

    #[test]
    fn deep_pages_are_capped() {
        let c = SearchCriteria::from_params(&params(&[("page", "999999")])).unwrap();
        assert_eq!(c.page, MAX_SEARCH_PAGE);
    }
}
