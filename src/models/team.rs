//! The `inspection_teams`, `team_members` and `team_units` tables.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::{CycleId, TeamId, UnitId};
use crate::schema::{cycle_units, inspection_teams, team_members, team_units, units};

/// A row of `inspection_teams`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = inspection_teams, check_for_backend(Pg))]
pub struct Team {
    pub id: TeamId,
    pub cycle_id: CycleId,
    pub name: String,
    pub leader_sub: String,
    pub leader_name: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A row of `team_members`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = team_members, check_for_backend(Pg))]
pub struct TeamMember {
    pub team_id: TeamId,
    pub sub: String,
    pub name: String,
}

/// A team with its members and units.
#[derive(Debug, Clone, Serialize)]
pub struct FullTeam {
    /// The team.
    pub team: Team,
    /// Its members (not counting the leader).
    pub members: Vec<TeamMember>,
    /// The units it inspects.
    pub units: Vec<UnitId>,
}

impl Team {
    /// The teams of a cycle with members and units, in three queries; only teams `sub` leads or
    /// is on when `only_for` is given.
    pub fn for_cycle(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        only_for: Option<&str>,
    ) -> QueryResult<Vec<FullTeam>> {
        let mut query = inspection_teams::table
            .filter(inspection_teams::cycle_id.eq(cycle_id))
            .into_boxed();
        if let Some(sub) = only_for {
            let member_of = team_members::table
                .filter(team_members::sub.eq(sub.to_owned()))
                .select(team_members::team_id);
            query = query.filter(
                inspection_teams::leader_sub
                    .eq(sub.to_owned())
                    .or(inspection_teams::id.eq_any(member_of)),
            );
        }
        let teams: Vec<Team> = query
            .order(inspection_teams::id.asc())
            .select(Team::as_select())
            .load(conn)?;
        let ids: Vec<TeamId> = teams.iter().map(|t| t.id).collect();
        let members: Vec<TeamMember> = team_members::table
            .filter(team_members::team_id.eq_any(&ids))
            .order((team_members::team_id.asc(), team_members::sub.asc()))
            .select(TeamMember::as_select())
            .load(conn)?;
        let assigned: Vec<(TeamId, UnitId)> = team_units::table
            .filter(team_units::team_id.eq_any(&ids))
            .order(team_units::unit_id.asc())
            .select((team_units::team_id, team_units::unit_id))
            .load(conn)?;
        Ok(teams
            .into_iter()
            .map(|team| FullTeam {
                members: members
                    .iter()
                    .filter(|m| m.team_id == team.id)
                    .cloned()
                    .collect(),
                units: assigned
                    .iter()
                    .filter(|(t, _)| *t == team.id)
                    .map(|(_, u)| *u)
                    .collect(),
                team,
            })
            .collect())
    }

    /// The assessed units of a cycle that no team inspects yet, with their names.
    pub fn unassigned(
        conn: &mut PgConnection,
        cycle_id: CycleId,
    ) -> QueryResult<Vec<(UnitId, String)>> {
        let assigned = team_units::table
            .filter(team_units::cycle_id.eq(cycle_id))
            .select(team_units::unit_id);
        cycle_units::table
            .inner_join(units::table)
            .filter(cycle_units::cycle_id.eq(cycle_id))
            .filter(cycle_units::status.eq("assessed"))
            .filter(cycle_units::unit_id.ne_all(assigned))
            .order(cycle_units::unit_id.asc())
            .select((cycle_units::unit_id, units::name))
            .load(conn)
    }
}
