use actix_web::{HttpResponse, post, web};

use super::json::{Reopen, TeamReportResponse};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::models::team_report::TeamReport;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::signed;
use crate::routes::params::CycleUnitPath;

/// 退回重开已定稿的考核报告 (Reopen a final team report)
///
/// 仅限县纪委，须写明理由；已签署的内容、版本和签名留档，开始新一轮签署。
///
/// Office only, with a reason; the signed content, its version and its signatures stay on
/// record, and a new round of signing begins.
///
/// 403: 调用者不是县纪委 (the caller is not the office). 409: 报告未定稿 (the report is not
/// final). 422: 没有理由 (no reason given).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitPath),
    request_body = Reopen,
    responses(
        (status = 200, description = "已重开 (Reopened)", body = TeamReportResponse),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/reopen")]
pub async fn reopen_team_report(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    body: ValidJson<Reopen>,
) -> Result<HttpResponse, ApiError> {
    let report = db::write(&pool, user.actor(), move |conn| {
        signed::reopen::<TeamReport>(conn, &user, (path.cycle_id, path.unit_id), &body.0)
    });
    Ok(HttpResponse::Ok().json(report.await?))
}
