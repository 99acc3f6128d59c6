use actix_web::{HttpResponse, post, web};

use super::json::{Empty, TeamReportResponse};
use crate::auth::Inspector;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::models::team_report::TeamReport;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::signed;
use crate::routes::params::CycleUnitPath;

/// 提交考核报告待签 (Submit the team report for signature)
///
/// 三部分都须写好。在本周期考核报告截止日（当天结束，北京时间）之后提交的标为逾期，仍予接受。
///
/// Needs all three parts written. Marked late after the cycle's team-report due date (end of
/// that day, Asia/Shanghai), and accepted.
///
/// 403: 调用者是县纪委 (the caller is the office). 404: 不在权限范围内，或考核组还没有写报告
/// (outside the caller's scope, or not started). 409: 报告不是编辑中，或周期不在专项考核检查或
/// 复核阶段 (not open, or the cycle is not in the special inspection or the review). 422: 缺少
/// 某一部分，逐项列出 (a part is missing; each is named).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitPath),
    request_body = Empty,
    responses(
        (status = 200, description = "待签 (Awaiting signatures)", body = TeamReportResponse),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/submit")]
pub async fn submit_team_report(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let report = db::write(&pool, user.actor(), move |conn| {
        signed::submit::<TeamReport>(conn, &user, (path.cycle_id, path.unit_id))
    });
    Ok(HttpResponse::Ok().json(report.await?))
}
