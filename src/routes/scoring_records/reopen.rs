use actix_web::{HttpResponse, post, web};

use super::json::{RecordResponse, Reopen};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::models::scoring::ScoringRecord;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::signed;
use crate::routes::params::CycleUnitPath;

/// 退回重开已定稿的评分表 (Reopen a final sheet)
///
/// 仅限县纪委，须写明理由。已签署的内容和签名留档；签名作废，考核组修改并重新提交后开始新一轮
/// 签署。
///
/// Office only, with a reason. The signed content and its signatures stay on record; the
/// signatures are voided and a new round of signing begins once the team has revised and
/// resubmitted the sheet.
///
/// 403: 调用者不是县纪委 (the caller is not the office). 409: 评分表未定稿 (the sheet is not
/// final). 422: 没有理由 (no reason given).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitPath),
    request_body = Reopen,
    responses(
        (status = 200, description = "已重开 (Reopened)", body = RecordResponse),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/reopen")]
pub async fn reopen_scoring_record(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    body: ValidJson<Reopen>,
) -> Result<HttpResponse, ApiError> {
    let reopened = db::write(&pool, user.actor(), move |conn| {
        signed::reopen::<ScoringRecord>(conn, &user, (path.cycle_id, path.unit_id), &body.0)
    })
    .await?;
    Ok(HttpResponse::Ok().json(reopened))
}
