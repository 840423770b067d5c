//! The market signal for suppliers through the real pages: a supplier sees
//! open demand matching its offers (by CPV category and by wording, not
//! other categories), follows a category, and is sent one weekly digest
//! of what was published since, through the email outbox, with a link
//! that stops it without signing in. Bad input names its field and writes
//! nothing; nobody stops someone else's follow.
use app::server::entities::{audit_event, demand_follow, email_outbox};
use app::server::services::market::{self, DIGEST_EVERY};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use time::{Duration, OffsetDateTime};

use crate::fixture::{GMCA, MANCHESTER, World, pairs};
use crate::harness::{TestApp, TestResponse};
use crate::permissions::{follow, intent_form};

/// A buying intent of Manchester's, registered by its buyer.
async fn register(world: &World, title: &str, cpv: &str) -> uuid::Uuid {
    let form: Vec<(String, String)> = intent_form(title)
        .into_iter()
        .map(|(k, v)| {
            let v = match k.as_str() {
                "cpv_codes" => cpv.to_owned(),
                "description" => format!("{title}, for the whole council."),
                _ => v,
            };
            (k, v)
        })
        .collect();
    crate::intents::registered_id(
        &world
            .app
            .post_form(
                &format!("/councils/{MANCHESTER}/intents/new"),
                Some(&world.buyer),
                &pairs(&form),
            )
            .await,
    )
}

async fn digests_to(app: &TestApp, to: &str) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find()
        .filter(email_outbox::Column::ToAddress.eq(to))
        .filter(email_outbox::Column::Kind.eq("demand_digest"))
        .order_by_asc(email_outbox::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

fn section(page: &TestResponse, testid: &str) -> String {
    let at = page
        .body
        .find(&format!("data-testid=\"{testid}\""))
        .unwrap_or_else(|| panic!("no {testid} in {}", page.body));
    page.body[at..].to_owned()
}

#[tokio::test]
async fn a_supplier_sees_matching_demand_follows_it_and_gets_a_weekly_digest() {
    let world = World::build().await;
    let app = &world.app;
    // The fixture's supplier offers housing repairs case management (CPV
    // 72000000 and 48000000).
    register(&world, "Repairs scheduling software", "72212000").await;
    register(&world, "Winter gritting rock salt", "34927100").await;

    let page = app
        .get(&format!("/suppliers/{}/demand", world.supplier))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.assert_text_contains("Demand matching Acme Digital Ltd's offers");
    let listed = section(&page, "demand-count");
    assert!(listed.contains("Repairs scheduling software"), "{listed}");
    page.assert_text_contains(
        "CPV 72212000 and your offer \u{201c}Housing repairs case management\u{201d} (72000000) are in the same category",
    );
    assert!(
        !listed.contains("rock salt"),
        "another category is not listed"
    );
    // Anyone may look; following needs an account.
    page.assert_contains("/sign-in?next=/account/following%3Ffollow%3Dcategory:72");
    let signed_in = app
        .get_as(
            &format!("/suppliers/{}/demand", world.supplier),
            Some(&world.editor),
        )
        .await;
    signed_in.assert_contains("/account/following?follow=category:72");

    // The follow form comes pre-set from the link; following writes one
    // row and its audit event; again changes nothing.
    let form = app
        .get_as("/account/following?follow=category:72", Some(&world.editor))
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    form.assert_contains(r#"<option value="category:72" selected"#);
    let followed = follow(&world, &world.editor, "category:72").await;
    let before = app.snapshot().await;
    follow(&world, &world.editor, "category:72").await;
    assert_eq!(
        app.snapshot().await,
        before,
        "following again changes nothing"
    );
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::EntityId.eq(followed.to_string()))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "follow.added");
    assert_eq!(audit[0].actor_user_id, Some(world.editor.user_id));
    let list = app.get_as("/account/following", Some(&world.editor)).await;
    list.assert_text_contains(
        "Demand for IT services: consulting, software development, Internet and support (CPV 72)",
    );
    list.assert_contains("/feeds/categories/72");

    // No digest before a week has passed, and none without news: the
    // intent published before the follow is not news.
    let now = OffsetDateTime::now_utc();
    let run = market::send_digests(&app.state, now).await.unwrap();
    assert_eq!(run, market::DigestRun { due: 0, sent: 0 });
    let week_on = now + DIGEST_EVERY + Duration::hours(1);
    let run = market::send_digests(&app.state, week_on).await.unwrap();
    assert_eq!(run, market::DigestRun { due: 1, sent: 0 });
    assert!(digests_to(app, &world.editor.email).await.is_empty());

    // New demand in the category: one digest, listing it with its link and
    // the follow's own stop link; run again, nothing more is sent.
    let new_intent = register(&world, "Housing repairs app for tenants", "72000000").await;
    register(&world, "More rock salt", "34927100").await;
    // Two servers run the job at once: the one that queues second finds
    // the follows moved on and sends nothing.
    let (_, read_by_other_node) = market::due_digests(&app.state, week_on).await.unwrap();
    assert_eq!(read_by_other_node.len(), 1);
    let run = market::send_digests(&app.state, week_on).await.unwrap();
    assert_eq!(run, market::DigestRun { due: 1, sent: 1 });
    let before = app.snapshot().await;
    for late in read_by_other_node {
        assert!(
            !market::queue_digest(&app.state, late, week_on)
                .await
                .unwrap()
        );
    }
    assert_eq!(app.snapshot().await, before, "the late node wrote nothing");
    let sent = digests_to(app, &world.editor.email).await;
    assert_eq!(sent.len(), 1);
    let digest = &sent[0];
    assert_eq!(digest.subject, "1 new buying opportunity you follow");
    assert!(
        digest.body.contains("Housing repairs app for tenants"),
        "{}",
        digest.body
    );
    assert!(
        digest.body.contains(&format!("/intents/{new_intent}")),
        "{}",
        digest.body
    );
    assert!(!digest.body.contains("More rock salt"), "{}", digest.body);
    let key = demand_follow::Entity::find_by_id(followed)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .unsubscribe_key;
    assert!(
        digest.body.contains(&format!("/unsubscribe?key={key}")),
        "{}",
        digest.body
    );
    let run = market::send_digests(&app.state, week_on).await.unwrap();
    assert_eq!(run.sent, 0, "one digest a week");
    assert_eq!(digests_to(app, &world.editor.email).await.len(), 1);

    // The link, without signing in: a page that asks, then a button.
    let link = format!("/unsubscribe?key={key}");
    let ask = app.get(&link).await;
    assert_eq!(ask.status, 200, "{}", ask.body);
    ask.assert_text_contains("Stop emails about Demand for IT services");
    assert_eq!(
        demand_follow::Entity::find().count(&app.db).await.unwrap(),
        1,
        "opening the link stops nothing"
    );
    let stopped = app
        .post_form("/unsubscribe", None, &[("key", &key.to_string())])
        .await;
    assert_eq!(stopped.status, 303, "{}", stopped.body);
    assert_eq!(stopped.header("location"), Some("/unsubscribe?done=yes"));
    assert_eq!(
        demand_follow::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    let again = app
        .post_form("/unsubscribe", None, &[("key", &key.to_string())])
        .await;
    assert_eq!(again.status, 422, "{}", again.body);
    app.get(&link)
        .await
        .assert_text_contains("This link does not work any more");
}

#[tokio::test]
async fn bad_follows_name_the_field_and_nobody_stops_anothers_follow() {
    let world = World::build().await;
    let app = &world.app;
    for (value, message) in [
        ("category:99", "There is no category 99"),
        ("footprint:NOWHERE", "There is no footprint NOWHERE"),
        ("", "Select a footprint or a category to follow"),
        ("category:7", "Select a footprint or a category to follow"),
    ] {
        let before = app.snapshot().await;
        let response = app
            .post_form(
                "/account/following",
                Some(&world.editor),
                &[("follow", value)],
            )
            .await;
        assert_eq!(response.status, 422, "{value}: {}", response.body);
        response.assert_field_error("follow", message);
        assert_eq!(app.snapshot().await, before, "{value} wrote something");
    }
    // Anonymous: sent to sign in, nothing written.
    let before = app.snapshot().await;
    let response = app
        .post_form("/account/following", None, &[("follow", "category:72")])
        .await;
    assert_eq!(response.status, 401, "{}", response.body);
    assert_eq!(app.snapshot().await, before);

    // The editor's follow: the buyer cannot see it or stop it.
    let followed = follow(&world, &world.editor, "footprint:e47000001").await;
    let row = demand_follow::Entity::find_by_id(followed)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.code, GMCA, "kept in the footprint's own spelling");
    let path = format!("/account/following/{followed}/remove");
    assert_eq!(app.get_as(&path, Some(&world.buyer)).await.status, 404);
    let before = app.snapshot().await;
    let refused = app.post_form(&path, Some(&world.buyer), &[]).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(app.snapshot().await, before);
    // A malformed key names its field.
    let response = app
        .post_form("/unsubscribe", None, &[("key", "not-a-key")])
        .await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert_eq!(app.snapshot().await, before);

    // Its owner stops it.
    let page = app.get_as(&path, Some(&world.editor)).await;
    page.assert_text_contains("Stop following Demand in Greater Manchester");
    let stopped = app.post_form(&path, Some(&world.editor), &[]).await;
    assert_eq!(stopped.status, 303, "{}", stopped.body);
    assert_eq!(
        demand_follow::Entity::find().count(&app.db).await.unwrap(),
        0
    );
}
