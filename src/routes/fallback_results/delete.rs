use actix_web::{HttpResponse, delete, web};

use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleUnitPath;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::result_inputs;

/// 删除垂直管理单位的替代结果 (Delete a vertical unit's fallback result)
///
/// 仅限县纪委办公室，结果通报前。
///
/// Office only, before publication.
///
/// 409: 结果已通报 (`cycle_published`).
#[utoipa::path(
    tag = "results",
    params(CycleUnitPath),
    responses((status = 204, description = "已删除 (deleted)"), Forbidden, Conflict),
    security(("bearer" = []))
)]
#[delete("/assessment-cycles/{cycle_id}/units/{unit_id}/fallback-result")]
pub async fn delete_fallback_result(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.unit_id);
    db::write(&pool, user.actor(), move |conn| {
        result_inputs::delete_fallback(conn, at)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
