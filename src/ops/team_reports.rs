//! The team's assessment report (考核报告, plan §5(五)) on a unit, a member of the signed family:
//! its view and the canonical content its signatures hash.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::domain::calendar::is_late;
use crate::domain::scoring::content_hash;
use crate::error::{ApiError, FieldError};
use crate::models::scoring::{SheetStatus, SignedRow};
use crate::models::team_report::TeamReport;
use crate::models::{CycleId, UnitId};
use crate::ops::signed::{SheetContext, SignatureView, Signed, SignedMember, signature_views};

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

impl SignedMember for TeamReport {
    type View = TeamReportResponse;
    const PATH: &'static str = "team-report";

    /// A report is submitted and signed once the team has written it (404 before).
    fn for_step(conn: &mut PgConnection, ctx: &SheetContext) -> Result<Self, ApiError> {
        TeamReport::find(conn, ctx.cycle.id, ctx.unit_id, true)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "the team has not written its report on unit {}",
                ctx.unit_id
            ))
        })
    }

    fn content(&self, _conn: &mut PgConnection, ctx: &SheetContext) -> Result<Value, ApiError> {
        Ok(content(ctx, Some(self)))
    }

    fn view(conn: &mut PgConnection, ctx: &SheetContext) -> Result<TeamReportResponse, ApiError> {
        view(conn, ctx)
    }

    fn content_sha256(view: &TeamReportResponse) -> &str {
        &view.content_sha256
    }

    /// Needs all three parts written (422 naming each missing one); marked late after the
    /// cycle's team-report due date (end of that day, Asia/Shanghai), and accepted.
    fn on_submit(
        &self,
        conn: &mut PgConnection,
        ctx: &SheetContext,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let missing: Vec<FieldError> = [
            ("overall_evaluation", &self.overall_evaluation),
            ("problems_found", &self.problems_found),
            ("rectification_advice", &self.rectification_advice),
        ]
        .into_iter()
        .filter(|(_, value)| value.is_none())
        .map(|(field, _)| FieldError::new(field, "missing", format!("`{field}` is required")))
        .collect();
        if !missing.is_empty() {
            return Err(ApiError::Validation(missing));
        }
        let late = is_late(ctx.cycle.team_reports_due, now);
        TeamReport::mark_submitted(conn, self.id, now, late)?;
        Ok(json!({"late": late}))
    }
}

/// The canonical content a signature on the report hashes.
pub fn content(ctx: &SheetContext, report: Option<&TeamReport>) -> Value {
    json!({
        "document": "team_report",
        "cycle_id": ctx.cycle.id,
        "unit_id": ctx.unit_id,
        "overall_evaluation": report.and_then(|r| r.overall_evaluation.clone()),
        "problems_found": report.and_then(|r| r.problems_found.clone()),
        "rectification_advice": report.and_then(|r| r.rectification_advice.clone()),
    })
}

/// The report as the API shows it.
pub fn view(conn: &mut PgConnection, ctx: &SheetContext) -> Result<TeamReportResponse, ApiError> {
    let (cycle_id, unit_id) = (ctx.cycle.id, ctx.unit_id);
    let report = TeamReport::find(conn, cycle_id, unit_id, false)?;
    // A team report's content is the same in both canonical versions (it cites no rules).
    let hash = content_hash(&content(ctx, report.as_ref()));
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
