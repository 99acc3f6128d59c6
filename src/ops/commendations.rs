//! Commendations and notices (issue 15 item 6; plan §5: outstanding teams and leaders are
//! commended, serious problems may be criticised in a notice): the office records whom, why
//! and the document reference (文号), with a scope, while the cycle is in review or published.
//!
//! Publication is kept simple and lazy: a record is published when the office published it
//! on its own (`POST …/publish`, only once the cycle's results are published: `published_at`
//! is set) or when it goes with the results (`with_results`, the default) and the cycle is
//! published (or archived after). Nothing is written when the cycle is published, so the
//! publication of a cycle needs no step of ours; a record that goes with the results is
//! hidden again while the office reopens the cycle, as the results are.
//!
//! Who sees a published record: the office every record at any time; a unit those of scope
//! `units`, and those of scope `unit` that name it; an inspector those of both scopes that
//! name a unit of their teams in the cycle. Scope `office` stays with the office. Anything
//! else answers 404, as if absent.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::{AuthUser, Role, scope};
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::models::commendation::{
    Commendation, CommendationKind, CommendationScope, CommendationText,
};
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::CycleUnit;
use crate::models::{CommendationId, CycleId, Leader, LeaderId, UnitId};
use crate::ops::cycles::find_cycle;
use crate::schema::units;

/// A commendation or notice, as its reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "cycle_id": 3, "kind": "unit_commendation", "unit_id": 9, "unit_name": "小江镇",
    "leader_id": null, "leader_name": null,
    "reason": "党风廉政建设责任制落实有力，考核成绩位居全县前列",
    "document_ref": "阳纪发〔2013〕40号", "scope": "units", "with_results": true,
    "published": false, "published_at": null, "recorded_by": "office-admin",
    "recorded_by_name": "县纪委办公室", "recorded_at": "2013-11-10T08:00:00Z",
    "updated_at": "2013-11-10T08:00:00Z", "version": 1
}))]
pub struct CommendationView {
    /// Record id.
    #[schema(value_type = i64)]
    pub id: CommendationId,
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// What it is.
    pub kind: CommendationKind,
    /// The unit commended or criticised (or whose leader is commended).
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    /// Its name.
    pub unit_name: String,
    /// The commended leader (a leader commendation only).
    #[schema(value_type = Option<i64>)]
    pub leader_id: Option<LeaderId>,
    /// Their name, as it was when recorded.
    pub leader_name: Option<String>,
    /// 事由 (why).
    pub reason: String,
    /// 文号 (the reference of the document that records it).
    pub document_ref: String,
    /// Who sees it once published.
    pub scope: CommendationScope,
    /// Whether it is published with the cycle's results, without a step of its own.
    pub with_results: bool,
    /// Whether it is published now: on its own, or with the results while they are.
    pub published: bool,
    /// When the office published it on its own (null when it goes with the results only).
    pub published_at: Option<DateTime<Utc>>,
    /// Who recorded it (`sub`).
    pub recorded_by: String,
    /// Their name.
    pub recorded_by_name: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When it changed last (who did is on the audit trail).
    pub updated_at: DateTime<Utc>,
    /// Version; the `ETag` is this number, quoted.
    pub version: i32,
}

/// What a record or a replacement writes, checked field by field by the caller's body.
#[derive(Debug, Clone)]
pub struct CommendationInput {
    pub kind: CommendationKind,
    pub unit_id: UnitId,
    pub leader_id: Option<LeaderId>,
    pub reason: String,
    pub document_ref: String,
    pub scope: CommendationScope,
    pub with_results: bool,
}

fn not_found(cycle_id: CycleId, id: CommendationId) -> ApiError {
    ApiError::not_found(format!(
        "cycle {cycle_id} has no commendation or notice {id} in the caller's scope"
    ))
}

fn view(row: Commendation, unit_name: String, state: CycleState) -> CommendationView {
    CommendationView {
        published: row.is_published(state),
        id: row.id,
        cycle_id: row.cycle_id,
        kind: row.kind,
        unit_id: row.unit_id,
        unit_name,
        leader_id: row.leader_id,
        leader_name: row.leader_name,
        reason: row.reason,
        document_ref: row.document_ref,
        scope: row.scope,
        with_results: row.with_results,
        published_at: row.published_at,
        recorded_by: row.recorded_by,
        recorded_by_name: row.recorded_by_name,
        recorded_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
    }
}

/// The views of `rows`, with their units' names read in one statement.
fn views(
    conn: &mut PgConnection,
    rows: Vec<Commendation>,
    state: CycleState,
) -> Result<Vec<CommendationView>, ApiError> {
    let ids: Vec<UnitId> = rows.iter().map(|r| r.unit_id).collect();
    let names: Vec<(UnitId, String)> = units::table
        .filter(units::id.eq_any(&ids))
        .select((units::id, units::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = names
                .iter()
                .find(|(id, _)| *id == row.unit_id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default();
            view(row, name, state)
        })
        .collect())
}

fn one_view(
    conn: &mut PgConnection,
    row: Commendation,
    state: CycleState,
) -> Result<CommendationView, ApiError> {
    views(conn, vec![row], state)?
        .pop()
        .ok_or_else(|| ApiError::internal("a commendation without its view"))
}

/// Whether `user` sees `row` (see the module's rule); `inspected` are the units of the
/// inspector's teams in the cycle.
fn visible(user: &AuthUser, row: &Commendation, state: CycleState, inspected: &[UnitId]) -> bool {
    if user.role == Role::Office {
        return true;
    }
    if !row.is_published(state) {
        return false;
    }
    match (user.role, row.scope) {
        (_, CommendationScope::Office) => false,
        (Role::Unit, CommendationScope::Units) => true,
        (Role::Unit, CommendationScope::Unit) => user.unit_id == Some(row.unit_id),
        (Role::Inspector, _) => inspected.contains(&row.unit_id),
        (Role::Office, _) => true,
    }
}

/// The units of the inspector's teams in the cycle (none for the other roles).
fn inspected(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
) -> Result<Vec<UnitId>, ApiError> {
    Ok(match user.role {
        Role::Inspector => scope::inspected_in_cycle(conn, &user.sub, cycle_id)?,
        _ => Vec::new(),
    })
}

/// The cycle's records the caller sees, oldest first, of one kind and one unit where given (404
/// for no such cycle).
pub fn list(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    kind: Option<CommendationKind>,
    unit_id: Option<UnitId>,
) -> Result<Vec<CommendationView>, ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let inspected = inspected(conn, user, cycle_id)?;
    let rows: Vec<Commendation> = Commendation::for_cycle(conn, cycle_id, kind, unit_id)?
        .into_iter()
        .filter(|row| visible(user, row, cycle.state, &inspected))
        .collect();
    views(conn, rows, cycle.state)
}

/// One record, if the caller sees it (404 otherwise).
pub fn get(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    id: CommendationId,
) -> Result<CommendationView, ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let inspected = inspected(conn, user, cycle_id)?;
    let row = Commendation::find(conn, cycle_id, id, false)?
        .filter(|row| visible(user, row, cycle.state, &inspected))
        .ok_or_else(|| not_found(cycle_id, id))?;
    one_view(conn, row, cycle.state)
}

/// Records are written while the cycle is in review or published: 409 `cycle_archived` once
/// archived, `commendations_not_open` before the review.
fn ensure_writable(cycle: &Cycle) -> Result<(), ApiError> {
    match cycle.state {
        CycleState::Review | CycleState::Published => Ok(()),
        CycleState::Archived => Err(ApiError::Conflict {
            code: "cycle_archived",
            detail: format!("cycle {} is archived and read-only", cycle.id),
        }),
        state => Err(ApiError::Conflict {
            code: "commendations_not_open",
            detail: format!(
                "commendations and notices are recorded once the cycle is in review; cycle {} \
                 is in {state}",
                cycle.id
            ),
        }),
    }
}

/// 409 `commendation_published`: a published record is not changed, deleted or published again.
fn refuse_published(row: &Commendation, state: CycleState) -> Result<(), ApiError> {
    if row.is_published(state) {
        return Err(ApiError::Conflict {
            code: "commendation_published",
            detail: format!("commendation {} is published already", row.id),
        });
    }
    Ok(())
}

/// The rules that need the database: the unit is one of the cycle's units, and the commended
/// leader one of its leaders (422 naming the field). Returns the leader's name.
fn check_input(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    input: &CommendationInput,
) -> Result<Option<String>, ApiError> {
    if CycleUnit::find(conn, cycle_id, input.unit_id)?.is_none() {
        return Err(ApiError::field(
            "unit_id",
            "not_in_cycle",
            format!(
                "unit {} is not one of cycle {cycle_id}'s units",
                input.unit_id
            ),
        ));
    }
    match input.leader_id {
        None => Ok(None),
        Some(id) => match Leader::find(conn, input.unit_id, id).optional()? {
            Some(leader) => Ok(Some(leader.name)),
            None => Err(ApiError::field(
                "leader_id",
                "not_of_unit",
                format!("leader {id} is not one of unit {}'s", input.unit_id),
            )),
        },
    }
}

fn text(input: CommendationInput, leader_name: Option<String>) -> CommendationText {
    CommendationText {
        kind: input.kind,
        unit_id: input.unit_id,
        leader_id: input.leader_id,
        leader_name,
        reason: input.reason,
        document_ref: input.document_ref,
        scope: input.scope,
        with_results: input.with_results,
    }
}

/// Records a commendation or notice for the office (`user`) while the cycle is in review or
/// published. Returns the view and the audit record.
pub fn create(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    input: CommendationInput,
) -> Result<(CommendationView, Change), ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    ensure_writable(&cycle)?;
    let leader_name = check_input(conn, cycle_id, &input)?;
    let row = Commendation::insert(
        conn,
        cycle_id,
        &text(input, leader_name),
        (&user.sub, &user.name),
    )?;
    let view = one_view(conn, row, cycle.state)?;
    let change = Change::created("commendation", view.id, &view);
    Ok((view, change))
}

/// Replaces an unpublished record's fields while the cycle is in review or published. `check`
/// is given the current version under the row's lock (`If-Match`).
pub fn replace(
    conn: &mut PgConnection,
    (cycle_id, id): (CycleId, CommendationId),
    input: CommendationInput,
    check: impl FnOnce(i32) -> Result<(), ApiError>,
) -> Result<(CommendationView, Change), ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let row =
        Commendation::find(conn, cycle_id, id, true)?.ok_or_else(|| not_found(cycle_id, id))?;
    ensure_writable(&cycle)?;
    check(row.version)?;
    refuse_published(&row, cycle.state)?;
    let leader_name = check_input(conn, cycle_id, &input)?;
    let before = one_view(conn, row, cycle.state)?;
    let after = Commendation::replace(conn, id, &text(input, leader_name))?;
    let after = one_view(conn, after, cycle.state)?;
    let change = Change::updated("commendation", id, &before, &after);
    Ok((after, change))
}

/// Deletes an unpublished record while the cycle is in review or published.
pub fn delete(
    conn: &mut PgConnection,
    (cycle_id, id): (CycleId, CommendationId),
) -> Result<((), Change), ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let row =
        Commendation::find(conn, cycle_id, id, true)?.ok_or_else(|| not_found(cycle_id, id))?;
    ensure_writable(&cycle)?;
    refuse_published(&row, cycle.state)?;
    let before = one_view(conn, row, cycle.state)?;
    Commendation::delete(conn, id)?;
    Ok(((), Change::deleted("commendation", id, &before)))
}

/// Publishes a record on its own, once the cycle's results are published (409
/// `cycle_not_published` before, `cycle_archived` after the archive): it stays published
/// whatever happens to the cycle after. 409 `commendation_published` when it is published
/// already, on its own; one that goes with the results may be published on its own, so that
/// it stays shown while the cycle is reopened.
pub fn publish(
    conn: &mut PgConnection,
    (cycle_id, id): (CycleId, CommendationId),
) -> Result<(CommendationView, Change), ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let row =
        Commendation::find(conn, cycle_id, id, true)?.ok_or_else(|| not_found(cycle_id, id))?;
    ensure_writable(&cycle)?;
    if cycle.state != CycleState::Published {
        return Err(ApiError::Conflict {
            code: "cycle_not_published",
            detail: format!(
                "a commendation is published once the cycle's results are; cycle {cycle_id} is \
                 in {}",
                cycle.state
            ),
        });
    }
    if row.published_at.is_some() {
        return Err(ApiError::Conflict {
            code: "commendation_published",
            detail: format!("commendation {id} is published already"),
        });
    }
    let before = one_view(conn, row, cycle.state)?;
    let after = Commendation::publish(conn, id)?;
    let after = one_view(conn, after, cycle.state)?;
    let change = Change::changed("publish", "commendation", id, &before, &after);
    Ok((after, change))
}
