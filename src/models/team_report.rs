//! The `team_reports` table: a team's assessment report on a unit (plan §5(五)), a member of the
//! signed family beside the score sheet.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;

use super::scoring::{SheetStatus, signed_table};
use super::{CycleId, TeamReportId, UnitId};
use crate::schema::team_reports;

/// A row of `team_reports`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = team_reports, check_for_backend(Pg))]
pub struct TeamReport {
    pub id: TeamReportId,
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

signed_table!(
    TeamReport,
    team_reports,
    TeamReportId,
    TeamReport,
    team_reports::version.eq(0)
);

impl TeamReport {
    /// Writes the three parts (the caller bumps the version through the family).
    pub fn write_text(
        conn: &mut PgConnection,
        id: TeamReportId,
        text: &TeamReportText,
    ) -> QueryResult<()> {
        diesel::update(team_reports::table.find(id))
            .set(text)
            .execute(conn)
            .map(drop)
    }

    /// Records when it was submitted for signature and whether that was late.
    pub fn mark_submitted(
        conn: &mut PgConnection,
        id: TeamReportId,
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
}
