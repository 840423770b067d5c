//! Frameworks, lots and suppliers as the UI sees them.
use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use uuid::Uuid;

use super::Page;

/// Where a framework is in its life, derived from its dates (never stored,
/// so it cannot go stale).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FrameworkStatus {
    Upcoming,
    Live,
    /// Live, but ending within [`EXPIRING_WITHIN_DAYS`] days.
    Expiring,
    Expired,
    /// The source did not publish the dates.
    DatesNotPublished,
}

/// A framework ending within this many days is flagged as expiring: roughly
/// the time a council needs to plan and run a replacement procurement.
pub const EXPIRING_WITHIN_DAYS: i64 = 120;

impl FrameworkStatus {
    pub fn derive(start: Option<Date>, end: Option<Date>, today: Date) -> Self {
        match (start, end) {
            (None, None) => FrameworkStatus::DatesNotPublished,
            (Some(start), _) if start > today => FrameworkStatus::Upcoming,
            (_, Some(end)) if end < today => FrameworkStatus::Expired,
            (_, Some(end)) if end <= today + Duration::days(EXPIRING_WITHIN_DAYS) => {
                FrameworkStatus::Expiring
            }
            _ => FrameworkStatus::Live,
        }
    }

    pub const ALL: [FrameworkStatus; 5] = [
        FrameworkStatus::Upcoming,
        FrameworkStatus::Live,
        FrameworkStatus::Expiring,
        FrameworkStatus::Expired,
        FrameworkStatus::DatesNotPublished,
    ];

    /// The value used in URLs (`?status=expiring`).
    pub fn as_str(self) -> &'static str {
        match self {
            FrameworkStatus::Upcoming => "upcoming",
            FrameworkStatus::Live => "live",
            FrameworkStatus::Expiring => "expiring",
            FrameworkStatus::Expired => "expired",
            FrameworkStatus::DatesNotPublished => "dates-not-published",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            FrameworkStatus::Upcoming => "Upcoming",
            FrameworkStatus::Live => "Live",
            FrameworkStatus::Expiring => "Expiring soon",
            FrameworkStatus::Expired => "Expired",
            FrameworkStatus::DatesNotPublished => "Dates not published",
        }
    }

    /// GOV.UK tag colour modifier.
    pub fn tag_class(self) -> &'static str {
        match self {
            // Blue is the tag's default colour (GOV.UK Frontend 6 has no blue modifier).
            FrameworkStatus::Upcoming => "govuk-tag",
            FrameworkStatus::Live => "govuk-tag govuk-tag--green",
            FrameworkStatus::Expiring => "govuk-tag govuk-tag--orange",
            FrameworkStatus::Expired => "govuk-tag govuk-tag--grey",
            FrameworkStatus::DatesNotPublished => "govuk-tag govuk-tag--grey",
        }
    }
}

/// A page of frameworks filtered by status, owner and the council that may use them.
pub type FrameworkListing = super::Listing<FrameworkSummary>;

/// Shown wherever the source published no title: we never invent one.
pub const TITLE_NOT_PUBLISHED: &str = "Title not published";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameworkSummary {
    pub id: Uuid,
    pub reference: String,
    pub title: Option<String>,
    pub owner_name: String,
    pub status: FrameworkStatus,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub lot_count: u64,
    pub is_demo: bool,
}

impl FrameworkSummary {
    pub fn display_title(&self) -> String {
        self.title
            .clone()
            .unwrap_or_else(|| TITLE_NOT_PUBLISHED.to_owned())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LotSummary {
    pub id: Uuid,
    pub number: String,
    pub title: String,
    pub supplier_count: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameworkDetail {
    pub framework: FrameworkSummary,
    pub description: Option<String>,
    pub lots: Vec<LotSummary>,
    pub owner_organisation_id: Option<Uuid>,
    pub max_extension_end: Option<time::Date>,
    /// "Direct award", "Further competition".
    pub routes_to_market: Vec<String>,
    pub levy_basis_points: Option<i32>,
    /// Who may use it, in words ("All UK public sector bodies", or one line per listed group).
    pub eligibility: Vec<String>,
    pub url: Option<String>,
    /// What the owner publishes beyond the description (imported lists).
    pub published: FrameworkPublished,
    /// Whether the viewer may change it (links only; the server checks again on every change).
    pub may_edit: bool,
}

/// A framework's facts as its owner publishes them (the CCS website's
/// summary, benefits, how to buy, keywords, category), and where the
/// imported facts came from. Each is `None` when not published.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FrameworkPublished {
    pub summary: Option<String>,
    pub benefits: Option<String>,
    pub how_to_buy: Option<String>,
    pub keywords: Option<String>,
    pub category: Option<String>,
    /// "CCS website agreements, from ccs_website_agreements_2026.csv.gz".
    pub source: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupplierSummary {
    pub id: Uuid,
    pub name: String,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LotDetail {
    pub framework: FrameworkSummary,
    pub lot: LotSummary,
    pub description: Option<String>,
    pub suppliers: Page<SupplierSummary>,
    /// (code, label) of the lot's CPV categories.
    pub cpv_codes: Vec<(String, String)>,
    pub owner_organisation_id: Option<Uuid>,
    pub may_edit: bool,
}

/// A supplier's place on a lot, as listed on the supplier's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LotPlace {
    pub framework: FrameworkSummary,
    pub lot: LotSummary,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupplierDetail {
    pub id: Uuid,
    pub name: String,
    pub companies_house_number: Option<String>,
    pub is_sme: bool,
    pub is_vcse: bool,
    pub vat_number: Option<String>,
    pub region: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub is_demo: bool,
    pub places: Vec<LotPlace>,
    /// Published offers; drafts and withdrawn ones too for the supplier's editors.
    pub offers: Vec<OfferSummary>,
    /// Whether the viewer edits this supplier (links only; the server checks again).
    pub may_edit: bool,
    /// The people who edit it: (user id, "Name (email)"); only for its editors.
    pub editors: Vec<(Uuid, String)>,
    /// Contracts awarded to this supplier.
    pub contracts: Vec<ContractSummary>,
    /// `Verification` as text: listed, unverified or verified.
    pub verification: String,
    /// The number an unverified registrant claims (shown as claimed).
    pub claimed_companies_house_number: Option<String>,
    /// A signed-in viewer who does not edit it may ask to.
    pub may_request_access: bool,
    /// The viewer is a platform admin (verify, merge, hand over).
    pub may_curate: bool,
    /// Requests to edit it nobody has decided; for its editors and admins.
    pub access_requests: Vec<AccessRequestItem>,
    /// Identifiers the record was matched or made by, with where each was first seen.
    pub identifiers: Vec<IdentifierRow>,
}

/// Someone's request to edit a supplier record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequestItem {
    pub id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    /// "Name (email)".
    pub person: String,
    pub message: String,
    pub asked_on: String,
}

/// A supplier record as an admin curating it sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierClaim {
    pub supplier: crate::types::SupplierChoiceItem,
    pub claimed_companies_house_number: Option<String>,
    pub verification: String,
    /// "Name (email)" of each editor.
    pub editors: Vec<String>,
    pub registered_on: String,
}

/// The admin's supplier page: claims to verify, requests to decide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierTrustOverview {
    pub claims: Vec<SupplierClaim>,
    pub requests: Vec<AccessRequestItem>,
}

/// An awarded contract in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractSummary {
    pub id: Uuid,
    pub title: String,
    pub buyer_name: String,
    pub buyer_gss_code: Option<String>,
    pub value_pence: Option<i64>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractDetail {
    pub contract: ContractSummary,
    /// (id, name)
    pub suppliers: Vec<(Uuid, String)>,
    /// (code, label)
    pub cpv_codes: Vec<(String, String)>,
    pub ocid: Option<String>,
    pub source: String,
    pub provenance: Option<String>,
    pub buyer_organisation_id: Uuid,
    /// Every buyer after the first, for a joint purchase: (name, GSS code).
    pub joint_buyers: Vec<(String, Option<String>)>,
    pub bought_through: BoughtThrough,
    pub max_extension_end: Option<Date>,
    /// Published as a range instead of a value (TED): lowest and highest, in pence.
    pub value_range: Option<(i64, i64)>,
    pub description: Option<String>,
    pub may_edit: bool,
}

/// One identifier an organisation or supplier is known by, and where the
/// service first saw it (a notice in an imported file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentifierRow {
    /// What kind of identifier: "Companies House number", "Name as published"…
    pub label: String,
    pub value: String,
    pub first_seen: String,
}

/// How people read an identifier scheme.
pub fn identifier_label(scheme: &str) -> String {
    match scheme {
        "GB-COH" => "Companies House number".into(),
        "GB-CHC" => "Charity Commission number".into(),
        "GB-GSS" => "GSS code".into(),
        "GB-CFS" => "Contracts Finder organisation id".into(),
        "GB-SRS" => "Scottish procurement id (PCS)".into(),
        "GB-GOR" => "Government organisation register id".into(),
        "GB-LAE" => "Local authority register code (England)".into(),
        "GB-CQC" => "Care Quality Commission id".into(),
        "NAME" => "Name as published (compared without case or punctuation)".into(),
        other => format!("{other} identifier"),
    }
}

/// How a contract was bought, as far as the register or notice says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BoughtThrough {
    /// A call-off from a lot in the catalogue: (lot id, "RM6098 lot 2: title").
    Lot(Uuid, String),
    /// A call-off from a framework in the catalogue, lot not stated.
    Framework(Uuid, String),
    /// A call-off from a framework the notice names but the catalogue lacks.
    NamedFramework(String),
    /// Published as a call-off, the framework not named.
    UnnamedFramework,
    /// Not published as a call-off.
    NotACallOff,
}

impl BoughtThrough {
    pub fn describe(&self) -> String {
        match self {
            BoughtThrough::Lot(_, label) => label.clone(),
            BoughtThrough::Framework(_, label) => format!("{label} (lot not stated)"),
            BoughtThrough::NamedFramework(reference) => {
                format!("A call-off from framework {reference}, which is not in the catalogue")
            }
            BoughtThrough::UnnamedFramework => {
                "A call-off from a framework the notice does not name".into()
            }
            BoughtThrough::NotACallOff => "Not a call-off from a framework in the catalogue".into(),
        }
    }

    /// Where the description links to, when it names a catalogue record.
    pub fn href(&self) -> Option<String> {
        match self {
            BoughtThrough::Lot(id, _) => Some(format!("/lots/{id}")),
            BoughtThrough::Framework(id, _) => Some(format!("/frameworks/{id}")),
            _ => None,
        }
    }
}

/// Whole pence → "£1,234,567" (pence shown only when there are any).
pub fn format_pounds(pence: i64) -> String {
    let pounds = pence.unsigned_abs() / 100;
    let rest = pence.unsigned_abs() % 100;
    let digits = pounds.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if pence < 0 { "-" } else { "" };
    if rest == 0 {
        format!("{sign}£{grouped}")
    } else {
        format!("{sign}£{grouped}.{rest:02}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_reads_like_money() {
        assert_eq!(super::format_pounds(70_000_000), "£700,000");
        assert_eq!(super::format_pounds(120_051), "£1,200.51");
        assert_eq!(super::format_pounds(5), "£0.05");
        assert_eq!(super::format_pounds(-100), "-£1");
    }

    use super::*;
    use time::macros::date;

    #[test]
    fn status_url_values_round_trip() {
        for status in FrameworkStatus::ALL {
            assert_eq!(FrameworkStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(FrameworkStatus::parse("Live"), None);
    }

    #[test]
    fn status_follows_the_dates() {
        let today = date!(2026 - 11 - 23);
        let derive = |s, e| FrameworkStatus::derive(s, e, today);
        assert_eq!(derive(None, None), FrameworkStatus::DatesNotPublished);
        assert_eq!(
            derive(Some(date!(2027 - 01 - 01)), Some(date!(2030 - 01 - 01))),
            FrameworkStatus::Upcoming
        );
        assert_eq!(
            derive(Some(date!(2022 - 07 - 14)), Some(date!(2027 - 03 - 08))),
            FrameworkStatus::Expiring
        );
        assert_eq!(
            derive(Some(date!(2022 - 07 - 14)), Some(date!(2027 - 03 - 23))),
            FrameworkStatus::Expiring
        );
        assert_eq!(
            derive(Some(date!(2022 - 07 - 14)), Some(date!(2027 - 03 - 24))),
            FrameworkStatus::Live
        );
        assert_eq!(
            derive(Some(date!(2018 - 07 - 10)), Some(date!(2023 - 04 - 06))),
            FrameworkStatus::Expired
        );
        assert_eq!(derive(None, Some(today)), FrameworkStatus::Expiring);
        assert_eq!(
            derive(Some(date!(2020 - 01 - 01)), None),
            FrameworkStatus::Live
        );
    }
}

/// "1.25" for 125 basis points; "1" for 100.
pub fn format_basis_points(points: i32) -> String {
    if points % 100 == 0 {
        (points / 100).to_string()
    } else {
        format!("{}.{:02}", points / 100, points % 100)
            .trim_end_matches('0')
            .to_owned()
    }
}

/// Pence as a form value: "1250" or "99.50" (no symbol or separators).
pub fn format_pence_plain(pence: i64) -> String {
    if pence % 100 == 0 {
        (pence / 100).to_string()
    } else {
        format!("{}.{:02}", pence / 100, pence % 100)
    }
}

/// An offer in a supplier's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferSummary {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    /// draft | published | withdrawn
    pub status: String,
}

/// A supplier's service definition, as its public page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferDetail {
    pub offer: OfferSummary,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    pub description: Option<String>,
    pub features: Vec<String>,
    pub benefits: Vec<String>,
    /// "£12.50 per user per month", "Free", "Price on application".
    pub price: String,
    /// (code, label)
    pub cpv_codes: Vec<(String, String)>,
    /// (lot id, "RM6098 lot 2: title")
    pub lots: Vec<(Uuid, String)>,
    pub footprints: Vec<String>,
    pub accessibility_notes: Option<String>,
    pub open_standards_notes: Option<String>,
    pub is_demo: bool,
    pub may_edit: bool,
}

/// A supplier in the public list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupplierListItem {
    pub id: Uuid,
    pub name: String,
    pub is_sme: bool,
    pub is_vcse: bool,
    pub region: Option<String>,
}

/// A page of suppliers filtered by name, SME/VCSE and region.
pub type SupplierListing = super::Listing<SupplierListItem>;

/// A page of contracts filtered by council, footprint and end date.
pub type ContractListing = super::Listing<ContractSummary>;

/// A published offer in the public list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferListItem {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    /// "£12.50 per user per month", "Free", "Price on application".
    pub price: String,
    pub is_demo: bool,
}

/// A page of published offers filtered by CPV category and footprint served.
pub type OfferListing = super::Listing<OfferListItem>;
