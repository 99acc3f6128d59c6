//! The team's assessment report (考核报告, plan §5(五)) on a unit, a member of the signed family:
//! its view and the canonical content its signatures hash.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::domain::scoring::content_hash;
use crate::error::ApiError;
use crate::models::scoring::SheetStatus;
use crate::models::team_report::TeamReport;
use crate::models::{CycleId, UnitId};
use crate::ops::signed::{SignatureView, Signed, signature_views};

/// A team's assessment report on one unit (考核报告, plan §5(五)).
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamReportResponse {
    /// The cycle.
    pub cycle_id: CycleId,
    /// The unit.
    pub unit_id: UnitId,
    /// Overall evaluation of the leadership team.
    pub overall_evaluation: Option<String>,
    /// Problems found.
    pub problems_found: Option<String>,
    /// Rectification advice.
    pub rectification_advice: Option<String>,
    /// `open`, `awaiting_signatures` or `final`.
    pub status: SheetStatus,
    /// When it was submitted for signature.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Whether that was after the team-report due date (end of day, Asia/Shanghai).
    pub late: bool,
    /// Version (0 before the first write); signatures name it.
    pub version: i32,
    /// Signing round.
    pub round: i32,
    /// Standing signatures of this round.
    pub signatures: Vec<SignatureView>,
    /// SHA-256 of the canonical content now.
    pub content_sha256: String,
}

/// The canonical content a signature on the report hashes.
pub fn content(cycle_id: CycleId, unit_id: UnitId, report: Option<&TeamReport>) -> Value {
    json!({
        "document": "team_report",
        "cycle_id": cycle_id.0,
        "unit_id": unit_id.0,
        "overall_evaluation": report.and_then(|r| r.overall_evaluation.clone()),
        "problems_found": report.and_then(|r| r.problems_found.clone()),
        "rectification_advice": report.and_then(|r| r.rectification_advice.clone()),
    })
}

/// The report as the API shows it.
pub fn view(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<TeamReportResponse, ApiError> {
    let report = TeamReport::find(conn, cycle_id, unit_id, false)?;
    // A team report's content is the same in both canonical versions (it cites no rules).
    let hash = content_hash(&content(cycle_id, unit_id, report.as_ref()));
    let signatures = signature_views(conn, report.as_ref().map(Signed::from), |_| hash.clone())?;
    Ok(TeamReportResponse {
        cycle_id,
        unit_id,
        content_sha256: hash.clone(),
        overall_evaluation: report.as_ref().and_then(|r| r.overall_evaluation.clone()),
        problems_found: report.as_ref().and_then(|r| r.problems_found.clone()),
        rectification_advice: report.as_ref().and_then(|r| r.rectification_advice.clone()),
        status: report.as_ref().map_or(SheetStatus::Open, |r| r.status),
        submitted_at: report.as_ref().and_then(|r| r.submitted_at),
        late: report.as_ref().is_some_and(|r| r.late),
        version: report.as_ref().map_or(0, |r| r.version),
        round: report.as_ref().map_or(1, |r| r.round),
        signatures,
    })
}
