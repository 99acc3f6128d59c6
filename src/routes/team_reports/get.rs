use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::TeamReportResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::team_report::TeamReport;
use crate::ops::signed;
use crate::routes::params::CycleUnitPath;

/// 查看考核组对单位的考核报告 (A team's assessment report on a unit)
///
/// 总体评价、发现的问题和整改建议，以及状态、是否逾期和本轮有效的签名；与评分表同样可读。`ETag`
/// 是整份报告的哈希，写报告时作为 `If-Match` 发送。
///
/// The overall evaluation, the problems found and the rectification advice, with the status,
/// the late mark and the standing signatures; readable exactly as the score sheet is. The
/// `ETag` is a hash of the whole report: send it as `If-Match` when writing it.
///
/// 404: 不在调用者的权限范围内 (outside the caller's scope).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitPath),
    responses(
        (status = 200, description = "考核报告 (The report)", body = TeamReportResponse,
            headers(("ETag" = String))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report")]
pub async fn get_team_report(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let report = db::run(&pool, move |conn| {
        signed::get::<TeamReport>(conn, &user, (path.cycle_id, path.unit_id))
    })
    .await?;
    let etag = ETag::of_body(&report);
    Ok(respond_with_etag(&req, &etag, &report))
}
