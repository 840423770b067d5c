//! Platform admins manage accounts in the browser: list and find people,
//! grant and remove roles, disable and re-enable accounts. Bad input names
//! the field and writes nothing; the platform cannot be locked out.
use app::server::entities::{app_user, audit_event, membership, user_session};
use app::types::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::fixture::{LEEDS, World};
use crate::harness::Actor;

async fn roles_of(world: &World, user: Uuid) -> Vec<String> {
    let mut roles: Vec<String> = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user))
        .all(&world.app.db)
        .await
        .expect("memberships")
        .into_iter()
        .map(|m| m.role)
        .collect();
    roles.sort();
    roles
}

async fn latest_action(world: &World) -> String {
    audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .one(&world.app.db)
        .await
        .expect("audit")
        .expect("an event")
        .action
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_find_people_by_name_email_and_role() {
    let world = World::build().await;
    let app = &world.app;
    let all = app.get_as("/admin/users", Some(&world.admin)).await;
    assert_eq!(all.status, 200);
    all.assert_contains("Showing 1 to 9 of 9 accounts");
    all.assert_contains("Council buyer for Manchester");

    let found = app
        .get_as("/admin/users?q=OTHER-BUYER", Some(&world.admin))
        .await;
    found.assert_contains("Showing 1 to 1 of 1 accounts");
    found.assert_contains(&world.other_buyer.email);
    found.assert_contains("Council buyer for Leeds");

    // LIKE's wildcards are searched for as themselves: nobody's name or
    // email has a % or an _, so these find nobody rather than everybody.
    for wildcard in ["%25", "_", "%25%25", "%5C"] {
        let none = app
            .get_as(&format!("/admin/users?q={wildcard}"), Some(&world.admin))
            .await;
        assert_eq!(none.status, 200);
        none.assert_lacks(&world.buyer.email);
        none.assert_lacks(&world.coordinator.email);
    }

    let coordinators = app
        .get_as(
            "/admin/users?role=footprint_coordinator",
            Some(&world.admin),
        )
        .await;
    coordinators.assert_contains("Showing 1 to 2 of 2 accounts");
    coordinators.assert_lacks(&world.buyer.email);

    let bad = app
        .get_as("/admin/users?role=emperor", Some(&world.admin))
        .await;
    assert_eq!(bad.status, 400);
    bad.assert_contains("Select a role from the list");

    // Only admins see accounts.
    for actor in [&world.coordinator, &world.buyer, &world.no_role] {
        let page = app.get_as("/admin/users", Some(actor)).await;
        assert_eq!(page.status, 403, "{} saw the user list", actor.label);
        page.assert_lacks(&world.admin.email);
    }
    assert_eq!(app.get_as("/admin/users", None).await.status, 302);
    let detail = app
        .get_as(
            &format!("/admin/users/{}", world.buyer.user_id),
            Some(&world.editor),
        )
        .await;
    assert_eq!(detail.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn granting_a_role_checks_the_scope_and_is_audited() {
    let world = World::build().await;
    let app = &world.app;
    let person = world.colleague.user_id;
    let path = format!("/admin/users/{person}/roles/new");
    let page = app.get_as(&path, Some(&world.admin)).await;
    assert_eq!(page.status, 200);
    page.assert_contains("Grant a role");

    let before = app.snapshot().await;
    for (fields, field, message) in [
        (vec![("scope", LEEDS)], "role", "Select a role"),
        (vec![("role", "emperor")], "role", "Select a role"),
        (
            vec![("role", "council_buyer")],
            "scope",
            "GSS code, like E08000003",
        ),
        (
            vec![("role", "council_buyer"), ("scope", "E99999999")],
            "scope",
            "No council has the GSS code E99999999",
        ),
        (
            vec![("role", "footprint_coordinator"), ("scope", "NOWHERE")],
            "scope",
            "No footprint has the code NOWHERE",
        ),
        (
            vec![("role", "supplier_editor"), ("scope", "99999999")],
            "scope",
            "No supplier has the Companies House number 99999999",
        ),
    ] {
        let response = app.post_form(&path, Some(&world.admin), &fields).await;
        assert_eq!(response.status, 422, "{fields:?}: {}", response.body);
        response.assert_contains(&format!(r##"<a href="#{field}">"##));
        response.assert_contains(message);
        response.assert_contains("<title>Error: Grant a role");
        assert_eq!(
            app.snapshot().await,
            before,
            "{fields:?} changed the database"
        );
    }

    // Scope codes are matched whatever their case.
    let response = app
        .post_form(
            &path,
            Some(&world.admin),
            &[("role", "council_buyer"), ("scope", &LEEDS.to_lowercase())],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some(format!("/admin/users/{person}").as_str())
    );
    assert_eq!(roles_of(&world, person).await, vec!["council_buyer"]);
    assert_eq!(latest_action(&world).await, "membership.granted");
    app.get_as(&format!("/admin/users/{person}"), Some(&world.admin))
        .await
        .assert_contains("Leeds");

    let again = app
        .post_form(
            &path,
            Some(&world.admin),
            &[("role", "council_buyer"), ("scope", LEEDS)],
        )
        .await;
    assert_eq!(again.status, 422);
    again.assert_contains("already has this role");

    // Platform admin needs no scope.
    let response = app
        .post_form(&path, Some(&world.admin), &[("role", "platform_admin")])
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        roles_of(&world, person).await,
        vec!["council_buyer", "platform_admin"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_role_asks_first_and_never_removes_the_last_admin() {
    let world = World::build().await;
    let app = &world.app;
    let buyer_role = membership::Entity::find()
        .filter(membership::Column::UserId.eq(world.buyer.user_id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("buyer role");
    let path = format!(
        "/admin/users/{}/roles/{}/remove",
        world.buyer.user_id, buyer_role.id
    );
    let confirm = app.get_as(&path, Some(&world.admin)).await;
    assert_eq!(confirm.status, 200);
    confirm.assert_contains("Remove the role Council buyer for Manchester?");
    // A membership of someone else is not found under this account.
    let elsewhere = format!(
        "/admin/users/{}/roles/{}/remove",
        world.other_buyer.user_id, buyer_role.id
    );
    let before = app.snapshot().await;
    let response = app.post_form(&elsewhere, Some(&world.admin), &[]).await;
    assert_eq!(response.status, 404);
    assert_eq!(app.snapshot().await, before);

    let response = app.post_form(&path, Some(&world.admin), &[]).await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert!(roles_of(&world, world.buyer.user_id).await.is_empty());
    assert_eq!(latest_action(&world).await, "membership.removed");
    // The removed role stops working at once: the buyer's edit page is refused.
    let edit = app
        .get_as(
            &format!("/contracts/{}/edit", world.contract),
            Some(&world.buyer),
        )
        .await;
    assert_eq!(edit.status, 403);

    let admin_role = membership::Entity::find()
        .filter(membership::Column::UserId.eq(world.admin.user_id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("admin role");
    let before = app.snapshot().await;
    let response = app
        .post_form(
            &format!(
                "/admin/users/{}/roles/{}/remove",
                world.admin.user_id, admin_role.id
            ),
            Some(&world.admin),
            &[],
        )
        .await;
    assert_eq!(response.status, 422);
    response.assert_contains("This is the last platform admin role");
    assert_eq!(app.snapshot().await, before);
}

async fn set_status(world: &World, target: &Actor, disabled: &str) -> crate::harness::TestResponse {
    world
        .app
        .post_form(
            &format!("/admin/users/{}/status", target.user_id),
            Some(&world.admin),
            &[("disabled", disabled)],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_an_account_signs_them_out_and_re_enabling_restores_it() {
    let world = World::build().await;
    let app = &world.app;
    let sessions = || {
        user_session::Entity::find()
            .filter(user_session::Column::UserId.eq(world.buyer.user_id))
            .count(&app.db)
    };
    assert_eq!(sessions().await.unwrap(), 1);
    let confirm = app
        .get_as(
            &format!("/admin/users/{}/status", world.buyer.user_id),
            Some(&world.admin),
        )
        .await;
    confirm.assert_contains("Disable Test buyer");
    confirm.assert_contains("They will be signed out at once");

    let response = set_status(&world, &world.buyer, "yes").await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(sessions().await.unwrap(), 0);
    assert_eq!(latest_action(&world).await, "account.disabled");
    let disabled = app_user::Entity::find_by_id(world.buyer.user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(disabled.is_disabled);
    // Their old cookie no longer works.
    assert_eq!(app.get_as("/account", Some(&world.buyer)).await.status, 302);
    let listed = app.get_as("/admin/users?q=buyer", Some(&world.admin)).await;
    listed.assert_contains("Disabled");

    // Submitting again changes nothing and records nothing.
    let events = audit_event::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(set_status(&world, &world.buyer, "yes").await.status, 303);
    assert_eq!(
        audit_event::Entity::find().count(&app.db).await.unwrap(),
        events
    );

    assert_eq!(set_status(&world, &world.buyer, "no").await.status, 303);
    assert_eq!(latest_action(&world).await, "account.enabled");
    assert!(
        !app_user::Entity::find_by_id(world.buyer.user_id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .is_disabled
    );
    // Roles survive a disable and re-enable.
    assert_eq!(
        roles_of(&world, world.buyer.user_id).await,
        vec![Role::CouncilBuyer.as_str()]
    );

    // An admin cannot disable themselves; a bad value is refused.
    let before = app.snapshot().await;
    let own = set_status(&world, &world.admin, "yes").await;
    assert_eq!(own.status, 422);
    own.assert_contains("You cannot disable your own account");
    let odd = set_status(&world, &world.buyer, "maybe").await;
    assert_eq!(odd.status, 422);
    odd.assert_contains("Choose whether to disable or re-enable the account");
    assert_eq!(app.snapshot().await, before);
    // The admin's own page offers no way to disable themselves.
    app.get_as(
        &format!("/admin/users/{}", world.admin.user_id),
        Some(&world.admin),
    )
    .await
    .assert_lacks("Disable this account");
}
