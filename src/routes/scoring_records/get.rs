use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::RecordResponse;
use crate::auth::AuthUser;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::{CycleId, UnitId};
use crate::ops::{sheets, signed};

/// A unit's score sheet
///
/// Every item of the unit's form with the team's deductions and computed points, each with its
/// own `ETag`, beside the unit's latest submitted self-score (flagged beyond the cycle's
/// margin); the methods, referrals, total, and the standing signatures. Members and the leader
/// of the assigned team and the office read it; another team's member gets 404; the unit reads
/// it only once the results are published.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (
            status = 200,
            description = "The score sheet",
            body = RecordResponse,
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
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record")]
pub async fn get_scoring_record(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let view = db::run(&pool, move |conn| {
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Read)?;
        sheets::view(conn, &ctx, unit_id)
    })
    .await?;
    // Self-scores, flags, signatures and the form feed the sheet besides its own versions, so
    // its tag is a hash of the whole body: it changes exactly when anything shown changes.
    let etag = ETag::of_body(&view);
    Ok(respond_with_etag(&req, &etag, &view))
}
