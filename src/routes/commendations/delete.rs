use actix_web::{HttpResponse, delete, web};

use super::CommendationPath;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::commendations;

/// 删除表彰或通报批评 (Delete a commendation or notice)
///
/// 仅限县纪委办公室，记录尚未通报时（周期处于综合评定或结果通报阶段）。删除记入审计日志。
///
/// Office only, while the record is not published (the cycle in review or published). The
/// deletion is on the audit trail.
///
/// 409: 已通报 (`commendation_published`)，周期尚未进入综合评定 (`commendations_not_open`) 或
/// 已归档 (`cycle_archived`).
#[utoipa::path(
    tag = "publication",
    params(CommendationPath),
    responses((status = 204, description = "已删除 (deleted)"), Forbidden, Conflict),
    security(("bearer" = []))
)]
#[delete("/assessment-cycles/{cycle_id}/commendations/{commendation_id}")]
pub async fn delete_commendation(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CommendationPath>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.commendation_id);
    db::write(&pool, user.actor(), move |conn| {
        commendations::delete(conn, at)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
