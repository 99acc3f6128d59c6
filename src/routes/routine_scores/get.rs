use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::ScoreView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleUnitPath;
use crate::openapi::responses::Forbidden;
use crate::ops::routine;

/// 查看单位的日常考核得分 (A unit's routine score)
///
/// 县纪委随时可读；单位自己和负责该单位的考核组在结果通报后可读，之前为 403 `not_published`。
///
/// The office reads it at any time; the unit itself and its team once the cycle is published
/// (403 `not_published` before).
///
/// 404: 尚未录入，或不在调用者的权限范围内 (not entered, or outside the caller's scope).
#[utoipa::path(
    tag = "routine",
    params(CycleUnitPath),
    responses(
        (status = 200, description = "得分 (the score)", body = ScoreView,
            headers(("ETag" = String, description = "当前版本 (current version)"))),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/spot-checks/scores/{unit_id}")]
pub async fn get_routine_score(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.unit_id);
    let score = db::run(&pool, move |conn| routine::get_score(conn, &user, at)).await?;
    Ok(match score {
        Ok(score) => respond_with_etag(&req, &ETag::from_version(score.version), &score),
        Err(withheld) => withheld.respond(),
    })
}
