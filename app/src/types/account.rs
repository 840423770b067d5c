//! Who is using the service: roles, the grants a user holds and the signed-in
//! viewer the pages see.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The four roles a membership can give. Stored as `as_str()` in `membership.role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    CouncilBuyer,
    FootprintCoordinator,
    SupplierEditor,
    PlatformAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::CouncilBuyer,
        Role::FootprintCoordinator,
        Role::SupplierEditor,
        Role::PlatformAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::CouncilBuyer => "council_buyer",
            Role::FootprintCoordinator => "footprint_coordinator",
            Role::SupplierEditor => "supplier_editor",
            Role::PlatformAdmin => "platform_admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::CouncilBuyer => "Council buyer",
            Role::FootprintCoordinator => "Footprint coordinator",
            Role::SupplierEditor => "Supplier editor",
            Role::PlatformAdmin => "Platform admin",
        }
    }
}

/// One role held for one scope: a council (council buyer), a footprint
/// (coordinator), a supplier (supplier editor) or the whole platform (admin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The membership row that gives it (admins remove roles by this id).
    pub membership_id: Uuid,
    pub role: Role,
    /// The council, footprint or supplier the role is held for; `None` for admins.
    pub scope_id: Option<Uuid>,
    /// That scope's name, for display.
    pub scope_name: Option<String>,
    /// Its code: a council's GSS code, a footprint's code, a supplier's
    /// Companies House number.
    pub scope_code: Option<String>,
    /// For coordinators: the body that leads the footprint (its combined or
    /// strategic authority), which owns the frameworks they curate.
    pub footprint_body_id: Option<Uuid>,
}

/// The signed-in person, as the pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub grants: Vec<Grant>,
}

impl Viewer {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The scopes in which the viewer holds `role`.
    pub fn scopes(&self, role: Role) -> impl Iterator<Item = &Grant> {
        self.grants.iter().filter(move |g| g.role == role)
    }
}

/// What every page needs to know about the visitor: who they are (if signed
/// in) and the anti-forgery token its forms must send back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Visitor {
    pub viewer: Option<Viewer>,
    pub csrf_token: String,
}

/// What a page opened from an emailed link needs: whether the link works
/// (`problem` says why not) and the address it was sent to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailLinkCheck {
    pub problem: Option<String>,
    pub email: Option<String>,
    /// For an invitation: the supplier the invitee would edit.
    pub supplier_name: Option<String>,
    /// The address of whoever is signed in, if anyone.
    pub signed_in_as: Option<String>,
}

/// One message in the email outbox, as platform admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailLogItem {
    pub to: String,
    pub subject: String,
    pub kind: String,
    /// "Sent", "Waiting (attempt 2 failed: …)", "Not delivered: …".
    pub status: String,
    pub queued_at: String,
    /// Only when messages go to the local folder (they never left the machine).
    pub body: Option<String>,
}

/// The admin's email page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailLog {
    /// Where messages go: "the folder …" or "the SMTP server".
    pub delivery: String,
    pub items: Vec<EmailLogItem>,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub occurred_at: String,
    /// The actor's email; `None` for the system (imports, CLI).
    pub actor: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// JSON: {"before": …, "after": …}
    pub change_summary: String,
}

impl Grant {
    /// "Council buyer for Manchester", "Platform admin".
    pub fn describe(&self) -> String {
        match &self.scope_name {
            Some(scope) => format!("{} for {scope}", self.role.label()),
            None => self.role.label().to_owned(),
        }
    }
}

/// An account in the admins' user list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListItem {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub is_disabled: bool,
    /// [`Grant::describe`] of each role held.
    pub roles: Vec<String>,
}

/// A page of accounts filtered by name or email and role.
pub type UserListing = super::Listing<UserListItem>;

/// One account as an admin manages it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub is_disabled: bool,
    /// "23 November 2026"
    pub created_on: String,
    pub last_sign_in_on: Option<String>,
    pub grants: Vec<Grant>,
    /// The admin is looking at their own account (they may not disable it).
    pub is_self: bool,
}
