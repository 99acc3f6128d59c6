//! Request and response bodies of accountability reports.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::json::{Rules, Validate};
use crate::models::{AccountabilityReportId, AttachmentId, LeaderId};
pub use crate::ops::submitted::{ReturnDocument, SubmittedState, VersionResponse};

/// A first responsible person's accountability report (述责报告) in a cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportResponse {
    /// Record id.
    pub id: AccountabilityReportId,
    /// The report's text.
    pub body: Option<String>,
    /// Every submitted version, oldest first.
    pub versions: Vec<VersionResponse<ReportContent>>,
    /// Where it stands.
    #[serde(flatten)]
    pub state: SubmittedState,
}

/// What a kept version of an accountability report holds: the text and attachments as
/// submitted.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReportContent {
    /// The report's text.
    #[schema(required = true)]
    pub body: Option<String>,
    /// The attachments it listed.
    #[serde(default)]
    #[schema(required = true)]
    pub attachment_ids: Vec<AttachmentId>,
}

/// A first responsible person and their report, if started.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "leader_id": 1, "leader_name": "李建国", "position": "党委书记", "report": null
}))]
pub struct LeaderReport {
    /// The leader.
    pub leader_id: LeaderId,
    /// Their name.
    pub leader_name: String,
    /// Their position.
    pub position: String,
    /// Their report, once started.
    pub report: Option<ReportResponse>,
}

/// A report draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "body": "本人作为局党组书记、党风廉政建设第一责任人，2014年认真履行第一责任人职责……",
    "attachment_ids": []
}))]
pub struct PutReport {
    /// 述责报告正文 (the report's text): not blank, at most 50000 characters.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50000)]
    pub body: Option<String>,
    /// Uploaded attachments to attach.
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
}

impl Validate for PutReport {
    fn check(&self, rules: &mut Rules) {
        rules.optional_text("body", self.body.as_deref(), 50_000);
    }
}
