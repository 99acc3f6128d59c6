use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::ReferralView;
use crate::auth::AuthUser;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::scoring::{Referral, ScoringRecord};
use crate::models::{CycleId, ReferralId, UnitId};
use crate::ops::signed;

/// One referral of a score sheet
///
/// Readable exactly as the sheet is (404 otherwise, and for a referral of another sheet or
/// one withdrawn). A referral never changes, so its `ETag` (a hash of the body) is the one its
/// creation answered; a matching `If-None-Match` answers 304.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("referral_id" = i64, Path, description = "Referral id", example = 1),
    ),
    responses(
        (status = 200, description = "The referral", body = ReferralView,
            headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 404, description = "Outside the caller's scope, or no such referral",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/referrals/{referral_id}")]
pub async fn get_referral(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, ReferralId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, referral_id) = path.into_inner();
    let referral = db::run(&pool, move |conn| {
        signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Read)?;
        let found = match ScoringRecord::find(conn, cycle_id, unit_id, false)? {
            Some(record) => Referral::find(conn, record.id, referral_id)?,
            None => None,
        };
        found.ok_or_else(|| ApiError::not_found(format!("no referral {referral_id}")))
    })
    .await?;
    let view = ReferralView::from(referral);
    Ok(respond_with_etag(&req, &ETag::of_body(&view), &view))
}
