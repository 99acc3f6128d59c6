use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::CommendationPath;
use super::json::CommendationView;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::{ETag, Empty, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::commendations;

/// 单独通报表彰或通报批评 (Publish a commendation or notice on its own)
///
/// 仅限县纪委办公室，考核结果通报后。单独通报后，即使周期退回综合评定也保持通报。随结果通报的记录
/// 无须此步，但也可单独通报。
///
/// Office only, once the cycle's results are published. Published on its own, it stays
/// published even while the cycle is reopened. A record that goes with the results needs no
/// such step, but may take it.
///
/// 409: 结果尚未通报 (`cycle_not_published`)，周期已归档 (`cycle_archived`)，或已单独通报
/// (`commendation_published`).
#[utoipa::path(
    tag = "publication",
    params(CommendationPath),
    responses(
        (status = 200, description = "已通报 (published)", body = CommendationView,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/commendations/{commendation_id}/publish")]
pub async fn publish_commendation(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CommendationPath>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.commendation_id);
    let view = db::write(&pool, user.actor(), move |conn| {
        commendations::publish(conn, at)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
