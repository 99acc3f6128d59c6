use actix_web::{HttpResponse, post, web};

use super::json::{ReturnDocument, SelfInspectionResponse};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::http::params::CycleUnitPath;
use crate::models::self_inspection::SelfInspection;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::submitted::{self, DocumentAt};

/// 退回自查报告 (Return a submitted self-inspection for revision)
///
/// 仅限考评办，须说明理由；所提交的版本连同退回记录一并保留。单位修改后重新提交。
/// (Office only, with a reason; the submitted version stays on record with its return. The
/// unit revises and resubmits.)
///
/// 403: 调用者不是考评办 (the caller is not the office). 404: 尚未开始自查，或不在调用者范围内
/// (not started, or outside the caller's scope). 409: 未处于已提交状态 (`not_submitted`).
/// 422: 未填写理由 (no reason given).
#[utoipa::path(
    tag = "self-inspections",
    params(CycleUnitPath),
    request_body = ReturnDocument,
    responses(
        (
            status = 200,
            description = "已退回 (returned)",
            body = SelfInspectionResponse,
            headers(("ETag" = String, description = "Its new version in quotes")),
        ),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/return")]
pub async fn return_self_inspection(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    body: ValidJson<ReturnDocument>,
) -> Result<HttpResponse, ApiError> {
    let at = DocumentAt::new(path.cycle_id, path.unit_id, ());
    let reason = body.0.reason.as_deref().map(clean).unwrap_or_default();
    let view = db::write(&pool, user.actor(), move |conn| {
        submitted::send_back::<SelfInspection>(conn, &user, at, &reason)
    })
    .await?;
    Ok(submitted::answer::<SelfInspection>(&view))
}
