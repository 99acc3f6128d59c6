//! The `cycle_units` table: which units a cycle assesses or excludes, and why.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::form::FormKind;
use super::{CycleId, UnitId, UnitKind};
use crate::schema::{cycle_units, units};

crate::text_enum! {
    /// 是否纳入本年度考核 (whether a unit is assessed in a cycle).
    pub enum CycleUnitStatus {
        /// 纳入考核 (assessed on its form)
        Assessed => "assessed",
        /// 不纳入考核 (not assessed: vertical units, or excluded by the office with a reason)
        Excluded => "excluded",
    }
}

crate::text_enum! {
    /// 不纳入考核单位的结果来源 (where an excluded vertical unit's result comes from, if it
    /// is needed; plan §1).
    pub enum FallbackSource {
        /// 本单位自评分 (its own self-score)
        SelfScore => "self_score",
        /// 上级主管部门考核结果 (its superior department's assessment result)
        SuperiorAssessment => "superior_assessment",
    }
}

/// A cycle unit with its unit's name and kind.
pub type CycleUnitRow = (CycleUnit, String, UnitKind);

/// A row of `cycle_units`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = cycle_units, check_for_backend(Pg))]
pub struct CycleUnit {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub status: CycleUnitStatus,
    pub form_kind: Option<FormKind>,
    pub fallback_source: Option<FallbackSource>,
    pub reason: Option<String>,
    pub updated_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Values for a unit's place in a cycle.
#[derive(Debug, Clone, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = cycle_units, treat_none_as_null = true)]
pub struct NewCycleUnit {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub status: CycleUnitStatus,
    pub form_kind: Option<FormKind>,
    pub fallback_source: Option<FallbackSource>,
    pub reason: Option<String>,
    pub updated_by: String,
}

impl NewCycleUnit {
    /// The default place of a unit when a cycle leaves draft: active towns, departments and
    /// enterprises are assessed; vertical units are excluded, with their fallback source.
    pub fn snapshot(
        cycle_id: CycleId,
        unit_id: UnitId,
        kind: UnitKind,
        forms: &[FormKind],
    ) -> Self {
        let form_kind = FormKind::for_unit(kind, forms);
        let (status, fallback_source, reason) = match form_kind {
            Some(_) => (CycleUnitStatus::Assessed, None, None),
            None => (
                CycleUnitStatus::Excluded,
                Some(FallbackSource::SelfScore),
                Some("省、市驻阳垂直管理单位，不纳入考核检查范围（方案第一条）".to_owned()),
            ),
        };
        Self {
            cycle_id,
            unit_id,
            status,
            form_kind,
            fallback_source,
            reason,
            updated_by: "system".to_owned(),
        }
    }

    /// Inserts or replaces the unit's place in the cycle.
    pub fn upsert(&self, conn: &mut PgConnection) -> QueryResult<CycleUnit> {
        diesel::insert_into(cycle_units::table)
            .values(self)
            .on_conflict((cycle_units::cycle_id, cycle_units::unit_id))
            .do_update()
            .set((self, cycle_units::updated_at.eq(diesel::dsl::now)))
            .returning(CycleUnit::as_returning())
            .get_result(conn)
    }
}

impl CycleUnit {
    /// The unit's place in the cycle, if it has one.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<Option<CycleUnit>> {
        cycle_units::table
            .find((cycle_id, unit_id))
            .select(CycleUnit::as_select())
            .first(conn)
            .optional()
    }

    /// One page of a cycle's units with their names and kinds, and the total.
    pub fn list(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        status: Option<CycleUnitStatus>,
        only: Option<Vec<UnitId>>,
        offset: i64,
        limit: i64,
    ) -> QueryResult<(Vec<CycleUnitRow>, i64)> {
        let query = || {
            let mut q = cycle_units::table
                .inner_join(units::table)
                .filter(cycle_units::cycle_id.eq(cycle_id))
                .into_boxed();
            if let Some(status) = status {
                q = q.filter(cycle_units::status.eq(status));
            }
            if let Some(ids) = &only {
                q = q.filter(cycle_units::unit_id.eq_any(ids.clone()));
            }
            q
        };
        let total = query().count().get_result(conn)?;
        let rows = query()
            .order(cycle_units::unit_id.asc())
            .offset(offset)
            .limit(limit)
            .select((CycleUnit::as_select(), units::name, units::kind))
            .load(conn)?;
        Ok((rows, total))
    }
}
