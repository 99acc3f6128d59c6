use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{ReportResponse, ReturnDocument};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, ValidJson};
use crate::models::self_inspection::AccountabilityReport;
use crate::models::{CycleId, LeaderId, UnitId};
use crate::ops::submitted;

/// Return a submitted accountability report for revision
///
/// Office only, with a reason; the submitted version stays on record.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "The first responsible person", example = 1),
    ),
    request_body = ReturnDocument,
    responses(
        (status = 200, description = "Returned", body = ReportResponse, headers(("ETag" = String))),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "No such report in the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "Not submitted",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "No reason given",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}/return")]
pub async fn return_accountability_report(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, LeaderId)>,
    body: ValidJson<ReturnDocument>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, leader_id) = path.into_inner();
    let reason = body.0.reason.as_deref().map(clean).unwrap_or_default();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = submitted::context(conn, &user, cycle_id, unit_id)?;
        user.require_office()?;
        super::first_responsible(conn, unit_id, leader_id)?;
        let report = AccountabilityReport::find(conn, cycle_id, leader_id, true)?
            .ok_or_else(|| ApiError::not_found(format!("leader {leader_id} has no report yet")))?;
        submitted::send_back(conn, &ctx, report, &user, &reason)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
