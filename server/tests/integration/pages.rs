//! Server-rendered pages: status codes and the content a visitor relies on.
use crate::harness::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_explains_the_service() {
    let app = TestApp::new().await;
    let page = app.get("/").await;
    assert_eq!(page.status, 200);
    page.assert_contains("<title>Procurement Commons</title>");
    page.assert_contains("Hundreds of UK councils buy the same things separately");
    page.assert_contains(r#"href="/councils""#);
    page.assert_contains(r#"class="govuk-skip-link""#);
    page.assert_contains("govuk-phase-banner");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn councils_list_shows_every_current_council_fifty_at_a_time() {
    let app = TestApp::new().await;
    let page = app.get("/councils").await;
    assert_eq!(page.status, 200);
    page.assert_contains("Showing 1 to 50 of 382 councils");
    assert_eq!(
        page.count(r#"<tr class="govuk-table__row"><th scope="row""#),
        50
    );
    // Strategic authorities are footprints, not councils.
    page.assert_lacks("Greater Manchester Combined Authority");
    page.assert_contains(r#"aria-label="Page 8""#);

    let last = app.get("/councils?page=8").await;
    last.assert_contains("Showing 351 to 382 of 382 councils");
    assert_eq!(
        last.count(r#"<tr class="govuk-table__row"><th scope="row""#),
        32
    );
    last.assert_contains(r#"rel="prev""#);
    last.assert_lacks(r#"rel="next""#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn councils_filter_by_nation_region_and_type() {
    let app = TestApp::new().await;
    let wales = app.get("/councils?nation=Wales").await;
    wales.assert_contains("Showing 1 to 22 of 22 councils");

    let north_west = app.get("/councils?region=North+West").await;
    north_west.assert_contains("Showing 1 to 36 of 36 councils");
    north_west.assert_contains("Blackburn with Darwen");
    north_west.assert_lacks("Aberdeen");
    // The chosen option stays selected in the form.
    north_west.assert_contains(r#"<option value="North West" selected"#);

    let metropolitan_north_west = app.get("/councils?region=North+West&type=MD").await;
    metropolitan_north_west.assert_contains("Showing 1 to 15 of 15 councils");

    let south_east = app.get("/councils?region=South+East&page=2").await;
    south_east.assert_contains("Showing 51 to 70 of 70 councils");
    // Pagination links keep the filter.
    south_east.assert_contains(r#"href="/councils?region=South+East""#);

    let london_boroughs = app.get("/councils?type=LBO").await;
    london_boroughs.assert_contains("of 32 councils");
    // Empty select values mean "any".
    let blank = app.get("/councils?nation=&region=&type=").await;
    blank.assert_contains("Showing 1 to 50 of 382 councils");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_filter_values_are_a_clear_400_naming_the_field() {
    let app = TestApp::new().await;
    let page = app.get("/councils?region=Wessex").await;
    assert_eq!(page.status, 400);
    page.assert_contains("There is a problem");
    page.assert_contains(r##"<a href="#region">Select a region from the list"##);
    page.assert_contains("govuk-select--error");
    let page = app.get("/councils?type=PARISH").await;
    assert_eq!(page.status, 400);
    page.assert_contains("Select a type of council from the list");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_range_pages_fall_back_sensibly() {
    let app = TestApp::new().await;
    app.get("/councils?page=99")
        .await
        .assert_contains("Showing 351 to 382 of 382 councils");
    app.get("/councils?page=0")
        .await
        .assert_contains("Showing 1 to 50 of 382 councils");
    app.get("/councils?page=abc")
        .await
        .assert_contains("Showing 1 to 50 of 382 councils");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn council_page_shows_identifiers_and_footprints() {
    let app = TestApp::new().await;
    let page = app.get("/councils/E08000003").await;
    assert_eq!(page.status, 200);
    page.assert_contains("<title>Manchester City Council – Procurement Commons</title>");
    page.assert_contains("E08000003");
    page.assert_contains("MAN");
    page.assert_contains("Metropolitan district");
    page.assert_contains(r#"href="/footprints/E47000001""#);
    page.assert_contains("Greater Manchester Combined Authority");

    // A district links up to its county, and the county lists its districts.
    let adur = app.get("/councils/E07000223").await;
    adur.assert_contains("County council");
    adur.assert_contains("West Sussex County Council");
    let west_sussex = app.get("/councils/E10000032").await;
    west_sussex.assert_contains("District councils in this county");
    west_sussex.assert_contains("Adur District Council");

    let cardiff = app.get("/councils/W06000015").await;
    cardiff.assert_contains("is not a member of a combined authority");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn footprints_are_the_sixteen_current_ones() {
    let app = TestApp::new().await;
    let page = app.get("/footprints").await;
    assert_eq!(page.status, 200);
    page.assert_contains("16 footprints");
    assert_eq!(
        page.count(r#"<tr class="govuk-table__row"><th scope="row""#),
        16
    );
    page.assert_contains("North East Mayoral Combined Authority");
    page.assert_contains("Devon and Torbay Combined County Authority");
    page.assert_contains("Lancashire Combined County Authority");
    page.assert_lacks("North of Tyne");
    page.assert_lacks(">North East Combined Authority<");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn footprint_pages_list_their_member_councils() {
    let app = TestApp::new().await;
    let manchester = app.get("/footprints/E47000001").await;
    assert_eq!(manchester.status, 200);
    manchester.assert_contains("10 member councils");
    manchester.assert_contains("Bolton Metropolitan Borough Council");
    manchester.assert_contains("Wigan Metropolitan Borough Council");
    assert_eq!(manchester.count(r#"href="/councils/E08"#), 10);

    let london = app.get("/footprints/E61000001").await;
    london.assert_contains("33 member councils");
    london.assert_contains("City of London Corporation");

    let north_east = app.get("/footprints/E47000014").await;
    north_east.assert_contains("7 member councils");
    north_east.assert_contains("Durham County Council");
    north_east.assert_contains("Newcastle City Council");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_pages_and_records_are_404s() {
    let app = TestApp::new().await;
    for path in [
        "/no-such-page",
        "/councils/E99999999",
        "/councils/not-a-code",
        "/councils/E47000001",   // a combined authority, not a council
        "/footprints/E47000010", // the retired North East Combined Authority
        "/footprints/nowhere",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        page.assert_contains("Page not found");
    }
}
