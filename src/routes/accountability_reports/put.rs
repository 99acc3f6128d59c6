use actix_web::{HttpRequest, HttpResponse, put, web};

use super::json::{PutReport, ReportResponse};
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleUnitLeaderDraftPath;
use crate::http::{IfMatch, ValidJson};
use crate::models::self_inspection::AccountabilityReport;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::submitted::{self, DocumentAt};

/// 保存述责报告草稿 (Save an accountability report draft)
///
/// 仅限单位角色，为本单位的第一责任人填写，周期处于单位填报阶段时可写。首次保存创建（201），
/// 之后替换（200，须带 `If-Match`）。 (Unit role only, for its own unit's first responsible
/// persons, while the cycle is open to units: creates the draft (201) or replaces it (200,
/// with `If-Match`).)
///
/// 403: 调用者不是单位 (the caller is not a unit). 404: 不在调用者范围内，或不是第一责任人
/// (outside the caller's scope, or not a first responsible person). 409: 已提交、须待退回后才能
/// 修改 (`already_submitted`)，或周期不在单位填报阶段 (`cycle_not_open`).
#[utoipa::path(
    tag = "self-inspections",
    params(
        CycleUnitLeaderDraftPath,
        ("If-Match" = Option<String>, Header,
            description = "当前 `ETag`，已创建后必填 (the current ETag; required once it exists)"),
    ),
    request_body = PutReport,
    responses(
        (status = 200, description = "已保存 (saved)", body = ReportResponse,
            headers(("ETag" = String, description = "Its new version in quotes"))),
        (status = 201, description = "已创建 (started)", body = ReportResponse, headers(
            ("Location" = String, description = "The report's URL"),
            ("ETag" = String, description = "Its version in quotes"),
        )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}")]
pub async fn put_accountability_report(
    req: HttpRequest,
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitLeaderDraftPath>,
    body: ValidJson<PutReport>,
) -> Result<HttpResponse, ApiError> {
    let p = path.into_inner();
    let if_match = IfMatch::optional(&req);
    let saved = db::write(&pool, user.actor(), move |conn| {
        let at = DocumentAt::new(p.cycle_id, p.unit_id, p.leader_id);
        submitted::save_draft::<AccountabilityReport>(conn, &user, at, if_match, &body.0)
    })
    .await?;
    let (cycle, unit, leader) = (p.cycle_id, p.unit_id, p.leader_id);
    let location =
        format!("/api/v1/assessment-cycles/{cycle}/units/{unit}/accountability-reports/{leader}");
    Ok(submitted::answer_saved::<AccountabilityReport>(
        &saved, location,
    ))
}
