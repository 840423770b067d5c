//! Joint buying intents: a council buyer registers a need (after seeing
//! similar purchases near them), buyers of other councils join with their
//! own share, and the owner or the footprint's coordinator names a lead
//! body and moves the intent open → committed → in procurement → awarded
//! (or withdrawn). Every change goes through [`changes::record`], filed
//! under the intent (its history is that audit trail), and emails everyone
//! taking part through the email outbox.
use std::collections::{BTreeSet, HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::catalogue::cpv_labels;
use super::{cpv, linked};
use crate::server::AppState;
use crate::server::auth::{Permission, Resource, may, require};
use crate::server::changes::{self, Actor, Change};
use crate::server::dedupe::Item;
use crate::server::email::messages;
use crate::server::entities::{
    app_user, audit_event, buying_intent, buying_intent_cpv, contract, footprint, framework,
    intent_participant, organisation,
};
use crate::server::form::FormError;
use crate::types::commands::{
    AwardedTo, IntentDetails, IntentJoin, IntentLead, IntentStatus, IntentStatusChange,
    ParticipantStatus, intent as field,
};
use crate::types::{
    AppError, FieldErrors, HistoryEntry, IntentActionOptions, IntentFormOptions, IntentSummary,
    IntentView, ParticipantView, Role, SimilarPurchase, Viewer, format_pounds,
};

/// Similar purchases shown for a need.
const SIMILAR_SHOWN: usize = 10;

/// What a registration did: only checked for similar purchases, or saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registration {
    Checked,
    Saved(Uuid),
}

/// The council with this GSS code, after checking the actor may register
/// and join intents for it.
async fn acting_council(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    gss: &str,
) -> Result<organisation::Model, AppError> {
    super::contracts::council_acting_for(db, actor, gss, Permission::ManageIntents).await
}

/// The footprints `organisation` is a current member of, by name.
async fn current_footprints(
    state: &AppState,
    organisation_id: Uuid,
) -> Result<Vec<footprint::Model>, AppError> {
    let snapshot = state.snapshots.get(&state.db).await?;
    let current = snapshot.current_footprint_ids_of(organisation_id);
    Ok(snapshot
        .footprints()
        .iter()
        .filter(|f| current.contains(&f.id))
        .cloned()
        .collect())
}

/// Current members of a footprint.
async fn members_of(
    state: &AppState,
    footprint_id: Option<Uuid>,
) -> Result<HashSet<Uuid>, AppError> {
    let Some(footprint_id) = footprint_id else {
        return Ok(HashSet::new());
    };
    Ok(state
        .snapshots
        .get(&state.db)
        .await?
        .current_members(footprint_id))
}

/// The registration form's choices for a council; after a successful check
/// (`checked`), the similar purchases found for it.
pub async fn form_options(
    state: &AppState,
    actor: Option<&Viewer>,
    gss: &str,
    checked: Option<&IntentDetails>,
) -> Result<IntentFormOptions, AppError> {
    let council = acting_council(&state.db, actor, gss).await?;
    let footprints = current_footprints(state, council.id).await?;
    let similar = match checked {
        Some(details) => {
            let footprint = footprints
                .iter()
                .find(|f| f.code.eq_ignore_ascii_case(&details.footprint));
            let item = Item {
                key: "new-intent".into(),
                buyers: vec![council.id.to_string()],
                title: details.title.clone(),
                description: Some(details.description.clone()),
                cpv_codes: details.cpv_codes.clone(),
                suppliers: Vec::new(),
                framework: None,
                value_pence: Some(details.value_pence),
                start: Some(details.window_start),
                end: Some(details.window_end),
            };
            let near = members_of(state, footprint.map(|f| f.id)).await?;
            Some(
                state
                    .live_check
                    .similar(&state.db, &item, &near, SIMILAR_SHOWN)
                    .await?,
            )
        }
        None => None,
    };
    Ok(IntentFormOptions {
        council_name: council.name,
        gss_code: gss.to_owned(),
        footprints: footprints.into_iter().map(|f| (f.code, f.name)).collect(),
        similar,
    })
}

/// Checks a need, and saves it unless only a check was asked for.
pub async fn register(
    state: &AppState,
    actor: Option<&Viewer>,
    gss: String,
    details: IntentDetails,
) -> Result<Registration, FormError> {
    let db = &state.db;
    let council = acting_council(db, actor, &gss).await?;
    let mut errors = FieldErrors::default();
    cpv::check_known(db, &mut errors, field::CPV_CODES, &details.cpv_codes).await?;
    let footprints = current_footprints(state, council.id).await?;
    let footprint = footprints
        .iter()
        .find(|f| f.code.eq_ignore_ascii_case(&details.footprint));
    if footprint.is_none() {
        errors.add(
            field::FOOTPRINT,
            format!(
                "Select one of {}'s footprints: {} is not one of them",
                council.short_name, details.footprint
            ),
        );
    }
    errors.into_result()?;
    let (Some(footprint), false) = (footprint, details.check_only) else {
        return Ok(Registration::Checked);
    };
    let id = Uuid::new_v4();
    let now = OffsetDateTime::now_utc();
    let user = Actor::of(actor).user_id();
    let txn = crate::server::db::begin_write(db).await?;
    let created = buying_intent::ActiveModel {
        id: Set(id),
        owner_organisation_id: Set(council.id),
        footprint_id: Set(Some(footprint.id)),
        title: Set(details.title.clone()),
        need_description: Set(details.description.clone()),
        estimated_value_pence: Set(Some(details.value_pence)),
        window_start: Set(Some(details.window_start)),
        window_end: Set(Some(details.window_end)),
        status: Set(IntentStatus::Open.as_str().to_owned()),
        lead_organisation_id: Set(None),
        is_demo: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        created_by_user_id: Set(user),
        awarded_contract_id: Set(None),
        awarded_framework_id: Set(None),
    }
    .insert(&txn)
    .await?;
    let codes: BTreeSet<&String> = details.cpv_codes.iter().collect();
    buying_intent_cpv::Entity::insert_many(codes.iter().map(|code| {
        buying_intent_cpv::ActiveModel {
            buying_intent_id: Set(id),
            cpv_code: Set((*code).clone()),
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    // The owner takes part like everyone else: its share is a row too, so
    // the combined value is one sum.
    intent_participant::ActiveModel {
        buying_intent_id: Set(id),
        organisation_id: Set(council.id),
        volume_note: Set(None),
        value_pence: Set(Some(details.value_pence)),
        status: Set(ParticipantStatus::Interested.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        joined_by_user_id: Set(user),
    }
    .insert(&txn)
    .await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("intent.registered", "buying_intent", id).after(json!({
            "title": created.title,
            "owner": council.name,
            "footprint": footprint.code,
            "value_pence": details.value_pence,
            "window_start": details.window_start.to_string(),
            "window_end": details.window_end.to_string(),
            "cpv_codes": details.cpv_codes,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(Registration::Saved(id))
}

async fn intent_by_id<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<buying_intent::Model, AppError> {
    buying_intent::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Buying intent".into()))
}

fn status_of(intent: &buying_intent::Model) -> IntentStatus {
    IntentStatus::parse(&intent.status).unwrap_or(IntentStatus::Open)
}

fn resource(intent: &buying_intent::Model) -> Resource {
    Resource::Intent {
        owner_organisation_id: intent.owner_organisation_id,
        footprint_id: intent.footprint_id,
    }
}

async fn participants<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Vec<intent_participant::Model>, AppError> {
    Ok(intent_participant::Entity::find()
        .filter(intent_participant::Column::BuyingIntentId.eq(id))
        .order_by_asc(intent_participant::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The shares of everyone not withdrawn, added up.
fn combined_value(rows: &[intent_participant::Model]) -> i64 {
    rows.iter()
        .filter(|p| p.status != ParticipantStatus::Withdrawn.as_str())
        .filter_map(|p| p.value_pence)
        .sum()
}

/// Everyone to tell about a change: whoever registered the intent and
/// whoever joined for a council, except the person who made the change
/// and disabled accounts.
async fn involved_addresses<C: ConnectionTrait>(
    db: &C,
    intent: &buying_intent::Model,
    rows: &[intent_participant::Model],
    actor: Option<&Viewer>,
) -> Result<Vec<String>, AppError> {
    let mut ids: BTreeSet<Uuid> = rows.iter().filter_map(|p| p.joined_by_user_id).collect();
    ids.extend(intent.created_by_user_id);
    if let Some(actor) = actor {
        ids.remove(&actor.user_id);
    }
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .filter(app_user::Column::IsDisabled.eq(false))
        .order_by_asc(app_user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect())
}

/// A council joins, changes its share, or withdraws from the intent.
pub async fn join(
    state: &AppState,
    actor: Option<&Viewer>,
    id: Uuid,
    join: IntentJoin,
) -> Result<(), FormError> {
    let db = &state.db;
    let council = acting_council(db, actor, &join.council).await?;
    let intent = intent_by_id(db, id).await?;
    let mut errors = FieldErrors::default();
    if !status_of(&intent).is_joinable() {
        errors.add(
            field::PARTICIPANT_STATUS,
            format!(
                "This intent is {}: councils can no longer join or change their share",
                status_of(&intent).label().to_lowercase()
            ),
        );
    }
    if council.id == intent.owner_organisation_id && join.status == ParticipantStatus::Withdrawn {
        errors.add(
            field::PARTICIPANT_STATUS,
            format!(
                "{} registered this intent: to stop it, change its status to withdrawn",
                council.short_name
            ),
        );
    }
    errors.into_result()?;
    let now = OffsetDateTime::now_utc();
    let txn = crate::server::db::begin_write(db).await?;
    let existing = intent_participant::Entity::find_by_id((id, council.id))
        .one(&txn)
        .await?;
    let before = existing.as_ref().map(participant_json);
    let saved = match existing {
        Some(row) => {
            let mut row: intent_participant::ActiveModel = row.into();
            row.value_pence = Set(Some(join.value_pence));
            row.volume_note = Set(join.volume.clone());
            row.status = Set(join.status.as_str().to_owned());
            row.joined_by_user_id = Set(Actor::of(actor).user_id());
            row.updated_at = Set(now);
            row.update(&txn).await?
        }
        None => {
            intent_participant::ActiveModel {
                buying_intent_id: Set(id),
                organisation_id: Set(council.id),
                volume_note: Set(join.volume.clone()),
                value_pence: Set(Some(join.value_pence)),
                status: Set(join.status.as_str().to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
                joined_by_user_id: Set(Actor::of(actor).user_id()),
            }
            .insert(&txn)
            .await?
        }
    };
    let rows = participants(&txn, id).await?;
    let (action, what) = match (&before, join.status) {
        (_, ParticipantStatus::Withdrawn) => ("intent.left", format!("{} withdrew", council.name)),
        (None, _) => ("intent.joined", format!("{} joined", council.name)),
        (Some(_), _) => (
            "intent.share_changed",
            format!("{} changed its share", council.name),
        ),
    };
    let combined = format_pounds(combined_value(&rows));
    let mut change = Change::new(action, "buying_intent", id).after(participant_json(&saved));
    if let Some(before) = before {
        change = change.before(before);
    }
    for to in involved_addresses(&txn, &intent, &rows, actor).await? {
        change = change.email(messages::intent_joined(
            &state.config.public_url,
            &to,
            &intent.title,
            id,
            &what,
            &combined,
        ));
    }
    changes::record(&txn, Actor::of(actor), change).await?;
    txn.commit().await?;
    Ok(())
}

fn participant_json(row: &intent_participant::Model) -> Value {
    json!({
        "organisation_id": row.organisation_id,
        "value_pence": row.value_pence,
        "volume": row.volume_note,
        "status": row.status,
    })
}

/// The intent, after checking the actor may manage it (its council's
/// buyers, its footprint's coordinator, admins).
async fn intent_to_manage(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<buying_intent::Model, AppError> {
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let intent = intent_by_id(db, id).await?;
    require(Some(actor), Permission::ManageIntents, resource(&intent))?;
    Ok(intent)
}

/// Who may lead: a council taking part, or the footprint's own body.
async fn possible_leads(
    db: &DatabaseConnection,
    intent: &buying_intent::Model,
) -> Result<Vec<organisation::Model>, AppError> {
    let mut ids: Vec<Uuid> = participants(db, intent.id)
        .await?
        .into_iter()
        .filter(|p| p.status != ParticipantStatus::Withdrawn.as_str())
        .map(|p| p.organisation_id)
        .collect();
    if let Some(footprint_id) = intent.footprint_id
        && let Some(body) = footprint::Entity::find_by_id(footprint_id)
            .one(db)
            .await?
            .and_then(|f| f.organisation_id)
    {
        ids.push(body);
    }
    let mut found = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?;
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// Names the body that runs the joint procurement.
pub async fn set_lead(
    state: &AppState,
    actor: Option<&Viewer>,
    id: Uuid,
    lead: IntentLead,
) -> Result<(), FormError> {
    let db = &state.db;
    let intent = intent_to_manage(db, actor, id).await?;
    let mut errors = FieldErrors::default();
    if status_of(&intent).is_final() {
        errors.add(
            field::LEAD,
            format!(
                "This intent is {}: its lead body can no longer change",
                status_of(&intent).label().to_lowercase()
            ),
        );
    }
    let leads = possible_leads(db, &intent).await?;
    let Some(chosen) = leads.iter().find(|o| o.id == lead.organisation_id) else {
        errors.add(
            field::LEAD,
            "Select a council taking part, or the footprint's own body",
        );
        return Err(errors.into());
    };
    errors.into_result()?;
    let txn = crate::server::db::begin_write(db).await?;
    let before = json!({ "lead_organisation_id": intent.lead_organisation_id });
    let mut model: buying_intent::ActiveModel = intent.clone().into();
    model.lead_organisation_id = Set(Some(chosen.id));
    model.updated_at = Set(OffsetDateTime::now_utc());
    model.update(&txn).await?;
    let rows = participants(&txn, id).await?;
    let what = format!("{} will lead the procurement", chosen.name);
    let mut change = Change::new("intent.lead_named", "buying_intent", id)
        .before(before)
        .after(json!({ "lead_organisation_id": chosen.id, "lead": chosen.name }));
    for to in involved_addresses(&txn, &intent, &rows, actor).await? {
        change = change.email(messages::intent_moved(
            &state.config.public_url,
            &to,
            &intent.title,
            id,
            &what,
        ));
    }
    changes::record(&txn, Actor::of(actor), change).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves the intent to its next stage; an award names what it became.
pub async fn change_status(
    state: &AppState,
    actor: Option<&Viewer>,
    id: Uuid,
    change: IntentStatusChange,
) -> Result<(), FormError> {
    let db = &state.db;
    let intent = intent_to_manage(db, actor, id).await?;
    let current = status_of(&intent);
    let mut errors = FieldErrors::default();
    if !current.next().contains(&change.status) {
        errors.add(
            field::STATUS,
            format!(
                "An intent that is {} cannot move to {}",
                current.label().to_lowercase(),
                change.status.label().to_lowercase()
            ),
        );
    }
    let rows = participants(db, id).await?;
    let taking_part: HashSet<Uuid> = rows
        .iter()
        .filter(|p| p.status != ParticipantStatus::Withdrawn.as_str())
        .map(|p| p.organisation_id)
        .chain(intent.lead_organisation_id)
        .collect();
    let (mut awarded_contract, mut awarded_framework) = (None, None);
    match &change.awarded_to {
        Some(AwardedTo::Contract(contract_id)) => {
            match contract::Entity::find_by_id(*contract_id).one(db).await? {
                Some(c) if taking_part.contains(&c.buyer_organisation_id) => {
                    awarded_contract = Some(c.id)
                }
                Some(_) => errors.add(
                    field::AWARDED_TO,
                    "That contract was not bought by a council taking part in this intent",
                ),
                None => errors.add(field::AWARDED_TO, "There is no contract at that address"),
            }
        }
        Some(AwardedTo::Framework(reference)) => {
            match framework::Entity::find()
                .filter(framework::Column::Reference.eq(reference.as_str()))
                .one(db)
                .await?
            {
                Some(f) => awarded_framework = Some(f.id),
                None => errors.add(
                    field::AWARDED_TO,
                    format!(
                        "There is no framework with the reference {reference} in the catalogue"
                    ),
                ),
            }
        }
        None => {}
    }
    errors.into_result()?;
    let txn = crate::server::db::begin_write(db).await?;
    let mut model: buying_intent::ActiveModel = intent.clone().into();
    model.status = Set(change.status.as_str().to_owned());
    model.awarded_contract_id = Set(awarded_contract);
    model.awarded_framework_id = Set(awarded_framework);
    model.updated_at = Set(OffsetDateTime::now_utc());
    model.update(&txn).await?;
    let what = format!("it is now {}", change.status.label().to_lowercase());
    let mut recorded = Change::new("intent.status_changed", "buying_intent", id)
        .before(json!({ "status": current.as_str() }))
        .after(json!({
            "status": change.status.as_str(),
            "awarded_contract_id": awarded_contract,
            "awarded_framework_id": awarded_framework,
        }));
    for to in involved_addresses(&txn, &intent, &rows, actor).await? {
        recorded = recorded.email(messages::intent_moved(
            &state.config.public_url,
            &to,
            &intent.title,
            id,
            &what,
        ));
    }
    changes::record(&txn, Actor::of(actor), recorded).await?;
    txn.commit().await?;
    Ok(())
}

/// Whether the viewer sees shares, volumes and history: anyone signed in
/// who buys for the public sector (council buyers, coordinators, admins).
fn sees_detail(viewer: Option<&Viewer>) -> bool {
    viewer.is_some_and(|v| {
        v.has_role(Role::CouncilBuyer)
            || v.has_role(Role::FootprintCoordinator)
            || v.has_role(Role::PlatformAdmin)
    })
}

/// The councils a viewer may join for: (GSS code, name). A buyer's own
/// councils; an admin may act for any council.
async fn joinable_councils(
    state: &AppState,
    viewer: Option<&Viewer>,
) -> Result<Vec<(String, String)>, AppError> {
    let Some(viewer) = viewer else {
        return Ok(Vec::new());
    };
    if viewer.has_role(Role::PlatformAdmin) {
        return Ok(state.snapshots.get(&state.db).await?.council_choices());
    }
    Ok(viewer
        .scopes(Role::CouncilBuyer)
        .filter_map(|g| Some((g.scope_code.clone()?, g.scope_name.clone()?)))
        .collect())
}

fn summary(
    intent: &buying_intent::Model,
    rows: &[intent_participant::Model],
    names: &HashMap<Uuid, organisation::Model>,
    footprints: &HashMap<Uuid, footprint::Model>,
) -> IntentSummary {
    IntentSummary {
        id: intent.id,
        title: intent.title.clone(),
        owner_name: names
            .get(&intent.owner_organisation_id)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        footprint_name: intent
            .footprint_id
            .and_then(|f| footprints.get(&f))
            .map(|f| f.name.clone()),
        status: status_of(intent),
        combined_value_pence: combined_value(rows),
        councils: rows
            .iter()
            .filter(|p| p.status != ParticipantStatus::Withdrawn.as_str())
            .count(),
        window_start: intent.window_start,
        window_end: intent.window_end,
    }
}

async fn organisations<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, organisation::Model>, AppError> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect())
}

async fn footprints_by_id<C: ConnectionTrait>(
    db: &C,
) -> Result<HashMap<Uuid, footprint::Model>, AppError> {
    Ok(footprint::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect())
}

/// Intents, those still open to join first, then the rest; optionally only
/// one footprint's (by code).
pub async fn list(
    db: &DatabaseConnection,
    footprint_code: Option<&str>,
) -> Result<Vec<IntentSummary>, AppError> {
    let footprints = footprints_by_id(db).await?;
    let mut query = buying_intent::Entity::find().order_by_desc(buying_intent::Column::CreatedAt);
    if let Some(code) = footprint_code {
        let Some(found) = footprints
            .values()
            .find(|f| f.code.eq_ignore_ascii_case(code))
        else {
            return Err(AppError::NotFound("Footprint".into()));
        };
        query = query.filter(buying_intent::Column::FootprintId.eq(found.id));
    }
    let intents = query.all(db).await?;
    let ids: Vec<Uuid> = intents.iter().map(|i| i.id).collect();
    let mut rows: HashMap<Uuid, Vec<intent_participant::Model>> = HashMap::new();
    for row in intent_participant::Entity::find()
        .filter(intent_participant::Column::BuyingIntentId.is_in(ids))
        .all(db)
        .await?
    {
        rows.entry(row.buying_intent_id).or_default().push(row);
    }
    let names = organisations(db, intents.iter().map(|i| i.owner_organisation_id)).await?;
    let mut out: Vec<IntentSummary> = intents
        .iter()
        .map(|i| {
            summary(
                i,
                rows.get(&i.id).map_or(&[], Vec::as_slice),
                &names,
                &footprints,
            )
        })
        .collect();
    out.sort_by_key(|s| !s.status.is_joinable());
    Ok(out)
}

/// What an audit action says in an intent's history.
fn history_text(action: &str, after: &Value, names: &HashMap<Uuid, organisation::Model>) -> String {
    let org = |key: &str| {
        after[key]
            .as_str()
            .and_then(|id| Uuid::parse_str(id).ok())
            .and_then(|id| names.get(&id))
            .map_or_else(|| "A council".to_owned(), |o| o.name.clone())
    };
    let share = || {
        after["value_pence"]
            .as_i64()
            .map(|v| format!(" ({})", format_pounds(v)))
            .unwrap_or_default()
    };
    match action {
        "intent.registered" => format!(
            "Registered by {}{}",
            after["owner"].as_str().unwrap_or("the council"),
            share()
        ),
        "intent.joined" => format!("{} joined{}", org("organisation_id"), share()),
        "intent.share_changed" => {
            format!("{} changed its share{}", org("organisation_id"), share())
        }
        "intent.left" => format!("{} withdrew", org("organisation_id")),
        "intent.lead_named" => format!(
            "{} named as lead body",
            after["lead"].as_str().unwrap_or("A body")
        ),
        "intent.status_changed" => format!(
            "Status changed to {}",
            after["status"]
                .as_str()
                .and_then(IntentStatus::parse)
                .map_or("unknown", IntentStatus::label)
                .to_lowercase()
        ),
        other => other.to_owned(),
    }
}

async fn history(
    db: &DatabaseConnection,
    id: Uuid,
    names: &HashMap<Uuid, organisation::Model>,
) -> Result<Vec<HistoryEntry>, AppError> {
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq("buying_intent"))
        .filter(audit_event::Column::EntityId.eq(id.to_string()))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?;
    let people: HashMap<Uuid, String> = app_user::Entity::find()
        .filter(
            app_user::Column::Id.is_in(
                events
                    .iter()
                    .filter_map(|e| e.actor_user_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    Ok(events
        .into_iter()
        .map(|e| {
            let summary: Value = e
                .change_summary
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or(Value::Null);
            HistoryEntry {
                at: e.occurred_at.format(format).unwrap_or_default(),
                who: e
                    .actor_user_id
                    .and_then(|u| people.get(&u).cloned())
                    .unwrap_or_else(|| "Procurement Commons".into()),
                what: history_text(&e.action, &summary["after"], names),
            }
        })
        .collect())
}

/// One intent's page: everyone sees what is needed, who takes part and the
/// combined value; signed-in public-sector users also see each share and
/// the history.
pub async fn page(
    state: &AppState,
    viewer: Option<&Viewer>,
    id: Uuid,
) -> Result<IntentView, AppError> {
    let db = &state.db;
    let intent = intent_by_id(db, id).await?;
    let rows = participants(db, id).await?;
    let footprints = footprints_by_id(db).await?;
    let names = organisations(
        db,
        rows.iter()
            .map(|p| p.organisation_id)
            .chain([intent.owner_organisation_id])
            .chain(intent.lead_organisation_id),
    )
    .await?;
    let shows_detail = sees_detail(viewer);
    let participants = rows
        .iter()
        .map(|p| {
            let org = names.get(&p.organisation_id);
            ParticipantView {
                organisation_id: p.organisation_id,
                council_name: org.map(|o| o.name.clone()).unwrap_or_default(),
                gss_code: org.and_then(|o| o.gss_code.clone()),
                is_owner: p.organisation_id == intent.owner_organisation_id,
                status: ParticipantStatus::parse(&p.status)
                    .unwrap_or(ParticipantStatus::Interested),
                value_pence: p.value_pence.filter(|_| shows_detail),
                volume: p.volume_note.clone().filter(|_| shows_detail),
            }
        })
        .collect();
    let codes = linked(
        db,
        buying_intent_cpv::Entity,
        buying_intent_cpv::Column::BuyingIntentId,
        id,
        |c| c.cpv_code,
    )
    .await?;
    let awarded = match (intent.awarded_contract_id, intent.awarded_framework_id) {
        (Some(c), _) => contract::Entity::find_by_id(c).one(db).await?.map(|c| {
            (
                format!("Contract: {}", c.title),
                format!("/contracts/{}", c.id),
            )
        }),
        (None, Some(f)) => framework::Entity::find_by_id(f).one(db).await?.map(|f| {
            (
                format!("Framework {}: {}", f.reference, f.title.unwrap_or_default()),
                format!("/frameworks/{}", f.id),
            )
        }),
        _ => None,
    };
    let status = status_of(&intent);
    let similar = if status.is_final() {
        Vec::new()
    } else {
        let item = Item {
            key: format!("buying_intent:{id}"),
            buyers: rows
                .iter()
                .map(|p| p.organisation_id.to_string())
                .chain([intent.owner_organisation_id.to_string()])
                .collect(),
            title: intent.title.clone(),
            description: Some(intent.need_description.clone()),
            cpv_codes: codes.clone(),
            suppliers: Vec::new(),
            framework: None,
            value_pence: Some(combined_value(&rows)),
            start: intent.window_start,
            end: intent.window_end,
        };
        let near = members_of(state, intent.footprint_id).await?;
        state
            .live_check
            .similar(db, &item, &near, SIMILAR_SHOWN)
            .await?
    };
    let may_join = status.is_joinable() && !joinable_councils(state, viewer).await?.is_empty();
    Ok(IntentView {
        summary: summary(&intent, &rows, &names, &footprints),
        description: intent.need_description.clone(),
        owner_gss: names
            .get(&intent.owner_organisation_id)
            .and_then(|o| o.gss_code.clone()),
        footprint_code: intent
            .footprint_id
            .and_then(|f| footprints.get(&f))
            .map(|f| f.code.clone()),
        cpv_codes: cpv_labels(db, codes).await?,
        lead_name: intent
            .lead_organisation_id
            .and_then(|l| names.get(&l))
            .map(|o| o.name.clone()),
        awarded,
        participants,
        history: if shows_detail {
            history(db, id, &names).await?
        } else {
            Vec::new()
        },
        shows_detail,
        may_join,
        may_manage: !status.is_final() && may(viewer, Permission::ManageIntents, resource(&intent)),
        similar: similar
            .into_iter()
            .filter(|s: &SimilarPurchase| {
                !s.href
                    .as_deref()
                    .is_some_and(|h| h.ends_with(&id.to_string()))
            })
            .collect(),
    })
}

/// Which action form: joining, naming the lead, or moving the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntentAction {
    Join,
    Lead,
    Status,
}

/// The choices of an action form, after the same permission check the
/// action makes; plus the values to start the form with.
pub async fn action_options(
    state: &AppState,
    viewer: Option<&Viewer>,
    id: Uuid,
    action: IntentAction,
) -> Result<(IntentActionOptions, Vec<(String, String)>), AppError> {
    let db = &state.db;
    let viewer = viewer.ok_or(AppError::Unauthenticated)?;
    let intent = intent_by_id(db, id).await?;
    let status = status_of(&intent);
    let mut initial = Vec::new();
    let choices = match action {
        IntentAction::Join => {
            let councils = joinable_councils(state, Some(viewer)).await?;
            if councils.is_empty() {
                return Err(AppError::Forbidden);
            }
            if let [(gss, _)] = councils.as_slice() {
                initial.push((field::COUNCIL.to_owned(), gss.clone()));
            }
            councils
        }
        IntentAction::Lead => {
            require(Some(viewer), Permission::ManageIntents, resource(&intent))?;
            if let Some(lead) = intent.lead_organisation_id {
                initial.push((field::LEAD.to_owned(), lead.to_string()));
            }
            possible_leads(db, &intent)
                .await?
                .into_iter()
                .map(|o| (o.id.to_string(), o.name))
                .collect()
        }
        IntentAction::Status => {
            require(Some(viewer), Permission::ManageIntents, resource(&intent))?;
            status
                .next()
                .iter()
                .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
                .collect()
        }
    };
    Ok((
        IntentActionOptions {
            id,
            title: intent.title,
            status,
            choices,
        },
        initial,
    ))
}
