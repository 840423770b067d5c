//! The permission matrix: every form endpoint that changes data × every kind
//! of visitor (anonymous, no role, each role in and out of its scope).
//! Allowed cells must succeed (303); forbidden cells must answer 401
//! (anonymous) or 403 and leave every table exactly as it was. A tenth
//! visitor posts every form with a wrong anti-forgery token: 403, nothing
//! written.
use std::collections::BTreeSet;

use uuid::Uuid;

use crate::fixture::{
    GMCA, LEEDS, MANCHESTER, World, contract_form, framework_form, offer_form, pairs, supplier_form,
};
use crate::harness::{ACTOR_PASSWORD, Actor, backend_name};

/// Builds a valid form for cell `n` of the matrix.
type FormFor = Box<dyn Fn(usize, &World) -> Vec<(String, String)>>;
type PathFor = Box<dyn Fn(&str) -> String>;

/// The same path for every actor.
fn fixed(path: impl Into<String>) -> PathFor {
    let path = path.into();
    Box::new(move |_| path.clone())
}

/// One endpoint: its pattern (as listed by the server), the concrete path,
/// the actors allowed, and a valid form for cell `n`.
pub(crate) struct Endpoint {
    pub pattern: &'static str,
    /// Posted from a browser with no session (signing in from a signed-in
    /// browser ends that session, which later rows still need).
    pub fresh_browser: bool,
    /// Posted from another session of the actor's, started for the cell
    /// (for a row that ends sessions, after the actor's main one has gone).
    pub fresh_session: bool,
    /// Whether the audit entry names the poster. Not for the links from
    /// email and sign-up, which act for the account the address belongs to.
    pub audit_names_poster: bool,
    /// The path each actor (by label) posts to; most endpoints use one.
    pub path: PathFor,
    pub allowed: &'static [&'static str],
    pub form: FormFor,
}

/// A one-row register confirmed for import (row `n`, so every cell adds one).
pub(crate) fn register_form(n: usize) -> Vec<(String, String)> {
    owned(vec![
        ("file_name", "register.csv"),
        (
            "register_csv",
            &format!("Reference,Title of agreement\nM-{n},Matrix register contract {n}\n"),
        ),
    ])
}

fn owned(fields: Vec<(&str, &str)>) -> Vec<(String, String)> {
    fields
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

pub(crate) const EVERYONE: &[&str] = &[
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
const ADMINS: &[&str] = &["admin"];
const PASSWORD: &str = "river teacup lantern";

/// Records the removal rows use up: each allowed actor removes its own.
pub(crate) struct Removable {
    /// A role the colleague holds (the admin removes it).
    membership: Uuid,
    /// Lots with no call-offs: (the coordinator's, the admin's).
    pub lots: (Uuid, Uuid),
    /// Extra editors of the supplier: (the editor removes one, the admin the other).
    editors: (Uuid, Uuid),
    /// Someone with an account and no role, for the admin to add as a colleague.
    second_colleague: String,
    /// A listed record nobody edits, which anyone signed in may ask to edit.
    pub listed: Uuid,
    /// Pending requests to edit the fixture's supplier: (the editor decides
    /// one, the admin the other).
    requests: (Uuid, Uuid),
    /// A self-registered claim for the admin to verify and hand over.
    pub claim: Uuid,
    /// A duplicate record for the admin to merge into the fixture's supplier.
    pub duplicate: Uuid,
    /// Per column: the link emailed to an unconfirmed account (`confirmee_email`).
    confirmations: Vec<String>,
    /// Per column: a password-reset link for an account of its own (`resetter_email`).
    resets: Vec<String>,
    /// Per signed-in actor (by label): an invitation to edit the listed record.
    invitations: Vec<(&'static str, String)>,
    /// Shortlists of the buyer's council: (the buyer removes the first; the
    /// refused try the second, which is therefore still there).
    shortlists: (Uuid, Uuid),
    /// A buying intent of the buyer's council (Manchester, in GMCA).
    intent: Uuid,
    /// Per signed-in actor (by label): a follow of its own to stop.
    follows: Vec<(&'static str, Uuid)>,
    /// Per column: the unsubscribe key of a follow (of an account of its own).
    unsubscribe_keys: Vec<Uuid>,
}

/// A buying intent's registration, saved (not only checked).
pub(crate) fn intent_form(title: &str) -> Vec<(String, String)> {
    crate::intents::need(&[("action", "register")])
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_owned(),
                if k == "title" { title } else { v }.to_owned(),
            )
        })
        .collect()
}

/// The unconfirmed account of matrix column `n` (the sign-in row uses it
/// once the confirmation row has confirmed it).
fn confirmee_email(n: usize) -> String {
    format!("confirmee{n}@example.gov.uk")
}

/// The account whose password matrix column `n` resets.
fn resetter_email(n: usize) -> String {
    format!("resetter{n}@example.gov.uk")
}

/// Per actor: the allowed actors' own records, and `other` for everyone else.
fn per_actor(
    path: impl Fn(Uuid) -> String + 'static,
    first: (&'static str, Uuid),
    second: (&'static str, Uuid),
    other: Uuid,
) -> PathFor {
    Box::new(move |label| {
        let id = if label == first.0 {
            first.1
        } else if label == second.0 {
            second.1
        } else {
            other
        };
        path(id)
    })
}

pub(crate) fn endpoints(world: &World, removable: &Removable) -> Vec<Endpoint> {
    let membership = removable.membership;
    let second_colleague = removable.second_colleague.clone();
    let confirmations = removable.confirmations.clone();
    let resets = removable.resets.clone();
    let invitations = removable.invitations.clone();
    let intent = removable.intent;
    let follows = removable.follows.clone();
    let unsubscribe_keys = removable.unsubscribe_keys.clone();
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
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: false,
            path: fixed("/sign-up"),
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
            pattern: "/confirm-email",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: false,
            path: fixed("/confirm-email"),
            allowed: EVERYONE,
            // The link emailed to the account of this column.
            form: Box::new(move |n, _| {
                vec![(
                    "token".to_owned(),
                    confirmations[n % EVERYONE.len()].clone(),
                )]
            }),
        },
        Endpoint {
            pattern: "/forgot-password",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed("/forgot-password"),
            allowed: EVERYONE,
            form: Box::new(move |n, _| {
                // Not the resetters: a new request would void their links.
                vec![("email".to_owned(), confirmee_email(n % EVERYONE.len()))]
            }),
        },
        Endpoint {
            pattern: "/reset-password",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: false,
            path: fixed("/reset-password"),
            allowed: EVERYONE,
            form: Box::new(move |n, _| {
                vec![
                    ("token".to_owned(), resets[n % EVERYONE.len()].clone()),
                    (
                        "new_password".to_owned(),
                        format!("harbour kettle meadow {n}"),
                    ),
                ]
            }),
        },
        Endpoint {
            pattern: "/frameworks/new",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed("/frameworks/new"),
            allowed: CURATORS,
            form: Box::new(|n, w| {
                let reference = format!("GM-M-{n}");
                let body = w.gmca_body.to_string();
                owned(framework_form(&reference, &body))
            }),
        },
        Endpoint {
            pattern: "/frameworks/{id}/edit",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/frameworks/{f}/edit")),
            allowed: CURATORS,
            form: Box::new(|_, w| owned(framework_form("GM-DTS-01", &w.gmca_body.to_string()))),
        },
        Endpoint {
            pattern: "/frameworks/{id}/lots/new",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/frameworks/{f}/lots/new")),
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
            pattern: "/lots/{id}/edit",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/lots/{l}/edit")),
            allowed: CURATORS,
            form: Box::new(|n, _| {
                vec![
                    ("number".to_owned(), "1".to_owned()),
                    ("title".to_owned(), format!("Software as a service {n}")),
                    ("cpv_codes".to_owned(), "72000000".to_owned()),
                ]
            }),
        },
        Endpoint {
            pattern: "/lots/{id}/remove",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            // Anyone refused is refused on the fixture's lot.
            path: per_actor(
                |lot| format!("/lots/{lot}/remove"),
                ("coordinator", removable.lots.0),
                ("admin", removable.lots.1),
                l,
            ),
            allowed: CURATORS,
            form: Box::new(|_, _| Vec::new()),
        },
        Endpoint {
            pattern: "/lots/{id}/suppliers/new",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/lots/{l}/suppliers/new")),
            allowed: CURATORS,
            form: Box::new(|n, _| {
                vec![
                    ("supplier_id".to_owned(), "new".to_owned()),
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
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed("/suppliers/new"),
            allowed: SIGNED_IN,
            form: Box::new(|n, _| {
                let name = format!("Matrix Org {n} Ltd");
                let number = format!("{:08}", 500 + n);
                owned(supplier_form(&name, &number))
            }),
        },
        Endpoint {
            pattern: "/suppliers/{id}/edit",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/suppliers/{s}/edit")),
            allowed: SUPPLIER_EDITORS,
            form: Box::new(|_, _| owned(supplier_form("Acme Digital Ltd", "01234567"))),
        },
        Endpoint {
            pattern: "/suppliers/{id}/colleagues/new",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/suppliers/{s}/colleagues/new")),
            allowed: SUPPLIER_EDITORS,
            // The editor adds the colleague; the admin (the last column) adds
            // someone else, as adding the same person twice changes nothing.
            form: Box::new(move |n, w| {
                let admin_column = n % EVERYONE.len() == EVERYONE.len() - 1;
                let email = if admin_column {
                    second_colleague.clone()
                } else {
                    w.colleague.email.clone()
                };
                vec![("email".to_owned(), email)]
            }),
        },
        Endpoint {
            pattern: "/suppliers/{id}/colleagues/{user}/remove",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: per_actor(
                move |user| format!("/suppliers/{s}/colleagues/{user}/remove"),
                ("editor", removable.editors.0),
                ("admin", removable.editors.1),
                removable.editors.0,
            ),
            allowed: SUPPLIER_EDITORS,
            form: Box::new(|_, _| Vec::new()),
        },
        Endpoint {
            pattern: "/suppliers/{id}/access",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/suppliers/{}/access", removable.listed)),
            allowed: SIGNED_IN,
            form: Box::new(|_, _| owned(vec![("message", "Bid manager there")])),
        },
        Endpoint {
            pattern: "/suppliers/{id}/access/{request}",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: per_actor(
                move |request| format!("/suppliers/{s}/access/{request}"),
                ("editor", removable.requests.0),
                ("admin", removable.requests.1),
                removable.requests.0,
            ),
            allowed: SUPPLIER_EDITORS,
            form: Box::new(|_, _| owned(vec![("decision", "grant")])),
        },
        Endpoint {
            pattern: "/suppliers/{id}/verify",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/suppliers/{}/verify", removable.claim)),
            allowed: ADMINS,
            form: Box::new(|_, _| Vec::new()),
        },
        Endpoint {
            pattern: "/suppliers/{id}/merge",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/suppliers/{}/merge", removable.duplicate)),
            allowed: ADMINS,
            form: Box::new(move |_, _| vec![("supplier_id".to_owned(), s.to_string())]),
        },
        Endpoint {
            pattern: "/suppliers/{id}/transfer",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/suppliers/{}/transfer", removable.claim)),
            allowed: ADMINS,
            form: Box::new(|_, w| vec![("email".to_owned(), w.colleague.email.clone())]),
        },
        Endpoint {
            pattern: "/suppliers/{id}/offers/new",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/suppliers/{s}/offers/new")),
            allowed: SUPPLIER_EDITORS,
            form: Box::new(move |n, _| offer_form(&format!("Matrix offer {n}"), &l.to_string())),
        },
        Endpoint {
            pattern: "/offers/{id}/edit",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/offers/{o}/edit")),
            allowed: SUPPLIER_EDITORS,
            form: Box::new(move |n, _| offer_form(&format!("Housing repairs {n}"), &l.to_string())),
        },
        Endpoint {
            pattern: "/councils/{gss}/contracts/new",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/councils/{MANCHESTER}/contracts/new")),
            allowed: COUNCIL_BUYERS,
            form: Box::new(|n, _| {
                let title = format!("Matrix contract {n}");
                owned(contract_form(&title, "Acme Digital Ltd"))
            }),
        },
        Endpoint {
            pattern: "/councils/{gss}/intents/new",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/councils/{MANCHESTER}/intents/new")),
            allowed: COUNCIL_BUYERS,
            form: Box::new(|n, _| intent_form(&format!("Matrix need {n}"))),
        },
        Endpoint {
            pattern: "/intents/{id}/join",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/intents/{intent}/join")),
            // Each buyer joins for their own council (Manchester's buyer
            // changes its share); the admin may act for any council.
            allowed: &["buyer", "other-buyer", "admin"],
            form: Box::new(|n, _| {
                let council = if EVERYONE[n % EVERYONE.len()] == "other-buyer" {
                    LEEDS
                } else {
                    MANCHESTER
                };
                owned(vec![
                    ("council", council),
                    ("value", "50000"),
                    ("participant_status", "committed"),
                ])
            }),
        },
        Endpoint {
            pattern: "/intents/{id}/lead",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/intents/{intent}/lead")),
            // The owning council's buyers and its footprint's coordinator.
            allowed: &["buyer", "coordinator", "admin"],
            form: Box::new(|_, _| {
                let manchester =
                    app::server::services::seed::reference::organisation_id(MANCHESTER);
                vec![("lead".to_owned(), manchester.to_string())]
            }),
        },
        Endpoint {
            pattern: "/intents/{id}/status",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/intents/{intent}/status")),
            allowed: &["buyer", "coordinator", "admin"],
            // Each allowed column moves it one stage on, in column order.
            form: Box::new(|n, _| {
                let status = match EVERYONE[n % EVERYONE.len()] {
                    "buyer" => "committed",
                    "coordinator" => "in_procurement",
                    _ => "withdrawn",
                };
                vec![("status".to_owned(), status.to_owned())]
            }),
        },
        Endpoint {
            pattern: "/account/following",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed("/account/following"),
            // Anyone signed in follows for themselves.
            allowed: SIGNED_IN,
            form: Box::new(|_, _| owned(vec![("follow", &format!("footprint:{GMCA}"))])),
        },
        Endpoint {
            pattern: "/account/following/{id}/remove",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            // Each stops its own; the anonymous visitor tries the first one's.
            path: Box::new(move |label| {
                let own = follows
                    .iter()
                    .find(|(l, _)| *l == label)
                    .unwrap_or(&follows[0]);
                format!("/account/following/{}/remove", own.1)
            }),
            allowed: SIGNED_IN,
            form: Box::new(|_, _| Vec::new()),
        },
        Endpoint {
            // The link's key is the permission: no sign-in, and the change
            // is filed under the follow's owner.
            pattern: "/unsubscribe",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: false,
            path: fixed("/unsubscribe"),
            allowed: EVERYONE,
            form: Box::new(move |n, _| {
                vec![(
                    "key".to_owned(),
                    unsubscribe_keys[n % EVERYONE.len()].to_string(),
                )]
            }),
        },
        Endpoint {
            pattern: "/shortlists/new",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed("/shortlists/new?q=digital&kind=framework"),
            // Each buyer keeps it for their own council.
            allowed: &["buyer", "other-buyer"],
            form: Box::new(|n, _| owned(vec![("name", &format!("Matrix shortlist {n}"))])),
        },
        Endpoint {
            pattern: "/shortlists/{id}/remove",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: per_actor(
                |id| format!("/shortlists/{id}/remove"),
                ("buyer", removable.shortlists.0),
                ("buyer", removable.shortlists.0),
                removable.shortlists.1,
            ),
            allowed: &["buyer"],
            form: Box::new(|_, _| Vec::new()),
        },
        Endpoint {
            // The confirmation step (the preview writes nothing; its
            // permissions are checked in imports.rs).
            pattern: "/councils/{gss}/contracts/import",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/councils/{MANCHESTER}/contracts/import")),
            allowed: COUNCIL_BUYERS,
            form: Box::new(|n, _| register_form(n)),
        },
        Endpoint {
            pattern: "/contracts/{id}/edit",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/contracts/{c}/edit")),
            allowed: COUNCIL_BUYERS,
            form: Box::new(|n, _| {
                let title = format!("Housing repairs, changed {n}");
                owned(contract_form(&title, "Acme Digital Ltd"))
            }),
        },
        Endpoint {
            pattern: "/admin/users/{id}/roles/new",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!(
                "/admin/users/{}/roles/new",
                world.colleague.user_id
            )),
            allowed: ADMINS,
            form: Box::new(|_, _| owned(vec![("role", "council_buyer"), ("scope", MANCHESTER)])),
        },
        Endpoint {
            pattern: "/admin/users/{id}/roles/{membership}/remove",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!(
                "/admin/users/{}/roles/{membership}/remove",
                world.colleague.user_id
            )),
            allowed: ADMINS,
            form: Box::new(|_, _| Vec::new()),
        },
        Endpoint {
            pattern: "/admin/users/{id}/status",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed(format!("/admin/users/{}/status", world.colleague.user_id)),
            allowed: ADMINS,
            form: Box::new(|_, _| owned(vec![("disabled", "yes")])),
        },
        // After every supplier row: accepting makes the actor an editor.
        Endpoint {
            pattern: "/invitations",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed("/invitations"),
            allowed: SIGNED_IN,
            form: Box::new(move |n, _| {
                let label = EVERYONE[n % EVERYONE.len()];
                let token = invitations
                    .iter()
                    .find(|(l, _)| *l == label)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                vec![("token".to_owned(), token)]
            }),
        },
        // Near the end: signing in ends the session the actor's browser had.
        Endpoint {
            pattern: "/sign-in",
            fresh_browser: true,
            fresh_session: false,
            audit_names_poster: false,
            path: fixed("/sign-in"),
            allowed: EVERYONE,
            // Signs in to the account the confirmation row confirmed in the
            // same column.
            form: Box::new(move |n, _| {
                vec![
                    ("email".to_owned(), confirmee_email(n % EVERYONE.len())),
                    ("password".to_owned(), PASSWORD.to_owned()),
                ]
            }),
        },
        Endpoint {
            pattern: "/account/password",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed("/account/password"),
            allowed: SIGNED_IN,
            form: Box::new(|n, _| {
                vec![
                    ("current_password".to_owned(), ACTOR_PASSWORD.to_owned()),
                    (
                        "new_password".to_owned(),
                        format!("matrix new password {n}"),
                    ),
                ]
            }),
        },
        // It ends each actor's session.
        Endpoint {
            pattern: "/sign-out",
            fresh_browser: false,
            fresh_session: false,
            audit_names_poster: true,
            path: fixed("/sign-out"),
            allowed: EVERYONE,
            form: Box::new(|_, _| Vec::new()),
        },
        // Last: from a session of its own, as the main one has signed out.
        Endpoint {
            pattern: "/account/sign-out-everywhere",
            fresh_browser: false,
            fresh_session: true,
            audit_names_poster: true,
            path: fixed("/account/sign-out-everywhere"),
            allowed: SIGNED_IN,
            form: Box::new(|_, _| Vec::new()),
        },
    ]
}

/// Records for the removal rows, made before the matrix runs: a role for
/// the admin to remove, two lots with no call-offs, two extra editors.
pub(crate) async fn removable(world: &World) -> Removable {
    // A role for the admin rows to remove.
    world
        .app
        .grant(
            world.colleague.user_id,
            app::types::Role::FootprintCoordinator,
            Some(app::server::services::seed::reference::footprint_id(GMCA)),
        )
        .await;
    let membership = {
        use app::server::entities::membership;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        membership::Entity::find()
            .filter(membership::Column::UserId.eq(world.colleague.user_id))
            .one(&world.app.db)
            .await
            .expect("query")
            .expect("membership")
            .id
    };
    let mut lots = Vec::new();
    for number in ["R1", "R2"] {
        let response = world
            .app
            .post_form(
                &format!("/frameworks/{}/lots/new", world.framework),
                Some(&world.admin),
                &[("number", number), ("title", "A lot to remove")],
            )
            .await;
        assert_eq!(response.status, 303, "{}", response.body);
        use app::server::entities::lot;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        lots.push(
            lot::Entity::find()
                .filter(lot::Column::Number.eq(number))
                .one(&world.app.db)
                .await
                .expect("query")
                .expect("lot")
                .id,
        );
    }
    let supplier_editor = Some((app::types::Role::SupplierEditor, Some(world.supplier)));
    let first_editor = world.app.actor("extra-editor-1", supplier_editor).await;
    let second_editor = world.app.actor("extra-editor-2", supplier_editor).await;
    let second_colleague = world.app.actor("second-colleague", None).await.email;
    let listed = new_listed_supplier(world, "Listed Co Ltd").await;
    let duplicate = new_listed_supplier(world, "Acme Digital (Duplicate) Ltd").await;
    let mut requests = Vec::new();
    for label in ["requester-1", "requester-2"] {
        let requester = world.app.actor(label, None).await;
        let response = world
            .app
            .post_form(
                &format!("/suppliers/{}/access", world.supplier),
                Some(&requester),
                &[("message", "I run bids there")],
            )
            .await;
        assert_eq!(response.status, 303, "{}", response.body);
        use app::server::entities::supplier_access_request as request;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        requests.push(
            request::Entity::find()
                .filter(request::Column::UserId.eq(requester.user_id))
                .one(&world.app.db)
                .await
                .expect("query")
                .expect("request")
                .id,
        );
    }
    let claimant = world.app.actor("claimant", None).await;
    let claim = crate::fixture::created_id(
        &world
            .app
            .post_form(
                "/suppliers/new",
                Some(&claimant),
                &supplier_form("Claimed Co Ltd", "05555555"),
            )
            .await,
        "/suppliers/",
    );
    let mut confirmations = Vec::new();
    let mut resets = Vec::new();
    for n in 0..EVERYONE.len() {
        for email in [confirmee_email(n), resetter_email(n)] {
            let response = world
                .app
                .post_form(
                    "/sign-up",
                    None,
                    &[
                        ("display_name", "Matrix Person"),
                        ("email", &email),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            assert_eq!(response.status, 303, "{}", response.body);
        }
        confirmations.push(
            world
                .app
                .emailed_token(&confirmee_email(n), "/confirm-email")
                .await,
        );
        world.app.confirm_email(&resetter_email(n)).await;
        let response = world
            .app
            .post_form("/forgot-password", None, &[("email", &resetter_email(n))])
            .await;
        assert_eq!(response.status, 303, "{}", response.body);
        resets.push(
            world
                .app
                .emailed_token(&resetter_email(n), "/reset-password")
                .await,
        );
    }
    let mut invitations = Vec::new();
    for actor in signed_in(world) {
        invitations.push((actor.label, world.app.invitation(actor, listed).await));
    }
    let mut shortlists = Vec::new();
    for name in ["Removed by its buyer", "Kept from everyone else"] {
        let response = world
            .app
            .post_form(
                "/shortlists/new?q=digital",
                Some(&world.buyer),
                &[("name", name)],
            )
            .await;
        shortlists.push(crate::fixture::created_id(&response, "/shortlists/"));
    }
    let intent = crate::intents::registered_id(
        &world
            .app
            .post_form(
                &format!("/councils/{MANCHESTER}/intents/new"),
                Some(&world.buyer),
                &pairs(&intent_form("Winter gritting rock salt")),
            )
            .await,
    );
    let mut follows = Vec::new();
    for actor in signed_in(world) {
        follows.push((actor.label, follow(world, actor, "category:72").await));
    }
    // One follow per column, each of its own category, for the unsubscribe row.
    let follower = world.app.actor("follower", None).await;
    let mut unsubscribe_keys = Vec::new();
    for division in ["03", "09", "14", "15", "16", "18", "19", "22", "24"] {
        let id = follow(world, &follower, &format!("category:{division}")).await;
        use app::server::entities::demand_follow;
        use sea_orm::EntityTrait;
        unsubscribe_keys.push(
            demand_follow::Entity::find_by_id(id)
                .one(&world.app.db)
                .await
                .expect("query")
                .expect("follow")
                .unsubscribe_key,
        );
    }
    assert_eq!(unsubscribe_keys.len(), EVERYONE.len());
    Removable {
        follows,
        unsubscribe_keys,
        intent,
        shortlists: (shortlists[0], shortlists[1]),
        membership,
        lots: (lots[0], lots[1]),
        editors: (first_editor.user_id, second_editor.user_id),
        second_colleague,
        listed,
        requests: (requests[0], requests[1]),
        claim,
        duplicate,
        confirmations,
        resets,
        invitations,
    }
}

/// Every signed-in visitor of the matrix, in column order.
fn signed_in(world: &World) -> [&Actor; 8] {
    [
        &world.no_role,
        &world.buyer,
        &world.other_buyer,
        &world.coordinator,
        &world.other_coordinator,
        &world.editor,
        &world.other_editor,
        &world.admin,
    ]
}

/// `actor` follows `what` (`category:72`) through the form; the follow's id.
pub(crate) async fn follow(world: &World, actor: &Actor, what: &str) -> Uuid {
    let response = world
        .app
        .post_form("/account/following", Some(actor), &[("follow", what)])
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    use app::server::entities::demand_follow;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let (kind, code) = what.split_once(':').expect("kind:code");
    demand_follow::Entity::find()
        .filter(demand_follow::Column::UserId.eq(actor.user_id))
        .filter(demand_follow::Column::Kind.eq(kind))
        .all(&world.app.db)
        .await
        .expect("query")
        .into_iter()
        .find(|f| f.code.eq_ignore_ascii_case(code))
        .expect("follow")
        .id
}

/// A listed record (nobody edits it), made by the admin placing a new
/// supplier on the fixture's lot.
async fn new_listed_supplier(world: &World, name: &str) -> Uuid {
    let response = world
        .app
        .post_form(
            &format!("/lots/{}/suppliers/new", world.lot),
            Some(&world.admin),
            &[
                ("supplier_id", "new"),
                ("supplier_name", name),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    use app::server::entities::supplier;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    supplier::Entity::find()
        .filter(supplier::Column::Name.eq(name))
        .one(&world.app.db)
        .await
        .expect("query")
        .expect("listed supplier")
        .id
}

/// Who performs `endpoint` when one allowed visitor must: the admin where
/// the admin may, otherwise the first allowed actor (a council's own buyer
/// for its shortlists).
pub(crate) fn performer<'a>(world: &'a World, endpoint: &Endpoint) -> &'a Actor {
    if endpoint.allowed.contains(&"admin") {
        return &world.admin;
    }
    signed_in(world)
        .into_iter()
        .find(|a| endpoint.allowed.contains(&a.label))
        .unwrap_or(&world.admin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mutating_endpoint_checks_every_role_on_the_server() {
    let world = World::build().await;
    let actors: Vec<Option<&Actor>> = std::iter::once(None)
        .chain(signed_in(&world).map(Some))
        .collect();
    let removable = removable(&world).await;
    let endpoints = endpoints(&world, &removable);

    // The matrix must cover every endpoint the server has, and nothing else.
    let listed: BTreeSet<&str> = server::forms::paths().into_iter().collect();
    let covered: BTreeSet<&str> = endpoints.iter().map(|e| e.pattern).collect();
    assert_eq!(
        listed, covered,
        "the permission matrix must cover every form endpoint"
    );

    let mut cell = 0;
    let (mut allowed_cells, mut forbidden_cells) = (0, 0);
    for endpoint in &endpoints {
        // A tenth visitor: the most privileged one allowed (or, where a
        // browser with no session posts, an anonymous one) with a wrong token.
        let forger = performer(&world, endpoint);
        let fields = (endpoint.form)(cell, &world);
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf_token", &"0".repeat(64));
        for (name, value) in &fields {
            body.append_pair(name, value);
        }
        let cookie = if endpoint.fresh_browser {
            "pc_csrf=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".to_owned()
        } else if endpoint.fresh_session {
            format!(
                "pc_session={}",
                world.app.another_session(forger).await.session()
            )
        } else {
            format!("pc_session={}", forger.session())
        };
        let before = world.app.snapshot().await;
        let forged = world
            .app
            .post_raw(&(endpoint.path)(forger.label), &cookie, body.finish())
            .await;
        let context = format!(
            "{} with a wrong token on {}",
            endpoint.pattern,
            backend_name()
        );
        assert_eq!(forged.status, 403, "{context}:\n{}", forged.body);
        assert!(
            forged.body.contains("This form had expired"),
            "{context}: {}",
            crate::harness::html_text(&forged.body)
        );
        assert_eq!(
            world.app.snapshot().await,
            before,
            "{context} changed the database"
        );
        forbidden_cells += 1;
        for actor in &actors {
            let label = actor.map_or("anonymous", |a| a.label);
            let fields = (endpoint.form)(cell, &world);
            cell += 1;
            let before = world.app.snapshot().await;
            let own_session = match (endpoint.fresh_session, actor) {
                (true, Some(actor)) => Some(world.app.another_session(actor).await),
                _ => None,
            };
            let poster = if endpoint.fresh_browser {
                None
            } else {
                own_session.as_ref().or(*actor)
            };
            let response = world
                .app
                .post_form(&(endpoint.path)(label), poster, &pairs(&fields))
                .await;
            let context = format!("{} as {label} on {}", endpoint.pattern, backend_name());
            if endpoint.allowed.contains(&label) {
                allowed_cells += 1;
                assert_eq!(
                    response.status, 303,
                    "{context} should succeed:\n{}",
                    response.body
                );
                // A signed-in person's change happened and is on the record
                // in their name (a sign-up's record names the new account).
                if let Some(poster) = poster
                    && endpoint.audit_names_poster
                {
                    assert_ne!(
                        world.app.snapshot().await,
                        before,
                        "{context} changed nothing"
                    );
                    use app::server::entities::audit_event;
                    use sea_orm::{EntityTrait, QueryOrder};
                    let newest = audit_event::Entity::find()
                        .order_by_desc(audit_event::Column::Id)
                        .one(&world.app.db)
                        .await
                        .expect("audit query")
                        .expect("an audit event");
                    assert_eq!(
                        newest.actor_user_id,
                        Some(poster.user_id),
                        "{context}: {newest:?}"
                    );
                }
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
        "permission matrix on {}: {} endpoints x {} visitors (one with a wrong token) = {} cells ({allowed_cells} allowed, {forbidden_cells} forbidden)",
        backend_name(),
        endpoints.len(),
        actors.len() + 1,
        endpoints.len() * (actors.len() + 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_sees_a_change_that_keeps_counts_and_timestamps() {
    // What "the database is unchanged" rests on: a one-field edit that leaves
    // every row count and updated_at as it was is still seen.
    use sea_orm::{ConnectionTrait, Statement};
    let world = World::build().await;
    let before = world.app.snapshot().await;
    assert_eq!(
        world.app.snapshot().await,
        before,
        "two snapshots of the same data"
    );
    let backend = world.app.db.get_database_backend();
    world
        .app
        .db
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE supplier SET description = 'quietly changed' WHERE name = 'Acme Digital Ltd'"
                .to_owned(),
        ))
        .await
        .expect("update");
    assert_ne!(world.app.snapshot().await, before);
}
