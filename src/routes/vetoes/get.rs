use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::{CycleVetoPath, VetoView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::openapi::responses::Forbidden;
use crate::ops::result_inputs;

/// 查看一票否决事件 (One veto event)
///
/// 仅限县纪委办公室。事件记录后不会改变。
///
/// Office only. An event never changes once recorded.
#[utoipa::path(
    tag = "results",
    params(CycleVetoPath),
    responses(
        (status = 200, description = "否决事件 (the veto event)", body = VetoView,
            headers(("ETag" = String, description = "正文的哈希 (a hash of the body)"))),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/vetoes/{veto_id}")]
pub async fn get_veto(
    req: HttpRequest,
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleVetoPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleVetoPath { cycle_id, veto_id } = path.into_inner();
    let veto = db::run(&pool, move |conn| {
        result_inputs::get_veto(conn, cycle_id, veto_id)
    })
    .await?;
    Ok(respond_with_etag(&req, &ETag::of_body(&veto), &veto))
}
