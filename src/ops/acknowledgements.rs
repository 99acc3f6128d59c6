//! A unit's acknowledgement of its published result (回执, issue 17): the unit says it has
//! received the result circulated to it, optionally with a note. An acknowledgement answers
//! one publication, the cycle's latest `published` transition (`cycle_transitions`): after the
//! office reopens the cycle and publishes it again, the unit acknowledges again, and its to-do
//! list (`ops::tasks`) asks it to.
//!
//! Acknowledging is idempotent: a second acknowledgement of the same publication answers the
//! first, unchanged (200), so a retry never fails and never records twice.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::{AuthUser, Role};
use crate::error::ApiError;
use crate::models::commendation::Acknowledgement;
use crate::models::cycle_unit::CycleUnit;
use crate::models::{CycleId, TransitionId, UnitId};
use crate::ops::cycles::find_cycle;
use crate::ops::results::{not_published, published};

/// Whether a unit has acknowledged the current publication of its result.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[schema(example = json!({
    "cycle_id": 1, "unit_id": 9, "publication_id": 12,
    "published_at": "2014-11-20T02:00:00Z", "acknowledged": true,
    "acknowledged_by": "unit-user-9", "acknowledged_by_name": "小江镇党委办公室",
    "acknowledged_at": "2014-11-21T01:30:00Z", "note": "已收到考核结果，将认真整改"
}))]
pub struct AcknowledgementView {
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// The unit.
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    /// The current publication: the id of the cycle's latest transition to `published` (null
    /// before the first).
    #[schema(value_type = Option<i64>)]
    pub publication_id: Option<TransitionId>,
    /// When it was published (null before the first publication).
    pub published_at: Option<DateTime<Utc>>,
    /// Whether the unit has acknowledged the current publication.
    pub acknowledged: bool,
    /// Who acknowledged it (`sub`; null until acknowledged).
    pub acknowledged_by: Option<String>,
    /// Their name.
    pub acknowledged_by_name: Option<String>,
    /// When.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The unit's note, if it wrote one.
    pub note: Option<String>,
}

impl AcknowledgementView {
    fn of(
        (cycle_id, unit_id): (CycleId, UnitId),
        publication: Option<(TransitionId, DateTime<Utc>)>,
        ack: Option<Acknowledgement>,
    ) -> Self {
        Self {
            cycle_id,
            unit_id,
            publication_id: publication.map(|(id, _)| id),
            published_at: publication.map(|(_, at)| at),
            acknowledged: ack.is_some(),
            acknowledged_by: ack.as_ref().map(|a| a.acknowledged_by.clone()),
            acknowledged_by_name: ack.as_ref().map(|a| a.acknowledged_by_name.clone()),
            acknowledged_at: ack.as_ref().map(|a| a.acknowledged_at),
            note: ack.and_then(|a| a.note),
        }
    }
}

/// The rule of both calls: the office reads any unit's, a unit only its own (404 for another's,
/// and for a unit the cycle does not hold); a unit's own before publication is 403
/// `not_published`. Returns the current publication (none for the office before the first).
fn publication(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, unit_id): (CycleId, UnitId),
) -> Result<Option<(TransitionId, DateTime<Utc>)>, ApiError> {
    let hidden = || {
        ApiError::not_found(format!(
            "no result of unit {unit_id} in cycle {cycle_id} in the caller's scope"
        ))
    };
    if user.role == Role::Inspector {
        return Err(ApiError::Forbidden(
            "the office and the unit itself read a unit's acknowledgement".to_owned(),
        ));
    }
    let own = user.role == Role::Unit && user.unit_id == Some(unit_id);
    if user.role != Role::Office && !own {
        return Err(hidden());
    }
    let cycle = find_cycle(conn, cycle_id)?;
    if CycleUnit::find(conn, cycle_id, unit_id)?.is_none() {
        return Err(hidden());
    }
    let current = if published(&cycle) {
        Acknowledgement::latest_publication(conn, cycle_id)?
    } else {
        None
    };
    if current.is_none() && user.role != Role::Office {
        return Err(not_published());
    }
    Ok(current)
}

/// The unit's acknowledgement of the current publication, or that there is none yet.
pub fn read(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: (CycleId, UnitId),
) -> Result<AcknowledgementView, ApiError> {
    let current = publication(conn, user, at)?;
    let ack = match current {
        Some((transition, _)) => Acknowledgement::find(conn, at, transition)?,
        None => None,
    };
    Ok(AcknowledgementView::of(at, current, ack))
}

/// The unit's acknowledgement of the current publication if it made one already (the answer
/// to a repeated acknowledgement), after the rule of [`read`].
pub fn made(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: (CycleId, UnitId),
) -> Result<Option<AcknowledgementView>, ApiError> {
    let view = read(conn, user, at)?;
    Ok(view.acknowledged.then_some(view))
}

/// Records the unit's (`user`'s) acknowledgement of the current publication, with its note.
/// Returns the view and the audit record.
pub fn acknowledge(
    conn: &mut PgConnection,
    user: &AuthUser,
    at: (CycleId, UnitId),
    note: Option<String>,
) -> Result<(AcknowledgementView, Change), ApiError> {
    let Some(current) = publication(conn, user, at)? else {
        return Err(not_published());
    };
    let row = Acknowledgement::insert(
        conn,
        at,
        current.0,
        (&user.sub, &user.name),
        note.as_deref(),
    )?;
    let id = row.id;
    let view = AcknowledgementView::of(at, Some(current), Some(row));
    let change = Change::created("result_acknowledgement", id, &view);
    Ok((view, change))
}
