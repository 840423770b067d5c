//! The public lists and their filters: frameworks by owner and by the council
//! that may use them, contracts by council, footprint and end date, offers by
//! category and footprint, suppliers by SME/VCSE and region. Unknown filter
//! values answer 400 with a message naming the filter.
use app::server::services::seed::reference::footprint_id;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::fixture::{
    GMCA, LEEDS, MANCHESTER, World, created_id, framework_form, offer_form, pairs, supplier_form,
};
use crate::harness::{TestApp, TestResponse};

/// The N of "Showing … of N {plural}" (0 when nothing is shown).
fn total(page: &TestResponse, plural: &str) -> u64 {
    page.body
        .split_once("Showing ")
        .and_then(|(_, rest)| rest.split_once(&format!(" {plural}<")))
        .and_then(|(shown, _)| shown.rsplit(" of ").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[track_caller]
fn assert_refused(page: &TestResponse, field: &str, message: &str) {
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_contains(&format!(r##"<a href="#{field}">{message}"##));
    page.assert_contains(&format!(r#"id="{field}-error""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frameworks_filter_by_owner_and_by_the_council_that_may_use_them() {
    let world = World::build().await;
    let app = &world.app;
    // A second framework, open to all UK public sector, from another owner.
    let mut open = framework_form("NAT-OPEN-01", "");
    open.retain(|(k, _)| {
        !matches!(
            *k,
            "owner_name" | "eligibility_scope" | "eligible_footprints"
        )
    });
    open.extend([
        ("owner_name", "Crown Commercial Service"),
        ("eligibility_scope", "all_uk_public_sector"),
    ]);
    created_id(
        &app.post_form("/frameworks/new", Some(&world.admin), &open)
            .await,
        "/frameworks/",
    );

    let all = app.get("/frameworks").await;
    assert_eq!(total(&all, "frameworks"), 2);

    // GM-DTS-01 is open only to councils in Greater Manchester.
    let manchester = app.get(&format!("/frameworks?council={MANCHESTER}")).await;
    assert_eq!(manchester.status, 200);
    assert_eq!(total(&manchester, "frameworks"), 2);
    manchester.assert_contains(&format!(r#"<option value="{MANCHESTER}" selected"#));
    let leeds = app.get(&format!("/frameworks?council={LEEDS}")).await;
    assert_eq!(total(&leeds, "frameworks"), 1);
    leeds.assert_contains("NAT-OPEN-01");
    leeds.assert_lacks("GM-DTS-01");

    let owned = app
        .get("/frameworks?owner=Greater+Manchester+Combined+Authority")
        .await;
    assert_eq!(total(&owned, "frameworks"), 1);
    owned.assert_contains("GM-DTS-01");
    // Filters combine.
    let none = app
        .get(&format!(
            "/frameworks?owner=Greater+Manchester+Combined+Authority&council={LEEDS}"
        ))
        .await;
    none.assert_contains("No frameworks match these filters.");

    // A council buyer is offered their own council's list.
    let buyer_view = app.get_as("/frameworks", Some(&world.buyer)).await;
    buyer_view.assert_contains(&format!(r#"href="/frameworks?council={MANCHESTER}""#));
    buyer_view.assert_contains("Frameworks Manchester may use");
    app.get("/frameworks").await.assert_lacks("may use</a>");

    assert_refused(
        &app.get("/frameworks?council=E99999999").await,
        "council",
        "Select a council from the list",
    );
    assert_refused(
        &app.get("/frameworks?owner=Nobody").await,
        "owner",
        "Select an owner from the list",
    );
}

/// A contract for Leeds (not a call-off) ending `days` from today.
async fn leeds_contract_ending_in(world: &World, days: i64) {
    let today = time::OffsetDateTime::now_utc().date();
    let start = today - time::Duration::days(365);
    let end = today + time::Duration::days(days);
    let (sd, sm, sy) = (
        start.day().to_string(),
        u8::from(start.month()).to_string(),
        start.year().to_string(),
    );
    let (ed, em, ey) = (
        end.day().to_string(),
        u8::from(end.month()).to_string(),
        end.year().to_string(),
    );
    let response = world
        .app
        .post_form(
            &format!("/councils/{LEEDS}/contracts/new"),
            Some(&world.other_buyer),
            &[
                ("title", "Leeds street lighting maintenance"),
                ("suppliers", "Other Systems Ltd"),
                ("cpv_codes", "50232100"),
                ("value", "90,000"),
                ("start_date-day", &sd),
                ("start_date-month", &sm),
                ("start_date-year", &sy),
                ("end_date-day", &ed),
                ("end_date-month", &em),
                ("end_date-year", &ey),
            ],
        )
        .await;
    created_id(&response, "/contracts/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_filter_by_council_footprint_and_how_soon_they_end() {
    let world = World::build().await;
    let app = &world.app;
    leeds_contract_ending_in(&world, 30).await;

    let all = app.get("/contracts").await;
    assert_eq!(all.status, 200);
    assert_eq!(total(&all, "contracts"), 2);
    // Soonest ending first: Leeds (30 days) before Manchester (May 2028).
    let leeds_at = all.body.find("Leeds street lighting").expect("Leeds row");
    let manchester_at = all
        .body
        .find("Housing repairs case management")
        .expect("Manchester row");
    assert!(
        leeds_at < manchester_at,
        "contracts are not soonest-ending first"
    );
    // The council choices are the councils that have contracts.
    all.assert_contains(&format!(r#"<option value="{LEEDS}">"#));
    all.assert_lacks(r#"<option value="E09000001">"#);

    let leeds = app.get(&format!("/contracts?council={LEEDS}")).await;
    assert_eq!(total(&leeds, "contracts"), 1);
    leeds.assert_lacks("Housing repairs case management");

    let gm = app.get(&format!("/contracts?footprint={GMCA}")).await;
    assert_eq!(total(&gm, "contracts"), 1);
    gm.assert_contains("Housing repairs case management");
    gm.assert_lacks("Leeds street lighting");

    for (days, expected) in [("90", 1), ("365", 1), ("730", 2)] {
        let page = app.get(&format!("/contracts?ending={days}")).await;
        assert_eq!(
            total(&page, "contracts"),
            expected,
            "ending within {days} days"
        );
    }
    let combined = app
        .get(&format!("/contracts?ending=90&footprint={GMCA}"))
        .await;
    combined.assert_contains("No contracts match these filters.");

    assert_refused(
        &app.get("/contracts?ending=7").await,
        "ending",
        "Select when the contract ends from the list",
    );
    assert_refused(
        &app.get("/contracts?footprint=NOWHERE").await,
        "footprint",
        "Select a footprint from the list",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offers_list_only_published_offers_by_category_and_footprint() {
    let world = World::build().await;
    let app = &world.app;
    let supplier = world.supplier;
    let lot = world.lot.to_string();
    let gm = footprint_id(GMCA).to_string();
    // A published offer in another CPV division serving Greater Manchester,
    // and a draft that must not be listed.
    let mut served = offer_form("Street works permits", &lot);
    served.retain(|(k, _)| k != "cpv_codes");
    served.push(("cpv_codes".into(), "79400000".into()));
    served.push(("footprints".into(), gm.clone()));
    let mut draft = offer_form("Unfinished draft offer", &lot);
    draft.retain(|(k, _)| k != "status");
    draft.push(("status".into(), "draft".into()));
    for form in [served, draft] {
        created_id(
            &app.post_form(
                &format!("/suppliers/{supplier}/offers/new"),
                Some(&world.editor),
                &pairs(&form),
            )
            .await,
            "/offers/",
        );
    }

    let all = app.get("/offers").await;
    assert_eq!(all.status, 200);
    assert_eq!(total(&all, "offers"), 2);
    all.assert_lacks("Unfinished draft offer");
    all.assert_contains("Acme Digital Ltd");
    all.assert_contains("£12.50 per user per month");

    // The fixture's offer is in divisions 72 and 48; the new one in 79.
    let it = app.get("/offers?category=72").await;
    assert_eq!(total(&it, "offers"), 1);
    it.assert_contains("Housing repairs case management");
    let business = app.get("/offers?category=79").await;
    assert_eq!(total(&business, "offers"), 1);
    business.assert_contains("Street works permits");

    let footprint = app.get(&format!("/offers?footprint={GMCA}")).await;
    assert_eq!(total(&footprint, "offers"), 1);
    footprint.assert_contains("Street works permits");

    // A division no published offer is in is not a choice.
    assert_refused(
        &app.get("/offers?category=03").await,
        "category",
        "Select a category from the list",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suppliers_filter_by_vcse_and_region() {
    let world = World::build().await;
    let app = &world.app;
    let mut charity = supplier_form("Community Repairs CIC", "SC123456");
    charity.retain(|(k, _)| !matches!(*k, "flags" | "region"));
    charity.extend([("flags", "vcse"), ("region", "Scotland")]);
    created_id(
        &app.post_form("/suppliers/new", Some(&world.no_role), &charity)
            .await,
        "/suppliers/",
    );

    let vcse = app.get("/suppliers?vcse=yes").await;
    assert_eq!(total(&vcse, "suppliers"), 1);
    vcse.assert_contains("Community Repairs CIC");
    let scotland = app.get("/suppliers?region=Scotland").await;
    assert_eq!(total(&scotland, "suppliers"), 1);
    let north_west = app.get("/suppliers?region=North+West&sme=yes").await;
    assert_eq!(total(&north_west, "suppliers"), 2);
    north_west.assert_lacks("Community Repairs CIC");
    assert_refused(
        &app.get("/suppliers?region=Atlantis").await,
        "region",
        "Select a region from the list",
    );
    assert_refused(
        &app.get(&format!("/suppliers?name={}", "a".repeat(201)))
            .await,
        "name",
        "Supplier name must be 200 characters or fewer",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_contracts_paginate_and_filter_by_footprint() {
    use app::server::entities::{contract, footprint, footprint_member};
    let app = TestApp::with_demo_catalogue().await;
    let in_db = contract::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert!(
        in_db > 50,
        "the demo has {in_db} contracts; pagination needs more than 50"
    );
    let first = app.get("/contracts").await;
    assert_eq!(total(&first, "contracts"), in_db);
    first.assert_contains(&format!("Showing 1 to 50 of {in_db} contracts"));
    first.assert_contains(r#"href="/contracts?page=2""#);

    // Pick the footprint with the most contracting members and compare the
    // list's count with a count made straight from the tables.
    let mut best: Option<(String, u64)> = None;
    for fp in footprint::Entity::find()
        .all(&app.db)
        .await
        .expect("footprints")
    {
        let members: Vec<uuid::Uuid> = footprint_member::Entity::find()
            .filter(footprint_member::Column::FootprintId.eq(fp.id))
            .all(&app.db)
            .await
            .expect("members")
            .into_iter()
            .map(|m| m.organisation_id)
            .collect();
        let count = contract::Entity::find()
            .filter(contract::Column::BuyerOrganisationId.is_in(members))
            .count(&app.db)
            .await
            .expect("count");
        if count > best.as_ref().map_or(0, |(_, c)| *c) {
            best = Some((fp.code, count));
        }
    }
    let (code, expected) = best.expect("some footprint has contracts");
    let page = app.get(&format!("/contracts?footprint={code}")).await;
    assert_eq!(total(&page, "contracts"), expected);
    // The busiest footprint's contracts (hundreds, from the real notices)
    // run over several pages, and the filter survives paging.
    assert!(expected > 50, "{code} has {expected} contracts");
    page.assert_contains(&format!("Showing 1 to 50 of {expected} contracts"));
    page.assert_contains(&format!("footprint={code}&amp;page=2"));
    let last = expected.div_ceil(50);
    let last_page = app
        .get(&format!("/contracts?footprint={code}&page={last}"))
        .await;
    last_page.assert_contains(&format!(
        "Showing {} to {expected} of {expected} contracts",
        (last - 1) * 50 + 1
    ));
}
