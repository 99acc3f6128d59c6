//! The access rules: one named function per rule, used by every handler that needs it.
//!
//! An object outside the caller's scope answers 404, exactly as if it did not exist; inside the
//! scope but not allowed to the role answers 403 (DOMAIN.md, "Access rule").

use super::{AuthUser, Role};
use crate::models::UnitId;

/// Whether the caller may read the unit's registry entry and leaders.
///
/// The office reads every unit; a unit-role caller only its own; an inspector, until teams
/// exist, none.
pub fn can_read_unit(user: &AuthUser, unit_id: UnitId) -> bool {
    match user.role {
        Role::Office => true,
        Role::Unit => user.unit_id == Some(unit_id),
        Role::Inspector => false,
    }
}

/// Whether the caller may write as unit `unit_id` (its own self-inspection and reports).
pub fn is_own_unit(user: &AuthUser, unit_id: UnitId) -> bool {
    user.role == Role::Unit && user.unit_id == Some(unit_id)
}

/// The units a caller may list: `None` means all, `Some(ids)` exactly those.
pub fn visible_units(user: &AuthUser) -> Option<Vec<UnitId>> {
    match user.role {
        Role::Office => None,
        Role::Unit => Some(user.unit_id.into_iter().collect()),
        Role::Inspector => Some(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, unit: Option<i64>) -> AuthUser {
        AuthUser {
            sub: "s".into(),
            name: "n".into(),
            role,
            unit_id: unit.map(UnitId),
            request_id: None,
        }
    }

    #[test]
    fn a_unit_reads_only_itself() {
        assert!(can_read_unit(&user(Role::Unit, Some(3)), UnitId(3)));
        assert!(!can_read_unit(&user(Role::Unit, Some(3)), UnitId(4)));
    }

    #[test]
    fn the_office_reads_all_and_inspectors_none_yet() {
        assert!(can_read_unit(&user(Role::Office, None), UnitId(9)));
        assert!(!can_read_unit(&user(Role::Inspector, None), UnitId(9)));
        assert_eq!(visible_units(&user(Role::Inspector, None)), Some(vec![]));
    }
}
