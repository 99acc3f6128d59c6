use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{Empty, RecordResponse, SignatureRecord};
use crate::auth::Inspector;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::domain::scoring::content_hash;
use crate::error::{ApiError, Problem};
use crate::http::{ETag, ValidJson};
use crate::models::scoring::ScoringRecord;
use crate::models::{CycleId, UnitId};
use crate::ops::sheets;
use crate::ops::signed::{self, Signed};

/// Sign the sheet
///
/// Each member and the leader of the assigned team signs once per round; the signature records
/// who, when, the version signed and the SHA-256 of the sheet's canonical content (RFC 8785,
/// see README) at that moment. When all have signed the sheet is final. The answer is the
/// sheet as it now stands; `Location` names the new signature and `ETag` is the tag its GET
/// sends.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = Empty,
    responses(
        (status = 201, description = "Signed: the sheet now", body = RecordResponse,
            headers(("Location" = String, description = "URL of the new signature"),
                ("ETag" = String, description = "The signature's tag, as its GET sends"))),
        (status = 403, description = "The caller is the office",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Outside the caller's scope",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not awaiting signatures, or already signed",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/signatures")]
pub async fn sign_scoring_record(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let actor = user.actor();
    let (view, signature) = db::write(&pool, actor, move |conn| {
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Team)?;
        signed::ensure_team_phase(&ctx.cycle)?;
        let record = Signed::from(&ScoringRecord::open_locked(conn, cycle_id, unit_id)?);
        let hash = content_hash(&sheets::content_of(conn, &ctx, unit_id)?);
        let signing = signed::sign(conn, record, &ctx, &user, &hash)?;
        let id = format!("{cycle_id}/{unit_id}");
        let signature = SignatureRecord::from(signing.signature.clone());
        let change = signed::sign_change(record, id, &user, &signing, &hash);
        Ok(((sheets::view(conn, &ctx, unit_id)?, signature), change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/signatures/{}",
                signature.id
            ),
        ))
        .insert_header((header::ETAG, ETag::of_body(&signature).0))
        .json(view))
}
