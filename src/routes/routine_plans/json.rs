//! Request and response bodies of the routine-check plan and the units' targets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
use crate::models::routine::RoutineTarget;
use crate::models::{CycleId, UnitId};
pub use crate::ops::routine::PlanView;

/// The year's routine-check plan, written whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "scope": "各乡镇、县直各单位落实党风廉政建设责任制目标进展情况和上级部署工作落实情况",
    "methods": "随机抽取县直单位和乡镇各2个，实地走访、发放调查问卷、查阅台帐",
    "schedule": "2026年11月下旬至12月上旬",
    "sample_departments": 2,
    "sample_towns": 2,
    "sample_enterprises": 0
}))]
pub struct PutPlan {
    /// 检查内容 (what is checked).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 20000)]
    pub scope: Option<String>,
    /// 检查方式 (how).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 20000)]
    pub methods: Option<String>,
    /// 时间安排 (when).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 2000)]
    pub schedule: Option<String>,
    /// 抽查县属企业数 (county enterprises drawn; 0, the default, leaves them out of the draw).
    /// Changes only until the draw is committed (409 `draw_committed`).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 99, example = 0)]
    pub sample_enterprises: Option<i64>,
    /// 抽查县直单位数 (county departments drawn: the cycle's setting, kept when absent). Changes
    /// only until the draw is committed (409 `draw_committed`), even after the draft stage.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 99, example = 2)]
    pub sample_departments: Option<i64>,
    /// 抽查乡镇数 (towns drawn: the cycle's setting, kept when absent); as above.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 99, example = 2)]
    pub sample_towns: Option<i64>,
}

impl Validate for PutPlan {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("scope", &self.scope, 20_000);
        rules.required_text("methods", &self.methods, 20_000);
        rules.required_text("schedule", &self.schedule, 2_000);
        for (field, value) in [
            ("sample_enterprises", self.sample_enterprises),
            ("sample_departments", self.sample_departments),
            ("sample_towns", self.sample_towns),
        ] {
            if value.is_some_and(|n| !(0..=99).contains(&n)) {
                rules.0.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!("{field} is 0 to 99"),
                ));
            }
        }
    }
}

/// 责任制目标 (a unit's responsibility targets and the tasks set from above).
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetResponse {
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// The unit.
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    /// 责任制目标 (the targets); absent before they are written.
    pub targets: Option<String>,
    /// 上级部署的工作任务 (the tasks set from above).
    pub tasks: Option<String>,
    /// Version (0 before they are written); the `ETag`.
    pub version: i32,
    /// Who wrote them last.
    pub updated_by: Option<String>,
    /// When.
    pub updated_at: Option<DateTime<Utc>>,
}

impl TargetResponse {
    /// The unit's targets as shown, written or not.
    pub fn new(cycle_id: CycleId, unit_id: UnitId, row: Option<RoutineTarget>) -> Self {
        Self {
            cycle_id,
            unit_id,
            version: row.as_ref().map_or(0, |r| r.version),
            targets: row.as_ref().map(|r| r.targets.clone()),
            tasks: row.as_ref().and_then(|r| r.tasks.clone()),
            updated_by: row.as_ref().map(|r| r.updated_by.clone()),
            updated_at: row.map(|r| r.updated_at),
        }
    }
}

/// A unit's targets, written whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "targets": "全年召开党风廉政建设专题会议不少于4次；签订党风廉政建设责任书覆盖率100%",
    "tasks": "落实县委关于作风建设专项整治的部署"
}))]
pub struct PutTarget {
    /// 责任制目标 (the targets).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 20000)]
    pub targets: Option<String>,
    /// 上级部署的工作任务 (the tasks set from above).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 20000)]
    pub tasks: Option<String>,
}

impl Validate for PutTarget {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("targets", &self.targets, 20_000);
        rules.optional_text("tasks", self.tasks.as_deref(), 20_000);
    }
}
