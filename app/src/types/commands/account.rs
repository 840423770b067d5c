//! Accounts: signing up and in, and what an admin changes about an account.
use serde::{Deserialize, Serialize};

use super::{Command, finish};
use crate::types::validate::{self, Input};
use crate::types::{FieldErrors, Role};

pub const DISPLAY_NAME: &str = "display_name";
pub const EMAIL: &str = "email";
pub const PASSWORD: &str = "password";
/// Where to go after signing in (a local path; checked by the endpoint).
pub const NEXT: &str = "next";

pub const CURRENT_PASSWORD: &str = "current_password";
pub const NEW_PASSWORD: &str = "new_password";

/// The token from an emailed link, carried by the page's form.
pub const TOKEN: &str = "token";

pub const ROLE: &str = "role";
pub const SCOPE: &str = "scope";
/// `yes` to disable, `no` to re-enable.
pub const DISABLED: &str = "disabled";

/// A password exactly as typed: spaces are allowed anywhere.
fn password(input: &Input<'_>) -> String {
    raw(input, PASSWORD)
}

/// The value of `name` exactly as typed (not trimmed).
fn raw(input: &Input<'_>, name: &str) -> String {
    input
        .0
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A signed-in person changing their password: the current one, to show it
/// is them, and the new one (whose strength the accounts service checks).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange { .. }")
    }
}

impl Command for PasswordChange {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let current = raw(input, CURRENT_PASSWORD);
        if current.is_empty() {
            errors.add(CURRENT_PASSWORD, "Enter your current password");
        }
        let new = raw(input, NEW_PASSWORD);
        if new.is_empty() {
            errors.add(NEW_PASSWORD, "Enter a new password");
        } else if new == current {
            errors.add(
                NEW_PASSWORD,
                "Enter a new password that is different from your current one",
            );
        }
        finish(errors, Some(PasswordChange { current, new }))
    }
}

/// The token from an emailed link: all a confirmation or an invitation
/// acceptance needs (the link proves the address).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailLink {
    pub token: String,
}

impl std::fmt::Debug for EmailLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmailLink { .. }")
    }
}

impl Command for EmailLink {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let token = input.text(TOKEN).to_owned();
        if token.is_empty() {
            errors.add(
                "submit",
                "This link is not valid: check you copied the whole link from the email",
            );
        }
        finish(errors, Some(EmailLink { token }))
    }
}

/// Asking for a link to reset a forgotten password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetRequest {
    pub email: String,
}

impl Command for PasswordResetRequest {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = validate::email(&mut errors, EMAIL, input.text(EMAIL));
        finish(errors, Some(PasswordResetRequest { email }))
    }
}

/// A new password chosen through a reset link.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub token: String,
    pub new: String,
}

impl std::fmt::Debug for PasswordReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordReset { .. }")
    }
}

impl Command for PasswordReset {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let token = input.text(TOKEN).to_owned();
        let new = raw(input, NEW_PASSWORD);
        if new.is_empty() {
            errors.add(NEW_PASSWORD, "Enter a new password");
        }
        finish(errors, Some(PasswordReset { token, new }))
    }
}

/// A new account. The password's strength (length, deny-list) is checked by
/// the accounts service, which holds the rules and the list.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    pub display_name: String,
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for NewAccount {
    // Never print a password, even in a test failure.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("display_name", &self.display_name)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl Command for NewAccount {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let display_name = input.required(&mut errors, DISPLAY_NAME, "your full name", 200);
        let email = validate::email(&mut errors, EMAIL, input.text(EMAIL));
        let password = password(input);
        if password.is_empty() {
            errors.add(PASSWORD, "Enter a password");
        }
        finish(
            errors,
            Some(NewAccount {
                display_name,
                email,
                password,
            }),
        )
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl Command for SignIn {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = validate::email(&mut errors, EMAIL, input.text(EMAIL));
        let password = password(input);
        if password.is_empty() {
            errors.add(PASSWORD, "Enter your password");
        }
        finish(errors, Some(SignIn { email, password }))
    }
}

/// A role for an account, with the code of its scope: a council's GSS code,
/// a footprint's code or a supplier's Companies House number (upper-cased);
/// none for platform admins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub scope_code: Option<String>,
}

/// What to enter as the scope of `role`, as an error message.
pub fn scope_prompt(role: Role) -> &'static str {
    match role {
        Role::CouncilBuyer => "Enter the council's GSS code, like E08000003",
        Role::FootprintCoordinator => "Enter the footprint's code, like E47000001",
        _ => "Enter the supplier's Companies House number, like 01234567",
    }
}

impl Command for RoleGrant {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let role = Role::parse(input.text(ROLE));
        let code = input.text(SCOPE).to_uppercase();
        match role {
            None => errors.add(ROLE, "Select a role"),
            Some(role) if role != Role::PlatformAdmin && code.is_empty() => {
                errors.add(SCOPE, scope_prompt(role))
            }
            Some(_) => {}
        }
        finish(
            errors,
            role.map(|role| RoleGrant {
                role,
                scope_code: (role != Role::PlatformAdmin).then_some(code),
            }),
        )
    }
}

/// Disable or re-enable an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountStatus {
    pub disabled: bool,
}

impl Command for AccountStatus {
    fn parse(input: &Input<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let disabled = match input.text(DISABLED) {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                errors.add(
                    "submit",
                    "Choose whether to disable or re-enable the account",
                );
                None
            }
        };
        finish(errors, disabled.map(|disabled| AccountStatus { disabled }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::commands::form;

    #[test]
    fn passwords_are_kept_as_typed_and_never_printed() {
        let account = NewAccount::parse(&Input(&form(&[
            (DISPLAY_NAME, "Sam"),
            (EMAIL, "Sam@Example.gov.uk"),
            (PASSWORD, "  river teacup  "),
        ])))
        .unwrap();
        assert_eq!(account.password, "  river teacup  ");
        assert_eq!(account.email, "sam@example.gov.uk");
        assert!(!format!("{account:?}").contains("teacup"));
    }

    #[test]
    fn a_role_needs_a_scope_unless_it_is_admin() {
        let grant = RoleGrant::parse(&Input(&form(&[
            (ROLE, "council_buyer"),
            (SCOPE, "e08000003"),
        ])))
        .unwrap();
        assert_eq!(grant.scope_code.as_deref(), Some("E08000003"));
        let admin =
            RoleGrant::parse(&Input(&form(&[(ROLE, "platform_admin"), (SCOPE, "x")]))).unwrap();
        assert_eq!(admin.scope_code, None);
        let errors =
            RoleGrant::parse(&Input(&form(&[(ROLE, "footprint_coordinator")]))).unwrap_err();
        assert_eq!(
            errors.0[0].message,
            scope_prompt(Role::FootprintCoordinator)
        );
        assert!(AccountStatus::parse(&Input(&form(&[(DISABLED, "maybe")]))).is_err());
    }
}
