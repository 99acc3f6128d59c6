use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::json::VetoView;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::pagination::query_id;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::UnitId;
use crate::openapi::responses::Forbidden;
use crate::ops::result_inputs;

/// Filters of the veto list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VetoFilter {
    /// Only the events recorded against this unit.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 2147483647)]
    pub unit_id: Option<String>,
}

/// 查询一票否决事件 (The cycle's veto events)
///
/// 仅限县纪委办公室。按记录先后；`unit_id` 只列该单位的。
///
/// Office only. Oldest first; `unit_id` keeps one unit's.
#[utoipa::path(
    tag = "results",
    params(CyclePath, VetoFilter, PageQuery),
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
    filter: web::Query<VetoFilter>,
    paging: Paging,
) -> Result<web::Json<Page<VetoView>>, ApiError> {
    let id = path.cycle_id;
    let unit = query_id("unit_id", filter.unit_id.as_deref())?.map(UnitId);
    let all = db::run(&pool, move |conn| {
        result_inputs::list_vetoes(conn, id, unit)
    })
    .await?;
    Ok(web::Json(paging.slice(all)))
}
