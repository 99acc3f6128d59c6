use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::ReportResponse;
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::domain::text::is_blank;
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::models::self_inspection::AccountabilityReport;
use crate::models::{CycleId, LeaderId, UnitId};
use crate::ops::submitted;

/// Submit an accountability report
///
/// Unit role only. Needs the report's text (422 otherwise). Late after the self-inspection due
/// date (end of day, Asia/Shanghai), and accepted.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "The first responsible person", example = 1),
    ),
    responses(
        (
            status = 200,
            description = "Submitted",
            body = ReportResponse,
            headers(("ETag" = String)),
        ),
        (
            status = 403,
            description = "The caller is not a unit",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Not started, or outside the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "Already submitted, or the cycle is not open to units",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "The report has no text",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}/submit")]
pub async fn submit_accountability_report(
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, LeaderId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, leader_id) = path.into_inner();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = submitted::context(conn, &user, cycle_id, unit_id)?;
        submitted::ensure_open_for_units(&ctx.cycle)?;
        super::first_responsible(conn, unit_id, leader_id)?;
        let report = AccountabilityReport::find(conn, cycle_id, leader_id, true)?
            .ok_or_else(|| ApiError::not_found(format!("leader {leader_id} has no report yet")))?;
        submitted::ensure_submittable(&report)?;
        if report.body.as_deref().is_none_or(is_blank) {
            return Err(ApiError::field(
                "body",
                "missing",
                "the report's text is required",
            ));
        }
        let due = ctx.cycle.self_inspection_due;
        submitted::submit(conn, &ctx, report, due, &user)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
