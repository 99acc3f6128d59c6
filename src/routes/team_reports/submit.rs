use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde_json::json;

use super::json::{Empty, TeamReportResponse};
use crate::auth::Inspector;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::domain::calendar::is_late;
use crate::error::{ApiError, FieldError, Problem};
use crate::http::ValidJson;
use crate::models::scoring::SignedKind;
use crate::models::team_report::TeamReport;
use crate::models::{CycleId, UnitId};
use crate::ops::signed::{self, Signed};
use crate::ops::team_reports;

/// Submit the team report for signature
///
/// Needs all three parts written (422 otherwise). Marked late after the cycle's team-report
/// due date (end of that day, Asia/Shanghai), and accepted.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = Empty,
    responses(
        (status = 200, description = "Awaiting signatures", body = TeamReportResponse),
        (
            status = 403,
            description = "The caller is the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Outside the caller's scope, or not started",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "Not open",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "A part is missing",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/submit")]
pub async fn submit_team_report(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Team)?;
        signed::ensure_team_phase(&ctx.cycle)?;
        let report = TeamReport::find(conn, cycle_id, unit_id, true)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "the team has not written its report on unit {unit_id}"
            ))
        })?;
        // Submitting checks the state first; a missing part then rolls the step back.
        signed::submit(conn, Signed::from(&report))?;
        let missing: Vec<FieldError> = [
            ("overall_evaluation", &report.overall_evaluation),
            ("problems_found", &report.problems_found),
            ("rectification_advice", &report.rectification_advice),
        ]
        .into_iter()
        .filter(|(_, value)| value.is_none())
        .map(|(field, _)| FieldError::new(field, "missing", format!("`{field}` is required")))
        .collect();
        if !missing.is_empty() {
            return Err(ApiError::Validation(missing));
        }
        let now = Utc::now();
        let late = is_late(ctx.cycle.team_reports_due, now);
        TeamReport::mark_submitted(conn, report.id, now, late)?;
        let view = team_reports::view(conn, cycle_id, unit_id)?;
        let change = signed::change(
            SignedKind::TeamReport,
            "submit_for_signature",
            format!("{cycle_id}/{unit_id}"),
            json!({"status": report.status}),
            json!({"status": view.status, "late": late}),
        );
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
