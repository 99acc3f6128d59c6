use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PutScore, ScoreView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CycleUnitPath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::routine;

/// 更正单位的日常考核得分 (Correct a unit's routine score)
///
/// 仅限县纪委办公室；须带 `If-Match`。得分满分 10 分，两位小数，字符串。
///
/// Office only; needs `If-Match`. A score out of 10 with at most two decimals, as a string.
///
/// 404: 尚未录入 (not entered: enter it in bulk). 409: 周期不在日常考核阶段
/// (`routine_not_open`)，或抽中单位的走访记录已被重开 (`visit_not_final`). 422: 得分超过 10
/// 或多于两位小数.
#[utoipa::path(
    tag = "routine",
    params(
        CycleUnitPath,
        ("If-Match" = String, Header,
            description = "得分当前的 ETag (the score's current ETag)", example = "\"1\""),
    ),
    request_body = PutScore,
    responses(
        (status = 200, description = "已更正 (corrected)", body = ScoreView,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/spot-checks/scores/{unit_id}")]
pub async fn put_routine_score(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    if_match: IfMatch,
    body: ValidJson<PutScore>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.unit_id);
    let body = body.0;
    let (score, note) = (
        body.score.unwrap_or_default(),
        clean(&body.note.unwrap_or_default()),
    );
    let saved = db::write(&pool, user.actor(), move |conn| {
        routine::correct_score(conn, &user, at, &score, &note, |current| {
            if_match.check(&ETag::from_version(current.version))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(saved.version).0))
        .json(saved))
}
