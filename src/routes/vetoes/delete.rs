use actix_web::{HttpResponse, delete, web};

use super::json::CycleVetoPath;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::result_inputs;

/// 删除一票否决事件 (Delete a veto event)
///
/// 仅限县纪委办公室，结果通报前（例如处分决定被撤销）。删除记入审计日志。
///
/// Office only, before publication (the decision was withdrawn, say). The deletion is on the
/// audit trail.
///
/// 409: 结果已通报 (`cycle_published`).
#[utoipa::path(
    tag = "results",
    params(CycleVetoPath),
    responses((status = 204, description = "已删除 (deleted)"), Forbidden, Conflict),
    security(("bearer" = []))
)]
#[delete("/assessment-cycles/{cycle_id}/vetoes/{veto_id}")]
pub async fn delete_veto(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleVetoPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleVetoPath { cycle_id, veto_id } = path.into_inner();
    db::write(&pool, user.actor(), move |conn| {
        result_inputs::delete_veto(conn, cycle_id, veto_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
