use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::SelfInspectionResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::self_inspection::SelfInspection;
use crate::models::{CycleId, UnitId};

/// A unit's self-inspection
///
/// The unit reads its own; the office reads all; an inspector those their team holds in this
/// cycle; any other answers 404, as if it did not exist.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (
            status = 200,
            description = "The self-inspection",
            body = SelfInspectionResponse,
            headers(("ETag" = String)),
        ),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (
            status = 404,
            description = "Not started, not assessed, or outside the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection")]
pub async fn get_self_inspection(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let view = db::run(&pool, move |conn| {
        let context = crate::ops::submitted::context(conn, &user, cycle_id, unit_id)?;
        let doc = SelfInspection::find(conn, cycle_id, unit_id, false)?
            .ok_or_else(|| super::not_started(unit_id))?;
        super::view(conn, doc, context.items.len())
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(view.version),
        &view,
    ))
}
