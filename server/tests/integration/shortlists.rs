//! Shortlists through the real pages: a council buyer freezes a search's
//! results (as they were, in their order), reads them back and downloads
//! them as CSV with the date and the search; the list stays as it was when
//! the catalogue changes; only the council's own buyers see or remove it;
//! bad input names its field and writes nothing.
use app::server::entities::{audit_event, shortlist, shortlist_item};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::fixture::{World, created_id};
use crate::search::result_links;

#[tokio::test]
async fn a_buyer_freezes_a_search_into_a_shortlist_and_downloads_it() {
    let world = World::build().await;
    let app = &world.app;
    app.apply_search_outbox().await;
    let search = "/search?q=digital&kind=framework&status=any";
    // Buyers are offered the shortlist; anonymous visitors are not.
    let page = app.get_as(search, Some(&world.buyer)).await;
    let shown = result_links(&page.body);
    assert_eq!(shown, [format!("/frameworks/{}", world.framework)]);
    page.assert_contains("/shortlists/new?q=digital&amp;kind=framework&amp;status=any");
    app.get(search)
        .await
        .assert_lacks("Save these results as a shortlist");

    let form = app
        .get_as(
            "/shortlists/new?q=digital&kind=framework&status=any",
            Some(&world.buyer),
        )
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    form.assert_text_contains("1 result; all are kept");

    // No name: the field is named, nothing is written.
    let before = app.snapshot().await;
    let unnamed = app
        .post_form(
            "/shortlists/new?q=digital&kind=framework&status=any",
            Some(&world.buyer),
            &[("name", " ")],
        )
        .await;
    assert_eq!(unnamed.status, 422, "{}", unnamed.body);
    unnamed.assert_field_error("name", "Enter a name for the shortlist");
    assert_eq!(app.snapshot().await, before);

    let saved = app
        .post_form(
            "/shortlists/new?q=digital&kind=framework&status=any&page=3",
            Some(&world.buyer),
            &[("name", "=Digital options 2027")],
        )
        .await;
    let id = created_id(&saved, "/shortlists/");
    let kept = shortlist::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the shortlist");
    // The search is kept from its first page, in its canonical form.
    assert_eq!(kept.search_query, "q=digital&kind=framework&status=any");
    assert_eq!(kept.result_total, 1);
    let items = shortlist_item::Entity::find()
        .filter(shortlist_item::Column::ShortlistId.eq(id))
        .order_by_asc(shortlist_item::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    let frozen: Vec<String> = items
        .iter()
        .map(|i| format!("/frameworks/{}", i.record_id))
        .collect();
    assert_eq!(
        frozen, shown,
        "the shortlist is the search's results, in order"
    );
    assert_eq!(items[0].title, "Digital and technology services");
    assert_eq!(items[0].reference.as_deref(), Some("GM-DTS-01"));

    // The catalogue changes; the shortlist does not.
    world.rename_framework("Renamed services").await;
    app.apply_search_outbox().await;
    let list = app
        .get_as(&format!("/shortlists/{id}"), Some(&world.buyer))
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.assert_text_contains("Digital and technology services");
    list.assert_lacks("Renamed services");
    list.assert_contains(r#"href="/search?q=digital&amp;kind=framework&amp;status=any""#);
    list.assert_text_contains("1 result; all are kept");
    // The council's list names it.
    let lists = app.get_as("/shortlists", Some(&world.buyer)).await;
    lists.assert_contains(&format!(r#"href="/shortlists/{id}""#));

    // The CSV: every row says which shortlist, when, and which search.
    let sheet = app
        .get_as(&format!("/shortlists/{id}/csv"), Some(&world.buyer))
        .await;
    assert_eq!(sheet.status, 200, "{}", sheet.body);
    assert_eq!(
        sheet.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    let today = time::OffsetDateTime::now_utc().date().to_string();
    assert_eq!(
        sheet.header("content-disposition"),
        Some(format!("attachment; filename=\"digital-options-2027-{today}.csv\"").as_str())
    );
    let mut reader = csv::Reader::from_reader(sheet.body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let cell = |name: &str| {
        let at = headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column"));
        rows[0][at].to_owned()
    };
    // A name a spreadsheet would run as a formula is shown as text.
    assert_eq!(cell("Shortlist"), "'=Digital options 2027");
    assert_eq!(cell("Council"), "Manchester City Council");
    assert!(
        cell("Frozen at (UTC)").starts_with(&today),
        "{}",
        cell("Frozen at (UTC)")
    );
    assert_eq!(cell("Search"), "digital");
    assert!(cell("Search link").ends_with("/search?q=digital&kind=framework&status=any"));
    assert_eq!(cell("Results found"), "1");
    assert_eq!(cell("Position"), "1");
    assert_eq!(cell("Type"), "Framework");
    assert_eq!(cell("Title"), "Digital and technology services");
    assert_eq!(cell("Reference"), "GM-DTS-01");
    assert!(cell("Link").ends_with(&format!("/frameworks/{}", world.framework)));

    // Only the council's own buyers see it.
    for actor in [&world.other_buyer, &world.admin, &world.no_role] {
        let refused = app.get_as(&format!("/shortlists/{id}"), Some(actor)).await;
        assert_eq!(refused.status, 403, "{}", actor.label);
        let download = app
            .get_as(&format!("/shortlists/{id}/csv"), Some(actor))
            .await;
        assert_eq!(download.status, 403, "{}", actor.label);
        assert!(!download.body.contains("Digital"), "{}", actor.label);
    }
    let anonymous = app.get(&format!("/shortlists/{id}/csv")).await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(
        anonymous.header("location"),
        Some(format!("/sign-in?next=%2Fshortlists%2F{id}%2Fcsv").as_str())
    );

    // Removing it takes its items with it and is on the record.
    let removed = app
        .post_form(&format!("/shortlists/{id}/remove"), Some(&world.buyer), &[])
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert_eq!(removed.header("location"), Some("/shortlists"));
    assert_eq!(shortlist::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(
        shortlist_item::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    let actions: Vec<String> = audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq("shortlist"))
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["shortlist.created", "shortlist.removed"]);
}

#[tokio::test]
async fn a_shortlist_refuses_a_bad_search_or_council_and_writes_nothing() {
    let world = World::build().await;
    let app = &world.app;
    app.apply_search_outbox().await;
    let before = app.snapshot().await;
    // A filter value the search refuses names that field.
    let bad_cpv = app
        .post_form(
            "/shortlists/new?q=digital&cpv=12ab",
            Some(&world.buyer),
            &[("name", "Bad filter")],
        )
        .await;
    assert_eq!(bad_cpv.status, 422, "{}", bad_cpv.body);
    assert!(bad_cpv.body.contains("cpv"), "{}", bad_cpv.body);
    // A council the buyer does not buy for (the page offers no choice to a
    // buyer of one council, so the message is in the summary).
    let other = app
        .post_form(
            "/shortlists/new?q=digital",
            Some(&world.buyer),
            &[("name", "Not mine"), ("council", "E08000006")],
        )
        .await;
    assert_eq!(other.status, 422, "{}", other.body);
    other.assert_summary_error("Select a council you buy for");
    // A name longer than the column.
    let long = "n".repeat(121);
    let too_long = app
        .post_form(
            "/shortlists/new?q=digital",
            Some(&world.buyer),
            &[("name", &long)],
        )
        .await;
    assert_eq!(too_long.status, 422);
    too_long.assert_field_error(
        "name",
        "A name for the shortlist must be 120 characters or fewer",
    );
    assert_eq!(app.snapshot().await, before);
    // Someone with no buyer role is not offered the form at all.
    let page = app
        .get_as("/shortlists/new?q=digital", Some(&world.no_role))
        .await;
    assert_eq!(page.status, 403);
    let list = app.get_as("/shortlists", Some(&world.editor)).await;
    assert_eq!(list.status, 403);
}
