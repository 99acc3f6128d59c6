//! Request and response bodies of score sheets.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::scoring::{Deduction, Method};
use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
use crate::models::LeaderId;
pub use crate::ops::sheets::{ItemView, RecordResponse, ReferralView};
pub use crate::ops::signed::{Empty, Reopen, SignatureRecord, SignatureView};

/// An item's deductions and evidence notes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "deductions": [
        {"rule_code": "1.3-R1", "occurrences": 1, "points": "2.00", "kind": "other"},
        {"rule_code": null, "occurrences": 1, "points": "3.00",
         "grounds": "班子成员违规收受礼金1起", "kind": "integrity_violation"}
    ],
    "evidence_notes": "查阅党委会议记录、信访件登记台账"
}))]
pub struct PutItem {
    /// 扣分（满分时为空），至多 50 条 (the deductions: empty for full marks, at most 50).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub deductions: Vec<Deduction>,
    /// 查证情况说明 (evidence notes): absent or `null` for none, never blank.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 5000)]
    pub evidence_notes: Option<String>,
}

impl Validate for PutItem {
    fn check(&self, rules: &mut Rules) {
        rules.optional_text("evidence_notes", self.evidence_notes.as_deref(), 5000);
        if self.deductions.len() > 50 {
            rules.0.push(FieldError::new(
                "deductions",
                "too_many",
                "at most 50 deductions an item",
            ));
        }
    }
}

/// The methods the team used.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"methods": [
    "hearing_report", "democratic_evaluation", "individual_talks", "reviewing_records"
]}))]
pub struct PutMethods {
    /// 使用的考核方法 (the methods used); repeats count once.
    pub methods: Vec<Method>,
}

impl Validate for PutMethods {
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

/// A dereliction-of-duty case referred instead of deducted (plan §4).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "leader_id": 3, "facts": "2014年5月因安全生产监管失职被追究纪律责任",
    "decision": "阳纪发〔2014〕12号：给予党内警告处分"
}))]
pub struct CreateReferral {
    /// 涉及的班子成员（已知时），须是本单位的 (the leader concerned, when known: a leader of
    /// the unit).
    #[serde(default)]
    #[schema(value_type = Option<i64>, example = 3)]
    pub leader_id: Option<LeaderId>,
    /// 事实 (the facts).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 5000)]
    pub facts: Option<String>,
    /// 所依据的处理决定 (the decision it rests on).
    #[schema(required = true, value_type = String, min_length = 1, max_length = 1000)]
    pub decision: Option<String>,
}

impl Validate for CreateReferral {
    fn check(&self, rules: &mut Rules) {
        rules.required_text("facts", &self.facts, 5000);
        rules.required_text("decision", &self.decision, 1000);
    }
}
