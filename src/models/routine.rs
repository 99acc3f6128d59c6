//! The routine inspection's tables (plan §4(二)): `routine_plans`, `routine_targets`,
//! `routine_draws`, `routine_visits` (a member of the signed family) and `routine_scores`.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::cycle_unit::CycleUnitStatus;
use super::scoring::{SheetStatus, signed_table};
use super::{CycleId, DrawId, RoutineVisitId, UnitId, UnitKind};
use crate::schema::{cycle_units, routine_draws, routine_plans, routine_scores};
use crate::schema::{routine_targets, routine_visits, units};

/// A row of `routine_plans`: the year's routine-check plan.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = routine_plans, check_for_backend(Pg))]
pub struct RoutinePlan {
    pub cycle_id: CycleId,
    pub scope: String,
    pub methods: String,
    pub schedule: String,
    pub sample_enterprises: i32,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// Values of a plan, written whole.
#[derive(Debug, Clone, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = routine_plans)]
pub struct NewRoutinePlan {
    pub cycle_id: CycleId,
    pub scope: String,
    pub methods: String,
    pub schedule: String,
    pub sample_enterprises: i32,
    pub updated_by: String,
}

impl RoutinePlan {
    /// The cycle's plan, if written; locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        lock: bool,
    ) -> QueryResult<Option<Self>> {
        let query = routine_plans::table
            .find(cycle_id)
            .select(RoutinePlan::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }
}

impl NewRoutinePlan {
    /// Writes the plan, bumping its version.
    pub fn upsert(&self, conn: &mut PgConnection) -> QueryResult<RoutinePlan> {
        diesel::insert_into(routine_plans::table)
            .values(self)
            .on_conflict(routine_plans::cycle_id)
            .do_update()
            .set((
                self,
                routine_plans::version.eq(routine_plans::version + 1),
                routine_plans::updated_at.eq(diesel::dsl::now),
            ))
            .returning(RoutinePlan::as_returning())
            .get_result(conn)
    }
}

/// A row of `routine_targets`: a unit's responsibility targets and the tasks set from above.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = routine_targets, check_for_backend(Pg))]
pub struct RoutineTarget {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub targets: String,
    pub tasks: Option<String>,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// Values of a unit's targets, written whole.
#[derive(Debug, Clone, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = routine_targets, treat_none_as_null = true)]
pub struct NewRoutineTarget {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub targets: String,
    pub tasks: Option<String>,
    pub updated_by: String,
}

impl RoutineTarget {
    /// The unit's targets in the cycle, if written; locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        lock: bool,
    ) -> QueryResult<Option<Self>> {
        let query = routine_targets::table
            .find((cycle_id, unit_id))
            .select(RoutineTarget::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// The cycle's targets, by unit, restricted to `only` when given.
    pub fn list(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        only: Option<Vec<UnitId>>,
    ) -> QueryResult<Vec<Self>> {
        let mut query = routine_targets::table
            .filter(routine_targets::cycle_id.eq(cycle_id))
            .into_boxed();
        if let Some(ids) = only {
            query = query.filter(routine_targets::unit_id.eq_any(ids));
        }
        query
            .order(routine_targets::unit_id.asc())
            .select(RoutineTarget::as_select())
            .load(conn)
    }
}

impl NewRoutineTarget {
    /// Writes the targets, bumping their version.
    pub fn upsert(&self, conn: &mut PgConnection) -> QueryResult<RoutineTarget> {
        diesel::insert_into(routine_targets::table)
            .values(self)
            .on_conflict((routine_targets::cycle_id, routine_targets::unit_id))
            .do_update()
            .set((
                self,
                routine_targets::version.eq(routine_targets::version + 1),
                routine_targets::updated_at.eq(diesel::dsl::now),
            ))
            .returning(RoutineTarget::as_returning())
            .get_result(conn)
    }
}

/// The cycle's assessed, active units of `kind`: a group's eligible list, by id.
pub fn eligible_units(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    kind: UnitKind,
) -> QueryResult<Vec<UnitId>> {
    cycle_units::table
        .inner_join(units::table)
        .filter(cycle_units::cycle_id.eq(cycle_id))
        .filter(cycle_units::status.eq(CycleUnitStatus::Assessed))
        .filter(units::archived_at.is_null())
        .filter(units::kind.eq(kind))
        .order(cycle_units::unit_id.asc())
        .select(cycle_units::unit_id)
        .load(conn)
}

/// A row of `routine_draws`: a commitment, then its seed and sample.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = routine_draws, check_for_backend(Pg))]
pub struct Draw {
    pub id: DrawId,
    pub cycle_id: CycleId,
    pub seed_source: String,
    pub seed_publishes_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub eligible: Value,
    pub eligible_sha256: String,
    pub committed_by: String,
    pub committed_at: DateTime<Utc>,
    pub seed: Option<String>,
    pub seeded_by: Option<String>,
    pub seeded_at: Option<DateTime<Utc>>,
    pub algorithm_version: Option<i32>,
    pub sample: Option<Value>,
    pub superseded_at: Option<DateTime<Utc>>,
}

/// Values of a new commitment.
#[derive(Debug, Clone, Insertable, Serialize)]
#[diesel(table_name = routine_draws)]
pub struct NewDraw {
    pub cycle_id: CycleId,
    pub seed_source: String,
    pub seed_publishes_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub eligible: Value,
    pub eligible_sha256: String,
    pub committed_by: String,
}

impl NewDraw {
    /// Records the commitment.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<Draw> {
        diesel::insert_into(routine_draws::table)
            .values(self)
            .returning(Draw::as_returning())
            .get_result(conn)
    }
}

impl Draw {
    /// The cycle's current commitment (not superseded), if any; locked when `lock`.
    pub fn current(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        lock: bool,
    ) -> QueryResult<Option<Draw>> {
        let query = routine_draws::table
            .filter(routine_draws::cycle_id.eq(cycle_id))
            .filter(routine_draws::superseded_at.is_null())
            .select(Draw::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// Draw `id` of the cycle, if it is that cycle's.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        id: DrawId,
    ) -> QueryResult<Option<Draw>> {
        routine_draws::table
            .filter(routine_draws::cycle_id.eq(cycle_id))
            .filter(routine_draws::id.eq(id))
            .select(Draw::as_select())
            .first(conn)
            .optional()
    }

    /// Every commitment of the cycle, oldest first.
    pub fn list(conn: &mut PgConnection, cycle_id: CycleId) -> QueryResult<Vec<Draw>> {
        routine_draws::table
            .filter(routine_draws::cycle_id.eq(cycle_id))
            .order(routine_draws::id.asc())
            .select(Draw::as_select())
            .load(conn)
    }

    /// Marks the commitment superseded by a redraw.
    pub fn supersede(conn: &mut PgConnection, id: DrawId) -> QueryResult<()> {
        diesel::update(routine_draws::table.find(id))
            .set(routine_draws::superseded_at.eq(diesel::dsl::now))
            .execute(conn)
            .map(drop)
    }

    /// Stores the seed, who entered it, the algorithm version and the sample.
    pub fn record_seed(
        conn: &mut PgConnection,
        id: DrawId,
        seed: &str,
        by: &str,
        algorithm_version: i32,
        sample: &Value,
    ) -> QueryResult<Draw> {
        diesel::update(routine_draws::table.find(id))
            .set((
                routine_draws::seed.eq(seed),
                routine_draws::seeded_by.eq(by),
                routine_draws::seeded_at.eq(diesel::dsl::now),
                routine_draws::algorithm_version.eq(algorithm_version),
                routine_draws::sample.eq(sample),
            ))
            .returning(Draw::as_returning())
            .get_result(conn)
    }
}

/// A row of `routine_visits`: a sampled unit's visit record.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = routine_visits, check_for_backend(Pg))]
pub struct RoutineVisit {
    pub id: RoutineVisitId,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub visitors: Value,
    pub methods: Value,
    pub findings: Option<String>,
    pub questionnaire: Option<Value>,
    pub attachments: Value,
    pub visited_on: Option<NaiveDate>,
    pub status: SheetStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub round: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the office writes of a visit record, whole.
#[derive(Debug, Clone, AsChangeset, Serialize)]
#[diesel(table_name = routine_visits, treat_none_as_null = true)]
pub struct RoutineVisitText {
    pub visitors: Value,
    pub methods: Value,
    pub findings: Option<String>,
    pub questionnaire: Option<Value>,
    pub attachments: Value,
    pub visited_on: Option<NaiveDate>,
}

signed_table!(
    RoutineVisit,
    routine_visits,
    RoutineVisitId,
    RoutineVisit,
    routine_visits::version.eq(0)
);

impl RoutineVisit {
    /// Writes the record (the family bumps the version).
    pub fn write(
        conn: &mut PgConnection,
        id: RoutineVisitId,
        text: &RoutineVisitText,
    ) -> QueryResult<()> {
        diesel::update(routine_visits::table.find(id))
            .set(text)
            .execute(conn)
            .map(drop)
    }

    /// Records when it was submitted for signature.
    pub fn mark_submitted(conn: &mut PgConnection, id: RoutineVisitId) -> QueryResult<()> {
        diesel::update(routine_visits::table.find(id))
            .set(routine_visits::submitted_at.eq(diesel::dsl::now))
            .execute(conn)
            .map(drop)
    }

    /// The units of the cycle whose visit record is final, among `units`.
    pub fn final_among(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        units: &[UnitId],
    ) -> QueryResult<Vec<UnitId>> {
        routine_visits::table
            .filter(routine_visits::cycle_id.eq(cycle_id))
            .filter(routine_visits::unit_id.eq_any(units.to_vec()))
            .filter(routine_visits::status.eq(SheetStatus::Final))
            .select(routine_visits::unit_id)
            .load(conn)
    }
}

/// A row of `routine_scores`: a unit's routine score out of 10.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = routine_scores, check_for_backend(Pg))]
pub struct RoutineScore {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub score: BigDecimal,
    pub note: String,
    pub version: i32,
    pub updated_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Values of a new routine score.
#[derive(Debug, Clone, Insertable, Serialize)]
#[diesel(table_name = routine_scores)]
pub struct NewRoutineScore {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub score: BigDecimal,
    pub note: String,
    pub updated_by: String,
}

impl RoutineScore {
    /// The unit's score in the cycle, if entered; locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        lock: bool,
    ) -> QueryResult<Option<Self>> {
        let query = routine_scores::table
            .find((cycle_id, unit_id))
            .select(RoutineScore::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// The cycle's scores, by unit, restricted to `only` when given.
    pub fn list(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        only: Option<Vec<UnitId>>,
    ) -> QueryResult<Vec<Self>> {
        let mut query = routine_scores::table
            .filter(routine_scores::cycle_id.eq(cycle_id))
            .into_boxed();
        if let Some(ids) = only {
            query = query.filter(routine_scores::unit_id.eq_any(ids));
        }
        query
            .order(routine_scores::unit_id.asc())
            .select(RoutineScore::as_select())
            .load(conn)
    }

    /// Corrects the score and its note, bumping the version.
    pub fn correct(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        score: &BigDecimal,
        note: &str,
        by: &str,
    ) -> QueryResult<RoutineScore> {
        diesel::update(routine_scores::table.find((cycle_id, unit_id)))
            .set((
                routine_scores::score.eq(score),
                routine_scores::note.eq(note),
                routine_scores::updated_by.eq(by),
                routine_scores::version.eq(routine_scores::version + 1),
                routine_scores::updated_at.eq(diesel::dsl::now),
            ))
            .returning(RoutineScore::as_returning())
            .get_result(conn)
    }
}

impl NewRoutineScore {
    /// Inserts every score at once.
    pub fn insert_all(
        conn: &mut PgConnection,
        rows: &[NewRoutineScore],
    ) -> QueryResult<Vec<RoutineScore>> {
        diesel::insert_into(routine_scores::table)
            .values(rows)
            .returning(RoutineScore::as_returning())
            .get_results(conn)
    }
}
