use actix_web::{HttpResponse, post, web};

use super::json::{ReportResponse, ReturnDocument};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::http::params::CycleUnitLeaderPath;
use crate::models::self_inspection::AccountabilityReport;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::submitted::{self, DocumentAt};

/// 退回述责报告 (Return a submitted accountability report for revision)
///
/// 仅限考评办，须说明理由；所提交的版本保留在案。 (Office only, with a reason; the submitted
/// version stays on record.)
///
/// 403: 调用者不是考评办 (the caller is not the office). 404: 调用者范围内无此报告 (no such
/// report in the caller's scope). 409: 未处于已提交状态 (`not_submitted`). 422: 未填写理由
/// (no reason given).
#[utoipa::path(
    tag = "self-inspections",
    params(CycleUnitLeaderPath),
    request_body = ReturnDocument,
    responses(
        (status = 200, description = "已退回 (returned)", body = ReportResponse,
            headers(("ETag" = String, description = "Its new version in quotes"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}/return")]
pub async fn return_accountability_report(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitLeaderPath>,
    body: ValidJson<ReturnDocument>,
) -> Result<HttpResponse, ApiError> {
    let p = path.into_inner();
    let reason = body.0.reason.as_deref().map(clean).unwrap_or_default();
    let view = db::write(&pool, user.actor(), move |conn| {
        let at = DocumentAt::new(p.cycle_id, p.unit_id, p.leader_id);
        submitted::send_back::<AccountabilityReport>(conn, &user, at, &reason)
    })
    .await?;
    Ok(submitted::answer::<AccountabilityReport>(&view))
}
