//! Migrations and reference data: up, down and up again on both backends;
//! loading twice is loading once; a failed load writes nothing.
use app::server::{db, entities, services::reference_data};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

use crate::harness::{TestDatabase, backend_name};

const TABLES: &[&str] = &[
    "organisation",
    "footprint",
    "footprint_member",
    "cpv_code",
    "supplier",
    "framework",
    "framework_eligibility",
    "lot",
    "lot_cpv",
    "lot_supplier",
    "offer",
    "offer_cpv",
    "offer_lot",
    "offer_footprint",
    "contract",
    "contract_supplier",
    "contract_cpv",
    "buying_intent",
    "buying_intent_cpv",
    "intent_participant",
    "app_user",
    "membership",
    "user_session",
    "audit_event",
    "search_outbox",
];

async fn table_exists(conn: &sea_orm::DatabaseConnection, table: &str) -> bool {
    conn.execute_unprepared(&format!("SELECT 1 FROM {table} WHERE 1 = 0"))
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_go_up_down_and_up_again() {
    eprintln!("schema test on {}", backend_name());
    let database = TestDatabase::create().await;
    let conn = &database.conn;
    db::migrate(conn).await.expect("up");
    for table in TABLES {
        assert!(table_exists(conn, table).await, "{table} after up");
    }
    db::rollback(conn, None).await.expect("down");
    for table in TABLES {
        assert!(!table_exists(conn, table).await, "{table} after down");
    }
    db::migrate(conn).await.expect("up again");
    for table in TABLES {
        assert!(table_exists(conn, table).await, "{table} after up again");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unique_constraints_hold() {
    let database = TestDatabase::create().await;
    let conn = &database.conn;
    db::migrate(conn).await.unwrap();
    let now = "2026-01-01T00:00:00Z";
    let insert = |id: &str| {
        format!(
            "INSERT INTO framework (id, reference, owner_name, routes_to_market, eligibility_scope, is_demo, created_at, updated_at) \
             VALUES ('{id}', 'RM6098', 'Crown Commercial Service', '', 'all_uk_public_sector', false, '{now}', '{now}')"
        )
    };
    // Raw SQL ids: SQLite stores uuids as blobs via sea-orm, but the unique check is about `reference`.
    conn.execute_unprepared(&insert("00000000-0000-0000-0000-000000000001"))
        .await
        .expect("first framework");
    assert!(
        conn.execute_unprepared(&insert("00000000-0000-0000-0000-000000000002"))
            .await
            .is_err(),
        "duplicate reference accepted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loading_reference_data_twice_is_the_same_as_once() {
    let database = TestDatabase::create().await;
    let conn = &database.conn;
    db::migrate(conn).await.unwrap();
    let first = reference_data::load_bundled(conn).await.unwrap();
    let organisations = entities::organisation::Entity::find()
        .all(conn)
        .await
        .unwrap();
    let second = reference_data::load_bundled(conn).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(
        (
            first.organisations,
            first.footprints,
            first.footprint_members,
            first.cpv_codes
        ),
        (398, 16, 103, 9454)
    );
    assert_eq!(
        entities::organisation::Entity::find()
            .count(conn)
            .await
            .unwrap(),
        398
    );
    assert_eq!(
        entities::footprint::Entity::find()
            .count(conn)
            .await
            .unwrap(),
        16
    );
    assert_eq!(
        entities::footprint_member::Entity::find()
            .count(conn)
            .await
            .unwrap(),
        103
    );
    assert_eq!(
        entities::cpv_code::Entity::find()
            .count(conn)
            .await
            .unwrap(),
        9454
    );
    // Same ids and values (only updated_at moves).
    let mut again = entities::organisation::Entity::find()
        .all(conn)
        .await
        .unwrap();
    let mut before = organisations;
    for o in again.iter_mut().chain(before.iter_mut()) {
        o.updated_at = time::OffsetDateTime::UNIX_EPOCH;
    }
    before.sort_by_key(|o| o.id);
    again.sort_by_key(|o| o.id);
    assert_eq!(before, again);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_load_writes_nothing() {
    let database = TestDatabase::create().await;
    let conn = &database.conn;
    db::migrate(conn).await.unwrap();
    let mut data = reference_data::bundled().unwrap();
    // A member that is not a known council breaks a foreign key late in the load.
    data.footprints[0].members.push("E99999999".to_owned());
    let result = reference_data::load(conn, &data).await;
    assert!(result.is_err(), "load with a dangling member succeeded");
    assert_eq!(
        entities::organisation::Entity::find()
            .count(conn)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        entities::cpv_code::Entity::find()
            .count(conn)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        entities::footprint::Entity::find()
            .count(conn)
            .await
            .unwrap(),
        0
    );
}
