//! Units of the registry: loading one the caller may read, and the rules every write on a unit
//! keeps (an archived unit is read-only; a kind allows so many first responsible persons).

use diesel::PgConnection;

use crate::auth::{AuthUser, scope};
use crate::error::ApiError;
use crate::models::{Leader, Unit, UnitId, UnitKind};

/// The 404 for a unit that does not exist or is outside the caller's scope.
pub fn unit_not_found(id: UnitId) -> ApiError {
    ApiError::not_found(format!("unit {id} does not exist"))
}

/// Loads a unit the caller may read (404 otherwise, the same answer as a missing one).
pub fn find_visible(
    conn: &mut PgConnection,
    user: &AuthUser,
    id: UnitId,
) -> Result<Unit, ApiError> {
    if !scope::can_read_registry_unit(conn, user, id)? {
        return Err(unit_not_found(id));
    }
    Unit::find(conn, id).map_err(|e| match e {
        diesel::result::Error::NotFound => unit_not_found(id),
        other => other.into(),
    })
}

/// Locks a unit the caller may read, for a write in the same transaction.
pub fn lock_visible(
    conn: &mut PgConnection,
    user: &AuthUser,
    id: UnitId,
) -> Result<Unit, ApiError> {
    if !scope::can_read_registry_unit(conn, user, id)? {
        return Err(unit_not_found(id));
    }
    Unit::find_for_update(conn, id).map_err(|e| match e {
        diesel::result::Error::NotFound => unit_not_found(id),
        other => other.into(),
    })
}

/// Answers 409 when the unit is archived: an archived unit is read-only.
pub fn ensure_active(unit: &Unit) -> Result<(), ApiError> {
    if unit.archived_at.is_some() {
        return Err(ApiError::Conflict {
            code: "unit_archived",
            detail: format!(
                "unit {} is archived and read-only; restore it first",
                unit.id
            ),
        });
    }
    Ok(())
}

/// Answers 409 when a unit of `kind` would have more first responsible persons than allowed.
pub fn ensure_first_responsible_limit(kind: UnitKind, count: i64) -> Result<(), ApiError> {
    let limit = kind.first_responsible_limit();
    if count > limit {
        return Err(ApiError::Conflict {
            code: "too_many_first_responsible",
            detail: format!(
                "a unit of kind {} has at most {limit} first responsible person(s); \
                 it would have {count}",
                kind.as_str()
            ),
        });
    }
    Ok(())
}

/// Counts the unit's first responsible persons.
pub fn first_responsible_count(conn: &mut PgConnection, id: UnitId) -> Result<i64, ApiError> {
    Ok(Leader::count_first_responsible(conn, id, None)?)
}
