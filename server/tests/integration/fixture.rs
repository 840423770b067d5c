//! A small curated world for the account, permission and validation tests:
//! one actor per role (and cross-scope variants), a framework owned by the
//! Greater Manchester Combined Authority with one lot, two registered and
//! verified suppliers with an editor each (one on the lot, picked by id), an
//! offer and a call-off contract for Manchester (its supplier typed by name).
//! Built through the real form endpoints, as an admin would.
use app::server::services::seed::reference::{footprint_id, organisation_id};
use app::types::Role;
use uuid::Uuid;

use crate::harness::{Actor, TestApp, TestResponse};

pub const MANCHESTER: &str = "E08000003";
pub const LEEDS: &str = "E08000035";
pub const GMCA: &str = "E47000001";
pub const WEST_YORKSHIRE: &str = "E47000003";

pub struct World {
    pub app: TestApp,
    pub admin: Actor,
    pub coordinator: Actor,
    pub other_coordinator: Actor,
    pub buyer: Actor,
    pub other_buyer: Actor,
    pub editor: Actor,
    pub other_editor: Actor,
    pub no_role: Actor,
    /// Someone with an account but no role, to be added as a colleague.
    pub colleague: Actor,
    /// The GMCA's own organisation id (the body owning its frameworks).
    pub gmca_body: Uuid,
    pub framework: Uuid,
    pub lot: Uuid,
    pub supplier: Uuid,
    pub other_supplier: Uuid,
    pub offer: Uuid,
    pub contract: Uuid,
}

/// The id at the end of a 303's Location, e.g. `/frameworks/{id}`.
#[track_caller]
pub fn created_id(response: &TestResponse, prefix: &str) -> Uuid {
    assert_eq!(
        response.status, 303,
        "expected a redirect:\n{}",
        response.body
    );
    let location = response.header("location").expect("location");
    let id = location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location} does not start with {prefix}"));
    Uuid::parse_str(id).expect("uuid in location")
}

pub fn framework_form<'a>(reference: &'a str, owner: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("reference", reference),
        ("title", "Digital and technology services"),
        ("owner_name", "Greater Manchester Combined Authority"),
        ("owner_organisation_id", owner),
        (
            "description",
            "Software, hosting and support for councils in Greater Manchester.",
        ),
        ("start_date-day", "1"),
        ("start_date-month", "4"),
        ("start_date-year", "2026"),
        ("end_date-day", "31"),
        ("end_date-month", "3"),
        ("end_date-year", "2030"),
        ("max_extension_end-day", "31"),
        ("max_extension_end-month", "3"),
        ("max_extension_end-year", "2032"),
        ("routes_to_market", "direct_award"),
        ("routes_to_market", "further_competition"),
        ("levy", "0.5"),
        ("eligibility_scope", "listed"),
        ("eligible_footprints", GMCA),
        ("url", "https://www.greatermanchester-ca.gov.uk/"),
    ]
}

pub fn supplier_form<'a>(name: &'a str, number: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("companies_house_number", number),
        ("vat_number", "GB123456789"),
        ("flags", "sme"),
        ("region", "North West"),
        ("website", "https://www.example.co.uk"),
        ("description", "Digital services for local government."),
    ]
}

pub fn offer_form(title: &str, lot: &str) -> Vec<(String, String)> {
    [
        ("title", title),
        (
            "summary",
            "Case management for housing repairs, hosted in the UK.",
        ),
        ("description", "A configurable case management service."),
        ("features", "Online repair reporting\nScheduling"),
        ("benefits", "Fewer missed appointments"),
        ("pricing_model", "per_user_per_month"),
        ("price", "12.50"),
        ("price_unit", "excluding VAT"),
        ("cpv_codes", "72000000, 48000000-8"),
        ("lots", lot),
        ("accessibility_notes", "WCAG 2.2 AA, audited in 2026."),
        ("open_standards_notes", "Open API; data export as CSV."),
        ("status", "published"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

pub fn contract_form<'a>(title: &'a str, supplier: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("description", "Call-off for a housing repairs service."),
        ("suppliers", supplier),
        ("cpv_codes", "72000000"),
        ("value", "250,000"),
        ("start_date-day", "1"),
        ("start_date-month", "6"),
        ("start_date-year", "2026"),
        ("end_date-day", "31"),
        ("end_date-month", "5"),
        ("end_date-year", "2028"),
        ("framework_reference", "GM-DTS-01"),
        ("lot_number", "1"),
    ]
}

pub fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

impl World {
    pub fn admin_session(&self) -> String {
        self.admin.session().to_owned()
    }

    pub async fn build() -> Self {
        let app = TestApp::new().await;
        let admin = app.actor("admin", Some((Role::PlatformAdmin, None))).await;
        let coordinator = app
            .actor(
                "coordinator",
                Some((Role::FootprintCoordinator, Some(footprint_id(GMCA)))),
            )
            .await;
        let other_coordinator = app
            .actor(
                "other-coordinator",
                Some((
                    Role::FootprintCoordinator,
                    Some(footprint_id(WEST_YORKSHIRE)),
                )),
            )
            .await;
        let buyer = app
            .actor(
                "buyer",
                Some((Role::CouncilBuyer, Some(organisation_id(MANCHESTER)))),
            )
            .await;
        let other_buyer = app
            .actor(
                "other-buyer",
                Some((Role::CouncilBuyer, Some(organisation_id(LEEDS)))),
            )
            .await;
        let editor = app.actor("editor", None).await;
        let other_editor = app.actor("other-editor", None).await;
        let no_role = app.actor("no-role", None).await;
        let colleague = app.actor("colleague", None).await;

        let gmca_body = {
            use app::server::entities::footprint;
            use sea_orm::EntityTrait;
            footprint::Entity::find_by_id(footprint_id(GMCA))
                .one(&app.db)
                .await
                .expect("query")
                .expect("GMCA footprint")
                .organisation_id
                .expect("GMCA body")
        };
        let body = gmca_body.to_string();
        let framework = created_id(
            &app.post_form(
                "/frameworks/new",
                Some(&admin),
                &framework_form("GM-DTS-01", &body),
            )
            .await,
            "/frameworks/",
        );
        let response = app
            .post_form(
                &format!("/frameworks/{framework}/lots/new"),
                Some(&admin),
                &[
                    ("number", "1"),
                    ("title", "Software as a service"),
                    ("cpv_codes", "72000000"),
                ],
            )
            .await;
        assert_eq!(response.status, 303, "{}", response.body);
        let lot = {
            use app::server::entities::lot;
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            lot::Entity::find()
                .filter(lot::Column::FrameworkId.eq(framework))
                .one(&app.db)
                .await
                .expect("query")
                .expect("lot")
                .id
        };
        let supplier = created_id(
            &app.post_form(
                "/suppliers/new",
                Some(&editor),
                &supplier_form("Acme Digital Ltd", "01234567"),
            )
            .await,
            "/suppliers/",
        );
        let other_supplier = created_id(
            &app.post_form(
                "/suppliers/new",
                Some(&other_editor),
                &supplier_form("Other Systems Ltd", "07654321"),
            )
            .await,
            "/suppliers/",
        );
        // Self-registered records are claims until an admin verifies them.
        for id in [supplier, other_supplier] {
            let response = app
                .post_form(&format!("/suppliers/{id}/verify"), Some(&admin), &[])
                .await;
            assert_eq!(response.status, 303, "{}", response.body);
        }
        let response = app
            .post_form(
                &format!("/lots/{lot}/suppliers/new"),
                Some(&admin),
                &[("supplier_id", &supplier.to_string()), ("status", "active")],
            )
            .await;
        assert_eq!(response.status, 303, "{}", response.body);
        let offer = created_id(
            &app.post_form(
                &format!("/suppliers/{supplier}/offers/new"),
                Some(&editor),
                &pairs(&offer_form(
                    "Housing repairs case management",
                    &lot.to_string(),
                )),
            )
            .await,
            "/offers/",
        );
        let contract = created_id(
            &app.post_form(
                &format!("/councils/{MANCHESTER}/contracts/new"),
                Some(&buyer),
                &contract_form("Housing repairs case management", "Acme Digital Ltd"),
            )
            .await,
            "/contracts/",
        );
        Self {
            app,
            admin,
            coordinator,
            other_coordinator,
            buyer,
            other_buyer,
            editor,
            other_editor,
            no_role,
            colleague,
            gmca_body,
            framework,
            lot,
            supplier,
            other_supplier,
            offer,
            contract,
        }
    }
}

impl World {
    /// Posts a contract form for Manchester as its buyer.
    pub async fn post_contract(&self, form: &[(&str, &str)]) -> TestResponse {
        self.app
            .post_form(
                &format!("/councils/{MANCHESTER}/contracts/new"),
                Some(&self.buyer),
                form,
            )
            .await
    }

    /// Renames the fixture's framework through its edit form, as the admin.
    pub async fn rename_framework(&self, title: &str) {
        let owner = self.gmca_body.to_string();
        let mut form = framework_form("GM-DTS-01", &owner);
        for field in form.iter_mut() {
            if field.0 == "title" {
                field.1 = title;
            }
        }
        let response = self
            .app
            .post_form(
                &format!("/frameworks/{}/edit", self.framework),
                Some(&self.admin),
                &form,
            )
            .await;
        assert_eq!(response.status, 303, "{}", response.body);
    }
}
