//! Inspection teams of a cycle: forming one and assigning it a unit. The handlers and the demo
//! seed call these, so the seed's teams keep the same rules as the office's.

use diesel::prelude::*;

use crate::error::ApiError;
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
use crate::models::team::{FullTeam, Team, TeamMember};
use crate::models::{CycleId, TeamId, UnitId};
use crate::ops::cycles::{lock_cycle, refuse_published};
use crate::schema::{inspection_teams, team_members, team_units};

/// Locks the cycle; teams change until it is published (409 `cycle_published` after).
pub fn lock_open_cycle(conn: &mut PgConnection, cycle_id: CycleId) -> Result<Cycle, ApiError> {
    let cycle = lock_cycle(conn, cycle_id)?;
    refuse_published(&cycle)?;
    Ok(cycle)
}

/// Forms a team of the cycle: `leader` and `members` as (sub, name); returns it whole.
pub fn create_team(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    name: &str,
    leader: (&str, &str),
    members: &[(String, String)],
) -> Result<FullTeam, ApiError> {
    lock_open_cycle(conn, cycle_id)?;
    let team: Team = diesel::insert_into(inspection_teams::table)
        .values((
            inspection_teams::cycle_id.eq(cycle_id),
            inspection_teams::name.eq(name),
            inspection_teams::leader_sub.eq(leader.0),
            inspection_teams::leader_name.eq(leader.1),
        ))
        .returning(Team::as_returning())
        .get_result(conn)?;
    let members: Vec<TeamMember> = members
        .iter()
        .map(|(sub, name)| TeamMember {
            team_id: team.id,
            sub: sub.clone(),
            name: name.clone(),
        })
        .collect();
    diesel::insert_into(team_members::table)
        .values(&members)
        .execute(conn)?;
    Team::for_cycle(conn, cycle_id, None)?
        .into_iter()
        .find(|t| t.team.id == team.id)
        .ok_or_else(|| ApiError::internal("the new team vanished"))
}

/// Assigns an assessed unit of the cycle to one of its teams (replacing any earlier team);
/// returns the earlier team, if any.
pub fn assign_unit(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    team_id: TeamId,
    unit_id: UnitId,
) -> Result<Option<TeamId>, ApiError> {
    lock_open_cycle(conn, cycle_id)?;
    let exists: i64 = inspection_teams::table
        .filter(inspection_teams::id.eq(team_id))
        .filter(inspection_teams::cycle_id.eq(cycle_id))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        return Err(ApiError::not_found(format!(
            "cycle {cycle_id} has no team {team_id}"
        )));
    }
    let assessed = CycleUnit::find(conn, cycle_id, unit_id)?
        .is_some_and(|p| p.status == CycleUnitStatus::Assessed);
    if !assessed {
        return Err(ApiError::Conflict {
            code: "unit_not_assessed",
            detail: format!("unit {unit_id} is not assessed in cycle {cycle_id}"),
        });
    }
    let previous: Option<TeamId> = team_units::table
        .find((cycle_id, unit_id))
        .select(team_units::team_id)
        .first(conn)
        .optional()?;
    diesel::insert_into(team_units::table)
        .values((
            team_units::cycle_id.eq(cycle_id),
            team_units::unit_id.eq(unit_id),
            team_units::team_id.eq(team_id),
        ))
        .on_conflict((team_units::cycle_id, team_units::unit_id))
        .do_update()
        .set((
            team_units::team_id.eq(team_id),
            team_units::assigned_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(previous)
}
