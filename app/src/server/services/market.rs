//! The market signal for suppliers: open demand (buying intents and planned
//! purchases) that matches a supplier's offers, and following a footprint
//! or a CPV division by email — a weekly digest written to the email
//! outbox, with a "stop these emails" link that works without signing in.
//! The Atom feeds of the same demand are in [`super::feeds`].
use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::feeds::{self, Demand, DemandKind};
use crate::server::AppState;
use crate::server::auth::{Permission, Resource, require};
use crate::server::changes::{self, Actor, Change};
use crate::server::dedupe::Item;
use crate::server::email::messages;
use crate::server::entities::{app_user, cpv_code, demand_follow, offer, offer_cpv, supplier};
use crate::server::form::FormError;
use crate::types::commands::follow::{FOLLOW, KEY};
use crate::types::commands::{Confirmation, FollowDemand, Followed, OfferStatus, Unsubscribe};
use crate::types::{
    AppError, DemandMatch, FieldErrors, FollowView, FollowingPage, OfferCategory, SupplierDemand,
    Viewer,
};

/// At most one digest a week per person: demand moves in weeks, not hours.
pub const DIGEST_EVERY: Duration = Duration::days(7);
/// Entries listed per followed footprint or category in one digest.
const DIGEST_ENTRIES: usize = 20;
/// Matches listed on a supplier's demand page.
const MATCHES_SHOWN: usize = 50;
/// Candidates asked of the live check per offer (most are contracts, which
/// are not open demand).
const WORD_CANDIDATES: usize = 500;

fn kind_label(kind: DemandKind) -> &'static str {
    match kind {
        DemandKind::Intent => "Buying intent",
        DemandKind::Planned => "Planned purchase",
    }
}

/// The significant digits of a CPV code (trailing zeros are padding).
fn significant(code: &str) -> &str {
    code.trim_end_matches('0')
}

/// Whether one code's category contains the other's (72000000 contains
/// 72212000): then the offer is of the kind of thing the demand names.
fn cpv_contains_either(a: &str, b: &str) -> bool {
    let (a, b) = (significant(a), significant(b));
    a.len() >= 2 && b.len() >= 2 && (a.starts_with(b) || b.starts_with(a))
}

/// Open demand matching `supplier_id`'s published offers: by CPV (an
/// offer's code and the demand's within one another) or by wording (the
/// duplicate detector's live check, the offer read as a purchase).
pub async fn supplier_demand(
    state: &AppState,
    viewer: Option<&Viewer>,
    supplier_id: Uuid,
) -> Result<SupplierDemand, AppError> {
    let db = &state.db;
    let supplier = supplier::Entity::find_by_id(supplier_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Supplier".into()))?;
    let offers = offer::Entity::find()
        .filter(offer::Column::SupplierId.eq(supplier_id))
        .filter(offer::Column::Status.eq(OfferStatus::Published.as_str()))
        .order_by_asc(offer::Column::Title)
        .all(db)
        .await?;
    let codes = offer_cpv::Entity::find()
        .filter(offer_cpv::Column::OfferId.is_in(offers.iter().map(|o| o.id).collect::<Vec<_>>()))
        .all(db)
        .await?;
    let snapshot = state.snapshots.get(db).await?;
    let today = OffsetDateTime::now_utc().date();
    let open = feeds::open_demand(db, &snapshot, today).await?;
    let by_id: HashMap<Uuid, &Demand> = open.iter().map(|d| (d.id, d)).collect();

    let mut reasons: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
    for o in &offers {
        let own: Vec<&str> = codes
            .iter()
            .filter(|c| c.offer_id == o.id)
            .map(|c| c.cpv_code.as_str())
            .collect();
        for demand in &open {
            if let Some((mine, theirs)) = own.iter().find_map(|mine| {
                demand
                    .cpv_codes
                    .iter()
                    .find(|theirs| cpv_contains_either(mine, theirs))
                    .map(|theirs| (*mine, theirs))
            }) {
                reasons.entry(demand.id).or_default().push(format!(
                    "CPV {theirs} and your offer \u{201c}{}\u{201d} ({mine}) are in the same category",
                    o.title
                ));
            }
        }
        let probe = Item {
            key: format!("offer:{}", o.id),
            title: o.title.clone(),
            description: Some(o.summary.clone()),
            cpv_codes: own.iter().map(|c| (*c).to_owned()).collect(),
            ..Item::default()
        };
        for (kind, id, why) in state
            .live_check
            .similar_records(db, &probe, WORD_CANDIDATES)
            .await?
        {
            if matches!(kind, "buying_intent" | "planned_purchase") && by_id.contains_key(&id) {
                let words = why
                    .into_iter()
                    .find(|r| r.starts_with("descriptions share"))
                    .unwrap_or_else(|| "similar wording".into());
                reasons
                    .entry(id)
                    .or_default()
                    .push(format!("Your offer \u{201c}{}\u{201d}: {words}", o.title));
            }
        }
    }
    let mut matches: Vec<(&Demand, Vec<String>)> = reasons
        .into_iter()
        .filter_map(|(id, why)| by_id.get(&id).map(|d| (*d, why)))
        .collect();
    matches.sort_by(|a, b| b.0.published.cmp(&a.0.published).then(a.0.id.cmp(&b.0.id)));
    matches.truncate(MATCHES_SHOWN);

    let followed: HashSet<String> = match viewer {
        Some(v) => follows_of(db, v.user_id)
            .await?
            .into_iter()
            .map(|f| format!("{}:{}", f.kind, f.code))
            .collect(),
        None => HashSet::new(),
    };
    let mut divisions: Vec<String> = codes.iter().map(|c| c.cpv_code[..2].to_owned()).collect();
    divisions.sort();
    divisions.dedup();
    let labels = division_labels(db).await?;
    let categories = divisions
        .into_iter()
        .map(|d| {
            let followed_as = Followed::Category(d.clone());
            OfferCategory {
                value: followed_as.value(),
                label: labels
                    .get(&d)
                    .map_or_else(|| format!("CPV {d}"), |l| format!("{l} (CPV {d})")),
                feed_path: followed_as.feed_path(),
                followed: followed.contains(&followed_as.value()),
            }
        })
        .collect();
    Ok(SupplierDemand {
        supplier_id,
        supplier_name: supplier.name,
        offers: offers.len(),
        matches: matches
            .into_iter()
            .map(|(d, why)| DemandMatch {
                kind_label: kind_label(d.kind).into(),
                title: d.title.clone(),
                href: d.path.clone(),
                summary: d.summary.clone(),
                reasons: why,
                published: d.published.date(),
            })
            .collect(),
        categories,
        signed_in: viewer.is_some(),
    })
}

/// Every CPV division's label, by its two digits.
async fn division_labels(db: &DatabaseConnection) -> Result<HashMap<String, String>, AppError> {
    Ok(cpv_code::Entity::find()
        .filter(cpv_code::Column::Code.like("__000000"))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code[..2].to_owned(), c.label))
        .collect())
}

async fn follows_of(
    db: &DatabaseConnection,
    user_id: Uuid,
) -> Result<Vec<demand_follow::Model>, AppError> {
    Ok(demand_follow::Entity::find()
        .filter(demand_follow::Column::UserId.eq(user_id))
        .order_by_asc(demand_follow::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The signed-in person's follows, and what else they could follow.
pub async fn following(
    state: &AppState,
    viewer: Option<&Viewer>,
) -> Result<FollowingPage, AppError> {
    let viewer = viewer.ok_or(AppError::Unauthenticated)?;
    let db = &state.db;
    let snapshot = state.snapshots.get(db).await?;
    let rows = follows_of(db, viewer.user_id).await?;
    let mut follows = Vec::new();
    let mut taken = HashSet::new();
    for row in rows {
        let Some(followed) = Followed::from_parts(&row.kind, &row.code) else {
            continue;
        };
        taken.insert(followed.value());
        let title = match feeds::scope(db, &snapshot, &followed).await {
            Ok(scope) => scope.title,
            Err(AppError::NotFound(_)) => format!("{} (no longer listed)", followed.code()),
            Err(e) => return Err(e),
        };
        follows.push(FollowView {
            id: row.id,
            title,
            feed_path: followed.feed_path(),
            since: row.created_at.date(),
        });
    }
    let mut footprints: Vec<(String, String)> = snapshot
        .footprints()
        .iter()
        .map(|f| (Followed::Footprint(f.code.clone()).value(), f.name.clone()))
        .filter(|(v, _)| !taken.contains(v))
        .collect();
    footprints.sort_by(|a, b| a.1.cmp(&b.1));
    let mut categories: Vec<(String, String)> = division_labels(db)
        .await?
        .into_iter()
        .map(|(d, label)| {
            (
                Followed::Category(d.clone()).value(),
                format!("{d} {label}"),
            )
        })
        .filter(|(v, _)| !taken.contains(v))
        .collect();
    categories.sort();
    Ok(FollowingPage {
        follows,
        footprints,
        categories,
    })
}

/// Follows a footprint or a CPV division (again: nothing changes).
pub async fn follow(
    state: &AppState,
    actor: Option<&Viewer>,
    command: FollowDemand,
) -> Result<(), FormError> {
    require(actor, Permission::FollowDemand, Resource::Platform)?;
    let viewer = actor.ok_or(AppError::Unauthenticated)?;
    let db = &state.db;
    let snapshot = state.snapshots.get(db).await?;
    let followed = command.followed;
    if let Err(AppError::NotFound(what)) = feeds::scope(db, &snapshot, &followed).await {
        let mut errors = FieldErrors::default();
        errors.add(
            FOLLOW,
            format!("There is no {} {}", what.to_lowercase(), followed.code()),
        );
        return Err(errors.into());
    }
    // The stored code is the footprint's own spelling.
    let code = match &followed {
        Followed::Footprint(code) => snapshot
            .footprints()
            .iter()
            .find(|f| f.code.eq_ignore_ascii_case(code))
            .map_or_else(|| code.clone(), |f| f.code.clone()),
        Followed::Category(code) => code.clone(),
    };
    let txn = crate::server::db::begin_write(db).await?;
    let existing = demand_follow::Entity::find()
        .filter(demand_follow::Column::UserId.eq(viewer.user_id))
        .filter(demand_follow::Column::Kind.eq(followed.kind()))
        .filter(demand_follow::Column::Code.eq(code.clone()))
        .one(&txn)
        .await?;
    if existing.is_some() {
        return Ok(());
    }
    let now = OffsetDateTime::now_utc();
    let row = demand_follow::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(viewer.user_id),
        kind: Set(followed.kind().to_owned()),
        code: Set(code.clone()),
        unsubscribe_key: Set(Uuid::new_v4()),
        created_at: Set(now),
        news_since: Set(now),
    }
    .insert(&txn)
    .await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("follow.added", "demand_follow", row.id)
            .after(json!({ "kind": row.kind, "code": row.code, "user_id": row.user_id })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn remove(
    db: &DatabaseConnection,
    actor: Actor,
    row: demand_follow::Model,
    how: &'static str,
) -> Result<(), FormError> {
    let txn = crate::server::db::begin_write(db).await?;
    let deleted = demand_follow::Entity::delete_by_id(row.id)
        .exec(&txn)
        .await?
        .rows_affected;
    if deleted == 0 {
        // Removed meanwhile (two clicks): the wish is granted.
        return Ok(());
    }
    changes::record(
        &txn,
        actor,
        Change::new("follow.removed", "demand_follow", row.id).before(
            json!({ "kind": row.kind, "code": row.code, "user_id": row.user_id, "how": how }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Stops one of the signed-in person's follows. Someone else's is not
/// found, whoever asks (nobody manages another person's email).
pub async fn unfollow(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    _: Confirmation,
) -> Result<(), FormError> {
    require(actor, Permission::FollowDemand, Resource::Platform)?;
    let viewer = actor.ok_or(AppError::Unauthenticated)?;
    let row = demand_follow::Entity::find_by_id(id)
        .filter(demand_follow::Column::UserId.eq(viewer.user_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Follow".into()))?;
    remove(db, Actor::of(actor), row, "account").await
}

/// What an unsubscribe link stops, for its confirmation page (`None`: the
/// link is unknown or already used).
pub async fn unsubscribe_preview(state: &AppState, key: Uuid) -> Result<Option<String>, AppError> {
    let db = &state.db;
    let Some(row) = demand_follow::Entity::find()
        .filter(demand_follow::Column::UnsubscribeKey.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let snapshot = state.snapshots.get(db).await?;
    Ok(Some(match Followed::from_parts(&row.kind, &row.code) {
        Some(followed) => match feeds::scope(db, &snapshot, &followed).await {
            Ok(scope) => scope.title,
            Err(_) => row.code.clone(),
        },
        None => row.code.clone(),
    }))
}

/// Stops the follow a digest's link names, without signing in: the link's
/// key is the permission, and it stops that one follow only.
pub async fn unsubscribe(
    db: &DatabaseConnection,
    _: Option<&Viewer>,
    command: Unsubscribe,
) -> Result<(), FormError> {
    let Some(row) = demand_follow::Entity::find()
        .filter(demand_follow::Column::UnsubscribeKey.eq(command.key))
        .one(db)
        .await?
    else {
        let mut errors = FieldErrors::default();
        errors.add(
            KEY,
            "This link has already been used, or the follow was removed from the account",
        );
        return Err(errors.into());
    };
    let owner = row.user_id;
    remove(db, Actor::Person(owner), row, "unsubscribe link").await
}

/// What one run of the digest job did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DigestRun {
    /// People whose follows were due.
    pub due: usize,
    /// Digests queued in the email outbox.
    pub sent: usize,
}

/// A digest ready to queue: its message and the follows it reports on, as
/// they were read.
pub struct PendingDigest {
    user_id: Uuid,
    follows: Vec<demand_follow::Model>,
    sections: usize,
    email: crate::server::email::Email,
}

/// Queues a digest for everyone whose follows are due (none sent for
/// [`DIGEST_EVERY`]) and who has news: demand published since their last
/// digest in what they follow. Nobody news-less is emailed; their follows
/// stay due, so news is sent as soon as it comes.
pub async fn send_digests(state: &AppState, now: OffsetDateTime) -> Result<DigestRun, AppError> {
    let (due, pending) = due_digests(state, now).await?;
    let mut run = DigestRun { due, sent: 0 };
    for digest in pending {
        if queue_digest(state, digest, now).await? {
            run.sent += 1;
        }
    }
    if run.sent > 0 {
        state.mail_wake.notify_one();
    }
    Ok(run)
}

/// How many people are due a digest, and the digests of those with news.
pub async fn due_digests(
    state: &AppState,
    now: OffsetDateTime,
) -> Result<(usize, Vec<PendingDigest>), AppError> {
    let db = &state.db;
    let due = demand_follow::Entity::find()
        .filter(demand_follow::Column::NewsSince.lte(now - DIGEST_EVERY))
        .order_by_asc(demand_follow::Column::CreatedAt)
        .all(db)
        .await?;
    let mut by_user: BTreeMap<Uuid, Vec<demand_follow::Model>> = BTreeMap::new();
    for row in due {
        by_user.entry(row.user_id).or_default().push(row);
    }
    let people = by_user.len();
    if by_user.is_empty() {
        return Ok((0, Vec::new()));
    }
    let snapshot = state.snapshots.get(db).await?;
    let open = feeds::open_demand(db, &snapshot, now.date()).await?;
    let users: HashMap<Uuid, app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(by_user.keys().copied().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut pending = Vec::new();
    for (user_id, follows) in by_user {
        let Some(user) = users.get(&user_id) else {
            continue;
        };
        if user.is_disabled || user.email_verified_at.is_none() {
            continue;
        }
        let mut sections = Vec::new();
        for row in &follows {
            let Some(followed) = Followed::from_parts(&row.kind, &row.code) else {
                continue;
            };
            let Ok(scope) = feeds::scope(db, &snapshot, &followed).await else {
                continue;
            };
            let news: Vec<&Demand> = open
                .iter()
                .filter(|d| d.published > row.news_since && scope.contains(d))
                .take(DIGEST_ENTRIES)
                .collect();
            if !news.is_empty() {
                sections.push(messages::DigestSection {
                    title: scope.title,
                    entries: news
                        .into_iter()
                        .map(|d| (d.title.clone(), d.summary.clone(), d.path.clone()))
                        .collect(),
                    unsubscribe_key: row.unsubscribe_key,
                });
            }
        }
        if sections.is_empty() {
            continue;
        }
        pending.push(PendingDigest {
            user_id,
            sections: sections.len(),
            email: messages::demand_digest(
                &state.config.public_url,
                &user.email,
                &user.display_name,
                &sections,
            ),
            follows,
        });
    }
    Ok((people, pending))
}

/// Queues one digest as one change (audit event and outbox row together),
/// moving its follows' news on to `now`. `false`, and nothing written, when
/// a follow moved on since it was read: another server (every node runs the
/// job) has sent this digest, and it must not go twice.
pub async fn queue_digest(
    state: &AppState,
    digest: PendingDigest,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    let txn = crate::server::db::begin_write(&state.db).await?;
    for row in &digest.follows {
        let claimed = demand_follow::Entity::update_many()
            .col_expr(
                demand_follow::Column::NewsSince,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(demand_follow::Column::Id.eq(row.id))
            .filter(demand_follow::Column::NewsSince.eq(row.news_since))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            txn.rollback().await?;
            return Ok(false);
        }
    }
    changes::record(
        &txn,
        Actor::System,
        Change::new("follow.digest_sent", "app_user", digest.user_id)
            .after(json!({ "follows": digest.follows.len(), "sections": digest.sections }))
            .email(digest.email),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
