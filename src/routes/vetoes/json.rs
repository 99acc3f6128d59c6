//! Request and response bodies of veto events.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::json::{Rules, Validate};
use crate::models::{CycleId, LeaderId, UnitId, VetoId};
pub use crate::ops::result_inputs::VetoView;

/// `{cycle_id}/vetoes/{veto_id}`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CycleVetoPath {
    /// 考核周期 id: the assessment cycle.
    #[param(value_type = i64, example = 1)]
    pub cycle_id: CycleId,
    /// 否决事件 id: the veto event.
    #[param(value_type = i64, example = 1)]
    pub veto_id: VetoId,
}

/// A veto event to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "unit_id": 14, "leader_id": null,
    "reason": "班子成员因严重违纪受到开除党籍处分",
    "document_ref": "阳纪发〔2014〕21号"
}))]
pub struct CreateVeto {
    /// 单位（本周期纳入考核）(the unit, assessed in the cycle).
    #[schema(required = true, value_type = i64, example = 14)]
    pub unit_id: Option<UnitId>,
    /// 涉及的班子成员（可选）(the leader concerned, one of the unit's; optional).
    #[schema(value_type = Option<i64>)]
    pub leader_id: Option<LeaderId>,
    /// 事由，1 至 1000 字 (why, 1 to 1000 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
    /// 处分决定文号，1 至 200 字 (the decision's reference, 1 to 200 characters).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 200)]
    pub document_ref: Option<String>,
}

impl Validate for CreateVeto {
    fn check(&self, rules: &mut Rules) {
        rules.required("unit_id", &self.unit_id);
        rules.required_text("reason", &self.reason, 1_000);
        rules.required_text("document_ref", &self.document_ref, 200);
    }
}
