//! The market signal for suppliers: Atom feeds of demand to follow in any
//! feed reader, one per footprint (`/feeds/footprints/{code}`) and one per
//! CPV division (`/feeds/categories/{division}`). Each lists open buying
//! intents and published planned purchases still to come, newest first.
//! Written with the `atom_syndication` crate.
use std::collections::BTreeSet;

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use time::{Duration, OffsetDateTime, format_description::well_known::Rfc3339};
use uuid::Uuid;

use super::snapshot::SnapshotCache;
use crate::server::entities::{
    buying_intent, buying_intent_cpv, cpv_code, planned_purchase, planned_purchase_cpv,
};
use crate::types::commands::IntentStatus;
use crate::types::{AppError, format_date, format_pounds};

/// Most entries in one feed.
const ENTRIES: usize = 50;
/// Planned purchases expected to start longer ago than this are left out
/// (bought or dropped by now).
const STALE_DAYS: i64 = 365;

pub use crate::types::commands::Followed;

fn fixed(at: OffsetDateTime) -> FixedDateTime {
    at.format(&Rfc3339)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_default()
}

fn link(href: String, rel: &str) -> Link {
    Link {
        href,
        rel: rel.to_owned(),
        ..Default::default()
    }
}

/// Whether a piece of demand is a buying intent or a planned purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemandKind {
    Intent,
    Planned,
}

/// One piece of open demand: a feed's entry, a digest's line, a row of a
/// supplier's matching demand.
#[derive(Clone, Debug)]
pub struct Demand {
    pub id: Uuid,
    pub kind: DemandKind,
    pub title: String,
    /// Path on this service (`/intents/{id}`; a planned purchase's search).
    pub path: String,
    /// When it was first published here (registered, or published by its
    /// buyer): what makes it news for a digest.
    pub published: OffsetDateTime,
    /// Last changed (a council joined, a notice was updated).
    pub updated: OffsetDateTime,
    pub summary: String,
    pub buyer: Uuid,
    pub cpv_codes: BTreeSet<String>,
}

/// What a feed or a follow keeps of the open demand.
pub struct Scope {
    pub title: String,
    buyers: Option<std::collections::HashSet<Uuid>>,
    division: Option<String>,
}

impl Scope {
    pub fn contains(&self, demand: &Demand) -> bool {
        self.buyers
            .as_ref()
            .is_none_or(|b| b.contains(&demand.buyer))
            && self
                .division
                .as_ref()
                .is_none_or(|d| demand.cpv_codes.iter().any(|c| c.starts_with(d.as_str())))
    }
}

/// The scope `followed` names: `NotFound` for an unknown footprint or
/// CPV division.
pub async fn scope(
    db: &DatabaseConnection,
    snapshot: &super::snapshot::Snapshot,
    followed: &Followed,
) -> Result<Scope, AppError> {
    Ok(match followed {
        Followed::Footprint(code) => {
            let footprint = snapshot
                .footprints()
                .iter()
                .find(|f| f.code.eq_ignore_ascii_case(code))
                .ok_or_else(|| AppError::NotFound("Footprint".into()))?;
            Scope {
                title: format!("Demand in {}", footprint.name),
                buyers: Some(snapshot.current_members(footprint.id)),
                division: None,
            }
        }
        Followed::Category(division) => {
            if division.len() != 2 || !division.chars().all(|c| c.is_ascii_digit()) {
                return Err(AppError::NotFound("Category".into()));
            }
            let label = cpv_code::Entity::find_by_id(format!("{division}000000"))
                .one(db)
                .await?
                .map(|c| c.label)
                .ok_or_else(|| AppError::NotFound("Category".into()))?;
            Scope {
                title: format!("Demand for {label} (CPV {division})"),
                buyers: None,
                division: Some(division.clone()),
            }
        }
    })
}

/// Every open buying intent (open or committed) and every open planned
/// purchase not more than a year stale, newest first.
pub async fn open_demand(
    db: &DatabaseConnection,
    snapshot: &super::snapshot::Snapshot,
    today: time::Date,
) -> Result<Vec<Demand>, AppError> {
    let name_of = |id: Uuid| {
        snapshot
            .organisation(id)
            .map_or_else(|| "A public body".to_owned(), |o| o.name.clone())
    };
    let mut found: Vec<Demand> = Vec::new();

    let intents = buying_intent::Entity::find()
        .filter(buying_intent::Column::Status.is_in([
            IntentStatus::Open.as_str(),
            IntentStatus::Committed.as_str(),
        ]))
        .all(db)
        .await?;
    let intent_codes = buying_intent_cpv::Entity::find()
        .filter(
            buying_intent_cpv::Column::BuyingIntentId
                .is_in(intents.iter().map(|i| i.id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    for intent in intents {
        let codes: BTreeSet<String> = intent_codes
            .iter()
            .filter(|c| c.buying_intent_id == intent.id)
            .map(|c| c.cpv_code.clone())
            .collect();
        let window = match (intent.window_start, intent.window_end) {
            (Some(s), Some(e)) => format!(
                " Buying between {} and {}.",
                format_date(&s),
                format_date(&e)
            ),
            _ => String::new(),
        };
        found.push(Demand {
            id: intent.id,
            kind: DemandKind::Intent,
            path: format!("/intents/{}", intent.id),
            summary: format!(
                "Joint buying intent registered by {}: {}{window} CPV {}.",
                name_of(intent.owner_organisation_id),
                intent
                    .estimated_value_pence
                    .map_or_else(|| "value not given".into(), format_pounds),
                codes.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
            title: intent.title,
            published: intent.created_at,
            updated: intent.updated_at,
            buyer: intent.owner_organisation_id,
            cpv_codes: codes,
        });
    }

    let fresh = today - Duration::days(STALE_DAYS);
    let planned = planned_purchase::Entity::find()
        .filter(planned_purchase::Column::Status.eq("open"))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| {
            p.expected_start
                .or(p.closing_date)
                .is_none_or(|d| d >= fresh)
        })
        .collect::<Vec<_>>();
    let planned_codes = planned_purchase_cpv::Entity::find()
        .filter(
            planned_purchase_cpv::Column::PlannedPurchaseId
                .is_in(planned.iter().map(|p| p.id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    for p in planned {
        let codes: BTreeSet<String> = planned_codes
            .iter()
            .filter(|c| c.planned_purchase_id == p.id)
            .map(|c| c.cpv_code.clone())
            .collect();
        found.push(Demand {
            id: p.id,
            kind: DemandKind::Planned,
            path: format!("/search?q={}", p.source_id),
            summary: format!(
                "Planned purchase published by {} ({}): {}{}.",
                name_of(p.buyer_organisation_id),
                p.source_id,
                p.value_max_pence
                    .or(p.value_min_pence)
                    .map_or_else(|| "value not published".into(), format_pounds),
                p.expected_start
                    .map(|d| format!(", expected to start {}", format_date(&d)))
                    .unwrap_or_default()
            ),
            title: p.title,
            published: p.published_at.unwrap_or(p.created_at),
            updated: p.published_at.unwrap_or(p.updated_at),
            buyer: p.buyer_organisation_id,
            cpv_codes: codes,
        });
    }
    found.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.id.cmp(&b.id)));
    Ok(found)
}

/// The feed of `followed`, as Atom XML.
pub async fn feed(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
    followed: &Followed,
    public_url: &str,
) -> Result<String, AppError> {
    let snapshot = snapshots.get(db).await?;
    let scope = scope(db, &snapshot, followed).await?;
    let today = OffsetDateTime::now_utc().date();
    let mut found: Vec<Demand> = open_demand(db, &snapshot, today)
        .await?
        .into_iter()
        .filter(|d| scope.contains(d))
        .collect();
    found.truncate(ENTRIES);
    let title = scope.title;

    let self_path = followed.feed_path();
    let updated = found
        .first()
        .map_or_else(|| OffsetDateTime::UNIX_EPOCH, |d| d.updated);
    let feed = Feed {
        title: Text::plain(title),
        id: format!("{public_url}{self_path}"),
        updated: fixed(updated),
        authors: vec![Person {
            name: "Procurement Commons".into(),
            uri: Some(public_url.to_owned()),
            ..Default::default()
        }],
        links: vec![link(format!("{public_url}{self_path}"), "self")],
        entries: found
            .into_iter()
            .map(|d| Entry {
                title: Text::plain(d.title),
                id: format!("urn:uuid:{}", d.id),
                updated: fixed(d.updated),
                links: vec![link(format!("{public_url}{}", d.path), "alternate")],
                summary: Some(Text::plain(d.summary)),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    Ok(feed.to_string())
}
