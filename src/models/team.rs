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

/// A cycle, the unit's place in it and the team that holds the unit (with its members, and
/// the unit as its only unit).
pub type PlaceInCycle = (
    super::cycle::Cycle,
    Option<super::cycle_unit::CycleUnit>,
    Option<FullTeam>,
);

impl Team {
    /// The [`PlaceInCycle`] of `unit_id` in cycle `cycle_id`, read in one statement; `None`
    /// when the cycle does not exist.
    pub fn place_of(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<Option<PlaceInCycle>> {
        use super::cycle::Cycle;
        use super::cycle_unit::CycleUnit;
        use crate::schema::assessment_cycles;
        use diesel::dsl::sql;
        use diesel::sql_types::{Array, Nullable, Text};
        // The members' `sub`s and names, in the same order.
        let members = |column: &str| {
            sql::<Nullable<Array<Text>>>(&format!(
                "(SELECT array_agg(m.{column} ORDER BY m.sub) FROM team_members m \
                 WHERE m.team_id = inspection_teams.id)"
            ))
        };
        type Row = (
            Cycle,
            Option<CycleUnit>,
            Option<Team>,
            Option<Vec<String>>,
            Option<Vec<String>>,
        );
        let row: Option<Row> = assessment_cycles::table
            .left_join(
                cycle_units::table.on(cycle_units::cycle_id
                    .eq(assessment_cycles::id)
                    .and(cycle_units::unit_id.eq(unit_id))),
            )
            .left_join(
                team_units::table.on(team_units::cycle_id
                    .eq(assessment_cycles::id)
                    .and(team_units::unit_id.eq(unit_id))),
            )
            .left_join(
                inspection_teams::table.on(inspection_teams::id
                    .nullable()
                    .eq(team_units::team_id.nullable())),
            )
            .filter(assessment_cycles::id.eq(cycle_id))
            .select((
                Cycle::as_select(),
                Option::<CycleUnit>::as_select(),
                Option::<Team>::as_select(),
                members("sub"),
                members("name"),
            ))
            .first(conn)
            .optional()?;
        Ok(row.map(|(cycle, place, team, subs, names)| {
            let team = team.map(|team| FullTeam {
                members: subs
                    .unwrap_or_default()
                    .into_iter()
                    .zip(names.unwrap_or_default())
                    .map(|(sub, name)| TeamMember {
                        team_id: team.id,
                        sub,
                        name,
                    })
                    .collect(),
                units: vec![unit_id],
                team,
            });
            (cycle, place, team)
        }))
    }
}
