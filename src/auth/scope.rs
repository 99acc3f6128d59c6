//! The access rules: one named function per rule, used by every handler that needs it.
//!
//! An object outside the caller's scope answers 404, exactly as if it did not exist; inside the
//! scope but not allowed to the role answers 403 (DOMAIN.md, "Access rule"). Which units an
//! inspector may see comes from the teams they lead or are on, in the database, never from the
//! token.

use diesel::prelude::*;

use super::{AuthUser, Role};
use crate::models::UnitId;
use crate::schema::{inspection_teams, team_members, team_units};

/// The units assigned to a team that `sub` leads or is a member of, in any cycle.
pub fn inspected_by(conn: &mut PgConnection, sub: &str) -> QueryResult<Vec<UnitId>> {
    let member_teams = team_members::table
        .filter(team_members::sub.eq(sub.to_owned()))
        .select(team_members::team_id);
    let led_teams = inspection_teams::table
        .filter(inspection_teams::leader_sub.eq(sub.to_owned()))
        .select(inspection_teams::id);
    team_units::table
        .filter(
            team_units::team_id
                .eq_any(member_teams)
                .or(team_units::team_id.eq_any(led_teams)),
        )
        .select(team_units::unit_id)
        .distinct()
        .load(conn)
}

/// Whether the caller may read the unit and what belongs to it: the office every unit, a
/// unit-role caller only its own, an inspector the units of their teams.
pub fn can_read_unit(
    conn: &mut PgConnection,
    user: &AuthUser,
    unit_id: UnitId,
) -> QueryResult<bool> {
    Ok(match user.role {
        Role::Office => true,
        Role::Unit => user.unit_id == Some(unit_id),
        Role::Inspector => inspected_by(conn, &user.sub)?.contains(&unit_id),
    })
}

/// Whether the caller may write as unit `unit_id` (its own self-inspection and reports).
pub fn is_own_unit(user: &AuthUser, unit_id: UnitId) -> bool {
    user.role == Role::Unit && user.unit_id == Some(unit_id)
}

/// The units a caller may list: `None` means all, `Some(ids)` exactly those.
pub fn visible_units(conn: &mut PgConnection, user: &AuthUser) -> QueryResult<Option<Vec<UnitId>>> {
    Ok(match user.role {
        Role::Office => None,
        Role::Unit => Some(user.unit_id.into_iter().collect()),
        Role::Inspector => Some(inspected_by(conn, &user.sub)?),
    })
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
    fn a_unit_writes_only_as_itself() {
        assert!(is_own_unit(&user(Role::Unit, Some(3)), UnitId(3)));
        assert!(!is_own_unit(&user(Role::Unit, Some(3)), UnitId(4)));
        assert!(!is_own_unit(&user(Role::Office, None), UnitId(3)));
    }
}
