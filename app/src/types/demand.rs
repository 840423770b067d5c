//! A footprint's demand dashboard on the wire: open intents, the renewal
//! pipeline grouped by need, planned purchases, duplicate-purchase
//! clusters, suggested joint purchases, and spend by category and supplier.
use serde::{Deserialize, Serialize};
use time::Date;

use super::IntentSummary;

/// One purchase in a group or cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandMember {
    /// "Contract", "Planned purchase" or "Buying intent".
    pub kind_label: String,
    pub title: String,
    pub href: Option<String>,
    pub buyers: Vec<String>,
    pub value_pence: Option<i64>,
    pub end: Option<Date>,
}

/// Purchases of one need (by the duplicate detector's matching).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedGroup {
    /// What the need is, in the words its purchases share (or the title of
    /// its one purchase).
    pub need: String,
    pub councils: Vec<String>,
    pub combined_value_pence: i64,
    /// The earliest end still to come.
    pub next_end: Option<Date>,
    pub members: Vec<DemandMember>,
}

/// Contracts ending within a horizon, not within a shorter one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineBand {
    /// "Ending in the next 3 months", "in 3 to 6 months"…
    pub label: String,
    pub groups: Vec<NeedGroup>,
    pub contracts: usize,
    pub value_pence: i64,
}

/// Value and counts under one CPV division.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryFigure {
    /// Two-digit CPV division ("90").
    pub division: String,
    pub label: String,
    pub value_pence: i64,
    pub count: usize,
    pub councils: usize,
}

/// Contract ends in one quarter of the coming two years.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterEnds {
    /// "Jan to Mar 2027".
    pub label: String,
    pub contracts: usize,
    pub value_pence: i64,
}

/// A supplier's contracts with the footprint's councils.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierFigure {
    pub name: String,
    pub value_pence: i64,
    pub contracts: usize,
    pub councils: usize,
}

/// A joint purchase the service proposes: two or more councils of the
/// footprint with contracts for one need ending within the same 12 months,
/// or planned purchases of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedPurchase {
    pub group: NeedGroup,
    /// A title for the intent: the largest purchase's.
    pub title: String,
    pub description: String,
    pub cpv_codes: Vec<String>,
    /// When to buy: from today (or six months before the first end) to the
    /// first end.
    pub window_start: Date,
    pub window_end: Date,
    /// Where the viewer may register it: (GSS code, council name) of each
    /// of their councils in the suggestion; empty for others.
    pub register_for: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FootprintDashboard {
    pub code: String,
    pub name: String,
    pub member_count: usize,
    pub open_intents: Vec<IntentSummary>,
    pub open_demand_pence: i64,
    /// Open intents and planned purchases by category.
    pub demand_by_category: Vec<CategoryFigure>,
    pub pipeline: Vec<PipelineBand>,
    pub ends_by_quarter: Vec<QuarterEnds>,
    pub planned: Vec<DemandMember>,
    /// The largest duplicate clusters (by combined value)…
    pub clusters: Vec<NeedGroup>,
    /// …of this many.
    pub clusters_total: usize,
    pub suggestions: Vec<SuggestedPurchase>,
    pub spend_by_category: Vec<CategoryFigure>,
    pub top_suppliers: Vec<SupplierFigure>,
    /// The day the figures were computed for.
    pub today: Date,
}

/// One footprint in the national comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FootprintComparison {
    pub code: String,
    pub name: String,
    pub councils: usize,
    pub open_intents: usize,
    pub open_demand_pence: i64,
    pub clusters: usize,
    pub suggestions: usize,
    /// Contracts ending in the next two years.
    pub pipeline_contracts: usize,
}

/// Demand a person follows, as their account lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowView {
    pub id: uuid::Uuid,
    /// "Demand in Greater Manchester", "Demand for IT services (CPV 72)".
    pub title: String,
    pub feed_path: String,
    /// When it was followed.
    pub since: Date,
}

/// The "Demand you follow" page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowingPage {
    pub follows: Vec<FollowView>,
    /// (form value, label) of every footprint and CPV division not yet followed.
    pub footprints: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
}

/// One piece of open demand that matches a supplier's offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandMatch {
    /// "Buying intent" or "Planned purchase".
    pub kind_label: String,
    pub title: String,
    pub href: String,
    /// Who, how much, when.
    pub summary: String,
    /// Why it matches: which offer, by which CPV code or which words.
    pub reasons: Vec<String>,
    pub published: Date,
}

/// A CPV division a supplier's offers are in, and whether the viewer
/// follows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferCategory {
    /// Form value (`category:72`).
    pub value: String,
    pub label: String,
    pub feed_path: String,
    pub followed: bool,
}

/// Open demand matching a supplier's published offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierDemand {
    pub supplier_id: uuid::Uuid,
    pub supplier_name: String,
    pub offers: usize,
    pub matches: Vec<DemandMatch>,
    pub categories: Vec<OfferCategory>,
    pub signed_in: bool,
}
