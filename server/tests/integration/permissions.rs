//! The permission matrix: every form endpoint that changes data × every kind
//! of visitor (anonymous, no role, each role in and out of its scope).
//! Allowed cells must succeed (303); forbidden cells must answer 401
//! (anonymous) or 403 and leave every table exactly as it was.
use std::collections::BTreeSet;

use crate::fixture::{
    MANCHESTER, World, contract_form, framework_form, offer_form, pairs, supplier_form,
};
use crate::harness::{Actor, backend_name};

/// Builds a valid form for cell `n` of the matrix.
type FormFor = Box<dyn Fn(usize, &World) -> Vec<(String, String)>>;

/// One endpoint: its pattern (as listed by the server), the concrete path,
/// the actors allowed, and a valid form for cell `n`.
struct Endpoint {
    pattern: &'static str,
    path: String,
    allowed: &'static [&'static str],
    form: FormFor,
}

fn owned(fields: Vec<(&str, &str)>) -> Vec<(String, String)> {
    fields
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

const EVERYONE: &[&str] = &[
    "anonymous",
    "no-role",
    "buyer",
    "other-buyer",
    "coordinator",
    "other-coordinator",
    "editor",
    "other-editor",
    "admin",
];
const SIGNED_IN: &[&str] = &[
    "no-role",
    "buyer",
    "other-buyer",
    "coordinator",
    "other-coordinator",
    "editor",
    "other-editor",
    "admin",
];
const CURATORS: &[&str] = &["coordinator", "admin"];
const SUPPLIER_EDITORS: &[&str] = &["editor", "admin"];
const COUNCIL_BUYERS: &[&str] = &["buyer", "admin"];
const PASSWORD: &str = "river teacup lantern";

fn endpoints(world: &World) -> Vec<Endpoint> {
    let (f, l, s, o, c) = (
        world.framework,
        world.lot,
        world.supplier,
        world.offer,
        world.contract,
    );
    vec![
        Endpoint {
            pattern: "/sign-up",
            path: "/sign-up".into(),
            allowed: EVERYONE,
            form: Box::new(|n, _| {
                owned(vec![
                    ("display_name", "Matrix Person"),
                    ("password", PASSWORD),
                ])
                .into_iter()
                .chain([("email".to_owned(), format!("matrix{n}@example.gov.uk"))])
                .collect()
            }),
        },
        Endpoint {
            pattern: "/sign-in",
            path: "/sign-in".into(),
            allowed: EVERYONE,
            // Signs in to the account the sign-up row made in the same column.
            form: Box::new(|n, _| {
                vec![
                    (
                        "email".to_owned(),
                        format!("matrix{}@example.gov.uk", n - EVERYONE.len()),
                    ),
                    ("password".to_owned(), PASSWORD.to_owned()),
                ]
            }),
        },
        Endpoint {
            pattern: "/frameworks/new",
            path: "/frameworks/new".into(),
            allowed: CURATORS,
            form: Box::new(|n, w| {
                let reference = format!("GM-M-{n}");
                let body = w.gmca_body.to_string();
                owned(framework_form(&reference, &body))
            }),
        },
        Endpoint {
            pattern: "/frameworks/{id}/edit",
            path: format!("/frameworks/{f}/edit"),
            allowed: CURATORS,
            form: Box::new(|_, w| owned(framework_form("GM-DTS-01", &w.gmca_body.to_string()))),
        },
        Endpoint {
            pattern: "/frameworks/{id}/lots/new",
            path: format!("/frameworks/{f}/lots/new"),
            allowed: CURATORS,
            form: Box::new(|n, _| {
                vec![
                    ("number".to_owned(), format!("{}", n + 10)),
                    ("title".to_owned(), "Matrix lot".to_owned()),
                    ("cpv_codes".to_owned(), "72000000".to_owned()),
                ]
            }),
        },
        Endpoint {
            pattern: "/lots/{id}/suppliers/new",
            path: format!("/lots/{l}/suppliers/new"),
            allowed: CURATORS,
            form: Box::new(|n, _| {
                vec![
                    (
                        "supplier_name".to_owned(),
                        format!("Matrix Supplier {n} Ltd"),
                    ),
                    ("status".to_owned(), "active".to_owned()),
                ]
            }),
        },
        Endpoint {
            pattern: "/suppliers/new",
            path: "/suppliers/new".into(),
            allowed: SIGNED_IN,
            form: Box::new(|n, _| {
                let name = format!("Matrix Org {n} Ltd");
                let number = format!("{:08}", 500 + n);
                owned(supplier_form(&name, &number))
            }),
        },
        Endpoint {
            pattern: "/suppliers/{id}/edit",
            path: format!("/suppliers/{s}/edit"),
            allowed: SUPPLIER_EDITORS,
            form: Box::new(|_, _| owned(supplier_form("Acme Digital Ltd", "01234567"))),
        },
        Endpoint {
            pattern: "/suppliers/{id}/colleagues/new",
            path: format!("/suppliers/{s}/colleagues/new"),
            allowed: SUPPLIER_EDITORS,
            form: Box::new(|_, w| vec![("email".to_owned(), w.colleague.email.clone())]),
        },
        Endpoint {
            pattern: "/suppliers/{id}/offers/new",
            path: format!("/suppliers/{s}/offers/new"),
            allowed: SUPPLIER_EDITORS,
            form: Box::new(move |n, _| offer_form(&format!("Matrix offer {n}"), &l.to_string())),
        },
        Endpoint {
            pattern: "/offers/{id}/edit",
            path: format!("/offers/{o}/edit"),
            allowed: SUPPLIER_EDITORS,
            form: Box::new(move |n, _| offer_form(&format!("Housing repairs {n}"), &l.to_string())),
        },
        Endpoint {
            pattern: "/councils/{gss}/contracts/new",
            path: format!("/councils/{MANCHESTER}/contracts/new"),
            allowed: COUNCIL_BUYERS,
            form: Box::new(|n, _| {
                let title = format!("Matrix contract {n}");
                owned(contract_form(&title, "Acme Digital Ltd"))
            }),
        },
        Endpoint {
            pattern: "/contracts/{id}/edit",
            path: format!("/contracts/{c}/edit"),
            allowed: COUNCIL_BUYERS,
            form: Box::new(|n, _| {
                let title = format!("Housing repairs, changed {n}");
                owned(contract_form(&title, "Acme Digital Ltd"))
            }),
        },
        // Last: it ends each actor's session.
        Endpoint {
            pattern: "/sign-out",
            path: "/sign-out".into(),
            allowed: EVERYONE,
            form: Box::new(|_, _| Vec::new()),
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mutating_endpoint_checks_every_role_on_the_server() {
    let world = World::build().await;
    let actors: Vec<Option<&Actor>> = vec![
        None,
        Some(&world.no_role),
        Some(&world.buyer),
        Some(&world.other_buyer),
        Some(&world.coordinator),
        Some(&world.other_coordinator),
        Some(&world.editor),
        Some(&world.other_editor),
        Some(&world.admin),
    ];
    let endpoints = endpoints(&world);

    // The matrix must cover every endpoint the server has, and nothing else.
    let listed: BTreeSet<&str> = server::forms::MUTATING_ENDPOINTS.iter().copied().collect();
    let covered: BTreeSet<&str> = endpoints.iter().map(|e| e.pattern).collect();
    assert_eq!(
        listed, covered,
        "the permission matrix must cover every form endpoint"
    );

    let mut cell = 0;
    let (mut allowed_cells, mut forbidden_cells) = (0, 0);
    for endpoint in &endpoints {
        for actor in &actors {
            let label = actor.map_or("anonymous", |a| a.label);
            let fields = (endpoint.form)(cell, &world);
            cell += 1;
            let before = world.app.snapshot().await;
            let response = world
                .app
                .post_form(&endpoint.path, *actor, &pairs(&fields))
                .await;
            let context = format!("{} as {label} on {}", endpoint.pattern, backend_name());
            if endpoint.allowed.contains(&label) {
                allowed_cells += 1;
                assert_eq!(
                    response.status, 303,
                    "{context} should succeed:\n{}",
                    response.body
                );
            } else {
                forbidden_cells += 1;
                let expected = if actor.is_none() { 401 } else { 403 };
                assert_eq!(
                    response.status, expected,
                    "{context} should be refused:\n{}",
                    response.body
                );
                assert_eq!(
                    world.app.snapshot().await,
                    before,
                    "{context} was refused but changed the database"
                );
            }
        }
    }
    println!(
        "permission matrix on {}: {} endpoints x {} visitors = {} cells ({allowed_cells} allowed, {forbidden_cells} forbidden)",
        backend_name(),
        endpoints.len(),
        actors.len(),
        endpoints.len() * actors.len()
    );
}
