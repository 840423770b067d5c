//! Email against a real SMTP server: Python's aiosmtpd, started per test on
//! a free port, writing what it receives to a maildir. Each journey runs the
//! way the service does it: a change queues a message in its transaction,
//! the delivery pass sends it over SMTP, the link in the delivered message
//! works once, and an expired or reused link is refused with a clear message.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use app::server::email::delivery::{self, DeliveryReport, Mailer};
use app::server::entities::{app_user, email_outbox, email_token, membership, user_session};
use app::types::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};

use crate::harness::{TestApp, token_in};

const PASSWORD: &str = "river teacup lantern";

/// An SMTP server for one test; stopped when dropped.
struct SmtpSink {
    child: Child,
    maildir: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl SmtpSink {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let maildir = dir.path().join("maildir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 -m aiosmtpd (installed by .ci/setup.sh: pip install aiosmtpd)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpSink {
                    child,
                    maildir,
                    port,
                    _dir: dir,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start listening on port {port}");
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received, as raw RFC 5322 text with quoted-printable
    /// soft line breaks joined, so links read whole.
    fn messages(&self) -> Vec<String> {
        let mut found = Vec::new();
        for folder in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir.join(folder)) else {
                continue;
            };
            for entry in entries.flatten() {
                let raw = std::fs::read_to_string(entry.path()).expect("a message");
                found.push(decode_quoted_printable(&raw));
            }
        }
        found
    }

    /// The one message to `to` the server has received.
    async fn message_to(&self, to: &str) -> String {
        for _ in 0..50 {
            let mine: Vec<String> = self
                .messages()
                .into_iter()
                .filter(|m| m.contains(&format!("To: {to}")))
                .collect();
            if mine.len() == 1 {
                return mine.into_iter().next().unwrap();
            }
            assert!(mine.len() < 2, "more than one message to {to}: {mine:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no message to {to} arrived: {:?}", self.messages());
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Joins `=\r\n` soft breaks and decodes `=XX` escapes (the transfer
/// encoding a mail library may choose for long lines).
fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn app_with(sink: &SmtpSink) -> TestApp {
    TestApp::with_settings(&[
        ("SMTP_URL", &sink.url()),
        ("PUBLIC_URL", "https://commons.example"),
        (
            "MAIL_FROM",
            "Procurement Commons <no-reply@commons.example>",
        ),
    ])
    .await
}

async fn deliver(app: &TestApp) -> DeliveryReport {
    let mailer = Mailer::from_config(&app.state.config).expect("mailer");
    delivery::deliver_due(&app.db, &mailer)
        .await
        .expect("delivery pass")
}

async fn sign_up(app: &TestApp, email: &str, password: &str) -> crate::harness::TestResponse {
    app.post_form(
        "/sign-up",
        None,
        &[
            ("display_name", "Pat Example"),
            ("email", email),
            ("password", password),
        ],
    )
    .await
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> crate::harness::TestResponse {
    app.post_form(
        "/sign-in",
        None,
        &[("email", email), ("password", password)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_account_signs_in_only_after_its_emailed_link_is_followed_once() {
    let sink = SmtpSink::start().await;
    let app = app_with(&sink).await;
    let response = sign_up(&app, "pat@example.gov.uk", PASSWORD).await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(response.header("location"), Some("/sign-up/check-email"));
    assert!(
        response
            .header("set-cookie")
            .is_none_or(|c| !c.contains("pc_session")),
        "signing up must not start a session"
    );
    let refused = sign_in(&app, "pat@example.gov.uk", PASSWORD).await;
    assert_eq!(refused.status, 422);
    refused.assert_field_error(
        "email",
        "Confirm your email address first: follow the link we emailed you. To get a new link, create your account again with the same address",
    );

    assert_eq!(
        deliver(&app).await,
        DeliveryReport {
            sent: 1,
            ..Default::default()
        }
    );
    let message = sink.message_to("pat@example.gov.uk").await;
    assert!(message.contains("Subject: Confirm your email address for Procurement Commons"));
    let from = message
        .lines()
        .find(|l| l.starts_with("From: "))
        .expect("a From header");
    assert!(
        from.contains("Procurement Commons") && from.contains("<no-reply@commons.example>"),
        "{from}"
    );
    assert!(message.contains("https://commons.example/confirm-email?token="));
    let token = token_in(&message, "/confirm-email");
    assert_eq!(token.len(), 64);
    // The database keeps only the token's hash.
    assert_eq!(
        email_token::Entity::find_by_id(token.clone())
            .count(&app.db)
            .await
            .unwrap(),
        0
    );

    // The link opens a page with a button; opening it uses nothing up.
    let page = app.get(&format!("/confirm-email?token={token}")).await;
    assert_eq!(page.status, 200);
    page.assert_contains("Confirm your email address");
    page.assert_contains("pat@example.gov.uk");
    let response = app
        .post_form("/confirm-email", None, &[("token", &token)])
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(response.header("location"), Some("/sign-in?confirmed=yes"));
    let signed_in = sign_in(&app, "pat@example.gov.uk", PASSWORD).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);

    // Once only.
    let before = app.snapshot().await;
    let again = app
        .post_form("/confirm-email", None, &[("token", &token)])
        .await;
    assert_eq!(again.status, 422);
    again.assert_summary_error(
        "This link has already been used: your email address is confirmed, so sign in",
    );
    assert_eq!(app.snapshot().await, before);
    let reopened = app.get(&format!("/confirm-email?token={token}")).await;
    reopened.assert_contains("You cannot use this link");
    reopened.assert_lacks("Confirm email address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_up_with_an_existing_address_answers_the_same_and_emails_its_owner() {
    let sink = SmtpSink::start().await;
    let app = app_with(&sink).await;
    let owner = app.actor("owner", None).await;
    let fresh = sign_up(&app, "someone-new@example.gov.uk", PASSWORD).await;
    let existing = sign_up(&app, &owner.email, "a different long password").await;
    // Nothing in the answer tells them apart.
    assert_eq!(existing.status, fresh.status);
    assert_eq!(existing.header("location"), fresh.header("location"));
    assert_eq!(
        app_user::Entity::find()
            .filter(app_user::Column::Email.eq(owner.email.clone()))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    deliver(&app).await;
    let message = sink.message_to(&owner.email).await;
    assert!(message.contains("Subject: You already have a Procurement Commons account"));
    assert!(message.contains("https://commons.example/forgot-password"));
    assert!(!message.contains("token="));
    // The owner's password did not change.
    let signed_in = sign_in(&app, &owner.email, crate::harness::ACTOR_PASSWORD).await;
    assert_eq!(signed_in.status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unconfirmed_sign_up_repeated_takes_the_new_password_and_voids_the_old_link() {
    let sink = SmtpSink::start().await;
    let app = app_with(&sink).await;
    sign_up(&app, "pat@example.gov.uk", "first long password here").await;
    let first = app
        .emailed_token("pat@example.gov.uk", "/confirm-email")
        .await;
    sign_up(&app, "pat@example.gov.uk", PASSWORD).await;
    let second = app
        .emailed_token("pat@example.gov.uk", "/confirm-email")
        .await;
    assert_ne!(first, second);
    let stale = app
        .post_form("/confirm-email", None, &[("token", &first)])
        .await;
    assert_eq!(stale.status, 422);
    stale.assert_summary_error(
        "This link has expired: create your account again with the same email address to get a new one",
    );
    app.post_form("/confirm-email", None, &[("token", &second)])
        .await;
    assert_eq!(
        sign_in(&app, "pat@example.gov.uk", "first long password here")
            .await
            .status,
        422
    );
    assert_eq!(
        sign_in(&app, "pat@example.gov.uk", PASSWORD).await.status,
        303
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_link_works_once_within_an_hour_and_signs_out_everywhere() {
    let sink = SmtpSink::start().await;
    let app = app_with(&sink).await;
    let person = app.actor("forgetful", None).await;
    // An unknown address gets the same answer and no message.
    let unknown = app
        .post_form(
            "/forgot-password",
            None,
            &[("email", "nobody@example.gov.uk")],
        )
        .await;
    let known = app
        .post_form("/forgot-password", None, &[("email", &person.email)])
        .await;
    assert_eq!(unknown.status, 303);
    assert_eq!(known.header("location"), unknown.header("location"));
    assert_eq!(known.header("location"), Some("/forgot-password/sent"));
    assert_eq!(deliver(&app).await.sent, 1);
    let message = sink.message_to(&person.email).await;
    assert!(message.contains("Subject: Reset your Procurement Commons password"));
    let token = token_in(&message, "/reset-password");

    let page = app.get(&format!("/reset-password?token={token}")).await;
    assert_eq!(page.status, 200);
    page.assert_contains("Choose a new password");
    // The password rules apply; nothing is used up by a refusal.
    let weak = app
        .post_form(
            "/reset-password",
            None,
            &[("token", &token), ("new_password", "password123")],
        )
        .await;
    assert_eq!(weak.status, 422);
    weak.assert_field_error(
        "new_password",
        "Password is too easy to guess: try three random words",
    );
    let response = app
        .post_form(
            "/reset-password",
            None,
            &[("token", &token), ("new_password", "harbour violet kettle")],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(response.header("location"), Some("/sign-in?reset=yes"));
    // Every session of theirs ended.
    assert_eq!(
        user_session::Entity::find()
            .filter(user_session::Column::UserId.eq(person.user_id))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        sign_in(&app, &person.email, crate::harness::ACTOR_PASSWORD)
            .await
            .status,
        422
    );
    assert_eq!(
        sign_in(&app, &person.email, "harbour violet kettle")
            .await
            .status,
        303
    );
    let reused = app
        .post_form(
            "/reset-password",
            None,
            &[("token", &token), ("new_password", "another fine password")],
        )
        .await;
    assert_eq!(reused.status, 422);
    reused.assert_summary_error(
        "This link has already been used: ask for a new one if you still need to reset your password",
    );

    // A link older than an hour is refused.
    app.post_form("/forgot-password", None, &[("email", &person.email)])
        .await;
    let late = app.emailed_token(&person.email, "/reset-password").await;
    email_token::Entity::update_many()
        .col_expr(
            email_token::Column::ExpiresAt,
            Expr::value(time::OffsetDateTime::now_utc() - time::Duration::minutes(1)),
        )
        .filter(email_token::Column::UsedAt.is_null())
        .exec(&app.db)
        .await
        .unwrap();
    let page = app.get(&format!("/reset-password?token={late}")).await;
    page.assert_contains(
        "This link has expired: links to reset a password work for 1 hour, so ask for a new one",
    );
    let before = app.snapshot().await;
    let expired = app
        .post_form(
            "/reset-password",
            None,
            &[("token", &late), ("new_password", "another fine password")],
        )
        .await;
    assert_eq!(expired.status, 422);
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleague_without_an_account_is_invited_by_email_and_accepts_once() {
    let sink = SmtpSink::start().await;
    let app = app_with(&sink).await;
    let editor = app.actor("editor", None).await;
    let supplier = crate::fixture::created_id(
        &app.post_form(
            "/suppliers/new",
            Some(&editor),
            &crate::fixture::supplier_form("Acme Digital Ltd", "01234567"),
        )
        .await,
        "/suppliers/",
    );
    let response = app
        .post_form(
            &format!("/suppliers/{supplier}/colleagues/new"),
            Some(&editor),
            &[("email", "new.colleague@example.gov.uk")],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some(format!("/suppliers/{supplier}?done=colleague-invited").as_str())
    );
    deliver(&app).await;
    let message = sink.message_to("new.colleague@example.gov.uk").await;
    assert!(
        message.contains("Subject: Invitation to edit Acme Digital Ltd on Procurement Commons")
    );
    let token = token_in(&message, "/invitations");

    // Anyone opening the link is asked to sign in with the invited address.
    let page = app.get(&format!("/invitations?token={token}")).await;
    assert_eq!(page.status, 200);
    page.assert_contains("This invitation is for new.colleague@example.gov.uk");
    // Someone else, signed in, cannot take it.
    let other = app.actor("other", None).await;
    let before = app.snapshot().await;
    let refused = app
        .post_form("/invitations", Some(&other), &[("token", &token)])
        .await;
    assert_eq!(refused.status, 422);
    refused.assert_summary_error(
        "This invitation is for new.colleague@example.gov.uk: sign out, then sign in or create an account with that address to accept it",
    );
    assert_eq!(app.snapshot().await, before);

    // The colleague creates the account, confirms it and accepts.
    sign_up(&app, "new.colleague@example.gov.uk", PASSWORD).await;
    app.confirm_email("new.colleague@example.gov.uk").await;
    let colleague_user = app_user::Entity::find()
        .filter(app_user::Column::Email.eq("new.colleague@example.gov.uk"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("account");
    let colleague = app.session_for(colleague_user.id, "colleague").await;
    let accepted = app
        .post_form("/invitations", Some(&colleague), &[("token", &token)])
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    assert_eq!(
        membership::Entity::find()
            .filter(membership::Column::UserId.eq(colleague_user.id))
            .filter(membership::Column::Role.eq(Role::SupplierEditor.as_str()))
            .filter(membership::Column::SupplierId.eq(supplier))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    let again = app
        .post_form("/invitations", Some(&colleague), &[("token", &token)])
        .await;
    assert_eq!(again.status, 422);
    again.assert_summary_error("This invitation has already been accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_retries_with_backoff_and_gives_up_after_the_last_attempt() {
    let sink = SmtpSink::start().await;
    // A server that is not there: nothing listens on a port just released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let app = TestApp::with_settings(&[("SMTP_URL", &format!("smtp://127.0.0.1:{closed}"))]).await;
    sign_up(&app, "pat@example.gov.uk", PASSWORD).await;
    let started = time::OffsetDateTime::now_utc();
    assert_eq!(
        deliver(&app).await,
        DeliveryReport {
            retrying: 1,
            ..Default::default()
        }
    );
    let waiting = email_outbox::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(waiting.attempts, 1);
    assert!(waiting.sent_at.is_none() && waiting.failed_at.is_none());
    assert!(waiting.last_error.is_some());
    let wait = waiting.next_attempt_at - started;
    assert!(
        wait >= time::Duration::seconds(29) && wait <= time::Duration::seconds(40),
        "the first retry waits about 30 s, not {wait}"
    );
    // Not due yet: a pass now leaves it alone.
    assert_eq!(deliver(&app).await, DeliveryReport::default());

    // Due again, with the server back: sent, on the second attempt.
    email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::NextAttemptAt,
            Expr::value(time::OffsetDateTime::now_utc()),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let mut config = (*app.state.config).clone();
    config.smtp_url = Some(sink.url());
    let working = Mailer::from_config(&config).unwrap();
    assert_eq!(
        delivery::deliver_due(&app.db, &working).await.unwrap().sent,
        1
    );
    sink.message_to("pat@example.gov.uk").await;
    let sent = email_outbox::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sent.attempts, 2);
    assert!(sent.sent_at.is_some());

    // A message that keeps failing is given up after the last attempt.
    sign_up(&app, "sam@example.gov.uk", PASSWORD).await;
    email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::Attempts,
            Expr::value(delivery::MAX_ATTEMPTS - 1),
        )
        .filter(email_outbox::Column::SentAt.is_null())
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        deliver(&app).await,
        DeliveryReport {
            given_up: 1,
            ..Default::default()
        }
    );
    let failed = email_outbox::Entity::find()
        .filter(email_outbox::Column::ToAddress.eq("sam@example.gov.uk"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(failed.failed_at.is_some());
}
