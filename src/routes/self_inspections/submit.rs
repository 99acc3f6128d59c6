use actix_web::{HttpResponse, post, web};

use super::json::SelfInspectionResponse;
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleUnitDraftPath;
use crate::models::self_inspection::SelfInspection;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::submitted::{self, DocumentAt};

/// 提交自查 (Submit the self-inspection)
///
/// 仅限单位角色，且只能提交本单位的。须已为考评表上每一项自评打分并填写自查报告；总分由系统根据
/// 各项自评分计算。截止日期（当天结束，北京时间，含延期）之后提交仍予接收，并标记为逾期
/// (`late`)。每次提交的版本都会保留。
/// (Unit role only. Needs every item of the form scored and the report written; the service
/// computes the total. A submission after the due date is accepted and marked `late`; every
/// submitted version is kept.)
///
/// 403: 调用者不是单位 (the caller is not a unit). 404: 尚未开始自查，或不在调用者范围内 (not
/// started, or outside the caller's scope). 409: 已提交 (`already_submitted`)，或周期不在单位
/// 填报阶段 (`cycle_not_open`). 422: 未完成，列出每个缺少的项目及报告 (incomplete: every missing
/// item and the report are listed).
#[utoipa::path(
    tag = "self-inspections",
    params(CycleUnitDraftPath),
    responses(
        (
            status = 200,
            description = "已提交 (submitted)",
            body = SelfInspectionResponse,
            headers(("ETag" = String, description = "Its new version in quotes")),
        ),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/submit")]
pub async fn submit_self_inspection(
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitDraftPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleUnitDraftPath { cycle_id, unit_id } = path.into_inner();
    let at = DocumentAt::new(cycle_id, unit_id, ());
    let view = db::write(&pool, user.actor(), move |conn| {
        submitted::submit::<SelfInspection>(conn, &user, at)
    })
    .await?;
    tracing::info!(%cycle_id, %unit_id, late = view.late, "self-inspection submitted");
    Ok(submitted::answer::<SelfInspection>(&view))
}
