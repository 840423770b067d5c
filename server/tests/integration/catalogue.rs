//! The public catalogue over the demo data: frameworks → lots → suppliers.
use app::server::changes::Actor;
use app::server::entities;
use app::server::services::framework_imports::import_frameworks;
use app::server::services::framework_imports::{framework_id, lot_id};
use app::server::services::imports::ImportContext;
use app::server::services::seed::demo_catalogue;
use app::types::FrameworkStatus;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};

/// Frameworks, lots, suppliers and supplier places the bundled framework
/// files make (README, "Demo data").
const DEMO_COUNTS: (u64, u64, u64, u64) = (523, 2134, 3935, 8631);

use crate::harness::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frameworks_list_is_labelled_demo_and_never_invents_titles() {
    let app = TestApp::with_demo_catalogue().await;
    let page = app.get("/frameworks").await;
    assert_eq!(page.status, 200);
    page.assert_contains("Showing 1 to 50 of 523 frameworks");
    page.assert_contains("Demo data");
    page.assert_contains("Title not published");
    page.assert_contains("Crown Commercial Service");
    let last = app.get("/frameworks?page=11").await;
    last.assert_contains("Showing 501 to 523 of 523 frameworks");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framework_page_lists_lots_with_supplier_counts_and_a_status_from_its_dates() {
    let app = TestApp::with_demo_catalogue().await;
    let page = app
        .get(&format!("/frameworks/{}", framework_id("06/GEN/SS/1030")))
        .await;
    assert_eq!(page.status, 200);
    // 230 of the 316 Data Submission Service numbers have no published title.
    page.assert_contains("06/GEN/SS/1030: Title not published");
    page.assert_contains(&format!("/lots/{}", lot_id("06/GEN/SS/1030", "1")));
    page.assert_contains("Service Providers Lot1");
    page.assert_contains("Dates not published");

    let rm6232 = app
        .get(&format!("/frameworks/{}", framework_id("RM6232")))
        .await;
    // Title, description, benefits, how to buy and keywords from the CCS
    // website; the end date agrees with the Crown Marketplace table.
    rm6232.assert_contains("RM6232: Facilities Management and Workplace Services");
    rm6232.assert_contains(
        "This agreement gives you access to facilities management services across the UK.",
    );
    rm6232.assert_contains("Carbon Net Zero");
    rm6232.assert_contains("How to buy");
    rm6232.assert_contains("Facilities Management");
    rm6232.assert_contains("8 March 2027");
    let expected = FrameworkStatus::derive(
        Some(time::macros::date!(2022 - 06 - 09)),
        Some(time::macros::date!(2027 - 03 - 08)),
        time::OffsetDateTime::now_utc().date(),
    );
    rm6232.assert_contains(expected.label());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lot_page_paginates_its_suppliers_and_supplier_page_lists_its_places() {
    let app = TestApp::with_demo_catalogue().await;
    let lot = app
        .get(&format!("/lots/{}", lot_id("RM1043iii", "1")))
        .await;
    assert_eq!(lot.status, 200);
    lot.assert_contains("Lot 1:");
    lot.assert_contains("Accenture (UK) Ltd");
    lot.assert_contains("Showing 1 to 43 of 43 suppliers");
    lot.assert_lacks(r#"rel="next""#);
    // G-Cloud 10 lot 2 has 2,182 suppliers (2,183 rows in the file, two of
    // them one company spelled two ways): 44 pages of 50.
    let g_cloud = app
        .get(&format!("/lots/{}?page=44", lot_id("RM1557.10", "2")))
        .await;
    g_cloud.assert_contains("Showing 2151 to 2182 of 2182 suppliers");
    g_cloud.assert_contains(r#"rel="prev""#);
    let supplier_link = lot.first_link_after("/suppliers/");
    let supplier = app.get(&format!("/suppliers/{supplier_link}")).await;
    assert_eq!(supplier.status, 200);
    supplier.assert_contains("Places on ");
    supplier.assert_contains("RM1043iii");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_catalogue_records_are_404s() {
    let app = TestApp::with_demo_catalogue().await;
    for path in [
        "/frameworks/not-a-uuid".to_owned(),
        format!("/frameworks/{}", uuid::Uuid::new_v4()),
        format!("/lots/{}", uuid::Uuid::new_v4()),
        format!("/suppliers/{}", uuid::Uuid::new_v4()),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, 404, "{path}");
        page.assert_contains("Page not found");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_catalogue_loads_through_the_framework_importer_and_again_changes_nothing() {
    let app = TestApp::new().await;
    demo_catalogue::load_frameworks(&app.db).await.unwrap();
    let counts = || async {
        (
            entities::framework::Entity::find()
                .count(&app.db)
                .await
                .unwrap(),
            entities::lot::Entity::find().count(&app.db).await.unwrap(),
            entities::supplier::Entity::find()
                .count(&app.db)
                .await
                .unwrap(),
            entities::lot_supplier::Entity::find()
                .count(&app.db)
                .await
                .unwrap(),
        )
    };
    assert_eq!(counts().await, DEMO_COUNTS);
    // Every file went through the change path: one audit event each, and
    // every framework, lot and supplier queued for the search index.
    let imports = entities::audit_event::Entity::find()
        .filter(entities::audit_event::Column::Action.eq("import.frameworks"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(imports.len(), demo_catalogue::FILES.len());
    assert!(
        imports.iter().all(|e| e.actor_user_id.is_none()),
        "loaded by the system"
    );
    let queued = |kind: &'static str| {
        entities::search_outbox::Entity::find()
            .filter(entities::search_outbox::Column::Entity.eq(kind))
            .filter(entities::search_outbox::Column::Op.eq("upsert"))
            .select_only()
            .column(entities::search_outbox::Column::EntityId)
            .distinct()
            .count(&app.db)
    };
    assert_eq!(
        (
            queued("framework").await.unwrap(),
            queued("lot").await.unwrap(),
            queued("supplier").await.unwrap()
        ),
        (DEMO_COUNTS.0, DEMO_COUNTS.1, DEMO_COUNTS.2)
    );
    // Every file imported again changes nothing, in the same order or the
    // reverse (a less authoritative list only fills gaps).
    let mut ctx = ImportContext::load(&app.db, true).await.unwrap();
    for file in demo_catalogue::FILES
        .iter()
        .chain(demo_catalogue::FILES.iter().rev())
    {
        let read = file.read().unwrap();
        let report = import_frameworks(&app.db, &mut ctx, Actor::System, file.name, &read)
            .await
            .unwrap();
        assert_eq!(
            (report.new, report.updated, report.error.as_deref()),
            (0, 0, None),
            "{}",
            file.name
        );
    }
    assert_eq!(counts().await, DEMO_COUNTS);
    // A catalogue that already has frameworks is left alone.
    assert_eq!(demo_catalogue::load_if_empty(&app.db).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awarded_contracts_show_on_the_council_contract_and_supplier_pages() {
    use sea_orm::{ColumnTrait, QueryFilter};
    let app = TestApp::with_demo_catalogue().await;
    // The bundled notices are real: thousands of contracts, loaded through the importers.
    let contracts = entities::contract::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert!(contracts > 4_000, "{contracts} contracts");

    let durham = app.get("/councils/E06000047").await;
    durham.assert_contains("DurhamWorks Provider Panel for Employment Routeways (2020-2021)");
    let durham_contract = entities::contract::Entity::find()
        .filter(entities::contract::Column::Title.starts_with("DurhamWorks"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the DurhamWorks contract");
    let id = durham_contract.id;
    let ocid = durham_contract.ocid.clone().expect("an OCDS contract");

    let page = app.get(&format!("/contracts/{id}")).await;
    assert_eq!(page.status, 200);
    page.assert_contains("£700,000");
    page.assert_contains(r#"href="/councils/E06000047""#);
    page.assert_contains("80000000 Education and training services");
    page.assert_contains("Groundwork North East");
    page.assert_contains(&ocid);
    assert_eq!(page.count(r#"href="/suppliers/"#), 15);

    let supplier = page.first_link_after("/suppliers/");
    let supplier_page = app.get(&format!("/suppliers/{supplier}")).await;
    supplier_page.assert_contains("Contracts awarded");
    supplier_page.assert_contains("DurhamWorks Provider Panel");

    assert_eq!(
        app.get(&format!("/contracts/{}", uuid::Uuid::new_v4()))
            .await
            .status,
        404
    );
}

/// "Showing 1 to 50 of 523 frameworks" → 523; "No frameworks match" → 0.
fn total_shown(body: &str) -> u64 {
    body.split_once(">Showing ")
        .and_then(|(_, rest)| rest.split_once(" frameworks"))
        .and_then(|(shown, _)| shown.rsplit(" of ").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frameworks_filter_by_status_partitions_the_catalogue() {
    let app = TestApp::with_demo_catalogue().await;
    let mut total = 0;
    for status in FrameworkStatus::ALL {
        let page = app
            .get(&format!("/frameworks?status={}", status.as_str()))
            .await;
        assert_eq!(page.status, 200);
        page.assert_contains(&format!(r#"<option value="{}" selected"#, status.as_str()));
        total += total_shown(&page.body);
        for other in FrameworkStatus::ALL.into_iter().filter(|o| *o != status) {
            page.assert_lacks(&format!("{}\">{}", other.tag_class(), other.label()));
        }
    }
    // Every framework has exactly one status.
    assert_eq!(total, 523);
    let undated = app.get("/frameworks?status=dates-not-published").await;
    // 241 submission numbers no other list dates, and five frameworks the
    // DfE list gives no expiry.
    assert_eq!(total_shown(&undated.body), 246);
    // Pagination keeps the filter.
    undated.assert_contains(r#"href="/frameworks?status=dates-not-published&amp;page=2""#);

    let bad = app.get("/frameworks?status=forever").await;
    assert_eq!(bad.status, 400);
    bad.assert_contains("Select a status from the list");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suppliers_list_searches_by_name_and_filters_to_smes() {
    let world = crate::fixture::World::build().await;
    let all = world.app.get("/suppliers").await;
    assert_eq!(all.status, 200);
    all.assert_contains("Showing 1 to 2 of 2 suppliers");
    let found = world.app.get("/suppliers?name=ACME+digital").await;
    found.assert_contains("Showing 1 to 1 of 1 suppliers");
    found.assert_contains("Acme Digital Ltd");
    found.assert_lacks("Other Systems Ltd");
    // Only SMEs: the fixture's suppliers registered as SMEs; a supplier a
    // coordinator adds to a lot by name is not marked as one.
    let response = world
        .app
        .post_form(
            &format!("/lots/{}/suppliers/new", world.lot),
            Some(&world.admin),
            &[
                ("supplier_id", "new"),
                ("supplier_name", "Big Integrator plc"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(response.status, 303);
    world
        .app
        .get("/suppliers")
        .await
        .assert_contains("of 3 suppliers");
    let smes = world.app.get("/suppliers?sme=yes").await;
    smes.assert_contains("Showing 1 to 2 of 2 suppliers");
    smes.assert_lacks("Big Integrator plc");
    world
        .app
        .get("/suppliers?name=nobody+at+all")
        .await
        .assert_contains("No suppliers match.");
}
