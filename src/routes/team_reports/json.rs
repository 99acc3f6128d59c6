//! Request and response bodies of team assessment reports.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::json::{Rules, Validate, clean};
use crate::models::team_report::TeamReportText;
pub use crate::ops::signed::{Empty, Reopen, SignatureRecord};
pub use crate::ops::team_reports::TeamReportResponse;

/// The report's text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "overall_evaluation": "该镇党委能认真履行党风廉政建设主体责任，总体评价为较好。",
    "problems_found": "廉政风险防控措施落实不到位；村务公开不及时。",
    "rectification_advice": "一是完善廉政风险点台账；二是按季度公开村级财务。"
}))]
pub struct PutTeamReport {
    /// 总体评价 (overall evaluation); absent or `null` while not written, never blank.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 20000)]
    pub overall_evaluation: Option<String>,
    /// 发现的问题 (problems found).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 20000)]
    pub problems_found: Option<String>,
    /// 整改建议 (rectification advice).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 20000)]
    pub rectification_advice: Option<String>,
}

impl PutTeamReport {
    /// The text to store: each part cleaned, a blank one stored as not written.
    pub fn text(&self) -> TeamReportText {
        let part = |v: &Option<String>| v.as_deref().map(clean).filter(|t| !t.is_empty());
        TeamReportText {
            overall_evaluation: part(&self.overall_evaluation),
            problems_found: part(&self.problems_found),
            rectification_advice: part(&self.rectification_advice),
        }
    }
}

impl Validate for PutTeamReport {
    fn check(&self, rules: &mut Rules) {
        rules.optional_text(
            "overall_evaluation",
            self.overall_evaluation.as_deref(),
            20_000,
        );
        rules.optional_text("problems_found", self.problems_found.as_deref(), 20_000);
        rules.optional_text(
            "rectification_advice",
            self.rectification_advice.as_deref(),
            20_000,
        );
    }
}
