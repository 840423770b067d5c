//! Supplier identity cannot be taken over: a self-registered record is an
//! unverified claim that typed names and numbers never match and finders
//! never list; curators and buyers pick records by id; staff ask for access
//! and editors or admins decide; admins verify, merge and hand over records.
use app::server::entities::{
    audit_event, contract_supplier, lot_supplier, membership, offer, search_outbox, supplier,
    supplier_access_request,
};
use app::types::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::fixture::{World, contract_form, created_id, supplier_form};
use crate::harness::Actor;

async fn record(world: &World, id: Uuid) -> Option<supplier::Model> {
    supplier::Entity::find_by_id(id)
        .one(&world.app.db)
        .await
        .expect("query")
}

async fn newest_event(world: &World) -> audit_event::Model {
    audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .one(&world.app.db)
        .await
        .expect("query")
        .expect("an event")
}

async fn suppliers_named(world: &World, name: &str) -> Vec<supplier::Model> {
    supplier::Entity::find()
        .filter(supplier::Column::Name.eq(name))
        .all(&world.app.db)
        .await
        .expect("query")
}

/// An impostor's claim to a company that is not listed yet.
async fn impostor_claim(world: &World, impostor: &Actor) -> Uuid {
    created_id(
        &world
            .app
            .post_form(
                "/suppliers/new",
                Some(impostor),
                &supplier_form("Northern Roofing Ltd", "04444444"),
            )
            .await,
        "/suppliers/",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_registered_claim_captures_no_typed_name_number_or_search() {
    let world = World::build().await;
    let app = &world.app;
    let impostor = app.actor("impostor", None).await;
    let claim = impostor_claim(&world, &impostor).await;
    let claimed = record(&world, claim).await.expect("claim");
    assert_eq!(claimed.verification, "unverified");
    // The number is only claimed: the matched column stays empty.
    assert_eq!(claimed.companies_house_number, None);
    assert_eq!(
        claimed.claimed_companies_house_number.as_deref(),
        Some("04444444")
    );
    app.get(&format!("/suppliers/{claim}"))
        .await
        .assert_contains("not yet verified by Procurement Commons");

    // Finders (GET search and the live search) do not offer it.
    let place_path = format!("/lots/{}/suppliers/new", world.lot);
    let search = app
        .get_as(
            &format!("{place_path}?supplier_q=Northern+Roofing"),
            Some(&world.coordinator),
        )
        .await;
    assert_eq!(search.status, 200);
    search.assert_contains("No listed supplier matches ‘Northern Roofing’.");
    search.assert_lacks(&claim.to_string());
    let live = app.get("/api/suppliers/find?query=04444444").await;
    assert_eq!(live.status, 200, "{}", live.body);
    assert_eq!(live.body.trim(), "[]");
    let live = app.get("/api/suppliers/find?query=acme").await;
    live.assert_contains(&world.supplier.to_string());

    // A coordinator typing the company's name and number makes a record of
    // its own; the impostor's claim gets nothing.
    let response = app
        .post_form(
            &place_path,
            Some(&world.coordinator),
            &[
                ("supplier_id", "new"),
                ("supplier_name", "Northern Roofing Ltd"),
                ("companies_house_number", "4444444"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let records = suppliers_named(&world, "Northern Roofing Ltd").await;
    assert_eq!(records.len(), 2);
    let listed = records
        .iter()
        .find(|s| s.id != claim)
        .expect("a new record");
    assert_eq!(listed.verification, "listed");
    assert_eq!(listed.companies_house_number.as_deref(), Some("04444444"));
    let on_lot = lot_supplier::Entity::find()
        .filter(lot_supplier::Column::LotId.eq(world.lot))
        .filter(lot_supplier::Column::SupplierId.eq(claim))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(on_lot, 0, "the claim must not be placed on the lot");

    // A buyer naming the company on a contract gets the listed record too.
    let mut form = contract_form("Roof repairs", "Northern Roofing Ltd");
    form.retain(|(k, _)| *k != "framework_reference" && *k != "lot_number");
    let contract = created_id(&world.post_contract(&form).await, "/contracts/");
    let named: Vec<Uuid> = contract_supplier::Entity::find()
        .filter(contract_supplier::Column::ContractId.eq(contract))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.supplier_id)
        .collect();
    assert_eq!(named, [listed.id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picking_an_unverified_claim_by_id_is_refused_with_nothing_written() {
    let world = World::build().await;
    let app = &world.app;
    let impostor = app.actor("impostor", None).await;
    let claim = impostor_claim(&world, &impostor).await;
    let before = app.snapshot().await;
    let response = app
        .post_form(
            &format!("/lots/{}/suppliers/new", world.lot),
            Some(&world.coordinator),
            &[("supplier_id", &claim.to_string()), ("status", "active")],
        )
        .await;
    assert_eq!(response.status, 422);
    response.assert_field_error(
        "supplier_id",
        "Select a supplier from the list, or choose to add one that is not listed",
    );
    assert_eq!(app.snapshot().await, before);

    let mut form = contract_form("Roof repairs", "");
    form.retain(|(k, _)| !["suppliers", "framework_reference", "lot_number"].contains(k));
    let claim_text = claim.to_string();
    form.push(("supplier_id", &claim_text));
    let response = world.post_contract(&form).await;
    assert_eq!(response.status, 422);
    response.assert_field_error("supplier_id", "Select suppliers from the list");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyers_pick_suppliers_by_id_and_the_edit_form_keeps_them_picked() {
    let world = World::build().await;
    let app = &world.app;
    let mut form = contract_form("Case management support", "");
    form.retain(|(k, _)| *k != "suppliers");
    let supplier = world.supplier.to_string();
    form.push(("supplier_id", &supplier));
    let contract = created_id(&world.post_contract(&form).await, "/contracts/");
    let edit = app
        .get_as(&format!("/contracts/{contract}/edit"), Some(&world.buyer))
        .await;
    assert_eq!(edit.status, 200);
    edit.assert_contains(&format!(
        r#"name="supplier_id" type="checkbox" value="{supplier}" checked"#
    ));
    // The finder's box belongs to its own GET form, never the POST.
    edit.assert_contains(r#"name="supplier_q" type="search" form="supplier-finder""#);
    edit.assert_contains(r#"<form id="supplier-finder" method="get""#);
    // A call-off's picked supplier must hold a place on the lot.
    let other = world.other_supplier.to_string();
    let mut off_lot = contract_form("Another call-off", "");
    off_lot.retain(|(k, _)| *k != "suppliers");
    off_lot.push(("supplier_id", &other));
    let before = app.snapshot().await;
    let refused = world.post_contract(&off_lot).await;
    assert_eq!(refused.status, 422);
    refused.assert_field_error(
        "supplier_id",
        "Other Systems Ltd does not hold an active place on lot 1 of GM-DTS-01",
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_a_listed_companys_number_asks_for_access_instead() {
    let world = World::build().await;
    let app = &world.app;
    let staff = app.actor("real-staff", None).await;
    let before = app.snapshot().await;
    let refused = app
        .post_form(
            "/suppliers/new",
            Some(&staff),
            &supplier_form("Acme Digital", "1234567"),
        )
        .await;
    assert_eq!(refused.status, 422);
    refused.assert_field_error(
        "companies_house_number",
        "Acme Digital Ltd is already listed with this Companies House number: open its page under Suppliers and ask for access",
    );
    assert_eq!(app.snapshot().await, before);

    // The supplier's page offers the request; its editor decides.
    let page = app
        .get_as(&format!("/suppliers/{}", world.supplier), Some(&staff))
        .await;
    page.assert_contains(&format!(r#"href="/suppliers/{}/access""#, world.supplier));
    let response = app
        .post_form(
            &format!("/suppliers/{}/access", world.supplier),
            Some(&staff),
            &[("message", "Bid manager; Sam Patel can confirm")],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some(format!("/suppliers/{}?done=access-requested", world.supplier).as_str())
    );
    let event = newest_event(&world).await;
    assert_eq!(event.action, "supplier_access.requested");
    assert_eq!(event.actor_user_id, Some(staff.user_id));
    let request = supplier_access_request::Entity::find()
        .filter(supplier_access_request::Column::UserId.eq(staff.user_id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("request");
    assert_eq!(request.status, "pending");
    let editor_view = app
        .get_as(
            &format!("/suppliers/{}", world.supplier),
            Some(&world.editor),
        )
        .await;
    editor_view.assert_contains("Bid manager; Sam Patel can confirm");
    let decision_path = format!("/suppliers/{}/access/{}", world.supplier, request.id);
    editor_view.assert_contains(&format!(r#"href="{decision_path}""#));
    // Another supplier's editor may not decide.
    let before = app.snapshot().await;
    let refused = app
        .post_form(
            &decision_path,
            Some(&world.other_editor),
            &[("decision", "grant")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(app.snapshot().await, before);
    let response = app
        .post_form(
            &decision_path,
            Some(&world.editor),
            &[("decision", "grant")],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let event = newest_event(&world).await;
    assert_eq!(event.action, "supplier_access.granted");
    assert_eq!(event.actor_user_id, Some(world.editor.user_id));
    let is_editor = membership::Entity::find()
        .filter(membership::Column::UserId.eq(staff.user_id))
        .filter(membership::Column::Role.eq(Role::SupplierEditor.as_str()))
        .filter(membership::Column::SupplierId.eq(world.supplier))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(is_editor, 1);
    // A decided request cannot be decided again.
    let again = app
        .post_form(
            &decision_path,
            Some(&world.editor),
            &[("decision", "refuse")],
        )
        .await;
    assert_eq!(again.status, 404);
    // Asking again once an editor is refused.
    let response = app
        .post_form(
            &format!("/suppliers/{}/access", world.supplier),
            Some(&staff),
            &[("message", "again")],
        )
        .await;
    assert_eq!(response.status, 422);
    response.assert_field_error("message", "You already edit this supplier");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_granting_access_to_a_listed_record_verifies_it_and_refusals_give_nothing() {
    let world = World::build().await;
    let app = &world.app;
    let response = app
        .post_form(
            &format!("/lots/{}/suppliers/new", world.lot),
            Some(&world.coordinator),
            &[
                ("supplier_id", "new"),
                ("supplier_name", "Listed Roofing Ltd"),
                ("companies_house_number", "03333333"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(response.status, 303);
    let listed = suppliers_named(&world, "Listed Roofing Ltd").await[0].id;
    let (staff, stranger) = (
        app.actor("staff", None).await,
        app.actor("stranger", None).await,
    );
    for who in [&staff, &stranger] {
        let response = app
            .post_form(
                &format!("/suppliers/{listed}/access"),
                Some(who),
                &[("message", "I work there")],
            )
            .await;
        assert_eq!(response.status, 303);
    }
    // Nobody edits it: the admin decides, from the admin page.
    let overview = app.get_as("/admin/suppliers", Some(&world.admin)).await;
    assert_eq!(overview.status, 200);
    overview.assert_contains("Listed Roofing Ltd");
    assert_eq!(
        app.get_as("/admin/suppliers", Some(&world.editor))
            .await
            .status,
        403
    );
    let request_of = |user: Uuid| {
        let db = app.db.clone();
        async move {
            supplier_access_request::Entity::find()
                .filter(supplier_access_request::Column::UserId.eq(user))
                .one(&db)
                .await
                .unwrap()
                .expect("request")
        }
    };
    let refused = request_of(stranger.user_id).await;
    let response = app
        .post_form(
            &format!("/suppliers/{listed}/access/{}", refused.id),
            Some(&world.admin),
            &[("decision", "refuse")],
        )
        .await;
    assert_eq!(response.status, 303);
    assert_eq!(request_of(stranger.user_id).await.status, "refused");
    assert_eq!(record(&world, listed).await.unwrap().verification, "listed");
    let granted = request_of(staff.user_id).await;
    let response = app
        .post_form(
            &format!("/suppliers/{listed}/access/{}", granted.id),
            Some(&world.admin),
            &[("decision", "grant")],
        )
        .await;
    assert_eq!(response.status, 303);
    assert_eq!(
        record(&world, listed).await.unwrap().verification,
        "verified"
    );
    let editors = membership::Entity::find()
        .filter(membership::Column::SupplierId.eq(listed))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        editors.iter().map(|m| m.user_id).collect::<Vec<_>>(),
        [staff.user_id]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verifying_a_claim_makes_its_number_match_unless_another_record_holds_it() {
    let world = World::build().await;
    let app = &world.app;
    let owner = app.actor("owner", None).await;
    let claim = impostor_claim(&world, &owner).await;
    let response = app
        .post_form(
            &format!("/suppliers/{claim}/verify"),
            Some(&world.admin),
            &[],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let verified = record(&world, claim).await.unwrap();
    assert_eq!(verified.verification, "verified");
    assert_eq!(verified.companies_house_number.as_deref(), Some("04444444"));
    assert_eq!(verified.claimed_companies_house_number, None);
    let event = newest_event(&world).await;
    assert_eq!(event.action, "supplier.verified");
    // Now a typed number finds it.
    let response = app
        .post_form(
            &format!("/lots/{}/suppliers/new", world.lot),
            Some(&world.coordinator),
            &[
                ("supplier_id", "new"),
                ("supplier_name", "Northern Roofing"),
                ("companies_house_number", "04444444"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(response.status, 303);
    assert!(
        lot_supplier::Entity::find_by_id((world.lot, claim))
            .one(&app.db)
            .await
            .unwrap()
            .is_some()
    );

    // A second claim to the same number cannot be verified: merge instead.
    let second_owner = app.actor("second-owner", None).await;
    let second = created_id(
        &app.post_form(
            "/suppliers/new",
            Some(&second_owner),
            &supplier_form("Roofing North", "07777777"),
        )
        .await,
        "/suppliers/",
    );
    // Its editor changes the claimed number to one a verified record holds.
    let response = app
        .post_form(
            &format!("/suppliers/{second}/edit"),
            Some(&second_owner),
            &supplier_form("Roofing North", "04444444"),
        )
        .await;
    assert_eq!(response.status, 422);
    response.assert_field_error(
        "companies_house_number",
        "Northern Roofing Ltd is already listed with this Companies House number: open its page under Suppliers and ask for access",
    );
    // Had it claimed that number from the start (claims may share one):
    supplier::Entity::update_many()
        .col_expr(
            supplier::Column::ClaimedCompaniesHouseNumber,
            sea_orm::sea_query::Expr::value("04444444"),
        )
        .filter(supplier::Column::Id.eq(second))
        .exec(&app.db)
        .await
        .unwrap();
    let before = app.snapshot().await;
    let refused = app
        .post_form(
            &format!("/suppliers/{second}/verify"),
            Some(&world.admin),
            &[],
        )
        .await;
    assert_eq!(refused.status, 422);
    refused.assert_summary_error(
        "Northern Roofing Ltd already has Companies House number 04444444: merge this record into it instead",
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_renaming_a_verified_record_returns_it_to_an_unverified_claim() {
    let world = World::build().await;
    let app = &world.app;
    let response = app
        .post_form(
            &format!("/suppliers/{}/edit", world.supplier),
            Some(&world.editor),
            &supplier_form("Capita Digital Ltd", "01234567"),
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let changed = record(&world, world.supplier).await.unwrap();
    assert_eq!(changed.verification, "unverified");
    assert_eq!(changed.companies_house_number, None);
    assert_eq!(
        changed.claimed_companies_house_number.as_deref(),
        Some("01234567")
    );
    // Keeping name and number keeps a record verified.
    let response = app
        .post_form(
            &format!("/suppliers/{}/edit", world.other_supplier),
            Some(&world.other_editor),
            &supplier_form("OTHER SYSTEMS LIMITED", "07654321"),
        )
        .await;
    assert_eq!(response.status, 303);
    assert_eq!(
        record(&world, world.other_supplier)
            .await
            .unwrap()
            .verification,
        "verified"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merging_moves_places_contracts_offers_and_editors_then_deletes_the_duplicate() {
    let world = World::build().await;
    let app = &world.app;
    // A duplicate of Acme, placed on the lot and named on a contract.
    let response = app
        .post_form(
            &format!("/lots/{}/suppliers/new", world.lot),
            Some(&world.coordinator),
            &[
                ("supplier_id", "new"),
                ("supplier_name", "ACME Digital Services"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(response.status, 303);
    let duplicate = suppliers_named(&world, "ACME Digital Services").await[0].id;
    let dup_text = duplicate.to_string();
    let mut form = contract_form("Hosting", "");
    form.retain(|(k, _)| *k != "suppliers");
    form.push(("supplier_id", &dup_text));
    let contract = created_id(&world.post_contract(&form).await, "/contracts/");
    // Merging into itself, or into nothing, is refused.
    let merge_path = format!("/suppliers/{duplicate}/merge");
    let page = app
        .get_as(&format!("{merge_path}?supplier_q=acme"), Some(&world.admin))
        .await;
    assert_eq!(page.status, 200);
    page.assert_contains(&world.supplier.to_string());
    page.assert_lacks(&format!(r#"value="{duplicate}""#));
    let before = app.snapshot().await;
    let refused = app
        .post_form(
            &merge_path,
            Some(&world.admin),
            &[("supplier_id", &dup_text)],
        )
        .await;
    assert_eq!(refused.status, 422);
    refused.assert_field_error(
        "supplier_id",
        "Select a different record to keep: a record cannot be merged into itself",
    );
    assert_eq!(app.snapshot().await, before);
    assert_eq!(
        app.post_form(
            &merge_path,
            Some(&world.editor),
            &[("supplier_id", &world.supplier.to_string())]
        )
        .await
        .status,
        403
    );

    let response = app
        .post_form(
            &merge_path,
            Some(&world.admin),
            &[("supplier_id", &world.supplier.to_string())],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some(format!("/suppliers/{}?done=merged", world.supplier).as_str())
    );
    assert!(record(&world, duplicate).await.is_none());
    // Acme already had the place on the lot: the duplicate's was dropped.
    let places = lot_supplier::Entity::find()
        .filter(lot_supplier::Column::LotId.eq(world.lot))
        .all(&app.db)
        .await
        .unwrap();
    assert!(places.iter().any(|p| p.supplier_id == world.supplier));
    assert!(places.iter().all(|p| p.supplier_id != duplicate));
    let named: Vec<Uuid> = contract_supplier::Entity::find()
        .filter(contract_supplier::Column::ContractId.eq(contract))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.supplier_id)
        .collect();
    assert_eq!(named, [world.supplier]);
    let event = newest_event(&world).await;
    assert_eq!(event.action, "supplier.merged");
    assert_eq!(event.entity_id, world.supplier.to_string());
    let summary: serde_json::Value =
        serde_json::from_str(event.change_summary.as_deref().unwrap()).unwrap();
    assert_eq!(summary["after"]["contracts_moved"], 1);
    assert_eq!(summary["after"]["lot_places_moved"], 0);
    // The duplicate's search document is deleted.
    let deleted = search_outbox::Entity::find()
        .filter(search_outbox::Column::EntityId.eq(dup_text.clone()))
        .order_by_desc(search_outbox::Column::Seq)
        .one(&app.db)
        .await
        .unwrap()
        .expect("outbox row");
    assert_eq!(deleted.op, "delete");
    // Offers are untouched by a merge that had none to move.
    assert_eq!(
        offer::Entity::find()
            .filter(offer::Column::SupplierId.eq(world.supplier))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handing_over_a_record_replaces_its_editors() {
    let world = World::build().await;
    let app = &world.app;
    let impostor = app.actor("impostor", None).await;
    let claim = impostor_claim(&world, &impostor).await;
    let real = app.actor("real-owner", None).await;
    let path = format!("/suppliers/{claim}/transfer");
    let before = app.snapshot().await;
    let refused = app
        .post_form(
            &path,
            Some(&world.admin),
            &[("email", "nobody@example.gov.uk")],
        )
        .await;
    assert_eq!(refused.status, 422);
    refused.assert_field_error(
        "email",
        "There is no account with this email address: ask them to create an account first",
    );
    assert_eq!(app.snapshot().await, before);
    let response = app
        .post_form(&path, Some(&world.admin), &[("email", &real.email)])
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let editors: Vec<Uuid> = membership::Entity::find()
        .filter(membership::Column::SupplierId.eq(claim))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    assert_eq!(editors, [real.user_id]);
    let event = newest_event(&world).await;
    assert_eq!(event.action, "supplier.transferred");
    assert_eq!(event.actor_user_id, Some(world.admin.user_id));
    // The impostor can no longer change it.
    let response = app
        .post_form(
            &format!("/suppliers/{claim}/edit"),
            Some(&impostor),
            &supplier_form("Northern Roofing Ltd", "04444444"),
        )
        .await;
    assert_eq!(response.status, 403);
}
