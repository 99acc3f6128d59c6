//! Request and response bodies of self-inspections.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::points::Points;
use crate::error::FieldError;
use crate::http::json::{Rules, Validate};
use crate::models::{AttachmentId, CycleId, SelfInspectionId, UnitId, UnitKind};
pub use crate::ops::submitted::{ReturnDocument, SubmittedState, VersionResponse};

/// A self-score for one item of the unit's form.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"item_code": "1.3", "points": "4.00", "note": "全年专题研究3次，少1次"}))]
pub struct SelfScore {
    /// 考评项目编号 (the item's code on the unit's form), each item once.
    #[schema(min_length = 1)]
    pub item_code: String,
    /// 自评分 (points), 0 to the item's maximum, at most two decimals.
    pub points: Points,
    /// 扣分说明 (why points were taken off, if any): not blank, at most 2000 characters.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// A problem the unit found in itself, with its fix (plan §6(一): 查漏补缺, 及时整改).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"problem": "廉政风险点排查不够全面", "fix": "10月底前完成全部岗位风险点梳理", "done": false}))]
pub struct FoundProblem {
    /// 存在问题 (what was found): not blank, at most 2000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    pub problem: String,
    /// 整改措施 (how it is being fixed): not blank, at most 2000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    pub fix: String,
    /// Whether the fix is done.
    #[serde(default)]
    pub done: bool,
}

/// The unit's self-inspection draft: report, self-scores, problems and attachments.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "report": "2014年，我镇党委认真履行党风廉政建设主体责任……",
    "scores": [
        {"item_code": "1.1", "points": "3.00"},
        {"item_code": "1.3", "points": "4.00", "note": "全年专题研究3次"}
    ],
    "problems": [
        {"problem": "廉政风险点排查不够全面", "fix": "10月底前完成全部岗位风险点梳理", "done": false}
    ],
    "attachment_ids": []
}))]
pub struct PutSelfInspection {
    /// 自查报告 (the written self-inspection report): not blank, at most 50000 characters.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50000)]
    pub report: Option<String>,
    /// Self-scores, one per item (all items are needed to submit).
    #[serde(default)]
    pub scores: Vec<SelfScore>,
    /// Problems found, with their fixes.
    #[serde(default)]
    pub problems: Vec<FoundProblem>,
    /// Uploaded attachments to attach (they stay attached).
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
}

impl Validate for PutSelfInspection {
    fn check(&self, rules: &mut Rules) {
        if let Some(report) = &self.report {
            rules.optional_text("report", Some(report), 50_000);
        }
        let mut seen = HashSet::new();
        for (i, score) in self.scores.iter().enumerate() {
            let field = format!("scores[{i}].points");
            if score.points.is_negative() {
                rules.0.push(FieldError::new(
                    &field,
                    "negative",
                    "a self-score cannot be negative",
                ));
            }
            if !score.points.has_two_decimals_at_most() {
                rules.0.push(FieldError::new(
                    &field,
                    "too_precise",
                    "a self-score has at most two decimal places",
                ));
            }
            rules.optional_text(&format!("scores[{i}].note"), score.note.as_deref(), 2000);
            if !seen.insert(score.item_code.trim()) {
                rules.0.push(FieldError::new(
                    format!("scores[{i}].item_code"),
                    "duplicate",
                    "each item is scored once",
                ));
            }
        }
        for (i, problem) in self.problems.iter().enumerate() {
            rules.text(&format!("problems[{i}].problem"), &problem.problem, 2000);
            rules.text(&format!("problems[{i}].fix"), &problem.fix, 2000);
        }
    }
}

/// A unit's self-inspection in a cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct SelfInspectionResponse {
    /// Record id.
    pub id: SelfInspectionId,
    /// The cycle.
    pub cycle_id: CycleId,
    /// The unit.
    pub unit_id: UnitId,
    /// The written report.
    pub report: Option<String>,
    /// Self-scores by item.
    pub scores: Vec<SelfScore>,
    /// Problems found and their fixes.
    pub problems: Vec<FoundProblem>,
    /// The total self-score, computed by the service from the item scores.
    pub total: Points,
    /// Items scored so far.
    pub items_scored: usize,
    /// Items on the unit's form.
    pub items_on_form: usize,
    /// When the office received the stamped paper copy.
    pub paper_received_at: Option<DateTime<Utc>>,
    /// Where it stands.
    #[serde(flatten)]
    pub state: SubmittedState,
}

/// What a kept version of a self-inspection holds: the draft as it was submitted.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SelfInspectionContent {
    /// The written report.
    #[schema(required = true)]
    pub report: Option<String>,
    /// Self-scores by item.
    pub scores: Vec<SelfScore>,
    /// Problems found and their fixes.
    pub problems: Vec<FoundProblem>,
    /// The total self-score, computed by the service.
    pub total: Points,
    /// The attachments it listed (none in versions kept before attachments were listed).
    #[serde(default)]
    #[schema(required = true)]
    pub attachment_ids: Vec<AttachmentId>,
}

crate::text_enum! {
    /// Where a unit stands in the self-inspection of a cycle.
    pub enum ProgressStatus {
        /// 未填报 (nothing saved yet)
        Missing => "missing",
        /// 草稿 (saved, not submitted)
        Draft => "draft",
        /// 已提交 (submitted)
        Submitted => "submitted",
        /// 已退回 (returned for revision)
        Returned => "returned",
    }
}

/// Filters of the office's progress view.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressFilter {
    /// Only units in this state.
    pub status: Option<ProgressStatus>,
    /// Only units whose last submission was late (`true`) or on time (`false`).
    pub late: Option<bool>,
}

/// One unit's self-inspection progress.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "unit_id": 3, "unit_name": "太平镇", "unit_kind": "town", "status": "submitted", "late": true,
    "submitted_at": "2014-09-21T02:15:00Z", "submission_count": 1, "paper_received_at": null,
    "total": "91.50",
    "reports_expected": 2, "reports_submitted": 2
}))]
pub struct ProgressRow {
    /// The unit.
    pub unit_id: UnitId,
    /// Its name.
    pub unit_name: String,
    /// Its kind.
    pub unit_kind: UnitKind,
    /// Missing, draft, submitted or returned.
    pub status: ProgressStatus,
    /// Whether the last submission was late.
    pub late: bool,
    /// When it was last submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Submissions so far.
    pub submission_count: i32,
    /// When the paper copy arrived.
    pub paper_received_at: Option<DateTime<Utc>>,
    /// The submitted total self-score.
    pub total: Option<Points>,
    /// Accountability reports expected (one per first responsible person).
    pub reports_expected: i64,
    /// Accountability reports submitted.
    pub reports_submitted: i64,
}
