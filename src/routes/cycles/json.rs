//! Request and response bodies of assessment cycles.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
use crate::models::cycle::{Cycle, Deadline, DeadlineExtension, Transition};
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus, FallbackSource};
use crate::models::form::FormKind;
use crate::models::{CycleId, ExtensionId, TransitionId, UnitId, UnitKind};
pub use crate::ops::cycles::{CycleSettings, check_combined};

/// An assessment cycle: one year's assessment with its settings and calendar.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "year": 2014, "title": "阳山县2014年党风廉政建设责任制考核检查", "state": "self_inspection",
    "special_weight": "90.00", "routine_weight": "10.00", "rectification_line": "75.00",
    "routine_sample_towns": 2, "routine_sample_departments": 2, "flag_margin": "2.00",
    "self_inspection_due": "2014-09-20", "special_inspection_ends": "2014-09-30", "team_reports_du\
        e": "2014-10-15",
    "version": 3, "created_at": "2014-08-20T02:00:00Z", "updated_at": "2014-09-01T02:00:00Z"
}))]
pub struct CycleResponse {
    /// Cycle id.
    pub id: CycleId,
    /// The year assessed; one cycle per year.
    pub year: i32,
    /// Title.
    pub title: String,
    /// Lifecycle state.
    pub state: CycleState,
    /// Points of the special inspection in the total (default 90).
    pub special_weight: Points,
    /// Points of the routine inspection in the total (default 10); the two add up to 100.
    pub routine_weight: Points,
    /// A total at or below this owes a written explanation and rectification (default 75,
    /// inclusive).
    pub rectification_line: Points,
    /// Towns drawn for the routine inspection (default 2).
    pub routine_sample_towns: i32,
    /// County departments drawn for the routine inspection (default 2).
    pub routine_sample_departments: i32,
    /// A team score differing from the self-score by more than this is flagged (default 2.00).
    pub flag_margin: Points,
    /// Self-inspection reports due (end of that day, Asia/Shanghai).
    pub self_inspection_due: NaiveDate,
    /// Special inspection ends.
    pub special_inspection_ends: NaiveDate,
    /// Team assessment reports due.
    pub team_reports_due: NaiveDate,
    /// Version counter; the `ETag` is this number in quotes.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Cycle> for CycleResponse {
    fn from(c: Cycle) -> Self {
        Self {
            id: c.id,
            year: c.year,
            title: c.title,
            state: c.state,
            special_weight: c.special_weight.into(),
            routine_weight: c.routine_weight.into(),
            rectification_line: c.rectification_line.into(),
            routine_sample_towns: c.routine_sample_towns,
            routine_sample_departments: c.routine_sample_departments,
            flag_margin: c.flag_margin.into(),
            self_inspection_due: c.self_inspection_due,
            special_inspection_ends: c.special_inspection_ends,
            team_reports_due: c.team_reports_due,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// Filters of the cycle list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CycleFilter {
    /// 只列出处于此阶段的周期 (only cycles in this state).
    pub state: Option<CycleState>,
}

/// A lifecycle step to take.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "review", "note": "各考核组已完成专项考核检查，转入综合评定"}))]
pub struct CreateTransition {
    /// 目标阶段：周期的下一阶段 (the target state: the cycle's next state).
    #[schema(required = true, value_type = CycleState)]
    pub to: Option<CycleState>,
    /// 备注，留档，1 至 1000 字 (an optional note for the record, 1 to 1000 characters).
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

impl Validate for CreateTransition {
    fn check(&self, rules: &mut Rules) {
        rules.required("to", &self.to);
        if let Some(note) = &self.note {
            rules.text("note", note, 1000);
        }
    }
}

/// A lifecycle step on record.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionResponse {
    /// Record id.
    #[schema(value_type = i64)]
    pub id: TransitionId,
    /// State before.
    pub from_state: CycleState,
    /// State after.
    pub to_state: CycleState,
    /// Who moved it (`sub`).
    pub actor_sub: String,
    /// Their name.
    pub actor_name: String,
    /// The note given.
    pub note: Option<String>,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

impl From<Transition> for TransitionResponse {
    fn from(t: Transition) -> Self {
        Self {
            id: t.id,
            from_state: t.from_state,
            to_state: t.to_state,
            actor_sub: t.actor_sub,
            actor_name: t.actor_name,
            note: t.note,
            occurred_at: t.occurred_at,
        }
    }
}

/// The result of a transition: the record and the cycle as it now is.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionResult {
    /// The step taken.
    pub transition: TransitionResponse,
    /// The cycle after it.
    pub cycle: CycleResponse,
}

/// A due date extended after the fact.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "deadline": "self_inspection_due",
    "new_date": "2014-09-25",
    "reason": "受台风“海鸥”影响，各乡镇自查顺延5天"
}))]
pub struct CreateExtension {
    /// 延长哪个截止日期 (which due date).
    #[schema(required = true, value_type = Deadline)]
    pub deadline: Option<Deadline>,
    /// 新日期，须晚于当前日期 (the new date; later than the current one).
    #[schema(required = true, value_type = NaiveDate)]
    pub new_date: Option<NaiveDate>,
    /// 理由，留档，1 至 1000 字 (why, for the record, 1 to 1000 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

impl Validate for CreateExtension {
    fn check(&self, rules: &mut Rules) {
        rules.required("deadline", &self.deadline);
        rules.required("new_date", &self.new_date);
        rules.required_text("reason", &self.reason, 1000);
    }
}

/// An extension on record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionResponse {
    /// Record id.
    #[schema(value_type = i64)]
    pub id: ExtensionId,
    /// Which due date.
    pub deadline: Deadline,
    /// The date before.
    pub old_date: NaiveDate,
    /// The date after.
    pub new_date: NaiveDate,
    /// Why.
    pub reason: String,
    /// Who extended it.
    pub actor_sub: String,
    /// Their name.
    pub actor_name: String,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

impl From<DeadlineExtension> for ExtensionResponse {
    fn from(e: DeadlineExtension) -> Self {
        Self {
            id: e.id,
            deadline: e.deadline,
            old_date: e.old_date,
            new_date: e.new_date,
            reason: e.reason,
            actor_sub: e.actor_sub,
            actor_name: e.actor_name,
            occurred_at: e.occurred_at,
        }
    }
}

/// A unit's place in a cycle.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "unit_id": 70, "unit_name": "国家税务总局阳山县税务局", "unit_kind": "vertical", "status": "excluded",
    "form_kind": null, "fallback_source": "self_score", "reason": "省、市驻阳垂直管理单位，不纳入考核检查范围（方案第一条）",
    "updated_by": "system", "updated_at": "2014-09-01T02:00:00Z"
}))]
pub struct CycleUnitResponse {
    /// The unit.
    pub unit_id: UnitId,
    /// Its name.
    pub unit_name: String,
    /// Its kind.
    pub unit_kind: UnitKind,
    /// Assessed or excluded.
    pub status: CycleUnitStatus,
    /// The form it is scored on (assessed units).
    pub form_kind: Option<FormKind>,
    /// Where an excluded vertical unit's result would come from.
    pub fallback_source: Option<FallbackSource>,
    /// Why it was added or excluded by hand.
    pub reason: Option<String>,
    /// Who set this (`system` for the snapshot).
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
}

impl CycleUnitResponse {
    /// From a row with its unit's name and kind.
    pub fn new(row: CycleUnit, unit_name: String, unit_kind: UnitKind) -> Self {
        Self {
            unit_id: row.unit_id,
            unit_name,
            unit_kind,
            status: row.status,
            form_kind: row.form_kind,
            fallback_source: row.fallback_source,
            reason: row.reason,
            updated_by: row.updated_by,
            updated_at: row.updated_at,
        }
    }
}

/// Filters of a cycle's units.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CycleUnitFilter {
    /// 只列出纳入或只列出排除的单位 (only assessed or only excluded units).
    pub status: Option<CycleUnitStatus>,
}

/// The office adds a unit to the cycle or excludes it, with a reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "assessed", "reason": "2014年8月新组建，经县纪委研究纳入本年度考核"}))]
pub struct PutCycleUnit {
    /// 纳入或排除 (assessed or excluded).
    #[schema(required = true, value_type = CycleUnitStatus)]
    pub status: Option<CycleUnitStatus>,
    /// 理由，留档，1 至 1000 字 (why, for the record, 1 to 1000 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
    /// 纳入的单位：所用考评表，默认按单位类型 (for an assessed unit: the form to score it on;
    /// default: by its kind).
    pub form_kind: Option<FormKind>,
    /// 排除的垂直管理单位：结果来源 (for an excluded vertical unit: where its result would come
    /// from).
    pub fallback_source: Option<FallbackSource>,
}

impl Validate for PutCycleUnit {
    fn check(&self, rules: &mut Rules) {
        rules.required("status", &self.status);
        rules.required_text("reason", &self.reason, 1000);
        if self.status == Some(CycleUnitStatus::Excluded) && self.form_kind.is_some() {
            rules.0.push(FieldError::new(
                "form_kind",
                "not_assessed",
                "an excluded unit has no form",
            ));
        }
        if self.status == Some(CycleUnitStatus::Assessed) && self.fallback_source.is_some() {
            rules.0.push(FieldError::new(
                "fallback_source",
                "assessed",
                "an assessed unit has no fallback source",
            ));
        }
    }
}
