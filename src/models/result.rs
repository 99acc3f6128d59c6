//! The tables of results (issue 15): `result_settings`, `grade_bands`, `veto_events` and
//! `fallback_results`.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::cycle_unit::FallbackSource;
use super::{CycleId, LeaderId, UnitId, VetoId};
use crate::schema::{fallback_results, grade_bands, result_settings, veto_events};

crate::text_enum! {
    /// 结果通报范围 (what a unit sees after publication besides its own result).
    pub enum PublicationScope {
        /// 仅本单位结果 (its own result only)
        Own => "own",
        /// 本单位及同类单位排名 (its own and the ranking of its kind)
        Kind => "kind",
        /// 全部排名 (the full ranking)
        All => "all",
    }
}

/// A row of `result_settings`: one per cycle.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = result_settings, check_for_backend(Pg))]
pub struct ResultSettings {
    pub cycle_id: CycleId,
    pub publication_scope: PublicationScope,
    pub units_see_leader_grades: bool,
    pub veto_enabled: bool,
    pub veto_band: Option<String>,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The settings' values a write sets.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = result_settings, treat_none_as_null = true)]
pub struct ResultSettingsChange {
    pub publication_scope: PublicationScope,
    pub units_see_leader_grades: bool,
    pub veto_enabled: bool,
    pub veto_band: Option<String>,
    pub updated_by: String,
}

/// `find` and `update` of a view of the cycle's `result_settings` row (every cycle has one, made
/// by a trigger): `$row` selected, `$change` written. The result settings and the publication
/// settings (`super::publication::PublicationSettings`) read and write the one row through it,
/// sharing its version.
macro_rules! result_settings_row {
    ($row:ty, $change:ty) => {
        impl $row {
            /// The cycle's row (every cycle has one); locked when `lock`.
            pub fn find(
                conn: &mut PgConnection,
                cycle_id: CycleId,
                lock: bool,
            ) -> QueryResult<Self> {
                let query = crate::schema::result_settings::table
                    .find(cycle_id)
                    .select(<$row>::as_select());
                if lock {
                    query.for_update().first(conn)
                } else {
                    query.first(conn)
                }
            }

            /// Writes `change`, bumping the row's version.
            pub fn update(
                conn: &mut PgConnection,
                cycle_id: CycleId,
                change: &$change,
            ) -> QueryResult<Self> {
                use crate::schema::result_settings;
                diesel::update(result_settings::table.find(cycle_id))
                    .set((
                        change,
                        result_settings::version.eq(result_settings::version + 1),
                        result_settings::updated_at.eq(diesel::dsl::now),
                    ))
                    .returning(<$row>::as_returning())
                    .get_result(conn)
            }
        }
    };
}
pub(super) use result_settings_row;

result_settings_row!(ResultSettings, ResultSettingsChange);

impl ResultSettings {
    /// Bumps the version alone (the bands changed).
    pub fn touch(conn: &mut PgConnection, cycle_id: CycleId, by: &str) -> QueryResult<Self> {
        diesel::update(result_settings::table.find(cycle_id))
            .set((
                result_settings::version.eq(result_settings::version + 1),
                result_settings::updated_by.eq(by),
                result_settings::updated_at.eq(diesel::dsl::now),
            ))
            .returning(ResultSettings::as_returning())
            .get_result(conn)
    }
}

/// A row of `grade_bands`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = grade_bands, check_for_backend(Pg))]
pub struct GradeBand {
    pub cycle_id: CycleId,
    pub name: String,
    pub lower_bound: BigDecimal,
}

impl GradeBand {
    /// The cycle's bands, lowest first.
    pub fn for_cycle(conn: &mut PgConnection, cycle_id: CycleId) -> QueryResult<Vec<Self>> {
        grade_bands::table
            .filter(grade_bands::cycle_id.eq(cycle_id))
            .order(grade_bands::lower_bound.asc())
            .select(GradeBand::as_select())
            .load(conn)
    }

    /// Replaces the cycle's bands with `bands`.
    pub fn replace(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        bands: &[GradeBand],
    ) -> QueryResult<Vec<Self>> {
        diesel::delete(grade_bands::table.filter(grade_bands::cycle_id.eq(cycle_id)))
            .execute(conn)?;
        diesel::insert_into(grade_bands::table)
            .values(bands)
            .execute(conn)?;
        Self::for_cycle(conn, cycle_id)
    }
}

/// A row of `veto_events`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = veto_events, check_for_backend(Pg))]
pub struct VetoEvent {
    pub id: VetoId,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub leader_id: Option<LeaderId>,
    pub leader_name: Option<String>,
    pub reason: String,
    pub document_ref: String,
    pub recorded_by: String,
    pub recorded_by_name: String,
    pub recorded_at: DateTime<Utc>,
}

/// Values of a new veto event.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = veto_events)]
pub struct NewVetoEvent {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub leader_id: Option<LeaderId>,
    pub leader_name: Option<String>,
    pub reason: String,
    pub document_ref: String,
    pub recorded_by: String,
    pub recorded_by_name: String,
}

impl NewVetoEvent {
    /// Inserts it.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<VetoEvent> {
        diesel::insert_into(veto_events::table)
            .values(self)
            .returning(VetoEvent::as_returning())
            .get_result(conn)
    }
}

impl VetoEvent {
    /// The cycle's veto events, oldest first; only `unit`'s when given.
    pub fn list(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit: Option<UnitId>,
    ) -> QueryResult<Vec<Self>> {
        let mut query = veto_events::table
            .filter(veto_events::cycle_id.eq(cycle_id))
            .into_boxed();
        if let Some(unit) = unit {
            query = query.filter(veto_events::unit_id.eq(unit));
        }
        query
            .order(veto_events::id.asc())
            .select(VetoEvent::as_select())
            .load(conn)
    }

    /// Event `id` of the cycle, if any.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        id: VetoId,
    ) -> QueryResult<Option<Self>> {
        veto_events::table
            .find(id)
            .filter(veto_events::cycle_id.eq(cycle_id))
            .select(VetoEvent::as_select())
            .first(conn)
            .optional()
    }

    /// Deletes event `id`.
    pub fn delete(conn: &mut PgConnection, id: VetoId) -> QueryResult<usize> {
        diesel::delete(veto_events::table.find(id)).execute(conn)
    }
}

/// A row of `fallback_results`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = fallback_results, check_for_backend(Pg))]
pub struct FallbackResult {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub value: BigDecimal,
    pub source: FallbackSource,
    pub document_ref: String,
    pub version: i32,
    pub updated_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Values of a fallback result.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = fallback_results)]
pub struct NewFallbackResult {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub value: BigDecimal,
    pub source: FallbackSource,
    pub document_ref: String,
    pub updated_by: String,
}

impl NewFallbackResult {
    /// Inserts it, or replaces the unit's, bumping the version.
    pub fn upsert(&self, conn: &mut PgConnection) -> QueryResult<FallbackResult> {
        diesel::insert_into(fallback_results::table)
            .values(self)
            .on_conflict((fallback_results::cycle_id, fallback_results::unit_id))
            .do_update()
            .set((
                self,
                fallback_results::version.eq(fallback_results::version + 1),
                fallback_results::updated_at.eq(diesel::dsl::now),
            ))
            .returning(FallbackResult::as_returning())
            .get_result(conn)
    }
}

impl FallbackResult {
    /// The unit's fallback result in the cycle, if any; locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        lock: bool,
    ) -> QueryResult<Option<Self>> {
        let query = fallback_results::table
            .find((cycle_id, unit_id))
            .select(FallbackResult::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// Deletes the unit's.
    pub fn delete(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<usize> {
        diesel::delete(fallback_results::table.find((cycle_id, unit_id))).execute(conn)
    }
}
