use actix_web::{HttpResponse, post, web};

use super::json::{Empty, RecordResponse};
use crate::auth::Inspector;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::models::scoring::ScoringRecord;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::signed;
use crate::routes::params::CycleUnitPath;

/// 提交评分表待签 (Submit the sheet for signature)
///
/// 被指派考核组的成员或组长提交；之后每位成员和组长逐一签署。
///
/// A member or the leader of the assigned team; then every member and the leader sign.
///
/// 403: 调用者是县纪委 (the caller is the office). 409: 评分表不是编辑中（已提交或已定稿），或周期
/// 不在专项考核检查或复核阶段 (not open, or the cycle is not in the special inspection or the
/// review).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitPath),
    request_body = Empty,
    responses(
        (status = 200, description = "待签 (Awaiting signatures)", body = RecordResponse),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/submit")]
pub async fn submit_scoring_record(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let sheet = db::write(&pool, user.actor(), move |conn| {
        signed::submit::<ScoringRecord>(conn, &user, (path.cycle_id, path.unit_id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(sheet))
}
