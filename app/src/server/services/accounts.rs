//! Accounts: signing up, signing in and out, the first admin (from the CLI)
//! and the roles a person holds.
use std::net::IpAddr;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::server::auth::hashing::HashingPool;
use crate::server::auth::{password, session};
use crate::server::changes::{self, Actor, Change};
use crate::server::email::messages;
use crate::server::email::tokens::{self, NewToken, TokenPurpose};
use crate::server::entities::{app_user, footprint, membership, organisation, supplier};
use crate::server::form::{FormError, field_error};
use crate::server::{AppState, internal_error};
use crate::types::commands::{
    self, Command, Confirmation, EmailLink, NewAccount, PasswordChange, PasswordReset,
    PasswordResetRequest, SignIn, account as field,
};
use crate::types::validate::Input;
use crate::types::{AppError, Grant, Role, Viewer};

/// The password rules (length, the email's name, the deny-list), which
/// live with the server because the deny-list does.
fn check_password(account: &NewAccount) -> Result<(), FormError> {
    match password::check(&account.password, &account.email) {
        Ok(()) => Ok(()),
        Err(problem) => Err(field_error(field::PASSWORD, problem.message)),
    }
}

async fn hash_in(pool: &HashingPool, password: String) -> Result<String, AppError> {
    pool.run(move || password::hash(&password))
        .await?
        .map_err(|err| internal_error("password hashing failed", &err))
}

/// A new account; `confirmed` when someone answerable vouches for the
/// address (an operator at the command line), otherwise it waits for the
/// emailed link.
async fn insert_user<C: ConnectionTrait>(
    db: &C,
    account: &NewAccount,
    password_hash: String,
    confirmed: bool,
) -> Result<app_user::Model, sea_orm::DbErr> {
    let now = OffsetDateTime::now_utc();
    app_user::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(account.email.clone()),
        display_name: Set(account.display_name.clone()),
        password_hash: Set(password_hash),
        is_disabled: Set(false),
        last_sign_in_at: Set(None),
        email_verified_at: Set(confirmed.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
}

async fn find_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<app_user::Model>, sea_orm::DbErr> {
    app_user::Entity::find()
        .filter(app_user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await
}

/// Whether an account with this email exists.
pub async fn exists(db: &DatabaseConnection, email: &str) -> Result<bool, sea_orm::DbErr> {
    Ok(find_by_email(db, email).await?.is_some())
}

/// Starts an account: sends the link that confirms the address (the
/// account signs in only after it is followed). Answers the same way, after
/// the same work (one password hash, one transaction, one message), whether
/// or not the address has an account, so sign-up cannot be used to learn
/// who has one: the owner of an existing address is emailed instead; an
/// unconfirmed account takes the newest details and a new link (older
/// links stop working).
pub async fn sign_up(
    state: &AppState,
    account: NewAccount,
    address: Option<IpAddr>,
) -> Result<(), FormError> {
    let db = &state.db;
    if let Some(address) = address
        && let Err(wait) = state.sign_in_limiter.check_sign_up(address)
    {
        return Err(too_soon(
            "Too many accounts were created from your network just now.",
            wait,
        ));
    }
    check_password(&account)?;
    let hash = hash_in(&state.hashing, account.password.clone()).await?;
    let public_url = &state.config.public_url;
    let txn = crate::server::db::begin_write(db).await?;
    match find_by_email(&txn, &account.email).await? {
        None => {
            let user = insert_user(&txn, &account, hash, false).await?;
            let token = confirmation_token(&txn, &user).await?;
            changes::record(
                &txn,
                Actor::Person(user.id),
                Change::new("account.created", "app_user", user.id)
                    .after(json!({ "email": user.email, "display_name": user.display_name }))
                    .email(messages::confirm_email(
                        public_url,
                        &user.email,
                        &user.display_name,
                        &token,
                    )),
            )
            .await?;
        }
        Some(user) if user.email_verified_at.is_none() => {
            tokens::void_unused(&txn, TokenPurpose::ConfirmEmail, user.id).await?;
            app_user::ActiveModel {
                id: Set(user.id),
                display_name: Set(account.display_name.clone()),
                password_hash: Set(hash),
                updated_at: Set(OffsetDateTime::now_utc()),
                ..Default::default()
            }
            .update(&txn)
            .await?;
            let token = confirmation_token(&txn, &user).await?;
            changes::record(
                &txn,
                Actor::System,
                Change::new("account.confirmation_sent_again", "app_user", user.id).email(
                    messages::confirm_email(public_url, &user.email, &account.display_name, &token),
                ),
            )
            .await?;
        }
        Some(user) => {
            changes::record(
                &txn,
                Actor::System,
                Change::new("account.sign_up_for_existing_address", "app_user", user.id)
                    .email(messages::account_exists(public_url, &user.email)),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

async fn confirmation_token(
    txn: &sea_orm::DatabaseTransaction,
    user: &app_user::Model,
) -> Result<String, sea_orm::DbErr> {
    tokens::issue(
        txn,
        NewToken {
            purpose: TokenPurpose::ConfirmEmail,
            user_id: Some(user.id),
            email: user.email.clone(),
            supplier_id: None,
            invited_by: None,
        },
    )
    .await
}

/// Marks the address confirmed: the link proved the person reads it.
pub async fn confirm_email(db: &DatabaseConnection, link: EmailLink) -> Result<(), FormError> {
    let txn = crate::server::db::begin_write(db).await?;
    let found = match tokens::redeem(&txn, TokenPurpose::ConfirmEmail, &link.token).await? {
        Ok(found) => found,
        Err(problem) => {
            return Err(field_error(
                "submit",
                problem.message(TokenPurpose::ConfirmEmail),
            ));
        }
    };
    let user_id = found.user_id.ok_or(AppError::NotFound("Account".into()))?;
    let now = OffsetDateTime::now_utc();
    app_user::ActiveModel {
        id: Set(user_id),
        email_verified_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    changes::record(
        &txn,
        Actor::Person(user_id),
        Change::new("account.email_confirmed", "app_user", user_id)
            .after(json!({ "email": found.email })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sends a link to reset the password, when the address has a usable
/// account; answers the same way when it has none.
pub async fn request_password_reset(
    state: &AppState,
    asker: Option<&Viewer>,
    request: PasswordResetRequest,
    address: Option<IpAddr>,
) -> Result<(), FormError> {
    // Each request sends an email: limited like sign-ups, per network.
    if let Some(address) = address
        && let Err(wait) = state.sign_in_limiter.check_sign_up(address)
    {
        return Err(too_soon(
            "Too many requests from your network just now.",
            wait,
        ));
    }
    let txn = crate::server::db::begin_write(&state.db).await?;
    if let Some(user) = find_by_email(&txn, &request.email)
        .await?
        .filter(|u| !u.is_disabled)
    {
        tokens::void_unused(&txn, TokenPurpose::PasswordReset, user.id).await?;
        let token = tokens::issue(
            &txn,
            NewToken {
                purpose: TokenPurpose::PasswordReset,
                user_id: Some(user.id),
                email: user.email.clone(),
                supplier_id: None,
                invited_by: None,
            },
        )
        .await?;
        changes::record(
            &txn,
            // Whoever asked (usually nobody signed in): not necessarily the owner.
            Actor::of(asker),
            Change::new("account.password_reset_requested", "app_user", user.id).email(
                messages::password_reset(
                    &state.config.public_url,
                    &user.email,
                    &user.display_name,
                    &token,
                ),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Sets a new password through a reset link: every session of the account
/// ends, and the address counts as confirmed (the link proved it).
pub async fn reset_password(state: &AppState, reset: PasswordReset) -> Result<(), FormError> {
    let purpose = TokenPurpose::PasswordReset;
    let found = match tokens::peek(&state.db, purpose, &reset.token).await? {
        Ok(found) => found,
        Err(problem) => return Err(field_error("submit", problem.message(purpose))),
    };
    if let Err(problem) = password::check(&reset.new, &found.email) {
        return Err(field_error(field::NEW_PASSWORD, problem.message));
    }
    let hash = hash_in(&state.hashing, reset.new).await?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    // Used up here, inside the change: a second click finds it used.
    let found = match tokens::redeem(&txn, purpose, &reset.token).await? {
        Ok(found) => found,
        Err(problem) => return Err(field_error("submit", problem.message(purpose))),
    };
    let user_id = found.user_id.ok_or(AppError::NotFound("Account".into()))?;
    let now = OffsetDateTime::now_utc();
    let user = app_user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("Account".into()))?;
    app_user::ActiveModel {
        id: Set(user_id),
        password_hash: Set(hash),
        email_verified_at: Set(Some(user.email_verified_at.unwrap_or(now))),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    session::end_all_for(&txn, user_id).await?;
    changes::record(
        &txn,
        Actor::Person(user_id),
        Change::new("account.password_reset", "app_user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A rate limit's refusal, on the email field: what happened and how long to wait.
fn too_soon(what: &str, wait: std::time::Duration) -> FormError {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let plural = if minutes == 1 { "" } else { "s" };
    field_error(
        field::EMAIL,
        format!("{what} Wait {minutes} minute{plural} and try again"),
    )
}

const WRONG_DETAILS: &str = "The email address or password is not right";

/// Checks the details and starts a session; returns the cookie token.
/// `replacing` is the session the browser already holds, if any: it ends
/// when the new one starts, so a session planted before sign-in (or a
/// colleague's, on a shared computer) does not live on.
pub async fn sign_in(
    state: &AppState,
    details: SignIn,
    address: Option<IpAddr>,
    replacing: Option<&str>,
) -> Result<String, FormError> {
    let SignIn { email, password } = details;
    // Longer than any password we accept: refuse without spending a hash on it.
    if password.chars().count() > password::MAX_LENGTH {
        return Err(field_error(field::EMAIL, WRONG_DETAILS));
    }
    if let Err(wait) = state.sign_in_limiter.check(&email, address) {
        return Err(too_soon("Too many attempts to sign in.", wait));
    }
    let user = find_by_email(&state.db, &email).await?;
    // Verify against a real hash even for unknown emails, so the response
    // time does not reveal which addresses have accounts.
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let matches = state
        .hashing
        .run(move || password::verify(&password, &stored))
        .await?;
    let Some(user) = user.filter(|u| matches && !u.is_disabled) else {
        return Err(field_error(field::EMAIL, WRONG_DETAILS));
    };
    // Only someone who knows the password learns the account is unconfirmed.
    if user.email_verified_at.is_none() {
        return Err(field_error(
            field::EMAIL,
            "Confirm your email address first: follow the link we emailed you. To get a new link, create your account again with the same address",
        ));
    }
    let txn = crate::server::db::begin_write(&state.db).await?;
    app_user::ActiveModel {
        id: Set(user.id),
        last_sign_in_at: Set(Some(OffsetDateTime::now_utc())),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    changes::record(
        &txn,
        Actor::Person(user.id),
        Change::new("account.signed_in", "app_user", user.id),
    )
    .await?;
    if let Some(old) = replacing {
        session::end(&txn, old).await?;
    }
    let token = session::start(&txn, user.id).await?;
    txn.commit().await?;
    Ok(token)
}

/// Changes the viewer's password after checking the current one. Every
/// other session of theirs ends (a browser someone else may be using);
/// `keeping` — the session making the change — stays signed in.
pub async fn change_password(
    state: &AppState,
    viewer: Option<&Viewer>,
    keeping: Option<&str>,
    change: PasswordChange,
) -> Result<(), FormError> {
    let viewer = viewer.ok_or(AppError::Unauthenticated)?;
    if change.current.chars().count() > password::MAX_LENGTH {
        return Err(field_error(field::CURRENT_PASSWORD, WRONG_CURRENT));
    }
    let user = app_user::Entity::find_by_id(viewer.user_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if let Err(problem) = password::check(&change.new, &user.email) {
        return Err(field_error(field::NEW_PASSWORD, problem.message));
    }
    let stored = user.password_hash.clone();
    let current = change.current.clone();
    let matches = state
        .hashing
        .run(move || password::verify(&current, &stored))
        .await?;
    if !matches {
        return Err(field_error(field::CURRENT_PASSWORD, WRONG_CURRENT));
    }
    let hash = hash_in(&state.hashing, change.new).await?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    app_user::ActiveModel {
        id: Set(user.id),
        password_hash: Set(hash),
        updated_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    session::end_all_except(&txn, user.id, keeping).await?;
    changes::record(
        &txn,
        Actor::Person(user.id),
        Change::new("account.password_changed", "app_user", user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

const WRONG_CURRENT: &str = "Your current password is not right";

/// Ends every session of the viewer's, on every device, and records it.
pub async fn sign_out_everywhere(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    _: Confirmation,
) -> Result<(), FormError> {
    let viewer = viewer.ok_or(AppError::Unauthenticated)?;
    let txn = crate::server::db::begin_write(db).await?;
    session::end_all_for(&txn, viewer.user_id).await?;
    changes::record(
        &txn,
        Actor::Person(viewer.user_id),
        Change::new("account.signed_out_everywhere", "app_user", viewer.user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// argon2id of a random string nobody knows; verified against when the email is unknown.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    password::hash(&session::new_token()).expect("hash a random password")
});

/// Ends the session behind `token` and records it.
pub async fn sign_out(db: &DatabaseConnection, token: &str, user_id: Uuid) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    session::end(&txn, token).await?;
    changes::record(
        &txn,
        Actor::Person(user_id),
        Change::new("account.signed_out", "app_user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The roles `user` holds, with the names of their scopes.
pub async fn viewer_for<C: ConnectionTrait>(
    db: &C,
    user: &app_user::Model,
) -> Result<Viewer, sea_orm::DbErr> {
    let memberships = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user.id))
        .all(db)
        .await?;
    let mut grants = Vec::with_capacity(memberships.len());
    for m in memberships {
        let Some(role) = Role::parse(&m.role) else {
            tracing::warn!(role = %m.role, "unknown role in membership; ignored");
            continue;
        };
        let (scope_id, scope_name, scope_code, footprint_body_id) = match role {
            Role::PlatformAdmin => (None, None, None, None),
            Role::CouncilBuyer => {
                let org = match m.organisation_id {
                    Some(id) => organisation::Entity::find_by_id(id).one(db).await?,
                    None => None,
                };
                let code = org.as_ref().and_then(|o| o.gss_code.clone());
                (m.organisation_id, org.map(|o| o.short_name), code, None)
            }
            Role::FootprintCoordinator => {
                let fp = match m.footprint_id {
                    Some(id) => footprint::Entity::find_by_id(id).one(db).await?,
                    None => None,
                };
                let body = fp.as_ref().and_then(|f| f.organisation_id);
                let code = fp.as_ref().map(|f| f.code.clone());
                (m.footprint_id, fp.map(|f| f.short_name), code, body)
            }
            Role::SupplierEditor => {
                let s = match m.supplier_id {
                    Some(id) => supplier::Entity::find_by_id(id).one(db).await?,
                    None => None,
                };
                let code = s.as_ref().and_then(|s| s.companies_house_number.clone());
                (m.supplier_id, s.map(|s| s.name), code, None)
            }
        };
        grants.push(Grant {
            membership_id: m.id,
            role,
            scope_id,
            scope_name,
            scope_code,
            footprint_body_id,
        });
    }
    Ok(Viewer {
        user_id: user.id,
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        grants,
    })
}

/// Adds a membership (idempotent: an identical one is not added twice) and
/// records the grant.
pub async fn grant(
    db: &sea_orm::DatabaseTransaction,
    actor: Option<Uuid>,
    user_id: Uuid,
    role: Role,
    scope: Option<Uuid>,
) -> Result<(), sea_orm::DbErr> {
    let Some(after) = add_membership(db, user_id, role, scope).await? else {
        return Ok(());
    };
    let id = after["id"].as_str().unwrap_or_default().to_owned();
    changes::record(
        db,
        Actor::from(actor),
        Change::new("membership.granted", "membership", id).after(after),
    )
    .await
}

/// Inserts a membership unless an identical one exists; returns the new
/// row as recorded in the audit trail, for a caller that records the
/// membership as part of a larger change (registering a supplier).
pub(crate) async fn add_membership(
    db: &sea_orm::DatabaseTransaction,
    user_id: Uuid,
    role: Role,
    scope: Option<Uuid>,
) -> Result<Option<serde_json::Value>, sea_orm::DbErr> {
    let (organisation_id, footprint_id, supplier_id) = match role {
        Role::PlatformAdmin => (None, None, None),
        Role::CouncilBuyer => (scope, None, None),
        Role::FootprintCoordinator => (None, scope, None),
        Role::SupplierEditor => (None, None, scope),
    };
    let existing = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::Role.eq(role.as_str()))
        .all(db)
        .await?
        .into_iter()
        .any(|m| {
            m.organisation_id == organisation_id
                && m.footprint_id == footprint_id
                && m.supplier_id == supplier_id
        });
    if existing {
        return Ok(None);
    }
    let now = OffsetDateTime::now_utc();
    let id = Uuid::new_v4();
    membership::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        role: Set(role.as_str().to_owned()),
        organisation_id: Set(organisation_id),
        footprint_id: Set(footprint_id),
        supplier_id: Set(supplier_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(Some(
        json!({ "id": id, "user_id": user_id, "role": role.as_str(), "scope_id": scope }),
    ))
}

/// Deletes a membership (the role it gave ends at once: roles are read on
/// every request) and records it.
pub async fn revoke(
    db: &sea_orm::DatabaseTransaction,
    actor: Option<Uuid>,
    membership: membership::Model,
) -> Result<(), sea_orm::DbErr> {
    let before = json!({
        "user_id": membership.user_id,
        "role": membership.role,
        "organisation_id": membership.organisation_id,
        "footprint_id": membership.footprint_id,
        "supplier_id": membership.supplier_id,
    });
    let id = membership.id;
    membership::Entity::delete_by_id(id).exec(db).await?;
    changes::record(
        db,
        Actor::from(actor),
        Change::new("membership.removed", "membership", id).before(before),
    )
    .await
}

/// The id of the scope `code` names for `role`: a council's GSS code for a
/// council buyer, a footprint's code for a coordinator, a supplier's Companies
/// House number for a supplier editor. `Ok(Err(message))` when nothing has
/// that code; `Ok(Ok(None))` for platform admins, who have no scope.
pub async fn find_scope<C: ConnectionTrait>(
    db: &C,
    role: Role,
    code: &str,
) -> Result<Result<Option<Uuid>, String>, sea_orm::DbErr> {
    let found = match role {
        Role::PlatformAdmin => return Ok(Ok(None)),
        Role::CouncilBuyer => organisation::Entity::find()
            .filter(organisation::Column::GssCode.eq(code))
            .filter(organisation::Column::Category.eq(organisation::CATEGORY_COUNCIL))
            .one(db)
            .await?
            .map(|o| o.id),
        Role::FootprintCoordinator => footprint::Entity::find()
            .filter(footprint::Column::Code.eq(code))
            .one(db)
            .await?
            .map(|f| f.id),
        Role::SupplierEditor => supplier::Entity::find()
            .filter(supplier::Column::CompaniesHouseNumber.eq(code))
            .one(db)
            .await?
            .map(|s| s.id),
    };
    Ok(found.map(Some).ok_or_else(|| match role {
        Role::CouncilBuyer => format!("No council has the GSS code {code}"),
        Role::FootprintCoordinator => format!("No footprint has the code {code}"),
        _ => format!("No supplier has the Companies House number {code}"),
    }))
}

/// For the CLI: creates (or finds) the account for `email` and gives it
/// `role` in the scope named by `scope_code` (a council's GSS code, a
/// footprint's code, or a supplier's Companies House number). A new account
/// needs `password`, checked by the same rules as sign-up.
pub async fn ensure_user_with_role(
    db: &DatabaseConnection,
    email: &str,
    display_name: &str,
    password: Option<&str>,
    role: Role,
    scope_code: Option<&str>,
) -> Result<Uuid, String> {
    let scope = match (role, scope_code) {
        (Role::PlatformAdmin, _) => None,
        (_, None) => {
            return Err(format!(
                "--scope is required for the {} role",
                role.as_str()
            ));
        }
        (_, Some(code)) => find_scope(db, role, code)
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?,
    };
    let txn = crate::server::db::begin_write(db)
        .await
        .map_err(|e| e.to_string())?;
    let user = match find_by_email(&txn, email)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(user) => user,
        None => {
            // The command line's answers, read by the same parser as sign-up.
            let answers = commands::pairs([
                (field::DISPLAY_NAME, display_name.to_owned()),
                (field::EMAIL, email.to_owned()),
                (field::PASSWORD, password.unwrap_or_default().to_owned()),
            ]);
            let describe = |e: FormError| match e {
                FormError::Fields(errors) => errors
                    .0
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
                FormError::Refused(e) => e.to_string(),
            };
            let account =
                NewAccount::parse(&Input(&answers)).map_err(|errors| describe(errors.into()))?;
            check_password(&account).map_err(describe)?;
            let hash = hash_in(&HashingPool::with_slots(1), account.password.clone())
                .await
                .map_err(|e| e.to_string())?;
            let user = insert_user(&txn, &account, hash, true)
                .await
                .map_err(|e| e.to_string())?;
            changes::record(
                &txn,
                Actor::System,
                Change::new("account.created", "app_user", user.id)
                    .after(json!({ "email": user.email, "by": "command line" })),
            )
            .await
            .map_err(|e| e.to_string())?;
            user
        }
    };
    grant(&txn, None, user.id, role, scope)
        .await
        .map_err(|e| e.to_string())?;
    txn.commit().await.map_err(|e| e.to_string())?;
    Ok(user.id)
}
