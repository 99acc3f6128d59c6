use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::SignatureRecord;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::team_report::TeamReport;
use crate::ops::signed;
use crate::routes::params::CycleUnitSignaturePath;

/// 查看考核报告的一个签名 (One signature of a team report)
///
/// 与报告本身同样可读；作废的签名仍可读，并标明作废。`ETag` 只在签名作废时变化。
///
/// Readable exactly as the report is; a voided signature stays readable, marked void, and its
/// `ETag` changes only then.
///
/// 404: 不在权限范围内，或不是这份报告的签名 (outside the caller's scope, or a signature of
/// another document).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitSignaturePath),
    responses(
        (status = 200, description = "考核报告的签名 (A signature of the report)", body = SignatureRecord,
            headers(("ETag" = String))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/signatures/{signature_id}")]
pub async fn get_team_report_signature(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitSignaturePath>,
) -> Result<HttpResponse, ApiError> {
    let signature = db::run(&pool, move |conn| {
        let at = (path.cycle_id, path.unit_id);
        signed::get_signature::<TeamReport>(conn, &user, at, path.signature_id)
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::of_body(&signature),
        &signature,
    ))
}
