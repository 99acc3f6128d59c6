use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use diesel::prelude::*;

use super::json::TeamReportResponse;
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::domain::calendar::is_late;
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::models::scoring::SheetStatus;
use crate::models::{CycleId, UnitId};
use crate::routes::scoring_records::json::Empty;
use crate::routes::scoring_records::{Access, context, ensure_team_phase};
use crate::schema::team_reports;

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
        (status = 403, description = "The caller is the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Outside the caller's scope, or not started", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A part is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/submit")]
pub async fn submit_team_report(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = context(conn, &user, cycle_id, unit_id, Access::Team)?;
        ensure_team_phase(&ctx.cycle)?;
        let report = super::find(conn, cycle_id, unit_id, true)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "the team has not written its report on unit {unit_id}"
            ))
        })?;
        if report.status != SheetStatus::Open {
            return Err(ApiError::Conflict {
                code: "not_open",
                detail: format!("the report is {}", report.status),
            });
        }
        let mut missing = Vec::new();
        for (field, value) in [
            ("overall_evaluation", &report.overall_evaluation),
            ("problems_found", &report.problems_found),
            ("rectification_advice", &report.rectification_advice),
        ] {
            if value.is_none() {
                missing.push(crate::error::FieldError::new(
                    field,
                    "missing",
                    format!("`{field}` is required"),
                ));
            }
        }
        if !missing.is_empty() {
            return Err(ApiError::Validation(missing));
        }
        let now = Utc::now();
        let late = is_late(ctx.cycle.team_reports_due, now);
        diesel::update(team_reports::table.find(report.id))
            .set((
                team_reports::submitted_at.eq(now),
                team_reports::late.eq(late),
            ))
            .execute(conn)?;
        super::touch(conn, report.id, SheetStatus::AwaitingSignatures)?;
        let view = super::view(conn, cycle_id, unit_id)?;
        let change = Change::new(
            "submit_for_signature",
            "team_report",
            format!("{cycle_id}/{unit_id}"),
            serde_json::json!({"status": report.status}),
            serde_json::json!({"status": view.status, "late": late}),
        );
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
