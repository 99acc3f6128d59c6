use actix_web::{HttpResponse, post, web};
use diesel::prelude::*;

use super::json::TeamReportResponse;
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::models::scoring::{SheetStatus, Signature, SignedKind, reopen_document};
use crate::models::{CycleId, UnitId};
use crate::routes::scoring_records::json::Reopen;
use crate::routes::scoring_records::{Access, context};
use crate::schema::team_reports;

/// Reopen a final team report
///
/// Office only, with a reason; the signed content and signatures stay on record.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = Reopen,
    responses(
        (status = 200, description = "Reopened", body = TeamReportResponse),
        (status = 403, description = "The caller is not the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Outside the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not final", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/reopen")]
pub async fn reopen_team_report(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    body: ValidJson<Reopen>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let reason = body.0.reason.as_deref().map(clean).unwrap_or_default();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        context(conn, &user, cycle_id, unit_id, Access::Office)?;
        user.require_office()?;
        let report = super::find(conn, cycle_id, unit_id, true)?
            .filter(|r| r.status == SheetStatus::Final)
            .ok_or_else(|| ApiError::Conflict {
                code: "not_final",
                detail: "only a final report is reopened".to_owned(),
            })?;
        let signatures =
            Signature::standing(conn, SignedKind::TeamReport, report.id, report.round)?;
        let content = super::content(cycle_id, unit_id, Some(&report));
        let snapshot = serde_json::json!({
            "content": content,
            "signatures": signatures,
            "version": report.version,
        });
        reopen_document(
            conn,
            SignedKind::TeamReport,
            report.id,
            report.round,
            &reason,
            &user.sub,
            &snapshot,
        )?;
        diesel::update(team_reports::table.find(report.id))
            .set(team_reports::round.eq(team_reports::round + 1))
            .execute(conn)?;
        super::touch(conn, report.id, SheetStatus::Open)?;
        let view = super::view(conn, cycle_id, unit_id)?;
        let change = Change::new(
            "reopen",
            "team_report",
            format!("{cycle_id}/{unit_id}"),
            serde_json::json!({"status": "final", "round": report.round}),
            serde_json::json!({"status": "open", "round": view.round, "reason": reason}),
        );
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
