use actix_web::{get, web};

use super::json::FallbackView;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::openapi::responses::Forbidden;
use crate::ops::result_inputs;

/// 查询垂直管理单位的替代结果 (The cycle's fallback results)
///
/// 仅限县纪委办公室。与排名单位分开列出，不参加排名。
///
/// Office only. Listed apart from the ranked units, never ranked.
#[utoipa::path(
    tag = "results",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页替代结果 (one page of fallback results)",
            body = Page<FallbackView>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/fallback-results")]
pub async fn list_fallback_results(
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    paging: Paging,
) -> Result<web::Json<Page<FallbackView>>, ApiError> {
    let id = path.cycle_id;
    let all = db::run(&pool, move |conn| result_inputs::list_fallbacks(conn, id)).await?;
    Ok(web::Json(paging.slice(all)))
}
