//! Curation after creation: coordinators change and remove lots and change a
//! supplier's status on a lot; supplier editors remove colleagues. Each change
//! is audited; removals that would lose history or lock an organisation out
//! are refused with nothing written.
use app::server::entities::{audit_event, lot, lot_supplier, membership, offer_lot};
use app::types::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::fixture::World;

async fn latest_action(world: &World) -> String {
    audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .one(&world.app.db)
        .await
        .unwrap()
        .expect("an event")
        .action
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinators_change_a_lot_and_a_suppliers_status_on_it() {
    let world = World::build().await;
    let app = &world.app;
    let lot_page = app
        .get_as(&format!("/lots/{}", world.lot), Some(&world.coordinator))
        .await;
    lot_page.assert_contains(&format!(r#"href="/lots/{}/edit""#, world.lot));
    lot_page.assert_contains(&format!(
        r#"href="/lots/{}/suppliers/new?supplier={}""#,
        world.lot, world.supplier
    ));
    // Nobody else is offered the links.
    app.get(&format!("/lots/{}", world.lot))
        .await
        .assert_lacks("Change this lot");

    let form = app
        .get_as(
            &format!("/lots/{}/edit", world.lot),
            Some(&world.coordinator),
        )
        .await;
    assert_eq!(form.status, 200);
    form.assert_contains(r#"value="Software as a service""#);
    form.assert_contains("72000000");
    let response = app
        .post_form(
            &format!("/lots/{}/edit", world.lot),
            Some(&world.coordinator),
            &[
                ("number", "1a"),
                ("title", "Cloud software"),
                ("cpv_codes", "72000000, 48000000"),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some(format!("/frameworks/{}", world.framework).as_str())
    );
    assert_eq!(latest_action(&world).await, "lot.updated");
    let changed = app.get(&format!("/lots/{}", world.lot)).await;
    changed.assert_contains("Lot 1a: Cloud software");
    changed.assert_contains("48000000");

    // The status form comes filled in with the supplier's place.
    let status_form = app
        .get_as(
            &format!(
                "/lots/{}/suppliers/new?supplier={}",
                world.lot, world.supplier
            ),
            Some(&world.coordinator),
        )
        .await;
    assert_eq!(status_form.status, 200);
    status_form.assert_contains("Change a supplier");
    // The supplier is fixed: named, and carried as its id.
    status_form
        .assert_text_contains("Supplier: Acme Digital Ltd (Companies House 01234567, North West)");
    status_form.assert_contains(&format!(
        r#"type="hidden" name="supplier_id" value="{}""#,
        world.supplier
    ));
    status_form.assert_lacks(r#"name="supplier_q""#);
    let response = app
        .post_form(
            &format!("/lots/{}/suppliers/new", world.lot),
            Some(&world.coordinator),
            &[
                ("supplier_id", &world.supplier.to_string()),
                ("status", "suspended"),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let place = lot_supplier::Entity::find_by_id((world.lot, world.supplier))
        .one(&app.db)
        .await
        .unwrap()
        .expect("place");
    assert_eq!(place.status, "suspended");
    assert_eq!(latest_action(&world).await, "lot_supplier.status_changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lot_is_removed_with_its_places_unless_contracts_were_called_off_it() {
    let world = World::build().await;
    let app = &world.app;
    // The fixture's lot has a call-off contract: it stays.
    let before = app.snapshot().await;
    let refused = app
        .post_form(
            &format!("/lots/{}/remove", world.lot),
            Some(&world.coordinator),
            &[],
        )
        .await;
    assert_eq!(refused.status, 422);
    refused.assert_contains("1 contract was called off this lot, so it cannot be removed");
    assert_eq!(app.snapshot().await, before);

    // A second lot with a supplier and an offer linked to it.
    let response = app
        .post_form(
            &format!("/frameworks/{}/lots/new", world.framework),
            Some(&world.coordinator),
            &[
                ("number", "2"),
                ("title", "Hosting"),
                ("cpv_codes", "72000000"),
            ],
        )
        .await;
    assert_eq!(response.status, 303);
    let second = lot::Entity::find()
        .filter(lot::Column::Number.eq("2"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("lot 2")
        .id;
    let response = app
        .post_form(
            &format!("/lots/{second}/suppliers/new"),
            Some(&world.coordinator),
            &[
                ("supplier_id", &world.supplier.to_string()),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(response.status, 303);
    let mut offer = crate::fixture::offer_form("Hosting offer", &second.to_string());
    offer.push(("lots".into(), world.lot.to_string()));
    let response = app
        .post_form(
            &format!("/suppliers/{}/offers/new", world.supplier),
            Some(&world.editor),
            &crate::fixture::pairs(&offer),
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);

    let confirm = app
        .get_as(&format!("/lots/{second}/remove"), Some(&world.coordinator))
        .await;
    assert_eq!(confirm.status, 200);
    confirm.assert_contains("Remove Lot 2: Hosting?");
    let response = app
        .post_form(
            &format!("/lots/{second}/remove"),
            Some(&world.coordinator),
            &[],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert!(
        lot::Entity::find_by_id(second)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    let places = lot_supplier::Entity::find()
        .filter(lot_supplier::Column::LotId.eq(second))
        .count(&app.db)
        .await
        .unwrap();
    let links = offer_lot::Entity::find()
        .filter(offer_lot::Column::LotId.eq(second))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!((places, links), (0, 0));
    // The offer keeps its link to the lot that remains.
    assert_eq!(
        offer_lot::Entity::find()
            .filter(offer_lot::Column::LotId.eq(world.lot))
            .count(&app.db)
            .await
            .unwrap(),
        2
    );
    assert_eq!(latest_action(&world).await, "lot.removed");
    assert_eq!(app.get(&format!("/lots/{second}")).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editors_remove_colleagues_but_never_the_last_one() {
    let world = World::build().await;
    let app = &world.app;
    let response = app
        .post_form(
            &format!("/suppliers/{}/colleagues/new", world.supplier),
            Some(&world.editor),
            &[("email", &world.colleague.email)],
        )
        .await;
    assert_eq!(response.status, 303);
    let page = app
        .get_as(
            &format!("/suppliers/{}", world.supplier),
            Some(&world.editor),
        )
        .await;
    page.assert_contains("People who edit this organisation");
    page.assert_contains(&world.colleague.email);
    let remove = format!(
        "/suppliers/{}/colleagues/{}/remove",
        world.supplier, world.colleague.user_id
    );
    page.assert_contains(&format!(r#"href="{remove}""#));
    // The public page does not list who edits it.
    app.get(&format!("/suppliers/{}", world.supplier))
        .await
        .assert_lacks(&world.colleague.email);

    let confirm = app.get_as(&remove, Some(&world.editor)).await;
    assert_eq!(confirm.status, 200);
    confirm.assert_contains("Remove Test colleague");
    let response = app.post_form(&remove, Some(&world.editor), &[]).await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(latest_action(&world).await, "membership.removed");
    let editors = || {
        membership::Entity::find()
            .filter(membership::Column::SupplierId.eq(world.supplier))
            .filter(membership::Column::Role.eq(Role::SupplierEditor.as_str()))
            .count(&app.db)
    };
    assert_eq!(editors().await.unwrap(), 1);
    // The colleague can no longer change the profile.
    assert_eq!(
        app.get_as(
            &format!("/suppliers/{}/edit", world.supplier),
            Some(&world.colleague)
        )
        .await
        .status,
        403
    );

    // Removing someone who is not an editor here is not found; removing the
    // last editor is refused.
    assert_eq!(
        app.post_form(&remove, Some(&world.editor), &[])
            .await
            .status,
        404
    );
    let before = app.snapshot().await;
    let last = app
        .post_form(
            &format!(
                "/suppliers/{}/colleagues/{}/remove",
                world.supplier, world.editor.user_id
            ),
            Some(&world.editor),
            &[],
        )
        .await;
    assert_eq!(last.status, 422);
    last.assert_contains("You cannot remove the only person who edits this organisation");
    assert_eq!(app.snapshot().await, before);
    assert_eq!(editors().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_cannot_file_a_framework_under_another_footprints_body() {
    use app::server::services::seed::reference::footprint_id;
    let world = World::build().await;
    let west_yorkshire_body = {
        use app::server::entities::footprint;
        footprint::Entity::find_by_id(footprint_id(crate::fixture::WEST_YORKSHIRE))
            .one(&world.app.db)
            .await
            .unwrap()
            .unwrap()
            .organisation_id
            .unwrap()
            .to_string()
    };
    let before = world.app.snapshot().await;
    // A tampered form: the GMCA coordinator names West Yorkshire's body.
    let response = world
        .app
        .post_form(
            "/frameworks/new",
            Some(&world.coordinator),
            &crate::fixture::framework_form("WY-STOLEN-1", &west_yorkshire_body),
        )
        .await;
    assert_eq!(response.status, 403, "{}", response.body);
    response.assert_contains("You do not have permission");
    assert_eq!(world.app.snapshot().await, before);
    // Moving one of its own frameworks to that body is refused the same way.
    let response = world
        .app
        .post_form(
            &format!("/frameworks/{}/edit", world.framework),
            Some(&world.coordinator),
            &crate::fixture::framework_form("GM-DTS-01", &west_yorkshire_body),
        )
        .await;
    assert_eq!(response.status, 403, "{}", response.body);
    assert_eq!(world.app.snapshot().await, before);
    // West Yorkshire's own coordinator may file there.
    let response = world
        .app
        .post_form(
            "/frameworks/new",
            Some(&world.other_coordinator),
            &crate::fixture::framework_form("WY-OWN-1", &west_yorkshire_body),
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
}
