use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::SignatureRecord;
use crate::auth::AuthUser;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::scoring::ScoringRecord;
use crate::models::{CycleId, SignatureId, UnitId};
use crate::ops::signed::{self, Signed};

/// One signature of a score sheet
///
/// Readable exactly as the sheet is (404 otherwise, and for a signature of another document).
/// A voided signature stays readable, marked void. The `ETag` is a hash of the body, so it
/// changes only when the signature is voided; a matching `If-None-Match` answers 304.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("signature_id" = i64, Path, description = "Signature id", example = 1),
    ),
    responses(
        (status = 200, description = "The signature", body = SignatureRecord,
            headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 404, description = "Outside the caller's scope, or no such signature",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/signatures/{signature_id}")]
pub async fn get_scoring_record_signature(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, SignatureId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, signature_id) = path.into_inner();
    let signature = db::run(&pool, move |conn| {
        signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Read)?;
        let record = ScoringRecord::find(conn, cycle_id, unit_id, false)?;
        signed::find_signature(conn, record.as_ref().map(Signed::from), signature_id)
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::of_body(&signature),
        &signature,
    ))
}
