use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::ReportResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::self_inspection::AccountabilityReport;
use crate::models::{CycleId, LeaderId, UnitId};
use crate::ops::submitted::context;

/// One accountability report
///
/// The report of one first responsible person, readable by whoever reads the unit's list;
/// 404 until it is started. The `ETag` is its version in quotes (the one `PUT` takes as
/// `If-Match`); a matching `If-None-Match` answers 304.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "The first responsible person", example = 1),
    ),
    responses(
        (status = 200, description = "The report", body = ReportResponse,
            headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 404, description = "Outside the caller's scope, not a first responsible \
            person, or not started", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}")]
pub async fn get_accountability_report(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, LeaderId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, leader_id) = path.into_inner();
    let view = db::run(&pool, move |conn| {
        context(conn, &user, cycle_id, unit_id)?;
        super::first_responsible(conn, unit_id, leader_id)?;
        let report =
            AccountabilityReport::find(conn, cycle_id, leader_id, false)?.ok_or_else(|| {
                ApiError::not_found(format!("leader {leader_id} has no report in {cycle_id}"))
            })?;
        super::view(conn, report)
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(view.version),
        &view,
    ))
}
