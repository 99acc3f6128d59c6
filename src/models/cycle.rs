//! The `assessment_cycles` table and its history tables (transitions, deadline extensions).

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::{CycleId, ExtensionId, TransitionId};
use crate::domain::lifecycle::CycleState;
use crate::schema::{assessment_cycles, cycle_deadline_extensions, cycle_transitions};

crate::text_enum! {
    /// 可延期的截止日期 (the due dates of a cycle that the office can extend).
    pub enum Deadline {
        /// 自查报告截止日期 (self-inspection reports due; default 20 September)
        SelfInspectionDue => "self_inspection_due",
        /// 专项考核检查结束日期 (special inspection ends; default 30 September)
        SpecialInspectionEnds => "special_inspection_ends",
        /// 考核组报告截止日期 (team assessment reports due; default 15 October)
        TeamReportsDue => "team_reports_due",
    }
}

/// A row of `assessment_cycles`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = assessment_cycles, check_for_backend(Pg))]
pub struct Cycle {
    pub id: CycleId,
    pub year: i32,
    pub title: String,
    pub state: CycleState,
    pub special_weight: BigDecimal,
    pub routine_weight: BigDecimal,
    pub rectification_line: BigDecimal,
    pub routine_sample_towns: i32,
    pub routine_sample_departments: i32,
    pub flag_margin: BigDecimal,
    pub self_inspection_due: NaiveDate,
    pub special_inspection_ends: NaiveDate,
    pub team_reports_due: NaiveDate,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Values for a new cycle.
#[derive(Debug, Insertable)]
#[diesel(table_name = assessment_cycles)]
pub struct NewCycle {
    pub year: i32,
    pub title: String,
    pub special_weight: BigDecimal,
    pub routine_weight: BigDecimal,
    pub rectification_line: BigDecimal,
    pub routine_sample_towns: i32,
    pub routine_sample_departments: i32,
    pub flag_margin: BigDecimal,
    pub self_inspection_due: NaiveDate,
    pub special_inspection_ends: NaiveDate,
    pub team_reports_due: NaiveDate,
}

/// Changes to a draft cycle's settings.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = assessment_cycles)]
pub struct CycleChangeset {
    pub title: Option<String>,
    pub special_weight: Option<BigDecimal>,
    pub routine_weight: Option<BigDecimal>,
    pub rectification_line: Option<BigDecimal>,
    pub routine_sample_towns: Option<i32>,
    pub routine_sample_departments: Option<i32>,
    pub flag_margin: Option<BigDecimal>,
    pub self_inspection_due: Option<NaiveDate>,
    pub special_inspection_ends: Option<NaiveDate>,
    pub team_reports_due: Option<NaiveDate>,
    pub state: Option<CycleState>,
}

impl Cycle {
    /// The cycle with this id.
    pub fn find(conn: &mut PgConnection, id: CycleId) -> QueryResult<Cycle> {
        assessment_cycles::table
            .find(id)
            .select(Cycle::as_select())
            .first(conn)
    }

    /// The cycle, locked until the transaction ends.
    pub fn find_for_update(conn: &mut PgConnection, id: CycleId) -> QueryResult<Cycle> {
        assessment_cycles::table
            .find(id)
            .select(Cycle::as_select())
            .for_update()
            .first(conn)
    }

    /// Applies `changes` and bumps the version.
    pub fn update(
        conn: &mut PgConnection,
        id: CycleId,
        changes: &CycleChangeset,
    ) -> QueryResult<Cycle> {
        diesel::update(assessment_cycles::table.find(id))
            .set((
                changes,
                assessment_cycles::version.eq(assessment_cycles::version + 1),
                assessment_cycles::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Cycle::as_returning())
            .get_result(conn)
    }

    /// The due date of `deadline`.
    pub fn due(&self, deadline: Deadline) -> NaiveDate {
        match deadline {
            Deadline::SelfInspectionDue => self.self_inspection_due,
            Deadline::SpecialInspectionEnds => self.special_inspection_ends,
            Deadline::TeamReportsDue => self.team_reports_due,
        }
    }
}

impl NewCycle {
    /// Inserts the cycle.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<Cycle> {
        diesel::insert_into(assessment_cycles::table)
            .values(self)
            .returning(Cycle::as_returning())
            .get_result(conn)
    }
}

/// A row of `cycle_transitions`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = cycle_transitions, check_for_backend(Pg))]
pub struct Transition {
    pub id: TransitionId,
    pub cycle_id: CycleId,
    pub from_state: CycleState,
    pub to_state: CycleState,
    pub actor_sub: String,
    pub actor_name: String,
    pub note: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// Values for a transition record.
#[derive(Debug, Insertable)]
#[diesel(table_name = cycle_transitions)]
pub struct NewTransition {
    pub cycle_id: CycleId,
    pub from_state: CycleState,
    pub to_state: CycleState,
    pub actor_sub: String,
    pub actor_name: String,
    pub note: Option<String>,
}

impl NewTransition {
    /// Records the transition.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<Transition> {
        diesel::insert_into(cycle_transitions::table)
            .values(self)
            .returning(Transition::as_returning())
            .get_result(conn)
    }
}

impl Transition {
    /// A cycle's transitions, oldest first.
    pub fn for_cycle(conn: &mut PgConnection, cycle_id: CycleId) -> QueryResult<Vec<Transition>> {
        cycle_transitions::table
            .filter(cycle_transitions::cycle_id.eq(cycle_id))
            .order(cycle_transitions::id.asc())
            .select(Transition::as_select())
            .load(conn)
    }
}

/// A row of `cycle_deadline_extensions`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = cycle_deadline_extensions, check_for_backend(Pg))]
pub struct DeadlineExtension {
    pub id: ExtensionId,
    pub cycle_id: CycleId,
    pub deadline: Deadline,
    pub old_date: NaiveDate,
    pub new_date: NaiveDate,
    pub reason: String,
    pub actor_sub: String,
    pub actor_name: String,
    pub occurred_at: DateTime<Utc>,
}

/// Values for an extension record.
#[derive(Debug, Insertable)]
#[diesel(table_name = cycle_deadline_extensions)]
pub struct NewDeadlineExtension {
    pub cycle_id: CycleId,
    pub deadline: Deadline,
    pub old_date: NaiveDate,
    pub new_date: NaiveDate,
    pub reason: String,
    pub actor_sub: String,
    pub actor_name: String,
}

impl NewDeadlineExtension {
    /// Records the extension.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<DeadlineExtension> {
        diesel::insert_into(cycle_deadline_extensions::table)
            .values(self)
            .returning(DeadlineExtension::as_returning())
            .get_result(conn)
    }
}

impl DeadlineExtension {
    /// A cycle's extensions, oldest first.
    pub fn for_cycle(
        conn: &mut PgConnection,
        cycle_id: CycleId,
    ) -> QueryResult<Vec<DeadlineExtension>> {
        cycle_deadline_extensions::table
            .filter(cycle_deadline_extensions::cycle_id.eq(cycle_id))
            .order(cycle_deadline_extensions::id.asc())
            .select(DeadlineExtension::as_select())
            .load(conn)
    }

    /// One extension of a cycle, if it is that cycle's.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        id: ExtensionId,
    ) -> QueryResult<Option<DeadlineExtension>> {
        cycle_deadline_extensions::table
            .filter(cycle_deadline_extensions::cycle_id.eq(cycle_id))
            .filter(cycle_deadline_extensions::id.eq(id))
            .select(DeadlineExtension::as_select())
            .first(conn)
            .optional()
    }
}
