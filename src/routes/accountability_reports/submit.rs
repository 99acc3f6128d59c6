use actix_web::{HttpResponse, post, web};

use super::json::ReportResponse;
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleUnitLeaderDraftPath;
use crate::models::self_inspection::AccountabilityReport;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::submitted::{self, DocumentAt};

/// 提交述责报告 (Submit an accountability report)
///
/// 仅限单位角色。须已填写报告正文。截止日期同自查报告（当天结束，北京时间），逾期提交仍予接收并
/// 标记为逾期。 (Unit role only. Needs the report's text; late after the self-inspection due
/// date, and accepted.)
///
/// 403: 调用者不是单位 (the caller is not a unit). 404: 尚未开始，或不在调用者范围内 (not
/// started, or outside the caller's scope). 409: 已提交 (`already_submitted`)，或周期不在单位
/// 填报阶段 (`cycle_not_open`). 422: 报告没有正文 (the report has no text).
#[utoipa::path(
    tag = "self-inspections",
    params(CycleUnitLeaderDraftPath),
    responses(
        (status = 200, description = "已提交 (submitted)", body = ReportResponse,
            headers(("ETag" = String, description = "Its new version in quotes"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}/submit")]
pub async fn submit_accountability_report(
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitLeaderDraftPath>,
) -> Result<HttpResponse, ApiError> {
    let p = path.into_inner();
    let at = DocumentAt::new(p.cycle_id, p.unit_id, p.leader_id);
    let view = db::write(&pool, user.actor(), move |conn| {
        submitted::submit::<AccountabilityReport>(conn, &user, at)
    })
    .await?;
    Ok(submitted::answer::<AccountabilityReport>(&view))
}
