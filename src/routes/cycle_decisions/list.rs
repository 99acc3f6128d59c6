use actix_web::{get, web};

use super::json::DecisionView;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::openapi::responses::Forbidden;
use crate::ops::decisions;

/// 查询本周期的决定记录 (The cycle's decision records)
///
/// 仅限县纪委办公室。按登记先后排列，含各自的单位意见和附件。
///
/// Office only. In the order they were recorded, each with its opinions on units and its
/// attachments.
#[utoipa::path(
    tag = "publication",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页决定记录 (one page of records)",
            body = Page<DecisionView>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/decisions")]
pub async fn list_cycle_decisions(
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    paging: Paging,
) -> Result<web::Json<Page<DecisionView>>, ApiError> {
    let cycle_id = path.cycle_id;
    let all = db::run(&pool, move |conn| decisions::list(conn, cycle_id)).await?;
    Ok(web::Json(paging.slice(all)))
}
