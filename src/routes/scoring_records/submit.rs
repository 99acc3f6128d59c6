use actix_web::{HttpResponse, post, web};
use serde_json::json;

use super::json::{Empty, RecordResponse};
use crate::auth::Inspector;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::models::scoring::ScoringRecord;
use crate::models::{CycleId, UnitId};
use crate::ops::sheets;
use crate::ops::signed::{self, Signed};

/// Submit the sheet for signature
///
/// A member or the leader of the assigned team. Then every member and the leader sign.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = Empty,
    responses(
        (status = 200, description = "Awaiting signatures", body = RecordResponse),
        (
            status = 403,
            description = "The caller is the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Outside the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "Not open (already submitted or final)",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/submit")]
pub async fn submit_scoring_record(
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
        let record = Signed::from(&ScoringRecord::open_locked(conn, cycle_id, unit_id)?);
        signed::submit(conn, record)?;
        let view = sheets::view(conn, &ctx, unit_id)?;
        let change = signed::change(
            record.kind,
            "submit_for_signature",
            format!("{cycle_id}/{unit_id}"),
            json!({"status": record.status}),
            json!({"status": view.status, "content_sha256": view.content_sha256}),
        );
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
