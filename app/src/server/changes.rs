//! The one path every change takes on its way into the database.
//!
//! A service validates a typed command, checks permission, writes its rows in
//! a transaction and then calls [`record`] with a [`Change`] in that same
//! transaction. `record` writes the audit event (who did what, before and
//! after) and one `search_outbox` row per search document the change
//! affects, so the record of a change and the instruction to re-index it
//! commit or roll back together with the change itself. The search indexer
//! reads the outbox in `seq` order; nothing touches the index inside a
//! request.
//!
//! A change may also send email ([`Change::email`]): `record` writes each
//! message to the email outbox in the same transaction, for the delivery
//! worker to send once it has committed.
//!
//! `record` takes a [`DatabaseTransaction`], not any connection: a change
//! cannot be recorded outside the transaction that makes it.
use std::collections::BTreeMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QuerySelect, Set, Statement,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::server::email::Email;
use crate::server::entities::{
    audit_event, contract_supplier, email_outbox, lot, lot_supplier, offer, offer_lot,
    search_outbox,
};
use crate::types::Viewer;

/// Who made a change: a signed-in person, or the system itself (reference
/// and demo loaders, command-line tools), which the audit log shows as no one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Person(Uuid),
    System,
}

impl Actor {
    /// The person behind a request, or the system when there is none (the
    /// anonymous paths, sign-up and sign-in, name the account themselves).
    pub fn of(viewer: Option<&Viewer>) -> Self {
        viewer.map_or(Actor::System, |v| Actor::Person(v.user_id))
    }

    pub fn user_id(self) -> Option<Uuid> {
        match self {
            Actor::Person(id) => Some(id),
            Actor::System => None,
        }
    }
}

impl From<Option<Uuid>> for Actor {
    fn from(user_id: Option<Uuid>) -> Self {
        user_id.map_or(Actor::System, Actor::Person)
    }
}

/// The kinds of search document (ARCHITECTURE §4): the same kinds a
/// visitor can search for. Each row of the outbox names one document by
/// kind (`as_str`, stored in `search_outbox.entity`) and record id.
pub use crate::types::SearchKind as DocumentKind;

/// What the indexer must do with a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Build the document again from the database (it is new or changed).
    Upsert,
    /// Remove the document (its record is gone).
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
        }
    }
}

/// One change: its audit entry and the search documents it affects.
#[derive(Clone, Debug)]
pub struct Change {
    action: &'static str,
    entity: &'static str,
    entity_id: String,
    before: Option<Value>,
    after: Option<Value>,
    /// Keyed by document so each is queued once; the last op given wins
    /// (a lot removed after its supplier list was touched is a delete).
    documents: BTreeMap<(DocumentKind, Uuid), Op>,
    /// Messages the change sends, queued in its transaction.
    emails: Vec<Email>,
}

impl Change {
    /// `action` is `entity.verb` (`framework.created`); `entity`/`entity_id`
    /// name the record the audit log files it under.
    pub fn new(action: &'static str, entity: &'static str, entity_id: impl ToString) -> Self {
        Change {
            action,
            entity,
            entity_id: entity_id.to_string(),
            before: None,
            after: None,
            documents: BTreeMap::new(),
            emails: Vec::new(),
        }
    }

    /// A message to send once the change commits (the outbox row commits
    /// with it; the delivery worker sends it).
    pub fn email(mut self, email: Email) -> Self {
        self.emails.push(email);
        self
    }

    pub fn before(mut self, value: Value) -> Self {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: Value) -> Self {
        self.after = Some(value);
        self
    }

    /// These documents must be rebuilt.
    pub fn reindex(mut self, kind: DocumentKind, ids: impl IntoIterator<Item = Uuid>) -> Self {
        for id in ids {
            self.documents.insert((kind, id), Op::Upsert);
        }
        self
    }

    /// This document's record is gone.
    pub fn remove(mut self, kind: DocumentKind, id: Uuid) -> Self {
        self.documents.insert((kind, id), Op::Delete);
        self
    }

    /// Adds another set of affected documents (from [`affected`]).
    pub fn touching(mut self, documents: Affected) -> Self {
        for key in documents.0 {
            self.documents.entry(key).or_insert(Op::Upsert);
        }
        self
    }

    pub fn action(&self) -> &'static str {
        self.action
    }
}

/// Search documents a change affects, gathered from the database by the
/// helpers in [`affected`] before the rows change.
#[derive(Clone, Debug, Default)]
pub struct Affected(Vec<(DocumentKind, Uuid)>);

impl Affected {
    fn add(&mut self, kind: DocumentKind, ids: impl IntoIterator<Item = Uuid>) {
        self.0.extend(ids.into_iter().map(|id| (kind, id)));
    }
}

/// Rows inserted per statement; keeps both backends well under their
/// bind-parameter limits.
const OUTBOX_CHUNK: usize = 500;

/// Writes `change`'s audit event and outbox rows in `txn`.
///
/// On PostgreSQL, concurrent transactions draw `seq` values in one order and
/// may commit in another, so an indexer reading "everything after the last
/// seq I applied" could skip a row that commits late. A transaction-scoped
/// advisory lock taken before drawing any seq makes outbox writers commit in
/// seq order (it is released at commit or rollback). SQLite allows one writer
/// at a time, so its order is already the commit order.
pub async fn record(txn: &DatabaseTransaction, actor: Actor, change: Change) -> Result<(), DbErr> {
    // Taken before the audit event is written, so audit ids as well as outbox
    // sequence numbers grow in commit order (the snapshot cache's version).
    lock_outbox(txn).await?;
    let summary = json!({ "before": change.before, "after": change.after });
    audit_event::ActiveModel {
        occurred_at: Set(OffsetDateTime::now_utc()),
        actor_user_id: Set(actor.user_id()),
        action: Set(change.action.to_owned()),
        entity: Set(change.entity.to_owned()),
        entity_id: Set(change.entity_id),
        change_summary: Set(Some(summary.to_string())),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let now = OffsetDateTime::now_utc();
    for email in change.emails {
        email_outbox::ActiveModel {
            id: Set(Uuid::new_v4()),
            to_address: Set(email.to),
            subject: Set(email.subject),
            body: Set(email.body),
            kind: Set(email.kind.as_str().to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            sent_at: Set(None),
            failed_at: Set(None),
            last_error: Set(None),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    if change.documents.is_empty() {
        return Ok(());
    }
    let rows: Vec<search_outbox::ActiveModel> = change
        .documents
        .into_iter()
        .map(|((kind, id), op)| search_outbox::ActiveModel {
            entity: Set(kind.as_str().to_owned()),
            entity_id: Set(id.to_string()),
            op: Set(op.as_str().to_owned()),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(OUTBOX_CHUNK) {
        search_outbox::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Any fixed number identifies the outbox's advisory lock; this one spells
/// "PCOUTBOX" in ASCII, so it cannot be mistaken for another lock.
const OUTBOX_LOCK: i64 = 0x5043_4f55_5442_4f58;

async fn lock_outbox(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [OUTBOX_LOCK.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Which documents a change to a record affects, read before the change.
/// Each rule is written once here so every service (and later the importers)
/// queues the same documents for the same kind of change.
pub mod affected {
    use super::*;

    async fn ids<E, C>(
        db: &C,
        column: E::Column,
        value: Uuid,
        pick: E::Column,
    ) -> Result<Vec<Uuid>, DbErr>
    where
        E: EntityTrait,
        C: ConnectionTrait,
    {
        E::find()
            .select_only()
            .column(pick)
            .filter(column.eq(value))
            .into_tuple::<Uuid>()
            .all(db)
            .await
    }

    /// A framework's document and its lots' (lot documents carry the
    /// framework's title, owner, dates and eligibility).
    pub async fn framework<C: ConnectionTrait>(
        db: &C,
        framework_id: Uuid,
    ) -> Result<Affected, DbErr> {
        let mut found = Affected::default();
        found.add(DocumentKind::Framework, [framework_id]);
        found.add(
            DocumentKind::Lot,
            ids::<lot::Entity, _>(db, lot::Column::FrameworkId, framework_id, lot::Column::Id)
                .await?,
        );
        Ok(found)
    }

    /// A lot's document, its framework's (which lists its lots), its
    /// suppliers' (which list the lots they hold) and the offers sold
    /// through it.
    pub async fn lot<C: ConnectionTrait>(
        db: &C,
        lot_id: Uuid,
        framework_id: Uuid,
    ) -> Result<Affected, DbErr> {
        let mut found = Affected::default();
        found.add(DocumentKind::Lot, [lot_id]);
        found.add(DocumentKind::Framework, [framework_id]);
        found.add(
            DocumentKind::Supplier,
            ids::<lot_supplier::Entity, _>(
                db,
                lot_supplier::Column::LotId,
                lot_id,
                lot_supplier::Column::SupplierId,
            )
            .await?,
        );
        found.add(
            DocumentKind::Offer,
            ids::<offer_lot::Entity, _>(
                db,
                offer_lot::Column::LotId,
                lot_id,
                offer_lot::Column::OfferId,
            )
            .await?,
        );
        Ok(found)
    }

    /// A supplier's document and every document that shows its name: its
    /// offers, the lots it has places on and the contracts it won.
    pub async fn supplier<C: ConnectionTrait>(
        db: &C,
        supplier_id: Uuid,
    ) -> Result<Affected, DbErr> {
        let mut found = Affected::default();
        found.add(DocumentKind::Supplier, [supplier_id]);
        found.add(
            DocumentKind::Offer,
            ids::<offer::Entity, _>(
                db,
                offer::Column::SupplierId,
                supplier_id,
                offer::Column::Id,
            )
            .await?,
        );
        found.add(
            DocumentKind::Lot,
            ids::<lot_supplier::Entity, _>(
                db,
                lot_supplier::Column::SupplierId,
                supplier_id,
                lot_supplier::Column::LotId,
            )
            .await?,
        );
        found.add(
            DocumentKind::Contract,
            ids::<contract_supplier::Entity, _>(
                db,
                contract_supplier::Column::SupplierId,
                supplier_id,
                contract_supplier::Column::ContractId,
            )
            .await?,
        );
        Ok(found)
    }

    /// A contract's document and its suppliers' (which list contracts won).
    pub async fn contract<C: ConnectionTrait>(
        db: &C,
        contract_id: Uuid,
    ) -> Result<Affected, DbErr> {
        let mut found = Affected::default();
        found.add(DocumentKind::Contract, [contract_id]);
        found.add(
            DocumentKind::Supplier,
            ids::<contract_supplier::Entity, _>(
                db,
                contract_supplier::Column::ContractId,
                contract_id,
                contract_supplier::Column::SupplierId,
            )
            .await?,
        );
        Ok(found)
    }
}
