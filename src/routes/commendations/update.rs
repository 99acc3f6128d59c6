use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::CommendationPath;
use super::json::{CommendationBody, CommendationView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::commendations;

/// 修改表彰或通报批评 (Replace a commendation or notice)
///
/// 仅限县纪委办公室，周期处于综合评定或结果通报阶段、记录尚未通报时；须带 `If-Match`。各项整体
/// 替换。
///
/// Office only, while the cycle is in review or published and the record is not published;
/// needs `If-Match`. Every field is replaced.
///
/// 409: 已通报 (`commendation_published`)，周期尚未进入综合评定 (`commendations_not_open`) 或
/// 已归档 (`cycle_archived`). 422: 逐项列出.
#[utoipa::path(
    tag = "publication",
    params(
        CommendationPath,
        ("If-Match" = String, Header,
            description = "记录当前的 ETag (the record's current ETag)", example = "\"1\""),
    ),
    request_body = CommendationBody,
    responses(
        (status = 200, description = "已修改 (replaced)", body = CommendationView,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/commendations/{commendation_id}")]
pub async fn update_commendation(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CommendationPath>,
    if_match: IfMatch,
    body: ValidJson<CommendationBody>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.commendation_id);
    let input = body
        .0
        .into_input()
        .ok_or_else(|| ApiError::field("kind", "required", "the field `kind` is required"))?;
    let view = db::write(&pool, user.actor(), move |conn| {
        commendations::replace(conn, at, input, |version| {
            if_match.check(&ETag::from_version(version))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
