//! `committee_reports`: the office's report to the county committee (issue 16 item 6; plan
//! §5(五)), one row a cycle once the office has written it: the three texts, kept exactly as
//! written, and the row's version (the `ETag`; 0 while there is no row).

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::upsert::excluded;
use serde::Serialize;

use super::CycleId;
use crate::schema::committee_reports;

/// A row of `committee_reports`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = committee_reports, check_for_backend(Pg))]
pub struct CommitteeReportRow {
    pub cycle_id: CycleId,
    pub overall_evaluation: Option<String>,
    pub problems: Option<String>,
    pub advice: Option<String>,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The texts a write stores, replacing the three whole.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = committee_reports)]
pub struct NewCommitteeReport {
    pub cycle_id: CycleId,
    pub overall_evaluation: Option<String>,
    pub problems: Option<String>,
    pub advice: Option<String>,
    pub updated_by: String,
}

impl CommitteeReportRow {
    /// The cycle's report, if the office has written one; locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        lock: bool,
    ) -> QueryResult<Option<Self>> {
        let query = committee_reports::table
            .find(cycle_id)
            .select(CommitteeReportRow::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }
}

impl NewCommitteeReport {
    /// Writes the texts: the first write makes the row (version 1), each later one replaces the
    /// three texts and bumps the version.
    pub fn save(&self, conn: &mut PgConnection) -> QueryResult<CommitteeReportRow> {
        diesel::insert_into(committee_reports::table)
            .values(self)
            .on_conflict(committee_reports::cycle_id)
            .do_update()
            .set((
                committee_reports::overall_evaluation
                    .eq(excluded(committee_reports::overall_evaluation)),
                committee_reports::problems.eq(excluded(committee_reports::problems)),
                committee_reports::advice.eq(excluded(committee_reports::advice)),
                committee_reports::updated_by.eq(excluded(committee_reports::updated_by)),
                committee_reports::version.eq(committee_reports::version + 1),
                committee_reports::updated_at.eq(diesel::dsl::now),
            ))
            .returning(CommitteeReportRow::as_returning())
            .get_result(conn)
    }
}
