//! Every form refuses bad input the GOV.UK way: status 422, an error summary
//! linking to the field, the message inline, the entered values kept (never
//! the password), and nothing written.
use crate::fixture::{
    MANCHESTER, World, contract_form, framework_form, offer_form, pairs, supplier_form,
};
use crate::harness::{Actor, backend_name};

/// `base` with the named fields replaced (or added); an empty value removes the field.
fn with(base: &[(String, String)], changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = base
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .cloned()
        .collect();
    for (k, v) in changes {
        if !v.is_empty() {
            out.push(((*k).to_owned(), (*v).to_owned()));
        }
    }
    out
}

fn owned(fields: Vec<(&str, &str)>) -> Vec<(String, String)> {
    fields
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Posts `fields` and checks the refusal names `field` with `message`.
async fn assert_refused(
    world: &World,
    path: &str,
    actor: Option<&Actor>,
    fields: &[(String, String)],
    field: &str,
    message: &str,
) {
    let before = world.app.snapshot().await;
    let response = world.app.post_form(path, actor, &pairs(fields)).await;
    let context = format!("{path} with bad {field} on {}", backend_name());
    assert_eq!(response.status, 422, "{context}:\n{}", response.body);
    response.assert_contains("There is a problem");
    response.assert_field_error(field, message);
    response.assert_contains("<title>Error: ");
    assert_eq!(
        world.app.snapshot().await,
        before,
        "{context} wrote to the database"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framework_lot_and_lot_supplier_forms_refuse_bad_input() {
    let world = World::build().await;
    let admin = Some(&world.admin);
    let body = world.gmca_body.to_string();
    let good = owned(framework_form("GM-NEW-1", &body));
    let long_title = "x".repeat(401);
    for (changes, field, message) in [
        (
            vec![("start_date-day", "31"), ("start_date-month", "2")],
            "start_date",
            "The start date must be a real date",
        ),
        (
            vec![("end_date-year", "2025")],
            "end_date",
            "The end date must be on or after the start date",
        ),
        (
            vec![("max_extension_end-year", "2029")],
            "max_extension_end",
            "The latest extension date must be on or after the end date",
        ),
        (
            vec![("levy", "-1")],
            "levy",
            "Levy must be a percentage between 0 and 100, like 1 or 0.5",
        ),
        (
            vec![("title", long_title.as_str())],
            "title",
            "The framework title must be 400 characters or fewer",
        ),
        (
            vec![("reference", "GM-DTS-01")],
            "reference",
            "A framework with this reference already exists",
        ),
        (
            vec![("reference", "")],
            "reference",
            "Enter the framework reference",
        ),
        (
            vec![("url", "javascript:alert(1)")],
            "url",
            "Enter the link to the owner's page starting with https://, like https://www.example.gov.uk",
        ),
        (
            vec![("routes_to_market", "")],
            "routes_to_market",
            "Select at least one route to market",
        ),
        (
            vec![("eligible_footprints", "")],
            "eligible_buyer_types",
            "Select at least one type of buyer, footprint or region that may use the framework",
        ),
    ] {
        let fields = with(&good, &changes);
        assert_refused(&world, "/frameworks/new", admin, &fields, field, message).await;
    }
    // Values are kept: the title typed is in the form shown again.
    let response = world
        .app
        .post_form(
            "/frameworks/new",
            admin,
            &pairs(&with(&good, &[("levy", "-1")])),
        )
        .await;
    response.assert_contains("value=\"Digital and technology services\"");
    response.assert_contains("value=\"GM-NEW-1\"");

    let lot_path = format!("/frameworks/{}/lots/new", world.framework);
    let good_lot = owned(vec![
        ("number", "2"),
        ("title", "Hosting"),
        ("cpv_codes", "72000000"),
    ]);
    for (changes, field, message) in [
        (
            vec![("cpv_codes", "99999999")],
            "cpv_codes",
            "99999999 is not in the CPV 2008 code list",
        ),
        (
            vec![("cpv_codes", "7200")],
            "cpv_codes",
            "7200 is not a CPV code: enter 8 digits, like 72000000",
        ),
        (
            vec![("number", "1")],
            "number",
            "This framework already has a lot with this number",
        ),
        (
            vec![("title", long_title.as_str())],
            "title",
            "The lot title must be 400 characters or fewer",
        ),
    ] {
        assert_refused(
            &world,
            &lot_path,
            admin,
            &with(&good_lot, &changes),
            field,
            message,
        )
        .await;
    }

    let place_path = format!("/lots/{}/suppliers/new", world.lot);
    let good_place = owned(vec![
        ("supplier_id", "new"),
        ("supplier_name", "New Co Ltd"),
        ("status", "active"),
    ]);
    for (changes, field, message) in [
        (
            vec![("supplier_id", "")],
            "supplier_id",
            "Select a supplier, or choose to add one that is not listed",
        ),
        (
            vec![("supplier_id", "not-a-record")],
            "supplier_id",
            "Select a supplier, or choose to add one that is not listed",
        ),
        (
            // A well-formed id of no record at all.
            vec![("supplier_id", "00000000-0000-4000-8000-000000000000")],
            "supplier_id",
            "Select a supplier from the list, or choose to add one that is not listed",
        ),
        (
            vec![("companies_house_number", "12AB")],
            "companies_house_number",
            "Enter a Companies House number in the correct format, like 01234567 or SC123456",
        ),
        (
            vec![("status", "")],
            "status",
            "Select the supplier's status on this lot",
        ),
        (
            vec![("status", "promoted")],
            "status",
            "Select the supplier's status on this lot",
        ),
        (
            vec![("supplier_name", "")],
            "supplier_name",
            "Enter the supplier's name",
        ),
    ] {
        assert_refused(
            &world,
            &place_path,
            admin,
            &with(&good_place, &changes),
            field,
            message,
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supplier_offer_and_colleague_forms_refuse_bad_input() {
    let world = World::build().await;
    let no_role = Some(&world.no_role);
    let good = owned(supplier_form("Brand New Ltd", "09999999"));
    let long_name = "n".repeat(301);
    for (changes, field, message) in [
        (
            vec![("companies_house_number", "ABC12345X")],
            "companies_house_number",
            "Enter a Companies House number in the correct format, like 01234567 or SC123456",
        ),
        (
            vec![("companies_house_number", "01234567")],
            "companies_house_number",
            "Acme Digital Ltd is already listed with this Companies House number: open its page under Suppliers and ask for access",
        ),
        (
            vec![("vat_number", "GB12")],
            "vat_number",
            "Enter a VAT number in the correct format, like GB123456789",
        ),
        (
            vec![("name", long_name.as_str())],
            "name",
            "The organisation's name must be 300 characters or fewer",
        ),
        (
            vec![("region", "Atlantis")],
            "region",
            "Select a region from the list",
        ),
        (
            vec![("website", "www.example.com")],
            "website",
            "Enter the website address starting with https://, like https://www.example.gov.uk",
        ),
    ] {
        assert_refused(
            &world,
            "/suppliers/new",
            no_role,
            &with(&good, &changes),
            field,
            message,
        )
        .await;
    }

    let editor = Some(&world.editor);
    let offer_path = format!("/suppliers/{}/offers/new", world.supplier);
    let good_offer = offer_form("New offer", &world.lot.to_string());
    let long_summary = "s".repeat(1001);
    let unknown_lot = uuid::Uuid::new_v4().to_string();
    for (changes, field, message) in [
        (vec![("price", "-5")], "price", "Price must be £0 or more"),
        (vec![("price", "")], "price", "Enter the price"),
        (
            vec![("cpv_codes", "12345678")],
            "cpv_codes",
            "12345678 is not in the CPV 2008 code list",
        ),
        (
            vec![("lots", unknown_lot.as_str())],
            "lots",
            "Select only lots your organisation holds an active place on",
        ),
        (
            vec![("summary", long_summary.as_str())],
            "summary",
            "A summary must be 1000 characters or fewer",
        ),
        (
            vec![("status", "")],
            "status",
            "Select whether to publish the offer",
        ),
    ] {
        assert_refused(
            &world,
            &offer_path,
            editor,
            &with(&good_offer, &changes),
            field,
            message,
        )
        .await;
    }
    // The other supplier holds no place on the lot, so cannot name it.
    let other_path = format!("/suppliers/{}/offers/new", world.other_supplier);
    assert_refused(
        &world,
        &other_path,
        Some(&world.other_editor),
        &good_offer,
        "lots",
        "Select only lots your organisation holds an active place on",
    )
    .await;

    let colleague_path = format!("/suppliers/{}/colleagues/new", world.supplier);
    for (email, message) in [(
        "not an email",
        "Enter an email address in the correct format, like name@example.gov.uk",
    )] {
        assert_refused(
            &world,
            &colleague_path,
            editor,
            &owned(vec![("email", email)]),
            "email",
            message,
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_and_account_forms_refuse_bad_input() {
    let world = World::build().await;
    let buyer = Some(&world.buyer);
    let path = format!("/councils/{MANCHESTER}/contracts/new");
    let good = owned(contract_form("New contract", "Acme Digital Ltd"));
    let long_title = "t".repeat(501);
    for (changes, field, message) in [
        (
            vec![("value", "-100")],
            "value",
            "Contract value must be £0 or more",
        ),
        (vec![("value", "")], "value", "Enter the contract value"),
        (
            vec![("end_date-day", "32")],
            "end_date",
            "The end date must be a real date",
        ),
        (
            vec![("end_date-year", "2025")],
            "end_date",
            "The end date must be on or after the start date",
        ),
        (
            vec![("suppliers", "Other Systems Ltd")],
            "suppliers",
            "Other Systems Ltd does not hold an active place on lot 1 of GM-DTS-01",
        ),
        (
            vec![("framework_reference", "RM0000")],
            "framework_reference",
            "There is no framework with the reference RM0000 in the catalogue",
        ),
        (
            vec![("lot_number", "9")],
            "lot_number",
            "Framework GM-DTS-01 has no lot 9",
        ),
        (
            vec![("cpv_codes", "00000000")],
            "cpv_codes",
            "00000000 is not in the CPV 2008 code list",
        ),
        (
            vec![("title", long_title.as_str())],
            "title",
            "The contract title must be 500 characters or fewer",
        ),
    ] {
        assert_refused(&world, &path, buyer, &with(&good, &changes), field, message).await;
    }
    // Leeds is not in Greater Manchester, so cannot call off this framework.
    let leeds = "/councils/E08000035/contracts/new";
    assert_refused(
        &world,
        leeds,
        Some(&world.other_buyer),
        &good,
        "framework_reference",
        "Leeds cannot use framework GM-DTS-01: check who may use it on the framework's page",
    )
    .await;

    let sign_up = owned(vec![
        ("display_name", "Sam Person"),
        ("email", "sam@example.gov.uk"),
        ("password", "river teacup lantern"),
    ]);
    for (changes, field, message) in [
        (
            vec![("password", "short")],
            "password",
            "Password must be 10 characters or more",
        ),
        (
            vec![("password", "manchester123")],
            "password",
            "Password is too easy to guess: try three random words",
        ),
        (
            vec![("email", "sam at example")],
            "email",
            "Enter an email address in the correct format, like name@example.gov.uk",
        ),
        (
            vec![("display_name", "")],
            "display_name",
            "Enter your full name",
        ),
    ] {
        assert_refused(
            &world,
            "/sign-up",
            None,
            &with(&sign_up, &changes),
            field,
            message,
        )
        .await;
    }
    // The password typed is never sent back.
    let response = world
        .app
        .post_form(
            "/sign-up",
            None,
            &pairs(&with(
                &sign_up,
                &[("email", "bad"), ("password", "copper kettle meadow")],
            )),
        )
        .await;
    response.assert_lacks("copper kettle meadow");
    response.assert_contains("value=\"Sam Person\"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_a_lot_refuses_bad_input() {
    let world = World::build().await;
    let response = world
        .app
        .post_form(
            &format!("/frameworks/{}/lots/new", world.framework),
            Some(&world.coordinator),
            &[("number", "2"), ("title", "Hosting")],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let path = format!("/lots/{}/edit", world.lot);
    let good = owned(vec![
        ("number", "1"),
        ("title", "Software as a service"),
        ("cpv_codes", "72000000"),
    ]);
    let long_title = "x".repeat(401);
    for (changes, field, message) in [
        (
            vec![("number", "2")],
            "number",
            "This framework already has a lot with this number",
        ),
        (vec![("number", "")], "number", "Enter the lot number"),
        (
            vec![("title", long_title.as_str())],
            "title",
            "The lot title must be 400 characters or fewer",
        ),
        (
            vec![("cpv_codes", "72000000, 99999999")],
            "cpv_codes",
            "99999999 is not in the CPV 2008 code list",
        ),
    ] {
        assert_refused(
            &world,
            &path,
            Some(&world.coordinator),
            &with(&good, &changes),
            field,
            message,
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_curators_saving_the_same_reference_at_once_get_one_framework_and_a_field_error() {
    let world = World::build().await;
    let body = world.gmca_body.to_string();
    let form = framework_form("GM-RACE-01", &body);
    // Both submissions pass every check before either writes; the database's
    // unique key decides, and the loser is told why, never given a 500.
    let (first, second) = tokio::join!(
        world
            .app
            .post_form("/frameworks/new", Some(&world.coordinator), &form),
        world
            .app
            .post_form("/frameworks/new", Some(&world.admin), &form),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [303, 422], "on {}", backend_name());
    let refused = if first.status == 422 { &first } else { &second };
    refused.assert_contains("A framework with this reference already exists");
    refused.assert_contains("href=\"#reference\"");
    use app::server::entities::framework;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let saved = framework::Entity::find()
        .filter(framework::Column::Reference.eq("GM-RACE-01"))
        .count(&world.app.db)
        .await
        .expect("count");
    assert_eq!(saved, 1);
}
