use actix_web::{get, web};

use super::json::VetoView;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::openapi::responses::Forbidden;
use crate::ops::result_inputs;

/// 查询一票否决事件 (The cycle's veto events)
///
/// 仅限县纪委办公室。按记录先后。
///
/// Office only. Oldest first.
#[utoipa::path(
    tag = "results",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页否决事件 (one page of veto events)",
            body = Page<VetoView>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/vetoes")]
pub async fn list_vetoes(
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    paging: Paging,
) -> Result<web::Json<Page<VetoView>>, ApiError> {
    let id = path.cycle_id;
    let all = db::run(&pool, move |conn| result_inputs::list_vetoes(conn, id)).await?;
    Ok(web::Json(paging.slice(all)))
}
