use actix_web::{HttpRequest, HttpResponse, put, web};

use super::json::{PutSelfInspection, SelfInspectionResponse};
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleUnitDraftPath;
use crate::http::{IfMatch, ValidJson};
use crate::models::self_inspection::SelfInspection;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::submitted::{self, DocumentAt};

/// 保存自查草稿 (Save the unit's self-inspection draft)
///
/// 仅限单位角色，且只能写本单位的；周期处于自查或专项检查阶段时可写。一次提交完整草稿：自查报告、
/// 各项自评分（0 至该项满分，最多两位小数，须为本单位考评表上的项目）、查找的问题及整改措施、附件。
/// 首次保存创建（201），之后替换（200，须带 `If-Match`）。
/// (Unit role only, for its own unit, while the cycle is in `self_inspection` or
/// `special_inspection`. Sends the whole draft; creates it (201) or replaces it (200, with
/// `If-Match`).)
///
/// 403: 调用者不是单位 (the caller is not a unit). 404: 其他单位的，或未参加本周期考核 (another
/// unit's, or not assessed in the cycle). 409: 已提交、须待退回后才能修改 (`already_submitted`)，
/// 或周期不在单位填报阶段 (`cycle_not_open`). 422: 分数超出范围或精度、项目不在考评表上、附件不可用
/// (scores out of range or over-precise, items not on the form, unusable attachments).
#[utoipa::path(
    tag = "self-inspections",
    params(
        CycleUnitDraftPath,
        (
            "If-Match" = Option<String>,
            Header,
            description = "当前 `ETag`，已创建后必填 (the current ETag; required once it exists)",
        ),
    ),
    request_body = PutSelfInspection,
    responses(
        (
            status = 200,
            description = "已保存 (saved)",
            body = SelfInspectionResponse,
            headers(("ETag" = String, description = "Its new version in quotes")),
        ),
        (
            status = 201,
            description = "已创建 (started)",
            body = SelfInspectionResponse,
            headers(
                ("Location" = String, description = "The self-inspection's URL"),
                ("ETag" = String, description = "Its version in quotes"),
            ),
        ),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection")]
pub async fn put_self_inspection(
    req: HttpRequest,
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitDraftPath>,
    body: ValidJson<PutSelfInspection>,
) -> Result<HttpResponse, ApiError> {
    let CycleUnitDraftPath { cycle_id, unit_id } = path.into_inner();
    let at = DocumentAt::new(cycle_id, unit_id, ());
    let if_match = IfMatch::optional(&req);
    let saved = db::write(&pool, user.actor(), move |conn| {
        submitted::save_draft::<SelfInspection>(conn, &user, at, if_match, &body.0)
    })
    .await?;
    let location = format!("/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection");
    Ok(submitted::answer_saved::<SelfInspection>(&saved, location))
}
