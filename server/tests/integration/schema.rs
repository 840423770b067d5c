//! Migrations and reference data: up, down and up again on both backends;
//! loading twice is loading once; a failed load writes nothing.
use app::server::{db, entities, services::seed::reference as reference_data};
use std::collections::BTreeSet;

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
    "shortlist",
    "shortlist_item",
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

/// The family a column's type belongs to, from an entity's `ColumnType` or
/// from the type name a backend reports, so the two can be compared.
fn family(type_name: &str) -> &'static str {
    let t = type_name.to_lowercase();
    if t.contains("uuid") {
        "uuid"
    } else if t.contains("timestamp") {
        "timestamp"
    } else if t.contains("date") {
        "date"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("json") {
        "json"
    } else if t.contains("int") || t.contains("serial") {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("string") {
        "text"
    } else {
        "other"
    }
}

/// (column, type family, nullable) for every column of entity `E`.
fn entity_columns<E: EntityTrait>() -> BTreeSet<(String, &'static str, bool)> {
    use sea_orm::{ColumnTrait, IdenStatic, Iterable};
    E::Column::iter()
        .map(|column| {
            let def = column.def();
            let type_name = format!("{:?}", def.get_column_type());
            (
                column.as_str().to_owned(),
                family(&type_name),
                def.is_null(),
            )
        })
        .collect()
}

/// The same, as the migrated database has them.
async fn table_columns(
    conn: &sea_orm::DatabaseConnection,
    table: &str,
) -> BTreeSet<(String, &'static str, bool)> {
    use sea_orm::{DbBackend, Statement};
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => format!(
            "SELECT name AS name, type AS type_name, CASE WHEN \"notnull\" = 1 OR pk = 1 THEN 'NO' ELSE 'YES' END AS nullable FROM pragma_table_info('{table}')"
        ),
        _ => format!(
            "SELECT column_name AS name, data_type AS type_name, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'"
        ),
    };
    conn.query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("column query")
        .into_iter()
        .map(|row| {
            let name: String = row.try_get("", "name").expect("name");
            let type_name: String = row.try_get("", "type_name").expect("type");
            let nullable: String = row.try_get("", "nullable").expect("nullable");
            (name, family(&type_name), nullable == "YES")
        })
        .collect()
}

/// Tables the migrations create that no service reads yet, so no entity:
/// a new table must get an entity or be listed here on purpose.
const WITHOUT_ENTITY: &[&str] = &["buying_intent", "buying_intent_cpv", "intent_participant"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_entity_matches_the_migrated_schema() {
    use entities::*;
    let database = TestDatabase::create().await;
    let conn = &database.conn;
    db::migrate(conn).await.expect("up");
    macro_rules! entities {
        ($($module:ident),+ $(,)?) => {
            vec![$((
                stringify!($module),
                entity_columns::<$module::Entity>(),
            )),+]
        };
    }
    let mapped = entities![
        app_user,
        audit_event,
        contract,
        contract_cpv,
        contract_supplier,
        cpv_code,
        footprint,
        footprint_member,
        framework,
        framework_eligibility,
        lot,
        lot_cpv,
        lot_supplier,
        membership,
        offer,
        offer_cpv,
        offer_footprint,
        offer_lot,
        organisation,
        search_outbox,
        shortlist,
        shortlist_item,
        supplier,
        user_session,
    ];
    let mut drift = Vec::new();
    for (table, expected) in &mapped {
        let found = table_columns(conn, table).await;
        if &found != expected {
            drift.push(format!(
                "{table}:\n  entity only: {:?}\n  schema only: {:?}",
                expected.difference(&found).collect::<Vec<_>>(),
                found.difference(expected).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        drift.is_empty(),
        "entities drifted from the schema on {}:\n{}",
        backend_name(),
        drift.join("\n")
    );
    let covered: BTreeSet<&str> = mapped
        .iter()
        .map(|(table, _)| *table)
        .chain(WITHOUT_ENTITY.iter().copied())
        .collect();
    let tables: BTreeSet<&str> = TABLES.iter().copied().collect();
    assert_eq!(covered, tables, "every table has an entity or is listed");
}
