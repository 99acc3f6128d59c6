//! The reports as the API shows them (the views live in `ops/reports.rs`).

pub use crate::ops::report_ranking::{
    FallbackLine, PartyBuildingExport, PublicEvaluationExport, PublicEvaluationUnit, RankingLine,
    RankingReport, ResultSummary,
};
pub use crate::ops::report_unit::{
    HistoryLine, RepeatWarning, ReportDeduction, ReportItem, ReportRectification, ReportReferral,
    ReportRoutine, ReportSheet, ReportTeam, ReportTeamReport, ReportVisit, UnitReport,
};
pub use crate::ops::reports::{
    AreaLoss, ContentAreaReport, Dashboard, GradeTotals, ItemLoss, KindLoss, LeaderGradeLine,
    LeaderGradesReport, Loss, NextTransition, Stage, StageCount, StageKey, UnitGrades, UnitRef,
};
pub use crate::reports::{Amount, FormatQuery, ReportFile, ReportFormat};
// The office's report to the county committee (issue 16 item 6, task COMMITTEE).
pub use crate::ops::report_committee::{
    BandCount, CommitteeFigures, CommitteeReport, KindStats, MissingUnit, TotalStats, UnitTotal,
};

use crate::http::json::{Rules, Validate};

/// The most characters each text of the report to the county committee may have.
pub const COMMITTEE_TEXT_MAX: usize = 20_000;

/// The office's three texts of the report to the county committee, replaced whole and kept
/// exactly as sent (a paragraph's leading full-width spaces too).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "overall_evaluation": "　　全县各单位党风廉政建设责任制落实情况总体较好，领导班子重视程度普遍提高。",
    "problems": "　　个别单位“一岗双责”落实不到位，廉政风险防控措施不够具体。",
    "advice": "　　建议对整改线以下单位主要负责人进行约谈，督促限期整改。"
}))]
pub struct PutCommitteeReport {
    /// 总体评价 (the overall evaluation), 1 to 20000 characters.
    #[schema(required = true, value_type = String, min_length = 1, max_length = 20000)]
    pub overall_evaluation: Option<String>,
    /// 存在问题 (the problems found), 1 to 20000 characters.
    #[schema(required = true, value_type = String, min_length = 1, max_length = 20000)]
    pub problems: Option<String>,
    /// 意见建议 (the advice), 1 to 20000 characters.
    #[schema(required = true, value_type = String, min_length = 1, max_length = 20000)]
    pub advice: Option<String>,
}

impl Validate for PutCommitteeReport {
    fn check(&self, rules: &mut Rules) {
        rules.required_text(
            "overall_evaluation",
            &self.overall_evaluation,
            COMMITTEE_TEXT_MAX,
        );
        rules.required_text("problems", &self.problems, COMMITTEE_TEXT_MAX);
        rules.required_text("advice", &self.advice, COMMITTEE_TEXT_MAX);
    }
}
