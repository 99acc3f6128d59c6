use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::FallbackView;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleUnitPath;
use crate::openapi::responses::Forbidden;
use crate::ops::result_inputs;

/// 查看垂直管理单位的替代结果 (A vertical unit's fallback result)
///
/// 仅限县纪委办公室。
///
/// Office only.
///
/// 404: 不是本周期的垂直管理单位，或尚无替代结果 (not a vertical unit of the cycle, or none set).
#[utoipa::path(
    tag = "results",
    params(CycleUnitPath),
    responses(
        (status = 200, description = "替代结果 (the fallback result)", body = FallbackView,
            headers(("ETag" = String, description = "当前版本 (current version)"))),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/fallback-result")]
pub async fn get_fallback_result(
    req: HttpRequest,
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = (path.cycle_id, path.unit_id);
    let view = db::run(&pool, move |conn| {
        result_inputs::get_fallback(conn, cycle_id, unit_id)
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(view.version),
        &view,
    ))
}
