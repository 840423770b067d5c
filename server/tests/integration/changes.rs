//! The one change path: every form endpoint, performed once, leaves exactly
//! one audit event and exactly the search-outbox rows for the documents it
//! affects, in the same commit; and outbox sequence numbers only grow.
use std::collections::BTreeSet;

use app::server::entities::{audit_event, search_outbox};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use uuid::Uuid;

use crate::fixture::{World, pairs};
use crate::harness::backend_name;
use crate::permissions::{EVERYONE, endpoints, performer, removable};

/// Which record an expected outbox row names.
#[derive(Clone, Copy)]
enum Id {
    Known(Uuid),
    /// The record the audit event is filed under (a created record's id).
    Audited,
    /// A field of the audit event's `after` value (a supplier made on the way).
    After(&'static str),
}

#[derive(Clone, Copy)]
enum Op {
    Upsert,
    Delete,
}

type Expected = (&'static str, Vec<(&'static str, Id, Op)>);

fn upsert(kind: &'static str, id: Id) -> (&'static str, Id, Op) {
    (kind, id, Op::Upsert)
}

async fn latest_audit_id(world: &World) -> i64 {
    audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .one(&world.app.db)
        .await
        .expect("audit query")
        .map_or(0, |e| e.id)
}

async fn latest_seq(world: &World) -> i64 {
    search_outbox::Entity::find()
        .order_by_desc(search_outbox::Column::Seq)
        .one(&world.app.db)
        .await
        .expect("outbox query")
        .map_or(0, |r| r.seq)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_path_records_one_audit_event_and_its_search_documents() {
    let world = World::build().await;
    let removable = removable(&world).await;
    let (f, l, s, o, c) = (
        world.framework,
        world.lot,
        world.supplier,
        world.offer,
        world.contract,
    );
    let (first_removable_lot, second_removable_lot) = removable.lots;
    let no_documents = Vec::new;
    // The register row the admin's cell imports (`register_form(n)`) gets
    // the contract id its key makes.
    let register_contract = {
        let row = endpoints(&world, &removable)
            .iter()
            .position(|e| e.pattern == "/councils/{gss}/contracts/import")
            .expect("the register import is in the matrix");
        let n = row * EVERYONE.len() + EVERYONE.len() - 1;
        app::server::services::imports::contract_id(
            app::server::import::Source::RegisterCsv,
            &format!("{}/M-{n}", crate::fixture::MANCHESTER),
        )
    };
    // What each endpoint must record when the admin performs it, in the
    // order of the permission matrix (earlier rows change what later ones see).
    let expected: Vec<(&str, Expected)> = vec![
        ("/sign-up", ("account.created", no_documents())),
        ("/sign-in", ("account.signed_in", no_documents())),
        (
            "/confirm-email",
            ("account.email_confirmed", no_documents()),
        ),
        (
            "/forgot-password",
            ("account.password_reset_requested", no_documents()),
        ),
        (
            "/reset-password",
            ("account.password_reset", no_documents()),
        ),
        ("/invitations", ("membership.granted", no_documents())),
        (
            "/frameworks/new",
            ("framework.created", vec![upsert("framework", Id::Audited)]),
        ),
        (
            "/frameworks/{id}/edit",
            (
                "framework.updated",
                vec![
                    upsert("framework", Id::Known(f)),
                    upsert("lot", Id::Known(l)),
                    upsert("lot", Id::Known(first_removable_lot)),
                    upsert("lot", Id::Known(second_removable_lot)),
                ],
            ),
        ),
        (
            "/frameworks/{id}/lots/new",
            (
                "lot.created",
                vec![
                    upsert("lot", Id::Audited),
                    upsert("framework", Id::Known(f)),
                ],
            ),
        ),
        (
            "/lots/{id}/edit",
            (
                "lot.updated",
                vec![
                    upsert("lot", Id::Known(l)),
                    upsert("framework", Id::Known(f)),
                    upsert("supplier", Id::Known(s)),
                    upsert("supplier", Id::Known(removable.listed)),
                    upsert("supplier", Id::Known(removable.duplicate)),
                    upsert("offer", Id::Known(o)),
                ],
            ),
        ),
        (
            "/lots/{id}/remove",
            (
                "lot.removed",
                vec![
                    ("lot", Id::Known(second_removable_lot), Op::Delete),
                    upsert("framework", Id::Known(f)),
                ],
            ),
        ),
        (
            "/lots/{id}/suppliers/new",
            (
                "lot_supplier.added",
                vec![
                    upsert("lot", Id::Known(l)),
                    upsert("supplier", Id::After("supplier_id")),
                ],
            ),
        ),
        (
            "/suppliers/new",
            ("supplier.registered", vec![upsert("supplier", Id::Audited)]),
        ),
        (
            "/suppliers/{id}/edit",
            (
                "supplier.updated",
                vec![
                    upsert("supplier", Id::Known(s)),
                    upsert("offer", Id::Known(o)),
                    upsert("lot", Id::Known(l)),
                    upsert("contract", Id::Known(c)),
                ],
            ),
        ),
        (
            "/suppliers/{id}/colleagues/new",
            ("membership.granted", no_documents()),
        ),
        (
            "/suppliers/{id}/colleagues/{user}/remove",
            ("membership.removed", no_documents()),
        ),
        (
            "/suppliers/{id}/access",
            ("supplier_access.requested", no_documents()),
        ),
        (
            "/suppliers/{id}/access/{request}",
            // The fixture's supplier is verified already: nothing to re-index.
            ("supplier_access.granted", no_documents()),
        ),
        (
            "/suppliers/{id}/verify",
            (
                "supplier.verified",
                vec![upsert("supplier", Id::Known(removable.claim))],
            ),
        ),
        (
            "/suppliers/{id}/merge",
            (
                "supplier.merged",
                vec![
                    ("supplier", Id::Known(removable.duplicate), Op::Delete),
                    upsert("supplier", Id::Known(s)),
                    upsert("lot", Id::Known(l)),
                    upsert("offer", Id::Known(o)),
                    upsert("contract", Id::Known(c)),
                ],
            ),
        ),
        (
            "/suppliers/{id}/transfer",
            ("supplier.transferred", no_documents()),
        ),
        (
            "/suppliers/{id}/offers/new",
            (
                "offer.created",
                vec![
                    upsert("offer", Id::Audited),
                    upsert("supplier", Id::Known(s)),
                ],
            ),
        ),
        (
            "/offers/{id}/edit",
            (
                "offer.updated",
                vec![
                    upsert("offer", Id::Known(o)),
                    upsert("supplier", Id::Known(s)),
                ],
            ),
        ),
        (
            "/councils/{gss}/contracts/new",
            (
                "contract.created",
                vec![
                    upsert("contract", Id::Audited),
                    upsert("supplier", Id::Known(s)),
                ],
            ),
        ),
        (
            "/councils/{gss}/contracts/import",
            (
                "import.file",
                vec![upsert("contract", Id::Known(register_contract))],
            ),
        ),
        (
            "/contracts/{id}/edit",
            (
                "contract.updated",
                vec![
                    upsert("contract", Id::Known(c)),
                    upsert("supplier", Id::Known(s)),
                ],
            ),
        ),
        // Intents are not search documents (yet): nothing to re-index.
        (
            "/councils/{gss}/intents/new",
            ("intent.registered", no_documents()),
        ),
        // The admin's cell joins for Manchester, the owner: its share changes.
        (
            "/intents/{id}/join",
            ("intent.share_changed", no_documents()),
        ),
        ("/intents/{id}/lead", ("intent.lead_named", no_documents())),
        (
            "/intents/{id}/status",
            ("intent.status_changed", no_documents()),
        ),
        (
            "/admin/users/{id}/roles/new",
            ("membership.granted", no_documents()),
        ),
        (
            "/admin/users/{id}/roles/{membership}/remove",
            ("membership.removed", no_documents()),
        ),
        (
            "/admin/users/{id}/status",
            ("account.disabled", no_documents()),
        ),
        ("/account/following", ("follow.added", no_documents())),
        (
            "/account/following/{id}/remove",
            ("follow.removed", no_documents()),
        ),
        ("/unsubscribe", ("follow.removed", no_documents())),
        ("/shortlists/new", ("shortlist.created", no_documents())),
        (
            "/shortlists/{id}/remove",
            ("shortlist.removed", no_documents()),
        ),
        ("/sign-out", ("account.signed_out", no_documents())),
        (
            "/account/password",
            ("account.password_changed", no_documents()),
        ),
        (
            "/account/sign-out-everywhere",
            ("account.signed_out_everywhere", no_documents()),
        ),
    ];
    let endpoints = endpoints(&world, &removable);
    let table: BTreeSet<&str> = server::forms::paths().into_iter().collect();
    let checked: BTreeSet<&str> = expected.iter().map(|(path, _)| *path).collect();
    assert_eq!(table, checked, "every form endpoint must be checked here");

    for (row, endpoint) in endpoints.iter().enumerate() {
        // The admin where the admin may, else the first allowed actor.
        let actor = performer(&world, endpoint);
        let column = EVERYONE
            .iter()
            .position(|label| *label == actor.label)
            .expect("the performer is a matrix column");
        let (_, (action, documents)) = expected
            .iter()
            .find(|(path, _)| *path == endpoint.pattern)
            .expect("an expectation for every endpoint");
        let context = format!("{} on {}", endpoint.pattern, backend_name());
        let (audit_before, seq_before) = (latest_audit_id(&world).await, latest_seq(&world).await);
        // The cell the performer takes in the permission matrix, so forms that
        // depend on earlier rows (sign-in after sign-up) line up the same way.
        let fields = (endpoint.form)(row * EVERYONE.len() + column, &world);
        let own_session = if endpoint.fresh_session {
            Some(world.app.another_session(actor).await)
        } else {
            None
        };
        let poster = if endpoint.fresh_browser {
            None
        } else {
            Some(own_session.as_ref().unwrap_or(actor))
        };
        let response = world
            .app
            .post_form(&(endpoint.path)(actor.label), poster, &pairs(&fields))
            .await;
        assert_eq!(response.status, 303, "{context}:\n{}", response.body);

        let events = audit_event::Entity::find()
            .filter(audit_event::Column::Id.gt(audit_before))
            .all(&world.app.db)
            .await
            .expect("audit query");
        assert_eq!(
            events.len(),
            1,
            "{context}: one audit event, got {events:?}"
        );
        let event = &events[0];
        assert_eq!(event.action, *action, "{context}");
        let summary: Value =
            serde_json::from_str(event.change_summary.as_deref().unwrap_or("{}")).expect("json");

        let rows = search_outbox::Entity::find()
            .filter(search_outbox::Column::Seq.gt(seq_before))
            .order_by_asc(search_outbox::Column::Seq)
            .all(&world.app.db)
            .await
            .expect("outbox query");
        let found: BTreeSet<(String, String, String)> = rows
            .iter()
            .map(|r| (r.entity.clone(), r.entity_id.clone(), r.op.clone()))
            .collect();
        assert_eq!(
            found.len(),
            rows.len(),
            "{context}: a document queued twice"
        );
        let wanted: BTreeSet<(String, String, String)> = documents
            .iter()
            .map(|(kind, id, op)| {
                let id = match id {
                    Id::Known(id) => id.to_string(),
                    Id::Audited => event.entity_id.clone(),
                    Id::After(field) => summary["after"][field]
                        .as_str()
                        .unwrap_or_else(|| panic!("{context}: no {field} in {summary}"))
                        .to_owned(),
                };
                let op = match op {
                    Op::Upsert => "upsert",
                    Op::Delete => "delete",
                };
                (kind.to_string(), id, op.to_owned())
            })
            .collect();
        assert_eq!(found, wanted, "{context}: outbox rows");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_sequence_grows_in_commit_order() {
    let world = World::build().await;
    let before = latest_seq(&world).await;
    for number in ["S1", "S2", "S3"] {
        let response = world
            .app
            .post_form(
                &format!("/frameworks/{}/lots/new", world.framework),
                Some(&world.admin),
                &[("number", number), ("title", "Sequenced lot")],
            )
            .await;
        assert_eq!(response.status, 303, "{}", response.body);
    }
    let rows = search_outbox::Entity::find()
        .filter(search_outbox::Column::Seq.gt(before))
        .order_by_asc(search_outbox::Column::Seq)
        .all(&world.app.db)
        .await
        .expect("outbox query");
    // Each lot change queues the lot and its framework: six rows, in order.
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(rows.windows(2).all(|w| w[0].seq < w[1].seq));
}

/// A change reads before it writes (is the reference taken? who may edit?).
/// Begun by `db::begin_write`, it holds the write lock from its start, so a
/// writer on another connection (another process: the command line beside
/// a running server) waits for it and neither fails. (Begun the
/// default way on SQLite, the other writer would commit in between and this
/// one's first write would fail at once with "database is locked".)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_reads_then_writes_and_a_concurrent_writer_both_succeed() {
    use sea_orm::ConnectionTrait;
    let app = crate::harness::TestApp::new().await;
    app.db
        .execute_unprepared("CREATE TABLE write_turns (writer TEXT NOT NULL)")
        .await
        .expect("create table");
    let change = app::server::db::begin_write(&app.db).await.expect("begin");
    change
        .execute_unprepared("SELECT COUNT(*) FROM write_turns")
        .await
        .expect("read first");
    // Another connection of its own, as another process would have.
    let other_db = sea_orm::Database::connect(app.database_url())
        .await
        .expect("second connection");
    let other = tokio::spawn({
        let db = other_db.clone();
        async move {
            db.execute_unprepared("INSERT INTO write_turns (writer) VALUES ('other')")
                .await
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    change
        .execute_unprepared("INSERT INTO write_turns (writer) VALUES ('change')")
        .await
        .expect("the change writes after its read");
    change.commit().await.expect("commit");
    other
        .await
        .expect("task")
        .expect("the other writer waited its turn");
    let written = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM write_turns",
        ))
        .await
        .expect("count")
        .expect("row")
        .try_get::<i64>("", "n")
        .expect("n");
    assert_eq!(written, 2, "{}", backend_name());
}
