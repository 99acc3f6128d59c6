use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::SignatureRecord;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::scoring::ScoringRecord;
use crate::ops::signed;
use crate::routes::params::CycleUnitSignaturePath;

/// 查看评分表的一个签名 (One signature of a score sheet)
///
/// 与评分表本身同样可读。作废的签名仍可读，并标明作废。`ETag` 是内容的哈希，只在签名作废时变化。
///
/// Readable exactly as the sheet is. A voided signature stays readable, marked void; the
/// `ETag` is a hash of the body, so it changes only when the signature is voided.
///
/// 404: 不在权限范围内，或不是这张评分表的签名 (outside the caller's scope, or a signature of
/// another document).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitSignaturePath),
    responses(
        (status = 200, description = "评分表的签名 (A signature of the sheet)", body = SignatureRecord,
            headers(("ETag" = String))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/signatures/{signature_id}")]
pub async fn get_scoring_record_signature(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitSignaturePath>,
) -> Result<HttpResponse, ApiError> {
    let CycleUnitSignaturePath {
        cycle_id,
        unit_id,
        signature_id,
    } = path.into_inner();
    let signature = db::run(&pool, move |conn| {
        signed::get_signature::<ScoringRecord>(conn, &user, (cycle_id, unit_id), signature_id)
    })
    .await?;
    let etag = ETag::of_body(&signature);
    Ok(respond_with_etag(&req, &etag, &signature))
}
