use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::TeamReportResponse;
use crate::auth::AuthUser;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::{CycleId, UnitId};
use crate::ops::{signed, team_reports};

/// A team's assessment report on a unit
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (
            status = 200,
            description = "The report",
            body = TeamReportResponse,
            headers(("ETag" = String)),
        ),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (
            status = 404,
            description = "Outside the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report")]
pub async fn get_team_report(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let view = db::run(&pool, move |conn| {
        signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Read)?;
        team_reports::view(conn, cycle_id, unit_id)
    })
    .await?;
    let etag = ETag::of_body(&view);
    Ok(respond_with_etag(&req, &etag, &view))
}
