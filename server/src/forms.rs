//! Form endpoints: every POST a page's form sends. Each handler is thin:
//! read the submission (size-limited, CSRF-checked), call one service, then
//! redirect (303, Post/Redirect/Get) on success, or render the same page again
//! with the entered values and GOV.UK error messages, or refuse (401 → sign-in,
//! 403 page). Forms post to their own page's URL, so they work without
//! JavaScript and with it alike.
use std::net::IpAddr;
use std::sync::OnceLock;

use app::server::auth::session::{SESSION_COOKIE, secrets_match};
use app::server::form::FormError;
use app::server::services::{
    accounts, colleagues, contracts, frameworks, intents, lots, market, offers, shortlists,
    supplier_trust, suppliers, user_admin,
};
use app::shell;
use app::types::commands::{
    AccessDecision, AccessRequest, AccountStatus, ColleagueInvite, Command, Confirmation,
    ContractDetails, EmailLink, FollowDemand, FrameworkDetails, IntentDetails, IntentJoin,
    IntentLead, IntentStatusChange, LotDetails, LotPlace, NewAccount, OfferDetails, PasswordChange,
    PasswordReset, PasswordResetRequest, RoleGrant, ShortlistDetails, SignIn, SupplierMerge,
    SupplierProfile, SupplierTransfer, Unsubscribe,
};
use app::types::validate::Input;
use app::types::{AppError, FieldError, SubmittedForm, Visitor};
use axum::{
    Router,
    body::{Body, to_bytes},
    extract::{Path, Request, State},
    handler::Handler,
    http::{Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{MethodRouter, post},
};
use leptos::prelude::*;
use uuid::Uuid;

use crate::router::ServerState;
use crate::visitor::{SessionToken, over_tls, set_cookie};

/// Largest form body accepted (offers have several long text fields).
const MAX_FORM_BYTES: usize = 256 * 1024;
/// Largest body of the register import: a 4 MB file, as an upload or
/// posted back URL-encoded with the confirmation (which can triple it).
const MAX_REGISTER_FORM_BYTES: usize = 13 * 1024 * 1024;
/// Fields never echoed back into a re-rendered form.
const SECRET_FIELDS: [&str; 2] = ["password", "csrf_token"];

/// A read, CSRF-checked form submission.
pub struct Submission {
    parts: Parts,
    pub fields: Vec<(String, String)>,
    pub visitor: Visitor,
}

impl Submission {
    pub fn actor(&self) -> Option<&app::types::Viewer> {
        self.visitor.viewer.as_ref()
    }

    fn session_token(&self) -> Option<String> {
        self.parts
            .extensions
            .get::<SessionToken>()
            .map(|t| t.0.clone())
    }

    fn client_address(&self, trusted_proxies: usize) -> Option<IpAddr> {
        crate::client_address::of(&self.parts, trusted_proxies)
    }
}

/// One form endpoint: the path pattern it takes POSTs on, and its handler.
pub struct FormEndpoint {
    pub path: &'static str,
    handler: MethodRouter<ServerState>,
}

impl FormEndpoint {
    fn new<H, T>(path: &'static str, handler: H) -> Self
    where
        H: Handler<T, ServerState>,
        T: 'static,
    {
        FormEndpoint {
            path,
            handler: post(handler),
        }
    }
}

/// Every form endpoint, in one table. [`routes`] serves exactly these,
/// [`only_listed_posts`] refuses a POST to any other path (so a handler
/// added elsewhere cannot take one), and the permission-matrix test checks
/// it covers every row. A new form is one row here.
pub fn endpoints() -> Vec<FormEndpoint> {
    vec![
        FormEndpoint::new("/sign-up", sign_up),
        FormEndpoint::new("/sign-in", sign_in),
        FormEndpoint::new("/confirm-email", confirm_email),
        FormEndpoint::new("/forgot-password", forgot_password),
        FormEndpoint::new("/reset-password", reset_password),
        FormEndpoint::new("/invitations", accept_invitation),
        FormEndpoint::new("/sign-out", sign_out),
        FormEndpoint::new("/account/password", change_password),
        FormEndpoint::new("/account/sign-out-everywhere", sign_out_everywhere),
        FormEndpoint::new("/frameworks/new", create_framework),
        FormEndpoint::new("/frameworks/{id}/edit", edit_framework),
        FormEndpoint::new("/frameworks/{id}/lots/new", add_lot),
        FormEndpoint::new("/lots/{id}/edit", edit_lot),
        FormEndpoint::new("/lots/{id}/remove", remove_lot),
        FormEndpoint::new("/lots/{id}/suppliers/new", add_lot_supplier),
        FormEndpoint::new("/suppliers/new", register_supplier),
        FormEndpoint::new("/suppliers/{id}/edit", edit_supplier),
        FormEndpoint::new("/suppliers/{id}/colleagues/new", add_colleague),
        FormEndpoint::new("/suppliers/{id}/colleagues/{user}/remove", remove_colleague),
        FormEndpoint::new("/suppliers/{id}/access", request_access),
        FormEndpoint::new("/suppliers/{id}/access/{request}", decide_access),
        FormEndpoint::new("/suppliers/{id}/verify", verify_supplier),
        FormEndpoint::new("/suppliers/{id}/merge", merge_supplier),
        FormEndpoint::new("/suppliers/{id}/transfer", transfer_supplier),
        FormEndpoint::new("/suppliers/{id}/offers/new", create_offer),
        FormEndpoint::new("/offers/{id}/edit", edit_offer),
        FormEndpoint::new("/councils/{gss}/contracts/new", create_contract),
        FormEndpoint::new("/councils/{gss}/contracts/import", import_register),
        FormEndpoint::new("/contracts/{id}/edit", edit_contract),
        FormEndpoint::new("/councils/{gss}/intents/new", register_intent),
        FormEndpoint::new("/intents/{id}/join", join_intent),
        FormEndpoint::new("/intents/{id}/lead", name_intent_lead),
        FormEndpoint::new("/intents/{id}/status", change_intent_status),
        FormEndpoint::new("/account/following", follow_demand),
        FormEndpoint::new("/account/following/{id}/remove", unfollow_demand),
        FormEndpoint::new("/unsubscribe", unsubscribe),
        FormEndpoint::new("/shortlists/new", create_shortlist),
        FormEndpoint::new("/shortlists/{id}/remove", remove_shortlist),
        FormEndpoint::new("/admin/users/{id}/roles/new", grant_role),
        FormEndpoint::new("/admin/users/{id}/roles/{membership}/remove", remove_role),
        FormEndpoint::new("/admin/users/{id}/status", set_account_status),
    ]
}

/// The path patterns of [`endpoints`].
pub fn paths() -> Vec<&'static str> {
    endpoints().iter().map(|e| e.path).collect()
}

/// Routes for every form endpoint, merged into the main router.
pub fn routes() -> Router<ServerState> {
    endpoints()
        .into_iter()
        .fold(Router::new(), |router, e| router.route(e.path, e.handler))
}

/// The paths that take a POST, matched as the router matches them.
fn post_paths() -> &'static matchit::Router<()> {
    static PATHS: OnceLock<matchit::Router<()>> = OnceLock::new();
    PATHS.get_or_init(|| {
        let mut paths = matchit::Router::new();
        for path in self::paths() {
            paths
                .insert(path, ())
                .expect("form endpoint paths are distinct");
        }
        paths
    })
}

/// Middleware: reads (GET, HEAD) pass; a POST passes only to a path in the
/// form-endpoint table; anything else is 405. Every change therefore enters
/// through a listed, CSRF-checked, permission-tested endpoint, whatever
/// routes are merged into the router (server functions are GET-only).
pub async fn only_listed_posts(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let listed = post_paths().at(request.uri().path()).is_ok();
    if method == Method::GET || method == Method::HEAD || (method == Method::POST && listed) {
        return next.run(request).await;
    }
    let allow = if listed {
        "GET, HEAD, POST"
    } else {
        "GET, HEAD"
    };
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, allow)],
        "This address does not accept that kind of request",
    )
        .into_response()
}

/// Reads the body and checks the anti-forgery token; a failed check re-shows
/// the form (with a fresh token) instead of acting on it.
async fn read(state: &ServerState, request: Request) -> Result<Submission, Response> {
    read_with(state, request, MAX_FORM_BYTES, false)
        .await
        .map(|(submission, _)| submission)
}

/// A file sent with a multipart form.
pub struct UploadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The fields and (first) file of a multipart body.
async fn multipart_fields(
    content_type: &str,
    bytes: axum::body::Bytes,
) -> Result<(Vec<(String, String)>, Option<UploadedFile>), String> {
    let boundary = multer::parse_boundary(content_type).map_err(|e| e.to_string())?;
    let stream =
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let (mut fields, mut file) = (Vec::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) if file.is_none() => {
                let bytes = field.bytes().await.map_err(|e| e.to_string())?;
                file = Some(UploadedFile {
                    name: file_name,
                    bytes: bytes.to_vec(),
                });
            }
            Some(_) => {}
            None => fields.push((name, field.text().await.map_err(|e| e.to_string())?)),
        }
    }
    Ok((fields, file))
}

/// [`read`], with a body limit, and (when `multipart`) a multipart body
/// with a file accepted as well as a URL-encoded one.
async fn read_with(
    state: &ServerState,
    request: Request,
    max_bytes: usize,
    multipart: bool,
) -> Result<(Submission, Option<UploadedFile>), Response> {
    let (parts, body) = request.into_parts();
    let visitor = parts
        .extensions
        .get::<Visitor>()
        .cloned()
        .unwrap_or_default();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_multipart = multipart && content_type.starts_with("multipart/form-data");
    let bytes = match to_bytes(body, max_bytes).await {
        Ok(bytes) if is_form || is_multipart => bytes,
        Ok(_) => {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the form as application/x-www-form-urlencoded",
            )
                .into_response());
        }
        Err(_) => {
            return Err((StatusCode::PAYLOAD_TOO_LARGE, "The form is too large").into_response());
        }
    };
    let (fields, file) = if is_multipart {
        match multipart_fields(&content_type, bytes).await {
            Ok(read) => read,
            Err(error) => {
                return Err((
                    StatusCode::BAD_REQUEST,
                    format!("The form could not be read: {error}"),
                )
                    .into_response());
            }
        }
    } else {
        (form_urlencoded::parse(&bytes).into_owned().collect(), None)
    };
    let sent_token = fields
        .iter()
        .find(|(n, _)| n == "csrf_token")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let cross_site = from_another_site(&parts.headers, state.app.config.trusted_proxies);
    let submission = Submission {
        parts,
        fields,
        visitor,
    };
    if cross_site {
        tracing::warn!(path = %submission.parts.uri.path(), "form refused: sent from another site");
        let mut form = echo(&submission.fields);
        form.errors.push(FieldError {
            field: "csrf_token".into(),
            message: "This form was sent from another website, so nothing was changed. Fill it in here and send it again".into(),
        });
        return Err(render_again(state, submission.parts, form, StatusCode::FORBIDDEN).await);
    }
    if !secrets_match(&sent_token, &submission.visitor.csrf_token) {
        tracing::warn!(path = %submission.parts.uri.path(), "form refused: anti-forgery token missing or wrong");
        let mut form = echo(&submission.fields);
        form.errors.push(FieldError {
            field: "csrf_token".into(),
            message: "This form had expired. Check your answers and send it again".into(),
        });
        return Err(render_again(state, submission.parts, form, StatusCode::FORBIDDEN).await);
    }
    Ok((submission, file))
}

/// Whether the browser says this POST came from another site. Modern
/// browsers send `Sec-Fetch-Site`; older ones at least `Origin`, which must
/// name this site's host (as the nearest trusted proxy forwarded it, if any).
/// A request with neither (not from a browser) is left to the anti-forgery
/// token, which every form checks anyway.
fn from_another_site(headers: &axum::http::HeaderMap, trusted_proxies: usize) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let forwarded_host = headers
        .get("x-forwarded-host")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim)
        .filter(|_| trusted_proxies > 0);
    let host = forwarded_host.or_else(|| headers.get(header::HOST).and_then(|v| v.to_str().ok()));
    match (origin.split_once("://"), host) {
        (Some((_, authority)), Some(host)) => !authority.eq_ignore_ascii_case(host),
        // "null" (a sandboxed or privacy-preserving context) or no host to compare.
        _ => true,
    }
}

/// The submitted values worth showing again (never passwords or tokens).
fn echo(fields: &[(String, String)]) -> SubmittedForm {
    SubmittedForm {
        values: fields
            .iter()
            .filter(|(n, _)| !SECRET_FIELDS.contains(&n.as_str()))
            .cloned()
            .collect(),
        errors: Vec::new(),
        refused: None,
    }
}

/// Renders the page at `parts.uri` (as a GET would) with `form` available to
/// it (unless it is empty), and the given status.
async fn render_again(
    state: &ServerState,
    parts: Parts,
    form: SubmittedForm,
    status: StatusCode,
) -> Response {
    render_with(state, parts, form, None, status).await
}

/// [`render_again`], with a register file's preview for the page to show.
async fn render_with(
    state: &ServerState,
    mut parts: Parts,
    form: SubmittedForm,
    upload: Option<app::types::RegisterUpload>,
    status: StatusCode,
) -> Response {
    let form = (form != SubmittedForm::default()).then_some(form);
    parts.method = Method::GET;
    let options = state.leptos_options.clone();
    let app_state = state.app.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(app_state.clone());
            if let Some(form) = form.clone() {
                provide_context(form);
            }
            if let Some(upload) = upload.clone() {
                provide_context(upload);
            }
            crate::router::provide_page_nonce();
        },
        move || shell(options.clone()),
    );
    let mut response = render(Request::from_parts(parts, Body::empty())).await;
    *response.status_mut() = status;
    response
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}

/// Turns a service's answer into the response.
async fn finish(
    state: &ServerState,
    submission: Submission,
    outcome: Result<String, FormError>,
) -> Response {
    match outcome {
        Ok(location) => {
            // The change may have queued email: let the delivery worker look now.
            state.app.mail_wake.notify_one();
            see_other(&location)
        }
        Err(FormError::Fields(errors)) => {
            let mut form = echo(&submission.fields);
            form.errors = errors.0;
            render_again(
                state,
                submission.parts,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(FormError::Refused(AppError::Unauthenticated)) => {
            // 401 with the sign-in page itself, which brings them back here.
            let mut parts = submission.parts;
            let next = parts.uri.path().to_owned();
            parts.uri = sign_in_path(&next).parse().expect("a valid path");
            render_again(
                state,
                parts,
                SubmittedForm::default(),
                StatusCode::UNAUTHORIZED,
            )
            .await
        }
        Err(FormError::Refused(error)) => {
            let status = StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let retry_after = match &error {
                AppError::Unavailable {
                    retry_after_seconds,
                } => Some(*retry_after_seconds),
                _ => None,
            };
            let mut form = echo(&submission.fields);
            form.refused = Some(error);
            let mut response = render_again(state, submission.parts, form, status).await;
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, seconds.into());
            }
            response
        }
    }
}

pub fn sign_in_path(next: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .finish();
    format!("/sign-in?{query}")
}

/// Only local paths are followed after signing in (no open redirects).
fn safe_next(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .find(|(n, _)| n == app::types::commands::account::NEXT)
        .map(|(_, v)| v.as_str())
        .filter(|v| app::types::is_local_path(v))
        .unwrap_or("/account")
        .to_owned()
}

fn with_session_cookie(mut response: Response, token: &str, secure: bool) -> Response {
    let max_age = app::server::auth::session::ABSOLUTE_LIFETIME.whole_seconds();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, token, Some(max_age), secure),
    );
    response
}

macro_rules! submission {
    ($state:expr, $request:expr) => {
        match read(&$state, $request).await {
            Ok(submission) => submission,
            Err(response) => return response,
        }
    };
}

/// After sign-up or sign-in: the session cookie and the way on, or the form again.
async fn signed_in(
    state: &ServerState,
    submission: Submission,
    outcome: Result<String, FormError>,
    secure: bool,
) -> Response {
    match outcome {
        Ok(token) => {
            let next = safe_next(&submission.fields);
            with_session_cookie(see_other(&next), &token, secure)
        }
        Err(error) => finish(state, submission, Err(error)).await,
    }
}

/// Sign-up answers the same for every address: check your email.
async fn sign_up(State(state): State<ServerState>, request: Request) -> Response {
    let submission = submission!(state, request);
    let outcome = match NewAccount::parse(&Input(&submission.fields)) {
        Ok(account) => {
            let address = submission.client_address(state.app.config.trusted_proxies);
            accounts::sign_up(&state.app, account, address)
                .await
                .map(|()| "/sign-up/check-email".to_owned())
        }
        Err(errors) => Err(errors.into()),
    };
    finish(&state, submission, outcome).await
}

async fn confirm_email(State(state): State<ServerState>, request: Request) -> Response {
    let submission = submission!(state, request);
    let outcome = match parse_anonymous::<EmailLink>(&submission) {
        Ok(link) => accounts::confirm_email(&state.app.db, link)
            .await
            .map(|()| "/sign-in?confirmed=yes".to_owned()),
        Err(error) => Err(error),
    };
    finish(&state, submission, outcome).await
}

/// Answers the same whether or not the address has an account.
async fn forgot_password(State(state): State<ServerState>, request: Request) -> Response {
    let submission = submission!(state, request);
    let outcome = match parse_anonymous::<PasswordResetRequest>(&submission) {
        Ok(asked) => {
            let address = submission.client_address(state.app.config.trusted_proxies);
            accounts::request_password_reset(&state.app, submission.actor(), asked, address)
                .await
                .map(|()| "/forgot-password/sent".to_owned())
        }
        Err(error) => Err(error),
    };
    finish(&state, submission, outcome).await
}

async fn reset_password(State(state): State<ServerState>, request: Request) -> Response {
    let submission = submission!(state, request);
    let outcome = match parse_anonymous::<PasswordReset>(&submission) {
        Ok(reset) => accounts::reset_password(&state.app, reset)
            .await
            .map(|()| "/sign-in?reset=yes".to_owned()),
        Err(error) => Err(error),
    };
    finish(&state, submission, outcome).await
}

async fn accept_invitation(State(state): State<ServerState>, request: Request) -> Response {
    let submission = submission!(state, request);
    let outcome = match parse::<EmailLink>(&submission) {
        Ok(link) => colleagues::accept(&state.app.db, submission.actor(), link)
            .await
            .map(|supplier| format!("/suppliers/{supplier}?done=invitation-accepted")),
        Err(error) => Err(error),
    };
    finish(&state, submission, outcome).await
}

/// Adds a colleague who has an account, or emails an invitation.
async fn add_colleague(
    State(state): State<ServerState>,
    Path(id): Path<Uuid>,
    request: Request,
) -> Response {
    let submission = submission!(state, request);
    let outcome = match parse::<ColleagueInvite>(&submission) {
        Ok(invite) => colleagues::add(&state.app, submission.actor(), id, invite)
            .await
            .map(|added| match added {
                colleagues::Added::Granted => format!("/suppliers/{id}?done=colleague-added"),
                colleagues::Added::Invited => format!("/suppliers/{id}?done=colleague-invited"),
            }),
        Err(error) => Err(error),
    };
    finish(&state, submission, outcome).await
}

async fn sign_in(State(state): State<ServerState>, request: Request) -> Response {
    let secure = over_tls(request.headers(), state.app.config.trusted_proxies);
    let submission = submission!(state, request);
    let address = submission.client_address(state.app.config.trusted_proxies);
    let outcome = match SignIn::parse(&Input(&submission.fields)) {
        Ok(details) => {
            let replacing = submission.session_token();
            accounts::sign_in(&state.app, details, address, replacing.as_deref()).await
        }
        Err(errors) => Err(errors.into()),
    };
    signed_in(&state, submission, outcome, secure).await
}

async fn sign_out(State(state): State<ServerState>, request: Request) -> Response {
    let secure = over_tls(request.headers(), state.app.config.trusted_proxies);
    let submission = submission!(state, request);
    if let (Some(token), Some(viewer)) = (submission.session_token(), submission.actor())
        && let Err(err) = accounts::sign_out(&state.app.db, &token, viewer.user_id).await
    {
        let error = app::server::internal_error("sign out failed", &err);
        return finish(&state, submission, Err(FormError::Refused(error))).await;
    }
    let mut response = see_other("/signed-out");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), secure),
    );
    response
}

async fn change_password(State(state): State<ServerState>, request: Request) -> Response {
    let submission = submission!(state, request);
    let outcome = match parse::<PasswordChange>(&submission) {
        Ok(change) => {
            let keeping = submission.session_token();
            accounts::change_password(&state.app, submission.actor(), keeping.as_deref(), change)
                .await
                .map(|()| "/account?changed=password".to_owned())
        }
        Err(error) => Err(error),
    };
    finish(&state, submission, outcome).await
}

async fn sign_out_everywhere(State(state): State<ServerState>, request: Request) -> Response {
    let secure = over_tls(request.headers(), state.app.config.trusted_proxies);
    let submission = submission!(state, request);
    let outcome = match parse::<Confirmation>(&submission) {
        Ok(confirmed) => {
            accounts::sign_out_everywhere(&state.app.db, submission.actor(), confirmed).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => {
            let mut response = see_other("/signed-out");
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, "", Some(0), secure),
            );
            response
        }
        Err(error) => finish(&state, submission, Err(error)).await,
    }
}

/// Reads a signed-in person's submission as a `C`. Anonymous visitors are
/// sent to sign in before their answers are read.
/// The command in a form that needs nobody signed in (a link from an email
/// carries its own proof).
fn parse_anonymous<C: Command>(submission: &Submission) -> Result<C, FormError> {
    C::parse(&Input(&submission.fields)).map_err(FormError::Fields)
}

fn parse<C: Command>(submission: &Submission) -> Result<C, FormError> {
    if submission.actor().is_none() {
        return Err(FormError::Refused(AppError::Unauthenticated));
    }
    C::parse(&Input(&submission.fields)).map_err(FormError::Fields)
}

/// A form endpoint: read the submission as `$command`, call
/// `$service(db, actor, [path value,] command)`, and on success redirect to
/// `$redirect(result, path value)`.
macro_rules! form_endpoint {
    ($name:ident, $command:ty, $service:path, |$result:pat_param| $redirect:expr) => {
        async fn $name(State(state): State<ServerState>, request: Request) -> Response {
            let submission = submission!(state, request);
            let outcome = match parse::<$command>(&submission) {
                Ok(command) => $service(&state.app.db, submission.actor(), command)
                    .await
                    .map(|$result| $redirect),
                Err(error) => Err(error),
            };
            finish(&state, submission, outcome).await
        }
    };
    // Services that need more than the database (email links, caches) take the app state.
    ($name:ident, app, $key:ty, $command:ty, $service:path, |$result:pat_param, $path:ident| $redirect:expr) => {
        async fn $name(
            State(state): State<ServerState>,
            Path($path): Path<$key>,
            request: Request,
        ) -> Response {
            let submission = submission!(state, request);
            let outcome = match parse::<$command>(&submission) {
                Ok(command) => $service(&state.app, submission.actor(), $path.clone(), command)
                    .await
                    .map(|$result| $redirect),
                Err(error) => Err(error),
            };
            finish(&state, submission, outcome).await
        }
    };
    ($name:ident, $key:ty, $command:ty, $service:path, |$result:pat_param, $path:ident| $redirect:expr) => {
        async fn $name(
            State(state): State<ServerState>,
            Path($path): Path<$key>,
            request: Request,
        ) -> Response {
            let submission = submission!(state, request);
            let outcome = match parse::<$command>(&submission) {
                Ok(command) => $service(&state.app.db, submission.actor(), $path.clone(), command)
                    .await
                    .map(|$result| $redirect),
                Err(error) => Err(error),
            };
            finish(&state, submission, outcome).await
        }
    };
}

/// Freezes the search in the page's own URL query (`/shortlists/new?q=…`)
/// into a shortlist named by the form.
async fn create_shortlist(State(state): State<ServerState>, request: Request) -> Response {
    let query = request.uri().query().unwrap_or_default().to_owned();
    let params = app::types::SearchParams::from_lookup(|name| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    });
    let submission = submission!(state, request);
    let outcome = match parse::<ShortlistDetails>(&submission) {
        Ok(details) => shortlists::create(&state.app, submission.actor(), &params, details)
            .await
            .map(|id| format!("/shortlists/{id}")),
        Err(error) => Err(error),
    };
    finish(&state, submission, outcome).await
}
/// Follows a footprint's or a category's demand (weekly email digest).
async fn follow_demand(State(state): State<ServerState>, request: Request) -> Response {
    let submission = submission!(state, request);
    let outcome = match parse::<FollowDemand>(&submission) {
        Ok(command) => market::follow(&state.app, submission.actor(), command)
            .await
            .map(|()| "/account/following?done=followed".to_owned()),
        Err(error) => Err(error),
    };
    finish(&state, submission, outcome).await
}
form_endpoint!(
    unfollow_demand,
    Uuid,
    Confirmation,
    market::unfollow,
    |(), _id| "/account/following?done=removed".to_owned()
);
/// A digest's "stop these emails" link, confirmed: the key is the
/// permission, so no sign-in is asked.
async fn unsubscribe(State(state): State<ServerState>, request: Request) -> Response {
    let submission = submission!(state, request);
    let outcome = match parse_anonymous::<Unsubscribe>(&submission) {
        Ok(command) => market::unsubscribe(&state.app.db, submission.actor(), command)
            .await
            .map(|()| "/unsubscribe?done=yes".to_owned()),
        Err(error) => Err(error),
    };
    finish(&state, submission, outcome).await
}
form_endpoint!(
    remove_shortlist,
    Uuid,
    Confirmation,
    shortlists::remove,
    |(), _id| "/shortlists".to_owned()
);
form_endpoint!(
    create_framework,
    FrameworkDetails,
    frameworks::create,
    |id| format!("/frameworks/{id}")
);
form_endpoint!(
    edit_framework,
    Uuid,
    FrameworkDetails,
    frameworks::update,
    |(), id| format!("/frameworks/{id}")
);
form_endpoint!(add_lot, Uuid, LotDetails, lots::add, |_, id| format!(
    "/frameworks/{id}"
));
form_endpoint!(
    edit_lot,
    Uuid,
    LotDetails,
    lots::update,
    |framework, _id| format!("/frameworks/{framework}")
);
form_endpoint!(
    remove_lot,
    Uuid,
    Confirmation,
    lots::remove,
    |framework, _id| format!("/frameworks/{framework}")
);
form_endpoint!(
    add_lot_supplier,
    Uuid,
    LotPlace,
    lots::place_supplier,
    |(), id| format!("/lots/{id}")
);
form_endpoint!(
    register_supplier,
    SupplierProfile,
    suppliers::register,
    |id| format!("/suppliers/{id}")
);
form_endpoint!(
    edit_supplier,
    Uuid,
    SupplierProfile,
    suppliers::update,
    |(), id| format!("/suppliers/{id}")
);
form_endpoint!(
    remove_colleague,
    (Uuid, Uuid),
    Confirmation,
    colleagues::remove,
    |(), ids| format!("/suppliers/{}", ids.0)
);
form_endpoint!(
    request_access,
    Uuid,
    AccessRequest,
    supplier_trust::request_access,
    |(), id| format!("/suppliers/{id}?done=access-requested")
);
form_endpoint!(
    decide_access,
    (Uuid, Uuid),
    AccessDecision,
    supplier_trust::decide_access,
    |(), ids| format!("/suppliers/{}?done=access-decided", ids.0)
);
form_endpoint!(
    verify_supplier,
    Uuid,
    Confirmation,
    supplier_trust::verify,
    |(), id| format!("/suppliers/{id}?done=verified")
);
form_endpoint!(
    merge_supplier,
    Uuid,
    SupplierMerge,
    supplier_trust::merge,
    |kept, _id| format!("/suppliers/{kept}?done=merged")
);
form_endpoint!(
    transfer_supplier,
    Uuid,
    SupplierTransfer,
    supplier_trust::transfer,
    |(), id| format!("/suppliers/{id}?done=transferred")
);
form_endpoint!(
    create_offer,
    Uuid,
    OfferDetails,
    offers::create,
    |offer, _id| format!("/offers/{offer}")
);
form_endpoint!(
    edit_offer,
    Uuid,
    OfferDetails,
    offers::update,
    |_, id| format!("/offers/{id}")
);
form_endpoint!(
    join_intent,
    app,
    Uuid,
    IntentJoin,
    intents::join,
    |(), id| format!("/intents/{id}?done=joined")
);
form_endpoint!(
    name_intent_lead,
    app,
    Uuid,
    IntentLead,
    intents::set_lead,
    |(), id| format!("/intents/{id}?done=lead")
);
form_endpoint!(
    change_intent_status,
    app,
    Uuid,
    IntentStatusChange,
    intents::change_status,
    |(), id| format!("/intents/{id}?done=status")
);
/// A council's new buying intent. The first submission checks it and shows
/// the page again with similar purchases near the council (nothing saved);
/// the form's "Register intent" button saves it.
async fn register_intent(
    State(state): State<ServerState>,
    Path(gss): Path<String>,
    request: Request,
) -> Response {
    let submission = submission!(state, request);
    let outcome = match parse::<IntentDetails>(&submission) {
        Ok(details) => intents::register(&state.app, submission.actor(), gss, details).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(intents::Registration::Checked) => {
            let form = echo(&submission.fields);
            render_again(&state, submission.parts, form, StatusCode::OK).await
        }
        Ok(intents::Registration::Saved(id)) => {
            finish(
                &state,
                submission,
                Ok(format!("/intents/{id}?done=registered")),
            )
            .await
        }
        Err(error) => finish(&state, submission, Err(error)).await,
    }
}
form_endpoint!(
    create_contract,
    String,
    ContractDetails,
    contracts::create,
    |contract, _gss| format!("/contracts/{contract}")
);
/// A council's register: a multipart post with the file previews it (the
/// page again, with every row's outcome; nothing written); the preview's
/// confirmation posts the file's text back, and its rows are written.
async fn import_register(
    State(state): State<ServerState>,
    Path(gss): Path<String>,
    request: Request,
) -> Response {
    use app::server::services::imports;
    use app::types::register_field;
    // Only a signed-in visitor may send a large body; anyone else is held to
    // the ordinary form limit (and then refused as usual).
    let signed_in = request
        .extensions()
        .get::<Visitor>()
        .is_some_and(|v| v.viewer.is_some());
    let limit = if signed_in {
        MAX_REGISTER_FORM_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let (submission, file) = match read_with(&state, request, limit, true).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if submission.actor().is_none() {
        return finish(&state, submission, Err(AppError::Unauthenticated.into())).await;
    }
    let db = &state.app.db;
    match file {
        Some(file) => {
            match imports::preview_register(db, submission.actor(), &gss, &file.name, file.bytes)
                .await
            {
                Ok(upload) => {
                    render_with(
                        &state,
                        submission.parts,
                        SubmittedForm::default(),
                        Some(upload),
                        StatusCode::OK,
                    )
                    .await
                }
                Err(error) => finish(&state, submission, Err(error)).await,
            }
        }
        None => {
            let field = |name: &str| {
                submission
                    .fields
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            let file_name = Some(field(register_field::FILE_NAME))
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| "register.csv".into());
            let outcome = imports::confirm_register(
                db,
                submission.actor(),
                &gss,
                &file_name,
                field(register_field::CSV),
            )
            .await
            .map(|(added, changed)| {
                format!("/councils/{gss}/contracts/import?added={added}&changed={changed}")
            });
            finish(&state, submission, outcome).await
        }
    }
}

form_endpoint!(
    edit_contract,
    Uuid,
    ContractDetails,
    contracts::update,
    |(), id| format!("/contracts/{id}")
);
form_endpoint!(
    grant_role,
    Uuid,
    RoleGrant,
    user_admin::grant_role,
    |(), id| format!("/admin/users/{id}")
);
form_endpoint!(
    remove_role,
    (Uuid, Uuid),
    Confirmation,
    user_admin::remove_role,
    |(), ids| format!("/admin/users/{}", ids.0)
);
form_endpoint!(
    set_account_status,
    Uuid,
    AccountStatus,
    user_admin::set_disabled,
    |(), id| format!("/admin/users/{id}")
);
