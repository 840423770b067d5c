//! Search through the real page: the outbox applier keeps the index in
//! step with what the forms write; results are ranked, highlighted and
//! escaped; filters are checked; "only what my council can use" follows
//! the framework's eligibility; the index survives restarts and rebuilds.
use std::time::{Duration, Instant};

use app::server::changes::DocumentKind;
use app::server::search::{SearchIndex, applier, load, tantivy};

use crate::fixture::{World, contract_form, created_id, supplier_form};
use crate::harness::html_text;

/// The `/frameworks/{id}`-style links of a results page, in order.
pub(crate) fn result_links(body: &str) -> Vec<String> {
    body.split(r#"pc-search-result__title"><a href=""#)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn what_the_forms_write_is_found_once_the_outbox_is_applied() {
    let world = World::build().await;
    let app = &world.app;
    let framework = format!("/frameworks/{}", world.framework);
    // Nothing is indexed inside a request: the outbox holds it until applied.
    let before = app.get("/search?q=digital+technology").await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert!(result_links(&before.body).is_empty());
    let applied = app.apply_search_outbox().await;
    assert!(applied.rows > 0);
    let page = app.get("/search?q=digital+technology").await;
    assert_eq!(page.status, 200);
    // The framework by its title; its lot by the framework's title.
    assert_eq!(
        result_links(&page.body),
        [framework.clone(), format!("/lots/{}", world.lot)]
    );
    page.assert_contains("<mark>Digital");
    // Applying again changes nothing: no rows left.
    assert_eq!(app.apply_search_outbox().await.rows, 0);
    // The lot, the offer and the contract are found by their words.
    let lot = app.get("/search?q=software+service").await;
    assert!(result_links(&lot.body).contains(&format!("/lots/{}", world.lot)));
    let repairs = app.get("/search?q=housing+repairs").await;
    let links = result_links(&repairs.body);
    assert!(
        links.contains(&format!("/offers/{}", world.offer)),
        "{links:?}"
    );
    assert!(
        links.contains(&format!("/contracts/{}", world.contract)),
        "{links:?}"
    );
    // A kind filter narrows them, and the kind facet still counts both.
    let contracts = app.get("/search?q=housing+repairs&kind=contract").await;
    assert_eq!(
        result_links(&contracts.body),
        [format!("/contracts/{}", world.contract)]
    );
    contracts.assert_text_contains("Offers (1)");
    // The reference finds the framework; a typo still finds it.
    let by_reference = app.get("/search?q=GM-DTS-01").await;
    assert_eq!(result_links(&by_reference.body)[0], framework);
    let typo = app.get("/search?q=tecnology").await;
    assert_eq!(result_links(&typo.body)[0], framework);
    // The supplier is found by name, with its SME facet.
    let supplier = app.get("/search?q=acme").await;
    assert!(result_links(&supplier.body).contains(&format!("/suppliers/{}", world.supplier)));
}

#[tokio::test]
async fn only_what_my_council_can_use_follows_the_frameworks_eligibility() {
    let world = World::build().await;
    let app = &world.app;
    app.apply_search_outbox().await;
    let framework = format!("/frameworks/{}", world.framework);
    // Manchester is in Greater Manchester, for which the framework is listed.
    let mine = app
        .get_as("/search?q=digital&mine=yes", Some(&world.buyer))
        .await;
    mine.assert_contains("Only frameworks and lots Manchester City Council can use");
    let lot = format!("/lots/{}", world.lot);
    assert_eq!(result_links(&mine.body), [framework.clone(), lot.clone()]);
    // Leeds is not; without the toggle Leeds sees it too.
    let leeds = app
        .get_as("/search?q=digital&mine=yes", Some(&world.other_buyer))
        .await;
    assert!(result_links(&leeds.body).is_empty(), "{}", leeds.body);
    let leeds_all = app
        .get_as("/search?q=digital", Some(&world.other_buyer))
        .await;
    let leeds_all = result_links(&leeds_all.body);
    assert!(leeds_all.contains(&framework) && leeds_all.contains(&lot));
    // Contracts are not frameworks or lots: the toggle leaves them out.
    let repairs = app
        .get_as("/search?q=housing+repairs&mine=yes", Some(&world.buyer))
        .await;
    assert!(result_links(&repairs.body).is_empty());
    // Someone who buys for no council is not offered the toggle, and it does nothing.
    let anonymous = app.get("/search?q=digital&mine=yes").await;
    anonymous.assert_lacks("can use</label>");
    assert!(result_links(&anonymous.body).len() > 2);
    assert!(result_links(&anonymous.body).contains(&framework));
}

#[tokio::test]
async fn markup_in_a_query_comes_back_as_text() {
    let world = World::build().await;
    let app = &world.app;
    // A supplier whose name is markup, found by a query that is markup.
    let response = app
        .post_form(
            "/suppliers/new",
            Some(&world.no_role),
            &supplier_form("<script>alert(1)</script> Cleaning Ltd", "11223344"),
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    app.apply_search_outbox().await;
    let page = app
        .get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+cleaning")
        .await;
    assert_eq!(page.status, 200);
    page.assert_lacks("<script>alert(1)</script>");
    page.assert_contains("&lt;<mark>script");
    assert_eq!(result_links(&page.body).len(), 1);
}

#[tokio::test]
async fn queries_the_parser_cannot_read_fall_back_and_say_so() {
    let world = World::build().await;
    let app = &world.app;
    app.apply_search_outbox().await;
    let unpaired = app.get("/search?q=%22housing+repairs").await;
    assert_eq!(unpaired.status, 200);
    unpaired.assert_text_contains("A quotation mark had no partner");
    assert!(!result_links(&unpaired.body).is_empty());
    let field = app.get("/search?q=title%3Adigital+OR+%2B%28").await;
    assert_eq!(field.status, 200);
    field.assert_text_contains("Searches like \"title:\" are not supported");
    let long = format!("/search?q={}", "digital+".repeat(2_000));
    let long = app.get(&long).await;
    assert_eq!(long.status, 200);
    long.assert_text_contains("Only the first 500 characters");
    // Filters are checked: a bad value is a 400 naming its field, and nothing is searched.
    for (query, field, message) in [
        (
            "kind=widget",
            "kind",
            "Choose a kind of result from the list (got \"widget\")",
        ),
        (
            "cpv=4x",
            "cpv",
            "CPV code must be 2 to 8 digits, like 45 or 45233141",
        ),
        (
            "min_value=lots",
            "min_value",
            "Lowest value must be a whole number of pounds, like 25000",
        ),
        (
            "sort=random",
            "sort",
            "Choose an order from the list (got \"random\")",
        ),
    ] {
        let page = app.get(&format!("/search?q=digital&{query}")).await;
        assert_eq!(page.status, 400, "{query}");
        page.assert_contains(&format!("href=\"#{field}\""));
        page.assert_text_contains(message);
        assert!(result_links(&page.body).is_empty());
    }
}

#[tokio::test]
async fn facets_filter_by_cpv_prefix_footprint_and_status_and_keep_the_search() {
    let world = World::build().await;
    let app = &world.app;
    app.apply_search_outbox().await;
    // The lot has CPV 72000000: division 72 includes it, 48 does not.
    let page = app.get("/search?q=software").await;
    page.assert_contains("href=\"/search?q=software&amp;cpv=72\"");
    let in_72 = app.get("/search?q=software&cpv=72").await;
    assert!(result_links(&in_72.body).contains(&format!("/lots/{}", world.lot)));
    let in_48 = app.get("/search?q=software&cpv=48").await;
    assert!(result_links(&in_48.body).is_empty());
    // The framework is limited to Greater Manchester.
    // The framework is for it; Manchester's contract was bought in it.
    let gm = app.get("/search?q=digital&footprint=E47000001").await;
    assert_eq!(
        result_links(&gm.body),
        [
            format!("/frameworks/{}", world.framework),
            format!("/lots/{}", world.lot),
            format!("/contracts/{}", world.contract)
        ]
    );
    let wy = app.get("/search?q=digital&footprint=E47000003").await;
    assert!(result_links(&wy.body).is_empty());
    assert!(html_text(&gm.body).contains("Greater Manchester"));
    // It ends in 2030: live, not ended.
    let ended = app.get("/search?q=digital&status=expired").await;
    assert!(result_links(&ended.body).is_empty());
    ended.assert_text_contains("Live (");
}

#[tokio::test]
async fn a_change_is_searchable_within_two_seconds_with_the_applier_running() {
    let world = World::build().await;
    let app = &world.app;
    let applier = std::sync::Arc::new(app.search_applier());
    let running = tokio::spawn(applier.clone().run());
    let response = app
        .post_form(
            "/suppliers/new",
            Some(&world.no_role),
            &supplier_form("Quillfeather Gritting Ltd", "55667788"),
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let written = Instant::now();
    loop {
        let page = app.get("/search?q=quillfeather").await;
        if result_links(&page.body).len() == 1 {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_secs(2),
            "not searchable 2 s after it was written"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    running.abort();
}

#[tokio::test]
async fn a_restarted_index_resumes_from_its_last_commit_and_a_rebuild_keeps_answering() {
    let world = World::build().await;
    let app = &world.app;
    let applied = app.apply_search_outbox().await;
    let root = app.state.config.search_dir.clone();
    // As after a restart: the index opened again knows where it stopped.
    let reopened = SearchIndex::open(&root).expect("reopen");
    assert_eq!(
        reopened.replica().applied_seq().unwrap(),
        applied.through_seq
    );
    assert!(!reopened.is_new());
    let checked = applier::check(&app.db, &app.state.snapshots, &reopened)
        .await
        .expect("check");
    assert!(checked.drift.is_empty(), "{:?}", checked.drift);
    assert_eq!(checked.pending, 0);

    // A rebuild while searches run: every search answers, from the old
    // replica or the new one.
    let searching = {
        let router = app.router.clone();
        tokio::spawn(async move {
            let mut answered = 0;
            for _ in 0..40 {
                use tower::ServiceExt;
                let request = axum::http::Request::get("/search?q=digital")
                    .header("accept", "text/html")
                    .body(axum::body::Body::empty())
                    .unwrap();
                let response = router.clone().oneshot(request).await.unwrap();
                assert_eq!(response.status(), 200);
                let body = http_body_util::BodyExt::collect(response.into_body())
                    .await
                    .unwrap()
                    .to_bytes();
                let body = String::from_utf8_lossy(&body).into_owned();
                assert!(result_links(&body).len() > 1, "{body}");
                answered += 1;
            }
            answered
        })
    };
    let old = app.state.search.replica().name.clone();
    let rebuilt = applier::reindex(&app.db, &app.state.snapshots, &root, |_, _| {})
        .await
        .expect("reindex");
    assert_eq!(rebuilt.documents["framework"], 1);
    assert_eq!(rebuilt.documents["supplier"], 2);
    // The next pass switches to the new replica and removes the old one.
    app.apply_search_outbox().await;
    assert_eq!(app.state.search.replica().name, rebuilt.replica);
    assert!(!root.join(&old).exists());
    assert_eq!(searching.await.unwrap(), 40);
    let page = app.get("/search?q=digital").await;
    assert!(result_links(&page.body).contains(&format!("/frameworks/{}", world.framework)));

    // Drift is reported: a document deleted behind the applier's back.
    let index = &app.state.search;
    {
        let replica = index.replica();
        let mut writer: tantivy::IndexWriter = replica.index.writer(15_000_000).unwrap();
        writer.delete_term(tantivy::Term::from_field_text(
            index.fields().key,
            &format!("framework:{}", world.framework),
        ));
        writer.commit().unwrap();
        replica.reader.reload().unwrap();
    }
    let checked = applier::check(&app.db, &app.state.snapshots, index)
        .await
        .expect("check");
    assert!(
        checked
            .drift
            .contains(&"framework: 1 in the database, 0 in the index".to_owned()),
        "{:?}",
        checked.drift
    );
}

#[tokio::test]
async fn a_rebuild_adds_contracts_in_order_of_their_lowest_cpv_code() {
    let world = World::build().await;
    let app = &world.app;
    // The world's own contract is under 72000000; these are added after it.
    let mut added = Vec::new();
    for (title, codes) in [
        ("Office cleaning", "90911200"),
        ("Grounds and farm supplies", "90911200, 03000000"),
        ("Depot roof works", "45000000"),
    ] {
        let mut form = contract_form(title, "Acme Digital Ltd");
        form.retain(|(name, _)| *name != "cpv_codes");
        form.push(("cpv_codes", codes));
        let response = world.post_contract(&form).await;
        added.push(created_id(&response, "/contracts/"));
    }
    let [cleaning, farm, roof] = added[..] else {
        unreachable!()
    };
    let order = load::all_ids(&app.db, DocumentKind::Contract)
        .await
        .expect("ids");
    assert_eq!(order, [farm, roof, world.contract, cleaning]);
}

#[tokio::test]
async fn an_edit_replaces_the_document_and_a_removal_deletes_it() {
    let world = World::build().await;
    let app = &world.app;
    app.apply_search_outbox().await;
    // Renamed: found by the new title only, and in the index once.
    world
        .rename_framework("Highways gritting and winter services")
        .await;
    app.apply_search_outbox().await;
    let framework = format!("/frameworks/{}", world.framework);
    let renamed = app.get("/search?q=gritting&kind=framework").await;
    assert_eq!(result_links(&renamed.body), [framework]);
    let old = app.get("/search?q=technology&kind=framework").await;
    assert!(result_links(&old.body).is_empty(), "the old title is gone");
    let checked = applier::check(&app.db, &app.state.snapshots, &app.state.search)
        .await
        .expect("check");
    assert!(checked.drift.is_empty(), "{:?}", checked.drift);
    // A lot added and then removed: its document comes and goes with it.
    let response = app
        .post_form(
            &format!("/frameworks/{}/lots/new", world.framework),
            Some(&world.admin),
            &[
                ("number", "2"),
                ("title", "Grit bins and salt stores"),
                ("cpv_codes", "34927100"),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    app.apply_search_outbox().await;
    let found = app.get("/search?q=grit+bins&kind=lot").await;
    let links = result_links(&found.body);
    assert_eq!(links.len(), 1, "{}", found.body);
    let lot = links[0].trim_start_matches("/lots/").to_owned();
    let response = app
        .post_form(&format!("/lots/{lot}/remove"), Some(&world.admin), &[])
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    app.apply_search_outbox().await;
    let gone = app.get("/search?q=grit+bins&kind=lot").await;
    // (Other lots may match one of the words; the removed one is gone.)
    assert!(!result_links(&gone.body).contains(&format!("/lots/{lot}")));
    gone.assert_lacks("Grit bins and salt stores");
}
