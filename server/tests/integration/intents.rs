//! Joint buying intents through the real pages: a buyer checks a need and
//! sees similar purchases of two other councils in its footprint (nothing
//! saved), registers it, another council joins, the owner names a lead and
//! moves the status, the footprint's coordinator moves it on, and it is
//! awarded as a framework. Everyone taking part is emailed; the history is
//! the audit trail; others are refused and nothing is written; bad input
//! names its field.
use app::server::entities::{audit_event, buying_intent, email_outbox, intent_participant};
use app::server::services::seed::reference::organisation_id;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::fixture::{GMCA, LEEDS, MANCHESTER, World, contract_form};
use crate::harness::{Actor, TestApp, TestResponse};

const SALFORD: &str = "E08000006";
const BOLTON: &str = "E08000001";

pub(crate) fn need(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![
        ("title", "Winter gritting rock salt"),
        (
            "description",
            "Rock salt for the highways winter service, delivered to our depots.",
        ),
        ("cpv_codes", "34927100"),
        ("value", "120,000"),
        ("window_start-day", "1"),
        ("window_start-month", "4"),
        ("window_start-year", "2027"),
        ("window_end-day", "30"),
        ("window_end-month", "9"),
        ("window_end-year", "2027"),
        ("footprint", GMCA),
    ];
    fields.extend_from_slice(extra);
    fields
}

/// The need, saved, with one field's value replaced.
fn need_changing(field: &str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    need(&[("action", "register")])
        .into_iter()
        .map(|(k, v)| if k == field { (k, value) } else { (k, v) })
        .collect()
}

/// A rock salt contract in another council's register (added by the admin,
/// who may keep any council's register).
async fn salt_contract(app: &TestApp, admin: &Actor, gss: &str, title: &str) -> Uuid {
    let mut form = contract_form(title, "Salt Union Ltd");
    for (name, value) in form.iter_mut() {
        match *name {
            "cpv_codes" => *value = "34927100",
            "description" => *value = "Supply and delivery of de-icing rock salt for gritting",
            "framework_reference" | "lot_number" => *value = "",
            _ => {}
        }
    }
    let response = app
        .post_form(
            &format!("/councils/{gss}/contracts/new"),
            Some(admin),
            &form,
        )
        .await;
    crate::fixture::created_id(&response, "/contracts/")
}

async fn emails_to(app: &TestApp, to: &str) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find()
        .filter(email_outbox::Column::ToAddress.eq(to))
        .order_by_asc(email_outbox::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_buyer_checks_a_need_registers_it_and_another_council_joins() {
    let world = World::build().await;
    let app = &world.app;
    let salford = salt_contract(
        app,
        &world.admin,
        SALFORD,
        "Supply of rock salt for winter gritting",
    )
    .await;
    salt_contract(app, &world.admin, BOLTON, "Rock salt supply 2026-2028").await;
    // A council elsewhere bought the same: shown, but after the near ones.
    salt_contract(app, &world.admin, LEEDS, "Highways rock salt").await;

    // A contract's page shows the other councils' purchases of the same need.
    let contract = app.get(&format!("/contracts/{salford}")).await;
    contract.assert_text_contains("Similar purchases by other councils");
    contract.assert_text_contains("Rock salt supply 2026-2028");
    contract.assert_text_contains("Bolton Metropolitan Borough Council · in your footprint");

    let path = format!("/councils/{MANCHESTER}/intents/new");
    let form = app.get_as(&path, Some(&world.buyer)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    form.assert_text_contains("Register a buying intent");
    form.assert_lacks(r#"value="register""#);

    // The check: similar purchases of the two other GMCA councils, first,
    // with their reasons; nothing is saved.
    let before = app.snapshot().await;
    let checked = app.post_form(&path, Some(&world.buyer), &need(&[])).await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    checked.assert_text_contains("Similar purchases near you");
    let similar = &checked.body[checked
        .body
        .find("data-testid=\"similar-purchases\"")
        .expect("the list")..];
    let salford = similar.find("Salford").expect("Salford's contract");
    let bolton = similar.find("Bolton").expect("Bolton's contract");
    let leeds = similar.find("Leeds").expect("Leeds's contract");
    assert!(salford < leeds && bolton < leeds, "near ones first");
    assert_eq!(similar.matches("in your footprint").count(), 2);
    checked.assert_text_contains("CPV codes agree to 6 digits (349271)");
    checked.assert_text_contains("descriptions share: winter, rock, salt, grit");
    assert!(
        !similar.contains("Manchester City Council"),
        "never the council's own"
    );
    checked.assert_contains(r#"value="register""#);
    assert_eq!(app.snapshot().await, before, "a check writes nothing");

    let saved = app
        .post_form(&path, Some(&world.buyer), &need(&[("action", "register")]))
        .await;
    let id = registered_id(&saved);
    let intent = buying_intent::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(intent.owner_organisation_id, organisation_id(MANCHESTER));
    assert_eq!(intent.status, "open");
    assert_eq!(intent.estimated_value_pence, Some(12_000_000));

    // Leeds joins with its own share: the combined value adds up, and the
    // buyer who registered it is emailed.
    let join = format!("/intents/{id}/join");
    let page = app.get_as(&join, Some(&world.other_buyer)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let joined = app
        .post_form(
            &join,
            Some(&world.other_buyer),
            &[
                ("council", LEEDS),
                ("value", "80,000"),
                ("volume", "2,000 tonnes a winter"),
                ("participant_status", "committed"),
            ],
        )
        .await;
    assert_eq!(joined.status, 303, "{}", joined.body);
    let page = app.get(&format!("/intents/{id}")).await;
    page.assert_text_contains("£200,000");
    page.assert_text_contains("Leeds City Council");
    // The public sees who takes part, not each share or the history.
    page.assert_lacks("2,000 tonnes");
    page.assert_lacks("History");
    let told = emails_to(app, &world.buyer.email).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].kind, "intent_joined");
    assert!(
        told[0].body.contains("Leeds City Council joined"),
        "{}",
        told[0].body
    );
    assert!(told[0].body.contains("£200,000"), "{}", told[0].body);
    assert!(
        emails_to(app, &world.other_buyer.email).await.is_empty(),
        "not the joiner"
    );

    // The owner names Leeds to lead and commits; Leeds is told.
    let lead = app
        .post_form(
            &format!("/intents/{id}/lead"),
            Some(&world.buyer),
            &[("lead", &organisation_id(LEEDS).to_string())],
        )
        .await;
    assert_eq!(lead.status, 303, "{}", lead.body);
    let committed = app
        .post_form(
            &format!("/intents/{id}/status"),
            Some(&world.buyer),
            &[("status", "committed")],
        )
        .await;
    assert_eq!(committed.status, 303, "{}", committed.body);
    let told = emails_to(app, &world.other_buyer.email).await;
    assert_eq!(
        told.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["intent_moved", "intent_moved"]
    );
    assert!(
        told.iter()
            .any(|e| e.body.contains("it is now participants committed")),
        "{told:?}"
    );
    assert!(
        told.iter().any(|e| e
            .body
            .contains("Leeds City Council will lead the procurement")),
        "{told:?}"
    );

    // The footprint's coordinator moves it on; it is awarded as a framework.
    let status = format!("/intents/{id}/status");
    let moved = app
        .post_form(
            &status,
            Some(&world.coordinator),
            &[("status", "in_procurement")],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let backwards = app
        .post_form(
            &status,
            Some(&world.coordinator),
            &[("status", "committed")],
        )
        .await;
    assert_eq!(backwards.status, 422, "{}", backwards.body);
    backwards.assert_field_error(
        "status",
        "An intent that is in procurement cannot move to participants committed",
    );
    let unknown = app
        .post_form(
            &status,
            Some(&world.buyer),
            &[("status", "awarded"), ("awarded_to", "RM9999")],
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    unknown.assert_field_error(
        "awarded_to",
        "There is no framework with the reference RM9999 in the catalogue",
    );
    let awarded = app
        .post_form(
            &status,
            Some(&world.buyer),
            &[("status", "awarded"), ("awarded_to", "GM-DTS-01")],
        )
        .await;
    assert_eq!(awarded.status, 303, "{}", awarded.body);
    let intent = buying_intent::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(intent.status, "awarded");
    assert_eq!(intent.awarded_framework_id, Some(world.framework));
    assert_eq!(intent.lead_organisation_id, Some(organisation_id(LEEDS)));

    // Once awarded, nobody joins.
    let late = app
        .post_form(
            &join,
            Some(&world.other_buyer),
            &[
                ("council", LEEDS),
                ("value", "1"),
                ("participant_status", "interested"),
            ],
        )
        .await;
    assert_eq!(late.status, 422, "{}", late.body);
    late.assert_field_error(
        "participant_status",
        "This intent is awarded: councils can no longer join or change their share",
    );

    // Signed-in buyers see the shares and the whole history, in order.
    let page = app
        .get_as(&format!("/intents/{id}"), Some(&world.buyer))
        .await;
    page.assert_text_contains("2,000 tonnes a winter");
    page.assert_text_contains("Awarded as");
    let history: Vec<String> = audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq("buying_intent"))
        .filter(audit_event::Column::EntityId.eq(id.to_string()))
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        history,
        [
            "intent.registered",
            "intent.joined",
            "intent.lead_named",
            "intent.status_changed",
            "intent.status_changed",
            "intent.status_changed",
        ]
    );
    for text in [
        "Leeds City Council joined (£80,000)",
        "Leeds City Council named as lead body",
        "Status changed to in procurement",
    ] {
        page.assert_text_contains(text);
    }
}

#[tokio::test]
async fn only_the_owner_and_its_coordinator_move_an_intent() {
    let world = World::build().await;
    let app = &world.app;
    let path = format!("/councils/{MANCHESTER}/intents/new");
    let id = created_intent(app, &world.buyer, &path).await;
    let status = format!("/intents/{id}/status");
    let before = app.snapshot().await;
    for (who, expected) in [
        (None, 401),
        (Some(&world.no_role), 403),
        (Some(&world.other_buyer), 403),
        (Some(&world.other_coordinator), 403),
        (Some(&world.editor), 403),
    ] {
        let refused = app
            .post_form(&status, who, &[("status", "committed")])
            .await;
        assert_eq!(refused.status, expected, "{:?}", who.map(|a| a.label));
        let lead = app
            .post_form(
                &format!("/intents/{id}/lead"),
                who,
                &[("lead", &organisation_id(MANCHESTER).to_string())],
            )
            .await;
        assert_eq!(lead.status, expected, "{:?}", who.map(|a| a.label));
    }
    // Joining for a council the buyer does not act for is refused too.
    let forged = app
        .post_form(
            &format!("/intents/{id}/join"),
            Some(&world.other_buyer),
            &[
                ("council", MANCHESTER),
                ("value", "1"),
                ("participant_status", "committed"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    // Registering for another council is refused.
    let other = app
        .post_form(
            &format!("/councils/{LEEDS}/intents/new"),
            Some(&world.buyer),
            &need(&[("action", "register")]),
        )
        .await;
    assert_eq!(other.status, 403, "{}", other.body);
    assert_eq!(app.snapshot().await, before, "refusals write nothing");
    // The lead must be taking part.
    let stranger = app
        .post_form(
            &format!("/intents/{id}/lead"),
            Some(&world.buyer),
            &[("lead", &organisation_id(LEEDS).to_string())],
        )
        .await;
    assert_eq!(stranger.status, 422, "{}", stranger.body);
    stranger.assert_field_error(
        "lead",
        "Select a council taking part, or the footprint's own body",
    );
    // The owner cannot withdraw its own share; it withdraws the intent.
    let leave = app
        .post_form(
            &format!("/intents/{id}/join"),
            Some(&world.buyer),
            &[
                ("council", MANCHESTER),
                ("value", "1"),
                ("participant_status", "withdrawn"),
            ],
        )
        .await;
    assert_eq!(leave.status, 422, "{}", leave.body);
    assert_eq!(
        app.snapshot().await,
        before,
        "rejected input writes nothing"
    );
    let withdrawn = app
        .post_form(
            &status,
            Some(&world.coordinator),
            &[("status", "withdrawn")],
        )
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    let page = app.get(&format!("/intents/{id}")).await;
    page.assert_text_contains("Withdrawn");
}

async fn created_intent(app: &TestApp, buyer: &Actor, path: &str) -> Uuid {
    let saved = app
        .post_form(path, Some(buyer), &need(&[("action", "register")]))
        .await;
    registered_id(&saved)
}

/// The new intent's id, from the redirect to its page.
#[track_caller]
pub(crate) fn registered_id(saved: &TestResponse) -> Uuid {
    assert_eq!(saved.status, 303, "{}", saved.body);
    let location = saved.header("location").expect("location");
    let id = location
        .strip_prefix("/intents/")
        .and_then(|l| l.strip_suffix("?done=registered"))
        .unwrap_or_else(|| panic!("{location} is not a new intent's page"));
    Uuid::parse_str(id).expect("uuid")
}

#[tokio::test]
async fn a_need_with_bad_input_names_each_field_and_saves_nothing() {
    let world = World::build().await;
    let app = &world.app;
    let path = format!("/councils/{MANCHESTER}/intents/new");
    let before = app.snapshot().await;
    let empty = app
        .post_form(&path, Some(&world.buyer), &[("action", "register")])
        .await;
    assert_eq!(empty.status, 422, "{}", empty.body);
    for field in [
        "title",
        "description",
        "cpv_codes",
        "value",
        "window_start",
        "window_end",
        "footprint",
    ] {
        empty.assert_contains(&format!(r#"id="{field}-error""#));
    }
    let elsewhere = app
        .post_form(
            &path,
            Some(&world.buyer),
            &need_changing("footprint", "E47000003"),
        )
        .await;
    assert_eq!(elsewhere.status, 422, "{}", elsewhere.body);
    elsewhere.assert_field_error(
        "footprint",
        "Select one of Manchester's footprints: E47000003 is not one of them",
    );
    let unknown_code = app
        .post_form(
            &path,
            Some(&world.buyer),
            &need_changing("cpv_codes", "99999999"),
        )
        .await;
    assert_eq!(unknown_code.status, 422, "{}", unknown_code.body);
    unknown_code.assert_contains(r#"id="cpv_codes-error""#);
    assert_eq!(app.snapshot().await, before);
    assert_eq!(
        intent_participant::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_footprint_dashboard_groups_renewals_by_need_and_suggests_a_joint_purchase() {
    let world = World::build().await;
    let app = &world.app;
    salt_contract(
        app,
        &world.admin,
        SALFORD,
        "Supply of rock salt for winter gritting",
    )
    .await;
    salt_contract(app, &world.admin, BOLTON, "Rock salt supply 2026-2028").await;
    // Leeds is not in Greater Manchester: never counted here.
    salt_contract(app, &world.admin, LEEDS, "Highways rock salt").await;

    let page = app
        .get_as(&format!("/footprints/{GMCA}"), Some(&world.admin))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let section = &page.body[page
        .body
        .find("Demand and renewals")
        .expect("the dashboard")..];
    // The renewal pipeline holds both salt contracts (ending May 2028) as
    // one need across two councils.
    let pipeline = &section[section.find("Renewal pipeline").unwrap()
        ..section.find("Open demand by category").unwrap()];
    assert!(pipeline.contains("rock, salt"), "{pipeline}");
    assert!(pipeline.contains("2 councils"), "{pipeline}");
    assert!(
        !section.contains("Leeds City Council"),
        "only the footprint's councils"
    );
    // Charts carry a title and a description, and a table beside them.
    assert!(
        section.contains(r#"role="img""#) && section.contains("<title id=\"ends-chart-title\"")
    );
    // The suggestion, with a link to register it for either council.
    let suggestions = &section[section.find("Suggested joint purchases").unwrap()
        ..section.find("Renewal pipeline").unwrap()];
    assert!(
        suggestions.contains("Register this as a buying intent for Salford City Council"),
        "{suggestions}"
    );
    let link_start = suggestions
        .find(&format!("/councils/{SALFORD}/intents/new?"))
        .expect("the link");
    let link = &suggestions[link_start..];
    let link = crate::harness::html_text(&link[..link.find('"').unwrap()]);
    // A buyer not in the suggestion is not offered to register it.
    let as_buyer = app
        .get_as(&format!("/footprints/{GMCA}"), Some(&world.buyer))
        .await;
    as_buyer.assert_lacks("Register this as a buying intent for");
    as_buyer.assert_text_contains("Suggested joint purchases");

    // The national view compares footprints: Greater Manchester has the one
    // cluster, the one suggestion and three contracts ending (the salt and
    // the fixture's housing repairs); West Yorkshire has Leeds's salt only.
    let national = app.get("/demand").await;
    assert_eq!(national.status, 200, "{}", national.body);
    let row_of = |name: &str| -> Vec<String> {
        let at = national
            .body
            .find(&format!(">{name}<!></a>"))
            .unwrap_or_else(|| panic!("{name}: {}", national.body));
        let row = &national.body[at..];
        let row = &row[..row.find("</tr>").unwrap()];
        row.split("govuk-table__cell--numeric\">")
            .skip(1)
            .map(|cell| crate::harness::html_text(&cell[..cell.find("</td>").unwrap()]))
            .collect()
    };
    // Councils, open intents, open demand, clusters, suggestions, ending.
    assert_eq!(
        row_of("Greater Manchester Combined Authority")[3..],
        ["1", "1", "3"]
    );
    assert_eq!(
        row_of("West Yorkshire Combined Authority")[3..],
        ["0", "0", "1"]
    );

    // The link opens the form filled in: one step from suggestion to intent.
    let form = app.get_as(&link, Some(&world.admin)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    // The title is the largest purchase's (these two are equal).
    assert!(
        form.body.contains(r#"value="Rock salt supply 2026-2028""#)
            || form
                .body
                .contains(r#"value="Supply of rock salt for winter gritting""#),
        "{}",
        form.body
    );
    form.assert_contains(r#"value="500000""#);
    form.assert_text_contains(
        "A joint purchase for Bolton Metropolitan Borough Council, Salford City Council",
    );
}

#[tokio::test]
async fn suppliers_follow_demand_by_footprint_and_category_in_atom_feeds() {
    let world = World::build().await;
    let app = &world.app;
    let path = format!("/councils/{MANCHESTER}/intents/new");
    let mut fields = need(&[("action", "register")]);
    fields[0].1 = "Rock salt <script>alert(1)</script> & grit";
    let saved = app.post_form(&path, Some(&world.buyer), &fields).await;
    let id = registered_id(&saved);

    for feed in [
        format!("/feeds/footprints/{GMCA}"),
        "/feeds/categories/34".to_owned(),
    ] {
        let answer = app.get(&feed).await;
        assert_eq!(answer.status, 200, "{feed}: {}", answer.body);
        assert_eq!(
            answer.header("content-type"),
            Some("application/atom+xml; charset=utf-8")
        );
        answer.assert_contains(r#"<feed xmlns="http://www.w3.org/2005/Atom""#);
        answer.assert_contains(&format!("<id>urn:uuid:{id}</id>"));
        answer.assert_contains("Rock salt &lt;script&gt;alert(1)&lt;/script&gt; &amp; grit");
        answer.assert_lacks("<script>");
    }
    // Elsewhere, and in other categories, it is not listed.
    let leeds = app.get("/feeds/footprints/E47000003").await;
    assert_eq!(leeds.status, 200);
    leeds.assert_lacks(&id.to_string());
    app.get("/feeds/categories/72")
        .await
        .assert_lacks(&id.to_string());
    for missing in [
        "/feeds/footprints/nowhere",
        "/feeds/categories/99",
        "/feeds/categories/7x",
    ] {
        assert_eq!(app.get(missing).await.status, 404, "{missing}");
    }
    // Withdrawn, it leaves the feed.
    let withdrawn = app
        .post_form(
            &format!("/intents/{id}/status"),
            Some(&world.buyer),
            &[("status", "withdrawn")],
        )
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    app.get(&format!("/feeds/footprints/{GMCA}"))
        .await
        .assert_lacks(&id.to_string());
}
