//! The `team_reports` table: a team's assessment report on a unit (plan §5(五)), a member of the
//! signed family beside the score sheet.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;

use super::scoring::SheetStatus;
use super::{CycleId, UnitId};
use crate::schema::team_reports;

/// A row of `team_reports`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = team_reports, check_for_backend(Pg))]
pub struct TeamReport {
    pub id: i64,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub overall_evaluation: Option<String>,
    pub problems_found: Option<String>,
    pub rectification_advice: Option<String>,
    pub status: SheetStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub version: i32,
    pub round: i32,
}

/// The report's three parts, as written.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = team_reports, treat_none_as_null = true)]
pub struct TeamReportText {
    /// Overall evaluation.
    pub overall_evaluation: Option<String>,
    /// Problems found.
    pub problems_found: Option<String>,
    /// Rectification advice.
    pub rectification_advice: Option<String>,
}

impl TeamReport {
    /// The report, if the team has started it, locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        lock: bool,
    ) -> QueryResult<Option<TeamReport>> {
        let query = team_reports::table
            .filter(team_reports::cycle_id.eq(cycle_id))
            .filter(team_reports::unit_id.eq(unit_id))
            .select(TeamReport::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// The report, created empty when missing, locked until the transaction ends.
    pub fn open_locked(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<TeamReport> {
        diesel::insert_into(team_reports::table)
            .values((
                team_reports::cycle_id.eq(cycle_id),
                team_reports::unit_id.eq(unit_id),
                team_reports::version.eq(0),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        Self::find(conn, cycle_id, unit_id, true)?.ok_or(diesel::result::Error::NotFound)
    }

    /// Writes the three parts (the caller bumps the version through the family).
    pub fn write_text(conn: &mut PgConnection, id: i64, text: &TeamReportText) -> QueryResult<()> {
        diesel::update(team_reports::table.find(id))
            .set(text)
            .execute(conn)
            .map(drop)
    }

    /// Records when it was submitted for signature and whether that was late.
    pub fn mark_submitted(
        conn: &mut PgConnection,
        id: i64,
        at: DateTime<Utc>,
        late: bool,
    ) -> QueryResult<()> {
        diesel::update(team_reports::table.find(id))
            .set((
                team_reports::submitted_at.eq(at),
                team_reports::late.eq(late),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Bumps the version and sets the status; returns the row after.
    pub fn touch(conn: &mut PgConnection, id: i64, status: SheetStatus) -> QueryResult<TeamReport> {
        diesel::update(team_reports::table.find(id))
            .set((
                team_reports::status.eq(status),
                team_reports::version.eq(team_reports::version + 1),
                team_reports::updated_at.eq(diesel::dsl::now),
            ))
            .returning(TeamReport::as_returning())
            .get_result(conn)
    }

    /// Starts the next signing round.
    pub fn start_round(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
        diesel::update(team_reports::table.find(id))
            .set(team_reports::round.eq(team_reports::round + 1))
            .execute(conn)
            .map(drop)
    }
}
