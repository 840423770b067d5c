//! Who may do what, in one table, and the one check every mutating path calls.
//!
//! A permission is granted by a role (the `GRANTS` table) *and* scoped by the
//! resource: a council buyer acts only for their council, a coordinator only
//! for frameworks their footprint's body owns, a supplier editor only for their
//! supplier. Platform admins may do everything.
use uuid::Uuid;

use crate::types::{AppError, Grant, Role, Viewer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Create frameworks, edit them, their lots and lot suppliers.
    ManageFrameworks,
    /// Register a new supplier organisation (any signed-in person may).
    RegisterSupplier,
    /// Ask to edit an existing supplier record (any signed-in person may).
    RequestSupplierAccess,
    /// Verify, merge and transfer supplier records; decide any access request.
    CurateSuppliers,
    /// Edit a supplier's profile, colleagues and offers.
    ManageSupplier,
    /// Add and edit a council's contracts.
    ManageContracts,
    /// Freeze searches into a council's shortlists, read and remove them.
    /// Only the council's own buyers: a shortlist is the council's record of
    /// what it considered, not something a platform admin keeps for it.
    KeepShortlists,
    /// Register a council's buying intents and join others' (on
    /// `Resource::Council`); name an intent's lead body and move its status
    /// (on `Resource::Intent`: the owning council's buyers, or the
    /// coordinator of the intent's footprint).
    ManageIntents,
    /// Follow a footprint's or a category's demand by email (any signed-in
    /// person may, for themselves).
    FollowDemand,
    /// Read the audit log.
    ReadAuditLog,
    /// See every account; grant and remove roles; disable accounts.
    ManageUsers,
}

/// What the permission is exercised on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// Nothing in particular (creating a supplier, reading the audit log).
    Platform,
    /// A framework owned by this organisation (`None`: a national body such as CCS).
    Framework {
        owner_organisation_id: Option<Uuid>,
    },
    Supplier(Uuid),
    Council(Uuid),
    /// A buying intent, by the council that owns it and its footprint.
    Intent {
        owner_organisation_id: Uuid,
        footprint_id: Option<Uuid>,
    },
}

/// The role → permission table. Scope is checked separately in [`in_scope`].
const GRANTS: &[(Role, Permission)] = &[
    (Role::PlatformAdmin, Permission::ManageFrameworks),
    (Role::PlatformAdmin, Permission::ManageSupplier),
    (Role::PlatformAdmin, Permission::ManageContracts),
    (Role::PlatformAdmin, Permission::ReadAuditLog),
    (Role::PlatformAdmin, Permission::ManageUsers),
    (Role::PlatformAdmin, Permission::CurateSuppliers),
    (Role::PlatformAdmin, Permission::ManageIntents),
    (Role::FootprintCoordinator, Permission::ManageIntents),
    (Role::FootprintCoordinator, Permission::ManageFrameworks),
    (Role::SupplierEditor, Permission::ManageSupplier),
    (Role::CouncilBuyer, Permission::ManageContracts),
    (Role::CouncilBuyer, Permission::KeepShortlists),
    (Role::CouncilBuyer, Permission::ManageIntents),
];

/// Whether `role` carries `permission` at all.
pub fn role_grants(role: Role, permission: Permission) -> bool {
    GRANTS.contains(&(role, permission))
}

fn in_scope(grant: &Grant, resource: Resource) -> bool {
    match (grant.role, resource) {
        (Role::PlatformAdmin, _) => true,
        (
            Role::FootprintCoordinator,
            Resource::Framework {
                owner_organisation_id,
            },
        ) => owner_organisation_id.is_some() && grant.footprint_body_id == owner_organisation_id,
        (Role::SupplierEditor, Resource::Supplier(id)) => grant.scope_id == Some(id),
        (Role::CouncilBuyer, Resource::Council(id)) => grant.scope_id == Some(id),
        (
            Role::CouncilBuyer,
            Resource::Intent {
                owner_organisation_id,
                ..
            },
        ) => grant.scope_id == Some(owner_organisation_id),
        (Role::FootprintCoordinator, Resource::Intent { footprint_id, .. }) => {
            footprint_id.is_some() && grant.scope_id == footprint_id
        }
        _ => false,
    }
}

/// `Ok` when `viewer` may exercise `permission` on `resource`; otherwise
/// `Unauthenticated` (nobody signed in) or `Forbidden`.
pub fn require(
    viewer: Option<&Viewer>,
    permission: Permission,
    resource: Resource,
) -> Result<(), AppError> {
    let viewer = viewer.ok_or(AppError::Unauthenticated)?;
    // What every signed-in person may do.
    if matches!(
        permission,
        Permission::RegisterSupplier | Permission::RequestSupplierAccess | Permission::FollowDemand
    ) {
        return Ok(());
    }
    let allowed = viewer
        .grants
        .iter()
        .any(|g| role_grants(g.role, permission) && in_scope(g, resource));
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether `viewer` may exercise `permission` on `resource`: what a read
/// service sets `may_edit` from, by the same rule the writes enforce.
pub fn may(viewer: Option<&Viewer>, permission: Permission, resource: Resource) -> bool {
    require(viewer, permission, resource).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role, scope_id: Option<Uuid>, body: Option<Uuid>) -> Viewer {
        Viewer {
            user_id: Uuid::nil(),
            email: "a@b.gov.uk".into(),
            display_name: "A".into(),
            grants: vec![Grant {
                membership_id: Uuid::nil(),
                role,
                scope_id,
                scope_name: None,
                scope_code: None,
                footprint_body_id: body,
            }],
        }
    }

    #[test]
    fn nobody_signed_in_is_unauthenticated() {
        assert_eq!(
            require(None, Permission::RegisterSupplier, Resource::Platform),
            Err(AppError::Unauthenticated)
        );
    }

    #[test]
    fn scopes_limit_each_role_to_its_own_records() {
        let (mine, theirs) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let buyer = viewer(Role::CouncilBuyer, Some(mine), None);
        assert_eq!(
            require(
                Some(&buyer),
                Permission::ManageContracts,
                Resource::Council(mine)
            ),
            Ok(())
        );
        assert_eq!(
            require(
                Some(&buyer),
                Permission::ManageContracts,
                Resource::Council(theirs)
            ),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            require(
                Some(&buyer),
                Permission::ManageFrameworks,
                Resource::Framework {
                    owner_organisation_id: Some(mine)
                }
            ),
            Err(AppError::Forbidden)
        );

        let editor = viewer(Role::SupplierEditor, Some(mine), None);
        assert!(
            require(
                Some(&editor),
                Permission::ManageSupplier,
                Resource::Supplier(mine)
            )
            .is_ok()
        );
        assert_eq!(
            require(
                Some(&editor),
                Permission::ManageSupplier,
                Resource::Supplier(theirs)
            ),
            Err(AppError::Forbidden)
        );

        let coordinator = viewer(Role::FootprintCoordinator, Some(theirs), Some(mine));
        let own = Resource::Framework {
            owner_organisation_id: Some(mine),
        };
        let national = Resource::Framework {
            owner_organisation_id: None,
        };
        assert!(require(Some(&coordinator), Permission::ManageFrameworks, own).is_ok());
        assert_eq!(
            require(Some(&coordinator), Permission::ManageFrameworks, national),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            require(
                Some(&coordinator),
                Permission::ReadAuditLog,
                Resource::Platform
            ),
            Err(AppError::Forbidden)
        );

        let admin = viewer(Role::PlatformAdmin, None, None);
        for permission in [
            Permission::ManageFrameworks,
            Permission::ManageSupplier,
            Permission::ManageContracts,
            Permission::ReadAuditLog,
        ] {
            assert!(require(Some(&admin), permission, national).is_ok());
        }
    }

    #[test]
    fn an_intent_is_moved_by_its_council_or_its_footprint_coordinator() {
        let (owner, other, footprint) =
            (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let intent = Resource::Intent {
            owner_organisation_id: owner,
            footprint_id: Some(footprint),
        };
        let may_move = |who: &Viewer| may(Some(who), Permission::ManageIntents, intent);
        assert!(may_move(&viewer(Role::CouncilBuyer, Some(owner), None)));
        assert!(!may_move(&viewer(Role::CouncilBuyer, Some(other), None)));
        assert!(may_move(&viewer(
            Role::FootprintCoordinator,
            Some(footprint),
            None
        )));
        assert!(!may_move(&viewer(
            Role::FootprintCoordinator,
            Some(other),
            None
        )));
        assert!(!may_move(&viewer(Role::SupplierEditor, Some(owner), None)));
        let without_footprint = Resource::Intent {
            owner_organisation_id: owner,
            footprint_id: None,
        };
        let coordinator = viewer(Role::FootprintCoordinator, None, None);
        assert!(!may(
            Some(&coordinator),
            Permission::ManageIntents,
            without_footprint
        ));
        // Coordinators move intents; they do not register them for a council.
        assert!(!may(
            Some(&viewer(Role::FootprintCoordinator, Some(footprint), None)),
            Permission::ManageIntents,
            Resource::Council(owner)
        ));
    }

    #[test]
    fn only_admins_curate_supplier_records() {
        let supplier = Uuid::from_u128(3);
        let editor = viewer(Role::SupplierEditor, Some(supplier), None);
        let coordinator = viewer(Role::FootprintCoordinator, None, Some(supplier));
        for who in [&editor, &coordinator] {
            assert_eq!(
                require(Some(who), Permission::CurateSuppliers, Resource::Platform),
                Err(AppError::Forbidden)
            );
        }
        let admin = viewer(Role::PlatformAdmin, None, None);
        assert_eq!(
            require(
                Some(&admin),
                Permission::CurateSuppliers,
                Resource::Platform
            ),
            Ok(())
        );
        assert_eq!(
            require(None, Permission::RequestSupplierAccess, Resource::Platform),
            Err(AppError::Unauthenticated)
        );
        assert_eq!(
            require(
                Some(&coordinator),
                Permission::RequestSupplierAccess,
                Resource::Supplier(supplier)
            ),
            Ok(())
        );
    }

    #[test]
    fn any_signed_in_person_may_register_a_supplier() {
        let buyer = viewer(Role::CouncilBuyer, Some(Uuid::nil()), None);
        let nobody = Viewer {
            grants: vec![],
            ..buyer
        };
        assert!(
            require(
                Some(&nobody),
                Permission::RegisterSupplier,
                Resource::Platform
            )
            .is_ok()
        );
    }
}
