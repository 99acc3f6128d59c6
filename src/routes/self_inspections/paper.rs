use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;

use super::json::{PaperReceived, SelfInspectionResponse};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, ValidJson};
use crate::models::self_inspection::SelfInspection;
use crate::models::{CycleId, UnitId};
use crate::ops::submitted;

/// Record the stamped paper copy's arrival
///
/// Office only. The plan wants the report on paper and electronically (plan §6(三)).
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = PaperReceived,
    responses(
        (
            status = 200,
            description = "Recorded",
            body = SelfInspectionResponse,
            headers(("ETag" = String)),
        ),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Not started, or outside the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/paper-received")]
pub async fn record_paper_copy(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    body: ValidJson<PaperReceived>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let received_at = body.0.received_at.unwrap_or_else(Utc::now);
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = submitted::context(conn, &user, cycle_id, unit_id)?;
        user.require_office()?;
        let doc = SelfInspection::find(conn, cycle_id, unit_id, true)?
            .ok_or_else(|| super::not_started(unit_id))?;
        submitted::record_paper(conn, &ctx, doc, received_at)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
